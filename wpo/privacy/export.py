"""Right of access (inzage): everything the platform holds about one person, as JSON in a ZIP and as a PDF.

The ZIP holds ``gegevens.json`` and, under ``bestanden/``, every photo and voice note of the
person; the JSON points at them by their path in the ZIP (files stay files: a base64 blob in JSON
is unreadable for people and triples nothing but size). The structure is documented in
``docs/security.md`` (Privacy); ``FORMAT_VERSION`` goes up when it changes. Never exported: password
hashes, login-card tokens or PIN hashes, calendar-feed tokens.

Which tables are read is fixed by ``wpo.privacy.registry``; a test keeps it complete.
"""

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Prefetch
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone

from wpo.accounts.models import LoginCard, OidcIdentity, SecurityEvent, TwoFactorFailure
from wpo.certificates.models import Certificate, DossierConsent
from wpo.coaching.models import SignalEvent
from wpo.evaluations.models import ChosenSkillChange, EndDateChange, InterimEvaluation
from wpo.followup.models import Problem
from wpo.intake.models import Interest, InterestChange
from wpo.lib.pdf import html_to_pdf
from wpo.meetings.models import MeetingAttendance
from wpo.orgs.models import Person, TrainerLink
from wpo.packages.models import PackageAttempt
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    IndependenceDay,
    LookBackAnswer,
    Observation,
    ParticipantAssignment,
    ParticipantQuestion,
    PhaseChange,
    PracticeAnswer,
    SecondAssessorRequest,
    StepChange,
    TrainerCalendarFeed,
    Trajectory,
    TrajectorySkill,
    WatchRequest,
    WorkAdaptation,
)

from .models import Anonymisation
from .registry import DONE_BY_THE_PERSON

FORMAT = "wpo-gegevens"
FORMAT_VERSION = 1
JSON_NAME = "gegevens.json"
FILES_DIR = "bestanden"
PRINT_CSS = Path(__file__).resolve().parent / "static" / "privacy" / "export-print.css"


def _when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _name(person: Person | None) -> str | None:
    return person.name if person is not None else None


class _Files:
    """The person's files that go into the ZIP, each under a stable path of its own."""

    def __init__(self) -> None:
        self.paths: dict[str, str] = {}  # path in the ZIP -> storage name

    def add(self, field: FieldFile, kind: str, row_id: int) -> str | None:
        if not field:
            return None
        path = str(PurePosixPath(FILES_DIR) / f"{kind}-{row_id}{PurePosixPath(field.name or '').suffix}")
        self.paths[path] = str(field.name)
        return path


def shared_only(person: Person, viewer: Person | None) -> bool:
    """Whether the export leaves out what the trainers did not share with the person.

    The participant's own download (‘Mijn gegevens’) shows what the app shows them: observations only
    when the trainer shared them. The export an administrator makes on a request for access
    (``viewer`` someone else, or None for a caller without a viewer) stays complete. Asked by the
    person themself it is always the shared part, whatever other role they hold.
    """
    return viewer is not None and viewer.pk == person.pk


def person_data(person: Person, *, viewer: Person | None = None) -> dict[str, Any]:
    """The whole export as plain data; ``files`` says which storage file sits at which ZIP path."""
    data, _files = _collect(person, shared_only=shared_only(person, viewer))
    return data


