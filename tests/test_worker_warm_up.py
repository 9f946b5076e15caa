"""A web worker warms up once before its first request (gunicorn.conf.py -> config/workers.py)."""

import gc
import runpy
from pathlib import Path
from typing import Any

import pytest

from config import workers
from wpo.certificates import pdf


def test_the_warm_up_renders_a_pdf_and_freezes_what_is_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[bytes] = []
    real_join = pdf.join_pdf
    monkeypatch.setattr(pdf, "join_pdf", lambda *a, **k: rendered.append(real_join(*a, **k)) or b"")
    monkeypatch.delenv("WPO_WARM_UP", raising=False)
    frozen = gc.get_freeze_count()
    try:
        workers.ready()
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
    assert len(rendered) == 1
    assert rendered[0].startswith(b"%PDF")


def test_the_switch_turns_the_warm_up_off(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[bool] = []
    monkeypatch.setattr(pdf, "warm_up", lambda: called.append(True))
    monkeypatch.setenv("WPO_WARM_UP", "0")
    frozen = gc.get_freeze_count()
    workers.ready()
    assert called == []
    assert gc.get_freeze_count() == frozen


def test_gunicorn_config_calls_it_after_the_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[bool] = []
    monkeypatch.setattr(workers, "ready", lambda: called.append(True))
    config: dict[str, Any] = runpy.run_path(str(Path(workers.__file__).resolve().parents[1] / "gunicorn.conf.py"))
    config["post_worker_init"](object())
    assert called == [True]
