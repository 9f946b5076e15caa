"""Finding (issue 16, item 3): the second assessor could read the first judgement before giving theirs.

The attack: the coach asked as second assessor wants to know what the werkplekopleider judged before
judging themself (and so simply agree). Before the fix the first judgement and its note were on the
second assessor's page, in the waiting list (‘Eerste oordeel van … : Behaald’) and on the trajectory
page; the step moved at once, so the step badge and the history said it too; a second judgement
without a note was refused only when it differed (‘U oordeelt anders dan de werkplekopleider’), an
oracle; and the calibration page, which counts each trainer's ‘nog niet’, changed by one the moment
the first judgement was recorded. The participant could read it in their own data download.

The fix: blind judgement (``Assessment.is_blind``). While a second assessor is asked and has not
judged, the first judgement moves nothing and is shown to its author only: the pages and panels
leave it out, the note rule of the second judgement does not depend on the first, the calibration
leaves out blind judgements, and the participant's own export leaves them out. The tests perform
each probe over HTTP as the coach (and the participant) and assert that nothing of the first
judgement comes back.
"""

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from wpo.trajectories.models import Assessment, Step
from wpo.trajectories.services import signoff

from ..conftest import login
from ..factories import World
from ..test_signoff import bring

pytestmark = pytest.mark.django_db

SECRET = "Alleen de opleider weet dit: hij vroeg nog niet zelf om hulp."


def first_judgement(world: World) -> Assessment:
    bring(world, world.pa, Step.ASSESSING)
    signoff.second_assessor_request(world.pa, actor=world.trainer, coach=world.coach)
    return signoff.assessment_record(world.pa, assessor=world.trainer, judgement="not_yet", note=SECRET)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.content.decode())


def figures(page: str) -> list[str]:
    """The numbers of the calibration page, in order."""
    return re.findall(r"\d+ %|\(\d+ van \d+\)", page)


def test_the_coach_finds_nothing_of_the_first_judgement_before_judging(client: Client, world: World) -> None:
    login(client, world.coach)
    calibration = reverse("coaching:calibration")
    before = figures(text(client.get(calibration)))
    assessment = first_judgement(world)

    pages = {
        "second assessor page": reverse("trajectories:second_assessment_record", args=[assessment.pk]),
        "waiting list": reverse("trajectories:second_assessor_waiting"),
        "trajectory page": reverse("trajectories:trajectory_detail", args=[world.trajectory.pk]),
        "talk page": reverse("trajectories:assessment_talk_plan", args=[assessment.pk]),
        "outcome page": reverse("trajectories:assessment_outcome_record", args=[assessment.pk]),
    }
    for what, url in pages.items():
        page = text(client.get(url, follow=True))
        assert SECRET not in page, what
        assert 'badge-warn">Nog niet' not in page, what
    # The step did not move, so neither the badge nor the history tell.
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ASSESSING
    assert figures(text(client.get(calibration))) == before

    # The coach's own data download holds nothing of it either.
    export = client.get(reverse("privacy:export_zip", args=[world.coach.pk]))
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert all(SECRET not in archive.read(name).decode(errors="ignore") for name in archive.namelist())


def test_the_note_rule_is_no_oracle(client: Client, world: World) -> None:
    """A judgement that differs is not refused for a missing note: the refusal would tell."""
    assessment = first_judgement(world)
    login(client, world.coach)
    response = client.post(
        reverse("trajectories:second_assessment_record", args=[assessment.pk]), {"judgement": "achieved", "note": ""}
    )
    # Accepted like any other judgement: what the coach gets back depends on their own answer only.
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.second_judgement == "achieved" and assessment.awaiting_outcome


def test_the_participant_does_not_read_it_before_both_are_in(client: Client, world: World) -> None:
    first_judgement(world)
    login(client, world.participant)
    assert SECRET not in text(client.get(reverse("learn:assignment", args=[world.pa.pk])))
    assert SECRET not in text(client.get(reverse("learn:home")))
    response = client.get(reverse("privacy:export_zip", args=[world.participant.pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert all(SECRET not in archive.read(n).decode(errors="ignore") for n in archive.namelist())
    pdf = PdfReader(io.BytesIO(client.get(reverse("privacy:export_pdf", args=[world.participant.pk])).content))
    words = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "opleider weet dit" not in words