def _collect(person: Person, *, shared_only: bool) -> tuple[dict[str, Any], _Files]:
    files = _Files()
    person = Person.objects.select_related("user", "department", "organization").get(pk=person.pk)
    user = person.user
    anonymisation = Anonymisation.objects.filter(person=person).first()
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "organization": person.organization.name,
        "person": {
            "id": person.pk,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "department": person.department.name if person.department else None,
            "employee_number": person.employee_number,
            "roles": [{"code": role.value, "label": str(role.label)} for role in person.roles],
        },
        "account": {
            "username": user.username,
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "trainers": [
            _name(link.trainer)
            for link in TrainerLink.objects.filter(participant=person).select_related("trainer__user").order_by("pk")
        ],
        "trainees": [
            _name(link.participant)
            for link in TrainerLink.objects.filter(trainer=person).select_related("participant__user").order_by("pk")
        ],
        "login_cards": [
            {
                "created_at": _when(card.created_at),
                "created_by": _name(card.created_by),
                "revoked_at": _when(card.revoked_at),
                "revoked_by": _name(card.revoked_by),
                "last_used_at": _when(card.last_used_at),
                "failed_attempts": card.failed_attempts,
                "locked_until": _when(card.locked_until),
            }
            for card in LoginCard.objects.filter(person=person)
            .select_related("created_by__user", "revoked_by__user")
            .order_by("created_at", "pk")
        ],
        "security_events": [
            {"what": event.get_kind_display(), "at": _when(event.at), "by": _name(event.actor)}
            for event in SecurityEvent.objects.filter(person=person).select_related("actor__user").order_by("at", "pk")
        ],
        "two_factor": _two_factor(user),
        "calendar_feeds": [
            {"created_at": _when(feed.created_at), "revoked_at": _when(feed.revoked_at)}
            for feed in TrainerCalendarFeed.objects.filter(person=person).order_by("created_at", "pk")
        ],
        "trajectories": [
            _trajectory(t, files, shared_only=shared_only)
            for t in Trajectory.objects.filter(participant=person)
            .select_related("trainer__user", "department")
            .order_by("starts_on", "pk")
        ],
        "meetings": [
            {
                "title": a.meeting.title,
                "kind": a.meeting.get_kind_display(),
                "starts_at": _when(a.meeting.starts_at),
                "location": a.meeting.location,
                "cancelled": a.meeting.is_cancelled,
                "attendance": a.get_status_display(),
            }
            for a in MeetingAttendance.objects.filter(person=person)
            .select_related("meeting")
            .order_by("meeting__starts_at", "pk")
        ],
        "intake": _intake(person, shared_only=shared_only),
        "anonymisation": (
            {
                "at": _when(anonymisation.at),
                "reason": anonymisation.get_reason_display(),
            }
            if anonymisation
            else None
        ),
        "actions": _actions(person),
        "audit": _audit(person),
    }
    data["files"] = sorted(files.paths)
    return data, files


def _intake(person: Person, *, shared_only: bool) -> list[dict[str, Any]]:
    """The person's interests (aanmeldingen) with their history; what the coach wrote about them
    only in the complete export, as with unshared observations."""
    rows = (
        Interest.objects.filter(employee=person)
        .select_related("department", "trainer__user", "put_forward_by__user")
        .prefetch_related(
            Prefetch("history", queryset=InterestChange.objects.select_related("actor__user").order_by("at", "pk"))
        )
        .order_by("put_forward_on", "pk")
    )
    return [
        {
            "department": i.department.name,
            "trainer": _name(i.trainer),
            "put_forward_by": _name(i.put_forward_by),
            "source": i.get_source_display(),
            "put_forward_on": _when(i.put_forward_on),
            "status": i.get_status_display(),
            "note": None if shared_only else i.note,
            "not_now_reason": None if shared_only else i.not_now_reason,
            "ask_again_on": _when(i.ask_again_on),
            "trajectory_id": i.trajectory_id,
            "history": [
                {
                    "to": c.get_to_status_display(),
                    "at": _when(c.at),
                    "by": _name(c.actor),
                    "note": None if shared_only else c.note,
                }
                for c in i.history.all()
            ],
        }
        for i in rows
    ]


