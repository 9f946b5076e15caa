"""The intake's writes: put an employee forward, and move them through the department's queue.

The life of an interest (aanmelding), after the coach's manual:

    belangstelling → uitgenodigd voor de start → gestart (a trajectory in phase 1)
    belangstelling or uitgenodigd → niet nu (a reason, maybe a date to ask again) → belangstelling

Each move checks the current status and who moves, locks the row, and appends an
``InterestChange`` (who, when, why). Each write is one transaction and refuses on its own
(``Refused``), whatever view calls it; who may do what is ``wpo.orgs.permissions``.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib import clock
from wpo.lib.refusals import Refused
from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, is_only_participant, may, may_mark_invited, may_put_forward
from wpo.orgs.services import person_create
from wpo.trajectories.models import Trajectory
from wpo.trajectories.services.start import trajectory_open

from .models import WAITING, Interest, InterestChange

Status = Interest.Status
Source = Interest.Source

# The legal moves; STARTED is final (a new interest may follow after the trajectory).
MOVES: dict[str, tuple[str, ...]] = {
    Status.INTERESTED: (Status.INVITED, Status.STARTED, Status.NOT_NOW),
    Status.INVITED: (Status.STARTED, Status.NOT_NOW),
    Status.NOT_NOW: (Status.INTERESTED,),
    Status.STARTED: (),
}
TEXT_MAX = 2000


def _check_manager(actor: Person, interest: Interest) -> None:
    if actor.organization_id != interest.organization_id or not may(actor, Ability.MANAGE_INTAKE):
        raise Refused(_("Alleen de coach verandert de aanmeldingen."))


def _check_text(text: str) -> str:
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise Refused(_("Schrijf het korter: hoogstens %(n)s tekens.") % {"n": TEXT_MAX})
    return text


def _next_position(department_id: int) -> int:
    last = Interest.objects.filter(department_id=department_id).aggregate(n=Max("position"))["n"]
    return (last or 0) + 1


def _move(
    interest: Interest, to: str, *, actor: Person | None, note: str = "", at: datetime | None = None, **fields: object
) -> Interest:
    """Move the (locked) ``interest`` to ``to`` with ``fields`` set, and write the history row."""
    current = interest.status
    if to not in MOVES[current]:
        raise Refused(
            _("Van ‘%(current)s’ kan deze aanmelding niet naar ‘%(target)s’.")
            % {"current": Status(current).label, "target": Status(to).label}
        )
    when = at or timezone.now()
    interest.status = to
    interest.status_since = when
    for name, value in fields.items():
        setattr(interest, name, value)
    interest.save(update_fields=["status", "status_since", *fields])
    InterestChange.objects.create(
        organization_id=interest.organization_id,
        interest=interest,
        from_status=current,
        to_status=to,
        actor=actor,
        at=when,
        note=note,
    )
    return interest


def _locked(interest: Interest, expected: str | None) -> Interest:
    """The interest's row, locked; ``expected`` is the status the user saw when they decided."""
    locked = Interest.objects.select_for_update().select_related("employee__user", "trainer__user").get(pk=interest.pk)
    if expected is not None and locked.status != expected:
        raise Refused(_("Iemand anders heeft deze aanmelding net veranderd. Bekijk de nieuwe stand."))
    return locked


# Put forward -------------------------------------------------------------------------------------


