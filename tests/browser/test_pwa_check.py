"""Issue 18, done when: a Lighthouse-style check of the participant's app (PWA), in Chromium at 360×740.

What Lighthouse's installability and offline audits ask, checked against the real server and worker:
the manifest linked from every participant page and valid, a service worker that controls the page
after the first visit, the start address opening without internet from that worker, and icons that
exist as images of the size the manifest claims.
"""

import json
import re
import struct
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from wpo.orgs.models import Person
from wpo.trajectories.models import ParticipantAssignment

from .test_offline_journey import demo, wait_until_kept  # noqa: F401 (demo is a fixture)
from .test_participant_journey import log_in

COLOUR = re.compile(r"^#[0-9a-f]{6}$", re.IGNORECASE)


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


def within(url: str, scope: str) -> bool:
    u, s = urlsplit(url), urlsplit(scope)
    return (u.scheme, u.netloc) == (s.scheme, s.netloc) and u.path.startswith(s.path)


def test_the_participants_app_passes_a_pwa_check(page: Any, live_server: Any, demo: dict[str, Person]) -> None:  # noqa: F811
    mohamed = demo["mohamed"]
    pa = ParticipantAssignment.objects.get(trajectory__participant=mohamed)
    log_in(page, live_server.url, mohamed)
    assert page.url == f"{live_server.url}/deelnemer/"

    # Installability basics: a secure context (HTTPS, or localhost as here).
    assert page.evaluate("window.isSecureContext")
    assert urlsplit(page.url).scheme == "https" or urlsplit(page.url).hostname in {"localhost", "127.0.0.1"}

    # The manifest is linked from the participant's pages, each with the same theme colour.
    links = set()
    for path in ("/deelnemer/", f"/deelnemer/opdracht/{pa.pk}/", "/deelnemer/weergave/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("link[rel=manifest]").count() == 1, path
        assert page.evaluate("window.innerWidth") == 360, path
        links.add(page.evaluate("document.querySelector('link[rel=manifest]').href"))
        assert page.get_attribute("meta[name=theme-color]", "content") == "#1d4e89", path
        # Lighthouse's viewport audits: a viewport meta tag, and content as wide as the phone.
        assert "width=device-width" in page.get_attribute("meta[name=viewport]", "content"), path
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    [manifest_url] = links

    # Fetched and parsed as the browser does: JSON with the manifest's content type.
    response = page.context.request.get(manifest_url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.body())
    assert manifest["name"] and manifest["short_name"]
    assert len(manifest["short_name"]) <= len(manifest["name"])
    assert manifest["lang"] == "nl" and manifest["display"] == "standalone"
    start_url = urljoin(manifest_url, manifest["start_url"])
    scope = urljoin(manifest_url, manifest["scope"])
    assert within(start_url, scope), (start_url, scope)
    assert start_url == f"{live_server.url}/deelnemer/"
    assert COLOUR.match(manifest["theme_color"]) and COLOUR.match(manifest["background_color"])

    # Icons: 192 and 512 px, one of them maskable; each fetched, an image, of the size it claims.
    purposes: dict[str, set[str]] = {}
    for icon in manifest["icons"]:
        response = page.context.request.get(urljoin(manifest_url, icon["src"]))
        assert response.status == 200, icon
        assert response.headers["content-type"] == icon["type"] and icon["type"].startswith("image/"), icon
        if icon["type"] == "image/png":
            width, height = png_size(response.body())
            assert icon["sizes"] == f"{width}x{height}", icon
        for purpose in icon.get("purpose", "any").split():
            purposes.setdefault(icon["sizes"], set()).add(purpose)
    assert "any" in purposes.get("192x192", set()) and "any" in purposes.get("512x512", set()), purposes
    assert "maskable" in purposes.get("512x512", set()), purposes

    # A service worker, with the scope of the participant's pages, controls the page after one visit.
    page.goto(start_url)
    registration = page.evaluate(
        "navigator.serviceWorker.ready.then((r) => ({scope: r.scope, script: r.active && r.active.scriptURL}))"
    )
    assert registration == {"scope": scope, "script": f"{live_server.url}/deelnemer/sw.js"}
    worker = page.context.request.get(registration["script"])
    assert worker.status == 200 and worker.headers["content-type"].startswith("text/javascript")
    wait_until_kept(page, "/deelnemer/")
    page.reload()
    assert (
        page.evaluate("navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL")
        == (registration["script"])
    )

    # Offline start: a fresh tab without internet opens the start address from the worker, with content.
    page.context.set_offline(True)
    fresh = page.context.new_page()
    try:
        response = fresh.goto(start_url)
        assert response is not None and response.status == 200
        assert response.from_service_worker
        assert "Hallo Mohamed" in fresh.content()
        assert fresh.get_by_role("link", name="Begin").is_visible()
        # A page the phone never kept says so in Dutch, from the worker too.
        response = fresh.goto(f"{live_server.url}/deelnemer/vraag-voor-gesprek/")
        assert response is not None and response.status == 503 and response.from_service_worker
        assert "Je hebt nu geen internet" in fresh.content()
    finally:
        page.context.set_offline(False)
        fresh.close()


@pytest.mark.parametrize("path", ["/deelnemer/sw.js", "/deelnemer/manifest.webmanifest"])
def test_the_worker_and_the_manifest_need_no_login(
    page: Any, live_server: Any, transactional_db: None, path: str
) -> None:
    """A phone whose session ended still gets the worker's updates and can read the manifest."""
    response = page.context.request.get(f"{live_server.url}{path}", max_redirects=0)
    assert response.status == 200
