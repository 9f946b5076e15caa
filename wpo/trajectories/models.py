"""Trajectories and the life of one WPO assignment for one participant."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wpo.curriculum.models import AssignmentVersion, Level, Skill
from wpo.lib.uploads import UnguessableName
from wpo.orgs.models import Department, OrgOwned, Person


class Phase(models.IntegerChoices):
    START = 1, _("Start")
    LEARN_WORK = 2, _("Leer/werkperiode")
    EVALUATION = 3, _("Evaluatie en beoordeling")
    CLOSING = 4, _("Afsluiting")


class Trajectory(OrgOwned):
    """A participant's WPO-traject over an agreed period."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Loopt")
        CLOSED = "closed", _("Afgesloten")
        STOPPED = "stopped", _("Gestopt")

    participant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trajectories")
    trainer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="trained_trajectories", verbose_name=_("werkplekopleider")
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name=_("afdeling"))
    starts_on = models.DateField(_("startdatum"))
    ends_on = models.DateField(_("afgesproken einddatum"))
    # Moves only through ``workflow.set_phase``, which writes a ``PhaseChange`` row.
    phase = models.PositiveSmallIntegerField(_("fase"), choices=Phase.choices, default=Phase.START)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    stop_reason = models.TextField(_("reden van stoppen"), blank=True)
    # The start conversation, in the participant's own words first (eigen regie), then the trainer's.
    wish_develop = models.TextField(_("Waarin wil jij je ontwikkelen?"), blank=True)
    wish_learn = models.TextField(_("Wat wil je leren?"), blank=True)
    finds_hard = models.TextField(_("Waar heb je moeite mee?"), blank=True)
    trainer_sees = models.TextField(_("Ik zie dat …, herken je dat?"), blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Denormalised for the coach's "nothing happened for N weeks" signal: the newest step change,
    # practice or look-back answer, observation or held conversation. Kept up to date in the same
    # transaction as each of those writes (wpo.trajectories.activity); NULL while nothing happened.
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    skills = models.ManyToManyField(Skill, through="TrajectorySkill", related_name="+")
    # The key of the start conversation's form: the same form sent twice starts one trajectory.
    start_submission = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("WPO-traject")
        verbose_name_plural = _("WPO-trajecten")
        ordering = ["-starts_on"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "trainer"]),
            models.Index(fields=["organization", "status", "last_activity_at"], name="trajectory_org_activity"),
            # The running trajectories of one department (the coach overview's capacity list).
            models.Index(fields=["department", "status"], name="trajectory_department_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "start_submission"], name="trajectory_start_submission_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} ({self.starts_on:%d-%m-%Y})"


