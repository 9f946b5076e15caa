import pytest
from django.test import Client
from django.urls import reverse

from wpo.orgs.models import Role

from .factories import PASSWORD, World, make_person

pytestmark = pytest.mark.django_db

START_PAGES = {
    Role.PARTICIPANT: "/deelnemer/",
    Role.TRAINER: "/opleider/",
    Role.COACH: "/coach/",
    Role.PROJECT_MANAGER: "/rapportage/",
    Role.ADMINISTRATOR: "/beheer/mensen/",
    Role.CONTENT_EDITOR: "/curriculum/",
}


@pytest.mark.parametrize("role", list(START_PAGES))
def test_each_role_lands_on_its_own_start_page(role: Role, client: Client, world: World) -> None:
    person = world.by_role(role)
    response = client.post(
        reverse("accounts:login"), {"username": person.user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == START_PAGES[role]
    assert response.status_code == 200


def test_login_with_email_address(client: Client, world: World) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": world.coach.user.email.upper(), "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/coach/"


def test_a_shared_email_address_cannot_be_used_to_log_in(client: Client, world: World) -> None:
    make_person(world.org, [Role.TRAINER], email=world.coach.user.email)
    response = client.post(reverse("accounts:login"), {"username": world.coach.user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "klopt niet" in response.content.decode()


def test_wrong_password_gives_a_dutch_message(client: Client, world: World) -> None:
    response = client.post(reverse("accounts:login"), {"username": world.coach.user.username, "password": "fout"})
    assert "Deze gebruikersnaam of dit wachtwoord klopt niet" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_several_roles_show_every_section_in_the_menu(client: Client, world: World) -> None:
    both = make_person(world.org, [Role.TRAINER, Role.COACH])
    client.login(username=both.user.username, password=PASSWORD)
    body = client.get("/opleider/").content.decode()
    assert 'href="/opleider/"' in body and 'href="/coach/"' in body


@pytest.mark.parametrize(
    ("role", "forbidden"),
    [(Role.PARTICIPANT, "/opleider/"), (Role.PARTICIPANT, "/beheer/mensen/"), (Role.TRAINER, "/rapportage/")],
)
def test_a_role_cannot_open_another_roles_pages(role: Role, forbidden: str, client: Client, world: World) -> None:
    client.login(username=world.by_role(role).user.username, password=PASSWORD)
    response = client.get(forbidden)
    assert response.status_code == 403
    assert "Dit mag u niet bekijken" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get("/coach/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/inloggen/")


def test_logout_needs_post(client: Client, world: World) -> None:
    client.login(username=world.coach.user.username, password=PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_a_user_without_organisation_gets_a_clear_page(client: Client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    django_user_model.objects.create_user("los", password=PASSWORD)
    client.login(username="los", password=PASSWORD)
    response = client.get("/", follow=True)
    assert response.status_code == 403
    assert "nog niet bij een organisatie" in response.content.decode()


def test_english_is_available(client: Client, db: None) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/inloggen/"})
    body = client.get("/accounts/inloggen/").content.decode()
    assert "Username or e-mail address" in body and "Gebruikersnaam" not in body and 'lang="en"' in body


def test_dutch_is_the_default_even_for_an_english_browser(client: Client, db: None) -> None:
    body = client.get("/accounts/inloggen/", headers={"Accept-Language": "en-GB,en;q=0.9"}).content.decode()
    assert "Gebruikersnaam of e-mailadres" in body and 'lang="nl"' in body
