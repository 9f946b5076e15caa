"""Phase 3 (issue 16): interim evaluations, the chosen skills they change, the end dates they move, and
the phase moves 2 ↔ 3 with their history rows; the pages, who may use them, and the participant's view."""

import io
import wave
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wpo.curriculum.models import Assignment, Skill
from wpo.evaluations import selectors, services
from wpo.evaluations.models import ChosenSkillChange, EndDateChange, InterimEvaluation
from wpo.evaluations.services import PeriodDecision, SkillDecision, SkillsFit
from wpo.lib.refusals import Refused
from wpo.orgs.models import Department, Role
from wpo.privacy.export import person_data
from wpo.reports.access import report_scope
from wpo.reports.exports import to_csv
from wpo.reports.figures import Preset, ReportFilter, compute, preset_period
from wpo.trajectories.models import Phase, PhaseChange, Step, Trajectory, TrajectorySkill
from wpo.trajectories.services.signoff import assessment_record, skill_close
from wpo.trajectories.workflow import give_assignment, move, set_phase

from .conftest import login
from .factories import World, achieve, make_person, make_skill

pytestmark = pytest.mark.django_db


def wav_bytes(seconds: float = 0.2) -> bytes:
    """A real, tiny WAV recording (silence), as a phone's recorder might send."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * int(8000 * seconds))
    return out.getvalue()


def started(world: World) -> Trajectory:
    """The world's trajectory after its start conversation (phase 2)."""
    set_phase(world.trajectory, Phase.LEARN_WORK, actor=world.trainer)
    return world.trajectory


def plan(world: World, *, final: bool = False, days: int = 3, **kwargs: Any) -> InterimEvaluation:
    return services.evaluation_plan(
        trajectory=world.trajectory,
        actor=kwargs.pop("actor", world.trainer),
        planned_at=timezone.now() + timedelta(days=days),
        final=final,
        **kwargs,
    )


def ready_to_swap(world: World) -> tuple[TrajectorySkill, Skill]:
    """The world's assignment stopped, so its chosen skill may be swapped: that skill and a new one."""
    move(world.pa, Step.STOPPED, actor=world.trainer, note="Andere skill past beter.")
    return TrajectorySkill.objects.get(trajectory=world.trajectory), make_skill(world.org)


def phases(trajectory: Trajectory) -> list[tuple[int, int]]:
    return list(PhaseChange.objects.filter(trajectory=trajectory).values_list("from_phase", "to_phase"))


def to_step(world: World, pa: Any, step: Step) -> None:
    road = [Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING]
    first = road.index(Step(pa.step)) + 1 if pa.step in road else 0
    for next_step in road[first : road.index(step) + 1]:
        move(pa, next_step, actor=world.participant if next_step in road[:3] else world.trainer)


# Plan and record -------------------------------------------------------------------------------


def test_plan_invites_and_record_keeps_what_was_said(world: World, django_capture_on_commit_callbacks: Any) -> None:
    started(world)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = plan(world, attendees=[world.coach], location="Kantoor Inpak")
    assert evaluation.attendees.get() == world.coach and evaluation.planned_by == world.trainer
    invited = sorted(m.to[0] for m in mail.outbox)
    assert invited == sorted([world.trainer.user.email, world.coach.user.email, world.participant.user.email])
    ics = mail.outbox[0].attachments[0]
    assert "METHOD:REQUEST" in str(ics) and f"UID:{evaluation.ical_uid}@wpo-platform" in str(ics)

    prefill = selectors.achieved_text(world.trajectory)
    assert world.skill.name in prefill and "Nu bezig" in prefill and world.pa.version.title in prefill
    voice = SimpleUploadedFile("upload.wav", wav_bytes(), content_type="audio/wav")
    services.evaluation_record(
        evaluation=evaluation,
        actor=world.trainer,
        achieved=prefill,
        feeling="bit",
        participant_words="Het overleggen gaat beter, maar ik vind het nog spannend.",
        voice_note=voice,
        agreements="Volgende maand weer samen kijken.",
    )
    evaluation.refresh_from_db()
    assert evaluation.held_at is not None and evaluation.recorded_by == world.trainer
    assert evaluation.feeling == "bit" and evaluation.voice_note.name.startswith("evaluations/voice/")
    assert evaluation.agreed_ends_on == world.trajectory.ends_on
    assert Trajectory.objects.get(pk=world.trajectory.pk).last_activity_at == evaluation.held_at
    with pytest.raises(Refused, match="al vastgelegd"):
        services.evaluation_record(evaluation=evaluation, actor=world.trainer, achieved="x", feeling="good")


