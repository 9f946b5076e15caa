"""The demo's service-desk login (servicebeheer): no person of any organisation, password ``wpo-demo``.
At the first visit of /servicebeheer/ it sets up an authenticator app, like every operator."""

from wpo.service.models import ServiceOperator
from wpo.service.services import operator_create

DEMO_OPERATOR = "servicebeheer"


def create_demo_operator(password: str) -> ServiceOperator:
    """Once; a second call returns the operator unchanged."""
    existing = ServiceOperator.objects.filter(user__username=DEMO_OPERATOR).first()
    if existing is not None:
        return existing
    return operator_create(username=DEMO_OPERATOR, email=f"{DEMO_OPERATOR}@demo.invalid", password=password)
