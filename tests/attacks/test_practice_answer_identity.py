"""Finding (LOW): a practice answer named an option by a Python list index, and -1 was accepted.

The attack: a participant posts the practice answer by hand instead of tapping an option:
``answer=-1`` (Python indexing picks the last option: on a question whose last option is right, the
right answer without reading), or, now that the options are shown shuffled, the place on the screen
of the option they want instead of that option itself.

The fix: the form posts the option's identity (its index in the assignment version's content, which
never changes for a version; ``wpo.learn.services.option_order`` only decides the order on screen), and
``practice_answer`` refuses every value that is not the identity of an option of this question, a
negative one included, with "Kies eerst een antwoord." and nothing stored. The tests post as the
participant's browser would.
"""

import pytest
from django.test import Client
from django.urls import reverse

from wpo.trajectories.models import PracticeAnswer

from ..conftest import login
from ..factories import World

pytestmark = pytest.mark.django_db


def answer_url(world: World, number: int) -> str:
    return reverse("learn:answer", args=[world.pa.pk, number])


@pytest.mark.parametrize("value", ["-1", "-3", "3", "99", "1.0", "", "waar", "0x1"])
def test_an_answer_that_is_not_an_option_is_refused_and_nothing_is_stored(
    value: str, client: Client, world: World
) -> None:
    login(client, world.participant)
    client.post(reverse("learn:start", args=[world.pa.pk]))
    body = client.post(answer_url(world, 1), {"answer": value}).content.decode()
    assert "Kies eerst een antwoord." in body and "Goed zo!" not in body
    assert not PracticeAnswer.objects.exists()


def test_the_place_on_the_screen_is_not_the_answer(client: Client, world: World) -> None:
    from wpo.learn.services import option_order

    login(client, world.participant)
    client.post(reverse("learn:start", args=[world.pa.pk]))
    world.pa.refresh_from_db()
    options = world.pa.version.content["questions"][0]["options"]
    right = next(i for i, o in enumerate(options) if o["correct"])
    order = option_order(world.pa, 1)
    # Posting the place where the right option is shown counts as the option at that identity.
    place = order.index(right)
    body = client.post(answer_url(world, 1), {"answer": str(place)}).content.decode()
    assert ("Goed zo!" in body) == (place == right)
    stored = PracticeAnswer.objects.get()
    assert stored.answer == place and stored.is_correct == options[place]["correct"]
