"""Certificates: the verification code, issuing on closing, the frozen snapshot, the PDF with its QR
code, the public check page, revoking, and the staff pages with their access rules."""

import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
import zxingcpp
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from wpo.certificates import pdf as certificate_pdf
from wpo.certificates import services
from wpo.certificates.access import certificate_for_code
from wpo.certificates.models import CODE_ALPHABET, Certificate, format_code
from wpo.certificates.services import generate_code, normalize_code
from wpo.curriculum.models import Assignment, SubSkill
from wpo.lib.refusals import Refused
from wpo.orgs.models import Role
from wpo.trajectories.models import Assessment, Trajectory
from wpo.trajectories.services import signoff
from wpo.trajectories.workflow import give_assignment

from .conftest import login
from .factories import World, achieve, make_certificate, make_person

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"WPO-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}(-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}){2}")


@pytest.fixture
def levels(world: World) -> None:
    """Level texts that can be recognised in a page or a PDF."""
    for sub in SubSkill.objects.filter(skill=world.skill):
        sub.name = f"Deelskill nummer {sub.number}"
        sub.level_a = f"Met hulp lukt het bij deelskill {sub.number}."
        sub.level_b = f"Meestal zelf lukt het bij deelskill {sub.number}."
        sub.level_c = f"Helemaal zelf lukt het bij deelskill {sub.number}."
        sub.save()
    world.skill.name = "Overleggen"
    world.skill.save()


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def qr_codes(pdf: bytes) -> list[str]:
    """Every QR code in the PDF's pictures, decoded as a phone's camera would."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for picture in page.images:
            image = Image.open(io.BytesIO(picture.data))
            found += [result.text for result in zxingcpp.read_barcodes(image)]
    return sorted(set(found))


def assignment(world: World, number: int, level: str) -> Assignment:
    return Assignment.objects.get(subskill__skill=world.skill, subskill__number=number, level=level)


def give_and_achieve(world: World, number: int, level: str) -> None:
    pa = give_assignment(world.trajectory, assignment(world, number, level).current_version, actor=world.trainer)  # type: ignore[arg-type]
    achieve(world, pa)


# The verification code ---------------------------------------------------------------------------


def test_codes_are_unguessable_readable_and_unique() -> None:
    assert len(CODE_ALPHABET) ** 12 >= 2**60
    assert not set("01OI") & set(CODE_ALPHABET)
    codes = {generate_code() for _ in range(3000)}
    assert len(codes) == 3000
    for code in list(codes)[:50]:
        assert len(code) == 12 and set(code) <= set(CODE_ALPHABET)
        assert CODE_RE.fullmatch(format_code(code))


def test_a_code_is_found_however_it_is_typed(world: World) -> None:
    certificate = make_certificate(world)
    shown = certificate.display_code
    assert CODE_RE.fullmatch(shown)
    bare = shown.replace("-", "")[3:]
    for typed in (shown, shown.lower(), bare, bare.lower(), f"  {shown[4:]} ", shown.replace("-", " "), shown[4:]):
        assert normalize_code(typed) == certificate.code, typed
        assert certificate_for_code(typed) == certificate, typed
    for wrong in ("", "WPO", bare[:-1], bare + "2", bare.replace(bare[0], "0"), "WPO-IIII-IIII-IIII"):
        assert certificate_for_code(wrong) is None, wrong


def test_the_code_is_unique_in_the_database(world: World) -> None:
    from django.db import IntegrityError, transaction

    certificate = make_certificate(world)
    copy = Certificate.objects.get(pk=certificate.pk)
    copy.pk = None
    copy.kind = Certificate.Kind.TRAJECTORY
    copy.trajectory_skill = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


# Issuing -----------------------------------------------------------------------------------------


def test_closing_a_skill_issues_a_certificate_with_the_highest_level_per_subskill(world: World, levels: None) -> None:
    achieve(world)  # 1-A
    give_and_achieve(world, 1, "B")
    give_and_achieve(world, 2, "A")
    chosen = world.trajectory.chosen_skills.get()
    signoff.skill_close(chosen, actor=world.coach, level="B")
    certificate = Certificate.objects.get()
    assert (certificate.kind, certificate.trajectory_skill, certificate.participant) == (
        Certificate.Kind.SKILL,
        chosen,
        world.participant,
    )
    assert certificate.issued_by == world.coach and certificate.is_valid
    snap = certificate.snapshot
    assert snap["participant_name"] == world.participant.name
    assert snap["organization_name"] == world.org.name
    assert snap["trainer_name"] == world.trainer.name
    assert snap["coach_name"] == world.coach.name  # the organisation's only coach
    assert snap["period_start"] == world.trajectory.starts_on.isoformat()
    assert snap["period_end"] == timezone.localdate().isoformat()
    assert snap["skills"] == [
        {
            "name": "Overleggen",
            "closed_level": "B",
            "subskills": [
                {
                    "number": 1,
                    "name": "Deelskill nummer 1",
                    "level": "B",
                    "level_description": "Meestal zelf lukt het bij deelskill 1.",
                },
                {
                    "number": 2,
                    "name": "Deelskill nummer 2",
                    "level": "A",
                    "level_description": "Met hulp lukt het bij deelskill 2.",
                },
            ],
        }
    ]


def test_the_coach_is_the_second_assessor_of_the_latest_assessment_else_the_first_coach(world: World) -> None:
    # Without a second assessor: the alphabetically first coach of the organisation.
    world.coach.user.first_name = "Zeger"
    world.coach.user.save()
    anna = make_person(world.org, [Role.COACH], first_name="Anna")
    bert = make_person(world.org, [Role.COACH], first_name="Bert")
    gone = make_person(world.org, [Role.COACH], first_name="Aaron")
    gone.user.is_active = False  # left the organisation: not on new certificates
    gone.user.save()
    assert services.coach_for(world.trajectory) == anna
    # With one: the coach who was second assessor on the latest assessment that had one.
    achieve(world)
    first = Assessment.objects.get()
    first.second_assessor = bert
    first.save()
    assert services.coach_for(world.trajectory) == bert
    certificate = make_certificate_again(world)
    assert certificate.snapshot["coach_name"] == bert.name


def make_certificate_again(world: World) -> Certificate:
    chosen = world.trajectory.chosen_skills.get()
    signoff.skill_close(chosen, actor=world.trainer, level="A")
    return Certificate.objects.get(trajectory_skill=chosen)


def test_closing_the_trajectory_issues_a_trajectory_certificate(world: World) -> None:
    certificate = make_certificate(world)
    signoff.trajectory_close(world.trajectory, actor=world.trainer)
    assert Certificate.objects.count() == 2
    whole = Certificate.objects.get(kind=Certificate.Kind.TRAJECTORY)
    assert whole.trajectory == world.trajectory and whole.trajectory_skill is None
    assert whole.issued_by == world.trainer
    assert whole.snapshot["skills"][0]["name"] == world.skill.name
    assert whole.code != certificate.code
    # Closing again is refused, and nothing new is issued.
    with pytest.raises(Refused):
        signoff.trajectory_close(world.trajectory, actor=world.trainer)
    assert Certificate.objects.count() == 2


def test_a_trajectory_without_any_achievement_ends_without_a_certificate(world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(ends_on=date.today() - timedelta(days=1))
    world.trajectory.refresh_from_db()
    signoff.trajectory_close(world.trajectory, actor=world.trainer, stop_reason="De periode is om.")
    assert Trajectory.objects.get(pk=world.trajectory.pk).status == Trajectory.Status.CLOSED
    assert not Certificate.objects.exists()


def test_a_stopped_trajectory_gets_no_certificate(world: World) -> None:
    achieve(world)
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        status=Trajectory.Status.STOPPED, closed_at=timezone.now(), stop_reason="Verhuisd."
    )
    world.trajectory.refresh_from_db()
    assert services.issue_trajectory_certificate(world.trajectory, actor=world.coach) is None
    with pytest.raises(Refused):
        signoff.trajectory_close(world.trajectory, actor=world.coach)
    with pytest.raises(Refused):
        signoff.skill_close(world.trajectory.chosen_skills.get(), actor=world.coach, level="A")
    assert not Certificate.objects.exists()


def test_the_certificate_is_issued_in_the_same_transaction_as_the_closing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    achieve(world)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(services, "issue_skill_certificate", broken)
    chosen = world.trajectory.chosen_skills.get()
    with pytest.raises(RuntimeError):
        signoff.skill_close(chosen, actor=world.coach, level="A")
    chosen.refresh_from_db()
    assert chosen.closed_at is None and not Certificate.objects.exists()


def test_the_snapshot_stays_as_issued_after_later_changes(client: Client, world: World, levels: None) -> None:
    certificate = make_certificate(world)
    old_name, old_org = world.participant.name, world.org.name
    world.participant.user.first_name = "Anders"
    world.participant.user.last_name = "Genoemd"
    world.participant.user.save()
    world.org.name = "Nieuwe Naam BV"
    world.org.save()
    world.skill.name = "Hernoemde skill"
    world.skill.save()
    SubSkill.objects.filter(skill=world.skill).update(level_a="Een heel andere tekst.")
    world.trainer.user.last_name = "Veranderd"
    world.trainer.user.save()

    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.participant_name == old_name
    text = pdf_text(render(certificate))
    for expected in (old_name, old_org, "Overleggen", "Met hulp lukt het bij deelskill 1."):
        assert expected in " ".join(text.split()), expected
    for changed in ("Genoemd", "Nieuwe Naam", "Hernoemde", "heel andere", "Veranderd"):
        assert changed not in text
    page = client.get(reverse("certificates:verify", args=[certificate.display_code])).content.decode()
    assert old_name in page and "Overleggen" in page and "Genoemd" not in page


def render(certificate: Certificate) -> bytes:
    from wpo.certificates.pdf import render_certificates

    return render_certificates([certificate], "http://testserver")


# The PDF -----------------------------------------------------------------------------------------


def test_the_pdf_says_what_was_achieved_and_its_qr_code_opens_the_check_page(
    client: Client, world: World, levels: None
) -> None:
    certificate = make_certificate(world)
    login(client, world.coach)
    response = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = " ".join(pdf_text(pdf).split())
    for expected in (
        world.participant.name,
        world.org.name,
        "Overleggen",
        "Deelskill nummer 1",
        "niveau A",
        "Met hulp lukt het bij deelskill 1.",
        world.trainer.name,
        world.coach.name,
        certificate.display_code,
        "Certificaat".upper(),
    ):
        assert expected in text, expected

    # The QR code, read from the picture in the PDF, is the absolute address of the check page.
    client.logout()
    url = f"http://testserver/certificaten/controle/{certificate.display_code}/"
    assert qr_codes(pdf) == [url]
    check = client.get(url)
    assert check.status_code == 200
    page = check.content.decode()
    assert "Dit certificaat is geldig" in page and world.participant.name in page


def _curriculum_skills(count: int, subskills_per_skill: int = 2) -> list[dict[str, object]]:
    """Snapshot skills from the real curriculum (content/skills), with its longest names and level texts."""
    docs = sorted(
        (
            yaml.safe_load(path.read_text())
            for path in (Path(__file__).resolve().parents[1] / "content/skills").glob("*.yaml")
        ),
        key=lambda doc: doc["order"],
    )
    skills = []
    for k, doc in enumerate(docs[:count]):
        subskills = [doc["subskills"][j % len(doc["subskills"])] for j in range(subskills_per_skill)]
        skills.append(
            {
                "name": doc["name"],
                "closed_level": "B",
                "subskills": [
                    {
                        "number": j + 1,
                        "name": sub["name"],
                        "level": "ABC"[(k + j) % 3],
                        "level_description": sub["levels"]["ABC"[(k + j) % 3]],
                    }
                    for j, sub in enumerate(subskills)
                ],
            }
        )
    return skills


@pytest.mark.parametrize(
    ("skills", "subskills", "density"),
    [
        (1, 2, "roomy"),
        (2, 2, "compact"),
        (1, 5, "tight"),
        (3, 2, "tight"),
        (4, 2, "tight"),
        (5, 2, "list"),
        (8, 2, "list"),
    ],
)
def test_every_density_prints_on_one_page_with_every_skill_and_a_readable_qr_code(
    world: World, skills: int, subskills: int, density: str
) -> None:
    certificate = make_certificate(world)
    certificate.snapshot = {**certificate.snapshot, "skills": _curriculum_skills(skills, subskills)}
    assert certificate_pdf.page_context(certificate, "http://testserver", "")["density"] == density
    pdf = certificate_pdf.render_certificates([certificate], "http://testserver")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = " ".join(pdf_text(pdf).split())
    for skill in certificate.snapshot["skills"]:
        assert skill["name"] in text
        for sub in skill["subskills"]:
            assert f"niveau {sub['level']}" in text
    assert qr_codes(pdf) == [certificate_pdf.verification_url("http://testserver", certificate)]


def _boxes(box: Any, css_class: str) -> list[Any]:
    """Every laid-out box (or fragment of one, when it wraps) of the elements with this class."""
    found = []
    element = getattr(box, "element", None)
    if element is not None and css_class in (element.get("class") or "").split() and box.element_tag != "":
        found.append(box)
    for child in getattr(box, "children", ()):
        found += _boxes(child, css_class)
    return found


@pytest.mark.parametrize("skills", [3, 5])
def test_a_long_word_in_a_name_wraps_and_never_runs_under_the_level_or_into_the_other_column(
    world: World, skills: int
) -> None:
    """An organisation writes its own sub-skills: a name with a word longer than its column (the national
    curriculum's longest word is 13 letters) is broken, not printed under the level or past the cell."""
    from django.utils import translation

    from wpo.lib.pdf import layout

    certificate = make_certificate(world)
    chosen = _curriculum_skills(skills)
    chosen[0]["subskills"][0]["name"] = "Persoonlijkebeschermingsmiddelenvoorschriften naleven"  # type: ignore[index]
    chosen[0]["name"] = "Arbeidsomstandighedenvoorschriftenkennis"
    certificate.snapshot = {**certificate.snapshot, "skills": chosen}
    with translation.override("nl"):
        html = certificate_pdf._html([certificate], "http://testserver", {})
    page = layout(html, certificate_pdf.PRINT_CSS).pages[0]._page_box
    names, levels, cells = _boxes(page, "subskill-name"), _boxes(page, "level"), _boxes(page, "skill")
    assert names and levels and len(cells) == skills

    def right(box: Any) -> float:
        return float(box.position_x + box.margin_width())

    for name in names:
        cell = next(
            c
            for c in cells
            if c.position_x <= name.position_x < right(c)
            and c.position_y <= name.position_y < c.position_y + c.margin_height()
        )
        assert right(name) <= right(cell) - cell.padding_right + 0.01
        for level in levels:
            same_line = level.position_y < name.position_y + name.margin_height() and name.position_y < (
                level.position_y + level.margin_height()
            )
            if same_line and level.position_x >= name.position_x:
                assert right(name) <= level.position_x + 0.01
    for heading in _boxes(page, "skill"):
        for h3 in [b for b in heading.descendants() if getattr(b, "element_tag", "") == "h3"]:
            assert right(h3) <= right(heading) + 0.01


def test_a_revoked_certificate_still_prints_but_says_so(world: World) -> None:
    certificate = make_certificate(world)
    services.certificate_revoke(certificate, actor=world.coach, reason="Verkeerde persoon.")
    assert "INGETROKKEN" in pdf_text(render(certificate)).upper()


# The public check page ---------------------------------------------------------------------------


def test_the_check_page_shows_only_name_achievements_issuer_and_date(
    client: Client, world: World, levels: None
) -> None:
    world.participant.employee_number = "P-778899"
    world.participant.save()
    certificate = make_certificate(world)
    response = client.get(reverse("certificates:verify", args=[certificate.display_code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<meta name="robots" content="noindex' in page
    assert "noindex" in response["X-Robots-Tag"]
    assert "Dit certificaat is geldig" in page
    for shown in (world.participant.name, world.org.name, "Overleggen", "niveau A", "Deelskill nummer 1"):
        assert shown in page, shown
    assert timezone.localtime(certificate.issued_at).strftime("%Y") in page
    for private in (
        world.trainer.user.last_name,
        world.coach.user.last_name,
        world.department.name,
        world.participant.user.email,
        world.participant.user.username,
        "P-778899",
        "Periode",
    ):
        assert private not in page, private


def test_a_revoked_certificate_says_so_without_the_reason(client: Client, world: World) -> None:
    certificate = make_certificate(world)
    services.certificate_revoke(certificate, actor=world.project_manager, reason="Dubbel uitgereikt per ongeluk.")
    page = client.get(reverse("certificates:verify", args=[certificate.display_code])).content.decode()
    assert "Dit certificaat is ingetrokken op" in page
    assert "Dit certificaat is geldig" not in page
    assert "Dubbel uitgereikt" not in page and world.project_manager.user.last_name not in page


def test_an_unknown_code_is_a_404_and_a_differently_typed_code_goes_to_the_page(client: Client, world: World) -> None:
    certificate = make_certificate(world)
    assert client.get(reverse("certificates:verify", args=["WPO-2345-6789-ABCD"])).status_code == 404
    assert client.get("/certificaten/controle/niet-een-code/").status_code == 404
    typed = certificate.display_code.replace("-", "").lower()
    response = client.get(reverse("certificates:verify", args=[typed]))
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[certificate.display_code])


def test_the_check_form_finds_a_typed_code_and_explains_a_wrong_one(client: Client, world: World) -> None:
    certificate = make_certificate(world)
    form_url = reverse("certificates:verify_form")
    page = client.get(form_url)
    assert page.status_code == 200 and "Controlecode" in page.content.decode()
    response = client.get(form_url, {"code": certificate.display_code[4:].lower().replace("-", " ")})
    assert response["Location"] == reverse("certificates:verify", args=[certificate.display_code])
    unknown = client.get(form_url, {"code": "WPO-2345-6789-ABCD"}).content.decode()
    assert "Er is geen certificaat met deze code" in unknown
    wrong = client.get(form_url, {"code": "WPO-0000-1111"}).content.decode()
    assert "geen 0, O, 1 of I" in wrong
    empty = client.get(form_url, {"code": ""}).content.decode()
    assert "Typ de code die onderaan het certificaat staat." in empty


# Revoking ----------------------------------------------------------------------------------------


def revoke_url(certificate: Certificate) -> str:
    return reverse("certificates:revoke", args=[certificate.pk])


@pytest.mark.parametrize("role", [Role.COACH, Role.PROJECT_MANAGER])
def test_coach_and_project_manager_revoke_with_a_reason(client: Client, world: World, role: Role) -> None:
    certificate = make_certificate(world)
    actor = world.by_role(role)
    login(client, actor)
    response = client.post(revoke_url(certificate), {"reason": "  Naam verkeerd gespeld.  "}, follow=True)
    assert "is ingetrokken" in response.content.decode()
    certificate.refresh_from_db()
    assert (certificate.revoked_by, certificate.revoke_reason) == (actor, "Naam verkeerd gespeld.")
    assert certificate.revoked_at is not None and not certificate.is_valid
    again = client.post(revoke_url(certificate), {"reason": "Nog een keer."})
    assert again.status_code == 400 and "al ingetrokken" in again.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Naam verkeerd gespeld."


def test_revoking_needs_a_reason(client: Client, world: World) -> None:
    certificate = make_certificate(world)
    login(client, world.coach)
    response = client.post(revoke_url(certificate), {"reason": "   "})
    assert response.status_code == 400
    assert "Schrijf op waarom u dit certificaat intrekt." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_valid


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PARTICIPANT, Role.ADMINISTRATOR, Role.CONTENT_EDITOR])
def test_other_roles_may_not_revoke(client: Client, world: World, role: Role) -> None:
    certificate = make_certificate(world)
    login(client, world.by_role(role))
    assert client.post(revoke_url(certificate), {"reason": "Zomaar."}).status_code == 403
    assert client.get(reverse("certificates:detail", args=[certificate.pk])).status_code == 403
    assert client.get(reverse("certificates:list")).status_code == 403
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_another_organisation_gets_404(client: Client, world: World, outsider: object) -> None:
    certificate = make_certificate(world)
    login(client, outsider)  # type: ignore[arg-type]
    for name in ("detail", "pdf"):
        assert client.get(reverse(f"certificates:{name}", args=[certificate.pk])).status_code == 404
    assert client.post(revoke_url(certificate), {"reason": "Zomaar."}).status_code == 404
    list_page = client.get(reverse("certificates:list")).content.decode()
    assert world.participant.user.last_name not in list_page
    certificate.refresh_from_db()
    assert certificate.is_valid


# Staff pages and downloads -----------------------------------------------------------------------


def test_the_trainer_downloads_certificates_of_their_own_participants_from_the_trajectory_page(
    client: Client, world: World
) -> None:
    certificate = make_certificate(world)
    login(client, world.trainer)
    page = client.get(reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])).content.decode()
    link = reverse("certificates:pdf", args=[certificate.pk])
    assert link in page and "Certificaten" in page
    assert client.get(link).content.startswith(b"%PDF-")
    # Another werkplekopleider of the same organisation does not follow this participant.
    other = make_person(world.org, [Role.TRAINER], world.department)
    client.logout()
    login(client, other)
    assert client.get(link).status_code == 404
    # A participant does not download from here; the administrator sees no certificates panel.
    client.logout()
    login(client, world.participant)
    assert client.get(link).status_code == 403
    client.logout()
    login(client, world.administrator)
    page = client.get(reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])).content.decode()
    assert link not in page


