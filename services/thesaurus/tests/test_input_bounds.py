"""Integer inputs are bounded before they reach an int4 column (issue 13)."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cosar_common.api.params import unbounded_integers
from cosar_common.errors import install_error_handlers
from thesaurus.app import create_app
from thesaurus.codesystems.endpoints import VersionPath
from thesaurus.codesystems.schemas import VERSION_PATTERN, VersionCreate
from thesaurus.reference import SOURCES, read_source

pytestmark = pytest.mark.unit


def test_every_integer_parameter_and_body_field_is_bounded():
    # A concept's property values are free JSON (a JSONB column, no int4 anywhere).
    assert unbounded_integers(create_app().openapi()) == [
        "POST /code-systems/{name}/versions: body.concepts[].properties[].value",
        "PUT /code-systems/{name}/versions/{version}/concepts/{code}: body.properties[].value",
    ]


REAL_VERSIONS = ["1", "2", "99", "2008", "2026", "2024.1", "2027-draft", "bench", "2.1.0", "1.0+b"]
REFUSED_VERSIONS = ["a/b", "1\n", "1\x00", "-1", ".1", "", " 1", "1 2", "x" * 51, "é", "1?", "%2F"]


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/code-systems/{name}/versions/{version}/import")
    async def import_(version: VersionPath) -> dict[str, str]:
        return {"version": version}

    @app.post("/code-systems/{name}/versions")
    async def create(data: VersionCreate) -> dict[str, str]:
        return {"version": data.version}

    return app


@pytest.mark.parametrize("version", REAL_VERSIONS)
def test_every_real_version_id_is_accepted(version: str):
    client = TestClient(_app())
    assert client.post(f"/code-systems/x/versions/{version}/import").status_code == 200
    created = client.post("/code-systems/x/versions", json={"version": version, "concepts": []})
    assert created.status_code == 200, created.text


@pytest.mark.parametrize("version", REFUSED_VERSIONS)
def test_a_version_id_unfit_for_a_path_is_a_french_422(version: str):
    response = TestClient(_app()).post(
        "/code-systems/x/versions", json={"version": version, "concepts": []}
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "body.version"
    assert error["message"] in ("Format invalide.", "Texte trop long.")


@pytest.mark.parametrize("segment", ["1%0A", "1%00", "-1", "x%20y"])
def test_a_version_id_in_the_path_is_checked_too(segment: str):
    response = TestClient(_app()).post(f"/code-systems/x/versions/{segment}/import")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "path.version",
        "message": "Format invalide.",
        "type": "string_pattern_mismatch",
    }


def test_reference_data_versions_fit_the_pattern():
    for source in SOURCES:
        assert re.fullmatch(VERSION_PATTERN, read_source(source).version), source