def _trajectory(t: Trajectory, files: _Files, *, shared_only: bool) -> dict[str, Any]:
    parts = _SHARED_ASSIGNMENT_PARTS if shared_only else _ASSIGNMENT_PARTS
    return {
        "id": t.pk,
        "department": t.department.name,
        "trainer": _name(t.trainer),
        "starts_on": _when(t.starts_on),
        "ends_on": _when(t.ends_on),
        "phase": t.get_phase_display(),
        "phase_history": [
            {
                "from": c.get_from_phase_display(),
                "to": c.get_to_phase_display(),
                "at": _when(c.at),
                "by": _name(c.actor),
                "note": c.note,
            }
            for c in PhaseChange.objects.filter(trajectory=t).select_related("actor__user").order_by("at", "pk")
        ],
        "status": t.get_status_display(),
        "closed_at": _when(t.closed_at),
        "stop_reason": t.stop_reason,
        "wish_develop": t.wish_develop,
        "wish_learn": t.wish_learn,
        "finds_hard": t.finds_hard,
        "trainer_sees": t.trainer_sees,
        "skills": [
            {
                "skill": chosen.skill.name,
                "self_rating": chosen.self_rating,
                "trainer_rating": chosen.trainer_rating,
                "closed_at": _when(chosen.closed_at),
                "highest_level": chosen.highest_level,
            }
            for chosen in TrajectorySkill.objects.filter(trajectory=t).select_related("skill").order_by("pk")
        ],
        "assignments": [
            _assignment(pa, files)
            for pa in ParticipantAssignment.objects.filter(trajectory=t)
            .select_related("version__assignment__subskill__skill")
            .prefetch_related(*parts)
            .order_by("created_at", "pk")
        ],
        "questions": [
            {
                "text": q.text,
                "voice_note": files.add(q.voice_note, "vraag-spraak", q.pk),
                "asked_at": _when(q.asked_at),
                "discussed": q.discussed_in_id is not None,
            }
            for q in ParticipantQuestion.objects.filter(trajectory=t).order_by("asked_at", "pk")
        ],
        "conversations": [
            {
                "planned_at": _when(c.planned_at),
                "duration_minutes": c.duration_minutes,
                "location": c.location,
                "attendees": [_name(p) for p in c.attendees.select_related("user").order_by("pk")],
                "held_at": _when(c.held_at),
                "recorded_by": _name(c.recorded_by),
                "done_and_learned": c.done_and_learned,
                "trainer_saw": c.trainer_saw,
                "agreements": c.agreements,
                "decision": c.decision,
            }
            for c in CoachingConversation.objects.filter(trajectory=t)
            .select_related("recorded_by__user")
            .order_by("planned_at", "pk")
        ],
        "interim_evaluations": [
            {
                "final": e.is_final,
                "planned_at": _when(e.planned_at),
                "location": e.location,
                "held_at": _when(e.held_at),
                "recorded_by": _name(e.recorded_by),
                "achieved": e.achieved,
                "feeling": e.get_feeling_display() if e.feeling else "",
                "participant_words": e.participant_words,
                "voice_note": files.add(e.voice_note, "evaluatie-spraak", e.pk),
                "agreements": e.agreements,
                "agreed_ends_on": _when(e.agreed_ends_on),
            }
            for e in InterimEvaluation.objects.filter(trajectory=t)
            .select_related("recorded_by__user")
            .order_by("planned_at", "pk")
        ],
        "skill_changes": [
            {
                "what": c.get_kind_display(),
                "dropped": c.dropped.name if c.dropped else None,
                "added": c.added.name if c.added else None,
                "reason": c.reason,
                "at": _when(c.at),
                "by": _name(c.actor),
            }
            for c in ChosenSkillChange.objects.filter(trajectory=t)
            .select_related("dropped", "added", "actor__user")
            .order_by("at", "pk")
        ],
        "end_date_changes": [
            {
                "from": _when(c.from_date),
                "to": _when(c.to_date),
                "reason": c.reason,
                "at": _when(c.at),
                "by": _name(c.actor),
            }
            for c in EndDateChange.objects.filter(trajectory=t).select_related("actor__user").order_by("at", "pk")
        ],
        "certificates": [
            {
                "kind": c.get_kind_display(),
                "title": c.title,
                "code": c.display_code,
                "name_on_certificate": c.participant_name,
                "issued_at": _when(c.issued_at),
                "revoked_at": _when(c.revoked_at),
                "revoke_reason": c.revoke_reason,
                # The Open Badges issued with it; the signed credential itself is in "Mijn certificaten".
                "open_badges": [
                    {"title": b.title, "issued_at": _when(b.issued_at), "revoked_at": _when(b.revoked_at)}
                    for b in c.credentials.all()
                ],
            }
            for c in Certificate.objects.filter(trajectory=t)
            .prefetch_related("credentials")
            .order_by("issued_at", "pk")
        ],
        # When the participant let their werkplekopleider download the evidence dossier, and until when.
        "dossier_consents": [
            {"given_at": _when(c.given_at), "withdrawn_at": _when(c.withdrawn_at)}
            for c in DossierConsent.objects.filter(trajectory=t).order_by("given_at", "pk")
        ],
        "problems": [
            {
                "title": p.title,
                "description": p.description,
                "status": p.get_status_display(),
                "raised_by": _name(p.raised_by),
                "raised_at": _when(p.raised_at),
                "events": [
                    {"at": _when(e.at), "by": _name(e.actor), "status": e.get_to_status_display(), "text": e.text}
                    for e in p.events.select_related("actor__user").order_by("at", "pk")
                ],
            }
            for p in Problem.objects.filter(trajectory=t).select_related("raised_by__user").order_by("raised_at", "pk")
        ],
        # The coach's triage of the trajectory's signals (snoozed, woken, discussed); the coach's
        # notes only in the complete export, as with unshared observations.
        "signal_triage": [
            {
                "signal": e.kind,
                "action": e.get_action_display(),
                "until": _when(e.until),
                "by": _name(e.actor),
                "at": _when(e.at),
                "note": None if shared_only else e.note,
            }
            for e in SignalEvent.objects.filter(trajectory=t).select_related("actor__user").order_by("pk")
        ],
    }


