"""What a participant does in an assignment: practise, start the work task, look back, ask.

Every function checks the step it may act in, writes in one transaction and leaves the
history to ``wpo.trajectories.workflow``. An answer is activity in the trajectory
(``wpo.trajectories.activity``), recorded in the same transaction.
"""

import random
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.selectors import shuffled_indices
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.packages.services import practice_blocked
from wpo.trajectories.models import (
    LookBackAnswer,
    ParticipantAssignment,
    ParticipantQuestion,
    PracticeAnswer,
    Step,
    Trajectory,
)
from wpo.trajectories.services import activity, move


@dataclass(frozen=True)
class Feedback:
    correct: bool
    text: str
    chosen: Any
    # The practice part had ended when this answer arrived (sent late from a phone that was offline).
    late: bool = False


def sent_key(raw: Any) -> uuid.UUID | None:
    """The idempotency key a form sent (a UUID made when the form was shown), or None."""
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def questions_of(pa: ParticipantAssignment) -> list[dict[str, Any]]:
    return list(pa.version.content.get("questions", []))


def screen_count(pa: ParticipantAssignment) -> int:
    """Goal and story, each question, the summary and the work task."""
    return len(questions_of(pa)) + 3


def shuffled_steps(pa: ParticipantAssignment, number: int) -> list[tuple[int, str]]:
    """The steps of an order question in a fixed shuffled order (never already right), with their true index."""
    steps = list(enumerate(questions_of(pa)[number - 1].get("steps", [])))
    rng = random.Random(f"{pa.pk}-{number}")
    shuffled = steps[:]
    for _attempt in range(10):
        rng.shuffle(shuffled)
        if shuffled != steps:
            break
    return shuffled


def option_order(pa: ParticipantAssignment, number: int) -> list[int]:
    """The options of question ``number`` in the order shown to this participant in this run of the
    practice part: the same on every retry ("Probeer nog een keer"), new when the practice part is
    started again (``practice_runs``), different between participants. Each index is the option's
    place in the content; the participant posts that, never a place on the screen."""
    options = questions_of(pa)[number - 1].get("options") or []
    return shuffled_indices(len(options), f"{pa.pk}-{number}-{pa.practice_runs}")


def _own(pa: ParticipantAssignment, actor: Person) -> None:
    if pa.trajectory.participant_id != actor.pk:
        raise Refused(_("Dit is niet jouw opdracht."))


@transaction.atomic
def practice_start(pa: ParticipantAssignment, *, actor: Person) -> None:
    _own(pa, actor)
    if pa.step == Step.INTRODUCED:
        move(pa, Step.PRACTISING, actor=actor)
    if pa.step == Step.PRACTISING and pa.practice_position == 0:
        # From the goal screen into the questions: a new run, with the options in a new order.
        pa.practice_position = 1
        pa.practice_runs += 1
        pa.save(update_fields=["practice_position", "practice_runs"])


def _evaluate(question: dict[str, Any], raw: Any, steps_shown: list[tuple[int, str]]) -> Feedback:
    if question.get("kind") == "order":
        # raw: for each step as shown, the position (1..n) the participant gave it.
        try:
            positions = [int(p) for p in raw]
        except (TypeError, ValueError) as exc:
            raise Refused(_("Kies bij elke stap een nummer.")) from exc
        if len(positions) != len(steps_shown) or sorted(positions) != list(range(1, len(steps_shown) + 1)):
            raise Refused(_("Geef elke stap een ander nummer, van 1 tot %(n)d.") % {"n": len(steps_shown)})
        order = [index for _pos, (index, _text) in sorted(zip(positions, steps_shown, strict=True))]
        correct = order == list(range(len(steps_shown)))
        text = question["feedback_correct"] if correct else question["feedback_wrong"]
        return Feedback(correct, text, positions)
    options = question.get("options", [])
    try:
        chosen = int(raw)
        if chosen < 0:  # a negative index would pick an option from the end
            raise IndexError(chosen)
        option = options[chosen]
    except (TypeError, ValueError, IndexError) as exc:
        raise Refused(_("Kies eerst een antwoord.")) from exc
    return Feedback(bool(option["correct"]), option["feedback"], chosen)


