"""Anonymisation (right to erasure) and the retention period.

``person_anonymise`` removes everything that says who a participant is or what they or others
wrote about them, and keeps what the reports count: trajectories with their periods, phases and
status, assignments with their steps and dates, judgements, ratings and levels, attendance. The
person row stays (reports and history point at it) under the name ``Verwijderde deelnemer <n>``.
All of it happens in one transaction; files are deleted from storage only after the commit, so a
failure leaves both the rows and the files as they were. It cannot be undone.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.accounts.models import LoginCard, LoginFailure, OidcIdentity, TwoFactorFailure
from wpo.certificates.models import Certificate
from wpo.certificates.services import Forgotten, participant_certificates_forget
from wpo.evaluations.models import InterimEvaluation
from wpo.followup.models import Problem, ProblemEvent
from wpo.intake.services import interests_forget
from wpo.learn import home_cache
from wpo.lib.refusals import Refused, checked
from wpo.orgs.models import Organization, Person
from wpo.orgs.permissions import Ability, is_only_participant, may, only_participants_filter
from wpo.orgs.services import people_import_forget
from wpo.trajectories.models import (
    LookBackAnswer,
    Observation,
    ParticipantQuestion,
    TrainerCalendarFeed,
    Trajectory,
)

from .mentions import Identity, blank_own_texts, scrub_mentions
from .models import DEFAULT_RETENTION_MONTHS, Anonymisation, PrivacySettings

log = logging.getLogger(__name__)

ANONYMOUS_FIRST_NAME = "Verwijderde"
ANONYMOUS_LAST_NAME = "deelnemer {number}"


def anonymous_name(number: int) -> str:
    return f"{ANONYMOUS_FIRST_NAME} {ANONYMOUS_LAST_NAME.format(number=number)}"


def anonymise_refusal(person: Person, reason: str = Anonymisation.Reason.REQUEST) -> str | None:
    """Why this person's data cannot be anonymised now, in Dutch; None when it can."""
    if not person.is_participant:
        return _("Alleen de gegevens van een deelnemer kunnen anoniem gemaakt worden.")
    # The retention period is about participants; it never takes the account of someone who works
    # here in another role (an administrator who once was a participant).
    if reason == Anonymisation.Reason.RETENTION and not is_only_participant(person):
        return _("Deze persoon heeft nog een andere rol en wordt niet vanzelf anoniem gemaakt.")
    if Anonymisation.objects.filter(person=person).exists():
        return _("De gegevens van deze deelnemer zijn al anoniem gemaakt.")
    # A running trajectory first ends through its own workflow (stopped, with its open
    # assignments), so the reports count it as stopped and nobody keeps coaching a nameless person.
    if Trajectory.objects.filter(participant=person, status=Trajectory.Status.ACTIVE).exists():
        return _("Deze deelnemer heeft nog een lopend WPO-traject. Laat de coach het traject eerst stoppen.")
    return None


def person_anonymise(*, person: Person, actor: Person | None, reason: str = Anonymisation.Reason.REQUEST) -> int:
    """Anonymise a participant, all or nothing. Returns their number (``Verwijderde deelnemer <n>``)."""
    stored_files: list[str] = []
    with transaction.atomic():
        # Lock the person so that two requests (or the task and a request) cannot both go ahead.
        person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
        refusal = anonymise_refusal(person, reason)
        if refusal is not None:
            raise Refused(refusal)
        now = timezone.now()
        number = (
            Anonymisation.objects.filter(organization_id=person.organization_id).aggregate(n=models.Max("number"))["n"]
            or 0
        ) + 1
        Anonymisation.objects.create(
            organization_id=person.organization_id, person=person, number=number, reason=reason, at=now, by=actor
        )
        old_login_names = {person.user.username.lower(), person.user.email.lower()} - {""}
        identity = Identity.of(person)
        _anonymise_account(person, number)
        _revoke_logins(person, actor, now)
        stored_files = _anonymise_trajectories(person, number)
        interests_forget(person)
        forgotten = _anonymise_elsewhere(person, identity)
        LoginFailure.objects.filter(login_name__in=old_login_names).delete()
        from wpo.audit.services import scrub_person_history

        scrub_person_history(person)

        def after_commit() -> None:
            # The files go only once the rows that pointed at them are gone for good.
            _delete_files(stored_files)
            forgotten.after_commit()

        transaction.on_commit(after_commit)
    log.info("privacy: anonymised person %s as number %s (%s), %s files", person.pk, number, reason, len(stored_files))
    return number


