"""Views that belong to no area of the domain."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """A constant "ok" for load balancers: the process answers, without touching the database.

    The benchmark (``make bench``) also uses it as its floor: the cheapest page through the whole
    middleware stack.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