class PhaseChangeQuerySet(models.QuerySet["PhaseChange"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the phase history of a trajectory is append-only")


class PhaseChange(OrgOwned):
    """History row for every move of a trajectory's phase (``workflow.set_phase``); never updated,
    never deleted on its own."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="phase_history")
    from_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    to_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(_("toelichting"), blank=True)

    objects = PhaseChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("fase in de geschiedenis")
        verbose_name_plural = _("geschiedenis van fases")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.from_phase} → {self.to_phase}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the phase history of a trajectory is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the phase history of a trajectory is append-only")


class TrajectorySkill(OrgOwned):
    """A skill chosen for a trajectory, with the participant's own rating from the choice card."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="chosen_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT)
    self_rating = models.PositiveSmallIntegerField(_("eigen inschatting (1-5)"), null=True, blank=True)
    trainer_rating = models.PositiveSmallIntegerField(_("inschatting werkplekopleider (1-5)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    highest_level = models.CharField(_("hoogst behaalde niveau"), max_length=1, choices=Level.choices, blank=True)

    class Meta:
        verbose_name = _("gekozen skill")
        verbose_name_plural = _("gekozen skills")
        # Every unique constraint of a tenant table starts with the organisation (docs/scaling.md).
        constraints = [
            models.UniqueConstraint(fields=["organization", "trajectory", "skill"], name="trajectory_skill_unique")
        ]


class Step(models.TextChoices):
    """The steps of one assignment for one participant (wpo.md)."""

    INTRODUCED = "introduced", _("Klaargezet")
    PRACTISING = "practising", _("Oefenen")
    WORKING = "working", _("Aan de slag")
    LOOKING_BACK = "looking_back", _("Terugkijken")
    INDEPENDENT = "independent", _("Zelfstandig")
    ASSESSING = "assessing", _("Beoordelen")
    ACHIEVED = "achieved", _("Behaald")
    STOPPED = "stopped", _("Gestopt")


# An open assignment is under way: in any step but the two final ones, ‘behaald’ and ‘gestopt’
# (``ParticipantAssignment.is_open``, ``filter(step__in=OPEN_STEPS)``). Closing or stopping a
# trajectory stops its open assignments, so they belong to running trajectories; the lists of an
# organisation's open assignments come from ``access.open_assignments_in``.
FINAL_STEPS = (Step.ACHIEVED, Step.STOPPED)
OPEN_STEPS = tuple(step for step in Step if step not in FINAL_STEPS)


class ParticipantAssignment(OrgOwned):
    """One WPO assignment as one participant works through it, on a fixed content version."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="assignments")
    version = models.ForeignKey(AssignmentVersion, on_delete=models.PROTECT, related_name="+")
    step = models.CharField(_("stap"), max_length=20, choices=Step.choices, default=Step.INTRODUCED)
    step_since = models.DateTimeField(_("in deze stap sinds"))
    # Which practice screen the participant is on (0 = goal and story, 1..n = questions, then
    # summary and work task), so leaving and coming back resumes at the same place.
    practice_position = models.PositiveSmallIntegerField(default=0)
    # How many times the practice part was started from the goal screen ("Begin met oefenen"): each
    # run is a new attempt, with the answer options in a new order (wpo.learn.services.option_order).
    practice_runs = models.PositiveSmallIntegerField(default=0)
    # When the assignment was given (klaargezet); set from the moment the trainer gave it.
    created_at = models.DateTimeField(default=timezone.now)
    achieved_at = models.DateTimeField(_("behaald op"), null=True, blank=True)

    class Meta:
        verbose_name = _("WPO-opdracht van een deelnemer")
        verbose_name_plural = _("WPO-opdrachten van deelnemers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "step"]),
            # A trajectory's open assignment, the newest first (the coach overview's rows).
            models.Index(
                fields=["trajectory", "-created_at", "-id"], condition=Q(step__in=OPEN_STEPS), name="pa_open_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.title} ({self.get_step_display()})"

    @property
    def is_open(self) -> bool:
        return self.step in OPEN_STEPS


class StepChange(OrgOwned):
    """History row for every move of an assignment; never updated, never deleted."""

    participant_assignment = models.ForeignKey(ParticipantAssignment, on_delete=models.CASCADE, related_name="history")
    from_step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    to_step = models.CharField(max_length=20, choices=Step.choices)
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("stap in de geschiedenis")
        verbose_name_plural = _("geschiedenis")
        ordering = ["at", "id"]


class PracticeAnswer(OrgOwned):
    participant_assignment = models.ForeignKey(ParticipantAssignment, on_delete=models.CASCADE, related_name="answers")
    question_index = models.PositiveSmallIntegerField()
    answer = models.JSONField()
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)
    # One key per answer, made when the form was shown (or by the phone that queued it offline):
    # a second send of the same answer writes nothing.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    # Sent (from a phone that was offline) after the practice part had ended: kept, not counted.
    late = models.BooleanField(_("te laat verstuurd"), default=False)

    class Meta:
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "idempotency_key"], name="practice_answer_sent_once")
        ]


class LookBackAnswer(OrgOwned):
    """An answer to a look-back question: a choice, typed text, a photo or a voice note."""

    class Feeling(models.TextChoices):
        GOOD = "good", _("Het ging goed")
        BIT = "bit", _("Het ging een beetje")
        NOT_YET = "not_yet", _("Het ging nog niet")

    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.CASCADE, related_name="look_back_answers"
    )
    question_index = models.PositiveSmallIntegerField()
    feeling = models.CharField(max_length=20, choices=Feeling.choices, blank=True)
    text = models.TextField(blank=True)
    # Stored under unguessable names and only served through the access layer.
    photo = models.FileField(upload_to=UnguessableName("lookback/photos"), blank=True)
    voice_note = models.FileField(upload_to=UnguessableName("lookback/voice"), blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    # One key per sent look-back form (all its answers); a second send writes nothing.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    # Sent (from a phone that was offline) when the assignment had already moved on: kept and shown
    # to the trainer, but it moves nothing.
    late = models.BooleanField(_("te laat verstuurd"), default=False)

    class Meta:
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key", "question_index"], name="look_back_answer_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_assignment_id}/{self.question_index}"


class ParticipantQuestion(OrgOwned):
    """Something the participant wants to talk about in the next coaching conversation."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="participant_questions")
    text = models.TextField(_("vraag"), blank=True)
    voice_note = models.FileField(upload_to=UnguessableName("questions/voice"), blank=True)
    asked_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    discussed_in = models.ForeignKey(
        "CoachingConversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )

    class Meta:
        verbose_name = _("vraag van de deelnemer")
        verbose_name_plural = _("vragen van de deelnemer")
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "idempotency_key"], name="participant_question_sent_once")
        ]

    def __str__(self) -> str:
        return self.text[:50]


class Observation(OrgOwned):
    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.CASCADE, related_name="observations"
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    observed_at = models.DateTimeField(_("waargenomen op"))
    behaviours = models.JSONField(_("gedrag gezien"), default=list)
    note = models.TextField(_("notitie"), blank=True)
    went_well = models.BooleanField(_("ging goed"), default=False)
    shared_with_participant = models.BooleanField(_("deelnemer mag het zien"), default=False)
    photo = models.FileField(_("foto"), upload_to=UnguessableName("observations/photos"), blank=True)

    class Meta:
        verbose_name = _("observatie")
        verbose_name_plural = _("observaties")
        ordering = ["-observed_at"]


class WorkAdaptation(OrgOwned):
    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.CASCADE, related_name="work_adaptations"
    )
    description = models.TextField(_("wat verandert er"))
    starts_on = models.DateField(_("vanaf"))
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aanpassing werksituatie")
        verbose_name_plural = _("aanpassingen werksituatie")


class CoachingConversation(OrgOwned):
    """A planned begeleidingsgesprek; recording it fills ``held_at`` and what was said and decided."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="conversations")
    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    planned_at = models.DateTimeField(_("gepland op"))
    duration_minutes = models.PositiveSmallIntegerField(_("duur in minuten"), default=30)
    location = models.CharField(_("ruimte"), max_length=200, blank=True)
    attendees = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("wie doet er mee"))
    planned_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("gepland door")
    )
    held_at = models.DateTimeField(_("gehouden op"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("vastgelegd door")
    )
    done_and_learned = models.TextField(_("wat heeft de deelnemer gedaan en geleerd"), blank=True)
    trainer_saw = models.TextField(_("wat zag de werkplekopleider"), blank=True)
    agreements = models.TextField(_("afspraken"), blank=True)
    decision = models.TextField(_("besluit"), blank=True)
    # The invitation's identity in calendar apps: the UID never changes, the sequence goes up
    # with every new time or place so that Outlook and Google replace the old event.
    ical_uid = models.UUIDField(default=uuid.uuid4, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    # Set by the reminder task in the same transaction as the e-mail; a moved conversation clears it.
    reminder_sent_at = models.DateTimeField(_("herinnering verstuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("begeleidingsgesprek")
        verbose_name_plural = _("begeleidingsgesprekken")
        ordering = ["planned_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "ical_uid"], name="conversation_unique_uid_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id} {self.planned_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.planned_at + timedelta(minutes=self.duration_minutes)

    @property
    def awaits_record(self) -> bool:
        """The time has come, but nobody has recorded the conversation yet."""
        return self.held_at is None and self.planned_at <= timezone.now()


class TrainerCalendarFeed(OrgOwned):
    """A secret address at which a calendar app reads a werkplekopleider's conversations.

    Calendar apps cannot log in, so the random token in the address is the bearer secret. Only
    its SHA-256 is kept (looked up by that hash), as for login cards: a copy of the database
    opens no feed. Revoking keeps the row, so who made and ended which address stays known.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda-koppeling")
        verbose_name_plural = _("agenda-koppelingen")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.created_at:%Y-%m-%d})"


