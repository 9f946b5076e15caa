"""Access to trajectories and participants' assignments, built on ``wpo.orgs.access``."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q, QuerySet

from wpo.accounts.access import token_hash
from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, holders_of, may, may_on, trajectories_filter

from .models import (
    OPEN_STEPS,
    Assessment,
    CoachingConversation,
    LookBackAnswer,
    ParticipantAssignment,
    ParticipantQuestion,
    SecondAssessorRequest,
    StepChange,
    TrainerCalendarFeed,
    Trajectory,
    TrajectorySkill,
    WatchRequest,
)


def trajectories_for(person: Person, action: OnTrajectory) -> QuerySet[Trajectory]:
    """The trajectories of the organisation on which ``person`` may do ``action`` (wpo/orgs/permissions.py)."""
    return in_org(person, Trajectory).filter(trajectories_filter(person, action))


def visible_trajectories(person: Person) -> QuerySet[Trajectory]:
    """The trajectories whose staff page ``person`` may open: all of the organisation for coach,
    project manager and administrator, the ones a werkplekopleider guides; never one's own."""
    return trajectories_for(person, OnTrajectory.VIEW)


def access_trajectory(person: Person, trajectory_id: int) -> Trajectory:
    """A trajectory whose page ``person`` may open, with what the page shows of it loaded
    (``wpo.trajectories.panels`` adds the rest)."""
    qs = (
        visible_trajectories(person)
        .select_related("participant__user", "trainer__user", "department")
        .prefetch_related(
            Prefetch("chosen_skills", queryset=TrajectorySkill.objects.select_related("skill")),
            Prefetch(
                "assignments",
                queryset=ParticipantAssignment.objects.select_related(
                    "version__assignment__subskill__skill"
                ).prefetch_related(Prefetch("history", queryset=StepChange.objects.select_related("actor__user"))),
            ),
        )
    )
    return get_in_org(qs, pk=trajectory_id)


def open_assignments_in(
    person: Person, trajectories: QuerySet[Trajectory] | None = None
) -> QuerySet[ParticipantAssignment]:
    """The open assignments (``OPEN_STEPS``) of the running trajectories of ``person``'s organisation,
    or of the running ones among ``trajectories``: the one query behind every list of open
    assignments (the werkplekopleider's list, the participant's home, the coach's signals)."""
    # ``IN`` the running trajectories rather than a join on the status alone: joined, PostgreSQL
    # scanned the running trajectories of every organisation (80 ms at national scale).
    scope = in_org(person, Trajectory) if trajectories is None else trajectories
    running = scope.filter(status=Trajectory.Status.ACTIVE).values("pk")
    return in_org(person, ParticipantAssignment).filter(step__in=OPEN_STEPS, trajectory__in=running)


def open_assignments(person: Person) -> QuerySet[ParticipantAssignment]:
    """The open assignments of the running trajectories whose page ``person`` may open."""
    return open_assignments_in(person, visible_trajectories(person)).select_related(
        "version__assignment__subskill__skill", "trajectory__participant__user"
    )


def own_open_assignments(person: Person) -> QuerySet[ParticipantAssignment]:
    """The participant's own open assignments."""
    own = in_org(person, Trajectory).filter(participant=person)
    return open_assignments_in(person, own).select_related(
        "version__assignment__subskill__skill", "trajectory__participant__user"
    )


def access_own_assignment(person: Person, pa_id: int) -> ParticipantAssignment:
    """One of the participant's own assignments; nobody else's, whatever their roles."""
    qs = in_org(person, ParticipantAssignment).filter(trajectory__participant=person)
    return get_in_org(
        qs.select_related("trajectory__trainer__user", "version__assignment__subskill__skill"),
        pk=pa_id,
    )


