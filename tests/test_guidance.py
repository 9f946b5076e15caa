"""Help where it is needed: complete, short and readable content, the ‘Wat doe je nu?’ boxes on the
trajectory page, the trainer's list and the participant's home, and the help pages per role."""

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from wpo.curriculum.content_format import reading_ease
from wpo.guidance import content
from wpo.guidance.content import (
    COACH,
    GUIDES,
    MAX_LINE,
    MAX_PARTICIPANT_LINE,
    PARTICIPANT,
    PROJECT_MANAGER,
    TRAINER,
    Guide,
    Topic,
)
from wpo.orgs.models import Role
from wpo.trajectories import access as trajectory_access
from wpo.trajectories.models import Phase, Step, Trajectory
from wpo.trajectories.workflow import move

from .conftest import login
from .factories import World, make_person

MIN_EASE_PARTICIPANT = 80.0
MIN_EASE_STAFF = 60.0
STAFF_GUIDES = [g for g in GUIDES if g is not PARTICIPANT]


def as_sentences(lines: tuple[object, ...]) -> str:
    """The lines as one text; a bullet without a full stop still counts as one sentence."""
    texts = (str(line).strip() for line in lines)
    return " ".join(s if s.endswith((".", "?", "!", "”")) else f"{s}." for s in texts if s)


def problems(guide: Guide) -> list[str]:
    """What is wrong with a guide's text: empty, too long, or too hard to read."""
    found = []
    limit = MAX_PARTICIPANT_LINE if guide.role == Role.PARTICIPANT else MAX_LINE
    least = MIN_EASE_PARTICIPANT if guide.role == Role.PARTICIPANT else MIN_EASE_STAFF
    for topic in guide.topics:
        if not topic.do:
            found.append(f"{topic.anchor}: nothing to do")
        for line in topic.lines():
            if not str(line).strip():
                found.append(f"{topic.anchor}: empty line")
            elif len(str(line)) > limit:
                found.append(f"{topic.anchor}: {len(str(line))} characters: {line}")
        ease = reading_ease(as_sentences(topic.lines()))
        if ease < least:
            found.append(f"{topic.anchor}: Flesch-Douma {ease:.0f} < {least:.0f}")
    for line in (guide.name, guide.title, guide.question, guide.about, guide.intro):
        if not str(line).strip() or len(str(line)) > limit:
            found.append(f"{guide.slug}: {line!r}")
    return found


# -- content ---------------------------------------------------------------------------------


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.slug)
def test_every_text_is_there_short_and_easy_to_read(guide: Guide) -> None:
    assert problems(guide) == []


def test_the_check_finds_long_empty_and_hard_text() -> None:
    hard = "De werkplekopleider bespreekt de aan-de-slag-opdracht tijdens het begeleidingsgesprek uitvoerig."
    bad = Guide(
        role=Role.PARTICIPANT,
        slug="x",
        name="Hulp voor x",
        title="Hulp",
        question="Wat doe je nu?",
        about="Kort.",
        intro="Kort.",
        sections=(
            content.Section(
                "S",
                (
                    Topic(anchor="a", title="A", do=("Kort.", "", "Dit is te lang. " * 7)),
                    Topic(anchor="b", title="B", do=(hard,)),
                ),
            ),
        ),
    )
    found = problems(bad)
    assert any("empty" in p for p in found)
    assert any("characters" in p for p in found)
    assert any("Flesch-Douma" in p for p in found)


@pytest.mark.parametrize("step", list(Step), ids=str)
def test_every_step_has_help_for_trainer_and_participant(step: Step) -> None:
    trainer = TRAINER.for_step(step)
    assert trainer is not None and trainer.anchor == content.STEP_ANCHORS[step]
    assert 3 <= len(trainer.do) <= 6, "three to six short points"
    assert trainer.say and trainer.look_for and trainer.pitfalls, "what you say and what you watch for"
    participant = PARTICIPANT.for_step(step)
    assert participant is not None and participant.anchor == trainer.anchor
    assert 1 <= len(participant.do) <= 2, "one or two very simple sentences"


@pytest.mark.parametrize("phase", list(Phase), ids=str)
def test_every_phase_has_help_for_the_coach(phase: Phase) -> None:
    topic = COACH.for_phase(phase)
    assert topic is not None and topic.anchor == content.PHASE_ANCHORS[phase]
    assert 3 <= len(topic.do) <= 6 and 2 <= len(topic.look_for) <= 6
    assert topic.meetings and topic.pitfalls
    assert str(phase.label) in str(topic.title), "the phase is called what the trajectory page calls it"


def test_the_coach_meets_at_the_start_every_quarter_and_at_the_close() -> None:
    meetings = {phase: " ".join(map(str, COACH.for_phase(phase).meetings)) for phase in Phase}  # type: ignore[union-attr]
    assert "Startbijeenkomst" in meetings[Phase.START]
    assert "Intervisie" in meetings[Phase.LEARN_WORK] and "kwartaal" in meetings[Phase.LEARN_WORK]
    assert "viering" in meetings[Phase.CLOSING]


