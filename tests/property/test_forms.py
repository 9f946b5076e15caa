"""Hypothesis throws generated input at every form and upload of the inventory (targets.py).

The properties, for every target:
* the server never answers 5xx;
* a refused request (any answer but a redirect) leaves every table as it was;
* after an accepted request (a redirect) the domain invariants hold (invariants.check_consistent).

Each example runs inside a savepoint that is rolled back, so every example starts from the same
world and the world is built once per target.
"""

import inspect
import math
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import World

from . import invariants
from . import strategies as s
from .conftest import CI_HTTP_TOTAL, EXAMPLES_RUN, FUZZ_PER_TARGET, PROFILE
from .targets import TARGETS, Context, Prepared, Target

# Upload limits are lowered while fuzzing so "one byte too many" costs kilobytes, not megabytes;
# tests/property/test_uploads.py sends files over the real limits.
SMALL_LIMITS = {
    "wpo.learn.forms.PHOTO_MAX_BYTES": 64 * 1024,
    "wpo.learn.forms.VOICE_MAX_BYTES": 64 * 1024,
    "wpo.orgs.logo.LOGO_MAX_BYTES": 32 * 1024,
    "wpo.orgs.people_import.MAX_BYTES": 64 * 1024,
    "wpo.curriculum.forms.MAX_VIDEO_BYTES": 64 * 1024,
    "wpo.curriculum.services.local_examples.PHOTO_MAX_BYTES": 64 * 1024,
}


def examples_for(target: Target) -> int:
    if PROFILE == "fuzz":
        return FUZZ_PER_TARGET
    total_weight = sum(t.weight for t in TARGETS)
    return math.ceil(CI_HTTP_TOTAL * target.weight / total_weight)


def _key(prefix: str, name: str) -> str:
    return f"{prefix}-{name}" if prefix else name


def field_keys(target: Target) -> dict[str, forms.Field]:
    """Every input key the target's form classes read, with its form field."""
    keys: dict[str, forms.Field] = {}
    for index, form_class in enumerate(target.forms):
        if len(target.forms) == 1:
            prefixes = target.prefixes
        else:
            prefixes = target.prefixes[:1] if index == 0 else target.prefixes[1:]
        for prefix in prefixes:
            for name, field in getattr(form_class, "base_fields").items():  # noqa: B009 - absent from BaseForm's stubs
                if not isinstance(field, forms.FileField):
                    keys[_key(prefix, name)] = field
    return keys


def upload_strategy(key: str, limit: int) -> st.SearchStrategy[tuple[str, bytes, str]]:
    small = min([limit, *(v for k, v in SMALL_LIMITS.items() if _limit_applies(k, key))])
    if key == "file":
        csv = s.people_csv().map(lambda raw: ("mensen.csv", raw, "text/csv"))
        return st.one_of(csv, csv, s.upload(max_bytes=small))
    if key == "pictogram_file":
        svg = [s.SVG, s.SVG.replace(b"<title>", b"<script>alert(1)</script><title>"), b"<svg" + bytes(50_000)]
        return s.upload(extra=svg, max_bytes=50_000)
    return s.upload(max_bytes=small)


def _limit_applies(limit_name: str, key: str) -> bool:
    return (
        ("PHOTO" in limit_name and "photo" in key)
        or ("VOICE" in limit_name and "voice" in key)
        or ("LOGO" in limit_name and key == "logo")
        or ("VIDEO" in limit_name and key == "video_file")
    )


@st.composite
def submission(
    draw: st.DrawFn,
    plausible: dict[str, st.SearchStrategy[str]],
    uploads: dict[str, st.SearchStrategy[tuple[str, bytes, str]]],
) -> dict[str, Any]:
    """A POST body: sometimes all plausible, usually with missing, duplicated, hostile and extra keys."""
    careful = draw(st.integers(0, 3)) == 0
    data: dict[str, Any] = {}
    for key, strategy in plausible.items():
        how = 9 if careful else draw(st.integers(0, 9))
        if how == 0:
            continue  # missing
        if how == 1:
            data[key] = [draw(strategy), draw(s.hostile())]  # duplicated
        elif how <= 3:
            data[key] = draw(s.hostile())
        else:
            data[key] = draw(strategy)
    for key, upload in uploads.items():
        if draw(st.integers(0, 3)):
            name, content, content_type = draw(upload)
            data[key] = s.upload_file(name, content, content_type)
    if not careful:
        data.update(draw(st.dictionaries(s.ANY_TEXT.filter(bool), s.hostile(), max_size=2)))
    return data


