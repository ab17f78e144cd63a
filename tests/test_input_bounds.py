"""Issue 13, against the real services with real tokens: bounded integers (a French 422, never
the int4 overflow's 500), the fiche's 404 before 403 (the draft), the CSE consultation's date, the
thesaurus' version ids, the If-Match header in the OpenAPI."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from cosar_common import clock
from tests.assessment_client import DuerpClient, auth, create_company

DEMO_FILE = Path(__file__).parents[1] / "deploy" / "demo" / "demo-data.json"
TOO_BIG = 2_147_483_648  # 2³¹: one past the largest int4
INT4_MAX = TOO_BIG - 1


def _demo_company(tenant: str, index: int) -> str:
    data = json.loads(DEMO_FILE.read_text("utf-8"))
    companies = next(t["companies"] for t in data["tenants"] if t["tenant_id"] == tenant)
    return str(companies[index]["id"])


@pytest.fixture(scope="module")
async def demo_loaded(migrated):
    from assessment.demo import load_demo

    await load_demo(migrated.dsn("assessment_app", "assessment_app", "assessment"), DEMO_FILE)


def _too_big(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, (response.status_code, response.text)
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"] == "Données invalides."
    assert {"field": field, "message": "Valeur trop grande.", "type": "less_than_equal"} in body[
        "errors"
    ]


async def test_integers_beyond_int4_are_a_french_422_not_a_500(
    assessment_service, token_for, demo_loaded
):
    staff = await token_for("sst-preventer@sst-13-marseille")
    company = await create_company(assessment_service.url, staff)
    async with DuerpClient(assessment_service.url, staff, company["id"]) as duerp:
        await duerp.add_risk(await duerp.add_unit())
        version = await duerp.ok("POST", "/duerp/versions")
        versions = "/duerp/versions"
        largest = await duerp.get(f"{versions}/{INT4_MAX}")
        read = await duerp.get(f"{versions}/{TOO_BIG}")
        ods = await duerp.get(f"{versions}/{TOO_BIG}/export.ods")
        xlsx = await duerp.get(f"{versions}/{TOO_BIG}/export.xlsx")
        diff_from = await duerp.get(f"{versions}/diff", params={"from": TOO_BIG, "to": 1})
        diff_to = await duerp.get(f"{versions}/diff", params={"from": 1, "to": TOO_BIG})
        fiche = await duerp.get(f"/fiche/versions/{TOO_BIG}")
        lock = await duerp.http.post(
            f"{duerp.base}/duerp/work-units",
            json={"kind": "trade", "name": "X", "headcount": 1},
            headers={"If-Match": str(TOO_BIG)},
        )
        headcount = await duerp.change(
            "POST", "/duerp/work-units", json={"kind": "trade", "name": "X", "headcount": TOO_BIG}
        )
    # The CSE's opinion is recorded by the employer or the CSE (the staff gets a 403 first).
    employer = await token_for("employer1@sst-13-marseille")
    own = _demo_company("sst-13-marseille", 0)
    async with DuerpClient(assessment_service.url, employer, own) as theirs:
        cse = await theirs.http.post(
            f"{theirs.base}{versions}/{TOO_BIG}/cse-consultation",
            json={"consulted_on": str(clock.today()), "opinion": "favourable"},
        )
    assert version["number"] == 1
    assert largest.status_code == 404  # in range: the version does not exist
    _too_big(read, "path.number")
    _too_big(ods, "path.number")
    _too_big(xlsx, "path.number")
    _too_big(diff_from, "query.from")
    _too_big(diff_to, "query.to")
    _too_big(fiche, "path.number")
    _too_big(cse, "path.number")
    assert lock.status_code == 428  # cannot be a lock version read: not an overflow either
    assert lock.json()["code"] == "if_match_required"
    _too_big(headcount, "body.headcount")


async def test_thesaurus_offsets_beyond_int4_are_a_french_422(
    thesaurus_service, token_for, reference_loaded
):
    token = await token_for("sst-preventer@sst-13-marseille")
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(token)) as http:
        search = await http.get("/search", params={"q": "bruit", "offset": TOO_BIG})
        concepts = await http.get(
            "/code-systems/dangers/versions/1/concepts", params={"offset": TOO_BIG}
        )
    _too_big(search, "query.offset")
    _too_big(concepts, "query.offset")


async def test_an_employer_gets_404_for_another_company_fiche_and_403_for_its_own_draft(
    assessment_service, token_for, demo_loaded
):
    employer = await token_for("employer1@sst-13-marseille")
    own, neighbour = _demo_company("sst-13-marseille", 0), _demo_company("sst-13-marseille", 1)
    async with httpx.AsyncClient(base_url=assessment_service.url, headers=auth(employer)) as http:
        answers = {
            (company, path): (await http.get(f"/companies/{company}/fiche{path}")).status_code
            for company in (own, neighbour, str(uuid.uuid4()))
            for path in ("", "/versions", f"/versions/{INT4_MAX}")
        }
    for (company, path), status in answers.items():
        if company != own:
            assert status == 404, (company, path, status)
    # Its own company: the draft is the SPSTI's (403); the published versions are its to read
    # (R4624-46), and a version that does not exist is a plain 404.
    assert answers[(own, "")] == 403
    assert answers[(own, "/versions")] == 200
    assert answers[(own, f"/versions/{INT4_MAX}")] == 404


async def test_the_cse_consultation_is_dated_from_the_publication_to_today(
    assessment_service, token_for, demo_loaded
):
    employer = await token_for("employer1@sst-13-marseille")
    company = _demo_company("sst-13-marseille", 0)
    async with DuerpClient(assessment_service.url, employer, company) as duerp:
        await duerp.add_risk(await duerp.add_unit())
        version = await duerp.ok("POST", "/duerp/versions")
        url = f"{duerp.base}/duerp/versions/{version['number']}/cse-consultation"
        long_ago = await duerp.http.post(
            url, json={"consulted_on": "2000-01-01", "opinion": "favourable"}
        )
        tomorrow = str(clock.today() + timedelta(days=1))
        future = await duerp.http.post(
            url, json={"consulted_on": tomorrow, "opinion": "favourable"}
        )
        today = await duerp.http.post(
            url, json={"consulted_on": str(clock.today()), "opinion": "favourable"}
        )
    for refused in (long_ago, future):
        assert refused.status_code == 422, refused.text
        body = refused.json()
        assert body["code"] == "invalid_consultation_date"
        assert body["errors"][0]["field"] == "body.consulted_on"
    assert long_ago.json()["message"].startswith("La consultation ne peut pas être antérieure")
    assert future.json()["message"] == "La consultation ne peut pas être datée dans le futur."
    assert today.status_code == 201, today.text


async def test_a_version_id_unfit_for_a_path_is_refused_before_it_exists(
    thesaurus_service, token_for, reference_loaded
):
    editor = await token_for("thesaurus-editor")
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(editor)) as http:
        refused = await http.post(
            "/code-systems/dangers/versions", json={"version": "2/x\n\x07", "from_latest": True}
        )
        listed = await http.get("/code-systems/dangers/versions")
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0] == {
        "field": "body.version",
        "message": "Format invalide.",
        "type": "string_pattern_mismatch",
    }
    assert all("/" not in v["version"] for v in listed.json())


async def test_openapi_says_if_match_is_required_and_documents_the_428(assessment_service):
    async with httpx.AsyncClient(base_url=assessment_service.url) as http:
        spec = (await http.get("/openapi.json")).json()
    operation = spec["paths"]["/companies/{company_id}/duerp/work-units"]["post"]
    (header,) = (p for p in operation["parameters"] if p["name"] == "If-Match")
    assert header["required"] is True
    assert "428" in operation["responses"]
