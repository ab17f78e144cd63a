import pytest

from cosar_deploy.errors import InfraError, failure_message, tail

pytestmark = pytest.mark.unit


def test_message_names_component_log_and_last_lines(tmp_path):
    log = tmp_path / "logs" / "keycloak.log"
    log.parent.mkdir()
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    message = failure_message("keycloak", "not ready after 180 s", log)
    assert message.startswith("keycloak failed: not ready after 180 s")
    assert f"log: {log}" in message
    assert "line 99" in message
    assert "line 80" in message
    assert "line 79" not in message  # only the last 20 lines


def test_message_without_log_file(tmp_path):
    message = failure_message("kafka", "boom", tmp_path / "missing.log")
    assert "kafka failed: boom" in message
    assert str(tmp_path / "missing.log") in message
    assert tail(tmp_path / "missing.log") == []


def test_infra_error_carries_structured_fields(tmp_path):
    error = InfraError("postgres", "port held", tmp_path / "pg.log", started=("kafka",))
    assert error.component == "postgres"
    assert error.log_path == tmp_path / "pg.log"
    assert error.started == ("kafka",)
    assert "postgres failed: port held" in str(error)