def test_plan_refusals(world: World, other_world: World) -> None:
    with pytest.raises(Refused, match="na het startgesprek"):
        plan(world)  # still in phase 1: no start conversation yet
    started(world)
    with pytest.raises(Refused, match="al voorbij"):
        plan(world, days=-1)
    with pytest.raises(Refused, match="binnen een jaar"):
        plan(world, days=400)
    with pytest.raises(Refused, match="hoe lang"):
        plan(world, duration_minutes=7)
    for outsider in (world.project_manager, make_person(world.org, [Role.TRAINER]), other_world.coach):
        with pytest.raises(Refused, match="Alleen de werkplekopleider of een coach"):
            plan(world, actor=outsider)
    for wrong in (other_world.coach, world.participant):
        with pytest.raises(Refused, match="collega's"):
            plan(world, attendees=[wrong])
    plan(world, actor=world.coach)
    with pytest.raises(Refused, match="al een evaluatie gepland"):
        plan(world)
    assert InterimEvaluation.objects.count() == 1


def test_record_needs_a_face_and_what_was_achieved(world: World) -> None:
    started(world)
    evaluation = plan(world)
    with pytest.raises(Refused, match="drie gezichten"):
        services.evaluation_record(evaluation=evaluation, actor=world.trainer, achieved="x", feeling="blij")
    with pytest.raises(Refused, match="bereikt"):
        services.evaluation_record(evaluation=evaluation, actor=world.trainer, achieved=" ", feeling="good")
    with pytest.raises(Refused, match="Alleen de werkplekopleider"):
        services.evaluation_record(evaluation=evaluation, actor=world.project_manager, achieved="x", feeling="good")
    assert InterimEvaluation.objects.get(pk=evaluation.pk).held_at is None