def test_the_trainer_and_the_manager_have_their_themes() -> None:
    for anchor in ("startgesprek", "elke-dag", "observeren", "werk-aanpassen", "tweede-beoordelaar"):
        assert TRAINER.for_anchor(anchor) is not None, anchor
    start = TRAINER.for_anchor("startgesprek")
    assert start is not None and any("skill-keuzekaart" in str(line) for line in start.do)
    for anchor in ("inbedden", "rapporteren", "escalaties"):
        assert PROJECT_MANAGER.for_anchor(anchor) is not None, anchor


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.slug)
def test_anchors_are_unique_slugs(guide: Guide) -> None:
    anchors = [t.anchor for t in guide.topics]
    assert len(anchors) == len(set(anchors))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", a) for a in anchors)


def test_roles_are_found_by_code_and_by_dutch_name() -> None:
    assert content.guide_for("trainer") is content.guide_for("werkplekopleider") is TRAINER
    assert content.guide_for(Role.PARTICIPANT) is content.guide_for("deelnemer") is PARTICIPANT
    assert content.guide_for("projectmanager") is PROJECT_MANAGER
    assert content.guide_for("beheerder") is None


# -- the box ---------------------------------------------------------------------------------


def render(source: str, **context: object) -> str:
    return Template("{% load guidance %}" + source).render(Context(context))


@pytest.mark.django_db
def test_the_tag_takes_a_step_a_phase_an_assignment_or_a_theme(world: World) -> None:
    working = render('{% guidance_for "trainer" step %}', step=Step.WORKING)
    assert "<details" in working and "<summary>" in working
    assert 'href="/hulp/werkplekopleider/#stap-aan-de-slag"' in working
    assert "Observatie" in working and "Meer hulp bij deze stap" in working
    assert "/hulp/werkplekopleider/#stap-aan-de-slag" in render('{% guidance_for "werkplekopleider" "working" %}')
    assert "/hulp/coach/#fase-evaluatie" in render('{% guidance_for "coach" 3 %}')
    assert "/hulp/coach/#fase-evaluatie" in render('{% guidance_for "coach" "3" %}')
    assert "/hulp/coach/#fase-start" in render('{% guidance_for "coach" t %}', t=world.trajectory)
    assert "/hulp/werkplekopleider/#stap-klaargezet" in render('{% guidance_for "trainer" pa %}', pa=world.pa)
    assert "/hulp/projectmanager/#rapporteren" in render('{% guidance_for "project_manager" "rapporteren" %}')
    assert " open>" in render('{% guidance_for "coach" 1 open=True %}')
    assert " open>" not in render('{% guidance_for "coach" 1 %}')


@pytest.mark.django_db
def test_the_tag_renders_nothing_for_what_it_does_not_know(world: World) -> None:
    assert render('{% guidance_for "beheerder" 1 %}').strip() == ""
    assert render('{% guidance_for "trainer" "bestaat-niet" %}').strip() == ""
    assert render('{% guidance_for "coach" 9 %}').strip() == ""
    assert render('{% guidance_for "trainer" nothing %}').strip() == ""


@pytest.mark.django_db
def test_the_participants_box_is_simple_and_can_be_read_aloud(world: World) -> None:
    html = render('{% guidance_for "participant" pa %}', pa=world.pa)
    assert "Tik op Begin." in html
    assert f'id="hulp-deelnemer-stap-klaargezet-{world.pa.pk}"' in html
    assert f'data-read-aloud="#hulp-deelnemer-stap-klaargezet-{world.pa.pk}"' in html
    assert "Zo kun je het zeggen" not in html, "no staff text for the participant"


@pytest.mark.django_db
def test_the_trainer_sees_help_for_the_current_step(client: Client, world: World) -> None:
    login(client, world.trainer)
    url = f"/opleider/trajecten/{world.trajectory.pk}/"
    body = client.get(url).content.decode()
    assert 'class="guidance' in body and "Wat doe je nu?" in body
    assert "/hulp/werkplekopleider/#stap-klaargezet" in body
    assert "/hulp/coach/" not in body, "the coach's box is for coaches"
    move(world.pa, Step.PRACTISING, actor=world.trainer)
    move(world.pa, Step.WORKING, actor=world.trainer)
    body = client.get(url).content.decode()
    assert "/hulp/werkplekopleider/#stap-aan-de-slag" in body and "#stap-klaargezet" not in body


