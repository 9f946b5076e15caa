import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from wpo.demo.organization import DEMO_LOGINS, DEMO_PASSWORD
from wpo.orgs.models import Organization, Person
from wpo.service.models import ServiceOperator
from wpo.trajectories.models import ParticipantAssignment, StepChange, WatchRequest

pytestmark = pytest.mark.django_db


def test_demo_refuses_without_debug() -> None:
    with pytest.raises(CommandError, match="alleen aangemaakt als DEBUG aan staat"):
        call_command("load_demo")
    assert not Organization.objects.exists()


@override_settings(DEBUG=True)
def test_demo_creates_one_login_per_role_and_participants_at_different_steps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("load_curriculum", verbosity=0)
    call_command("load_demo")
    call_command("load_demo")  # a second run changes nothing
    out = capsys.readouterr().out
    assert "wpo-demo" in out and all(login.username in out for login in DEMO_LOGINS)
    # The service desk's login (wpo/demo/service.py): no person of the demo organisation.
    assert "servicebeheer" in out
    operator = ServiceOperator.objects.get(user__username="servicebeheer")
    assert operator.user.check_password(DEMO_PASSWORD) and not Person.objects.filter(user=operator.user).exists()
    org = Organization.objects.get(name="Demo Werkbedrijf")
    assert org.department_set.count() == 2
    for login in DEMO_LOGINS:
        person = Person.objects.get(user__username=login.username)
        assert person.organization == org and person.user.check_password(DEMO_PASSWORD)
    steps = set(ParticipantAssignment.objects.filter(organization=org).values_list("step", flat=True))
    assert {"introduced", "working", "looking_back", "independent", "assessing", "achieved"} <= steps
    # Sanne, at work on her task, asked her werkplekopleider "Kijk je mee?" (open until the day ends).
    watch = WatchRequest.objects.get(organization=org)
    assert watch.status == "open" and watch.participant_assignment.trajectory.participant.user.username == "deelnemer"
    assert watch.participant_assignment.step == "working"
    # Every step of every demo assignment has its history row.
    for pa in ParticipantAssignment.objects.filter(organization=org):
        assert StepChange.objects.filter(participant_assignment=pa).latest("at").to_step == pa.step


def test_unknown_page_is_a_friendly_dutch_404(client: Client) -> None:
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.content.decode()


def test_csrf_failure_is_explained_in_dutch(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/inloggen/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Het formulier is verlopen" in response.content.decode()


def test_server_error_page_is_dutch_and_has_no_trace(client: Client) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Er ging iets mis" in html and "Traceback" not in html


def test_security_headers_and_strict_csp(client: Client) -> None:
    response = client.get("/accounts/inloggen/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