def test_cancel_sends_the_cancellation_and_frees_the_agenda(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    started(world)
    evaluation = plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_cancel(evaluation=evaluation, actor=world.trainer)
    assert not InterimEvaluation.objects.exists()
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Gaat niet door"}
    assert "METHOD:CANCEL" in str(mail.outbox[0].attachments[0]) and "SEQUENCE:1" in str(mail.outbox[0].attachments[0])
    plan(world)  # planning again is possible


# The chosen skills --------------------------------------------------------------------------------


def test_add_swap_and_drop_a_skill_with_reasons_and_history(world: World) -> None:
    started(world)
    second, third = make_skill(world.org), make_skill(world.org)
    services.chosen_skill_add(world.trajectory, second, actor=world.trainer, reason="Wil ook leren overleggen.")
    services.chosen_skill_swap(
        TrajectorySkill.objects.get(trajectory=world.trajectory, skill=second),
        third,
        actor=world.coach,
        reason="Past beter bij het werk.",
    )
    services.chosen_skill_drop(
        TrajectorySkill.objects.get(trajectory=world.trajectory, skill=third), actor=world.trainer, reason="Te veel."
    )
    assert list(TrajectorySkill.objects.filter(trajectory=world.trajectory).values_list("skill", flat=True)) == [
        world.skill.pk
    ]
    history = list(
        ChosenSkillChange.objects.filter(trajectory=world.trajectory).values_list("kind", "dropped", "added")
    )
    assert history == [("added", None, second.pk), ("swapped", second.pk, third.pk), ("dropped", third.pk, None)]
    # The audit trail saw each row come and go.
    kinds = list(
        TrajectorySkill.history.filter(trajectory_id=world.trajectory.pk).values_list("history_type", flat=True)
    )  # type: ignore[attr-defined]
    assert kinds.count("+") == 3 and kinds.count("-") == 2


def test_skill_changes_that_are_refused(world: World, other_world: World) -> None:
    started(world)
    chosen = TrajectorySkill.objects.get(trajectory=world.trajectory)
    extra = make_skill(world.org)
    with pytest.raises(Refused, match="waarom"):
        services.chosen_skill_add(world.trajectory, extra, actor=world.trainer, reason=" ")
    with pytest.raises(Refused, match="al gekozen"):
        services.chosen_skill_add(world.trajectory, world.skill, actor=world.trainer, reason="x")
    with pytest.raises(Refused, match="eigen lijst"):
        services.chosen_skill_add(world.trajectory, other_world.skill, actor=world.trainer, reason="x")
    with pytest.raises(Refused, match="Alleen de werkplekopleider"):
        services.chosen_skill_add(world.trajectory, extra, actor=world.project_manager, reason="x")
    # The open assignment must be stopped first, with its own reason.
    services.chosen_skill_add(world.trajectory, extra, actor=world.trainer, reason="Erbij.")
    with pytest.raises(Refused, match="Stop die opdracht eerst"):
        services.chosen_skill_drop(chosen, actor=world.trainer, reason="Past niet.")
    move(world.pa, Step.STOPPED, actor=world.trainer, note="Past niet meer bij het werk.")
    services.chosen_skill_drop(chosen, actor=world.trainer, reason="Past niet.")
    # The last skill stays; an achieved skill is closed, not dropped.
    only = TrajectorySkill.objects.get(trajectory=world.trajectory)
    with pytest.raises(Refused, match="minstens één skill"):
        services.chosen_skill_drop(only, actor=world.trainer, reason="x")
    pa = give_assignment(
        world.trajectory, Assignment.objects.filter(subskill__skill=extra).first().current_version, actor=world.trainer
    )  # type: ignore[union-attr,arg-type]
    achieve(world, pa)
    services.chosen_skill_add(world.trajectory, make_skill(world.org), actor=world.trainer, reason="Nog een.")
    with pytest.raises(Refused, match="rond hem af"):
        services.chosen_skill_drop(only, actor=world.trainer, reason="x")


# The agreed period ----------------------------------------------------------------------------------


def test_extensions_keep_the_end_dates_history(world: World) -> None:
    started(world)
    first_end = world.trajectory.ends_on
    later = first_end + timedelta(days=30)
    services.end_date_extend(world.trajectory, ends_on=later, reason="Ziek geweest.", actor=world.trainer)
    services.end_date_extend(
        world.trajectory,
        ends_on=later + timedelta(days=30),
        reason="Nog één niveau.",
        actor=world.coach,
        expected=later,
    )
    assert Trajectory.objects.get(pk=world.trajectory.pk).ends_on == later + timedelta(days=30)
    rows = list(EndDateChange.objects.filter(trajectory=world.trajectory).values_list("from_date", "to_date", "actor"))
    assert rows == [(first_end, later, world.trainer.pk), (later, later + timedelta(days=30), world.coach.pk)]
    # The audit trail records the trajectory's new end date as well.
    assert world.trajectory.history.filter(ends_on=later).exists()  # type: ignore[attr-defined]
    change = EndDateChange.objects.first()
    assert change is not None
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        EndDateChange.objects.update(reason="x")


@pytest.mark.parametrize(
    ("days", "reason", "expected_shift", "message"),
    [
        (-5, "x", 0, "na de huidige einddatum"),
        (10, " ", 0, "waarom"),
        (10, "x", 1, "intussen al veranderd"),
        (500, "x", 0, "hoogstens een jaar"),
    ],
)
def test_extension_refusals(world: World, days: int, reason: str, expected_shift: int, message: str) -> None:
    started(world)
    ends_on = world.trajectory.ends_on
    with pytest.raises(Refused, match=message):
        services.end_date_extend(
            world.trajectory,
            ends_on=ends_on + timedelta(days=days),
            reason=reason,
            actor=world.trainer,
            expected=ends_on + timedelta(days=expected_shift),
        )
    assert Trajectory.objects.get(pk=world.trajectory.pk).ends_on == ends_on and not EndDateChange.objects.exists()


def test_an_extension_into_the_past_is_refused(world: World) -> None:
    started(world)
    Trajectory.objects.filter(pk=world.trajectory.pk).update(ends_on=date.today() - timedelta(days=40))
    world.trajectory.refresh_from_db()
    with pytest.raises(Refused, match="in de toekomst"):
        services.end_date_extend(
            world.trajectory, ends_on=date.today() - timedelta(days=1), reason="x", actor=world.trainer
        )


def test_recording_with_a_swap_and_an_extension_is_all_or_nothing(world: World) -> None:
    started(world)
    chosen, new_skill = ready_to_swap(world)
    evaluation = plan(world)
    ends_on = world.trajectory.ends_on
    # The extension is refused (no reason): the swap, made first, is not kept either.
    with pytest.raises(Refused, match="langer duurt"):
        services.evaluation_record(
            evaluation=evaluation,
            actor=world.trainer,
            achieved="Veel geleerd.",
            feeling="good",
            skills=SkillDecision(SkillsFit.SWAP, chosen, new_skill, "Past beter."),
            period=PeriodDecision(extend=True, ends_on=ends_on + timedelta(days=60), reason=""),
        )
    assert TrajectorySkill.objects.filter(trajectory=world.trajectory).get().skill == world.skill
    assert not ChosenSkillChange.objects.exists() and InterimEvaluation.objects.get().held_at is None
    services.evaluation_record(
        evaluation=evaluation,
        actor=world.trainer,
        achieved="Veel geleerd.",
        feeling="good",
        skills=SkillDecision(SkillsFit.SWAP, chosen, new_skill, "Past beter."),
        period=PeriodDecision(
            extend=True, ends_on=ends_on + timedelta(days=60), reason="Nieuwe skill.", seen_ends_on=ends_on
        ),
    )
    evaluation.refresh_from_db()
    assert evaluation.agreed_ends_on == ends_on + timedelta(days=60)
    assert evaluation.skill_changes.get().added == new_skill
    assert evaluation.end_date_changes.get().reason == "Nieuwe skill."


def test_a_skill_of_another_trajectory_cannot_be_dropped_through_an_evaluation(world: World) -> None:
    started(world)
    other = make_person(world.org, [Role.PARTICIPANT], world.department)
    foreign = Trajectory.objects.create(
        organization=world.org,
        participant=other,
        trainer=world.trainer,
        department=world.department,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=90),
    )
    foreign_skill = TrajectorySkill.objects.create(
        organization=world.org, trajectory=foreign, skill=make_skill(world.org)
    )
    evaluation = plan(world)
    with pytest.raises(Refused, match="van dit WPO-traject"):
        services.evaluation_record(
            evaluation=evaluation,
            actor=world.trainer,
            achieved="x",
            feeling="good",
            skills=SkillDecision(SkillsFit.DROP, foreign_skill, None, "x"),
        )
    assert TrajectorySkill.objects.filter(pk=foreign_skill.pk).exists()


