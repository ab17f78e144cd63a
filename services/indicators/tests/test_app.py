import pytest
from fastapi.testclient import TestClient

from indicators.app import create_app

pytestmark = pytest.mark.unit


def test_openapi_and_liveness_without_infrastructure():
    # No lifespan here: the document and liveness must not depend on the database or Kafka.
    client = TestClient(create_app())
    assert client.get("/health/live").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert "/health/ready" in spec["paths"]
    assert client.get("/asyncapi").json()["asyncapi"].startswith("3.")