# What answering a practice question reads of the assignment and shows on the next screen: the
# assignment itself, whose it is, the werkplekopleider's first name, the content and the skill's name.
PRACTICE_ANSWER_FIELDS = (
    "organization_id",
    "trajectory_id",
    "version_id",
    "step",
    "step_since",
    "practice_position",
    "practice_runs",
    "created_at",
    "achieved_at",
    "trajectory__organization_id",
    "trajectory__participant",
    "trajectory__trainer__user__first_name",
    "version__content",
    "version__title",
    "version__number",
    "version__assignment__level",
    "version__assignment__subskill__skill__name",
)


def access_own_assignment_to_answer(person: Person, pa_id: int) -> ParticipantAssignment:
    """``access_own_assignment`` with only the columns a practice answer and its feedback screen read
    (``PRACTICE_ANSWER_FIELDS``): the same rows, without the wide ones (pictogram, texts, accounts)."""
    qs = in_org(person, ParticipantAssignment).filter(trajectory__participant=person)
    return get_in_org(
        qs.select_related("trajectory__trainer__user", "version__assignment__subskill__skill").only(
            *PRACTICE_ANSWER_FIELDS
        ),
        pk=pa_id,
    )


def access_look_back_answer(person: Person, answer_id: int) -> LookBackAnswer:
    """A look-back answer (with its photo or voice note) for the participant and the staff who guide them."""
    media = trajectories_for(person, OnTrajectory.MEDIA).values("pk")
    qs = in_org(person, LookBackAnswer).filter(participant_assignment__trajectory__in=media)
    return get_in_org(qs, pk=answer_id)


def own_running_trajectories(person: Person) -> list[Trajectory]:
    """The participant's running trajectories, newest first (one, as a rule)."""
    return list(
        in_org(person, Trajectory)
        .filter(participant=person, status=Trajectory.Status.ACTIVE)
        .order_by("-starts_on", "-pk")
    )


def own_open_assignments_in(person: Person, running: list[Trajectory]) -> QuerySet[ParticipantAssignment]:
    """The participant's own open assignments in ``running`` (from ``own_running_trajectories``), with
    only what their home page shows of each: the step, the title, the level and the skill's name (no
    content, no pictogram, no trajectory or person rows: the page knows whose they are)."""
    return (
        in_org(person, ParticipantAssignment)
        # Only the person's own trajectories: checked on the rows read, not with a join to them.
        .filter(step__in=OPEN_STEPS, trajectory_id__in=[t.pk for t in running if t.participant_id == person.pk])
        .select_related("version__assignment__subskill__skill")
        .only(*OPEN_ASSIGNMENT_FIELDS)
    )


# What a participant's list of their own assignments reads of each (``.only()``).
OPEN_ASSIGNMENT_FIELDS = (
    "organization_id",
    "trajectory_id",
    "step",
    "step_since",
    "created_at",
    "version__title",
    "version__assignment__level",
    "version__assignment__subskill__skill__name",
)


def access_own_trajectory(person: Person) -> Trajectory | None:
    """The participant's running trajectory, if any."""
    return (
        in_org(person, Trajectory)
        .filter(participant=person, status=Trajectory.Status.ACTIVE)
        .order_by("-starts_on")
        .first()
    )


def access_assignment_for_trainer(person: Person, pa_id: int) -> ParticipantAssignment:
    """An assignment the person may work on as werkplekopleider or coach (not only view)."""
    workable = trajectories_for(person, OnTrajectory.WORK).values("pk")
    qs = in_org(person, ParticipantAssignment).filter(trajectory__in=workable)
    return get_in_org(
        qs.select_related(
            "trajectory__participant__user", "trajectory__trainer__user", "version__assignment__subskill__skill"
        ),
        pk=pa_id,
    )


# "Kijk je mee?" ------------------------------------------------------------------------------------
# Only the werkplekopleider who trains the participant sees and answers a request to come and watch
# (OnTrajectory.WATCH); a coach or another werkplekopleider of the organisation gets 404 for it.


