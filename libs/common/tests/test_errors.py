import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from cosar_common.errors import NotFound, install_error_handlers

pytestmark = pytest.mark.unit


class Thing(BaseModel):
    name: str = Field(min_length=1)
    count: int


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/things")
    async def create(thing: Thing) -> Thing:
        return thing

    @app.get("/things/{thing_id}")
    async def read(thing_id: int) -> dict[str, int]:
        raise NotFound("Chose introuvable.")

    return app


def test_validation_error_names_the_field_in_french():
    response = TestClient(_app()).post("/things", json={"name": "x", "count": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["field"] == "body.count"
    assert body["errors"][0]["message"] == "Un nombre entier est attendu."


def test_malformed_json_is_422_not_500():
    response = TestClient(_app()).post(
        "/things", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("Le corps de la requête")


def test_app_errors_carry_status_and_stable_code():
    response = TestClient(_app()).get("/things/3")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Chose introuvable."}