def ids_by_model(ctx: Context) -> dict[type, list[str]]:
    """For every model a form field chooses from: ids of organisation A and B, and ids that do not exist."""
    pools: dict[type, list[str]] = {}
    from django.apps import apps

    existing = set(invariants.tables())
    for model in apps.get_models():
        if model._meta.db_table not in existing:
            continue
        pks = [str(pk) for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:40]]
        pools[model] = [*pks, "0", "999999"]
    return pools


@pytest.fixture
def context(db: None) -> Context:
    from tests.factories import make_world

    return Context(a=make_world("Werkbedrijf Noord"), b=make_world("Werkbedrijf Zuid"))


def _short(data: dict[str, Any]) -> str:
    text = repr(data)
    return text if len(text) < 600 else text[:600] + f"... ({len(text)} characters)"


def _error(response: Any) -> str:
    import traceback

    exc_info = getattr(response, "exc_info", None)
    return "".join(traceback.format_exception(*exc_info)[-6:]) if exc_info else ""


def _person(world: World, target: Target) -> Any:
    assert target.role is not None
    return world.by_role(target.role)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_no_server_error_and_no_partial_write(
    target: Target, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SMALL_LIMITS.items():
        module, attribute = name.rsplit(".", 1)
        monkeypatch.setattr(module + "." + attribute, value)
    prepared: Prepared = target.prepare(context)
    url = reverse(target.url, kwargs=prepared.kwargs) + prepared.query
    client = Client(raise_request_exception=False)
    if target.role is not None:
        client.force_login(_person(context.a, target).user)
    elif target.operator:
        from tests.factories import login_operator, make_operator

        verified = target.operator == "verified"
        login_operator(client, make_operator(with_app=verified), verified=verified)
    ids = ids_by_model(context)
    plausible = {key: s.value_for(field, ids) for key, field in field_keys(target).items()}
    plausible.update(prepared.keys)
    uploads = {key: upload_strategy(key, limit) for key, limit in target.files.items()}
    baseline = {table: invariants.dump(table) for table in invariants.tables()}

    @settings(settings.get_profile("ci"), max_examples=examples_for(target))
    @given(data=submission(plausible, uploads))
    def run(data: dict[str, Any]) -> None:
        EXAMPLES_RUN[target.id] += 1
        with transaction.atomic():
            for value in data.values():
                if isinstance(value, SimpleUploadedFile):
                    value.seek(0)
            # The query log holds 9,000 queries and then captures nothing: start each example empty.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                if target.method == "get":
                    response = client.get(url, {k: v for k, v in data.items() if not hasattr(v, "read")})
                else:
                    response = client.post(url, data)
            status = response.status_code
            assert status < 500, f"{target.id}: {status} for {_short(data)}: {_error(response)}"
            log = connection.queries_log
            assert log.maxlen is None or len(log) < log.maxlen, "query log full: writes may go unseen"
            written = invariants.written_tables(queries.captured_queries)
            accepted = 300 <= status < 400 or (target.answers_in_place and status == 200)
            if accepted and target.method == "post":
                invariants.check_consistent()
            else:
                changed = [t for t in written - target.writes_when_refused if invariants.dump(t) != baseline.get(t)]
                assert not changed, f"{target.id}: refused with {status} but wrote {changed} for {_short(data)}"
            transaction.set_rollback(True)

    run()


def test_every_form_class_is_in_the_inventory() -> None:
    """A form class added anywhere in wpo/ without a target in targets.py fails here."""
    import importlib
    import pkgutil

    import wpo

    covered = {form for target in TARGETS for form in target.forms}
    found = set()
    for module_info in pkgutil.walk_packages(wpo.__path__, "wpo."):
        if ".migrations" in module_info.name or ".tests" in module_info.name:
            continue
        # forms*.py and views*.py, and every module inside a forms/ or views/ package (wpo.x.views.edit).
        parts = module_info.name.split(".")[2:]
        if not any(part.startswith(("forms", "views")) for part in parts):
            continue
        module = importlib.import_module(module_info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
                and not issubclass(obj, forms.BaseFormSet)
            ):
                found.add(obj)
    missing = sorted(f"{f.__module__}.{f.__qualname__}" for f in found - covered)
    assert not missing, f"forms without a target in tests/property/targets.py: {missing}"
