from pathlib import Path

import pytest

from cosar_deploy import infra

pytestmark = pytest.mark.unit


def test_select_keeps_start_order_and_rejects_unknown():
    assert infra._select(None) == ["postgres", "kafka", "keycloak"]
    assert infra._select(["keycloak", "postgres"]) == ["postgres", "keycloak"]
    with pytest.raises(ValueError, match="redis"):
        infra._select(["redis"])


def test_status_text():
    assert infra.ComponentStatus("kafka", 12, True).text == "running (pid 12), reachable"
    assert infra.ComponentStatus("kafka", 12, False).text == "running (pid 12), NOT reachable"
    assert infra.ComponentStatus("kafka", None, True).text.startswith("reachable (not started")
    assert infra.ComponentStatus("kafka", None, False).text == "down"


def test_stop_without_pid_files_touches_nothing(tmp_path: Path) -> None:
    paths = infra.Paths(cache=tmp_path / "c", state=tmp_path / "s")
    lines: list[str] = []
    assert infra.stop(paths=paths, echo=lines.append) == {
        "keycloak": False,
        "kafka": False,
        "postgres": False,
    }
    assert all("not running" in line for line in lines)
