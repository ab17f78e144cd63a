"""``<service> serve``: how many processes, and what each of them is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from cosar_common.cli import make_cli
from cosar_common.settings import ServiceSettings

pytestmark = pytest.mark.unit


class _Settings(ServiceSettings):
    service_name: str = "demo"


def _cli(**settings: Any):  # type: ignore[no-untyped-def]
    return make_cli(
        service_name="demo",
        settings_factory=lambda: _Settings(**settings),
        app_path="cosar_common.app:create_service_app",
        migrations_dir=Path("."),
        help_text="demo",
    )


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    return calls


def test_serve_starts_the_settings_worker_count_from_the_app_factory_import_string(runs):
    result = CliRunner().invoke(_cli(workers=2), ["serve", "--port", "18123"])
    assert result.exit_code == 0, result.output
    [call] = runs
    # An import string and a factory: every worker process builds its own app.
    assert call["app"] == "cosar_common.app:create_service_app"
    assert call["factory"] is True
    assert (call["workers"], call["port"]) == (2, 18123)
    # Workers are spawned: their logging is given as a configuration they apply themselves.
    assert call["log_config"]["root"]["handlers"] == ["stderr"]


def test_the_command_line_count_wins_over_the_setting(runs):
    result = CliRunner().invoke(_cli(workers=2), ["serve", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert runs[0]["workers"] == 3


def test_reload_runs_one_process_only(runs):
    result = CliRunner().invoke(_cli(workers=2), ["serve", "--reload"])
    assert result.exit_code != 0
    assert not runs
    assert CliRunner().invoke(_cli(), ["serve", "--reload"]).exit_code == 0


def test_serve_documents_its_options():
    result = CliRunner().invoke(_cli(), ["serve", "--help"])
    assert result.exit_code == 0
    assert "--workers" in result.output
    assert "DEMO_WORKERS" in result.output
