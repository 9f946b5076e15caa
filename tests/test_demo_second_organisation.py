"""The demo's second organisation (Werkbedrijf De Brug) and its neighbours: own logins, kept apart
from the first organisation, and the country's figures computed at the end of the demo load."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from wpo.demo.neighbours import NEIGHBOURS, SECOND, SECOND_LOGINS
from wpo.demo.organization import DEMO_PASSWORD
from wpo.national.models import Measure, NationalFigure
from wpo.orgs.models import Organization, Person
from wpo.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def test_the_second_demo_organisation(capsys: pytest.CaptureFixture[str], client: Client) -> None:
    """One demo load (about half a minute) for all three checks below."""
    call_command("load_curriculum", verbosity=0)
    with override_settings(DEBUG=True):
        call_command("load_demo")
    demo = capsys.readouterr().out
    check_its_own_logins_are_printed_by_load_demo(demo)
    check_its_coach_does_not_see_the_first_organisations_people(client)
    check_the_national_figures_are_computed_and_shown(client)


def check_its_own_logins_are_printed_by_load_demo(demo: str) -> None:
    second = Organization.objects.get(slug=SECOND.slug)
    assert second.name == "Werkbedrijf De Brug" and SECOND.name in demo
    for role, username in SECOND_LOGINS:
        assert username in demo
        person = Person.objects.get(user__username=username)
        assert person.organization == second and person.user.check_password(DEMO_PASSWORD), role
    # Smaller than the first: a few people and trajectories.
    trajectories = Trajectory.objects.filter(organization=second)
    assert 0 < trajectories.count() < Trajectory.objects.filter(organization__slug="demo-werkbedrijf").count()
    # The neighbours without logins: nobody of theirs can log in.
    for neighbour in NEIGHBOURS:
        if not neighbour.with_logins:
            people = Person.objects.filter(organization__slug=neighbour.slug).select_related("user")
            assert people and not any(p.user.has_usable_password() for p in people)


def check_its_coach_does_not_see_the_first_organisations_people(client: Client) -> None:
    first_names = list(
        Person.objects.filter(organization__slug="demo-werkbedrijf", is_participant=True).values_list(
            "user__last_name", flat=True
        )
    )
    client.logout()
    assert client.login(username="brug-coach", password=DEMO_PASSWORD)
    body = client.get(reverse("coaching:overview")).content.decode()
    assert "Peeters" in body  # a participant of De Brug
    for last_name in first_names:
        assert last_name not in body
    # A trajectory of the first organisation is 404 for them.
    theirs = Trajectory.objects.filter(organization__slug="demo-werkbedrijf").first()
    assert theirs is not None
    assert client.get(reverse("trajectories:trajectory_detail", args=[theirs.pk])).status_code == 404


def check_the_national_figures_are_computed_and_shown(client: Client) -> None:
    national = NationalFigure.objects.filter(organization__isnull=True)
    assert national.filter(suppressed=False).exists() and national.filter(suppressed=True).exists()
    # Four organisations run trajectories in the current quarter.
    assert national.filter(measure=Measure.ORGANISATIONS, suppressed=False, value=4).exists()
    client.logout()
    assert client.login(username="redacteur", password=DEMO_PASSWORD)
    body = client.get(reverse("national:figures")).content.decode()
    assert "Landelijke cijfers" in body and "te weinig om te tonen" in body
    # The project manager of De Brug: their own column hidden (eight participants), the national one shown.
    client.logout()
    assert client.login(username="brug-projectmanager", password=DEMO_PASSWORD)
    report = client.get(reverse("reports:report")).content.decode()
    assert "Uw organisatie en landelijk" in report
    assert "Demo Werkbedrijf" not in report
