"""Links built once per page (wpo.lib.urls.PkUrl) and filter options built without model objects."""

import re

import pytest
from django.templatetags.static import static
from django.test import Client, override_settings
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from wpo.lib.urls import PkUrl, fixed_static, fixed_url
from wpo.orgs.models import Role

from .conftest import login
from .factories import World, make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["trajectories:trajectory_detail", "trajectories:observe", "trajectories:introduce", "accounts:login_card"],
)
def test_pk_url_is_what_reverse_gives(name: str) -> None:
    url = PkUrl(name)
    for pk in (1, 7, 123456):
        assert url(pk) == reverse(name, args=[pk])


def test_pk_url_needs_a_pattern_with_an_id() -> None:
    with pytest.raises(NoReverseMatch):
        PkUrl("coaching:overview")


@pytest.mark.parametrize("name", ["home", "accounts:logout", "learn:home", "set_language"])
def test_fixed_url_is_what_reverse_gives_for_each_script_prefix(name: str) -> None:
    assert fixed_url(name) == reverse(name)
    before = get_script_prefix()
    set_script_prefix("/wpo/")
    try:
        assert fixed_url(name) == reverse(name)
        assert fixed_url(name).startswith("/wpo/")
    finally:
        set_script_prefix(before)
    assert fixed_url(name) == reverse(name)


def test_fixed_static_follows_the_static_url() -> None:
    assert fixed_static("css/app.css") == static("css/app.css")
    with override_settings(STATIC_URL="/elders/"):
        assert fixed_static("css/app.css") == static("css/app.css")
        assert fixed_static("css/app.css").startswith("/elders/")
    assert fixed_static("css/app.css") == static("css/app.css")


def test_trainer_list_links_every_row(client: Client, world: World) -> None:
    login(client, world.trainer)
    body = client.get(reverse("trajectories:my_participants")).content.decode()
    assert f'href="{reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])}"' in body
    assert f'href="{reverse("accounts:login_card", args=[world.participant.pk])}"' in body


def test_coach_filter_options_show_names_and_keep_the_choice(client: Client, world: World) -> None:
    nameless = make_person(world.org, [Role.TRAINER], world.department, first_name="", last_name="")
    login(client, world.coach)
    body = client.get(f"/coach/?opleider={world.trainer.pk}&afdeling={world.department.pk}").content.decode()
    trainer_select = re.search(r'<select name="opleider".*?</select>', body, re.S)
    assert trainer_select
    options = trainer_select.group(0)
    assert f'<option value="{world.trainer.pk}" selected>{world.trainer.name}</option>' in options
    # Without a name the option shows the username, as Person.name does.
    assert f'<option value="{nameless.pk}">{nameless.user.username}</option>' in options
    department_select = re.search(r'<select name="afdeling".*?</select>', body, re.S)
    assert department_select
    assert (
        f'<option value="{world.department.pk}" selected>{world.department.name}</option>' in department_select.group(0)
    )
    # Each row links to its trajectory.
    assert f'<a href="{reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])}">' in body


def test_coach_filter_offers_no_trainer_of_another_organisation(
    client: Client, world: World, other_world: World
) -> None:
    login(client, world.coach)
    body = client.get(f"/coach/?opleider={other_world.trainer.pk}").content.decode()
    assert f'value="{other_world.trainer.pk}"' not in body
    assert world.participant.name in body  # an invalid choice filters nothing
