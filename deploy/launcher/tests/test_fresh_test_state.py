"""`platform test` starts from an empty test state, unless its infrastructure already runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosar_deploy import infra, platform_commands
from cosar_deploy.paths import Paths

pytestmark = pytest.mark.unit


def _paths(tmp_path: Path) -> Paths:
    paths = Paths(cache=tmp_path / "cache", state=tmp_path / "state")
    paths.state.mkdir(parents=True)
    (paths.state / "left-by-an-earlier-run").write_text("versions", "utf-8")
    return paths


def test_a_stopped_infrastructure_loses_what_an_earlier_run_left(tmp_path, monkeypatch):
    paths = _paths(tmp_path)
    monkeypatch.setattr(infra, "is_up", lambda name, paths=None: False)
    reset: list[Paths] = []
    monkeypatch.setattr(infra, "reset", lambda paths=None, echo=None: reset.append(paths))
    platform_commands.fresh_test_state(paths)
    assert reset == [paths]


@pytest.mark.parametrize("running", infra.COMPONENTS)
def test_a_running_infrastructure_keeps_its_data(tmp_path, monkeypatch, running):
    paths = _paths(tmp_path)
    monkeypatch.setattr(infra, "is_up", lambda name, paths=None: name == running)
    reset: list[Paths] = []
    monkeypatch.setattr(infra, "reset", lambda paths=None, echo=None: reset.append(paths))
    platform_commands.fresh_test_state(paths)
    assert reset == []
    assert (paths.state / "left-by-an-earlier-run").exists()