def access_watch_request(person: Person, watch_request_id: int) -> WatchRequest:
    """A request to come and watch that ``person`` may answer."""
    qs = in_org(person, WatchRequest).filter(
        participant_assignment__trajectory__in=trajectories_for(person, OnTrajectory.WATCH).values("pk")
    )
    return get_in_org(
        qs.select_related("participant_assignment__trajectory__participant__user", "participant_assignment__version"),
        pk=watch_request_id,
    )


def live_watch_requests_for(person: Person, now: datetime) -> QuerySet[WatchRequest]:
    """The live requests (open first, then answered) of the work tasks of the participants ``person``
    trains: the block at the top of "Mijn deelnemers" (one query however many there are)."""
    return (
        in_org(person, WatchRequest)
        .filter(
            status__in=WatchRequest.LIVE,
            expires_at__gt=now,
            participant_assignment__step="working",
            participant_assignment__trajectory__in=trajectories_for(person, OnTrajectory.WATCH).values("pk"),
        )
        .select_related("participant_assignment__trajectory__participant__user", "participant_assignment__version")
        .order_by(F("answered_at").asc(nulls_first=True), "asked_at", "id")
    )


def latest_watch_request(pa: ParticipantAssignment) -> WatchRequest | None:
    """The newest request of an assignment the caller already got through this module."""
    return (
        WatchRequest.objects.filter(organization_id=pa.organization_id, participant_assignment=pa)
        .select_related("observation")
        .order_by("-asked_at", "-id")
        .first()
    )


def live_watch_request(pa: ParticipantAssignment, now: datetime) -> WatchRequest | None:
    """The live request of an assignment the caller already got through this module."""
    return (
        WatchRequest.objects.filter(
            organization_id=pa.organization_id, participant_assignment=pa, status__in=WatchRequest.LIVE
        )
        .filter(expires_at__gt=now)
        .first()
    )


# Coaching conversations -------------------------------------------------------------------------
# Whoever may work on the trajectory (its werkplekopleider, a coach) plans and records
# conversations; the participant sees the next one on their home page but never manages one.
# token_urlsafe(24) gives 32 characters; anything much longer is not ours and is not hashed.
MAX_FEED_TOKEN_LENGTH = 64
# How far back a calendar feed reaches: recent conversations stay in the calendar once held.
FEED_PAST = timedelta(days=90)


def access_trajectory_for_conversations(person: Person, trajectory_id: int) -> Trajectory:
    """A trajectory for which ``person`` may plan a conversation."""
    qs = trajectories_for(person, OnTrajectory.WORK).select_related("participant__user", "trainer__user")
    return get_in_org(qs, pk=trajectory_id)


def access_conversation(person: Person, conversation_id: int) -> CoachingConversation:
    """A conversation ``person`` may see, plan, record and download as an invitation, with the
    people it names (participant, werkplekopleider, who planned and who recorded it, who joins)
    and its assignment's version loaded.

    The people come in a second query rather than as joins: with all of them joined (17 tables)
    PostgreSQL spent ~10 ms planning the query for one row; four tables plan in well under 1 ms."""
    qs = (
        in_org(person, CoachingConversation)
        .filter(trajectory__in=trajectories_for(person, OnTrajectory.WORK).values("pk"))
        .select_related("trajectory", "participant_assignment__version")
        .prefetch_related(Prefetch("attendees", queryset=Person.objects.select_related("user")))
    )
    conversation = get_in_org(qs, pk=conversation_id)
    _attach_people(conversation)
    return conversation


def _attach_people(conversation: CoachingConversation) -> None:
    """Load the conversation's named people (with their accounts) in one query and put each in its
    relation's cache; one not found (never, as the foreign keys stand) is left to load on access."""
    trajectory = conversation.trajectory
    relations = (
        (trajectory, "participant"),
        (trajectory, "trainer"),
        (conversation, "planned_by"),
        (conversation, "recorded_by"),
    )
    wanted = {getattr(obj, f"{name}_id") for obj, name in relations} - {None}
    people = Person.objects.filter(organization_id=conversation.organization_id, pk__in=wanted)
    found = {p.pk: p for p in people.select_related("user")}
    for obj, name in relations:
        target = found.get(getattr(obj, f"{name}_id"))
        if target is not None:
            setattr(obj, name, target)