# Phase moves --------------------------------------------------------------------------------------


def test_the_last_skill_in_assessment_moves_the_trajectory_to_phase_3(world: World) -> None:
    started(world)
    second = make_skill(world.org)
    services.chosen_skill_add(world.trajectory, second, actor=world.trainer, reason="Ook dit.")
    to_step(world, world.pa, Step.ASSESSING)
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.LEARN_WORK  # the second skill is still learned
    other = give_assignment(
        world.trajectory, Assignment.objects.filter(subskill__skill=second).first().current_version, actor=world.trainer
    )  # type: ignore[union-attr,arg-type]
    to_step(world, other, Step.INDEPENDENT)
    trajectory = Trajectory.objects.get(pk=world.trajectory.pk)
    assert trajectory.phase == Phase.EVALUATION
    last = PhaseChange.objects.filter(trajectory=trajectory).last()
    assert last is not None and (last.from_phase, last.to_phase, last.actor) == (2, 3, world.trainer)
    assert "laatste gekozen skill" in last.note
    # ‘Nog niet’: back to work, and back to phase 2.
    assessment_record(world.pa, assessor=world.trainer, judgement="not_yet", note="Nog een week oefenen.")
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.LEARN_WORK
    assert phases(trajectory) == [(1, 2), (2, 3), (3, 2)]


