"""Who may do what: docs/permissions.md holds the table, and this module tries every cell through HTTP.

The table is the single source. Each row is one action (a URL name and an HTTP method); each
column is one role. For every cell this module logs in as someone who holds exactly that one
role in organisation A, with the links a real person in that role would have (the werkplekopleider
trains the participant, is invited to the meeting, raised the problem), and asks for the URL:

- ``✓``  allowed: the view runs (2xx, a redirect somewhere other than the login page, or a form
  shown again for a POST without data).
- ``◐``  only their own or linked objects: allowed as above for the linked person, refused for a
  second person of the same role and organisation without those links.
- ``✗``  refused: 403 or 404, or for someone not logged in a redirect to the login page.

A URL of the project that is missing from the table fails the test by name, so the table cannot
fall behind the code; a method the table leaves out for a URL must be refused for everyone.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from wpo.orgs.models import ROLE_FIELDS, Person, Role

from .factories import World, login_operator, make_certificate, make_operator, make_person
from .test_tenant_isolation import (  # noqa: F401 (a fixture)
    JPEG,
    OBJECT_OF_ORG_A,
    _media_in_tmp,
    assignment_with_local_example,
    walk,
)

TABLE = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"
ANONYMOUS = "anoniem"
# The service desk's operator: not a person of any organisation, logged in with their second factor.
OPERATOR = "servicebeheer"
# Column heading -> the role a person in that column holds (None: not logged in; OPERATOR: an operator).
COLUMNS: dict[str, Role | str | None] = {
    ANONYMOUS: None,
    "deelnemer": Role.PARTICIPANT,
    "werkplekopleider": Role.TRAINER,
    "coach": Role.COACH,
    "projectmanager": Role.PROJECT_MANAGER,
    "beheerder": Role.ADMINISTRATOR,
    "redacteur": Role.CONTENT_EDITOR,
    OPERATOR: OPERATOR,
}
ALLOWED, OWN, DENIED = "✓", "◐", "✗"
MARKS = {ALLOWED, OWN, DENIED}
METHODS = ("GET", "POST")


# The table ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    cells: dict[str, str]

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


def parse_table(text: str) -> list[Row]:
    """The rows of the first Markdown table whose heading starts with ``| URL-naam | methode |``."""
    rows: list[Row] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            if header is not None and rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            if cells[:2] == ["URL-naam", "methode"]:
                header = cells
                assert set(header[3:]) == set(COLUMNS), f"columns {header[3:]} are not {list(COLUMNS)}"
            continue
        if set(cells[0]) <= {"-", ":"}:
            continue
        name = cells[0].strip("`")
        method = cells[1].upper()
        marks = dict(zip(header[3:], cells[3:], strict=True))
        assert method in METHODS, f"{name}: unknown method {method!r}"
        assert set(marks.values()) <= MARKS, f"{method} {name}: a cell is not one of {sorted(MARKS)}"
        assert marks[ANONYMOUS] != OWN, f"{method} {name}: someone not logged in owns nothing"
        rows.append(Row(name, method, marks))
    assert header is not None, f"no permission table in {TABLE}"
    return rows


def table_rows() -> list[Row]:
    return parse_table(TABLE.read_text(encoding="utf-8"))


def project_urls() -> dict[str, list[str]]:
    """Every named URL of the project (Django's admin left out, as in the tenant test) -> its arguments."""
    return {name: sorted(p.pattern.converters) for name, p in walk()}


# The world each cell is tried in ------------------------------------------------------------------

# URL arguments whose meaning depends on the URL: the bearer token of a login card or a calendar feed.
TOKEN_OF: dict[str, Callable[[World], str]] = {
    "accounts:card_login": lambda w: _card_token(w),
    "trajectories:calendar_feed_ics": lambda w: _feed_token(w),
    "service:invitation": lambda w: _invitation_token(w),
}
EXTRA_OBJECTS: dict[str, Callable[[World], object]] = {
    "code": lambda w: make_certificate(w).display_code,
    "org_slug": lambda w: w.org.slug,
    "public_id": lambda w: _badge_issuer(w).public_id,
    "thumbprint": lambda w: _badge_issuer(w).keys.get().thumbprint,
}


def _badge_issuer(w: World):  # -> BadgeIssuer: the organisation's Open Badges issuer, with its first key
    from wpo.certificates.badges import issuer_for

    return issuer_for(w.org.pk)


def _card_token(w: World) -> str:
    from wpo.accounts.services import login_card_issue

    return login_card_issue(participant=w.participant, issued_by=w.administrator).token


def _feed_token(w: World) -> str:
    from wpo.trajectories.services.conversations import calendar_feed_create

    return calendar_feed_create(person=w.trainer).token


def _invitation_token(w: World) -> str:
    from tests.factories import make_invitation

    return make_invitation(w.administrator.user)


def _dossier_consent(w: World) -> None:
    from wpo.certificates.services import dossier_consent_give

    dossier_consent_give(actor=w.participant, trajectory=w.trajectory)


def _org_logo(w: World) -> None:
    from django.core.files.base import ContentFile

    w.org.logo.save("logo.jpg", ContentFile(JPEG))


def _local_example(w: World) -> None:
    assignment_with_local_example(w)


def _practice_package(w: World) -> None:
    """The world's assignment with an e-learning package as its practice part."""
    import io

    from wpo.packages.services import package_upload

    from .packages_helpers import scorm12_zip

    data = scorm12_zip()
    assignment = w.pa.version.assignment
    package_upload(
        assignment=assignment,
        upload=io.BytesIO(data),
        size=len(data),
        name="m.zip",
        placement="instead",
        actor=w.content_editor,
    )


def _finished_export(w: World) -> None:
    """An export of the world's organisation (made while it was suspended; active again, so that its
    people can still log in and be refused the download)."""
    from wpo.service import closing, tasks
    from wpo.service.services import organization_reactivate, organization_suspend

    operator = actor_in(w, OPERATOR)
    organization_suspend(operator=operator, organization_id=w.org.pk, reason="matrix")
    job = closing.export_start(operator=operator, organization_id=w.org.pk)
    tasks.build_organization_export.call(job.pk)
    organization_reactivate(operator=operator, organization_id=w.org.pk)


# What a URL needs to exist, or to be allowed, before it can answer with more than 404.
PREPARE: dict[str, Callable[[World], None]] = {
    # The practice screen reports to a package that exists (else 404 for everyone).
    "packages:track": _practice_package,
    "orgs:organization_logo": _org_logo,
    # The photo exists only once the organisation put its own example beside the assignment.
    "curriculum:local_example_photo": lambda w: _local_example(w),
    # The werkplekopleider gets the dossier only with the participant's consent (without it: a refusal).
    "certificates:dossier": lambda w: _dossier_consent(w),
    # An organisation's export exists only once the service desk suspended it and made one.
    "service:export_download": _finished_export,
}
# Where leaving is the point: the login page is the right place to end up.
ENDS_AT_LOGIN = {"accounts:logout"}


def url_for(name: str, args: list[str], world: World) -> str:
    if name in PREPARE:
        PREPARE[name](world)
    kwargs: dict[str, Any] = {}
    for arg in args:
        if arg == "token":
            kwargs[arg] = TOKEN_OF[name](world)
        elif arg in OBJECT_OF_ORG_A:
            kwargs[arg] = OBJECT_OF_ORG_A[arg](world)
        else:
            kwargs[arg] = EXTRA_OBJECTS[arg](world)
    return reverse(name, kwargs=kwargs)


def unlinked(world: World, role: Role) -> Person:
    """Someone of organisation A with the role but none of the links: no department, no trainees,
    invited to nothing, raised nothing."""
    return make_person(world.org, [role])


def outcome(response: HttpResponse, anonymous: bool, name: str = "") -> str:
    """``allowed``, ``denied``, or what went wrong."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status == 405:
        return "method not allowed"
    if status in (403, 404):
        return "denied"
    if 300 <= status < 400:
        to_login = reverse("accounts:login") in response.get("Location", "")
        if to_login and name not in ENDS_AT_LOGIN:
            return "denied" if anonymous else "redirect to login while logged in"
        return "allowed"
    return "allowed"


def request(client: Client, method: str, url: str) -> HttpResponse:
    if method == "GET":
        return client.get(url)  # type: ignore[return-value]
    return client.post(url, {})  # type: ignore[return-value]


def actor_in(world: World, role: Role | str | None) -> Any:
    """Who fills a column: nobody, the world's person with that role, or the world's operator."""
    if role is None:
        return None
    if role == OPERATOR:
        from wpo.service.models import ServiceOperator

        return ServiceOperator.objects.filter(user__username="matrix-operator").first() or make_operator(
            "matrix-operator"
        )
    assert isinstance(role, Role)
    return world.by_role(role)


def try_cell(name: str, args: list[str], method: str, world: World, person: Any) -> str:
    """What happens when ``person`` (None: not logged in) does ``method`` on the URL; nothing it
    changes outlives the call."""
    with transaction.atomic():
        url = url_for(name, args, world)
        client = Client()
        if isinstance(person, Person):
            client.force_login(person.user)
        elif person is not None:
            login_operator(client, person)  # with the second factor typed in this session
        result = outcome(request(client, method, url), anonymous=person is None, name=name)
        transaction.set_rollback(True)
    return result


def cell_failures(row: Row, args: list[str], world: World) -> Iterator[str]:
    for column, mark in row.cells.items():
        role = COLUMNS[column]
        person = actor_in(world, role)
        got = try_cell(row.name, args, row.method, world, person)
        want = "denied" if mark == DENIED else "allowed"
        if got != want:
            yield f"{row} as {column}: table says {mark}, got {got}"
        if mark == OWN and isinstance(role, Role):
            got = try_cell(row.name, args, row.method, world, unlinked(world, role))
            if got != "denied":
                yield f"{row} as {column} without links: table says {OWN}, got {got}"


# The tests ----------------------------------------------------------------------------------------


def test_the_table_names_every_url_of_the_project() -> None:
    named = {row.name for row in table_rows()}
    missing = sorted(set(project_urls()) - named)
    assert not missing, f"add these URL names to {TABLE.name}: {', '.join(missing)}"


def test_the_table_names_only_urls_that_exist() -> None:
    gone = sorted({row.name for row in table_rows()} - set(project_urls()))
    assert not gone, f"{TABLE.name} names URLs that no longer exist: {', '.join(gone)}"


def test_each_action_is_in_the_table_once() -> None:
    seen = [(row.name, row.method) for row in table_rows()]
    twice = sorted({f"{m} {n}" for n, m in seen if seen.count((n, m)) > 1})
    assert not twice, f"in {TABLE.name} more than once: {twice}"


def _rows_by_name() -> dict[str, list[Row]]:
    by_name: dict[str, list[Row]] = {}
    for row in table_rows():
        by_name.setdefault(row.name, []).append(row)
    return by_name


@pytest.mark.parametrize("name", _rows_by_name())
def test_the_code_does_what_the_table_says(name: str, world: World) -> None:
    args = project_urls().get(name)
    if args is None:
        pytest.skip("the URL no longer exists (the test above says so)")
    rows = _rows_by_name()[name]
    failures = [f for row in rows for f in cell_failures(row, args, world)]
    # A method the table leaves out must be refused for everyone, so a view cannot start taking
    # a POST (or a GET) without the table saying who may.
    for method in set(METHODS) - {row.method for row in rows}:
        for column, role in COLUMNS.items():
            got = try_cell(name, args, method, world, actor_in(world, role))
            if got == "allowed" or got.startswith("server error"):
                failures.append(f"{method} {name} as {column}: not in the table, got {got}")
    assert not failures, "\n".join(failures)


# Two roles at once ---------------------------------------------------------------------------------
# Each pair of roles, held by the person of the first role with all that person's links. Such a
# person may do what either role allows: the first role's ✓ and ◐ (the links are theirs), the second
# role's ✓ (its links belong to someone else). A participant is always the second role here: the
# participant of the world owns the world's trajectory, and for their own trajectory a person is only
# its participant, whatever else they are (tests/attacks/test_two_roles.py tries that directly).
# The operator is no person of an organisation, so holds no second role (test_service_desk.py).
STAFF_ROLES = [role for role in COLUMNS.values() if isinstance(role, Role) and role != Role.PARTICIPANT]
PAIRS = [(first, second) for first in STAFF_ROLES for second in [*STAFF_ROLES, Role.PARTICIPANT] if first != second]
COLUMN_OF = {role: column for column, role in COLUMNS.items()}


def try_cell_with_two_roles(name: str, args: list[str], method: str, world: World, first: Role, second: Role) -> str:
    with transaction.atomic():
        person = Person.objects.select_related("user").get(pk=world.by_role(first).pk)
        setattr(person, ROLE_FIELDS[second], True)
        person.save()
        url = url_for(name, args, world)
        client = Client()
        client.force_login(person.user)
        result = outcome(request(client, method, url), anonymous=False, name=name)
        transaction.set_rollback(True)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("name", _rows_by_name())
def test_a_person_with_two_roles_may_do_what_either_role_allows(name: str, world: World) -> None:
    args = project_urls().get(name)
    if args is None:
        pytest.skip("the URL no longer exists")
    failures = []
    for row in _rows_by_name()[name]:
        tried_first: set[Role] = set()
        for first, second in PAIRS:
            marks = (row.cells[COLUMN_OF[first]], row.cells[COLUMN_OF[second]])
            want = "allowed" if marks[0] != DENIED or marks[1] == ALLOWED else "denied"
            # Every cell that must be refused is tried (a leak needs two roles together), and every
            # cell allowed by the second role. That a second role never takes away what the first
            # allows is tried with one second role per first role: the page itself (a PDF, an
            # export) is what costs time, and the single-role matrix already renders it.
            if want == "allowed" and marks[0] != DENIED:
                if first in tried_first:
                    continue
                tried_first.add(first)
            got = try_cell_with_two_roles(row.name, args, row.method, world, first, second)
            if got != want:
                failures.append(f"{row} as {COLUMN_OF[first]} + {COLUMN_OF[second]}: table says {marks}, got {got}")
    assert not failures, "\n".join(failures)


@pytest.mark.skipif(not os.environ.get("WPO_PERMISSION_PROBE"), reason="a helper for filling the table, not a check")
def test_print_rows_for_urls_missing_from_the_table(world: World) -> None:
    """``WPO_PERMISSION_PROBE=1 pytest tests/test_permission_matrix.py -k missing -s`` prints a row of
    what the code does today for every URL the table lacks. Read each row before you paste it: the
    table must say what should happen, and a surprise in it is a question for the code."""
    named = {row.name for row in table_rows()}
    for name, args in sorted(project_urls().items()):
        if name in named:
            continue
        for method in METHODS:
            marks = []
            for role in COLUMNS.values():
                linked = try_cell(name, args, method, world, actor_in(world, role))
                if not isinstance(role, Role) or linked != "allowed":
                    marks.append({"allowed": ALLOWED, "denied": DENIED}.get(linked, f"?{linked}"))
                    continue
                alone = try_cell(name, args, method, world, unlinked(world, role))
                marks.append(ALLOWED if alone == "allowed" else OWN)
            if any(m != "?method not allowed" for m in marks):
                print(f"| `{name}` | {method} | ? | " + " | ".join(marks) + " |")
