"""A participant on a 360 px phone plays a SCORM 1.2 package as the practice part of an assignment.

The live server answers on two origins: the platform on ``localhost`` and the content origin on
``127.0.0.1`` (same port, another host: cookies never cross between them). The package is made in
the test: it reports halfway (location, suspend data), is left and resumed, then completes with a
score. Meanwhile it tries to read cookies and to call the platform, and writes down what it got.
"""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import PASSWORD, World, make_world
from tests.packages_helpers import CMI5, MANIFEST_12, MANIFEST_2004, make_zip, scorm12_zip
from wpo.packages.models import PackageAttempt
from wpo.packages.services import package_upload
from wpo.trajectories.models import ParticipantAssignment, Step

from .conftest import axe_violations, screenshot

PACKAGE_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Overleggen</title></head>
<body>
<h1>Overleggen oefenen</h1>
<p id="resume"></p>
<button id="halfway" type="button">Stap 1 klaar</button>
<button id="finish" type="button">Afronden</button>
<pre id="report">bezig</pre>
<script src="les.js"></script>
</body></html>
"""

PACKAGE_SCRIPT = """
function findAPI(win) {
  for (var i = 0; win && i < 10; i++) {
    try { if (win.API) return win.API; } catch (e) {}
    if (win.parent === win) break;
    win = win.parent;
  }
  return null;
}
var api = findAPI(window.parent);
var report = {api: !!api};
api.LMSInitialize("");
document.getElementById("resume").textContent =
  "entry=" + api.LMSGetValue("cmi.core.entry") + " data=" + api.LMSGetValue("cmi.suspend_data") +
  " plek=" + api.LMSGetValue("cmi.core.lesson_location");
try { report.cookie = document.cookie; } catch (e) { report.cookie = "error:" + e.name; }
try { report.top = String(window.top.location.href); } catch (e) { report.top = "error:" + e.name; }
try { report.platformDocument = String(window.parent.parent.document.cookie); }
catch (e) { report.platformDocument = "error:" + e.name; }
function show() { document.getElementById("report").textContent = JSON.stringify(report); }
fetch("PLATFORM/deelnemer/", {credentials: "include"})
  .then(function (r) {
    return r.text().then(function (t) { report.fetch = "got " + r.status + " " + t.length; show(); });
  })
  .catch(function (e) { report.fetch = "blocked:" + e.name; show(); });
document.getElementById("halfway").addEventListener("click", function () {
  api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  api.LMSSetValue("cmi.core.lesson_location", "stap2");
  api.LMSSetValue("cmi.suspend_data", "halverwege");
  api.LMSCommit("");
});
document.getElementById("finish").addEventListener("click", function () {
  api.LMSSetValue("cmi.core.lesson_status", "completed");
  api.LMSSetValue("cmi.core.score.raw", "80");
  api.LMSCommit("");
  api.LMSFinish("");
});
"""


SCRIPT_2004 = """
function findAPI(win) {
  for (var i = 0; win && i < 10; i++) {
    try { if (win.API_1484_11) return win.API_1484_11; } catch (e) {}
    if (win.parent === win) break;
    win = win.parent;
  }
  return null;
}
var api = findAPI(window.parent);
api.Initialize("");
document.getElementById("resume").textContent =
  "entry=" + api.GetValue("cmi.entry") + " data=" + api.GetValue("cmi.suspend_data") +
  " plek=" + api.GetValue("cmi.location");