def access_question_for_conversation(person: Person, question_id: int) -> ParticipantQuestion:
    """A participant's question (with its voice note) for the staff who hold the conversation."""
    workable = trajectories_for(person, OnTrajectory.WORK).values("pk")
    qs = in_org(person, ParticipantQuestion).filter(trajectory__in=workable)
    return get_in_org(qs, pk=question_id)


def conversation_attendee_choices(person: Person, trajectory: Trajectory) -> QuerySet[Person]:
    """Colleagues who can join a conversation: staff of the organisation, without the two who always do."""
    return (
        in_org(person, Person)
        .filter(holders_of(Ability.JOIN_CONVERSATIONS), user__is_active=True)
        .exclude(pk__in=[trajectory.participant_id, trajectory.trainer_id])
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
    )


def active_calendar_feed(person: Person) -> TrainerCalendarFeed | None:
    return in_org(person, TrainerCalendarFeed).filter(person=person, revoked_at__isnull=True).first()


def calendar_feed_for_token(token: str) -> TrainerCalendarFeed | None:
    """The working feed behind a token, or None.

    Like a login card this lookup is not scoped to an organisation: the calendar app asking has
    no login, the token is the bearer secret. Only its hash is stored and compared. A feed stops
    working with its owner's account or when they no longer plan conversations.
    """
    if not token or len(token) > MAX_FEED_TOKEN_LENGTH:
        return None
    return (
        TrainerCalendarFeed.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True, person__user__is_active=True
        )
        .filter(person__in=Person.objects.filter(holders_of(Ability.WORK_ON_TRAJECTORIES)))
        .select_related("person__user")
        .first()
    )


def calendar_feed_conversations(feed: TrainerCalendarFeed, now: datetime) -> QuerySet[CoachingConversation]:
    """The feed owner's conversations: of trajectories they lead, that they planned, or that they join."""
    person = feed.person
    mine = Q(trajectory__trainer=person) | Q(planned_by=person) | Q(attendees=person)
    ids = in_org(person, CoachingConversation).filter(mine, planned_at__gte=now - FEED_PAST).values("pk")
    return (
        in_org(person, CoachingConversation)
        .filter(pk__in=ids)
        .select_related("trajectory__participant__user", "trajectory__trainer__user", "participant_assignment__version")
        .prefetch_related(Prefetch("attendees", queryset=Person.objects.select_related("user")))
        .order_by("planned_at")
    )


# The sign-off sequence ---------------------------------------------------------------------------
# Acting on an assignment after the look-back (assessment, second assessor, what next, closing)
# is for whoever may work on the trajectory. A project manager or administrator sees the
# trajectory page but acts on nothing; another werkplekopleider of the same organisation gets 403
# rather than 404, since nothing of another organisation is at stake.


def may_act_for(person: Person, trajectory: Trajectory) -> bool:
    return may_on(person, OnTrajectory.WORK, trajectory)


def access_assignment_for_staff(person: Person, pa_id: int) -> ParticipantAssignment:
    """An assignment ``person`` may sign off: 404 outside the organisation, 403 for anyone else."""
    qs = in_org(person, ParticipantAssignment).select_related(
        "trajectory__participant__user", "trajectory__trainer__user", "version__assignment__subskill__skill"
    )
    pa = get_in_org(qs, pk=pa_id)
    if not may_act_for(person, pa.trajectory):
        raise PermissionDenied
    return pa


def access_trajectory_for_staff(person: Person, trajectory_id: int) -> Trajectory:
    """A trajectory ``person`` may close: 404 outside the organisation, 403 for anyone else."""
    qs = in_org(person, Trajectory).select_related("participant__user", "trainer__user")
    trajectory = get_in_org(qs, pk=trajectory_id)
    if not may_act_for(person, trajectory):
        raise PermissionDenied
    return trajectory


