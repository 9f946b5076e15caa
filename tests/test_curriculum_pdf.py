"""Printable PDFs of the curriculum: one assignment, and the skill choice card."""

import io
import unicodedata

import pytest
from django.conf import settings
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from wpo.curriculum import pdf
from wpo.curriculum.models import Assignment
from wpo.curriculum.wording import fill_content
from wpo.lib.pdf import url_fetcher

from .conftest import login
from .factories import World
from .test_curriculum_content import SKILL_NAMES


def read_pdf(content: bytes) -> list[str]:
    """The text of each page, with white space (line ends) folded to single spaces."""
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in reader.pages]


@pytest.fixture
def curriculum(db: None) -> None:
    call_command("load_curriculum", verbosity=0)


def national_assignment(skill: str, subskill: int, level: str) -> Assignment:
    return Assignment.objects.select_related("current_version").get(
        subskill__skill__organization__isnull=True,
        subskill__skill__code=skill,
        subskill__number=subskill,
        level=level,
    )


def test_an_assignment_prints_with_participant_part_answers_and_trainer_part(
    client: Client, world: World, curriculum: None
) -> None:
    assignment = national_assignment("overleggen", 1, "A")
    # Paper knows no name: the text as printed says "je werkplekopleider" ("mijn …" in the options).
    content = fill_content(assignment.current_version.content)  # type: ignore[union-attr]
    login(client, world.trainer)
    response = client.get(reverse("curriculum:assignment_pdf", args=[assignment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="wpo-overleggen-1-A.pdf"'
    pages = read_pdf(response.content)
    assert len(pages) >= 2
    text = " ".join(pages)
    assert content["title"] in text
    assert "Overleggen" in text and "Hulp of informatie vragen" in text and "Niveau A" in text
    for question in content["questions"]:
        assert question["prompt"] in text
    assert content["work_task"]["what"] in text and content["look_back"][0] in text
    # The feedback per option is on the answers pages, after all questions, before the trainer part.
    answers = next(i for i, page in enumerate(pages) if "Antwoorden en uitleg" in page)
    last_question = max(i for i, page in enumerate(pages[:answers]) if content["questions"][-1]["prompt"] in page)
    assert last_question < answers
    feedback = content["questions"][0]["options"][0]["feedback"]
    assert feedback in " ".join(pages[answers:]) and feedback not in " ".join(pages[:answers])
    # The trainer part starts on a page of its own.
    trainer = " ".join(pages[answers + 1 :])
    assert "Voor de werkplekopleider" in trainer
    assert content["trainer"]["introduction"].split(".")[0] in trainer
    assert content["trainer"]["observe"][0] in trainer
    for example in content["trainer"]["feedback_examples"]:
        assert example in trainer
    assert content["trainer"]["observe"][0] not in " ".join(pages[: answers + 1])
    # When it counts as achieved: in the trainer part only.
    assert "Wanneer is de opdracht gehaald?" in trainer and content["trainer"]["criterion"] in trainer
    assert content["trainer"]["criterion"] not in " ".join(pages[: answers + 1])
    assert "{werkplekopleider}" not in text and "Je werkplekopleider legt iets uit." in text
    assert "Ik vraag mijn werkplekopleider waar ze liggen." in text and "Ik loop naar mijn werkplekopleider." in text


def test_an_organisations_own_assignment_prints_even_with_little_content(client: Client, world: World) -> None:
    assignment = Assignment.objects.filter(subskill__skill=world.skill).first()
    assert assignment is not None
    login(client, world.coach)
    response = client.get(reverse("curriculum:assignment_pdf", args=[assignment.pk]))
    assert response.status_code == 200
    assert "Opdracht 1-A" in " ".join(read_pdf(response.content))


def test_the_choice_card_lists_every_visible_skill_with_its_statements(
    client: Client, world: World, other_world: World, curriculum: None
) -> None:
    world.skill.name = "Eigen skill van Noord"
    world.skill.choice_card_hard = ["Ik vind het moeilijk om de pers te bedienen."]
    world.skill.save()
    other_world.skill.name = "Eigen skill van Zuid"
    other_world.skill.save()
    login(client, world.administrator)
    response = client.get(reverse("curriculum:choice_card_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="wpo-skill-keuzekaart.pdf"'
    text = " ".join(read_pdf(response.content))
    for name in SKILL_NAMES:
        assert name in text
    assert "Ik vind het moeilijk om hulp te vragen." in text
    assert "Ik wil beter worden in meepraten met mijn team." in text
    assert "Eigen skill van Noord" in text and "Ik vind het moeilijk om de pers te bedienen." in text
    assert "Eigen skill van Zuid" not in text
    assert "Naam" in text and "Datum" in text


def test_participants_may_not_print(client: Client, world: World) -> None:
    assignment = Assignment.objects.filter(subskill__skill=world.skill).first()
    assert assignment is not None
    login(client, world.participant)
    assert client.get(reverse("curriculum:assignment_pdf", args=[assignment.pk])).status_code == 403
    assert client.get(reverse("curriculum:choice_card_pdf")).status_code == 403


def test_printing_needs_a_login(client: Client, world: World) -> None:
    response = client.get(reverse("curriculum:choice_card_pdf"))
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_another_organisations_own_assignment_is_not_found(client: Client, world: World, other_world: World) -> None:
    theirs = Assignment.objects.filter(subskill__skill=other_world.skill).first()
    assert theirs is not None
    login(client, world.trainer)
    assert client.get(reverse("curriculum:assignment_pdf", args=[theirs.pk])).status_code == 404


def test_links_to_the_pdfs(client: Client, world: World) -> None:
    assignment = Assignment.objects.filter(subskill__skill=world.skill).first()
    assert assignment is not None
    login(client, world.trainer)
    detail = client.get(reverse("curriculum:assignment_detail", args=[assignment.pk])).content.decode()
    assert reverse("curriculum:assignment_pdf", args=[assignment.pk]) in detail and "Afdrukken (PDF)" in detail
    catalogue = client.get(reverse("curriculum:catalogue")).content.decode()
    assert reverse("curriculum:choice_card_pdf") in catalogue and "Skill-keuzekaart afdrukken (PDF)" in catalogue


def test_order_steps_are_shuffled_the_same_way_every_time_and_never_in_order() -> None:
    steps = ["Eerst", "Dan", "Daarna", "Tot slot"]
    shuffled = pdf.shuffled_steps(steps, "overleggen/1-A/3")
    assert shuffled == pdf.shuffled_steps(steps, "overleggen/1-A/3")
    assert sorted(s["position"] for s in shuffled) == [1, 2, 3, 4]
    assert all(steps[s["position"] - 1] == s["text"] for s in shuffled)
    for seed in range(50):
        assert [s["text"] for s in pdf.shuffled_steps(steps, str(seed))] != steps


def test_only_known_illustrations_are_read_from_the_content_directory() -> None:
    assert pdf.illustration_uri("gesprek").startswith("data:image/svg+xml;base64,")
    assert pdf.illustration_uri("../pictograms/overleggen") == ""
    assert pdf.illustration_uri(None) == ""


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1:9/x.svg", "https://example.org/x.png"])
def test_rendering_fetches_nothing_but_data_uris(url: str) -> None:
    with pytest.raises(ValueError, match="disallowed protocol"):
        url_fetcher()(url)
    assert url_fetcher()(pdf.illustration_uri("duim")).read().startswith(b"<svg")


def test_the_paper_shows_options_shuffled_the_same_way_for_one_version(curriculum: None) -> None:
    assignment = national_assignment("overleggen", 1, "A")
    version = assignment.current_version
    assert version is not None
    first = pdf.assignment_context(assignment, version)["questions"]
    assert pdf.assignment_context(assignment, version)["questions"] == first
    file_order = [[o["text"] for o in q.get("options", [])] for q in fill_content(version.content)["questions"]]
    printed = [[o["text"] for o in q["options"]] for q in first]
    assert [sorted(texts) for texts in printed] == [sorted(texts) for texts in file_order]
    assert printed != file_order
    # Seeded by what the version is (skill, sub-skill, level, number), not by a database key.
    seed = f"overleggen/1-A/v{version.number}"
    assert pdf.print_questions(fill_content(version.content)["questions"], seed) == first
    # Another version of the same assignment may print in another order; the right answer stays right.
    other = pdf.print_questions(version.content["questions"], f"overleggen/1-A/v{version.number + 1}")
    same = pdf.print_questions(version.content["questions"], seed)
    assert [[o["text"] for o in q["options"]] for q in other] != [[o["text"] for o in q["options"]] for q in same]
    for question in other:
        for option in question["options"]:
            original = next(
                o for q in version.content["questions"] for o in q.get("options", []) if o["text"] == option["text"]
            )
            assert option["correct"] == original["correct"] and option["feedback"] == original["feedback"]


def test_the_paper_describes_each_story_picture(curriculum: None) -> None:
    from django.template.loader import render_to_string

    assignment = national_assignment("overleggen", 1, "A")
    version = assignment.current_version
    assert version is not None
    html = render_to_string("curriculum/print/assignment.html", pdf.assignment_context(assignment, version))
    for scene in version.content["video"]["story"]:
        assert f'alt="{escape(scene["alt"])}"' in html
