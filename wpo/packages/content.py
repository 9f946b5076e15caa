"""The content origin: where uploaded packages are played, and nothing else.

A package is someone else's HTML and JavaScript, so it never runs with the platform's origin. The
platform and the content origin are one Django project; this middleware, first in the chain, answers
every request whose Host is ``CONTENT_ORIGIN``'s itself, past the rest of the middleware: no
session is opened, no user is looked up, no cookie is read (they are dropped from the request) and
none is set. It knows three kinds of address (``content_urls``): the launcher of a package version,
the SCORM runtime script, and the version's files; every other path, the platform's pages included,
is 404 there. On the platform's own host these addresses do not exist, so a package's files are
never served with the platform's origin.

Every answer carries a strict policy: the browser treats each page as sandboxed (scripts and forms
only, no top-level navigation, no pop-ups), it may connect to nothing but the content origin, and
only the platform may frame it.
"""

import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from .models import PackageVersion
from .validation import safe_member_name

RUNTIME = Path(__file__).resolve().parent / "runtime" / "scorm-bridge.js"


def content_host() -> str:
    return urlsplit(settings.CONTENT_ORIGIN).netloc.lower()


def is_content_request(request: HttpRequest) -> bool:
    host = content_host()
    return bool(host) and request.META.get("HTTP_HOST", "").lower() == host


def content_policy() -> str:
    platform = settings.SITE_URL
    return "; ".join(
        [
            "sandbox allow-scripts allow-forms allow-same-origin",
            "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'self'",
            "object-src 'none'",
            f"frame-ancestors 'self' {platform}",
        ]
    )


def _harden(response: HttpResponse | FileResponse) -> HttpResponse | FileResponse:
    response.cookies.clear()
    response["Content-Security-Policy"] = content_policy()
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    return response


class ContentOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse | FileResponse:
        if not is_content_request(request):
            return self.get_response(request)
        # Whatever cookies the browser sends along (another app on the same host), nothing reads them.
        request.COOKIES = {}
        request.META.pop("HTTP_COOKIE", None)
        # Only a cmi5 launch writes (its fetch URL and xAPI calls, each behind its own secret).
        writes = request.path_info.startswith(("/cmi5/", "/xapi/"))
        if request.method not in ("GET", "HEAD") and not (writes and request.method in ("POST", "PUT")):
            return _harden(HttpResponseNotAllowed(["GET", "HEAD"]))
        try:
            match = resolve(request.path_info, urlconf="wpo.packages.content_urls")
            response = match.func(request, *match.args, **match.kwargs)
        except (Resolver404, Http404):
            response = HttpResponse(b"Niet gevonden.", status=404, content_type="text/plain; charset=utf-8")
        return _harden(response)


def _version(public_id: UUID) -> PackageVersion:
    version = PackageVersion.objects.filter(public_id=public_id).first()
    if version is None:
        raise Http404
    return version


def launcher(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The page the practice screen frames: it offers the SCORM API and opens the package inside itself."""
    version = _version(public_id)
    html = render_to_string(
        "packages/launch.html",
        {
            "version": version,
            "platform_origin": settings.SITE_URL,
            "start_url": f"/p/{version.public_id}/{version.start_path}",
        },
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def runtime(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(RUNTIME.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def package_file(request: HttpRequest, public_id: UUID, path: str) -> FileResponse:
    version = _version(public_id)
    if safe_member_name(path) is None:
        raise Http404
    name = f"{version.storage_prefix}/{path}"
    if not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
        content_type += "; charset=utf-8"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    # A version's files never change: its folder is new for every upload.
    response["Cache-Control"] = "public, max-age=86400"
    return response
