"""Phase 3 on a phone (360 px): the werkplekopleider plans an interim evaluation with the coach, records it
with the participant's face, a spoken answer (a real WAV recording) and an extension of the period; the
participant then reads it on their home page. Screenshots and axe on every screen."""

import io
import wave
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from wpo.demo.organization import create_demo_organization
from wpo.evaluations.models import EndDateChange, InterimEvaluation
from wpo.trajectories.models import Trajectory

from .conftest import axe_violations, screenshot
from .test_role_journeys import log_in


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_curriculum", verbosity=0)
    create_demo_organization()


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    screenshot(page, f"evaluatie-{name}")


def recording(tmp_path: Path) -> Path:
    """Half a second of a 440 Hz tone, 8 kHz mono WAV: what a phone's recorder could hand over."""
    import math

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        frames = b"".join(
            int(8000 * math.sin(2 * math.pi * 440 * n / 8000)).to_bytes(2, "little", signed=True) for n in range(4000)
        )
        w.writeframes(frames)
    path = tmp_path / "opname.wav"
    path.write_bytes(out.getvalue())
    return path


def test_trainer_records_an_interim_evaluation_with_an_extension_and_a_spoken_answer(
    page: Any, live_server: Any, demo: None, tmp_path: Path
) -> None:
    sanne = Trajectory.objects.get(participant__user__username="deelnemer", status="active")
    ends_on = sanne.ends_on
    log_in(page, live_server.url, "werkplekopleider")
    page.goto(live_server.url + reverse("trajectories:trajectory_detail", args=[sanne.pk]))
    check(page, "traject")
    with page.expect_navigation():
        page.get_by_role("link", name="Tussentijdse evaluatie plannen").click()
    check(page, "plannen")
    page.get_by_label("Marloes Verbeek").check()  # the coach joins
    with page.expect_navigation():
        page.get_by_role("button", name="Evaluatie plannen").click()
    assert "is gepland" in page.content()
    check(page, "vastleggen")
    assert "Overleggen" in page.get_by_label("Wat is er tot nu toe bereikt?").input_value()  # pre-filled
    page.get_by_label("Het gaat een beetje").check()
    page.get_by_label("In de eigen woorden van de deelnemer").fill(
        "Overleggen gaat goed. Met nieuwe mensen is het nog lastig."
    )
    page.get_by_label("Of laat de deelnemer het inspreken").set_input_files(str(recording(tmp_path)))
    page.get_by_label("Nee, we verlengen het traject").check()
    new_end = ends_on + timedelta(weeks=4)
    page.get_by_label("Nieuwe einddatum").fill(new_end.isoformat())
    page.get_by_label("Waarom duurt het traject langer?").fill("Niveau B heeft meer tijd nodig.")
    page.get_by_label("Wat spreken jullie af?").fill("Elke week één overleg voorbereiden.")
    with page.expect_navigation():
        page.get_by_role("button", name="Evaluatie vastleggen").click()
    assert "De evaluatie is vastgelegd" in page.content(), page.locator(".errorlist, [role=alert]").all_inner_texts()
    check(page, "vastgelegd")
    evaluation = InterimEvaluation.objects.filter(trajectory=sanne, held_at__isnull=False).latest("held_at")
    assert evaluation.feeling == "bit" and evaluation.voice_note.name.endswith(".wav")
    assert Trajectory.objects.get(pk=sanne.pk).ends_on == new_end
    assert EndDateChange.objects.filter(trajectory=sanne).latest("at").reason == "Niveau B heeft meer tijd nodig."
    assert "Niveau B heeft meer tijd nodig." in page.content()  # the end date's history on the trajectory page

    # The participant reads it at home, in simple words, and can hear what she said.
    page.context.clear_cookies()
    log_in(page, live_server.url, "deelnemer")
    assert "Samen terugkijken op je traject" in page.content()
    assert "Met nieuwe mensen is het nog lastig." in page.content()
    assert page.locator(".own-evaluations audio").count() >= 1
    check(page, "deelnemer-thuis")
