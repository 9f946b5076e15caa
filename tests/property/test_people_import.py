"""The people import end to end: upload a generated CSV, open the preview, confirm.

Properties: no 5xx on any of the three steps; the confirm writes every row of the preview or
nothing at all (all-or-nothing), and what it writes is what the preview promised.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import World, make_world
from wpo.orgs import people_import
from wpo.orgs.models import Department, PeopleImport, Person

from . import strategies as s
from .conftest import EXAMPLES_RUN, examples
from .invariants import check_consistent


def test_upload_preview_confirm_is_all_or_nothing(db: None) -> None:
    world: World = make_world("Werkbedrijf Noord")
    other = make_world("Werkbedrijf Zuid")
    world.participant.employee_number = "1001"
    world.participant.save(update_fields=["employee_number"])
    other.participant.employee_number = "1002"
    other.participant.save(update_fields=["employee_number"])
    client = Client(raise_request_exception=False)
    client.force_login(world.administrator.user)
    upload_url = reverse("orgs:import_upload")

    @settings(settings.get_profile("ci"), max_examples=examples("people_round_trip"))
    @given(raw=s.people_csv(departments=[world.department.name, other.department.name]))
    def run(raw: bytes) -> None:
        EXAMPLES_RUN["people import round trip"] += 1
        with transaction.atomic():
            people_before = Person.objects.count()
            response = client.post(upload_url, {"file": SimpleUploadedFile("mensen.csv", raw, "text/csv")})
            assert response.status_code < 500, raw
            if response.status_code != 302:
                assert not PeopleImport.objects.exists()
                transaction.set_rollback(True)
                return
            record = PeopleImport.objects.get()
            assert client.get(response["Location"]).status_code == 200
            promised = people_import.preview(world.org, record.content)
            departments_before = Department.objects.filter(organization=world.org).count()
            confirm: Any = client.post(reverse("orgs:import_confirm", kwargs={"import_id": record.pk}))
            assert confirm.status_code == 302
            record.refresh_from_db()
            if promised.ok:
                assert record.status == PeopleImport.Status.DONE
                assert Person.objects.count() == people_before + promised.new_count
                assert Department.objects.filter(organization=world.org).count() == departments_before + len(
                    promised.new_departments
                )
                assert (
                    not Person.objects.filter(organization=other.org, employee_number="1002")
                    .exclude(pk=other.participant.pk)
                    .exists()
                )
            else:
                assert record.status == PeopleImport.Status.PREVIEW
                assert Person.objects.count() == people_before
                assert Department.objects.filter(organization=world.org).count() == departments_before
            check_consistent()
            transaction.set_rollback(True)

    run()


def test_the_preview_reads_any_csv_without_breaking(db: None) -> None:
    """The parser behind the preview: any bytes decode, any CSV gives rows or Dutch errors."""
    world: World = make_world("Werkbedrijf Noord")

    @settings(settings.get_profile("ci"), max_examples=examples("people_preview"))
    @given(raw=st.one_of(s.people_csv(departments=[world.department.name]), s.file_bytes()))
    def run(raw: bytes) -> None:
        EXAMPLES_RUN["people import preview"] += 1
        result = people_import.preview(world.org, people_import.decode_upload(raw))
        # What the confirm would write is exactly the rows without errors, and only when all are clean.
        assert result.ok == (not result.errors and not result.row_errors and bool(result.rows))

    run()