def _anonymise_account(person: Person, number: int) -> None:
    user = person.user
    user.username = f"verwijderd-{uuid.uuid4().hex[:16]}"
    user.first_name = ANONYMOUS_FIRST_NAME
    user.last_name = ANONYMOUS_LAST_NAME.format(number=number)
    user.email = ""
    user.password = make_password(None)
    user.is_active = False
    user.last_login = None
    # Open sessions end with this save: an inactive user is not loaded again (ModelBackend.get_user)
    # and the new password hash no longer matches the session's hash.
    user.save(update_fields=["username", "first_name", "last_name", "email", "password", "is_active", "last_login"])
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    TwoFactorFailure.objects.filter(user=user).delete()
    OidcIdentity.objects.filter(person=person).delete()
    person.employee_number = ""
    person.is_trainer = person.is_coach = person.is_project_manager = False
    person.is_administrator = person.is_content_editor = False
    person.save(
        update_fields=[
            "employee_number",
            "is_trainer",
            "is_coach",
            "is_project_manager",
            "is_administrator",
            "is_content_editor",
        ]
    )


def _revoke_logins(person: Person, actor: Person | None, now: datetime) -> None:
    LoginCard.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor)
    # The hashes stay unusable either way; blanking the PIN hash leaves nothing to try offline.
    LoginCard.objects.filter(person=person).update(pin_hash=make_password(None), locked_until=None)
    TrainerCalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now)


def _anonymise_trajectories(person: Person, number: int) -> list[str]:
    """Blank every free text about the person; return the storage names of their files."""
    assignments = {"participant_assignment__trajectory__participant": person}
    files: list[str] = []
    for model, field, lookup in (
        (LookBackAnswer, "photo", assignments),
        (LookBackAnswer, "voice_note", assignments),
        (Observation, "photo", assignments),
        (ParticipantQuestion, "voice_note", {"trajectory__participant": person}),
        (InterimEvaluation, "voice_note", {"trajectory__participant": person}),
    ):
        rows = model._default_manager.filter(**lookup).exclude(**{field: ""})
        files += [name for name in rows.values_list(field, flat=True) if name]
        rows.update(**{field: ""})
    blank_own_texts(person)
    name = anonymous_name(number)
    for certificate in Certificate.objects.filter(participant=person):
        certificate.participant_name = name
        certificate.snapshot = {**certificate.snapshot, "participant_name": name}
        certificate.save(update_fields=["participant_name", "snapshot"])
    problems = Problem.objects.filter(trajectory__participant=person)
    # The problem's history is append-only for everyone else; erasing personal text is the one
    # exception, so it goes through the base manager that has no guard.
    ProblemEvent._base_manager.filter(problem__in=problems).update(text="")
    problems.update(title=_("Probleem over een verwijderde deelnemer"), description="")
    return files


def _anonymise_elsewhere(person: Person, identity: Identity) -> Forgotten:
    """What names the person outside their own records: the organisation's notes, a waiting HR
    import, print batches of their certificates and the cached certificate PDFs (those two after
    the commit, by the returned ``Forgotten``)."""
    if scrub_mentions(person, identity):
        # The texts are rewritten without signals. A colleague's kept home page may show one of them
        # (an observation's note), so every kept home page is built again at its next visit.
        home_cache.bump_all()
    people_import_forget(
        organization_id=person.organization_id,
        employee_number=identity.employee_number,
        email=identity.email,
        first_name=identity.first_name,
        last_name=identity.last_name,
    )
    return participant_certificates_forget(person)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("privacy: could not delete %s", name)