def test_the_next_level_goes_back_to_phase_2_and_closing_the_skill_comes_back(world: World) -> None:
    started(world)
    achieve(world)
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.EVALUATION
    versions = [a.current_version for a in Assignment.objects.filter(subskill__skill=world.skill).order_by("pk")]
    next_pa = give_assignment(world.trajectory, versions[1], actor=world.trainer)  # type: ignore[arg-type]
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.LEARN_WORK
    move(next_pa, Step.STOPPED, actor=world.trainer, note="Niveau A is het hoogste dat past.")
    skill_close(TrajectorySkill.objects.get(trajectory=world.trajectory), actor=world.trainer, level="A")
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.EVALUATION
    assert phases(world.trajectory) == [(1, 2), (2, 3), (3, 2), (2, 3)]


def test_the_final_evaluation_starts_phase_3_and_cancelling_it_goes_back(world: World) -> None:
    started(world)
    evaluation = plan(world, final=True)
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.EVALUATION
    assert PhaseChange.objects.filter(trajectory=world.trajectory).last().note == "Eindevaluatie gestart."  # type: ignore[union-attr]
    services.evaluation_cancel(evaluation=evaluation, actor=world.trainer)
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.LEARN_WORK
    assert phases(world.trajectory) == [(1, 2), (2, 3), (3, 2)]


def test_adding_a_skill_in_phase_3_goes_back_and_dropping_the_learning_one_goes_on(world: World) -> None:
    started(world)
    plan(world, final=True)
    services.chosen_skill_add(world.trajectory, make_skill(world.org), actor=world.trainer, reason="Toch nog dit.")
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.LEARN_WORK
    added = TrajectorySkill.objects.filter(trajectory=world.trajectory).exclude(skill=world.skill).get()
    to_step(world, world.pa, Step.INDEPENDENT)
    assert (
        Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.LEARN_WORK
    )  # the added one is not in assessment
    services.chosen_skill_drop(added, actor=world.trainer, reason="Toch niet.")
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.EVALUATION
    assert phases(world.trajectory) == [(1, 2), (2, 3), (3, 2), (2, 3)]


def test_a_trajectory_in_phase_1_or_closed_keeps_its_phase(world: World) -> None:
    to_step(world, world.pa, Step.ASSESSING)  # phase 1 (no start conversation recorded): left alone
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.START and phases(world.trajectory) == []


# Pages and permissions ----------------------------------------------------------------------------


def url(name: str, pk: int) -> str:
    arg = "trajectory_id" if name == "plan" else "evaluation_id"
    return reverse(f"evaluations:{name}", kwargs={arg: pk})


def record_data(**extra: str) -> dict[str, Any]:
    return {
        "achieved": "Niveau A van overleggen gehaald.",
        "feeling": "good",
        "participant_words": "Ik durf nu te vragen.",
        "skills_fit": "keep",
        "period": "stands",
        "agreements": "Over zes weken weer.",
        **extra,
    }


