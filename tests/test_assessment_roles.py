"""Who may do what on a DUERP, with real Keycloak tokens: employer, CSE, SPSTI staff, region."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from cosar_common import clock
from tests.assessment_client import DuerpClient, auth, create_company

DEMO_FILE = Path(__file__).parents[1] / "deploy" / "demo" / "demo-data.json"


def _demo_company(tenant: str, index: int) -> str:
    data = json.loads(DEMO_FILE.read_text("utf-8"))
    companies = next(t["companies"] for t in data["tenants"] if t["tenant_id"] == tenant)
    return str(companies[index]["id"])


@pytest.fixture(scope="module")
async def demo_loaded(migrated):
    from assessment.demo import load_demo

    await load_demo(migrated.dsn("assessment_app", "assessment_app", "assessment"), DEMO_FILE)


async def test_employer_writes_its_own_company_and_gets_404_on_its_neighbour(
    assessment_service, token_for, demo_loaded
):
    employer = await token_for("employer1@sst-13-marseille")
    own, neighbour = _demo_company("sst-13-marseille", 0), _demo_company("sst-13-marseille", 1)
    async with DuerpClient(assessment_service.url, employer, own) as duerp:
        unit = await duerp.add_unit(name=f"Fournil {clock.today()}")
        assert unit
        patched = await duerp.http.patch(f"/companies/{own}", json={"address": "Quai du Port"})
        assert patched.status_code == 200
        assert patched.json()["address"] == "Quai du Port"
    async with DuerpClient(assessment_service.url, employer, neighbour) as other:
        read = await other.http.get(f"/companies/{neighbour}/duerp")
        write = await other.http.post(
            f"/companies/{neighbour}/duerp/work-units",
            json={"kind": "trade", "name": "X", "headcount": 1},
            headers={"If-Match": "1"},
        )
        patch = await other.http.patch(f"/companies/{neighbour}", json={"name": "Piraté"})
    assert (read.status_code, write.status_code, patch.status_code) == (404, 404, 404)
    assert "Transports" not in read.text


async def test_other_tenant_staff_gets_404_on_the_duerp(assessment_service, token_for):
    marseille = await token_for("sst-preventer@sst-13-marseille")
    toulon = await token_for("sst-preventer@sst-83-toulon")
    company = await create_company(assessment_service.url, marseille)
    async with httpx.AsyncClient(base_url=assessment_service.url, headers=auth(toulon)) as http:
        for path in ("/duerp", "/duerp/versions", "/duerp/action-plan", "/fiche"):
            response = await http.get(f"/companies/{company['id']}{path}")
            assert response.status_code == 404, path


async def test_representative_reads_versions_records_the_cse_opinion_but_cannot_write(
    assessment_service, token_for, demo_loaded
):
    employer = await token_for("employer1@sst-13-marseille")
    cse = await token_for("employee-representative@sst-13-marseille")
    company = _demo_company("sst-13-marseille", 0)
    async with DuerpClient(assessment_service.url, employer, company) as duerp:
        await duerp.add_risk(await duerp.add_unit(name="Vente"))
        version = await duerp.ok("POST", "/duerp/versions")
    async with DuerpClient(assessment_service.url, cse, company) as reader:
        draft = await reader.http.get(f"/companies/{company}/duerp")
        write = await reader.http.post(
            f"/companies/{company}/duerp/work-units",
            json={"kind": "trade", "name": "X", "headcount": 1},
            headers={"If-Match": "1"},
        )
        listed = await reader.get("/duerp/versions")
        read = await reader.get(f"/duerp/versions/{version['number']}")
        opinion = await reader.http.post(
            f"{reader.base}/duerp/versions/{version['number']}/cse-consultation",
            json={
                "consulted_on": str(clock.today()),
                "opinion": "reserved",
                "proposals": "Ajouter le risque routier des livraisons.",
            },
        )
        again = await reader.http.post(
            f"{reader.base}/duerp/versions/{version['number']}/cse-consultation",
            json={"consulted_on": str(clock.today()), "opinion": "favourable"},
        )
        after = await reader.get("/duerp/versions")
    assert draft.status_code == 403  # the working draft is the employer's, not the CSE's
    assert write.status_code == 403
    assert listed.status_code == 200
    assert read.status_code == 200
    assert read.json()["company"]["id"] == company
    assert opinion.status_code == 201, opinion.text
    assert again.status_code == 409
    consulted = next(v for v in after.json() if v["number"] == version["number"])
    assert consulted["consultation"]["opinion"] == "reserved"
    assert consulted["consultation"]["proposals"].startswith("Ajouter le risque routier")
    assert consulted["consultation"]["consulted_on"] == str(clock.today())
    # The version the CSE gave its opinion on was published today, in Paris.
    assert clock.date_of(datetime.fromisoformat(consulted["published_at"])) == clock.today()


async def test_the_employer_and_the_cse_read_the_published_fiche_but_not_the_draft(
    assessment_service, token_for, demo_loaded
):
    """R4624-46: the fiche d'entreprise is transmitted to the employer; R4624-48: presented
    to the CSE. Both read what the SPSTI published; its draft and its writing stay the SPSTI's."""
    staff = await token_for("sst-preventer@sst-13-marseille")
    employer = await token_for("employer1@sst-13-marseille")
    cse = await token_for("employee-representative@sst-13-marseille")
    company = _demo_company("sst-13-marseille", 0)
    marker = f"Observation {uuid.uuid4().hex[:8]}"
    async with DuerpClient(assessment_service.url, staff, company) as spsti:
        draft = await spsti.get("/fiche")
        saved = await spsti.http.put(
            f"{spsti.base}/fiche",
            headers={"If-Match": draft.headers["ETag"]},
            json={"observations": marker, "recommended_actions": [], "exposures": []},
        )
        assert saved.status_code == 200, saved.text
        published = await spsti.http.post(
            f"{spsti.base}/fiche/versions", headers={"If-Match": saved.headers["ETag"]}
        )
        assert published.status_code == 201, published.text
        number = published.json()["number"]
    base = f"/companies/{company}/fiche"
    async with httpx.AsyncClient(base_url=assessment_service.url, timeout=20) as http:
        for token in (employer, cse):
            listed = await http.get(f"{base}/versions", headers=auth(token))
            read = await http.get(f"{base}/versions/{number}", headers=auth(token))
            chain = await http.get(f"{base}/versions/verify", headers=auth(token))
            their_draft = await http.get(base, headers=auth(token))
            write = await http.put(
                base, headers={**auth(token), "If-Match": "1"}, json={"observations": "x"}
            )
            publish = await http.post(f"{base}/versions", headers={**auth(token), "If-Match": "1"})
            assert listed.status_code == 200, listed.text
            assert number in [v["number"] for v in listed.json()]
            assert read.status_code == 200, read.text
            assert read.json()["observations"] == marker
            assert chain.status_code == 200, chain.text
            assert chain.json()["valid"] is True
            assert (their_draft.status_code, write.status_code, publish.status_code) == (
                403,
                403,
                403,
            )


