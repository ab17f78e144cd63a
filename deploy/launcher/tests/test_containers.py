import time

import pytest

from cosar_deploy import containers

pytestmark = pytest.mark.unit


def test_docker_available_is_false_quickly_without_an_engine(monkeypatch, tmp_path):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setattr(containers, "DOCKER_SOCKET", tmp_path / "no-docker.sock")
    t0 = time.monotonic()
    assert containers.docker_available() is False
    assert time.monotonic() - t0 < 3


def test_docker_available_is_false_for_an_unreachable_engine(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:1")  # nothing listens on port 1
    t0 = time.monotonic()
    assert containers.docker_available(timeout=1.0) is False
    assert time.monotonic() - t0 < 3


def test_missing_realm_file_is_reported_before_any_container(tmp_path):
    with pytest.raises(containers.InfraError, match="realm file"):
        containers.start_containers(tmp_path / "absent.json")