def test_trainer_plans_and_records_over_http(client: Client, world: World) -> None:
    started(world)
    login(client, world.trainer)
    page = client.get(url("plan", world.trajectory.pk) + "?eind=1")
    assert page.status_code == 200 and "Eindevaluatie" in page.content.decode()
    when = timezone.localtime() + timedelta(days=5)
    response = client.post(
        url("plan", world.trajectory.pk),
        {"date": when.date().isoformat(), "time": "10:00", "duration_minutes": "45", "attendees": [world.coach.pk]},
    )
    evaluation = InterimEvaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", evaluation.pk)
    form_page = client.get(url("detail", evaluation.pk)).content.decode()
    assert "Evaluatie vastleggen" in form_page and world.pa.version.title in form_page  # pre-filled
    assert "🙂" in form_page and "Het gaat nog niet" in form_page
    ends_on = world.trajectory.ends_on
    new_end = ends_on + timedelta(days=45)
    voice = SimpleUploadedFile("opname.wav", wav_bytes(), content_type="audio/wav")
    response = client.post(
        url("detail", evaluation.pk),
        record_data(
            period="extend",
            new_ends_on=new_end.isoformat(),
            period_reason="Drie weken ziek geweest.",
            seen_ends_on=ends_on.isoformat(),
            voice_note=voice,  # type: ignore[arg-type]
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Trajectory.objects.get(pk=world.trajectory.pk).ends_on == new_end
    trajectory_page = client.get(reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])).content.decode()
    assert "Tussentijdse evaluaties" in trajectory_page and "Drie weken ziek geweest." in trajectory_page
    heard = client.get(url("voice", evaluation.pk))
    assert heard.status_code == 200 and heard["Content-Type"] == "audio/wav"


def test_bad_input_is_shown_beside_the_form_and_loses_nothing(client: Client, world: World) -> None:
    started(world)
    evaluation = plan(world)
    login(client, world.trainer)
    bad_voice = SimpleUploadedFile("opname.webm", b"not audio at all", content_type="audio/webm")
    response = client.post(url("detail", evaluation.pk), record_data(voice_note=bad_voice))  # type: ignore[arg-type]
    assert response.status_code == 400 and "Dit is geen geluidsopname" in response.content.decode()
    response = client.post(
        url("detail", evaluation.pk), record_data(period="extend", new_ends_on="2001-01-01", period_reason="Ziek.")
    )
    html = response.content.decode()
    assert response.status_code == 400 and "na de huidige einddatum" in html and "Ik durf nu te vragen." in html
    assert InterimEvaluation.objects.get().held_at is None


def test_who_may_do_what(client: Client, world: World, other_world: World) -> None:
    started(world)
    evaluation = plan(world)
    services.evaluation_record(evaluation=evaluation, actor=world.trainer, achieved="x", feeling="good")
    planned = plan(world)
    # The project manager reads, and records nothing.
    login(client, world.project_manager)
    assert client.get(url("detail", evaluation.pk)).status_code == 200
    assert client.post(url("detail", planned.pk), record_data()).status_code == 403
    assert client.get(url("plan", world.trajectory.pk)).status_code == 403
    assert client.get(url("voice", evaluation.pk)).status_code == 403
    # The administrator reads none; a werkplekopleider of someone else gets 404; another organisation 404.
    for person, status in (
        (world.administrator, 404),
        (make_person(world.org, [Role.TRAINER]), 404),
        (other_world.coach, 404),
    ):
        client.logout()
        login(client, person)
        assert client.get(url("detail", evaluation.pk)).status_code == status, person
    client.logout()
    login(client, other_world.trainer)
    assert client.post(url("cancel", planned.pk)).status_code == 404
    assert client.get(url("plan", world.trajectory.pk)).status_code == 404
    # Changing data never on GET.
    client.logout()
    login(client, world.trainer)
    assert client.get(url("cancel", planned.pk)).status_code == 405
    assert InterimEvaluation.objects.filter(pk=planned.pk).exists()
    # The participant: not the staff page.
    client.logout()
    login(client, world.participant)
    assert client.get(url("detail", evaluation.pk)).status_code == 403


