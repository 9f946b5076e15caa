"""E-learning packages as an assignment's practice part (wpo/packages): the upload and its checks,
where the files go, who may attach one, and what the practice screen may send."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.curriculum.models import Assignment
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person, Role
from wpo.packages import services
from wpo.packages.models import Package, PackageAttempt, PackageVersion
from wpo.packages.validation import check_package
from wpo.trajectories.models import LookBackAnswer, Step

from .conftest import login
from .factories import World, make_person, make_skill
from .packages_helpers import CMI5, MANIFEST_12, PAGE, make_zip, scorm12_zip, scorm2004_zip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def refusal(data: bytes) -> str:
    with pytest.raises(Refused) as caught:
        check_package(io.BytesIO(data), len(data))
    return str(caught.value)


def upload(
    world: World, data: bytes, *, assignment: Assignment | None = None, placement: str = "instead"
) -> PackageVersion:
    assignment = assignment or world.pa.version.assignment
    return services.package_upload(
        assignment=assignment,
        upload=io.BytesIO(data),
        size=len(data),
        name="module.zip",
        placement=placement,
        actor=world.content_editor,
    )


# The checks -------------------------------------------------------------------------------------


def test_a_scorm_12_package_is_read_with_its_title_and_start_file() -> None:
    data = scorm12_zip(title="Hulp vragen", start="scormdriver/indexAPI.html")
    checked = check_package(io.BytesIO(data), len(data))
    assert (checked.kind, checked.schema_version, checked.title) == ("scorm12", "1.2", "Hulp vragen")
    assert checked.start_path == "scormdriver/indexAPI.html"
    assert checked.files == ("imsmanifest.xml", "scormdriver/indexAPI.html")


def test_a_scorm_2004_package_says_its_edition() -> None:
    data = scorm2004_zip()
    checked = check_package(io.BytesIO(data), len(data))
    assert (checked.kind, checked.schema_version) == ("scorm2004", "2004 4th Edition")


def test_a_cmi5_package_is_recognised() -> None:
    data = make_zip({"cmi5.xml": CMI5, "index.html": PAGE})
    checked = check_package(io.BytesIO(data), len(data))
    assert (checked.kind, checked.title, checked.start_path) == ("cmi5", "Cursus", "index.html")


def test_not_a_zip_is_refused() -> None:
    assert "geen zip-bestand" in refusal(b"%PDF-1.4 dit is een pdf")


def test_a_zip_without_a_manifest_is_refused() -> None:
    assert "imsmanifest.xml of cmi5.xml ontbreekt" in refusal(make_zip({"index.html": PAGE}))


def test_a_manifest_in_a_folder_says_how_to_zip_it() -> None:
    message = refusal(make_zip({"module/imsmanifest.xml": MANIFEST_12.format(title="x", start="index.html")}))
    assert "hoofdmap" in message


def test_malformed_xml_is_refused_with_the_problem() -> None:
    assert "geen geldige XML" in refusal(make_zip({"imsmanifest.xml": "<manifest><metadata>", "index.html": PAGE}))


def test_entity_expansion_is_refused_before_it_expands() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><manifest>&b;</manifest>'
    )
    assert "DTD of entiteiten" in refusal(make_zip({"imsmanifest.xml": bomb, "index.html": PAGE}))


def test_an_unknown_scorm_version_is_refused() -> None:
    manifest = MANIFEST_12.format(title="x", start="index.html").replace(">1.2<", ">CAM 1.3<")
    assert "SCORM-versie kennen we niet" in refusal(make_zip({"imsmanifest.xml": manifest, "index.html": PAGE}))


def test_a_start_file_missing_from_the_zip_is_refused() -> None:
    data = make_zip({"imsmanifest.xml": MANIFEST_12.format(title="x", start="index.html"), "andere.html": PAGE})
    assert "‘index.html’ uit het manifest staat niet in het pakket" in refusal(data)


def test_a_start_file_on_the_internet_is_refused() -> None:
    data = make_zip({"imsmanifest.xml": MANIFEST_12.format(title="x", start="https://example.org/a.html")})
    assert "adres op internet" in refusal(data)


@pytest.mark.parametrize("name", ["../buiten.html", "/etc/passwd", "map\\bestand.js", "a/../../b.js", "C:/x.js"])
def test_a_file_outside_the_package_is_refused(name: str) -> None:
    assert "ongeldige plaats" in refusal(scorm12_zip(**{name: "x"}))


def test_a_symbolic_link_is_refused() -> None:
    data = make_zip(
        {
            "imsmanifest.xml": MANIFEST_12.format(title="x", start="index.html"),
            "index.html": PAGE,
            "link": "/etc/passwd",
        },
        symlinks=("link",),
    )
    assert "symbolische link" in refusal(data)


def test_too_many_files_are_refused(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PACKAGE_MAX_FILES = 5
    assert "te veel bestanden: 7" in refusal(scorm12_zip(**{f"f{i}.js": "x" for i in range(5)}))


def test_a_file_too_big_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PACKAGE_MAX_FILE_BYTES = 1000
    assert "‘video.mp4’ is te groot" in refusal(scorm12_zip(**{"video.mp4": bytes(range(256)) * 8}))


def test_too_much_in_total_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PACKAGE_MAX_TOTAL_BYTES = 3000
    assert "uitgepakt te groot" in refusal(scorm12_zip(**{f"f{i}.bin": bytes(range(256)) * 4 for i in range(4)}))


def test_an_upload_too_big_is_refused_before_it_is_opened(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PACKAGE_MAX_UPLOAD_BYTES = 100
    assert "Het bestand is te groot" in refusal(scorm12_zip())


def test_a_zip_bomb_is_refused_by_its_ratio() -> None:
    # 20 MB of zeros pack into about 20 kB: a ratio of about 1000.
    assert "verdacht veel groter" in refusal(scorm12_zip(**{"nul.bin": b"\0" * (20 * 1024 * 1024)}))


def test_a_header_that_lies_about_the_size_is_caught_while_extracting(world: World) -> None:
    data = bytearray(scorm12_zip(**{"leugen.txt": b"a" * 5000}))
    # Make both size fields of leugen.txt say 10 bytes (local header and central directory).
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("leugen.txt")
    for offset in (info.header_offset + 22, data.rfind(b"leugen.txt") - 46 + 24):
        data[offset : offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(Refused) as caught:
        upload(world, bytes(data))
    assert "leugen.txt" in str(caught.value)
    assert not PackageVersion.objects.exists()


def test_a_password_protected_zip_is_refused() -> None:
    data = bytearray(scorm12_zip())
    # Set the "encrypted" flag on the first entry in the central directory.
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1
    assert "wachtwoord" in refusal(bytes(data))


# The upload -------------------------------------------------------------------------------------


def test_the_upload_extracts_under_a_versioned_folder_and_keeps_the_started_version(world: World) -> None:
    first = upload(world, scorm12_zip(title="Eerste"))
    package = Package.objects.get(assignment=world.pa.version.assignment)
    assert first.number == 1 and first.storage_prefix.startswith(f"packages/{package.pk}/v1-")
    assert default_storage.exists(f"{first.storage_prefix}/index.html")
    assert default_storage.exists(f"{first.storage_prefix}/imsmanifest.xml")

    world.pa.step = Step.PRACTISING
    world.pa.save()
    services.attempt_commit(world.pa, first, {"cmi.core.lesson_status": "incomplete"}, actor=world.participant)
    second = upload(world, scorm12_zip(title="Tweede"))
    package.refresh_from_db()
    assert (second.number, package.current_version) == (2, second)
    assert second.storage_prefix.startswith(f"packages/{package.pk}/v2-")
    assert default_storage.exists(f"{second.storage_prefix}/index.html")
    assert default_storage.exists(f"{first.storage_prefix}/index.html"), "the version a participant plays stays"

    from wpo.packages.selectors import practice_package

    assert practice_package(world.pa).version == first  # type: ignore[union-attr]
    with pytest.raises(Refused):
        services.attempt_commit(world.pa, second, {"cmi.core.lesson_status": "completed"}, actor=world.participant)


def test_the_editor_uploads_through_the_page(client: Client, world: World) -> None:
    assignment = world.pa.version.assignment
    login(client, world.content_editor)
    url = reverse("packages:upload", args=[assignment.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"file": SimpleUploadedFile("module.zip", scorm12_zip(title="Rise-module")), "placement": "instead"}
    )
    assert response.status_code == 302
    assert Package.objects.get(assignment=assignment).current_version.title == "Rise-module"  # type: ignore[union-attr]


def test_a_refused_upload_shows_its_message_and_stores_nothing(client: Client, world: World) -> None:
    login(client, world.content_editor)
    url = reverse("packages:upload", args=[world.pa.version.assignment.pk])
    response = client.post(
        url, {"file": SimpleUploadedFile("module.zip", scorm12_zip(**{"../x.js": "x"})), "placement": "instead"}
    )
    assert response.status_code == 400
    assert "ongeldige plaats" in response.content.decode()
    assert not Package.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TRAINER, Role.COACH, Role.ADMINISTRATOR])
def test_only_a_content_editor_uploads(client: Client, world: World, role: Role) -> None:
    login(client, make_person(world.org, [role]))
    url = reverse("packages:upload", args=[world.pa.version.assignment.pk])
    response = client.post(url, {"file": SimpleUploadedFile("m.zip", scorm12_zip()), "placement": "instead"})
    assert response.status_code == 403
    assert not Package.objects.exists()


def test_another_organisations_editor_gets_404(client: Client, world: World, other_world: World) -> None:
    login(client, other_world.content_editor)
    url = reverse("packages:upload", args=[world.pa.version.assignment.pk])
    response = client.post(url, {"file": SimpleUploadedFile("m.zip", scorm12_zip()), "placement": "instead"})
    assert response.status_code == 404
    assert not Package.objects.exists()


def test_a_national_assignment_needs_the_national_editor(client: Client, world: World) -> None:
    national = Assignment.objects.filter(subskill__skill=make_skill(None)).first()
    assert national is not None
    login(client, world.content_editor)
    url = reverse("packages:upload", args=[national.pk])
    response = client.post(url, {"file": SimpleUploadedFile("m.zip", scorm12_zip()), "placement": "instead"})
    assert response.status_code == 403
    with pytest.raises(Refused):
        upload(world, scorm12_zip(), assignment=national)
    assert not Package.objects.exists()


# What the practice screen sends ------------------------------------------------------------------


def practising(world: World) -> PackageVersion:
    version = upload(world, scorm12_zip())
    world.pa.step = Step.PRACTISING
    world.pa.practice_position = 1
    world.pa.save()
    return version


def track(client: Client, world: World, version: PackageVersion, values: dict[str, object], pa_id: int | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("packages:track", args=[pa_id or world.pa.pk]),
        json.dumps({"version": str(version.public_id), "values": values}),
        content_type="application/json",
    )


def test_completion_and_score_are_kept_and_move_the_practice_part(client: Client, world: World) -> None:
    version = practising(world)
    login(client, world.participant)
    response = track(client, world, version, {"cmi.core.lesson_status": "incomplete", "cmi.suspend_data": "p=3"})
    assert response.json()["done"] is False
    with pytest.raises(Refused):
        from wpo.learn.services import work_task_start

        world.pa.practice_position = 5
        world.pa.save()
        work_task_start(world.pa, actor=world.participant)
    world.pa.practice_position = 1
    world.pa.save()
    response = track(client, world, version, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "80"})
    assert response.json() == {"done": True, "completion": "completed", "success": "passed", "score": 80.0}
    attempt = PackageAttempt.objects.get()
    assert attempt.cmi["cmi.suspend_data"] == "p=3" and attempt.score_scaled == 0.8 and attempt.commits == 2
    world.pa.refresh_from_db()
    assert world.pa.practice_position == len(world.pa.version.content["questions"]) + 1  # the summary


def test_a_failed_package_does_not_finish_the_practice_part(client: Client, world: World) -> None:
    version = practising(world)
    login(client, world.participant)
    assert track(client, world, version, {"cmi.core.lesson_status": "failed"}).json()["done"] is False
    world.pa.refresh_from_db()
    assert world.pa.practice_position == 1


def test_scorm_2004_status_is_read(client: Client, world: World) -> None:
    version = upload(world, scorm2004_zip())
    world.pa.step = Step.PRACTISING
    world.pa.save()
    login(client, world.participant)
    body = track(client, world, version, {"cmi.completion_status": "completed", "cmi.score.scaled": "0.9"}).json()
    assert body["done"] is True and PackageAttempt.objects.get().score_scaled == 0.9


@pytest.mark.parametrize(
    "values", [{"window.location": "x"}, {"cmi.x": {"nested": 1}}, {"cmi.x": "a" * 70_000}, ["cmi.x"]]
)
def test_what_is_not_a_data_model_value_is_refused(client: Client, world: World, values: object) -> None:
    version = practising(world)
    login(client, world.participant)
    response = client.post(
        reverse("packages:track", args=[world.pa.pk]),
        json.dumps({"version": str(version.public_id), "values": values}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not PackageAttempt.objects.exists()


def test_another_participants_attempt_is_404(client: Client, world: World) -> None:
    version = practising(world)
    other = make_person(world.org, [Role.PARTICIPANT], world.department)
    login(client, other)
    assert track(client, world, version, {"cmi.core.lesson_status": "completed"}).status_code == 404
    assert not PackageAttempt.objects.exists()


def test_another_organisation_is_404(client: Client, world: World, outsider: Person) -> None:
    version = practising(world)
    login(client, outsider)
    assert track(client, world, version, {"cmi.core.lesson_status": "completed"}).status_code == 404
    assert not PackageAttempt.objects.exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COACH, Role.CONTENT_EDITOR])
def test_staff_cannot_report_for_a_participant(client: Client, world: World, role: Role) -> None:
    version = practising(world)
    login(client, world.trainer if role == Role.TRAINER else make_person(world.org, [role]))
    assert track(client, world, version, {"cmi.core.lesson_status": "completed"}).status_code == 403
    assert not PackageAttempt.objects.exists()


def test_the_tracking_endpoint_refuses_get(client: Client, world: World) -> None:
    practising(world)
    login(client, world.participant)
    assert client.get(reverse("packages:track", args=[world.pa.pk])).status_code == 405


def test_the_trainer_sees_the_result_beside_the_assignment(client: Client, world: World) -> None:
    version = practising(world)
    services.attempt_commit(
        world.pa, version, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "80"}, actor=world.participant
    )
    login(client, world.trainer)
    body = client.get(reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])).content.decode()
    assert "Oefenpakket ‘Overleggen oefenen’: afgerond, gehaald, score 80" in body


def test_the_trainer_sees_the_result_beside_the_look_back_in_the_conversation(client: Client, world: World) -> None:
    from wpo.trajectories.services import conversations

    version = practising(world)
    services.attempt_commit(
        world.pa, version, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "80"}, actor=world.participant
    )
    for_the_assignment = conversations.conversation_plan(
        trajectory=world.trajectory,
        actor=world.trainer,
        planned_at=timezone.now() + timedelta(days=1),
        participant_assignment=world.pa,
    )
    # A conversation about the whole trajectory shows it beside the assignment's look-back answers.
    LookBackAnswer.objects.create(
        organization=world.org, participant_assignment=world.pa, question_index=0, feeling="good", late=True
    )
    about_everything = conversations.conversation_plan(
        trajectory=world.trajectory, actor=world.trainer, planned_at=timezone.now() + timedelta(days=2)
    )
    login(client, world.trainer)
    for conversation in (for_the_assignment, about_everything):
        body = client.get(reverse("trajectories:conversation", args=[conversation.pk])).content.decode()
        look_back = body.split('id="agenda-terugkijken"', 1)[1].split("</section>", 1)[0]
        assert "Oefenpakket ‘Overleggen oefenen’: afgerond, gehaald, score 80" in look_back


def test_the_practice_screen_shows_the_package_until_it_is_done(client: Client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CONTENT_ORIGIN = "http://inhoud.example"
    version = practising(world)
    login(client, world.participant)
    body = client.get(reverse("learn:assignment", args=[world.pa.pk])).content.decode()
    assert f'src="http://inhoud.example/launch/{version.public_id}/"' in body
    assert 'sandbox="allow-scripts allow-forms allow-same-origin"' in body
    services.attempt_commit(world.pa, version, {"cmi.core.lesson_status": "completed"}, actor=world.participant)
    body = client.get(reverse("learn:assignment", args=[world.pa.pk])).content.decode()
    assert "/launch/" not in body


# The content origin ------------------------------------------------------------------------------

CONTENT = "inhoud.example:8001"


@pytest.fixture
def content_origin(settings) -> str:  # type: ignore[no-untyped-def]
    settings.CONTENT_ORIGIN = f"http://{CONTENT}"
    return CONTENT


def test_the_content_origin_serves_the_package_without_cookies(
    client: Client, world: World, content_origin: str
) -> None:
    version = upload(world, scorm12_zip(**{"css/stijl.css": "body{}"}))
    login(client, world.participant)  # the browser may send the platform's cookies along: nothing reads them
    launcher = client.get(f"/launch/{version.public_id}/", HTTP_HOST=content_origin)
    assert launcher.status_code == 200
    assert f'data-start="/p/{version.public_id}/index.html"' in launcher.content.decode()
    for response in (
        launcher,
        client.get(f"/p/{version.public_id}/index.html", HTTP_HOST=content_origin),
        client.get(f"/p/{version.public_id}/css/stijl.css", HTTP_HOST=content_origin),
        client.get("/runtime/scorm-bridge.js", HTTP_HOST=content_origin),
    ):
        assert response.status_code == 200
        assert not response.cookies and "Set-Cookie" not in response
        policy = response["Content-Security-Policy"]
        assert "sandbox allow-scripts allow-forms allow-same-origin" in policy
        assert "connect-src 'self'" in policy and "frame-ancestors 'self' " in policy
        assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        b"".join(client.get(f"/p/{version.public_id}/index.html", HTTP_HOST=content_origin).streaming_content)
        == PAGE.encode()
    )  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path", ["/deelnemer/", "/accounts/login/", "/curriculum/", "/django-admin/", "/static/js/app.js", "/healthz"]
)
def test_the_content_origin_answers_nothing_of_the_platform(
    client: Client, world: World, content_origin: str, path: str
) -> None:
    login(client, world.participant)
    response = client.get(path, HTTP_HOST=content_origin)
    assert response.status_code == 404
    assert not response.cookies


def test_the_content_origin_takes_no_post(client: Client, world: World, content_origin: str) -> None:
    version = practising(world)
    login(client, world.participant)
    response = client.post(
        reverse("packages:track", args=[world.pa.pk]),
        json.dumps({"version": str(version.public_id), "values": {"cmi.core.lesson_status": "completed"}}),
        content_type="application/json",
        HTTP_HOST=content_origin,
    )
    assert response.status_code == 405
    assert not PackageAttempt.objects.exists()


def test_the_platform_never_serves_package_files(client: Client, world: World, content_origin: str) -> None:
    version = upload(world, scorm12_zip())
    login(client, world.participant)
    assert client.get(f"/p/{version.public_id}/index.html").status_code == 404
    assert client.get(f"/launch/{version.public_id}/").status_code == 404


@pytest.mark.parametrize("path", ["../../../etc/passwd", "..%2F..%2Fsecret", "imsmanifest.xml/../../x"])
def test_a_file_outside_the_version_is_not_served(client: Client, world: World, content_origin: str, path: str) -> None:
    version = upload(world, scorm12_zip())
    response = client.get(f"/p/{version.public_id}/{path}", HTTP_HOST=content_origin)
    assert response.status_code == 404


def test_an_unknown_version_is_404(client: Client, content_origin: str, db: None) -> None:
    response = client.get("/launch/00000000-0000-0000-0000-000000000000/", HTTP_HOST=content_origin)
    assert response.status_code == 404


def test_back_from_the_summary_shows_the_package_again_with_verder(client: Client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    version = practising(world)
    services.attempt_commit(world.pa, version, {"cmi.core.lesson_status": "completed"}, actor=world.participant)
    login(client, world.participant)
    client.post(reverse("learn:previous", args=[world.pa.pk]))
    body = client.get(reverse("learn:assignment", args=[world.pa.pk])).content.decode()
    assert f"/launch/{version.public_id}/" in body
    assert '<div class="package-next">' in body, "done: Verder is shown at once"


def test_the_content_origin_must_be_another_host_and_https_in_production(settings) -> None:  # type: ignore[no-untyped-def]
    from wpo.packages.checks import content_origin_is_another_host, content_origin_is_set_for_production

    settings.SITE_URL = "https://wpo.example.nl"
    settings.CONTENT_ORIGIN = "https://wpo.example.nl:8443"
    assert [e.id for e in content_origin_is_another_host(None)] == ["packages.E002"]
    settings.CONTENT_ORIGIN = "http://inhoud.example.nl"
    assert content_origin_is_another_host(None) == []
    assert [w.id for w in content_origin_is_set_for_production(None)] == ["packages.W001"]
    settings.CONTENT_ORIGIN = "https://inhoud.example.nl"
    assert content_origin_is_set_for_production(None) == []


# cmi5 ---------------------------------------------------------------------------------------------


def cmi5_launch(client: Client, world: World, settings) -> tuple[PackageVersion, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A cmi5 package on the world's assignment, shown to the participant: its launch parameters."""
    from urllib.parse import parse_qsl, urlsplit

    settings.CONTENT_ORIGIN = f"http://{CONTENT}"
    version = upload(world, make_zip({"cmi5.xml": CMI5, "index.html": PAGE}))
    world.pa.step = Step.PRACTISING
    world.pa.practice_position = 1
    world.pa.save()
    login(client, world.participant)
    body = client.get(reverse("learn:assignment", args=[world.pa.pk])).content.decode()
    assert f'src="http://{CONTENT}/launch/{version.public_id}/"' in body
    assert not PackageAttempt.objects.exists(), "showing the screen launches nothing"
    response = client.post(
        reverse("packages:track", args=[world.pa.pk]),
        json.dumps({"version": str(version.public_id), "launch": True}),
        content_type="application/json",
    )
    src = response.json()["launch_url"]
    assert src.startswith(f"http://{CONTENT}/p/{version.public_id}/index.html?")
    return version, dict(parse_qsl(urlsplit(src).query))