var report = {cookie: null};
try { report.cookie = document.cookie; } catch (e) { report.cookie = "error:" + e.name; }
document.getElementById("report").textContent = JSON.stringify(report);
document.getElementById("halfway").addEventListener("click", function () {
  api.SetValue("cmi.completion_status", "incomplete");
  api.SetValue("cmi.location", "dia4");
  api.SetValue("cmi.suspend_data", "{\\"dia\\":4}");
  api.Commit("");
});
document.getElementById("finish").addEventListener("click", function () {
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.success_status", "passed");
  api.SetValue("cmi.score.scaled", "0.9");
  api.SetValue("cmi.score.raw", "9");
  api.Terminate("");
});
"""


def _origins(settings: Any, live_server: Any, tmp_path: Path) -> str:
    """The platform on localhost, the content origin on 127.0.0.1 (same port, another host)."""
    settings.MEDIA_ROOT = tmp_path
    platform = live_server.url  # http://localhost:<port>
    content = platform.replace("localhost", "127.0.0.1")
    settings.SITE_URL = platform
    settings.CONTENT_ORIGIN = content
    settings.SECURE_CSP = {**django_settings.SECURE_CSP, "frame-src": ["'self'", content]}
    return platform


@pytest.fixture
def world_with_2004_package(
    transactional_db: None, settings: Any, tmp_path: Path, live_server: Any
) -> tuple[World, str]:
    platform = _origins(settings, live_server, tmp_path)
    world = make_world("Werkbedrijf Storyline")
    data = make_zip(
        {
            "imsmanifest.xml": MANIFEST_2004.format(title="Feedback oefenen", start="story/index_lms.html"),
            "story/index_lms.html": PACKAGE_PAGE,
            "story/les.js": SCRIPT_2004,
        }
    )
    package_upload(
        assignment=world.pa.version.assignment,
        upload=io.BytesIO(data),
        size=len(data),
        name="feedback.zip",
        placement="before",
        actor=world.content_editor,
    )
    return world, platform


@pytest.fixture
def world_with_package(transactional_db: None, settings: Any, tmp_path: Path, live_server: Any) -> tuple[World, str]:
    _origins(settings, live_server, tmp_path)
    platform = live_server.url
    world = make_world("Werkbedrijf Rise")
    data = make_zip(
        {
            "imsmanifest.xml": MANIFEST_12.format(title="Overleggen oefenen", start="index.html"),
            "index.html": PACKAGE_PAGE,
            "les.js": PACKAGE_SCRIPT.replace("PLATFORM", platform),
        }
    )
    package_upload(
        assignment=world.pa.version.assignment,
        upload=io.BytesIO(data),
        size=len(data),
        name="overleggen.zip",
        placement="instead",
        actor=world.content_editor,
    )
    return world, platform


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/inloggen/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def leave_the_package(page: Any, arrived: Any) -> None:
    """Follow Verder once the package is done, with the keyboard (focus, Enter), as a participant with
    a keyboard or switch would. A pointer click here landed now and then on the package's frame
    instead: the status line and the revealed link move the layout while headless Chromium under load
    aims, and the frame is another process. Where Verder leads is what this journey checks."""
    link = page.get_by_role("link", name="Verder")
    link.wait_for()
    with page.expect_navigation():
        link.press("Enter")
    arrived.wait_for()


def package_frame(page: Any) -> Any:
    return page.frame_locator("iframe.package-frame").frame_locator("#wpo-package")


def test_the_participant_plays_the_package_in_the_practice_step(
    page: Any, world_with_package: tuple[World, str]
) -> None:
    world, base = world_with_package
    log_in(page, base, world.participant.user.username)
    page.goto(f"{base}/deelnemer/opdracht/{world.pa.pk}/")
    page.get_by_role("button", name="Begin met oefenen").click()
    lesson = package_frame(page)
    lesson.locator("#resume").wait_for()
    assert lesson.locator("#resume").inner_text() == "entry=ab-initio data= plek="
    assert not page.get_by_role("link", name="Verder").is_visible(), "on only once the package is done"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "scorm-oefendeel")

    # What the package could reach: no cookie, not the platform's page, not the platform's answers.
    lesson.locator("#report").filter(has_text="fetch").wait_for()
    report = json.loads(lesson.locator("#report").inner_text())
    assert report["api"] is True
    assert report["cookie"] == ""
    assert report["top"].startswith("error:") and report["platformDocument"].startswith("error:")
    assert report["fetch"].startswith("blocked:")
    session = next(c for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME)
    assert session["domain"] == "localhost"
    assert not [c for c in page.context.cookies() if c["domain"] == "127.0.0.1"], "the content origin set a cookie"

    # Halfway, then away and back: the package resumes where it was.
    lesson.locator("#halfway").click()
    pa_id = world.pa.pk
    # The commit is a message, then a fetch: wait for the row.
    attempt = None
    for _ in range(50):
        attempt = PackageAttempt.objects.filter(participant_assignment_id=pa_id).first()
        if attempt and attempt.cmi.get("cmi.suspend_data") == "halverwege":
            break
        page.wait_for_timeout(100)
    assert attempt is not None and attempt.completion_status == "incomplete" and not attempt.done
    page.goto(f"{base}/deelnemer/")
    page.goto(f"{base}/deelnemer/opdracht/{pa_id}/")
    lesson = package_frame(page)
    lesson.locator("#resume").wait_for()
    assert lesson.locator("#resume").inner_text() == "entry=resume data=halverwege plek=stap2"

    # Finished: the screen says so, Verder goes to the summary and on to the work task.
    lesson.locator("#finish").click()
    page.get_by_role("status").filter(has_text="Klaar!").wait_for()
    screenshot(page, "scorm-klaar")
    attempt = PackageAttempt.objects.get(participant_assignment_id=pa_id)
    assert (attempt.completion_status, attempt.score_raw, attempt.score_scaled) == ("completed", 80.0, 0.8)
    assert attempt.cmi["cmi.core.lesson_status"] == "completed" and attempt.done
    # The package took the place of the questions: next is the summary, then the work task.
    leave_the_package(page, page.locator("#screen").get_by_role("button", name="Verder"))
    assert page.locator("iframe.package-frame").count() == 0
    screenshot(page, "scorm-samenvatting")
    page.locator("#screen").get_by_role("button", name="Verder").click()
    page.get_by_role("button", name="Ik ga aan de slag").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="Ik ga aan de slag").click()
    assert ParticipantAssignment.objects.get(pk=pa_id).step == Step.WORKING

    # The trainer sees the result beside the assignment.
    page.context.clear_cookies()
    log_in(page, base, world.trainer.user.username)
    page.goto(base + reverse("trajectories:trajectory_detail", args=[world.trajectory.pk]))
    assert "Oefenpakket ‘Overleggen oefenen’: afgerond, score 80" in page.inner_text("main")


def test_a_scorm_2004_package_before_the_questions(page: Any, world_with_2004_package: tuple[World, str]) -> None:
    world, base = world_with_2004_package
    pa_id = world.pa.pk
    log_in(page, base, world.participant.user.username)
    page.goto(f"{base}/deelnemer/opdracht/{pa_id}/")
    page.get_by_role("button", name="Begin met oefenen").click()
    lesson = package_frame(page)
    lesson.locator("#resume").wait_for()
    assert lesson.locator("#resume").inner_text() == "entry=ab-initio data= plek="
    assert json.loads(lesson.locator("#report").inner_text()) == {"cookie": ""}

    lesson.locator("#halfway").click()
    attempt = None
    for _ in range(50):
        attempt = PackageAttempt.objects.filter(participant_assignment_id=pa_id).first()
        if attempt and attempt.cmi.get("cmi.location") == "dia4":
            break
        page.wait_for_timeout(100)
    assert attempt is not None and attempt.completion_status == "incomplete"
    page.reload()
    lesson = package_frame(page)
    lesson.locator("#resume").wait_for()
    assert lesson.locator("#resume").inner_text() == 'entry=resume data={"dia":4} plek=dia4'

    lesson.locator("#finish").click()
    page.get_by_role("status").filter(has_text="Klaar!").wait_for()
    attempt = PackageAttempt.objects.get(participant_assignment_id=pa_id)
    assert (attempt.completion_status, attempt.success_status, attempt.score_scaled, attempt.score_raw) == (
        "completed",
        "passed",
        0.9,
        9.0,
    )
    # Before the questions: Verder leads to the first of our own questions.
    leave_the_package(page, page.locator("#screen").get_by_text("Vraag 1", exact=False).first)
    assert page.locator("iframe.package-frame").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "scorm2004-eerste-vraag")


def test_the_editor_attaches_a_package_and_sees_why_one_is_refused(
    page: Any, transactional_db: None, settings: Any, tmp_path: Path, live_server: Any
) -> None:
    _origins(settings, live_server, tmp_path)
    settings.PACKAGE_MAX_TOTAL_BYTES = 50_000
    world = make_world("Werkbedrijf Redactie")
    assignment = world.pa.version.assignment
    log_in(page, live_server.url, world.content_editor.user.username)
    page.goto(live_server.url + reverse("curriculum:assignment_detail", args=[assignment.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="Oefenpakket (SCORM)").click()

    def send(name: str, data: bytes) -> None:
        page.get_by_label("Pakket (.zip)").set_input_files(
            {"name": name, "mimeType": "application/zip", "buffer": data}
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Pakket uploaden").click()

    send("kapot.zip", make_zip({"imsmanifest.xml": "<manifest><metadata>", "index.html": "x"}))
    assert "imsmanifest.xml is geen geldige XML" in page.inner_text("main")
    send("buiten.zip", make_zip({"imsmanifest.xml": MANIFEST_12.format(title="x", start="index.html"), "../x.js": "x"}))
    assert "ongeldige plaats: ‘../x.js’" in page.inner_text("main")
    send("groot.zip", scorm12_zip(**{"video.mp4": bytes(range(256)) * 400}))
    assert "uitgepakt te groot" in page.inner_text("main")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "scorm-upload-geweigerd")

    send("overleggen.zip", scorm12_zip(title="Overleggen in Rise"))
    assert "‘Overleggen in Rise’ is het oefenpakket van deze opdracht (versie 1, SCORM 1.2)" in page.inner_text("main")
    assert axe_violations(page) == []
    screenshot(page, "scorm-upload-gelukt")


CMI5_SCRIPT = """
var q = new URLSearchParams(location.search);
var endpoint = q.get("endpoint"), activity = q.get("activityId"), registration = q.get("registration");
var actor = JSON.parse(q.get("actor"));
var headers = null;
var session = null;
function statement(verb, result) {
  var body = {actor: actor, verb: {id: "http://adlnet.gov/expapi/verbs/" + verb}, object: {id: activity},
    context: {registration: registration,
      extensions: {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": session}}};
  if (result) body.result = result;
  return fetch(endpoint + "statements", {method: "POST", headers: headers, body: JSON.stringify(body)});
}
function state(method, body) {
  var url = endpoint + "activities/state?stateId=voortgang&activityId=" + encodeURIComponent(activity) +
    "&agent=" + encodeURIComponent(JSON.stringify(actor)) + "&registration=" + registration;
  return fetch(url, {method: method, headers: headers, body: body});
}
fetch(q.get("fetch"), {method: "POST"}).then(function (r) { return r.json(); }).then(function (t) {
  headers = {"Authorization": "Basic " + t["auth-token"], "X-Experience-API-Version": "1.0.3",
    "Content-Type": "application/json"};
  var data = endpoint + "activities/state?stateId=LMS.LaunchData&activityId=" + encodeURIComponent(activity) +
    "&agent=" + encodeURIComponent(JSON.stringify(actor)) + "&registration=" + registration;
  return fetch(data, {headers: headers});
}).then(function (r) { return r.json(); }).then(function (launchData) {
  session = launchData.contextTemplate.extensions["https://w3id.org/xapi/cmi5/context/extensions/sessionid"];
  return statement("initialized");
}).then(function () { return state("GET"); }).then(function (r) {
  return r.status === 200 ? r.text() : "geen";
}).then(function (kept) {
  document.getElementById("resume").textContent = "bewaard=" + kept;
  var report = {};
  try { report.cookie = document.cookie; } catch (e) { report.cookie = "error:" + e.name; }
  document.getElementById("report").textContent = JSON.stringify(report);
});
document.getElementById("halfway").addEventListener("click", function () {
  state("PUT", JSON.stringify({dia: 3})).then(function () {
    document.getElementById("report").textContent = "opgeslagen";
  });
});
document.getElementById("finish").addEventListener("click", function () {
  statement("completed").then(function () {
    return statement("passed", {score: {scaled: 0.8, raw: 8}, success: true});
  }).then(function () { return statement("terminated"); }).then(function () {
    document.getElementById("report").textContent = "klaar";
  });
});
"""


def test_a_cmi5_package_reports_through_its_own_xapi_endpoint(
    page: Any, transactional_db: None, settings: Any, tmp_path: Path, live_server: Any
) -> None:
    base = _origins(settings, live_server, tmp_path)
    world = make_world("Werkbedrijf cmi5")
    data = make_zip({"cmi5.xml": CMI5, "index.html": PACKAGE_PAGE, "les.js": CMI5_SCRIPT})
    package_upload(
        assignment=world.pa.version.assignment,
        upload=io.BytesIO(data),
        size=len(data),
        name="cmi5.zip",
        placement="instead",
        actor=world.content_editor,
    )
    pa_id = world.pa.pk
    log_in(page, base, world.participant.user.username)
    page.goto(f"{base}/deelnemer/opdracht/{pa_id}/")
    page.get_by_role("button", name="Begin met oefenen").click()
    lesson = package_frame(page)
    lesson.locator("#resume").filter(has_text="bewaard=").wait_for()
    assert lesson.locator("#resume").inner_text() == "bewaard=geen"
    assert json.loads(lesson.locator("#report").inner_text()) == {"cookie": ""}
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "cmi5-oefendeel")

    # Halfway, away and back: a new launch (a new fetch URL and token) reads the kept state.
    lesson.locator("#halfway").click()
    lesson.locator("#report").filter(has_text="opgeslagen").wait_for()
    page.goto(f"{base}/deelnemer/")
    page.goto(f"{base}/deelnemer/opdracht/{pa_id}/")
    lesson = package_frame(page)
    lesson.locator("#resume").filter(has_text="bewaard=").wait_for()
    assert lesson.locator("#resume").inner_text() == 'bewaard={"dia":3}'

    lesson.locator("#finish").click()
    lesson.locator("#report").filter(has_text="klaar").wait_for()
    attempt = PackageAttempt.objects.get(participant_assignment_id=pa_id)
    assert (attempt.completion_status, attempt.success_status, attempt.score_scaled) == ("completed", "passed", 0.8)
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in attempt.cmi["statements"]]
    assert verbs == ["launched", "initialized", "launched", "initialized", "completed", "passed", "terminated"]
    moved = ParticipantAssignment.objects.get(pk=pa_id)
    assert (moved.step, moved.practice_position) == (Step.PRACTISING, len(moved.version.content["questions"]) + 1)
    # The last tap was inside the package's frame (another process in Chromium); focus comes back to the
    # page first, as on a phone, where the tap on Verder does both.
    leave_the_package(page, page.locator("#screen").get_by_role("button", name="Verder"))
    assert page.locator("iframe.package-frame").count() == 0
    assert (
        ParticipantAssignment.objects.get(pk=pa_id).practice_position == len(world.pa.version.content["questions"]) + 1
    )
