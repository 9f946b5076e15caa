"""The curriculum in content/: complete, valid, readable, and loaded idempotently."""

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from wpo.curriculum import content_format
from wpo.curriculum.models import Assignment, AssignmentVersion, Edition, Skill, SubSkill

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
    # Changed national files are a new edition: without a number and release notes nothing is loaded.
    with pytest.raises(CommandError, match="--edition"):
        call_command("load_curriculum", str(copy), verbosity=0)
    call_command("load_curriculum", str(copy), edition="2026.1", notes="Een kortere titel.", verbosity=0)
    # content/ as it was is edition 2025.1, published before: loading it again changes nothing.
    call_command("load_curriculum", verbosity=0)
    current = Assignment.objects.get(subskill__skill__code="overleggen", subskill__number=1, level="A").current_version
    assert current is not None and current.title == "Ik vraag hulp" and current.edition.number == "2026.1"
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
    # The second edition's fields travel along: the criterion, each picture's description, the placeholder.
    assert all(a["trainer"]["criterion"] and all(s["alt"] for s in a["video"]["story"]) for a in first["assignments"])
    assert "{werkplekopleider}" in first["assignments"][0]["goal"]
    # Into an empty database, and out again: the same document.
    AssignmentVersion.objects.all().delete()
    Skill.objects.all().delete()
    Edition.objects.all().delete()
    call_command("load_curriculum", str(out), verbosity=0)
    assert Edition.objects.get().number == first["edition"]["number"] == "2025.1"
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


# The second edition's rules: each one refuses a bad example --------------------------------------------

RAW_SAMPLE = yaml.safe_load((CONTENT / "assignments" / "overleggen" / "1-A.yaml").read_text(encoding="utf-8"))


def check(change: Callable[[dict[str, Any]], None]) -> list[str]:
    """The problems of the sample assignment after ``change``, as text."""
    data = copy.deepcopy(RAW_SAMPLE)
    change(data)
    checker = content_format.Checker("test")
    content_format.check_assignment(data, checker)
    return [f"{p.field}: {p.message}" for p in checker.problems]


def test_the_sample_passes() -> None:
    assert check(lambda a: None) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # One word for one person.
        (lambda a: a.update(goal="Je vraagt hulp aan je baas."), "'baas': noem de werkplekopleider"),
        (lambda a: a["summary"].append("Vraag het de leidinggevende."), "'leidinggevende': noem de werkplekopleider"),
        (lambda a: a.update(goal="Je vraagt {werkplekopleiders} om hulp."), "onbekende invulplek"),
        (lambda a: a.update(goal="Je vraagt {werkplekopleider}s hulp."), "zet geen letters vast aan"),
        (lambda a: a.update(title="Ik vraag {werkplekopleider} om hulp"), "title: geen {werkplekopleider} in de titel"),
        (
            lambda a: a["trainer"].update(introduction="Wat vroeg je {werkplekopleider}?"),
            "trainer: onbekende invulplek",
        ),
        # One narrator, an adult tone, no eye contact as the norm.
        (lambda a: a.update(explanation="Vragen is goed. Dat snap ik wel."), "één verteller"),
        (lambda a: a.update(explanation="Steek je hand op als je iets niet weet."), "kinderachtig"),
        (lambda a: a["summary"].append("Zoek oogcontact als je iets vraagt."), "aankijken is geen norm"),
        (lambda a: a["trainer"]["observe"].append("Kijkt de deelnemer je aan?"), "aankijken is geen norm"),
        # Spelling.
        (
            lambda a: a.update(explanation="Zo gaat er niets mis. Als het mis gaat, vraag het."),
            "'mis gaat': aan elkaar",
        ),
        (lambda a: a["summary"].append("Je moet alles op ruimen."), "'op ruimen': aan elkaar"),
        # The verdict is the app's: the feedback gives the reason only.
        (
            lambda a: a["questions"][0]["options"][2].update(feedback="Goed zo! Zo weet je het."),
            "begint met een oordeel",
        ),
        (lambda a: a["questions"][2].update(feedback_wrong="Bijna. Kijk nog eens."), "begint met een oordeel"),
        # Asking, not telling.
        (lambda a: a["trainer"].update(introduction="Leg uit waarom vragen goed is?"), "begin niet met 'Leg uit'"),
        (lambda a: a["trainer"].update(introduction="Vragen is goed."), "stel de deelnemer een vraag"),
        (lambda a: a["look_back"].__setitem__(0, "Heb je hulp gevraagd?"), "stel een open vraag"),
        (lambda a: a["look_back"].__setitem__(2, "Wat vroeg je nog meer?"), "wat goed ging of waar de deelnemer trots"),
        # A criterion for achieved, and a description for every picture.
        (lambda a: a["trainer"].pop("criterion"), "trainer.criterion: ontbreekt"),
        (lambda a: a["video"]["story"][1].pop("alt"), "video.story[2].alt: ontbreekt"),
        (lambda a: a["video"]["story"][1].update(picture="../geheim"), "video.story[2].picture: moet de naam"),
    ],
)
def test_a_rule_of_the_second_edition_refuses_a_bad_example(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    problems = check(change)
    assert any(message in p for p in problems), problems


def questions_with_right_answer_at(position: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "questions": [
                {
                    "kind": "multiple_choice",
                    "options": [{"text": f"Antwoord {i}", "correct": i == position} for i in range(3)],
                }
                for _ in range(count)
            ]
        }
    ]


