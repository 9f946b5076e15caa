"""The participant's werkplekopleider in participant text (``{werkplekopleider}``): a first name on
screen, "je werkplekopleider" on paper and where no name is known, "mijn werkplekopleider" in what
the participant says themself; and the seeded order of answer options."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from wpo.curriculum.wording import fill_content, fill_trainer, shuffled_indices, voice_of

from .conftest import login
from .factories import SAMPLE_CONTENT, World


@pytest.mark.parametrize(
    ("text", "name", "voice", "filled"),
    [
        ("Vraag het aan {werkplekopleider}.", "Ahmed", "je", "Vraag het aan Ahmed."),
        ("{werkplekopleider} helpt je.", "Ahmed", "je", "Ahmed helpt je."),
        ("Ik vraag het aan {werkplekopleider}.", "Ahmed", "ik", "Ik vraag het aan Ahmed."),
        ("Vraag het aan {werkplekopleider}.", None, "je", "Vraag het aan je werkplekopleider."),
        ("{werkplekopleider} helpt je.", None, "je", "Je werkplekopleider helpt je."),
        ("Ik vraag het aan {werkplekopleider}.", None, "ik", "Ik vraag het aan mijn werkplekopleider."),
        ("{werkplekopleider} ziet het.", None, "ik", "Mijn werkplekopleider ziet het."),
        (
            "Je weet het niet? {werkplekopleider} weet het.",
            None,
            "je",
            "Je weet het niet? Je werkplekopleider weet het.",
        ),
        ("Klaar. {werkplekopleider} kijkt.", None, "je", "Klaar. Je werkplekopleider kijkt."),
        ('Ze zegt: "{werkplekopleider} weet het."', None, "je", 'Ze zegt: "Je werkplekopleider weet het."'),
        ("Zeg het tegen {werkplekopleider}: die helpt.", None, "je", "Zeg het tegen je werkplekopleider: die helpt."),
        ("Geen plek om in te vullen.", None, "je", "Geen plek om in te vullen."),
        ("", "Ahmed", "je", ""),
    ],
)
def test_the_placeholder_is_filled(text: str, name: str | None, voice: str, filled: str) -> None:
    assert fill_trainer(text, name, voice) == filled  # type: ignore[arg-type]


def test_the_voice_of_a_text() -> None:
    assert voice_of("Ik vraag {werkplekopleider} waar ze liggen.") == "ik"
    assert voice_of("Dan ziet {werkplekopleider} dat ik goed bezig ben.") == "ik"
    assert voice_of("Vraag {werkplekopleider} waar ze liggen.") == "je"
    # What someone says in quotes does not make the text the participant's own words.
    assert voice_of('{werkplekopleider} zegt: "Morgen vraag ik het je." Wat doe je?') == "je"


def test_the_whole_content_is_filled_with_one_voice_per_part() -> None:
    on_paper = fill_content(SAMPLE_CONTENT)
    on_screen = fill_content(SAMPLE_CONTENT, "Ahmed")
    assert "{werkplekopleider}" not in str(on_paper) and "{werkplekopleider}" not in str(on_screen)
    assert on_paper["goal"].startswith("Je vraagt hulp aan je werkplekopleider als")
    assert on_screen["goal"].startswith("Je vraagt hulp aan Ahmed als")
    options = [o["text"] for q in on_paper["questions"] for o in q.get("options", [])]
    assert "Ik vraag mijn werkplekopleider waar ze liggen." in options
    steps = [s for q in on_paper["questions"] for s in q.get("steps", [])]
    assert "Ik loop naar mijn werkplekopleider." in steps
    feedback = [o["feedback"] for q in on_paper["questions"] for o in q.get("options", [])]
    assert "Je werkplekopleider weet waar de rollen liggen. Zo kun je snel weer verder." in feedback
    assert on_paper["questions"][4]["prompt"].startswith("Je werkplekopleider legt iets uit.")
    # Everything else is as it was; the original is not touched.
    assert on_paper["trainer"] == SAMPLE_CONTENT["trainer"] and on_paper["video"] == SAMPLE_CONTENT["video"]
    assert "{werkplekopleider}" in SAMPLE_CONTENT["goal"]


def test_a_seed_gives_one_order_every_time() -> None:
    assert shuffled_indices(3, "a") == shuffled_indices(3, "a")
    assert sorted(shuffled_indices(5, "b")) == [0, 1, 2, 3, 4]
    assert len({tuple(shuffled_indices(3, str(seed))) for seed in range(40)}) == 6  # every order occurs
    assert shuffled_indices(0, "x") == []


def test_the_assignment_page_shows_the_criterion_and_the_text_as_on_paper(client: Client, world: World) -> None:
    login(client, world.trainer)
    assignment = world.pa.version.assignment
    page = client.get(reverse("curriculum:assignment_detail", args=[assignment.pk])).content.decode()
    assert "Wanneer is de opdracht gehaald?" in page and escape(SAMPLE_CONTENT["trainer"]["criterion"]) in page
    assert "Je vraagt hulp aan je werkplekopleider als je iets niet weet." in page and "{werkplekopleider}" not in page