# Everything of one assignment, loaded for all assignments of a trajectory at once.
_ASSIGNMENT_PARTS = (
    Prefetch("history", StepChange.objects.select_related("actor__user").order_by("at", "pk")),
    Prefetch("answers", PracticeAnswer.objects.order_by("answered_at", "pk")),
    Prefetch("package_attempts", PackageAttempt.objects.select_related("package_version").order_by("pk")),
    Prefetch("look_back_answers", LookBackAnswer.objects.order_by("answered_at", "pk")),
    Prefetch("observations", Observation.objects.select_related("author__user").order_by("observed_at", "pk")),
    Prefetch("work_adaptations", WorkAdaptation.objects.select_related("created_by__user").order_by("starts_on", "pk")),
    Prefetch(
        "assessments",
        Assessment.objects.select_related("assessor__user", "second_assessor__user").order_by("assessed_at", "pk"),
    ),
    Prefetch(
        "second_assessor_requests",
        SecondAssessorRequest.objects.select_related("coach__user").order_by("requested_at", "pk"),
    ),
    Prefetch("independence_days", IndependenceDay.objects.select_related("recorded_by__user").order_by("day")),
    Prefetch("watch_requests", WatchRequest.objects.select_related("answered_by__user").order_by("asked_at", "pk")),
)


def _shared_part(part: Prefetch[Any]) -> Prefetch[Any]:
    """What the participant's own download holds: observations they were shown, and no first judgement
    that still waits, blind, for the second one (the two assessors see each other's only when both
    are in; the participant sees nothing of it before that either)."""
    if part.prefetch_to == "observations":
        return Prefetch(
            "observations",
            Observation.objects.filter(shared_with_participant=True)
            .select_related("author__user")
            .order_by("observed_at", "pk"),
        )
    if part.prefetch_to == "assessments":
        return Prefetch(
            "assessments",
            Assessment.objects.exclude(second_assessor__isnull=False, second_judgement="", settled_at__isnull=True)
            .select_related("assessor__user", "second_assessor__user")
            .order_by("assessed_at", "pk"),
        )
    return part


_SHARED_ASSIGNMENT_PARTS = tuple(_shared_part(part) for part in _ASSIGNMENT_PARTS)


def _assignment(pa: ParticipantAssignment, files: _Files) -> dict[str, Any]:
    subskill = pa.version.assignment.subskill
    return {
        "id": pa.pk,
        "title": pa.version.title,
        "skill": subskill.skill.name,
        "level": pa.version.assignment.level,
        "step": pa.get_step_display(),
        "step_since": _when(pa.step_since),
        "given_at": _when(pa.created_at),
        "achieved_at": _when(pa.achieved_at),
        "history": [
            {
                "from": s.get_from_step_display(),
                "to": s.get_to_step_display(),
                "at": _when(s.at),
                "by": _name(s.actor),
                "note": s.note,
            }
            for s in pa.history.all()
        ],
        "practice_answers": [
            {
                "question": a.question_index + 1,
                "answer": a.answer,
                "is_correct": a.is_correct,
                "sent_late": a.late,
                "at": _when(a.answered_at),
            }
            for a in pa.answers.all()
        ],
        # An e-learning package played as the practice part: what it reported, every value as it sent it.
        "practice_packages": [
            {
                "package": a.package_version.title,
                "version": a.package_version.number,
                "completion": a.completion_status,
                "success": a.success_status,
                "score": a.score_raw,
                "started_at": _when(a.started_at),
                "done_at": _when(a.done_at),
                "values": a.cmi,
            }
            for a in pa.package_attempts.all()
        ],
        "look_back_answers": [
            {
                "question": a.question_index + 1,
                "feeling": a.get_feeling_display() if a.feeling else "",
                "text": a.text,
                "photo": files.add(a.photo, "terugkijken-foto", a.pk),
                "voice_note": files.add(a.voice_note, "terugkijken-spraak", a.pk),
                "sent_late": a.late,
                "at": _when(a.answered_at),
            }
            for a in pa.look_back_answers.all()
        ],
        "observations": [
            {
                "at": _when(o.observed_at),
                "by": _name(o.author),
                "behaviours": o.behaviours,
                "note": o.note,
                "went_well": o.went_well,
                "shared_with_participant": o.shared_with_participant,
                "photo": files.add(o.photo, "observatie-foto", o.pk),
            }
            for o in pa.observations.all()
        ],
        "work_adaptations": [
            {"description": w.description, "starts_on": _when(w.starts_on), "by": _name(w.created_by)}
            for w in pa.work_adaptations.all()
        ],
        "assessments": [
            {
                "at": _when(a.assessed_at),
                "assessor": _name(a.assessor),
                "judgement": a.get_judgement_display(),
                "note": a.note,
                "second_assessor": _name(a.second_assessor),
                "second_judgement": a.get_second_judgement_display() if a.second_judgement else "",
                "second_note": a.second_note,
                "outcome": a.get_outcome_display() if a.outcome else "",
                "outcome_note": a.outcome_note,
                "settled_at": _when(a.settled_at),
            }
            for a in pa.assessments.all()
        ],
        "independence_days": [
            {"day": _when(d.day), "shown": d.shown, "note": d.note, "by": _name(d.recorded_by)}
            for d in pa.independence_days.all()
        ],
        "second_assessor_requests": [
            {"coach": _name(r.coach), "requested_at": _when(r.requested_at)} for r in pa.second_assessor_requests.all()
        ],
        "watch_requests": [
            {
                "asked_at": _when(r.asked_at),
                "when": r.get_when_display(),
                "status": r.get_status_display(),
                "answered_by": _name(r.answered_by),
                "answered_at": _when(r.answered_at),
            }
            for r in pa.watch_requests.all()
        ],
    }