def test_the_participant_reads_their_own_evaluation_in_simple_words(client: Client, world: World) -> None:
    started(world)
    evaluation = plan(world)
    services.evaluation_record(
        evaluation=evaluation,
        actor=world.trainer,
        achieved="Niveau A gehaald.",
        feeling="good",
        participant_words="Ik vraag nu zelf om hulp.",
        agreements="We oefenen nu met niveau B.",
        period=PeriodDecision(
            extend=True, ends_on=world.trajectory.ends_on + timedelta(days=30), reason="Meer tijd voor niveau B."
        ),
    )
    plan(world, days=40)
    login(client, world.participant)
    home = client.get(reverse("learn:home")).content.decode()
    assert "Samen terugkijken op je traject" in home and "Ik vraag nu zelf om hulp." in home
    assert "We oefenen nu met niveau B." in home and "Je traject duurt langer" in home and "Volgende keer" in home
    assert "<form" not in home.split("Samen terugkijken")[1].split("</section>")[0]  # read-only
    # Another participant sees none of it.
    client.logout()
    other = make_person(world.org, [Role.PARTICIPANT], world.department)
    Trajectory.objects.create(
        organization=world.org,
        participant=other,
        trainer=world.trainer,
        department=world.department,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=90),
        phase=Phase.LEARN_WORK,
    )
    login(client, other)
    assert "Ik vraag nu zelf om hulp." not in client.get(reverse("learn:home")).content.decode()
    assert client.get(url("voice", evaluation.pk)).status_code == 404


def test_the_participant_home_shows_what_each_held_evaluation_changed(client: Client, world: World) -> None:
    """The skill swap and the new end date belong to their own evaluation, not to its neighbour."""
    started(world)
    chosen, new_skill = ready_to_swap(world)
    first = plan(world, days=1)
    ends_on = world.trajectory.ends_on
    services.evaluation_record(
        evaluation=first,
        actor=world.trainer,
        achieved="Veel geleerd.",
        feeling="good",
        skills=SkillDecision(SkillsFit.SWAP, chosen, new_skill, "Past beter."),
    )
    second = plan(world, days=2)
    services.evaluation_record(
        evaluation=second,
        actor=world.trainer,
        achieved="Bijna klaar.",
        feeling="bit",
        period=PeriodDecision(extend=True, ends_on=ends_on + timedelta(days=45), reason="Meer oefenen."),
    )
    login(client, world.participant)
    home = client.get(reverse("learn:home")).content.decode()
    panel = home.split("Samen terugkijken op je traject")[1].split("</section>")[0]
    cards = panel.split('<div class="card">')[1:]
    assert len(cards) == 2
    # Newest first: the second evaluation carries the extension only, the first the swap only.
    assert "Je traject duurt langer" in cards[0] and "Je ruilt" not in cards[0]
    assert f"Je ruilt {world.skill.name} voor {new_skill.name}." in cards[1] and "duurt langer" not in cards[1]


def test_the_participant_home_runs_the_same_queries_with_one_and_many_held_evaluations(
    client: Client, world: World
) -> None:
    started(world)

    def hold(n: int) -> None:
        for i in range(n):
            evaluation = plan(world, days=1 + i)
            services.evaluation_record(evaluation=evaluation, actor=world.trainer, achieved="x", feeling="good")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("learn:home")).status_code == 200
        return len(ctx.captured_queries)

    login(client, world.participant)
    client.get(reverse("learn:home"))
    none = queries()
    hold(1)
    one = queries()
    hold(5)
    assert queries() == one == none + 1  # what the held ones changed: one more query, however many


def test_the_trajectory_page_runs_the_same_queries_with_few_and_many_evaluations(client: Client, world: World) -> None:
    started(world)
    login(client, world.coach)
    page = reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])

    def add(n: int) -> None:
        for _ in range(n):
            evaluation = plan(world)
            services.evaluation_record(
                evaluation=evaluation,
                actor=world.trainer,
                achieved="x",
                feeling="good",
                period=PeriodDecision(True, world.trajectory.ends_on + timedelta(days=1), "Iets langer."),
            )
            world.trajectory.refresh_from_db()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page).status_code == 200
        return len(ctx.captured_queries)

    add(1)
    few = count()
    add(5)
    assert count() == few


# The report and the AVG export ---------------------------------------------------------------------