async def test_regional_roles_see_no_duerp(assessment_service, token_for, demo_loaded):
    company = _demo_company("sst-13-marseille", 0)
    for user in ("regional-analyst", "platform-admin", "thesaurus-editor"):
        token = await token_for(user)
        async with httpx.AsyncClient(base_url=assessment_service.url, headers=auth(token)) as http:
            response = await http.get(f"/companies/{company}/duerp/versions")
        assert response.status_code == 403, user


async def test_companies_to_update_lists_those_without_a_recent_version(
    assessment_service, token_for
):
    staff = await token_for("sst-admin@sst-13-marseille")
    stale = await create_company(assessment_service.url, staff, name="Jamais publiée")
    fresh = await create_company(assessment_service.url, staff, name="Publiée ce jour")
    async with DuerpClient(assessment_service.url, staff, fresh["id"]) as duerp:
        await duerp.add_risk(await duerp.add_unit())
        await duerp.ok("POST", "/duerp/versions")
        listed = await duerp.http.get("/companies/to-update")
    ids = {c["id"] for c in listed.json()}
    assert stale["id"] in ids
    assert fresh["id"] not in ids


async def test_tenant_chooses_its_rating_method_and_scores_say_how_they_were_made(
    assessment_service, token_for
):
    admin = await token_for("sst-admin@sst-06-nice")
    preventer = await token_for("sst-preventer@sst-06-nice")
    company = await create_company(assessment_service.url, admin, naf_code="62.01Z")
    async with httpx.AsyncClient(base_url=assessment_service.url, timeout=20) as http:
        refused = await http.put(
            "/settings/rating-method", json={"method": "kinney"}, headers=auth(preventer)
        )
        unknown = await http.put(
            "/settings/rating-method", json={"method": "au-doigt-mouille"}, headers=auth(admin)
        )
        chosen = await http.put(
            "/settings/rating-method", json={"method": "kinney"}, headers=auth(admin)
        )
    try:
        async with DuerpClient(assessment_service.url, preventer, company["id"]) as duerp:
            unit = await duerp.add_unit(name="Plateau", kind="geographic")
            await duerp.add_risk(
                unit,
                hazard_code="PHY.ECRAN",
                control_level=None,
                rating={"probability": 3, "frequency": 7, "severity": 5},
            )
            version = await duerp.ok("POST", "/duerp/versions")
            frozen = (await duerp.get(f"/duerp/versions/{version['number']}")).json()
    finally:
        async with httpx.AsyncClient(base_url=assessment_service.url) as http:
            await http.put(
                "/settings/rating-method",
                json={"method": "gravite-probabilite-maitrise"},
                headers=auth(admin),
            )
    assert refused.status_code == 403
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_method"
    assert chosen.status_code == 200
    assert frozen["method"]["key"] == "kinney"
    rating = frozen["work_units"][0]["risks"][0]["rating"]
    assert rating["raw_score"] == "105"  # 3 × 7 × 5: above 50, high
    assert rating["priority"] == "major"