# The retention period ------------------------------------------------------------------------


@transaction.atomic
def retention_set(*, actor: Person, months: int) -> PrivacySettings:
    """Set how many months after the last trajectory a participant's data is kept."""
    if not may(actor, Ability.MANAGE_PEOPLE):
        raise Refused(_("Alleen een beheerder stelt de bewaartermijn in."))
    settings, _created = PrivacySettings.objects.select_for_update().get_or_create(
        organization_id=actor.organization_id
    )
    settings.retention_months = months
    checked(settings)
    settings.save()
    return settings


def retention_months(organization: Organization) -> int:
    settings = PrivacySettings.objects.filter(organization=organization).first()
    return settings.retention_months if settings else DEFAULT_RETENTION_MONTHS


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the last day of that month when it is shorter)."""
    import calendar

    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _ended_participants(organization: Organization, today: date | None) -> models.QuerySet[Person]:
    today = today or timezone.localdate()
    cutoff = months_before(today, retention_months(organization))
    ended = Coalesce(TruncDate("trajectories__closed_at"), "trajectories__ends_on")
    return (
        Person.objects.filter(organization=organization, is_participant=True, anonymisation__isnull=True)
        .exclude(trajectories__status=Trajectory.Status.ACTIVE)
        .annotate(trajectory_count=models.Count("trajectories"), last_ended=models.Max(ended))
        .filter(trajectory_count__gt=0, last_ended__lt=cutoff)
        .order_by("pk")
    )


def expired_participants(organization: Organization, today: date | None = None) -> models.QuerySet[Person]:
    """Participants whose trajectories have all ended, the last one longer ago than the retention period.

    A trajectory ends on the day it was closed or stopped; without that date, on its agreed end.
    Participants without any trajectory are not touched by the task (the administrator decides).
    Only people who are nothing but a participant: see ``expired_but_staff``.
    """
    return _ended_participants(organization, today).filter(only_participants_filter())


def expired_but_staff(organization: Organization, today: date | None = None) -> models.QuerySet[Person]:
    """Former participants past the retention period who now hold another role or extra rights.

    The task leaves them alone and names them (by number, never by name) in its log. Anonymising
    would take the account of someone who works here; erasing only their old participant data is
    an administrator's decision on request (``person_anonymise``), because the person, and the
    organisation's own file on an employee, are still there: the texts would be gone but the
    trajectory would still carry their name, so little privacy is won for a lot that is lost.
    """
    return _ended_participants(organization, today).exclude(only_participants_filter())


@dataclass
class RetentionRun:
    anonymised: int = 0
    failed: int = 0
    left_alone: int = 0  # past the period, but holding another role (``expired_but_staff``)


def anonymise_expired(*, batch_size: int = 100, today: date | None = None) -> RetentionRun:
    """Anonymise every expired participant of every organisation, each in a transaction of their own."""
    run = RetentionRun()
    for organization in Organization.objects.order_by("pk"):
        staff = list(expired_but_staff(organization, today).values_list("pk", flat=True))
        if staff:
            run.left_alone += len(staff)
            log.warning(
                "privacy: organisation %s: %s former participants past the retention period hold another role "
                "and were left alone: persons %s",
                organization.pk,
                len(staff),
                ", ".join(map(str, staff)),
            )
        seen: set[int] = set()
        while True:
            batch = list(expired_participants(organization, today).exclude(pk__in=seen)[:batch_size])
            if not batch:
                break
            for person in batch:
                seen.add(person.pk)
                try:
                    person_anonymise(person=person, actor=None, reason=Anonymisation.Reason.RETENTION)
                except Exception:
                    # One bad row must not stop the others; it is tried again at the next run.
                    log.exception("privacy: could not anonymise person %s", person.pk)
                    run.failed += 1
                else:
                    run.anonymised += 1
    log.info(
        "privacy: retention run anonymised %s participants, %s failed, %s left alone (another role)",
        run.anonymised,
        run.failed,
        run.left_alone,
    )
    return run
