import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cosar_common.concurrency import IfMatch, document_if_match
from cosar_common.errors import install_error_handlers

pytestmark = pytest.mark.unit


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    document_if_match(app)

    @app.put("/documents")
    async def save(expected: IfMatch) -> dict[str, int]:
        return {"expected": expected}

    @app.get("/documents")
    async def read() -> dict[str, int]:
        return {}

    return app


@pytest.mark.parametrize("header", ["3", '"3"', 'W/"3"'])
def test_if_match_reads_the_lock_version(header: str):
    response = TestClient(_app()).put("/documents", headers={"If-Match": header})
    assert response.json() == {"expected": 3}


@pytest.mark.parametrize("headers", [{}, {"If-Match": "x"}, {"If-Match": "2147483648"}])
def test_missing_unreadable_or_out_of_range_if_match_is_428(headers: dict[str, str]):
    # 2147483648 cannot be a lock_version (int4): 428, not the database's overflow (500).
    response = TestClient(_app()).put("/documents", headers=headers)
    assert response.status_code == 428
    assert response.json()["code"] == "if_match_required"


def test_openapi_says_if_match_is_required_and_documents_the_428():
    spec = TestClient(_app()).get("/openapi.json").json()
    operation = spec["paths"]["/documents"]["put"]
    (header,) = (p for p in operation["parameters"] if p["name"] == "If-Match")
    assert header["in"] == "header"
    assert header["required"] is True
    assert header["schema"] == {"type": "string"}
    assert "428" in operation["responses"]
    assert "If-Match" in operation["responses"]["428"]["description"]
    # Routes without the header are left alone.
    assert "428" not in spec["paths"]["/documents"]["get"]["responses"]
