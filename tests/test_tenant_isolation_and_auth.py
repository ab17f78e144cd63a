"""Tenant isolation and authentication against the real Keycloak and PostgreSQL."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.assessment_client import auth, random_siret
from tests.conftest import keycloak_admin_token

DEMO_FILE = Path(__file__).parents[1] / "deploy" / "demo" / "demo-data.json"


def _demo_companies() -> dict[str, list[dict[str, object]]]:
    data = json.loads(DEMO_FILE.read_text("utf-8"))
    return {t["tenant_id"]: t["companies"] for t in data["tenants"]}


async def _create_company(url: str, token: str, **fields: object) -> httpx.Response:
    body = {
        "name": "Entreprise de test",
        "siret": random_siret(),
        "naf_code": "10.71C",
        "headcount": 12,
        **fields,
    }
    async with httpx.AsyncClient(base_url=url, headers=auth(token), timeout=10) as http:
        return await http.post("/companies", json=body)


@pytest.fixture(scope="module")
async def company_of_toulon(assessment_service, token_for) -> dict[str, object]:
    """A company of tenant B (sst-83-toulon), created by its SPSTI administrator."""
    admin_b = await token_for("sst-admin@sst-83-toulon")
    response = await _create_company(assessment_service.url, admin_b, name="Chantier Naval Test")
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_employer_of_tenant_a_gets_404_for_a_company_of_tenant_b(
    assessment_service, token_for, company_of_toulon
):
    employer_a = await token_for("employer1@sst-13-marseille")
    async with httpx.AsyncClient(base_url=assessment_service.url, headers=auth(employer_a)) as http:
        response = await http.get(f"/companies/{company_of_toulon['id']}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "Chantier" not in response.text  # nothing of the other tenant's object leaks


async def test_sst_staff_of_tenant_a_gets_404_too_and_tenant_b_staff_sees_it(
    assessment_service, token_for, company_of_toulon
):
    staff_a = await token_for("sst-preventer@sst-13-marseille")
    staff_b = await token_for("sst-preventer@sst-83-toulon")
    async with httpx.AsyncClient(base_url=assessment_service.url) as http:
        hidden = await http.get(f"/companies/{company_of_toulon['id']}", headers=auth(staff_a))
        seen = await http.get(f"/companies/{company_of_toulon['id']}", headers=auth(staff_b))
        listing_a = await http.get("/companies", headers=auth(staff_a))
    assert hidden.status_code == 404
    assert seen.status_code == 200
    assert seen.json()["tenant_id"] == "sst-83-toulon"
    assert company_of_toulon["id"] not in {c["id"] for c in listing_a.json()}


async def test_employer_sees_its_own_company_but_not_its_neighbours(
    assessment_service, token_for, migrated
):
    """The demo companies (ids fixed in the realm's company_ids) come from the demo loader."""
    from assessment.demo import load_demo

    await load_demo(migrated.dsn("assessment_app", "assessment_app", "assessment"), DEMO_FILE)
    marseille = _demo_companies()["sst-13-marseille"]
    employer1 = await token_for("employer1@sst-13-marseille")
    async with httpx.AsyncClient(base_url=assessment_service.url, headers=auth(employer1)) as http:
        own = await http.get(f"/companies/{marseille[0]['id']}")
        neighbour = await http.get(f"/companies/{marseille[1]['id']}")
        listing = await http.get("/companies")
    assert own.status_code == 200
    assert own.json()["name"] == marseille[0]["name"]
    assert neighbour.status_code == 404
    assert [c["id"] for c in listing.json()] == [marseille[0]["id"]]


async def test_a_query_without_tenant_context_sees_no_tenant_row(
    assessment_service, company_of_toulon, migrated
):
    """RLS under the application: the runtime role sees nothing when no tenant is set."""
    owner = await asyncpg.connect(
        migrated.dsn("assessment_owner", "assessment_owner", "assessment", driver=None)
    )
    app = await asyncpg.connect(
        migrated.dsn("assessment_app", "assessment_app", "assessment", driver=None)
    )
    try:
        assert await owner.fetchval("SELECT count(*) FROM company") == 0  # FORCE: owner too
        assert await app.fetchval("SELECT count(*) FROM company") == 0
        async with app.transaction():
            # Only a tenant: the company policy fails closed (company scope unknown → nothing).
            await app.execute("SELECT set_config('app.tenant_id', 'sst-83-toulon', true)")
            assert await app.fetchval("SELECT count(*) FROM company") == 0
        async with app.transaction():
            # What the application sets for an SPSTI preventer of Toulon.
            await app.execute("SELECT set_config('app.tenant_id', 'sst-83-toulon', true)")
            await app.execute("SELECT set_config('app.roles', 'sst-preventer', true)")
            await app.execute("SELECT set_config('app.company_scoped', 'off', true)")
            ids = {r["id"] for r in await app.fetch("SELECT id FROM company")}
            tenants = {r["tenant_id"] for r in await app.fetch("SELECT tenant_id FROM company")}
        assert uuid.UUID(str(company_of_toulon["id"])) in ids
        assert tenants == {"sst-83-toulon"}
        # An employer (company-scoped): only the companies its token carries, whatever roles
        # the transaction names; none when it carries none.
        for carried, expected in ((str(company_of_toulon["id"]), 1), ("", 0)):
            async with app.transaction():
                await app.execute("SELECT set_config('app.tenant_id', 'sst-83-toulon', true)")
                await app.execute("SELECT set_config('app.roles', 'sst-preventer', true)")
                await app.execute("SELECT set_config('app.company_scoped', 'on', true)")
                await app.execute("SELECT set_config('app.company_ids', $1, true)", carried)
                seen = await app.fetch("SELECT id FROM company")
            assert len(seen) == expected

        # Writing a row into another tenant is refused by the policy's WITH CHECK.
        async def insert_into_other_tenant() -> None:
            async with app.transaction():
                await app.execute("SELECT set_config('app.tenant_id', 'sst-06-nice', true)")
                await app.execute("SELECT set_config('app.roles', 'sst-admin', true)")
                await app.execute("SELECT set_config('app.company_scoped', 'off', true)")
                await app.execute(
                    "INSERT INTO company (id, tenant_id, name, siret, siren, naf_code, headcount,"
                    " has_cse) VALUES ($1, 'sst-83-toulon', 'x', '1', '1', '10.71C', 1, false)",
                    uuid.uuid4(),
                )

        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
            await insert_into_other_tenant()
        role = await app.fetchrow(
            "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user"
        )
        assert (role["rolbypassrls"], role["rolsuper"]) == (False, False)
    finally:
        await owner.close()
        await app.close()


async def test_token_signed_by_a_foreign_key_gets_401(assessment_service, infra, token_for):
    genuine = jwt.decode(
        await token_for("employer1@sst-13-marseille"), options={"verify_signature": False}
    )
    kid = jwt.get_unverified_header(await token_for("employer1@sst-13-marseille"))["kid"]
    foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    forged = jwt.encode(
        {**genuine, "iat": now, "exp": now + 300, "tenant_id": "sst-83-toulon"},
        foreign_key,
        algorithm="RS256",
        headers={"kid": kid},
    )
    async with httpx.AsyncClient(base_url=assessment_service.url) as http:
        response = await http.get("/companies", headers=auth(forged))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_missing_or_garbage_token_gets_401_with_json(assessment_service):
    async with httpx.AsyncClient(base_url=assessment_service.url) as http:
        missing = await http.get("/companies")
        garbage = await http.get("/companies", headers=auth("abc.def.ghi"))
    assert missing.status_code == 401
    assert missing.json()["code"] == "not_authenticated"
    assert garbage.status_code == 401
    assert garbage.json()["code"] == "invalid_token"


async def test_token_for_another_audience_is_refused(assessment_service, infra):
    """A service token of 'reporting' carries the services as audience; one minted for a
    client without them (the Keycloak admin CLI) must not open the assessment API."""
    async with httpx.AsyncClient(timeout=10) as http:
        admin_token = await keycloak_admin_token(infra, http)
        refused = await http.get(f"{assessment_service.url}/companies", headers=auth(admin_token))
    assert refused.status_code == 401


async def test_wrong_role_gets_403_and_bad_body_gets_422_naming_the_field(
    assessment_service, token_for
):
    employer = await token_for("employer1@sst-13-marseille")
    admin = await token_for("sst-admin@sst-13-marseille")
    forbidden = await _create_company(assessment_service.url, employer)
    assert forbidden.status_code == 403
    bad_siret = await _create_company(assessment_service.url, admin, siret="81234560100016")
    assert bad_siret.status_code == 422
    assert bad_siret.json()["code"] == "invalid_siret"
    bad_naf = await _create_company(assessment_service.url, admin, naf_code="boulangerie")
    assert bad_naf.status_code == 422
    assert bad_naf.json()["errors"][0]["field"] == "body.naf_code"
    async with httpx.AsyncClient(base_url=assessment_service.url, headers=auth(admin)) as http:
        malformed = await http.post(
            "/companies", content=b"{", headers={"content-type": "application/json"}
        )
    assert malformed.status_code == 422


async def test_regional_analyst_sees_no_company(assessment_service, token_for):
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(base_url=assessment_service.url, headers=auth(analyst)) as http:
        response = await http.get("/companies")
    assert response.status_code == 403
