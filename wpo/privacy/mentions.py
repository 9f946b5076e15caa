"""Mentions of a participant in the organisation's free texts, replaced when they are anonymised.

Meeting reports, department visit notes and the problem log are written about many people at once
(``Jan had een goede week``), so they are not erased with the participant's own records: the
participant's name and e-mail address in them are replaced by a neutral marker, and the rest of
the note stays. So are the free texts in other participants' records: a werkplekopleider's
observation of a colleague (``Je hielp Jan goed``), a conversation's agreements, a look-back answer.
The participant's own records are blanked before this runs (``wpo.privacy.services``).

The first name alone is replaced only when nobody else in the organisation has it, since otherwise
a note about a colleague with the same first name would lose its meaning and still not say who was
meant.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from wpo.certificates.models import Certificate
from wpo.coaching.models import SignalEvent
from wpo.evaluations.models import ChosenSkillChange, EndDateChange, InterimEvaluation
from wpo.followup.models import DepartmentVisit, Problem, ProblemEvent, VisitAction
from wpo.intake.models import Interest, InterestChange
from wpo.meetings.models import Meeting
from wpo.orgs.models import Person
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    IndependenceDay,
    LookBackAnswer,
    Observation,
    ParticipantQuestion,
    PhaseChange,
    StepChange,
    Trajectory,
    WorkAdaptation,
)

# The free texts of the organisation that may name a participant, per model: every text a person
# writes (tests/attacks/test_anonymisation_leftovers.py checks that no other text field exists).
FREE_TEXTS: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (Meeting, ("title", "agenda", "location", "notes")),
    (DepartmentVisit, ("purpose", "notes_seen", "notes_participants", "notes_trainers")),
    (VisitAction, ("description",)),
    (Problem, ("title", "description")),
    (ProblemEvent, ("text",)),
    (Trajectory, ("stop_reason", "wish_develop", "wish_learn", "finds_hard", "trainer_sees")),
    (PhaseChange, ("note",)),
    (StepChange, ("note",)),
    (LookBackAnswer, ("text",)),
    (ParticipantQuestion, ("text",)),
    (Observation, ("note",)),
    (WorkAdaptation, ("description",)),
    (CoachingConversation, ("location", "done_and_learned", "trainer_saw", "agreements", "decision")),
    (IndependenceDay, ("note",)),
    (Assessment, ("note", "second_note", "outcome_note")),
    (InterimEvaluation, ("location", "achieved", "participant_words", "agreements")),
    (ChosenSkillChange, ("reason",)),
    (EndDateChange, ("reason",)),
    (SignalEvent, ("note",)),
    (Interest, ("note", "not_now_reason")),
    (InterestChange, ("note",)),
    (Certificate, ("revoke_reason",)),
)
# Text fields of the organisation's records that no person writes about another: secrets and keys, a
# signed credential (about its own holder, handled with their certificates), a batch's error, and the
# raw HR import (``people_import_forget`` takes the person's rows out).
NOT_WRITTEN_ABOUT_PEOPLE: frozenset[str] = frozenset(
    {
        "accounts.OidcProvider.client_secret_encrypted",
        "orgs.PeopleImport.content",
        "certificates.CertificateBatch.error",
        "certificates.BadgeSigningKey.private_sealed",
        "certificates.BadgeCredential.jwt",
    }
)
MIN_FIRST_NAME = 2

# The records about one participant, each with its way to them. An anonymisation blanks the free texts
# of the person's own records (``blank_own_texts``); everyone else's are searched for their name.
_ASSIGNMENT = "participant_assignment__trajectory__participant"
PARTICIPANT_PATHS: dict[type[models.Model], str] = {
    Trajectory: "participant",
    PhaseChange: "trajectory__participant",
    StepChange: _ASSIGNMENT,
    LookBackAnswer: _ASSIGNMENT,
    ParticipantQuestion: "trajectory__participant",
    Observation: _ASSIGNMENT,
    WorkAdaptation: _ASSIGNMENT,
    CoachingConversation: "trajectory__participant",
    IndependenceDay: _ASSIGNMENT,
    Assessment: _ASSIGNMENT,
    InterimEvaluation: "trajectory__participant",
    ChosenSkillChange: "trajectory__participant",
    EndDateChange: "trajectory__participant",
    SignalEvent: "trajectory__participant",
}


@dataclass(frozen=True)
class Identity:
    """Who the person was, read before their account is anonymised."""

    first_name: str
    last_name: str
    email: str
    employee_number: str

    @classmethod
    def of(cls, person: Person) -> "Identity":
        user = person.user
        return cls(user.first_name.strip(), user.last_name.strip(), user.email.strip(), person.employee_number.strip())


def _words(text: str) -> str:
    """``text`` as a pattern that allows any whitespace between its words."""
    return r"\s+".join(re.escape(word) for word in text.split())


def patterns(identity: Identity, *, first_name_alone: bool) -> list[tuple[re.Pattern[str], str]]:
    """What to look for, longest first, with what replaces it."""
    with translation.override(settings.LANGUAGE_CODE):
        name_marker, email_marker, number_marker = (
            _("[naam verwijderd]"),
            _("[e-mailadres verwijderd]"),
            _("[nummer verwijderd]"),
        )
    found: list[tuple[re.Pattern[str], str]] = []
    if identity.email:
        found.append((re.compile(rf"(?<![\w.+-]){re.escape(identity.email)}(?![\w-])", re.IGNORECASE), email_marker))
    if identity.first_name and identity.last_name:
        full = _words(f"{identity.first_name} {identity.last_name}")
        found.append((re.compile(rf"(?<!\w){full}(?!\w)", re.IGNORECASE), name_marker))
        # As a list often writes it: "Bakker, Fenna".
        reverse = rf"{_words(identity.last_name)},?\s+{_words(identity.first_name)}"
        found.append((re.compile(rf"(?<!\w){reverse}(?!\w)", re.IGNORECASE), name_marker))
    if first_name_alone and len(identity.first_name) >= MIN_FIRST_NAME:
        found.append((re.compile(rf"(?<!\w){_words(identity.first_name)}(?!\w)", re.IGNORECASE), name_marker))
    if len(identity.employee_number) >= 3:
        found.append((re.compile(rf"(?<!\w){re.escape(identity.employee_number)}(?!\w)"), number_marker))
    return found


def replace(text: str, found: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, marker in found:
        text = pattern.sub(marker, text)
    return text


def first_name_is_unambiguous(person: Person, first_name: str) -> bool:
    others = Person.objects.filter(organization_id=person.organization_id, user__first_name__iexact=first_name)
    return bool(first_name) and not others.exclude(pk=person.pk).exists()


def scrub_mentions(person: Person, identity: Identity) -> int:
    """Replace every mention of ``identity`` in the organisation's free texts; returns rows changed.

    Runs inside the anonymisation's transaction. Rows are found by the database (``icontains`` on the
    texts to look for) and rewritten here, one update per row so that nothing else on it changes.
    """
    alone = first_name_is_unambiguous(person, identity.first_name)
    found = patterns(identity, first_name_alone=alone)
    needles = [
        n
        for n in (
            identity.email,
            identity.first_name if alone else "",
            identity.last_name.split()[-1] if identity.last_name else "",
            identity.employee_number if len(identity.employee_number) >= 3 else "",
        )
        if n
    ]
    if not found or not needles:
        return 0
    changed = 0
    for model, fields in FREE_TEXTS:
        query = models.Q()
        for field in fields:
            for needle in needles:
                query |= models.Q(**{f"{field}__icontains": needle})
        # The problem log is append-only for everyone else; erasing a name is the one exception,
        # so it goes through the base manager that has no guard.
        rows = model._base_manager.filter(query, organization_id=person.organization_id)
        for row_id, *values in rows.values_list("pk", *fields):
            update = {}
            for field, value in zip(fields, values, strict=True):
                new = replace(value or "", found)
                if new != (value or ""):
                    limit = getattr(model._meta.get_field(field), "max_length", None)
                    update[field] = new[:limit] if limit else new
            if update:
                model._base_manager.filter(pk=row_id).update(**update)
                changed += 1
    return changed


def blank_own_texts(person: Person) -> None:
    """Blank every free text of the person's own records (``PARTICIPANT_PATHS``). Through the base
    manager: the phase, skill and end-date histories are append-only for everyone else, and erasing
    personal text is the one exception."""
    for model, fields in FREE_TEXTS:
        path = PARTICIPANT_PATHS.get(model)
        if path is not None:
            model._base_manager.filter(**{path: person}).update(**dict.fromkeys(fields, ""))