def test_the_balance_of_right_answers_is_checked_over_the_whole_curriculum() -> None:
    assert content_format.balance_problems(assignments) == []
    # The right answer always first: a participant who taps the first option wins.
    problems = [str(p) for p in content_format.balance_problems(questions_with_right_answer_at(0, 10))]
    assert any("het goede antwoord staat 10 van 10 keer op plek 1" in p for p in problems), problems
    # The right answer always the longest.
    longest = [
        {
            "questions": [
                {
                    "kind": "situation",
                    "options": [
                        {"text": "Kort.", "correct": False},
                        {"text": "Dit is het lange, goede antwoord.", "correct": True},
                        {"text": "Ook kort.", "correct": False},
                    ],
                }
                for _ in range(3)
            ]
            + questions_with_right_answer_at(0, 2)[0]["questions"]
            + questions_with_right_answer_at(2, 2)[0]["questions"]
        }
    ]
    assert content_format.balance_problems(longest) == []  # 3 of 7 is under 45%
    longest[0]["questions"] += longest[0]["questions"][:3]  # 6 of 10 is not
    problems = [str(p) for p in content_format.balance_problems(longest)]
    assert any("keer het langste" in p for p in problems), problems
    # "Waar" always right.
    true_false = [
        {
            "questions": [
                {
                    "kind": "true_false",
                    "options": [{"text": "Waar", "correct": True}, {"text": "Niet waar", "correct": False}],
                }
                for _ in range(4)
            ]
        }
    ]
    problems = [str(p) for p in content_format.balance_problems(true_false)]
    assert any("'Waar' is 4 van 4 keer goed" in p for p in problems), problems


def test_pictures_must_exist_be_small_and_two_per_assignment_their_own(tmp_path: Path) -> None:
    (tmp_path / "illustrations").mkdir()
    for name in ("eigen-1", "eigen-2", "gedeeld"):
        (tmp_path / "illustrations" / f"{name}.svg").write_text('<svg viewBox="0 0 240 160"></svg>')
    (tmp_path / "illustrations" / "te-groot.svg").write_text("<svg>" + " " * 9000 + "</svg>")

    def assignment(sub: int, pictures: list[str]) -> dict[str, Any]:
        return {
            "skill": "overleggen",
            "subskill": sub,
            "level": "A",
            "video": {"story": [{"picture": p, "alt": "x", "text": "x"} for p in pictures]},
        }

    good = assignment(1, ["eigen-1", "eigen-2", "gedeeld"])
    assert content_format.picture_problems([good], tmp_path) == []
    problems = [
        str(p) for p in content_format.picture_problems([good, assignment(2, ["gedeeld", "eigen-1"])], tmp_path)
    ]
    assert any("overleggen/2-A.yaml: video.story: heeft 0 eigen plaatjes, minstens 2" in p for p in problems), problems
    assert any("overleggen/1-A.yaml: video.story: heeft 1 eigen plaatjes" in p for p in problems), problems
    problems = [
        str(p) for p in content_format.picture_problems([assignment(1, ["bestaat-niet", "te-groot"])], tmp_path)
    ]
    assert any("plaatje illustrations/bestaat-niet.svg bestaat niet" in p for p in problems), problems
    assert any("illustrations/te-groot.svg: bestand: is" in p and "(hoogstens 8 KB)" in p for p in problems), problems
    # The editor and an exchange document only need the picture to exist: any illustration will do.
    assert content_format.unknown_pictures(assignment(1, ["gedeeld", "te-groot"]), tmp_path, "x") == []
    assert [p.field for p in content_format.unknown_pictures(assignment(1, ["gedeeld", "weg"]), tmp_path, "x")] == [
        "video.story[2].picture"
    ]