@pytest.mark.django_db
def test_the_coach_sees_the_phase_and_what_the_trainer_does(client: Client, world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(phase=Phase.LEARN_WORK)
    login(client, world.coach)
    body = client.get(f"/opleider/trajecten/{world.trajectory.pk}/").content.decode()
    assert "Wat doe je nu als coach?" in body and "/hulp/coach/#fase-leren-en-werken" in body
    assert "Wat doet de werkplekopleider nu?" in body and "/hulp/werkplekopleider/#stap-klaargezet" in body
    assert body.index("/hulp/coach/") < body.index("/hulp/werkplekopleider/")


@pytest.mark.django_db
def test_a_closed_trajectory_shows_the_closing_and_no_step(client: Client, world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        status=Trajectory.Status.CLOSED, phase=Phase.CLOSING, closed_at=timezone.now()
    )
    login(client, world.coach)
    body = client.get(f"/opleider/trajecten/{world.trajectory.pk}/").content.decode()
    assert "/hulp/coach/#fase-afsluiting" in body and "/hulp/werkplekopleider/#" not in body


@pytest.mark.django_db
def test_the_project_manager_reads_what_the_trainer_does(client: Client, world: World) -> None:
    login(client, world.project_manager)
    body = client.get(f"/opleider/trajecten/{world.trajectory.pk}/").content.decode()
    assert "Wat doet de werkplekopleider nu?" in body and "/hulp/coach/" not in body


@pytest.mark.django_db
def test_the_trajectory_box_runs_no_query(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    trajectory = trajectory_access.access_trajectory(world.coach, world.trajectory.pk)
    coach = make_person(world.org, [Role.COACH])
    with django_assert_num_queries(0):
        html = render("{% trajectory_guidance trajectory %}", trajectory=trajectory, current_person=coach)
    assert "#fase-start" in html and "#stap-klaargezet" in html


@pytest.mark.django_db
def test_the_trainers_list_has_a_short_general_box(client: Client, world: World) -> None:
    login(client, world.trainer)
    body = client.get("/opleider/").content.decode()
    assert "Elke dag op de werkvloer" in body and "/hulp/werkplekopleider/#elke-dag" in body


@pytest.mark.django_db
def test_the_participant_home_has_help_for_the_step_in_simple_words(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.get("/deelnemer/").content.decode()
    assert "Tik op Begin." in body and "/hulp/deelnemer/#stap-klaargezet" in body
    move(world.pa, Step.PRACTISING, actor=world.participant)
    body = client.get("/deelnemer/").content.decode()
    assert "Kijk het filmpje." in body and "/hulp/deelnemer/#stap-oefenen" in body


# -- the help pages --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.slug)
def test_every_role_reads_every_help_page(client: Client, world: World, role: Role, guide: Guide) -> None:
    login(client, world.by_role(role))
    response = client.get(guide.url())
    assert response.status_code == 200
    body = response.content.decode()
    for topic in guide.topics:
        assert f'id="{topic.anchor}"' in body
        assert str(topic.do[0]).replace("‘", "&lsquo;") in body or str(topic.do[0]) in body


@pytest.mark.django_db
def test_help_needs_a_login(client: Client) -> None:
    for url in ("/hulp/", "/hulp/werkplekopleider/", "/hulp/deelnemer/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.django_db
def test_the_index_puts_the_readers_own_roles_first(client: Client, world: World) -> None:
    login(client, world.coach)
    body = client.get("/hulp/").content.decode()
    links = re.findall(r'<h2><a href="(/hulp/[a-z]+/)">', body)
    assert links[0] == "/hulp/coach/" and set(links) == {g.url() for g in GUIDES}
    assert body.count("Jouw rol") == 1

    both = make_person(world.org, [Role.TRAINER, Role.PROJECT_MANAGER])
    client.logout()
    login(client, both)
    links = re.findall(r'<h2><a href="(/hulp/[a-z-]+/)">', client.get("/hulp/").content.decode())
    assert links[:2] == ["/hulp/werkplekopleider/", "/hulp/projectmanager/"]


@pytest.mark.django_db
def test_a_participant_gets_their_own_simple_help_at_once(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.get("/hulp/").content.decode()
    assert 'id="stap-aan-de-slag"' in body and "Tik op Begin." in body
    assert "Zo kun je het zeggen" not in body
    assert body.count("Hier ben je nu") == 1, "the step the participant is at now"
    assert "Hulp voor de werkplekopleider" in body, "the other help is one tap away"


@pytest.mark.django_db
def test_the_trainers_page_has_what_to_say_and_what_to_watch(client: Client, world: World) -> None:
    login(client, world.trainer)
    body = client.get("/hulp/werkplekopleider/").content.decode()
    assert body.count("Zo kun je het zeggen") == len(TRAINER.topics)
    assert "Waar let je op?" in body and "Let op" in body
    assert 'href="#stap-beoordelen"' in body, "a table of contents with anchors"
    assert "Hulp voor de deelnemer" in body and "Hulp voor de coach" in body


@pytest.mark.django_db
def test_the_coachs_page_has_meetings_and_what_to_look_at(client: Client, world: World) -> None:
    login(client, world.coach)
    body = client.get("/hulp/coach/").content.decode()
    assert body.count("Waar kijk je naar?") == body.count("Bijeenkomst<") == len(Phase)
    assert "Fase 2: Leer/werkperiode" in body