class IndependenceDay(OrgOwned):
    """One day of the independence week, ticked by the werkplekopleider: did the participant show
    the behaviour on their own that day? At most one row per day; ticking a day again corrects it
    (``services.signoff.independence_day_record``)."""

    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.CASCADE, related_name="independence_days"
    )
    day = models.DateField(_("dag"))
    shown = models.BooleanField(_("zelf laten zien"))
    note = models.CharField(_("korte notitie"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("afgevinkt op"))

    class Meta:
        verbose_name = _("dag van de zelfstandigheidsweek")
        verbose_name_plural = _("dagen van de zelfstandigheidsweek")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "participant_assignment", "day"], name="independence_day_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_assignment_id} {self.day:%Y-%m-%d}: {'ja' if self.shown else 'nee'}"


class Judgement(models.TextChoices):
    ACHIEVED = "achieved", _("Behaald")
    NOT_YET = "not_yet", _("Nog niet")


class Assessment(OrgOwned):
    """The assessment after the independence week, with an optional second assessor.

    Without a second assessor the first judgement moves the step at once. With one, the two
    judge blind: the first judgement is hidden from everyone but its author until the second is
    in (``is_blind``), and only then does the step move, when both agree. When they differ no
    judgement wins: a short conversation of both assessors with the participant (``talk``)
    settles it, and its outcome (``outcome``) moves the step. ``settled_at`` is when this
    assessment moved the step; an assessment with a second assessor and no ``settled_at`` is
    still open.
    """

    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    judgement = models.CharField(_("oordeel"), max_length=20, choices=Judgement.choices)
    note = models.TextField(_("toelichting"), blank=True)
    assessed_at = models.DateTimeField(_("beoordeeld op"))
    second_assessor = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tweede beoordelaar")
    )
    second_judgement = models.CharField(
        _("oordeel tweede beoordelaar"), max_length=20, choices=Judgement.choices, blank=True
    )
    second_note = models.TextField(_("toelichting tweede beoordelaar"), blank=True)
    second_assessed_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(_("stap gezet op"), null=True, blank=True)
    # When the judgements differ: the conversation of both assessors with the participant, and what
    # they agreed there. SET_NULL: a cancelled conversation is planned again.
    talk = models.ForeignKey(
        CoachingConversation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gesprek over de oordelen"),
    )
    outcome = models.CharField(_("uitkomst van het gesprek"), max_length=20, choices=Judgement.choices, blank=True)
    outcome_note = models.TextField(_("toelichting bij de uitkomst"), blank=True)
    outcome_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("vastgelegd door")
    )
    outcome_present = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("wie waren erbij"))

    class Meta:
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")
        ordering = ["-assessed_at"]
        indexes = [
            # Waiting for the second assessor (the coach's signal), out of an organisation's thousands.
            models.Index(
                fields=["organization", "assessed_at"],
                condition=Q(second_assessor__isnull=False, second_judgement=""),
                name="assessment_second_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_assignment_id}: {self.get_judgement_display()} ({self.assessed_at:%Y-%m-%d})"

    @property
    def awaiting_second_judgement(self) -> bool:
        return self.second_assessor_id is not None and not self.second_judgement

    @property
    def is_blind(self) -> bool:
        """The first judgement waits for the second and is shown to nobody but its author."""
        return self.awaiting_second_judgement and self.settled_at is None

    @property
    def judgements_differ(self) -> bool:
        return bool(self.second_judgement) and self.second_judgement != self.judgement

    @property
    def awaiting_outcome(self) -> bool:
        """Both judged, differently, and the conversation about it has not settled it yet."""
        return self.judgements_differ and self.settled_at is None

    @property
    def is_open(self) -> bool:
        return self.second_assessor_id is not None and self.settled_at is None

    def shows_first_judgement_to(self, person: Person | None) -> bool:
        return not self.is_blind or (person is not None and person.pk == self.assessor_id)


class SecondAssessorRequest(OrgOwned):
    """A coach asked to join the coming assessment as second assessor (tweede beoordelaar).

    Asked during the independence week or the assessment, before the first judgement exists.
    When the werkplekopleider records the assessment, the request is linked to it and the coach
    becomes its ``second_assessor``; the coach's own judgement is then written once, blind,
    beside the first, in the assessment's ``second_*`` fields. An assignment has one open request
    at most.
    """

    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.CASCADE, related_name="second_assessor_requests"
    )
    coach = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("coach"))
    requested_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("gevraagd door")
    )
    requested_at = models.DateTimeField(_("gevraagd op"))
    # One request per assessment: a foreign key with a unique constraint that includes the organisation
    # (a OneToOneField's own unique index would not, see docs/scaling.md).
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="second_assessor_requests"
    )

    class Meta:
        verbose_name = _("vraag aan tweede beoordelaar")
        verbose_name_plural = _("vragen aan tweede beoordelaar")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "participant_assignment"],
                condition=models.Q(assessment__isnull=True),
                name="second_assessor_one_open_request",
            ),
            models.UniqueConstraint(fields=["organization", "assessment"], name="second_assessor_one_per_assessment"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_assignment_id} → {self.coach_id}"