@transaction.atomic
def interest_put_forward(
    *,
    actor: Person,
    department: Department,
    trainer: Person,
    source: str,
    employee: Person | None = None,
    first_name: str = "",
    last_name: str = "",
    put_forward_on: date | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Interest:
    """Put an employee forward for WPO: someone of the organisation, or a new employee by name (a
    person with no role yet, as the start conversation makes one). They join the end of their
    department's queue with the status ‘belangstelling’."""
    if department.organization_id != actor.organization_id or not may_put_forward(
        actor, department_id=department.pk, trainer=trainer
    ):
        raise Refused(_("Je kunt hier niemand aanmelden. Kies je eigen afdeling, met jezelf als werkplekopleider."))
    if source not in Source.values:
        raise Refused(_("Kies wie de medewerker aanmeldt."))
    if source == Source.COACH and not may(actor, Ability.MANAGE_INTAKE):
        raise Refused(_("Alleen de coach meldt iemand aan als coach."))
    day = put_forward_on or clock.today()
    if day > clock.today():
        raise Refused(_("De datum van aanmelden ligt in de toekomst. Kies vandaag of een dag ervoor."))
    note = _check_text(note)
    if employee is None:
        if not first_name.strip() or not last_name.strip():
            raise Refused(_("Vul de voornaam en achternaam in, of kies iemand uit de lijst."))
        employee = person_create(
            organization=actor.organization, first_name=first_name, last_name=last_name, department=department
        )
    elif employee.organization_id != actor.organization_id:
        raise Refused(_("Deze persoon hoort niet bij je organisatie."))
    if employee.pk == trainer.pk or not is_only_participant(employee):
        # Starting makes them a participant of the trainer; only the administrator gives other roles.
        raise Refused(_("Deze persoon heeft al een andere rol. Alleen medewerkers zonder rol of deelnemers doen mee."))
    if Trajectory.objects.filter(participant=employee, status=Trajectory.Status.ACTIVE).exists():
        raise Refused(_("Deze medewerker heeft al een lopend WPO-traject."))
    if Interest.objects.filter(employee=employee).exclude(status=Status.STARTED).exists():
        raise Refused(_("Deze medewerker staat al op de lijst met aanmeldingen."))
    when = at or timezone.now()
    try:
        with transaction.atomic():
            interest = Interest.objects.create(
                organization_id=actor.organization_id,
                employee=employee,
                department=department,
                trainer=trainer,
                put_forward_by=actor,
                source=source,
                put_forward_on=day,
                note=note,
                status=Status.INTERESTED,
                status_since=when,
                position=_next_position(department.pk),
            )
    except IntegrityError as exc:
        # The same employee, put forward twice at the same moment: the other request did it.
        raise Refused(_("Deze medewerker staat al op de lijst met aanmeldingen.")) from exc
    InterestChange.objects.create(
        organization_id=interest.organization_id,
        interest=interest,
        from_status="",
        to_status=Status.INTERESTED,
        actor=actor,
        at=when,
        note=note,
    )
    return interest


# The moves ----------------------------------------------------------------------------------------


@transaction.atomic
def interest_invite(
    *, actor: Person, interest: Interest, note: str = "", expected: str | None = None, at: datetime | None = None
) -> Interest:
    """belangstelling → uitgenodigd voor de start (the kick-off meeting does it too)."""
    if actor.organization_id != interest.organization_id or not may_mark_invited(actor):
        raise Refused(_("Alleen de coach of wie de startbijeenkomst plant, nodigt iemand uit."))
    locked = _locked(interest, expected)
    return _move(locked, Status.INVITED, actor=actor, note=_check_text(note), at=at)


@transaction.atomic
def interests_invited_to_start(
    *, actor: Person, employee_ids: Iterable[int], note: str = "", at: datetime | None = None
) -> list[Interest]:
    """Inviting people to the kick-off meeting (``wpo.meetings``) invites their interests: each
    open interest of these employees in ‘belangstelling’ moves to ‘uitgenodigd voor de start’.
    Others (already invited, niet nu, started) stay as they are."""
    ids = set(employee_ids)
    if not ids:
        return []
    if not may_mark_invited(actor):
        raise Refused(_("Alleen de coach of wie de startbijeenkomst plant, nodigt iemand uit."))
    rows = (
        Interest.objects.select_for_update()
        .filter(organization_id=actor.organization_id, employee_id__in=ids, status=Status.INTERESTED)
        .order_by("pk")
    )
    return [_move(row, Status.INVITED, actor=actor, note=_check_text(note), at=at) for row in rows]


@transaction.atomic
def interest_start(
    *,
    actor: Person,
    interest: Interest,
    starts_on: date,
    ends_on: date,
    note: str = "",
    expected: str | None = None,
    at: datetime | None = None,
) -> Interest:
    """Their turn: the employee starts. A trajectory opens in phase 1 with the interest's trainer
    and department (``trajectory_open``); the trainer's start conversation fills it in. When the
    trainer already started a trajectory for them (straight from the start conversation), the
    interest is linked to that one instead."""
    _check_manager(actor, interest)
    locked = _locked(interest, expected)
    if locked.status not in WAITING:
        raise Refused(_("Alleen wie op de wachtlijst staat, kan starten."))
    note = _check_text(note)
    running = Trajectory.objects.filter(participant=locked.employee, status=Trajectory.Status.ACTIVE).first()
    if running is None:
        running = trajectory_open(
            actor=actor,
            participant=locked.employee,
            trainer=locked.trainer,
            department=locked.department,
            starts_on=starts_on,
            ends_on=ends_on,
            note=_("Gestart vanuit de aanmeldingen."),
            at=at,
        )
    return _move(locked, Status.STARTED, actor=actor, note=note, at=at, trajectory=running)


@transaction.atomic
def interest_not_now(
    *,
    actor: Person,
    interest: Interest,
    reason: str,
    ask_again_on: date | None = None,
    expected: str | None = None,
    at: datetime | None = None,
) -> Interest:
    """Not now: the employee leaves the queue, with a reason and maybe a day to ask again."""
    _check_manager(actor, interest)
    locked = _locked(interest, expected)
    reason = _check_text(reason)
    if not reason:
        raise Refused(_("Schrijf op waarom het nu niet past."), field="reason")
    if ask_again_on is not None and ask_again_on <= clock.today():
        raise Refused(_("Kies een dag na vandaag om het opnieuw te vragen."), field="ask_again_on")
    return _move(
        locked, Status.NOT_NOW, actor=actor, note=reason, at=at, not_now_reason=reason, ask_again_on=ask_again_on
    )


@transaction.atomic
def interest_back(
    *, actor: Person, interest: Interest, note: str = "", expected: str | None = None, at: datetime | None = None
) -> Interest:
    """Niet nu → belangstelling again: the employee joins the end of the queue."""
    _check_manager(actor, interest)
    locked = _locked(interest, expected)
    if Trajectory.objects.filter(participant=locked.employee, status=Trajectory.Status.ACTIVE).exists():
        raise Refused(_("Deze medewerker heeft al een lopend WPO-traject."))
    return _move(
        locked,
        Status.INTERESTED,
        actor=actor,
        note=_check_text(note),
        at=at,
        position=_next_position(locked.department_id),
        not_now_reason="",
        ask_again_on=None,
    )


@transaction.atomic
def interest_move_in_queue(*, actor: Person, interest: Interest, up: bool) -> Interest:
    """Swap places with the one before (``up``) or after in the department's queue. Not a change of
    status, so no history row: the queue's order is the coach's agreement with the department."""
    _check_manager(actor, interest)
    queue = list(
        Interest.objects.select_for_update()
        .filter(organization_id=interest.organization_id, department_id=interest.department_id, status__in=WAITING)
        .order_by("position", "pk")
    )
    index = next((i for i, row in enumerate(queue) if row.pk == interest.pk), None)
    if index is None:
        raise Refused(_("Deze aanmelding staat niet op de wachtlijst."))
    other = index - 1 if up else index + 1
    if not 0 <= other < len(queue):
        return queue[index]
    # The whole queue is numbered 1..n anew: equal or far-apart positions would not swap cleanly.
    queue[index], queue[other] = queue[other], queue[index]
    for number, row in enumerate(queue, 1):
        if row.position != number:
            row.position = number
            row.save(update_fields=["position"])
    return next(row for row in queue if row.pk == interest.pk)


# Privacy ------------------------------------------------------------------------------------------


def interests_forget(person: Person) -> None:
    """For the anonymisation (``wpo.privacy``), in its transaction: blank what was written about the
    person, and take an open interest off the queue (niet nu, by the platform)."""
    now = timezone.now()
    for row in Interest.objects.select_for_update().filter(employee=person, status__in=WAITING).order_by("pk"):
        _move(row, Status.NOT_NOW, actor=None, at=now)
    Interest.objects.filter(employee=person).update(note="", not_now_reason="", ask_again_on=None)
    # The history is append-only for everyone else; erasing personal text is the one exception.
    InterestChange._base_manager.filter(interest__employee=person).update(note="")
