"""Early signals for the coach: trajectories that stall, and what to do about them.

The list is the one in wpo.md. Each kind is found with one query over the whole organisation,
so the number of queries does not grow with the number of participants. Every signal carries
its reason in words and a link to the place where the coach (or trainer) acts on it.

Triage: a trajectory with several signals is shown on the coach's overview with its one most
urgent reason, ranked by ``SEVERITY`` below. A coach can snooze one kind of signal of one
trajectory until a date (``SignalEvent``); a quiet signal is left out of every query here, so
out of the counts, the overview and the weekly digest, until that date has passed.
"""

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, overload

from django.db.models import Case, Exists, Func, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wpo.evaluations.models import InterimEvaluation
from wpo.followup.access import problems_waiting_for
from wpo.meetings import access as meetings_access
from wpo.orgs.access import in_org
from wpo.orgs.models import Department, Organization, Person
from wpo.trajectories.access import open_assignments_in, visible_trajectories
from wpo.trajectories.models import (
    OPEN_STEPS,
    Assessment,
    CoachingConversation,
    ParticipantAssignment,
    Phase,
    Step,
    Trajectory,
)

from .models import SignalEvent, SignalSettings

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The open steps once the participant began: the assignment is more than handed out.
STARTED_STEPS = [step for step in OPEN_STEPS if step != Step.INTRODUCED]


@dataclass(frozen=True, eq=False)  # the kinds are singletons: compared by identity, not by (lazy) label
class Kind:
    code: str
    label: Any
    action: Any

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # Pickled by reference (the overview's cached triage): unpickling gives the singleton back.
        return (kind_by_code, (self.code,))


def kind_by_code(code: str) -> "Kind":
    return KIND_BY_CODE[code]


LONG_ASSIGNMENT = Kind("opdracht-lang", _("Opdracht duurt lang"), _("Bekijk het traject"))
NO_LOOK_BACK = Kind("geen-terugkijken", _("Aan de slag zonder terugkijken"), _("Plan het terugkijkgesprek"))
NO_CONVERSATION = Kind("geen-gesprek", _("Geen begeleidingsgesprek"), _("Plan een gesprek"))
OVERDUE = Kind("traject-te-lang", _("Traject over de tijd"), _("Bekijk het traject"))
INACTIVE = Kind("stil", _("Lang niets gebeurd"), _("Bekijk het traject"))
SECOND_ASSESSOR = Kind("tweede-beoordelaar", _("Wacht op tweede beoordelaar"), _("Geef je oordeel"))
OVER_CAPACITY = Kind("afdeling-vol", _("Afdeling boven afspraak"), _("Bekijk de afdeling"))
PROBLEM_WAITING = Kind("probleem", _("Probleem wacht op de coach"), _("Pak het probleem op"))
INTERVISION_DUE = Kind("intervisie", _("Intervisie niet gepland"), _("Plan de intervisie"))
# Phase 3 (wpo.evaluations): a running trajectory without an interim evaluation for N weeks.
NO_INTERIM_EVALUATION = Kind("geen-tussenevaluatie", _("Geen tussentijdse evaluatie"), _("Plan een evaluatie"))

KINDS: tuple[Kind, ...] = (
    SECOND_ASSESSOR,
    PROBLEM_WAITING,
    NO_LOOK_BACK,
    NO_CONVERSATION,
    LONG_ASSIGNMENT,
    INACTIVE,
    OVERDUE,
    NO_INTERIM_EVALUATION,
    OVER_CAPACITY,
    INTERVISION_DUE,
)
KIND_BY_CODE = {kind.code: kind for kind in KINDS}

# Severity: which reason the overview shows when a trajectory has several, the most urgent first.
# The order asks "what happens to the participant if nobody acts this week?"; the coach's help
# (wpo/guidance/content.py, "Eén reden per traject") explains it in the same order.
SEVERITY: tuple[Kind, ...] = (
    # Someone finished an assignment and waits for a judgement: the participant is held up by us,
    # and the coach can act at once (often the coach is the second assessor).
    SECOND_ASSESSOR,
    # Nothing at all happened for weeks: the trajectory may have stopped without anyone saying so,
    # the first step to dropping out. The other signals of a silent trajectory follow from it.
    INACTIVE,
    # No coaching conversation held or planned: the participant works without guidance.
    NO_CONVERSATION,
    # Working on the task without the look-back: the learning loop breaks, but work goes on.
    NO_LOOK_BACK,
    # Past the agreed end or longer than agreed: a decision is due (extend or close), but the
    # participant's day does not change because of it.
    OVERDUE,
    # No interim evaluation for weeks: the look at the whole trajectory (do the skills still fit,
    # does the period stand?) is overdue; it is planned ahead, so it can wait a little longer.
    NO_INTERIM_EVALUATION,
    # One assignment takes long: often the symptom of one of the above, and the least specific.
    LONG_ASSIGNMENT,
)
# The kinds a coach can snooze: those about one trajectory. A problem, a department over its
# agreed number and a missing intervision are solved, not snoozed.
SNOOZABLE: tuple[Kind, ...] = SEVERITY