@transaction.atomic
def practice_answer(
    pa: ParticipantAssignment, number: int, raw: Any, *, actor: Person, key: uuid.UUID | None = None
) -> Feedback:
    """Check one answer, keep it, and give the feedback at once. Another try is always possible.

    With ``key`` (one per answer, made when the form was shown or when a phone queued it offline)
    the answer is written once: a second send answers with the same feedback and writes nothing.
    An answer with a key that arrives after the practice part ended (sent late from a phone that
    was offline) is kept, marked ``late``, and moves nothing; without a key it is refused as before."""
    _own(pa, actor)
    questions = questions_of(pa)
    if not 1 <= number <= len(questions):
        raise Refused(_("Deze vraag bestaat niet."))
    if key is not None:
        earlier = PracticeAnswer.objects.filter(organization_id=pa.organization_id, idempotency_key=key).first()
        if earlier is not None:
            if earlier.participant_assignment_id != pa.pk or earlier.question_index != number - 1:
                raise Refused(_("Dit antwoord is al verstuurd."))
            return _marked(_evaluate(questions[number - 1], earlier.answer, shuffled_steps(pa, number)), earlier)
    if pa.step == Step.INTRODUCED and key is not None:
        # Answered on a phone that was offline, from the screens it kept: the practice part began there.
        practice_start(pa, actor=actor)
    late = pa.step != Step.PRACTISING
    if late and key is None:
        raise Refused(_("Het oefenen van deze opdracht is klaar."))
    feedback = _evaluate(questions[number - 1], raw, shuffled_steps(pa, number))
    try:
        with transaction.atomic():
            answer = PracticeAnswer.objects.create(
                organization_id=pa.organization_id,
                participant_assignment=pa,
                question_index=number - 1,
                answer=feedback.chosen,
                is_correct=feedback.correct,
                idempotency_key=key,
                late=late,
            )
    except IntegrityError:  # the same answer, sent twice at the same moment: the other one wrote it
        return feedback
    activity.record(pa.trajectory_id, answer.answered_at)
    if late:
        return _marked(feedback, answer)
    if pa.practice_position != number:
        pa.practice_position = number
        pa.save(update_fields=["practice_position"])
    return feedback


def _marked(feedback: Feedback, answer: PracticeAnswer) -> Feedback:
    return Feedback(feedback.correct, feedback.text, feedback.chosen, late=answer.late)


@transaction.atomic
def practice_next(pa: ParticipantAssignment, *, actor: Person) -> None:
    _own(pa, actor)
    if pa.step != Step.PRACTISING:
        raise Refused(_("Het oefenen van deze opdracht is klaar."))
    pa.practice_position = min(pa.practice_position + 1, screen_count(pa) - 1)
    pa.save(update_fields=["practice_position"])


@transaction.atomic
def practice_back(pa: ParticipantAssignment, *, actor: Person) -> None:
    _own(pa, actor)
    if pa.step == Step.PRACTISING and pa.practice_position > 0:
        pa.practice_position -= 1
        pa.save(update_fields=["practice_position"])


@transaction.atomic
def work_task_start(pa: ParticipantAssignment, *, actor: Person) -> None:
    """From the last practice screen ("Dit ga je doen") to the work task on the shop floor."""
    _own(pa, actor)
    if pa.step != Step.PRACTISING or pa.practice_position < screen_count(pa) - 1 or practice_blocked(pa):
        raise Refused(_("Maak eerst het oefendeel af."))
    move(pa, Step.WORKING, actor=actor)


@dataclass
class LookBackInput:
    feeling: str
    text: str
    photo: UploadedFile[Any] | None
    voice_note: UploadedFile[Any] | None

    @property
    def empty(self) -> bool:
        return not (self.feeling or self.text.strip() or self.photo or self.voice_note)