def access_chosen_skill_for_staff(person: Person, chosen_skill_id: int) -> TrajectorySkill:
    qs = in_org(person, TrajectorySkill).select_related("trajectory", "skill")
    chosen = get_in_org(qs, pk=chosen_skill_id)
    if not may_act_for(person, chosen.trajectory):
        raise PermissionDenied
    return chosen


def access_assessment_for_second_assessor(person: Person, assessment_id: int) -> Assessment:
    """An assessment on which ``person`` was asked for the second judgement."""
    qs = in_org(person, Assessment).select_related(
        "assessor__user",
        "second_assessor__user",
        "participant_assignment__trajectory__participant__user",
        "participant_assignment__version__assignment__subskill__skill",
    )
    assessment = get_in_org(qs, pk=assessment_id)
    trajectory = assessment.participant_assignment.trajectory
    if assessment.second_assessor_id != person.pk or not may(person, Ability.COACH_TRAJECTORIES):
        raise PermissionDenied
    if not may_on(person, OnTrajectory.WORK, trajectory):
        raise PermissionDenied
    return assessment


def access_assessment_for_staff(person: Person, assessment_id: int) -> Assessment:
    """An assessment whose differing judgements ``person`` may settle (plan the talk, record its
    outcome): 404 outside the organisation, 403 for anyone who may not work on the trajectory."""
    qs = in_org(person, Assessment).select_related(
        "assessor__user",
        "second_assessor__user",
        "talk",
        "participant_assignment__trajectory__participant__user",
        "participant_assignment__trajectory__trainer__user",
        "participant_assignment__version__assignment__subskill__skill",
    )
    assessment = get_in_org(qs, pk=assessment_id)
    if not may_act_for(person, assessment.participant_assignment.trajectory):
        raise PermissionDenied
    return assessment


def assessments_awaiting_my_judgement(person: Person) -> QuerySet[Assessment]:
    """Assessments recorded by the first assessor on which this coach still owes the second judgement."""
    return (
        in_org(person, Assessment)
        .filter(second_assessor=person, second_judgement="")
        .select_related(
            "assessor__user",
            "participant_assignment__trajectory__participant__user",
            "participant_assignment__version",
        )
        .order_by("assessed_at", "id")
    )


def differing_judgements_for_me(person: Person) -> QuerySet[Assessment]:
    """Assessments where this person was an assessor, whose judgements differ and wait for the
    conversation with the participant that settles them."""
    return (
        in_org(person, Assessment)
        .filter(Q(assessor=person) | Q(second_assessor=person))
        .filter(settled_at__isnull=True, participant_assignment__step="assessing")
        .exclude(second_judgement="")
        .exclude(second_judgement=F("judgement"))
        .select_related(
            "talk", "participant_assignment__trajectory__participant__user", "participant_assignment__version"
        )
        .order_by("second_assessed_at", "id")
    )


def second_assessor_requests_for_me(person: Person) -> QuerySet[SecondAssessorRequest]:
    """Coming assessments this coach was asked to join, whose first judgement is not in yet."""
    return (
        in_org(person, SecondAssessorRequest)
        .filter(coach=person, assessment__isnull=True, participant_assignment__step__in=["independent", "assessing"])
        .select_related(
            "requested_by__user",
            "participant_assignment__trajectory__participant__user",
            "participant_assignment__version",
        )
        .order_by("requested_at", "id")
    )


def coaches_of(trajectory: Trajectory) -> QuerySet[Person]:
    """The coaches of the trajectory's organisation, who can be asked as second assessor (never the
    participant themself)."""
    return (
        Person.objects.filter(organization_id=trajectory.organization_id)
        .filter(holders_of(Ability.COACH_TRAJECTORIES), user__is_active=True)
        .exclude(pk=trajectory.participant_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
    )


def chosen_skills_of(trajectory: Trajectory) -> QuerySet[TrajectorySkill]:
    return TrajectorySkill.objects.filter(trajectory=trajectory).select_related("skill").order_by("skill__order")
