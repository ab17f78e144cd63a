from typing import Annotated

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel

from cosar_common.api.params import INT4_MAX, Count, Offset, VersionNumber, unbounded_integers
from cosar_common.errors import install_error_handlers

pytestmark = pytest.mark.unit


class Body(BaseModel):
    headcount: Count


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/versions/{number}")
    async def read(
        number: VersionNumber,
        from_: Annotated[VersionNumber | None, Query(alias="from")] = None,
        offset: Offset = 0,
    ) -> dict[str, int | None]:
        return {"number": number, "from": from_, "offset": offset}

    @app.post("/bodies")
    async def create(body: Body) -> Body:
        return body

    return app


def test_int4_max_is_accepted():
    response = TestClient(_app()).get(f"/versions/{INT4_MAX}?from={INT4_MAX}&offset={INT4_MAX}")
    assert response.status_code == 200
    assert response.json() == {"number": INT4_MAX, "from": INT4_MAX, "offset": INT4_MAX}


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/versions/2147483648", "path.number"),
        ("/versions/99999999999999999999999", "path.number"),
        ("/versions/3?from=2147483648", "query.from"),
        ("/versions/3?offset=2147483648", "query.offset"),
    ],
)
def test_beyond_int4_is_a_french_422(url: str, field: str):
    response = TestClient(_app()).get(url)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"] == [
        {"field": field, "message": "Valeur trop grande.", "type": "less_than_equal"}
    ]


@pytest.mark.parametrize("url", ["/versions/0", "/versions/-1", "/versions/3?offset=-1"])
def test_below_the_lower_bound_is_a_french_422(url: str):
    response = TestClient(_app()).get(url)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Valeur trop petite."


def test_body_counts_are_bounded_too():
    response = TestClient(_app()).post("/bodies", json={"headcount": INT4_MAX + 1})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.headcount"


def test_the_openapi_shows_the_bounds_and_the_guard_finds_none_missing():
    spec = _app().openapi()
    parameters = spec["paths"]["/versions/{number}"]["get"]["parameters"]
    number = next(p for p in parameters if p["name"] == "number")
    assert number["schema"]["minimum"] == 1
    assert number["schema"]["maximum"] == INT4_MAX
    assert unbounded_integers(spec) == []


def test_the_guard_names_unbounded_parameters_and_body_fields():
    app = FastAPI()

    class Loose(BaseModel):
        count: int
        items: list[int]

    @app.post("/loose/{number}")
    async def loose(number: int, body: Loose, page: int | None = None) -> None:
        return None

    assert sorted(unbounded_integers(app.openapi())) == [
        "POST /loose/{number}: body.count",
        "POST /loose/{number}: body.items[]",
        "POST /loose/{number}: number",
        "POST /loose/{number}: page",
    ]