@transaction.atomic
def look_back_submit(
    pa: ParticipantAssignment, answers: list[LookBackInput], *, actor: Person, key: uuid.UUID | None = None
) -> bool:
    """Keep the look-back answers and move to 'terugkijken', for the conversation with the trainer.

    With ``key`` (one per sent form) the answers are written once; a second send writes nothing.
    Answers with a key that arrive when the assignment is no longer 'aan de slag' (sent late from a
    phone that was offline) are kept, marked ``late`` for the trainer, and move nothing. Returns
    whether the answers were late."""
    _own(pa, actor)
    sent = LookBackAnswer.objects.filter(organization_id=pa.organization_id, idempotency_key=key)
    if key is not None and sent.exists():
        if not sent.filter(participant_assignment=pa).exists():
            raise Refused(_("Deze antwoorden zijn al verstuurd."))
        return sent.filter(late=True).exists()
    late = pa.step != Step.WORKING
    if late and key is None:
        raise Refused(_("Terugkijken kan als je met de opdracht aan de slag bent."))
    if len(answers) != len(pa.version.content.get("look_back", [])):
        raise Refused(_("Beantwoord alle vragen."))
    for index, answer in enumerate(answers):
        if answer.empty:
            raise Refused(_("Vraag %(n)d heeft nog geen antwoord.") % {"n": index + 1})
        if answer.feeling and answer.feeling not in LookBackAnswer.Feeling.values:
            raise Refused(_("Kies een van de antwoorden."))
    try:
        with transaction.atomic():
            for index, answer in enumerate(answers):
                record = LookBackAnswer(
                    organization_id=pa.organization_id,
                    participant_assignment=pa,
                    question_index=index,
                    feeling=answer.feeling,
                    text=answer.text.strip(),
                    idempotency_key=key,
                    late=late,
                )
                if answer.photo:
                    record.photo.save(answer.photo.name or "foto", answer.photo, save=False)
                if answer.voice_note:
                    record.voice_note.save(answer.voice_note.name or "spraak", answer.voice_note, save=False)
                record.save()
                activity.record(pa.trajectory_id, record.answered_at)
    except IntegrityError:  # the same form, sent twice at the same moment: the other one wrote it
        return late
    if not late:
        move(pa, Step.LOOKING_BACK, actor=actor, note=_("Terugkijkvragen beantwoord."))
    return late


def look_back_questions(pa: ParticipantAssignment) -> list[str]:
    return list(pa.version.content.get("look_back", []))


def look_back_given(pa: ParticipantAssignment) -> dict[int, LookBackAnswer]:
    """This round's look-back answers so far, by question index: given since the assignment went
    (back) to 'aan de slag', not sent late. One query."""
    answers = LookBackAnswer.objects.filter(
        organization_id=pa.organization_id, participant_assignment=pa, late=False, answered_at__gte=pa.step_since
    ).order_by("answered_at", "pk")
    return {a.question_index: a for a in answers}


def look_back_position(pa: ParticipantAssignment, given: dict[int, LookBackAnswer]) -> int:
    """Where the participant is in the look-back (1-based): the first question without an answer,
    so whoever leaves comes back to the question they were at. Kept server-side, like the practice
    part's position, but read from the answers themselves: nothing else to keep in step."""
    total = len(look_back_questions(pa))
    return next((n for n in range(1, total + 1) if n - 1 not in given), max(total, 1))


@dataclass(frozen=True)
class LookBackSaved:
    # The whole look-back is answered and went to the trainer (the step moved to 'terugkijken').
    done: bool
    # The first question still without an answer (1-based), when this was the last screen.
    missing: int | None = None
    late: bool = False


