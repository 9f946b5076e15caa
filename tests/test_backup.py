"""``manage.py backup`` and ``manage.py restore`` (wpo/ops): the round trip keeps every
row of every model and every byte of every uploaded file; a damaged archive, a database that
already holds data and a failed backup are all handled without harm.

The tests are transactional: the backup reads the database through its own connection (SQLite's
backup API, pg_dump), which does not see a test's uncommitted rows. They run on SQLite and, with
DATABASE_URL pointing at PostgreSQL, on PostgreSQL.
"""

import io
import json
import re
import shutil
import tarfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from wpo.ops.management.commands import backup as backup_command
from wpo.orgs.models import Organization, Person, Role
from wpo.trajectories.models import LookBackAnswer, Observation

from .factories import make_person, make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
VOICE = b"OggS" + b"\x00\x01\x02" * 500


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    root.mkdir()
    with override_settings(MEDIA_ROOT=root):
        yield root


def make_data() -> None:
    """Real data through the factories: two organisations, people, trajectories, uploads."""
    world = make_world("Werkbedrijf Noord")
    make_world("Werkbedrijf Zuid")
    make_person(world.org, [Role.COACH, Role.PROJECT_MANAGER], first_name="Ülkü", last_name="d'Óliveira")
    observation = Observation.objects.create(
        organization=world.org,
        participant_assignment=world.pa,
        author=world.trainer,
        observed_at=timezone.now() - timedelta(days=1),
        behaviours=["vraagt om hulp", "werkt netjes"],
        note="Pakte de dozen zelf.\nRegel twee — met ‘tekens’.",
        went_well=True,
    )
    observation.photo.save("foto.jpg", ContentFile(PHOTO))
    answer = LookBackAnswer.objects.create(
        organization=world.org,
        participant_assignment=world.pa,
        question_index=1,
        feeling=LookBackAnswer.Feeling.GOOD,
        text="Ik vroeg waar de dozen staan.",
    )
    answer.voice_note.save("stem.ogg", ContentFile(VOICE))


def snapshot_db() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model (M2M tables included): all concrete fields, ordered by pk."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        fields = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return rows


def snapshot_media(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def wipe(root: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(root)
    root.mkdir()


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> None:
    """Copy an archive, passing every file's bytes through ``change``."""
    with tarfile.open(source, "r:gz") as tin, tarfile.open(target, "w:gz") as tout:
        for member in tin.getmembers():
            extracted = tin.extractfile(member)
            assert extracted is not None
            data = change(member.name, extracted.read())
            member.size = len(data)
            tout.addfile(member, io.BytesIO(data))


@pytest.fixture
def archive(media: Path, tmp_path: Path) -> Path:
    make_data()
    out = tmp_path / "backups" / "wpo.tar.gz"
    call_command("backup", output=str(out), stdout=io.StringIO())
    return out


def test_round_trip_keeps_every_row_and_every_file(media: Path, tmp_path: Path) -> None:
    make_data()
    before_db, before_media = snapshot_db(), snapshot_media(media)
    assert len(before_media) == 2 and PHOTO in before_media.values() and VOICE in before_media.values()
    assert len(before_db["orgs.Organization"]) == 2 and before_db["trajectories.Observation"]

    out = tmp_path / "backups" / "wpo.tar.gz"
    call_command("backup", output=str(out), stdout=io.StringIO())
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind
    with tarfile.open(out) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["row_counts"][Organization._meta.db_table] == 2
    assert manifest["migrations"]["orgs"] and len(manifest["media"]) == 2

    wipe(media)
    assert not Organization.objects.exists() and snapshot_media(media) == {}
    stdout = io.StringIO()
    call_command("restore", str(out), stdout=stdout)  # an empty database: no --yes needed
    assert "gecontroleerd" in stdout.getvalue()

    after_db = snapshot_db()
    assert after_db.keys() == before_db.keys()
    for label, rows in before_db.items():
        assert after_db[label] == rows, label
    assert snapshot_media(media) == before_media
    # The sequences came back too: new rows do not collide with restored ones.
    make_person(Organization.objects.first(), [Role.TRAINER])  # type: ignore[arg-type]


def test_restore_refuses_a_database_with_data_without_yes(archive: Path, media: Path) -> None:
    Person.objects.filter(user__first_name="Ülkü").delete()
    people = Person.objects.count()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    assert Person.objects.count() == people  # nothing touched

    call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert Person.objects.count() == people + 1


def test_restore_refuses_when_only_media_exist(archive: Path, media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))


def test_a_changed_media_byte_is_found_before_anything_is_overwritten(
    archive: Path, media: Path, tmp_path: Path
) -> None:
    def flip(name: str, data: bytes) -> bytes:
        if name.startswith("media/") and data == PHOTO:
            return data[:100] + bytes([data[100] ^ 1]) + data[101:]
        return data

    tampered = tmp_path / "tampered.tar.gz"
    rewrite(archive, tampered, flip)
    photo_name = Observation.objects.get().photo.name
    wipe(media)
    with pytest.raises(CommandError, match=re.escape(f"bestand wijkt af: {photo_name}")):
        call_command("restore", str(tampered), yes=True)
    assert not Organization.objects.exists() and snapshot_media(media) == {}


def test_a_changed_row_count_in_the_manifest_is_reported(archive: Path, media: Path, tmp_path: Path) -> None:
    table = Observation._meta.db_table

    def lie(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["row_counts"][table] += 1
            return json.dumps(manifest).encode()
        return data

    tampered = tmp_path / "tampered.tar.gz"
    rewrite(archive, tampered, lie)
    with pytest.raises(CommandError, match=f"tabel {table}: 1 rijen, in de back-up 2"):
        call_command("restore", str(tampered), yes=True)


def test_an_archive_from_newer_code_is_refused(archive: Path, media: Path, tmp_path: Path) -> None:
    def newer(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["migrations"]["orgs"].append("9999_from_the_future")
            return json.dumps(manifest).encode()
        return data

    tampered = tmp_path / "newer.tar.gz"
    rewrite(archive, tampered, newer)
    organizations = Organization.objects.count()
    with pytest.raises(CommandError, match=re.escape("orgs.9999_from_the_future")):
        call_command("restore", str(tampered), yes=True)
    assert Organization.objects.count() == organizations


def test_a_failed_backup_leaves_no_file(media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_data()

    def half_then_fail(self: object, partial: Path, *args: object) -> None:
        partial.write_bytes(b"half an archive")
        raise OSError("schijf vol")

    monkeypatch.setattr(backup_command.Command, "write_tar", half_then_fail)
    out = tmp_path / "backups" / "wpo.tar.gz"
    with pytest.raises(OSError, match="schijf vol"):
        call_command("backup", output=str(out))
    assert list(out.parent.iterdir()) == []