def xapi(client: Client, method: str, path: str, token: str, body: object = None, **query: str):  # type: ignore[no-untyped-def]
    from urllib.parse import urlencode

    url = f"/xapi/{path}" + (f"?{urlencode(query)}" if query else "")
    headers = {"HTTP_HOST": CONTENT, "HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    if method == "GET":
        return client.get(url, **headers)
    call = client.post if method == "POST" else client.put
    return call(url, json.dumps(body), content_type="application/json", **headers)


def verb(version: PackageVersion, name: str, **result: object) -> dict[str, object]:
    return {
        "actor": {"objectType": "Agent", "account": {"homePage": "x", "name": "y"}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{name}"},
        "object": {"id": version.activity_id},
        **({"result": result} if result else {}),
    }


def test_a_cmi5_package_is_launched_with_its_parameters(client: Client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    version, launch = cmi5_launch(client, world, settings)
    assert version.kind == "cmi5" and version.activity_id == "https://example.org/au1"
    assert launch["endpoint"] == f"http://{CONTENT}/xapi/"
    assert launch["fetch"].startswith(f"http://{CONTENT}/cmi5/fetch/")
    assert launch["activityId"] == "https://example.org/au1"
    actor = json.loads(launch["actor"])
    assert actor["account"]["name"] == f"deelnemer-{world.pa.pk}" and "name" not in actor, "no name for the package"
    attempt = PackageAttempt.objects.get()
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in attempt.cmi["statements"]] == ["launched"]


def test_the_fetch_url_gives_its_token_once(client: Client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    _version, launch = cmi5_launch(client, world, settings)
    path = launch["fetch"].split(CONTENT, 1)[1]
    first = client.post(path, HTTP_HOST=CONTENT)
    assert first.status_code == 200 and first.json()["auth-token"] and not first.cookies
    second = client.post(path, HTTP_HOST=CONTENT)
    assert second.status_code == 400 and second.json()["error-code"] == "1"


def test_cmi5_statements_move_the_practice_part(client: Client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    version, launch = cmi5_launch(client, world, settings)
    token = client.post(launch["fetch"].split(CONTENT, 1)[1], HTTP_HOST=CONTENT).json()["auth-token"]
    data = xapi(client, "GET", "activities/state", token, stateId="LMS.LaunchData", activityId=version.activity_id)
    assert data.status_code == 200 and data.json()["moveOn"] == "CompletedOrPassed"
    assert (
        xapi(
            client, "PUT", "activities/state", token, {"dia": 4}, stateId="voortgang", activityId=version.activity_id
        ).status_code
        == 204
    )
    assert xapi(
        client, "GET", "activities/state", token, stateId="voortgang", activityId=version.activity_id
    ).json() == {"dia": 4}
    for name, result in (("initialized", {}), ("completed", {}), ("passed", {"score": {"scaled": 0.8, "raw": 8}})):
        response = xapi(client, "POST", "statements", token, verb(version, name, **result))
        assert response.status_code == 200, response.content
        assert "Set-Cookie" not in response
    attempt = PackageAttempt.objects.get()
    assert (attempt.completion_status, attempt.success_status, attempt.score_scaled, attempt.score_raw) == (
        "completed",
        "passed",
        0.8,
        8.0,
    )
    assert attempt.done and len(attempt.cmi["statements"]) == 4
    world.pa.refresh_from_db()
    assert world.pa.practice_position == len(world.pa.version.content["questions"]) + 1


def test_the_xapi_endpoint_refuses_without_the_launchs_token(client: Client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    version, launch = cmi5_launch(client, world, settings)
    token = client.post(launch["fetch"].split(CONTENT, 1)[1], HTTP_HOST=CONTENT).json()["auth-token"]
    assert xapi(client, "POST", "statements", "verkeerd", verb(version, "completed")).status_code == 401
    other = verb(version, "completed")
    other["object"] = {"id": "https://example.org/een-andere-les"}
    assert xapi(client, "POST", "statements", token, other).status_code == 400
    from wpo.packages.models import Cmi5Launch

    Cmi5Launch.objects.update(expires_at=timezone.now())
    assert xapi(client, "POST", "statements", token, verb(version, "completed")).status_code == 401
    assert PackageAttempt.objects.get().completion_status == "not attempted"


def test_the_participants_data_export_holds_what_the_package_reported(world: World) -> None:
    from wpo.privacy.export import person_data

    version = practising(world)
    services.attempt_commit(
        world.pa, version, {"cmi.core.lesson_status": "passed", "cmi.suspend_data": "p=9"}, actor=world.participant
    )
    data = person_data(world.participant)
    (played,) = [p for t in data["trajectories"] for a in t["assignments"] for p in a["practice_packages"]]
    assert played["package"] == "Overleggen oefenen" and played["values"]["cmi.suspend_data"] == "p=9"


def test_the_curriculum_export_references_the_package_of_an_assignment(world: World) -> None:
    """Issue 22.4: the exchange document names each assignment's package (where it goes in the practice
    part and which upload, by name and SHA-256); the .zip travels beside it. Loading ignores the part."""
    import hashlib

    from wpo.curriculum import content_format
    from wpo.curriculum.services import curriculum_export

    data = scorm12_zip(title="Overleggen oefenen")
    version = upload(world, data, placement="before")
    doc = curriculum_export(organization=world.org)
    assignment = world.pa.version.assignment
    assert doc["packages"] == [
        {
            "skill": assignment.subskill.skill.code,
            "subskill": assignment.subskill.number,
            "level": assignment.level,
            "placement": "before",
            "kind": "scorm12",
            "schema_version": version.schema_version,
            "title": "Overleggen oefenen",
            "version": 1,
            "file_name": "module.zip",
            "sha256": hashlib.sha256(data).hexdigest(),
            "files": version.file_count,
            "bytes": version.total_bytes,
        }
    ]
    # The test world's skill is not full content (its choice card is empty): only that is said.
    _skills, _assignments, problems = content_format.validate_document(doc)
    assert not [p for p in problems if "package" in f"{p.path} {p.field} {p.message}"]
    # Another organisation's export, and the national one, name no package of this organisation.
    assert "packages" not in curriculum_export(organization=None)


def test_the_report_counts_the_packages_played_in_the_period(client: Client, world: World) -> None:
    """Issue 22.3: the project manager's report counts the packages finished (and begun, not passed) in
    its period and department; nothing of another organisation."""
    from wpo.orgs.models import Department
    from wpo.reports.access import report_scope
    from wpo.reports.exports import to_csv
    from wpo.reports.figures import Preset, ReportFilter, compute, preset_period

    from .factories import make_world

    version = upload(world, scorm12_zip())
    world.pa.step = Step.PRACTISING
    world.pa.save()
    services.attempt_commit(
        world.pa, version, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "80"}, actor=world.participant
    )
    other = make_world("elders")
    other_version = upload(other, scorm12_zip())
    other.pa.step = Step.PRACTISING
    other.pa.save()
    services.attempt_commit(other.pa, other_version, {"cmi.core.lesson_status": "failed"}, actor=other.participant)

    scope = report_scope(world.project_manager)
    period = preset_period(Preset.THIS_YEAR, timezone.localdate())
    report = compute(scope, ReportFilter(period))
    assert (report.packages.started, report.packages.done, report.packages.failed) == (1, 1, 0)
    empty = Department.objects.create(organization=world.org, name="Leeg")
    assert compute(scope, ReportFilter(period, department=empty)).packages.done == 0
    assert "Samenvatting;Oefenpakketten afgerond;Aantal opdrachten;1" in to_csv(report).decode("utf-8-sig")
    login(client, world.project_manager)
    page = client.get(reverse("reports:report")).content.decode()
    assert "oefenpakketten (e-learning) afgerond" in page
    assert compute(report_scope(other.project_manager), ReportFilter(period)).packages.failed == 1