def test_the_report_counts_evaluations_held_and_extensions(world: World, other_world: World) -> None:
    for w in (world, other_world):
        started(w)
        evaluation = plan(w)
        services.evaluation_record(
            evaluation=evaluation,
            actor=w.trainer,
            achieved="x",
            feeling="good",
            period=PeriodDecision(True, w.trajectory.ends_on + timedelta(days=20), "Ziek."),
        )
    final = plan(world, final=True)
    services.evaluation_record(evaluation=final, actor=world.trainer, achieved="x", feeling="bit")
    world.trajectory.refresh_from_db()
    services.end_date_extend(
        world.trajectory, ends_on=world.trajectory.ends_on + timedelta(days=5), reason="x", actor=world.coach
    )
    scope = report_scope(world.project_manager)
    today = timezone.localdate()
    report = compute(scope, ReportFilter(preset_period(Preset.THIS_YEAR, today)))
    counts = report.evaluations
    assert (counts.held, counts.final_held, counts.trajectories_evaluated) == (2, 1, 1)
    assert (counts.extensions, counts.trajectories_extended) == (2, 1)
    empty = Department.objects.create(organization=world.org, name="Leeg")
    assert compute(scope, ReportFilter(preset_period(Preset.THIS_YEAR, today), department=empty)).evaluations.held == 0
    csv = to_csv(report).decode("utf-8-sig")
    assert "Samenvatting;Tussentijdse evaluaties gehouden;Aantal evaluaties;2" in csv
    assert "Samenvatting;Verlengingen;Aantal verlengingen;2" in csv
    assert "Evaluaties en verlengingen;waarvan eindevaluaties;Aantal;1" in csv


def test_the_avg_export_holds_the_evaluations_and_anonymisation_blanks_them(world: World) -> None:
    started(world)
    evaluation = plan(world)
    services.evaluation_record(
        evaluation=evaluation,
        actor=world.trainer,
        achieved="Hij vraagt om hulp.",
        feeling="good",
        participant_words="Ik ben trots.",
        voice_note=SimpleUploadedFile("a.wav", wav_bytes(), content_type="audio/wav"),
        period=PeriodDecision(True, world.trajectory.ends_on + timedelta(days=9), "Vakantie van Jan."),
    )
    data = person_data(world.participant)
    [t] = data["trajectories"]
    assert t["interim_evaluations"][0]["participant_words"] == "Ik ben trots."
    assert t["interim_evaluations"][0]["voice_note"].startswith("bestanden/evaluatie-spraak-")
    assert t["end_date_changes"][0]["reason"] == "Vakantie van Jan."
    assert any(
        a["reference"] == "evaluations.InterimEvaluation.recorded_by" for a in person_data(world.trainer)["actions"]
    )

    from wpo.privacy.services import person_anonymise
    from wpo.trajectories.services.signoff import trajectory_stop

    trajectory_stop(world.trajectory, actor=world.trainer, reason="Verhuisd.")
    person_anonymise(person=world.participant, actor=world.administrator)
    evaluation.refresh_from_db()
    assert (evaluation.achieved, evaluation.participant_words, evaluation.voice_note.name) == ("", "", "")
    assert EndDateChange.objects.get().reason == ""


@override_settings(DEBUG=True)
def test_the_demo_has_interim_evaluations_an_extension_and_phase_3() -> None:
    from wpo.coaching import early_signals
    from wpo.orgs.models import Organization, Person

    call_command("load_curriculum", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    org = Organization.objects.get(slug="demo-werkbedrijf")
    sanne = Trajectory.objects.get(organization=org, participant__user__username="deelnemer", status="active")
    [extension] = EndDateChange.objects.filter(trajectory=sanne)
    assert extension.evaluation is not None and extension.evaluation.feeling == "good"
    assert sanne.ends_on == extension.to_date > extension.from_date
    assert InterimEvaluation.objects.filter(organization=org, held_at__isnull=True, is_final=True).exists()
    running = Trajectory.objects.filter(organization=org, status="active")
    assert running.filter(phase=Phase.EVALUATION).count() >= 2
    for trajectory in running:
        last = PhaseChange.objects.filter(trajectory=trajectory).last()
        assert last is None or last.to_phase == trajectory.phase, trajectory
    coach = Person.objects.get(user__username="coach")
    assert dict(early_signals.summary_for(coach).counts)[early_signals.NO_INTERIM_EVALUATION] == 1
