"""Early signals for the coach: trajectories that stall, and what to do about them.

The list is the one in wpo.md. Each kind is found with one query over the whole organisation,
so the number of queries does not grow with the number of participants. Every signal carries
its reason in words and a link to the place where the coach (or trainer) acts on it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wpo.followup.access import problems_waiting_for
from wpo.meetings import access as meetings_access
from wpo.orgs.access import in_org
from wpo.orgs.models import Department, Organization, Person
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    LookBackAnswer,
    Observation,
    ParticipantAssignment,
    PracticeAnswer,
    Step,
    StepChange,
    Trajectory,
)

from .models import SignalSettings

OPEN_STEPS = [Step.INTRODUCED, Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING]
STARTED_STEPS = [Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING]


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    action: Any


LONG_ASSIGNMENT = Kind("opdracht-lang", _("Opdracht duurt lang"), _("Bekijk het traject"))
NO_LOOK_BACK = Kind("geen-terugkijken", _("Aan de slag zonder terugkijken"), _("Plan het terugkijkgesprek"))
NO_CONVERSATION = Kind("geen-gesprek", _("Geen begeleidingsgesprek"), _("Plan een gesprek"))
OVERDUE = Kind("traject-te-lang", _("Traject over de tijd"), _("Bekijk het traject"))
INACTIVE = Kind("stil", _("Lang niets gebeurd"), _("Bekijk het traject"))
SECOND_ASSESSOR = Kind("tweede-beoordelaar", _("Wacht op tweede beoordelaar"), _("Geef je oordeel"))
OVER_CAPACITY = Kind("afdeling-vol", _("Afdeling boven afspraak"), _("Bekijk de afdeling"))
PROBLEM_WAITING = Kind("probleem", _("Probleem wacht op de coach"), _("Pak het probleem op"))
INTERVISION_DUE = Kind("intervisie", _("Intervisie niet gepland"), _("Plan de intervisie"))

KINDS: tuple[Kind, ...] = (
    SECOND_ASSESSOR,
    PROBLEM_WAITING,
    NO_LOOK_BACK,
    NO_CONVERSATION,
    LONG_ASSIGNMENT,
    INACTIVE,
    OVERDUE,
    OVER_CAPACITY,
    INTERVISION_DUE,
)
KIND_BY_CODE = {kind.code: kind for kind in KINDS}


@dataclass(frozen=True)
class Signal:
    kind: Kind
    reason: str
    url: str
    action: str
    # What the signal is about, for grouping on the overview.
    trajectory_id: int | None = None
    department_id: int | None = None
    # How long the situation has lasted, for sorting the longest first.
    since: datetime | None = None


@dataclass
class SignalReport:
    signals: list[Signal] = field(default_factory=list)

    def of_kind(self, kind: Kind) -> list[Signal]:
        return [s for s in self.signals if s.kind == kind]

    def counts(self) -> list[tuple[Kind, int]]:
        return [(kind, len(self.of_kind(kind))) for kind in KINDS]

    def by_trajectory(self) -> dict[int, list[Signal]]:
        found: dict[int, list[Signal]] = {}
        for signal in self.signals:
            if signal.trajectory_id is not None:
                found.setdefault(signal.trajectory_id, []).append(signal)
        return found

    def by_department(self) -> dict[int, list[Signal]]:
        found: dict[int, list[Signal]] = {}
        for signal in self.signals:
            if signal.department_id is not None and signal.trajectory_id is None:
                found.setdefault(signal.department_id, []).append(signal)
        return found

    def __len__(self) -> int:
        return len(self.signals)


def settings_for(organization: Organization | int) -> SignalSettings:
    org_id = organization if isinstance(organization, int) else organization.pk
    # Reading never writes: an organisation without its own settings gets the defaults.
    return SignalSettings.objects.filter(organization_id=org_id).first() or SignalSettings(organization_id=org_id)


def _weeks(since: datetime, now: datetime) -> int:
    return max(0, (now - since).days // 7)


def _trajectory_url(trajectory_id: int) -> str:
    return reverse("trajectories:trajectory_detail", args=[trajectory_id])


def _open_assignments(coach: Person) -> QuerySet[ParticipantAssignment]:
    return (
        in_org(coach, ParticipantAssignment)
        .filter(trajectory__status=Trajectory.Status.ACTIVE)
        .select_related("trajectory__participant__user", "version")
    )


def long_assignments(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    limit = now - timedelta(weeks=config.assignment_weeks)
    for pa in _open_assignments(coach).filter(step__in=OPEN_STEPS, created_at__lt=limit).order_by("created_at"):
        yield Signal(
            LONG_ASSIGNMENT,
            _("%(name)s werkt al %(weeks)s weken aan ‘%(title)s’. De grens is %(limit)s weken.")
            % {
                "name": pa.trajectory.participant.first_name,
                "weeks": _weeks(pa.created_at, now),
                "title": pa.version.title,
                "limit": config.assignment_weeks,
            },
            _trajectory_url(pa.trajectory_id),
            str(LONG_ASSIGNMENT.action),
            trajectory_id=pa.trajectory_id,
            since=pa.created_at,
        )


def work_without_look_back(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    limit = now - timedelta(weeks=config.look_back_weeks)
    for pa in _open_assignments(coach).filter(step=Step.WORKING, step_since__lt=limit).order_by("step_since"):
        yield Signal(
            NO_LOOK_BACK,
            _("%(name)s is al %(weeks)s weken aan de slag met ‘%(title)s’, zonder terugkijkgesprek.")
            % {
                "name": pa.trajectory.participant.first_name,
                "weeks": _weeks(pa.step_since, now),
                "title": pa.version.title,
            },
            reverse("trajectories:conversation_plan", args=[pa.trajectory_id]),
            str(NO_LOOK_BACK.action),
            trajectory_id=pa.trajectory_id,
            since=pa.step_since,
        )


def no_conversation(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    """An assignment has run for weeks, no conversation was held in those weeks and none is planned."""
    limit = now - timedelta(weeks=config.conversation_weeks)
    conversations = CoachingConversation.objects.filter(trajectory=OuterRef("pk"))
    last_held = Subquery(
        conversations.filter(held_at__isnull=False).order_by("-held_at").values("held_at")[:1],
    )
    found = (
        in_org(coach, Trajectory)
        .filter(status=Trajectory.Status.ACTIVE)
        .filter(
            Exists(
                ParticipantAssignment.objects.filter(
                    trajectory=OuterRef("pk"), step__in=STARTED_STEPS, created_at__lt=limit
                )
            )
        )
        .exclude(Exists(conversations.filter(held_at__gte=limit)))
        .exclude(Exists(conversations.filter(held_at__isnull=True, planned_at__gte=now)))
        .annotate(last_held=last_held)
        .select_related("participant__user")
        .order_by("pk")
    )
    for trajectory in found:
        if trajectory.last_held is None:
            reason = _("Met %(name)s is nog geen begeleidingsgesprek gehouden, en er is er geen gepland.") % {
                "name": trajectory.participant.first_name
            }
        else:
            reason = _(
                "Het laatste begeleidingsgesprek met %(name)s was %(weeks)s weken geleden. Er is geen nieuw gepland."
            ) % {"name": trajectory.participant.first_name, "weeks": _weeks(trajectory.last_held, now)}
        yield Signal(
            NO_CONVERSATION,
            reason,
            reverse("trajectories:conversation_plan", args=[trajectory.pk]),
            str(NO_CONVERSATION.action),
            trajectory_id=trajectory.pk,
            since=trajectory.last_held,
        )


def overdue_trajectories(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    today = timezone.localdate(now)
    year_ago = today - timedelta(days=round(config.trajectory_months * 30.44))
    found = (
        in_org(coach, Trajectory)
        .filter(status=Trajectory.Status.ACTIVE)
        .filter(Q(ends_on__lt=today) | Q(starts_on__lt=year_ago))
        .select_related("participant__user")
        .order_by("starts_on", "pk")
    )
    for trajectory in found:
        name = trajectory.participant.first_name
        if trajectory.ends_on < today:
            reason = _("Het traject van %(name)s had op %(date)s klaar moeten zijn.") % {
                "name": name,
                "date": formats.date_format(trajectory.ends_on, "j F Y"),
            }
        else:
            reason = _("Het traject van %(name)s loopt al sinds %(date)s: langer dan %(months)s maanden.") % {
                "name": name,
                "date": formats.date_format(trajectory.starts_on, "j F Y"),
                "months": config.trajectory_months,
            }
        yield Signal(
            OVERDUE,
            reason,
            _trajectory_url(trajectory.pk),
            str(OVERDUE.action),
            trajectory_id=trajectory.pk,
        )


def inactive_trajectories(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    """Nothing happened: no step, answer, look-back, observation or conversation for weeks."""
    limit = now - timedelta(weeks=config.inactive_weeks)
    on_trajectory = {"participant_assignment__trajectory": OuterRef("pk")}
    sources: list[tuple[QuerySet[Any], str]] = [
        (StepChange.objects.filter(**on_trajectory), "at"),
        (PracticeAnswer.objects.filter(**on_trajectory), "answered_at"),
        (LookBackAnswer.objects.filter(**on_trajectory), "answered_at"),
        (Observation.objects.filter(**on_trajectory), "observed_at"),
        (CoachingConversation.objects.filter(trajectory=OuterRef("pk"), held_at__isnull=False), "held_at"),
    ]
    found = in_org(coach, Trajectory).filter(status=Trajectory.Status.ACTIVE, starts_on__lt=timezone.localdate(limit))
    for source, moment in sources:
        found = found.exclude(Exists(source.filter(**{f"{moment}__gte": limit})))
    # Greatest() of nothing is NULL on SQLite, so a missing source counts as "long ago".
    long_ago = Value(datetime(2000, 1, 1, tzinfo=UTC))
    latest = [Coalesce(Subquery(s.order_by(f"-{m}").values(m)[:1]), long_ago) for s, m in sources]
    found = found.annotate(last_activity=Greatest(*latest)).select_related("participant__user").order_by("pk")
    for trajectory in found:
        last: datetime = trajectory.last_activity
        if last.year == 2000:  # nothing ever happened: count from the start of the trajectory
            last = datetime.combine(trajectory.starts_on, time(0), tzinfo=now.tzinfo)
        yield Signal(
            INACTIVE,
            _("In het traject van %(name)s is %(weeks)s weken niets gebeurd: geen stap, antwoord of gesprek.")
            % {"name": trajectory.participant.first_name, "weeks": _weeks(last, now)},
            _trajectory_url(trajectory.pk),
            str(INACTIVE.action),
            trajectory_id=trajectory.pk,
            since=last,
        )


def waiting_for_second_assessor(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    found = (
        in_org(coach, Assessment)
        .filter(second_assessor__isnull=False, second_judgement="")
        .select_related(
            "second_assessor__user",
            "participant_assignment__trajectory__participant__user",
            "participant_assignment__version",
        )
        .order_by("assessed_at", "pk")
    )
    for assessment in found:
        pa = assessment.participant_assignment
        second = assessment.second_assessor
        assert second is not None
        mine = second.pk == coach.pk
        reason = _("De beoordeling van ‘%(title)s’ van %(name)s wacht sinds %(date)s op het oordeel van %(coach)s.") % {
            "title": pa.version.title,
            "name": pa.trajectory.participant.first_name,
            "date": formats.date_format(timezone.localtime(assessment.assessed_at), "j F"),
            "coach": _("jou") if mine else second.name,
        }
        yield Signal(
            SECOND_ASSESSOR,
            reason,
            reverse("trajectories:second_assessment_record", args=[assessment.pk])
            if mine
            else _trajectory_url(pa.trajectory_id),
            str(SECOND_ASSESSOR.action if mine else LONG_ASSIGNMENT.action),
            trajectory_id=pa.trajectory_id,
            since=assessment.assessed_at,
        )


def departments_over_capacity(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    found = (
        in_org(coach, Department)
        .annotate(in_wpo=Count("trajectory", filter=Q(trajectory__status=Trajectory.Status.ACTIVE)))
        .order_by("name")
    )
    for department in found:
        if department.in_wpo > department.agreed_capacity:
            yield Signal(
                OVER_CAPACITY,
                ngettext(
                    "Afdeling %(name)s heeft %(count)s deelnemer in WPO; afgesproken is %(agreed)s.",
                    "Afdeling %(name)s heeft %(count)s deelnemers in WPO; afgesproken is %(agreed)s.",
                    department.in_wpo,
                )
                % {"name": department.name, "count": department.in_wpo, "agreed": department.agreed_capacity},
                reverse("coaching:overview") + f"?afdeling={department.pk}",
                str(OVER_CAPACITY.action),
                department_id=department.pk,
            )


def problems_waiting(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    """Problems raised by trainers or answered by the project manager, waiting for the coach."""
    for problem in problems_waiting_for(coach).order_by("pk")[:200]:
        yield Signal(
            PROBLEM_WAITING,
            _("Probleem ‘%(title)s’ wacht op jou (%(status)s).")
            % {"title": problem.title, "status": problem.get_status_display()},
            reverse("followup:problem_detail", args=[problem.pk]),
            str(PROBLEM_WAITING.action),
        )


def intervision_due(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    if meetings_access.intervision_due(coach):
        yield Signal(
            INTERVISION_DUE,
            str(_("Er is dit kwartaal nog geen intervisie voor de werkplekopleiders gepland.")),
            reverse("meetings:list"),
            str(INTERVISION_DUE.action),
        )


SOURCES: tuple[Callable[[Person, SignalSettings, datetime], Iterable[Signal]], ...] = (
    waiting_for_second_assessor,
    problems_waiting,
    work_without_look_back,
    no_conversation,
    long_assignments,
    inactive_trajectories,
    overdue_trajectories,
    departments_over_capacity,
    intervision_due,
)


def signals_for(coach: Person, now: datetime | None = None) -> SignalReport:
    """Every signal in the coach's organisation, the longest-standing first within a kind."""
    now = now or timezone.now()
    config = settings_for(coach.organization_id)
    report = SignalReport()
    for source in SOURCES:
        report.signals.extend(source(coach, config, now))
    return report