def _two_factor(user: Any) -> dict[str, Any]:
    """Whether and how the account uses two-step verification; never a key or a code."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return {
        "devices": [
            {"kind": kind, "name": device.name, "confirmed": device.confirmed}
            for kind, model in (("app", TOTPDevice), ("reservecodes", StaticDevice))
            for device in model.objects.filter(user=user).order_by("pk")
        ],
        "wrong_codes": [_when(f.at) for f in TwoFactorFailure.objects.filter(user=user).order_by("at")],
        # The link made at the first single sign-on: which provider, and the account there ("sub").
        "single_sign_on": [
            {"provider": i.provider.display_name, "account": i.subject, "linked_at": _when(i.linked_at)}
            for i in OidcIdentity.objects.filter(person__user=user).select_related("provider").order_by("pk")
        ],
    }


def _actions(person: Person) -> list[dict[str, Any]]:
    """How often the person did something in someone else's record, per kind (``DONE_BY_THE_PERSON``)."""
    counted = []
    for reference, description in DONE_BY_THE_PERSON.items():
        app_label, model_name, field_name = reference.split(".")
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
        target = person.user if field.related_model is not Person else person
        count = model._default_manager.filter(**{field_name: target}).count()
        if count:
            counted.append(
                {
                    "what": str(description),
                    "reference": reference,
                    "count": count,
                }
            )
    return counted


def _audit(person: Person) -> list[dict[str, Any]]:
    """The audit trail's rows about the person (``about_person``, see ``wpo.audit.history``)."""
    from django.contrib.auth import get_user_model

    entries: list[tuple[type[models.Model], Any]] = []
    for model in apps.get_models():
        if not hasattr(model, "instance_type") or "about_person" not in {f.name for f in model._meta.fields}:
            continue
        entries += [(model.instance_type, e) for e in model._default_manager.filter(about_person=person)]
    actors = {e.history_user_id for _model, e in entries if e.history_user_id}
    names = {user.pk: str(user) for user in get_user_model()._default_manager.filter(pk__in=actors)}
    kinds = {"+": "aangemaakt", "~": "gewijzigd", "-": "verwijderd"}
    entries.sort(key=lambda pair: pair[1].history_date)
    return [
        {
            "what": str(model._meta.verbose_name),
            "kind": e.get_audit_kind_display() if getattr(e, "audit_kind", "") else "",
            "at": _when(e.history_date),
            "change": kinds.get(e.history_type, e.history_type),
            "by": names.get(e.history_user_id),
        }
        for model, e in entries
    ]


def export_zip(person: Person, *, viewer: Person | None = None) -> bytes:
    """``gegevens.json`` and the person's files in one ZIP (see ``shared_only`` for ``viewer``)."""
    data, files = _collect(person, shared_only=shared_only(person, viewer))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for path, name in sorted(files.paths.items()):
            try:
                with default_storage.open(name, "rb") as handle:
                    archive.writestr(path, handle.read())
            except OSError:
                # A file lost from storage: the JSON still says it existed.
                archive.writestr(path + ".ontbreekt.txt", "Dit bestand is niet meer gevonden.\n")
    return buffer.getvalue()


def export_pdf(person: Person, *, viewer: Person | None = None) -> bytes:
    """The same data as a readable A4 document in plain Dutch, grouped per trajectory."""
    data, _files = _collect(person, shared_only=shared_only(person, viewer))
    return html_to_pdf(render_to_string("privacy/export_pdf.html", {"data": data}), PRINT_CSS)


def file_name(person: Person, extension: str) -> str:
    return f"wpo-gegevens-{person.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"
