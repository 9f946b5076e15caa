"""The curriculum in content/: complete, valid, readable, and loaded idempotently."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wpo.curriculum import content_format
from wpo.curriculum.models import Assignment, AssignmentVersion, Skill, SubSkill

CONTENT = Path(settings.CONTENT_DIR)
SKILL_NAMES = [
    "Overleggen",
    "Aanpassen aan de groep",
    "Begrip tonen",
    "Positief blijven",
    "Omgaan met feedback",
    "Leren van fouten",
    "Instructies volgen",
    "Afspraak is afspraak",
]
skills, assignments, problems = content_format.validate_tree(CONTENT)


def test_content_has_no_problems() -> None:
    assert [str(p) for p in problems] == []


def test_eight_skills_with_the_exact_names_in_order() -> None:
    assert [s["name"] for s in sorted(skills, key=lambda s: s["order"])] == SKILL_NAMES


def test_48_assignments_every_part_filled() -> None:
    assert len(assignments) == 48
    for a in assignments:
        assert len(a["questions"]) >= 4 and len(a["look_back"]) >= 3 and 3 <= len(a["summary"]) <= 5
        assert len(a["trainer"]["feedback_examples"]) == 2 and 3 <= len(a["trainer"]["observe"]) <= 5
        kinds = {q["kind"] for q in a["questions"]}
        assert len(kinds) >= 2, f"{a['skill']}/{a['subskill']}-{a['level']} uses only {kinds}"


@pytest.mark.parametrize("a", assignments, ids=lambda a: f"{a['skill']}/{a['subskill']}-{a['level']}")
def test_participant_text_is_easy_to_read(a: dict) -> None:  # type: ignore[type-arg]
    score = content_format.reading_ease(content_format.participant_text(a))
    assert score >= content_format.MIN_READING_EASE, f"Flesch-Douma {score:.1f}"


def test_reading_ease_tells_hard_from_easy_text() -> None:
    easy = "Je werkt in de hal. Je weet iets niet. Dan vraag je het. Dat is goed."
    hard = "De werkplekopleider bespreekt de aan-de-slag-opdracht tijdens het begeleidingsgesprek uitvoerig."
    assert content_format.reading_ease(easy) >= 70 > content_format.reading_ease(hard)


@pytest.mark.django_db
def test_load_curriculum_is_idempotent() -> None:
    call_command("load_curriculum", verbosity=0)
    assert (Skill.objects.count(), SubSkill.objects.count(), Assignment.objects.count()) == (8, 16, 48)
    assert AssignmentVersion.objects.count() == 48
    call_command("load_curriculum", verbosity=0)
    assert AssignmentVersion.objects.count() == 48
    a = Assignment.objects.select_related("current_version").get(
        subskill__skill__code="overleggen", subskill__number=1, level="A"
    )
    assert a.current_version is not None and a.current_version.title == "Ik vraag om hulp"
    assert Skill.objects.get(code="overleggen").pictogram_svg.lstrip().startswith("<svg")


@pytest.mark.django_db
def test_changed_text_publishes_a_new_version(tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    call_command("load_curriculum", str(copy), verbosity=0)
    path = copy / "assignments" / "overleggen" / "1-A.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Ik vraag om hulp", "title: Ik vraag hulp"), encoding="utf-8"
    )
    call_command("load_curriculum", str(copy), verbosity=0)
    versions = AssignmentVersion.objects.filter(
        assignment__subskill__skill__code="overleggen", assignment__level="A", assignment__subskill__number=1
    )
    assert sorted(versions.values_list("number", "title")) == [(1, "Ik vraag om hulp"), (2, "Ik vraag hulp")]


@pytest.mark.django_db
def test_invalid_content_names_file_and_field_and_loads_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    path = copy / "assignments" / "begrip-tonen" / "2-B.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("level: B", "level: D"), encoding="utf-8")
    (copy / "assignments" / "overleggen" / "1-C.yaml").write_text("title: [kapot", encoding="utf-8")
    with pytest.raises(CommandError, match="er is niets geladen"):
        call_command("load_curriculum", str(copy))
    err = capsys.readouterr().err
    assert "assignments/begrip-tonen/2-B.yaml: level: moet A, B of C zijn" in err
    assert "assignments/overleggen/1-C.yaml: regel 1: geen geldige YAML" in err
    assert Skill.objects.count() == 0 and AssignmentVersion.objects.count() == 0


@pytest.mark.django_db
def test_json_export_round_trips(tmp_path: Path) -> None:
    import json

    from wpo.curriculum.services import curriculum_export, curriculum_from_document, curriculum_load

    call_command("load_curriculum", verbosity=0)
    out = tmp_path / "curriculum.json"
    call_command("export_curriculum", "--format", "json", "--output", str(out))
    first = json.loads(out.read_text(encoding="utf-8"))
    assert len(first["skills"]) == 8 and len(first["assignments"]) == 48
    assert first["skills"][0]["pictogram_svg"].lstrip().startswith("<svg")
    # Into an empty database, and out again: the same document.
    AssignmentVersion.objects.all().delete()
    Skill.objects.all().delete()
    call_command("load_curriculum", str(out), verbosity=0)
    assert curriculum_export() == first
    skills, assignments = curriculum_from_document(first)
    assert curriculum_load(skills=skills, assignments=assignments).new_versions == []


@pytest.mark.django_db
def test_a_broken_exchange_document_names_the_problem_and_loads_nothing(tmp_path: Path) -> None:
    import json

    from wpo.curriculum.services import curriculum_export

    call_command("load_curriculum", verbosity=0)
    doc = curriculum_export()
    AssignmentVersion.objects.all().delete()
    Skill.objects.all().delete()
    doc["assignments"][5]["questions"] = doc["assignments"][5]["questions"][:2]
    doc["skills"][1]["pictogram_svg"] = "geen plaatje"
    path = tmp_path / "kapot.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CommandError, match="er is niets geladen"):
        call_command("load_curriculum", str(path))
    assert Skill.objects.count() == 0
    (tmp_path / "geen.json").write_text("{niet json", encoding="utf-8")
    with pytest.raises(CommandError, match="geen geldige JSON"):
        call_command("load_curriculum", str(tmp_path / "geen.json"))


@pytest.mark.django_db
def test_an_organisation_loads_skills_of_its_own(tmp_path: Path) -> None:
    from wpo.curriculum.services import curriculum_export
    from wpo.orgs.models import Organization

    Organization.objects.create(name="Eigen", slug="eigen")
    call_command("load_curriculum", verbosity=0)
    call_command("load_curriculum", "--organization", "eigen", verbosity=0)
    assert Skill.objects.filter(organization__slug="eigen").count() == 8
    assert Skill.objects.filter(organization=None).count() == 8
    assert curriculum_export(organization=Organization.objects.get(slug="eigen"))["skills"][0]["code"] == "overleggen"
