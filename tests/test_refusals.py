"""One refusal type, and one place that turns a refusal no view caught into a page."""

from django.test import Client, RequestFactory

from config.errors import RefusalMiddleware
from wpo.lib.refusals import Refused, checked
from wpo.orgs.models import Department
from wpo.trajectories.workflow import StaleStep

from .conftest import login
from .factories import World


def test_an_uncaught_refusal_is_a_page_with_its_message_and_a_way_back(world: World) -> None:
    request = RequestFactory().post("/iets/", HTTP_REFERER="http://testserver/deelnemer/", HTTP_HOST="testserver")
    request.user = world.participant.user
    request.person = world.participant  # type: ignore[attr-defined]
    middleware = RefusalMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(request, Refused("Deze stap mag je niet zetten."))
    assert response is not None and response.status_code == 409
    page = response.content.decode()
    assert "Deze stap mag je niet zetten." in page and 'href="http://testserver/deelnemer/"' in page


def test_a_way_back_never_leads_to_another_site(world: World) -> None:
    request = RequestFactory().post("/iets/", HTTP_REFERER="https://evil.example/", HTTP_HOST="testserver")
    request.user = world.participant.user
    request.person = world.participant  # type: ignore[attr-defined]
    response = RefusalMiddleware(lambda r: None).process_exception(request, Refused("Nee."))  # type: ignore[arg-type,return-value]
    assert response is not None and "evil.example" not in response.content.decode()


def test_other_exceptions_pass_by() -> None:
    request = RequestFactory().get("/")
    assert RefusalMiddleware(lambda r: None).process_exception(request, ValueError("x")) is None  # type: ignore[arg-type,return-value]


def test_kinds_of_refusal_are_refusals_and_read_as_their_message() -> None:
    stale = StaleStep("Iemand anders heeft deze stap net gezet.")
    assert isinstance(stale, Refused) and str(stale) == "Iemand anders heeft deze stap net gezet."


def test_a_models_own_validation_comes_out_as_a_refusal(world: World) -> None:
    import pytest

    with pytest.raises(Refused):
        checked(Department(organization=world.org, name=""))


def test_a_refused_move_over_http_shows_the_message_not_an_error(client: Client, world: World) -> None:
    # The participant cannot decide their own look-back; the view or the middleware says so in Dutch.
    login(client, world.participant)
    response = client.post(f"/opleider/opdrachten/{world.pa.pk}/beoordeling/", {"judgement": "achieved"})
    assert response.status_code in (403, 404, 409)