class WatchRequest(OrgOwned):
    """ "Kijk je mee?": during the work task the participant asks their werkplekopleider to come and
    watch, now or today. The werkplekopleider answers with one tap (coming, or tomorrow); the next
    observation of the assignment is linked to the request, which is then done.

    A request lapses at ``expires_at`` (the end of the day it was asked, or of the day the trainer
    said they would come); an assignment has one live request at most, so asking again while one
    is live shows that one. A lapsed request is cancelled when the participant asks again.
    """

    class When(models.TextChoices):
        NOW = "now", _("Nu")
        TODAY = "today", _("Vandaag")

    class Status(models.TextChoices):
        OPEN = "open", _("Verstuurd")
        COMING = "coming", _("Komt eraan")
        TOMORROW = "tomorrow", _("Komt morgen")
        DONE = "done", _("Gedaan")
        CANCELLED = "cancelled", _("Vervallen")

    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.CASCADE, related_name="watch_requests"
    )
    asked_at = models.DateTimeField(_("gevraagd op"))
    when = models.CharField(_("wanneer"), max_length=10, choices=When.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField(_("vervalt op"))
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("beantwoord door")
    )
    observation = models.ForeignKey(
        Observation, on_delete=models.SET_NULL, null=True, blank=True, related_name="watch_requests"
    )
    # One key per sent form (or per queued send of an offline phone): a second send writes nothing.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    LIVE = (Status.OPEN, Status.COMING, Status.TOMORROW)

    class Meta:
        verbose_name = _("vraag om mee te kijken")
        verbose_name_plural = _("vragen om mee te kijken")
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["organization", "status", "expires_at"], name="watch_request_live")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "idempotency_key"], name="watch_request_sent_once"),
            models.UniqueConstraint(
                fields=["organization", "participant_assignment"],
                condition=models.Q(status__in=["open", "coming", "tomorrow"]),
                name="watch_request_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_assignment_id}: {self.when} ({self.status})"

    def is_live(self, now: datetime) -> bool:
        return self.status in self.LIVE and self.expires_at > now

    def comes_today(self, now: datetime) -> bool:
        """ "Morgen" was said on an earlier day: the day has come."""
        if self.status != self.Status.TOMORROW or self.answered_at is None:
            return False
        return timezone.localdate(self.answered_at) < timezone.localdate(now)