@transaction.atomic
def look_back_answer(
    pa: ParticipantAssignment, number: int, answer: LookBackInput, *, actor: Person, key: uuid.UUID | None = None
) -> LookBackSaved:
    """Keep the answer to look-back question ``number`` (one screen of the look-back).

    Until the look-back is sent the participant may go back and change an answer: the answer of this
    round is updated (a photo or voice note only when a new one comes). The answer to the last
    question sends the look-back, when every question has an answer: the step moves to 'terugkijken'.
    With ``key`` an answer is written once; a second send writes nothing. An answer with a key that
    arrives when the assignment is no longer 'aan de slag' (sent late from a phone that was offline)
    is kept, marked ``late``, and moves nothing; without a key it is refused."""
    _own(pa, actor)
    questions = look_back_questions(pa)
    if not 1 <= number <= len(questions):
        raise Refused(_("Deze vraag bestaat niet."))
    if answer.feeling and answer.feeling not in LookBackAnswer.Feeling.values:
        raise Refused(_("Kies een van de antwoorden."))
    if key is not None:
        earlier = LookBackAnswer.objects.filter(organization_id=pa.organization_id, idempotency_key=key).first()
        if earlier is not None:
            if earlier.participant_assignment_id != pa.pk or earlier.question_index != number - 1:
                raise Refused(_("Dit antwoord is al verstuurd."))
            return LookBackSaved(done=pa.step != Step.WORKING, late=earlier.late)
    late = pa.step != Step.WORKING
    if late and key is None:
        raise Refused(_("Terugkijken kan als je met de opdracht aan de slag bent."))
    given = {} if late else look_back_given(pa)
    record = given.get(number - 1)
    if answer.empty and record is None:
        raise Refused(_("Kies hoe het ging, vertel iets of maak een foto."))
    if record is None:
        record = LookBackAnswer(
            organization_id=pa.organization_id, participant_assignment=pa, question_index=number - 1, late=late
        )
    if not answer.empty:
        record.feeling = answer.feeling
        record.text = answer.text.strip()
    record.idempotency_key = key
    if answer.photo:
        record.photo.save(answer.photo.name or "foto", answer.photo, save=False)
    if answer.voice_note:
        record.voice_note.save(answer.voice_note.name or "spraak", answer.voice_note, save=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # the same answer, sent twice at the same moment: the other one wrote it
        return LookBackSaved(done=late, late=late)
    activity.record(pa.trajectory_id, timezone.now())
    if late or number < len(questions):
        return LookBackSaved(done=False, late=late)
    given[number - 1] = record
    missing = next((n for n in range(1, len(questions) + 1) if n - 1 not in given), None)
    if missing is not None:
        return LookBackSaved(done=False, missing=missing)
    move(pa, Step.LOOKING_BACK, actor=actor, note=_("Terugkijkvragen beantwoord."))
    return LookBackSaved(done=True)


@transaction.atomic
def question_ask(
    trajectory: Trajectory,
    *,
    actor: Person,
    text: str,
    voice_note: UploadedFile[Any] | None,
    key: uuid.UUID | None = None,
) -> ParticipantQuestion:
    """Keep a question for the next conversation; with ``key`` a second send writes nothing."""
    if trajectory.participant_id != actor.pk:
        raise Refused(_("Dit is niet jouw traject."))
    if key is not None:
        earlier = ParticipantQuestion.objects.filter(
            organization_id=trajectory.organization_id, idempotency_key=key
        ).first()
        if earlier is not None:
            if earlier.trajectory_id != trajectory.pk:
                raise Refused(_("Deze vraag is al verstuurd."))
            return earlier
    if not text.strip() and not voice_note:
        raise Refused(_("Schrijf je vraag op, of neem hem op."))
    question = ParticipantQuestion(
        organization_id=trajectory.organization_id, trajectory=trajectory, text=text.strip(), idempotency_key=key
    )
    if voice_note:
        question.voice_note.save(voice_note.name or "spraak", voice_note, save=False)
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:  # sent twice at the same moment: the other one wrote it
        return ParticipantQuestion.objects.get(organization_id=trajectory.organization_id, idempotency_key=key)
    return question