def severity(kind: Kind) -> int:
    """0 for the most urgent kind; a kind missing from ``SEVERITY`` ranks last."""
    return SEVERITY.index(kind) if kind in SEVERITY else len(SEVERITY)


def most_urgent(signals: Sequence["Signal"]) -> list["Signal"]:
    """The signals of one trajectory, the most urgent first: by severity, then the longest-standing."""
    return sorted(
        signals,
        key=lambda s: (severity(s.kind), s.since is None, s.since or datetime.max.replace(tzinfo=UTC)),
    )


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
        found = Counter(s.kind for s in self.signals)
        return [(kind, found[kind]) for kind in KINDS]

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


def _start_of(day: date) -> datetime:
    """The first moment of ``day`` where the organisation is (not in UTC): a trajectory that started 13
    weeks ago by the calendar has run 13 weeks from just after midnight on."""
    return timezone.make_aware(datetime.combine(day, time(0)))


def _weeks(since: datetime, now: datetime) -> int:
    return max(0, (now - since).days // 7)


# A coach's organisation can have thousands of signals, but a page shows fifty. Reasons and links
# are therefore lazy: formatted (and reversed) only when a page or an e-mail actually shows them.
def _format(template: "str | _StrPromise", params: dict[str, Any]) -> str:
    return str(template) % params


def _reverse(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


_lazy_format: Callable[["str | _StrPromise", dict[str, Any]], str] = lazy(_format, str)
_lazy_reverse: Callable[[str, int], str] = lazy(_reverse, str)


def _trajectory_url(trajectory_id: int) -> str:
    return _lazy_reverse("trajectories:trajectory_detail", trajectory_id)


def _first_name(row: dict[str, Any], prefix: str) -> str:
    """Person.first_name from a values() row: the first name, else the full name, else the username."""
    first = row[f"{prefix}user__first_name"]
    if first:
        return str(first)
    full = f"{row[f'{prefix}user__first_name']} {row[f'{prefix}user__last_name']}".strip()
    return full or str(row[f"{prefix}user__username"])


PARTICIPANT = "trajectory__participant__"
NAME_FIELDS = [f"{PARTICIPANT}user__{f}" for f in ("first_name", "last_name", "username")]
TRAJECTORY_NAME_FIELDS = [f.removeprefix("trajectory__") for f in NAME_FIELDS]


def _window(found: QuerySet[Any], window: tuple[int, int] | None) -> QuerySet[Any]:
    """One slice of a source's rows in its own order (one page of the signals list)."""
    return found if window is None else found[window[0] : window[1]]


def _only(found: QuerySet[Any], only: Collection[int] | None, key: str) -> QuerySet[Any]:
    """Restrict a source's query to some trajectories (those on one page of the overview)."""
    return found if only is None else found.filter(**{f"{key}__in": list(only)})


# Per kind code, the trajectories whose signal of that kind is snoozed today (``snoozed_now``).
Snoozed = dict[str, frozenset[int]]


def snoozed_now(coach: Person, now: datetime, only: Collection[int] | None = None) -> Snoozed:
    """Which signals of the coach's organisation are snoozed: per kind, the trajectories whose newest
    snooze or wake of it is a snooze whose last quiet day is today or later. One query, read once per
    computation of the signals and then left out of each kind by a plain list: a subquery per kind
    cost more to build than the whole count (9 ms of Python per computation at national scale).
    With ``only``, of those trajectories: the questions asked about them leave out no others."""
    later = SignalEvent.objects.filter(
        trajectory_id=OuterRef("trajectory_id"),
        kind=OuterRef("kind"),
        action__in=[SignalEvent.Action.SNOOZED, SignalEvent.Action.WOKEN],
        pk__gt=OuterRef("pk"),  # rows are appended: a higher id is a later decision
    )
    rows = (
        in_org(coach, SignalEvent)
        .filter(action=SignalEvent.Action.SNOOZED, until__gte=timezone.localdate(now))
        .exclude(Exists(later))
        .values_list("kind", "trajectory_id")
    )
    if only is not None:
        rows = rows.filter(trajectory_id__in=list(only))
    found: dict[str, set[int]] = {}
    for code, trajectory_id in rows:
        found.setdefault(code, set()).add(trajectory_id)
    return {code: frozenset(ids) for code, ids in found.items()}


def _snoozed(coach: Person, now: datetime, snoozed: Snoozed | None) -> Snoozed:
    """The snoozes read by the caller for all kinds at once, or read now for one source on its own."""
    return snoozed if snoozed is not None else snoozed_now(coach, now)


def awake[M: Model](found: QuerySet[M], kind: Kind, key: str, snoozed: Snoozed) -> QuerySet[M]:
    """``found`` without the rows whose trajectory (at ``key``, a field of the rows) has ``kind`` snoozed."""
    ids = snoozed.get(kind.code)
    return found.exclude(**{f"{key}__in": sorted(ids)}) if ids else found


def _long_assignments(coach: Person, config: SignalSettings, now: datetime, snoozed: Snoozed) -> QuerySet[Any]:
    limit = now - timedelta(weeks=config.assignment_weeks)
    return awake(open_assignments_in(coach).filter(created_at__lt=limit), LONG_ASSIGNMENT, "trajectory_id", snoozed)


def long_assignments(
    coach: Person,
    config: SignalSettings,
    now: datetime,
    only: Collection[int] | None = None,
    window: tuple[int, int] | None = None,
    snoozed: Snoozed | None = None,
) -> Iterable[Signal]:
    found = (
        _only(_long_assignments(coach, config, now, _snoozed(coach, now, snoozed)), only, "trajectory_id")
        .order_by("created_at", "pk")  # pk: a stable order, so that pages never overlap
        .values("trajectory_id", "created_at", "version__title", *NAME_FIELDS)
    )
    template = _("%(name)s werkt al %(weeks)s weken aan ‘%(title)s’. De grens is %(limit)s weken.")
    action = str(LONG_ASSIGNMENT.action)  # translated once, not once per signal
    for pa in _window(found, window):
        yield Signal(
            LONG_ASSIGNMENT,
            _lazy_format(
                template,
                {
                    "name": _first_name(pa, PARTICIPANT),
                    "weeks": _weeks(pa["created_at"], now),
                    "title": pa["version__title"],
                    "limit": config.assignment_weeks,
                },
            ),
            _trajectory_url(pa["trajectory_id"]),
            action,
            trajectory_id=pa["trajectory_id"],
            since=pa["created_at"],
        )


def _work_without_look_back(coach: Person, config: SignalSettings, now: datetime, snoozed: Snoozed) -> QuerySet[Any]:
    limit = now - timedelta(weeks=config.look_back_weeks)
    working = open_assignments_in(coach).filter(step=Step.WORKING, step_since__lt=limit)
    return awake(working, NO_LOOK_BACK, "trajectory_id", snoozed)


def work_without_look_back(
    coach: Person,
    config: SignalSettings,
    now: datetime,
    only: Collection[int] | None = None,
    window: tuple[int, int] | None = None,
    snoozed: Snoozed | None = None,
) -> Iterable[Signal]:
    found = (
        _only(_work_without_look_back(coach, config, now, _snoozed(coach, now, snoozed)), only, "trajectory_id")
        .order_by("step_since", "pk")
        .values("trajectory_id", "step_since", "version__title", *NAME_FIELDS)
    )
    template = _("%(name)s is al %(weeks)s weken aan de slag met ‘%(title)s’, zonder terugkijkgesprek.")
    action = str(NO_LOOK_BACK.action)  # translated once, not once per signal
    for pa in _window(found, window):
        yield Signal(
            NO_LOOK_BACK,
            _lazy_format(
                template,
                {
                    "name": _first_name(pa, PARTICIPANT),
                    "weeks": _weeks(pa["step_since"], now),
                    "title": pa["version__title"],
                },
            ),
            _lazy_reverse("trajectories:conversation_plan", pa["trajectory_id"]),
            action,
            trajectory_id=pa["trajectory_id"],
            since=pa["step_since"],
        )


def _last_held(model: type[CoachingConversation] | type[InterimEvaluation]) -> Subquery:
    """When the trajectory's newest conversation or evaluation of this kind was held (None: never)."""
    return Subquery(
        model.objects.filter(trajectory=OuterRef("pk"), held_at__isnull=False)
        .order_by("-held_at")
        .values("held_at")[:1],
    )


def _none_held_or_planned(
    trajectories: QuerySet[Any],
    model: type[CoachingConversation] | type[InterimEvaluation],
    limit: datetime,
    now: datetime,
) -> QuerySet[Any]:
    """Leave out trajectories with one of these held since ``limit`` or planned from ``now`` on."""
    meetings = model.objects.filter(trajectory=OuterRef("pk"))
    return trajectories.exclude(Exists(meetings.filter(held_at__gte=limit))).exclude(
        Exists(meetings.filter(held_at__isnull=True, planned_at__gte=now))
    )


def _no_conversation(coach: Person, config: SignalSettings, now: datetime, snoozed: Snoozed) -> QuerySet[Any]:
    limit = now - timedelta(weeks=config.conversation_weeks)
    running = (
        in_org(coach, Trajectory)
        .filter(status=Trajectory.Status.ACTIVE)
        .filter(
            Exists(
                ParticipantAssignment.objects.filter(
                    trajectory=OuterRef("pk"), step__in=STARTED_STEPS, created_at__lt=limit
                )
            )
        )
    )
    return _none_held_or_planned(awake(running, NO_CONVERSATION, "pk", snoozed), CoachingConversation, limit, now)


def no_conversation(
    coach: Person,
    config: SignalSettings,
    now: datetime,
    only: Collection[int] | None = None,
    window: tuple[int, int] | None = None,
    snoozed: Snoozed | None = None,
) -> Iterable[Signal]:
    """An assignment has run for weeks, no conversation was held in those weeks and none is planned."""
    found = (
        _only(_no_conversation(coach, config, now, _snoozed(coach, now, snoozed)), only, "pk")
        .annotate(last_held=_last_held(CoachingConversation))
        .order_by("pk")
        .values("pk", "last_held", *TRAJECTORY_NAME_FIELDS)
    )
    never = _("Met %(name)s is nog geen begeleidingsgesprek gehouden, en er is er geen gepland.")
    earlier = _("Het laatste begeleidingsgesprek met %(name)s was %(weeks)s weken geleden. Er is geen nieuw gepland.")
    action = str(NO_CONVERSATION.action)  # translated once, not once per signal
    for trajectory in _window(found, window):
        name = _first_name(trajectory, "participant__")
        if trajectory["last_held"] is None:
            reason = _lazy_format(never, {"name": name})
        else:
            reason = _lazy_format(earlier, {"name": name, "weeks": _weeks(trajectory["last_held"], now)})
        yield Signal(
            NO_CONVERSATION,
            reason,
            _lazy_reverse("trajectories:conversation_plan", trajectory["pk"]),
            action,
            trajectory_id=trajectory["pk"],
            since=trajectory["last_held"],
        )


def _long_date(day: date) -> str:
    return formats.date_format(day, "j F Y")


_lazy_long_date: Callable[[date], str] = lazy(_long_date, str)


def _overdue_trajectories(coach: Person, config: SignalSettings, now: datetime, snoozed: Snoozed) -> QuerySet[Any]:
    today = timezone.localdate(now)
    year_ago = today - timedelta(days=round(config.trajectory_months * 30.44))
    found = (
        in_org(coach, Trajectory)
        .filter(status=Trajectory.Status.ACTIVE)
        .filter(Q(ends_on__lt=today) | Q(starts_on__lt=year_ago))
    )
    return awake(found, OVERDUE, "pk", snoozed)


def overdue_trajectories(
    coach: Person,
    config: SignalSettings,
    now: datetime,
    only: Collection[int] | None = None,
    window: tuple[int, int] | None = None,
    snoozed: Snoozed | None = None,
) -> Iterable[Signal]:
    today = timezone.localdate(now)
    found = (
        _only(_overdue_trajectories(coach, config, now, _snoozed(coach, now, snoozed)), only, "pk")
        .order_by("starts_on", "pk")
        .values("pk", "starts_on", "ends_on", *TRAJECTORY_NAME_FIELDS)
    )
    late = _("Het traject van %(name)s had op %(date)s klaar moeten zijn.")
    long = _("Het traject van %(name)s loopt al sinds %(date)s: langer dan %(months)s maanden.")
    action = str(OVERDUE.action)  # translated once, not once per signal
    for trajectory in _window(found, window):
        name = _first_name(trajectory, "participant__")
        if trajectory["ends_on"] < today:
            reason = _lazy_format(late, {"name": name, "date": _lazy_long_date(trajectory["ends_on"])})
        else:
            reason = _lazy_format(
                long,
                {"name": name, "date": _lazy_long_date(trajectory["starts_on"]), "months": config.trajectory_months},
            )
        yield Signal(
            OVERDUE,
            reason,
            _trajectory_url(trajectory["pk"]),
            action,
            trajectory_id=trajectory["pk"],
        )


def _inactive_trajectories(coach: Person, config: SignalSettings, now: datetime, snoozed: Snoozed) -> QuerySet[Any]:
    limit = now - timedelta(weeks=config.inactive_weeks)
    found = (
        in_org(coach, Trajectory)
        .filter(status=Trajectory.Status.ACTIVE, starts_on__lt=timezone.localdate(limit))
        .filter(Q(last_activity_at__lt=limit) | Q(last_activity_at__isnull=True))
    )
    return awake(found, INACTIVE, "pk", snoozed)


def inactive_trajectories(
    coach: Person,
    config: SignalSettings,
    now: datetime,
    only: Collection[int] | None = None,
    window: tuple[int, int] | None = None,
    snoozed: Snoozed | None = None,
) -> Iterable[Signal]:
    """Nothing happened: no step, answer, look-back, observation or held conversation for weeks.

    ``Trajectory.last_activity_at`` holds the newest of those moments (wpo.trajectories.activity), so
    this is one indexed filter instead of a search through five tables per trajectory.
    """
    found = (
        _only(_inactive_trajectories(coach, config, now, _snoozed(coach, now, snoozed)), only, "pk")
        .order_by("pk")
        .values("pk", "starts_on", "last_activity_at", *TRAJECTORY_NAME_FIELDS)
    )
    template = _("In het traject van %(name)s is %(weeks)s weken niets gebeurd: geen stap, antwoord of gesprek.")
    action = str(INACTIVE.action)  # translated once, not once per signal
    for trajectory in _window(found, window):
        last: datetime | None = trajectory["last_activity_at"]
        if last is None:  # nothing ever happened: count from the start of the trajectory
            last = _start_of(trajectory["starts_on"])
        yield Signal(
            INACTIVE,
            _lazy_format(template, {"name": _first_name(trajectory, "participant__"), "weeks": _weeks(last, now)}),
            _trajectory_url(trajectory["pk"]),
            action,
            trajectory_id=trajectory["pk"],
            since=last,
        )


def _no_interim_evaluation(coach: Person, config: SignalSettings, now: datetime, snoozed: Snoozed) -> QuerySet[Any]:
    """Running after its start conversation for more than N weeks, with no interim evaluation held
    in the last N weeks and none planned (wpo.evaluations)."""
    limit = now - timedelta(weeks=config.interim_weeks)
    running = (
        in_org(coach, Trajectory)
        .filter(status=Trajectory.Status.ACTIVE, phase__in=[Phase.LEARN_WORK, Phase.EVALUATION])
        .filter(starts_on__lt=timezone.localdate(limit))
    )
    return _none_held_or_planned(awake(running, NO_INTERIM_EVALUATION, "pk", snoozed), InterimEvaluation, limit, now)


def no_interim_evaluation(
    coach: Person,
    config: SignalSettings,
    now: datetime,
    only: Collection[int] | None = None,
    window: tuple[int, int] | None = None,
    snoozed: Snoozed | None = None,
) -> Iterable[Signal]:
    found = (
        _only(_no_interim_evaluation(coach, config, now, _snoozed(coach, now, snoozed)), only, "pk")
        .annotate(last_held=_last_held(InterimEvaluation))
        .order_by("starts_on", "pk")
        .values("pk", "starts_on", "last_held", *TRAJECTORY_NAME_FIELDS)
    )
    never = _("%(name)s is al %(weeks)s weken bezig. Er is nog geen tussentijdse evaluatie gehouden of gepland.")
    earlier = _("De laatste tussentijdse evaluatie met %(name)s was %(weeks)s weken geleden. Er is geen nieuwe.")
    action = str(NO_INTERIM_EVALUATION.action)  # translated once, not once per signal
    for trajectory in _window(found, window):
        name = _first_name(trajectory, "participant__")
        last: datetime | None = trajectory["last_held"]
        since = last or _start_of(trajectory["starts_on"])
        reason = _lazy_format(earlier if last else never, {"name": name, "weeks": _weeks(since, now)})
        yield Signal(
            NO_INTERIM_EVALUATION,
            reason,
            _lazy_reverse("evaluations:plan", trajectory["pk"]),
            action,
            trajectory_id=trajectory["pk"],
            since=since,
        )


def _waiting_for_second_assessor(
    coach: Person, config: SignalSettings, now: datetime, snoozed: Snoozed
) -> QuerySet[Any]:
    # The assignment's organisation is the assessment's; said here, it lets PostgreSQL read only this
    # organisation's assignments for the join instead of the whole country's (0.2 s of each count at
    # national scale, where it misjudges how few assessments wait).
    waiting = in_org(coach, Assessment).filter(
        second_assessor__isnull=False,
        second_judgement="",
        participant_assignment__organization_id=coach.organization_id,
    )
    return awake(waiting, SECOND_ASSESSOR, "participant_assignment__trajectory_id", snoozed)


def waiting_for_second_assessor(
    coach: Person,
    config: SignalSettings,
    now: datetime,
    only: Collection[int] | None = None,
    window: tuple[int, int] | None = None,
    snoozed: Snoozed | None = None,
) -> Iterable[Signal]:
    found = (
        _only(
            _waiting_for_second_assessor(coach, config, now, _snoozed(coach, now, snoozed)),
            only,
            "participant_assignment__trajectory_id",
        )
        .select_related(
            "second_assessor__user",
            "participant_assignment__trajectory__participant__user",
            "participant_assignment__version",
        )
        .order_by("assessed_at", "pk")
    )
    for assessment in _window(found, window):
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


def department_capacity(coach: Person) -> Any:
    # Any: the annotation (in_wpo) is not known to the type checker.
    """Every department with ``in_wpo``, its number of running trajectories (one query).

    Counted per department in a subquery on the (department, status) index, so only the running
    trajectories are read, not every trajectory the organisation ever had (a join with GROUP BY took
    8 ms at national scale, this 1 ms)."""
    running = (
        Trajectory.objects.filter(department=OuterRef("pk"), status=Trajectory.Status.ACTIVE)
        .order_by()
        # COUNT(*) as a plain function, not an aggregate: no GROUP BY, an index-only count.
        .annotate(n=Func(Value(1), function="COUNT"))
        .values("n")
    )
    return in_org(coach, Department).annotate(in_wpo=Coalesce(Subquery(running), 0)).order_by("name")


def departments_over_capacity(coach: Person, config: SignalSettings, now: datetime) -> Iterable[Signal]:
    for department in department_capacity(coach):
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


Source = Callable[[Person, SignalSettings, datetime], Iterable[Signal]]
Query = Callable[[Person, SignalSettings, datetime, Snoozed], QuerySet[Any]]

# The signals about one trajectory: their kind, the query that finds them, the key to the trajectory,
# and the source that turns the rows into signals (restricted to some trajectories with ``only``).
TRAJECTORY_SOURCES: tuple[tuple[Kind, Query, str, Callable[..., Iterable[Signal]]], ...] = (
    (
        SECOND_ASSESSOR,
        _waiting_for_second_assessor,
        "participant_assignment__trajectory_id",
        waiting_for_second_assessor,
    ),
    (NO_LOOK_BACK, _work_without_look_back, "trajectory_id", work_without_look_back),
    (NO_CONVERSATION, _no_conversation, "pk", no_conversation),
    (LONG_ASSIGNMENT, _long_assignments, "trajectory_id", long_assignments),
    (INACTIVE, _inactive_trajectories, "pk", inactive_trajectories),
    (OVERDUE, _overdue_trajectories, "pk", overdue_trajectories),
    (NO_INTERIM_EVALUATION, _no_interim_evaluation, "pk", no_interim_evaluation),
)
# The signals about the organisation or a department: few, always listed in full.
ORGANISATION_SOURCES: tuple[Source, ...] = (problems_waiting, departments_over_capacity, intervision_due)

SOURCES: tuple[Source, ...] = (
    waiting_for_second_assessor,
    problems_waiting,
    work_without_look_back,
    no_conversation,
    long_assignments,
    inactive_trajectories,
    overdue_trajectories,
    no_interim_evaluation,
    departments_over_capacity,
    intervision_due,
)


def signals_for(coach: Person, now: datetime | None = None, only: Collection[int] | None = None) -> SignalReport:
    """Every signal in the coach's organisation, the longest-standing first within a kind.

    With ``only`` (trajectory ids, e.g. one page of the overview): just the signals about those
    trajectories, so the work follows the page and not the size of the organisation.
    """
    now = now or timezone.now()
    config = settings_for(coach.organization_id)
    snoozed = snoozed_now(coach, now)
    report = SignalReport()
    if only is not None:
        for _kind, _query, _key, source in TRAJECTORY_SOURCES:
            report.signals.extend(source(coach, config, now, only, snoozed=snoozed))
        return report
    about_a_trajectory = {source for _kind, _query, _key, source in TRAJECTORY_SOURCES}
    for full in SOURCES:
        if full in about_a_trajectory:
            report.signals.extend(full(coach, config, now, snoozed=snoozed))  # type: ignore[call-arg]
        else:
            report.signals.extend(full(coach, config, now))
    return report


@dataclass(frozen=True)
class _Part:
    kind: Kind
    count: int
    fetch: Callable[[int, int], list[Signal]]


class SignalList(Sequence[Signal]):
    """The signals of one organisation in the order of ``SOURCES``, fetched one page at a time.

    Its length comes from one COUNT per kind; a slice fetches only the rows it covers, kind by kind,
    with LIMIT and OFFSET in the order each source sorts in. So the signals page does as much work
    for an organisation of 2,000 participants as for one of 20.
    """

    def __init__(self, parts: list[_Part]) -> None:
        self.parts = parts

    def __len__(self) -> int:
        return sum(part.count for part in self.parts)

    @overload
    def __getitem__(self, index: int) -> Signal: ...
    @overload
    def __getitem__(self, index: slice) -> list[Signal]: ...
    def __getitem__(self, index: int | slice) -> Signal | list[Signal]:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, _step = index.indices(len(self))
        result: list[Signal] = []
        offset = 0
        for part in self.parts:
            a, b = max(start - offset, 0), min(stop - offset, part.count)
            if a < b:
                result.extend(part.fetch(a, b))
            offset += part.count
        return result


def _slicer(signals: list[Signal]) -> Callable[[int, int], list[Signal]]:
    def fetch(a: int, b: int) -> list[Signal]:
        return signals[a:b]

    return fetch


@dataclass(frozen=True)
class Triage:
    """Conditions on ``Trajectory`` built from the kinds' queries; building them runs no query.

    ``has[kind]``: the trajectory has an awake signal of that kind (snoozed ones are left out).
    """

    has: dict[Kind, Q]

    @property
    def flagged(self) -> Q:
        """Has at least one awake signal."""
        found = Q(pk__in=[])
        for condition in self.has.values():
            found |= condition
        return found

    def top_is(self, kind: Kind) -> Q:
        """The trajectory's most urgent reason is ``kind``: it has that kind and none more severe."""
        found = self.has.get(kind, Q(pk__in=[]))
        for other in SEVERITY[: severity(kind)]:
            if other in self.has:
                found &= ~self.has[other]
        return found

    def rank(self) -> Case:
        """The severity of the trajectory's most urgent reason (0 the most urgent), NULL without one."""
        ranked = sorted(self.has.items(), key=lambda item: severity(item[0]))
        return Case(*(When(condition, then=Value(severity(kind))) for kind, condition in ranked), default=None)


def triage(coach: Person, now: datetime | None = None, config: SignalSettings | None = None) -> Triage:
    now = now or timezone.now()
    config = config or settings_for(coach.organization_id)
    snoozed = snoozed_now(coach, now)
    return Triage(
        {
            kind: Q(pk__in=query(coach, config, now, snoozed).values(key))
            for kind, query, key, _source in TRAJECTORY_SOURCES
        }
    )


def _parts(coach: Person, now: datetime) -> list[_Part]:
    """Per kind: how many signals, and how to fetch a slice of them."""
    config = settings_for(coach.organization_id)
    snoozed = snoozed_now(coach, now)
    by_kind: dict[Kind, _Part] = {}
    for kind, query, _key, source in TRAJECTORY_SOURCES:

        def fetch(a: int, b: int, source: Callable[..., Iterable[Signal]] = source) -> list[Signal]:
            return list(source(coach, config, now, None, (a, b), snoozed=snoozed))

        by_kind[kind] = _Part(kind, query(coach, config, now, snoozed).count(), fetch)
    for organisation_source in ORGANISATION_SOURCES:
        listed = list(organisation_source(coach, config, now))
        for kind in {signal.kind for signal in listed}:
            of_kind = [signal for signal in listed if signal.kind is kind]
            by_kind[kind] = _Part(kind, len(of_kind), _slicer(of_kind))
    order = [kind for kind in SOURCE_KINDS if kind in by_kind]
    return [by_kind[kind] for kind in order]


# Per kind about a trajectory: how many signals of it each trajectory has (only those with one).
Found = dict[Kind, dict[int, int]]


def trajectory_signals(
    coach: Person, now: datetime, config: SignalSettings, only: Collection[int] | None = None
) -> Found:
    """Which trajectories have a signal of each kind about a trajectory, and how many: one query per
    kind that reads the trajectory of every signal (the same work for the database as counting them,
    a few thousand numbers at most). With ``only``, just those trajectories (``patched``)."""
    snoozed = snoozed_now(coach, now, only)
    if only is not None:
        return _asked_together(coach, config, now, snoozed, only)
    return {
        kind: Counter(_only(query(coach, config, now, snoozed), only, key).order_by().values_list(key, flat=True))
        for kind, query, key, _source in TRAJECTORY_SOURCES
    }


def _asked_together(
    coach: Person, config: SignalSettings, now: datetime, snoozed: Snoozed, only: Collection[int]
) -> Found:
    """``trajectory_signals`` about a few trajectories, the seven questions in one query (UNION ALL),
    each row with its kind's number: seven round trips to the database were a third of a patch."""
    asked = [
        _only(query(coach, config, now, snoozed), only, key)
        .order_by()
        .values_list(key, Value(number, output_field=IntegerField()))
        for number, (_kind, query, key, _source) in enumerate(TRAJECTORY_SOURCES)
    ]
    found = {kind: Counter[int]() for kind, _query, _key, _source in TRAJECTORY_SOURCES}
    for trajectory_id, number in asked[0].union(*asked[1:], all=True).order_by():
        found[TRAJECTORY_SOURCES[number][0]][trajectory_id] += 1
    return dict(found)


def patched(coach: Person, now: datetime, config: SignalSettings, found: Found, changed: Collection[int]) -> Found:
    """``found``, changed in place, with the signals of the ``changed`` trajectories found again and the
    others as they were: after a write about one trajectory, the overview asks the kinds' questions
    about that one only instead of about the whole organisation (``signal_cache.summary_for``). In
    place: copying the kept sets (some 2,000 trajectories per kind) cost more than the patch."""
    if not changed:
        return found
    fresh = trajectory_signals(coach, now, config, only=changed)
    for kind, now_found in fresh.items():
        per = found.setdefault(kind, {})
        for trajectory_id in changed:
            per.pop(trajectory_id, None)
        per.update(now_found)
    return found


# The order of the kinds in the full list: the order of SOURCES.
SOURCE_KINDS: tuple[Kind, ...] = (
    SECOND_ASSESSOR,
    PROBLEM_WAITING,
    NO_LOOK_BACK,
    NO_CONVERSATION,
    LONG_ASSIGNMENT,
    INACTIVE,
    OVERDUE,
    NO_INTERIM_EVALUATION,
    OVER_CAPACITY,
    INTERVISION_DUE,
)


def signal_list(
    coach: Person, kind: Kind | None = None, now: datetime | None = None
) -> tuple[SignalList, list[tuple[Kind, int]]]:
    """The signals (of one kind, or all) as a list fetched a page at a time, and the count of each kind."""
    parts = _parts(coach, now or timezone.now())
    found = {part.kind: part.count for part in parts}
    shown = [part for part in parts if kind is None or part.kind is kind]
    return SignalList(shown), [(k, found.get(k, 0)) for k in KINDS]


@dataclass(frozen=True)
class SignalSummary:
    """How many signals of each kind, counted in the database, how many running trajectories have
    each kind as their most urgent reason, and the conditions to find them."""

    counts: list[tuple[Kind, int]]
    reasons: list[tuple[Kind, int]]  # per kind of SEVERITY: running trajectories with it as their top reason
    # The conditions, built on first use (building them reads the settings and compiles seven
    # querysets): the overview needs them only to filter or sort by signal.
    build_triage: Callable[[], Triage]

    @cached_property
    def triage(self) -> Triage:
        return self.build_triage()

    @property
    def flagged(self) -> Q:
        """A condition on Trajectory: has at least one awake signal."""
        return self.triage.flagged

    @property
    def total(self) -> int:
        return sum(n for _kind, n in self.counts)

    @property
    def needing_attention(self) -> int:
        """Running trajectories with at least one awake signal."""
        return sum(n for _kind, n in self.reasons)


def running_trajectories(coach: Person, only: Collection[int] | None = None) -> set[int]:
    """The running trajectories the coach may open (of ``only``, when given): one query for their ids."""
    found = visible_trajectories(coach).filter(status=Trajectory.Status.ACTIVE).order_by()
    if only is not None:
        found = found.filter(pk__in=list(only))
    return set(found.values_list("pk", flat=True))


def reasons_from(running: set[int], found: Found) -> list[tuple[Kind, int]]:
    """Per kind of ``SEVERITY``, the running trajectories whose most urgent reason it is.

    ``found``: per kind, the trajectories that have it (``trajectory_signals``). Only the ``running``
    trajectories the coach may open count, as in the overview's filter (``Triage.top_is``). Asking the
    database instead, with a CASE over every kind's question, made it answer each question a second
    time (57 ms of the overview's first visit after a change at national scale).
    """
    left = set(running)
    reasons = []
    for kind in SEVERITY:  # the most urgent first: each trajectory is counted under the first it has
        here = left.intersection(found.get(kind, ()))
        left -= here
        reasons.append((kind, len(here)))
    return reasons


def summary_from(
    coach: Person, now: datetime, config: SignalSettings, found: Found, running: set[int]
) -> SignalSummary:
    """The overview's counts from the signals about trajectories (``trajectory_signals``, maybe
    ``patched``) and the running trajectories, with the few signals about the organisation and its
    departments listed afresh."""
    counted: Counter[Kind] = Counter({kind: sum(per.values()) for kind, per in found.items()})
    for organisation_source in ORGANISATION_SOURCES:
        counted.update(signal.kind for signal in organisation_source(coach, config, now))
    return SignalSummary(
        counts=[(kind, counted[kind]) for kind in KINDS],
        reasons=reasons_from(running, found),
        # Built only when the overview filters or sorts by signal (compiling seven querysets: 9 ms).
        build_triage=lambda: triage(coach, now),
    )


def summary_for(coach: Person, now: datetime | None = None) -> SignalSummary:
    """The counts for the overview with one query per kind and one for the running trajectories,
    without building thousands of signals."""
    now = now or timezone.now()
    config = settings_for(coach.organization_id)
    return summary_from(coach, now, config, trajectory_signals(coach, now, config), running_trajectories(coach))