def test_the_list_searches_filters_and_pages(client: Client, world: World) -> None:
    certificate = make_certificate(world)
    signoff.trajectory_close(world.trajectory, actor=world.coach)
    services.certificate_revoke(certificate, actor=world.coach, reason="Fout.")
    login(client, world.project_manager)
    url = reverse("certificates:list")
    page = client.get(url).content.decode()
    assert "2 certificaten" in page and world.participant.name in page
    assert "1 certificaat" in client.get(url, {"status": "ingetrokken"}).content.decode()
    valid = client.get(url, {"status": "geldig"}).content.decode()
    assert "1 certificaat" in valid and "WPO-traject" in valid
    assert "2 certificaten" in client.get(url, {"q": world.participant.user.last_name.lower()}).content.decode()
    assert "0 certificaten" in client.get(url, {"q": "Niemand"}).content.decode()
    detail = client.get(reverse("certificates:detail", args=[certificate.pk])).content.decode()
    assert "Fout." in detail and "ingetrokken op" in detail and certificate.display_code in detail


def add_certificates(world: World, n: int) -> None:
    """``n`` more participants, each with a trajectory and a closed skill (so a certificate)."""
    for _ in range(n):
        participant = make_person(world.org, [Role.PARTICIPANT], world.department)
        participant.trainers.add(world.trainer, through_defaults={"organization": world.org})
        trajectory = Trajectory.objects.create(
            organization=world.org,
            participant=participant,
            trainer=world.trainer,
            department=world.department,
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=90),
        )
        chosen = trajectory.chosen_skills.create(organization=world.org, skill=world.skill)
        pa = give_assignment(trajectory, assignment(world, 1, "A").current_version, actor=world.trainer)  # type: ignore[arg-type]
        achieve(World(**{**world.__dict__, "participant": participant, "trajectory": trajectory}), pa)
        signoff.skill_close(chosen, actor=world.coach, level="A")


def test_the_list_runs_the_same_number_of_queries_with_little_and_much_data(client: Client, world: World) -> None:
    login(client, world.coach)
    add_certificates(world, 2)
    url = reverse("certificates:list")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    add_certificates(world, 10)
    assert count() == small
    assert Certificate.objects.count() == 12
