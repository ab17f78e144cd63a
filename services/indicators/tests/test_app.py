import pytest
from fastapi.testclient import TestClient

from cosar_common.api.params import unbounded_integers
from indicators.app import create_app

pytestmark = pytest.mark.unit


def test_openapi_and_liveness_without_infrastructure():
    # No lifespan here: the document and liveness must not depend on the database or Kafka.
    client = TestClient(create_app())
    assert client.get("/health/live").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert "/health/ready" in spec["paths"]
    assert client.get("/asyncapi").json()["asyncapi"].startswith("3.")


def test_every_integer_parameter_and_body_field_is_bounded():
    # Beyond int4 a value would reach PostgreSQL and overflow (500): a French 422 instead.
    assert unbounded_integers(create_app().openapi()) == []


def test_the_service_serves_from_two_processes_on_two_cores_unless_told(monkeypatch):
    from indicators import settings

    monkeypatch.setattr(settings.os, "sched_getaffinity", lambda _: {0, 1, 2, 3})
    assert settings.IndicatorsSettings().workers == 2
    monkeypatch.setattr(settings.os, "sched_getaffinity", lambda _: {0})
    assert settings.IndicatorsSettings().workers == 1
    monkeypatch.setenv("INDICATORS_WORKERS", "3")
    assert settings.IndicatorsSettings().workers == 3
