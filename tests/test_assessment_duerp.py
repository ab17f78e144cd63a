"""The DUERP on the real stack: from work units to published, chained, exported versions.

The assessment service validates every code against the running thesaurus service (service
token from the real Keycloak), stores in the real PostgreSQL under RLS, and publishes through
its outbox to the real Kafka.
"""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime, timedelta

import asyncpg
import httpx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cosar_common import clock
from cosar_deploy.endpoints import SUPERUSER, SUPERUSER_PASSWORD
from tests.assessment_client import DuerpClient, auth, create_company


@pytest.fixture
async def staff(token_for):
    return await token_for("sst-preventer@sst-13-marseille")


@pytest.fixture
async def bakery(assessment_service, staff):
    return await create_company(assessment_service.url, staff, name="Boulangerie des Tests")


async def test_seed_example_is_rated_moderate_with_a_six_month_deadline(
    assessment_service, staff, bakery
):
    async with DuerpClient(assessment_service.url, staff, bakery["id"]) as duerp:
        fresh = await duerp.read()
        assert fresh["lock_version"] == 1
        assert fresh["to_update"] is True  # never published
        assert fresh["method"]["key"] == "gravite-probabilite-maitrise"

        unit = await duerp.add_unit(jobs=["636c"])
        risk = await duerp.add_risk(unit)
        # Collective protection and no explicit level: the default control level is 'controlled'.
        measured = await duerp.add_risk(
            unit,
            hazard_code="CHI.POUSS",
            control_level=None,
            rating={"probability": 3, "gravity": 3},
            measures=[{"kind": "collective", "description": "Aspiration à la source"}],
        )
        data = await duerp.read()

    (work_unit,) = data["work_units"]
    assert work_unit["jobs"] == [
        {
            "system": "pcs-ese-2017",
            "code": "636c",
            "display": "Boulangers, pâtissiers (sauf activité industrielle)",
        }
    ]
    ratings = {r["id"]: r["rating"] for r in work_unit["risks"]}
    seed = ratings[risk]
    assert (seed["raw_score"], seed["residual_score"]) == ("6", "6")
    assert seed["priority"] == "moderate"
    assert seed["deadline_months"] == 6
    assert ratings[measured]["control_level"] == "controlled"
    assert ratings[measured]["raw_score"] == "9"
    assert ratings[measured]["residual_score"] == "3.15"  # 9 × 0.35
    assert ratings[measured]["raw_priority"] == "important"
    assert ratings[measured]["priority"] == "low"
    hazards = {r["hazard"]["code"]: r["hazard"]["display"] for r in work_unit["risks"]}
    assert hazards == {"PHY.BRUIT": "Bruit", "CHI.POUSS": "Poussières et fumées"}


async def test_publish_verify_diff_and_export(assessment_service, staff, bakery):
    async with DuerpClient(assessment_service.url, staff, bakery["id"]) as duerp:
        unit = await duerp.add_unit(name="Fournil", headcount=4)
        risk = await duerp.add_risk(unit)
        await duerp.set_penibilite(
            unit, intensity="Fabrication de 2 h à 6 h", yearly_duration=110, exposed_headcount=4
        )
        action = await duerp.ok(
            "POST",
            "/duerp/actions",
            json={
                "risk_id": risk,
                "measure_kind": "collective",
                "title": "Capotage du pétrin",
                "cost_eur": "1250.50",
            },
        )
        # The default deadline follows the priority: 6 months for a moderate risk.
        assert date.fromisoformat(action["deadline"]) > clock.today() + timedelta(days=170)

        first = await duerp.ok("POST", "/duerp/versions", json={"year": 2024})
        assert first["number"] == 1
        # The login stays for audit; the full name comes from the token (the realm's names).
        assert first["published_by"] == "sst-preventer@sst-13-marseille"
        assert first["published_by_name"] == "Karim Benali"
        assert first["previous_hash"] is None
        # 2023: the prorated night-work threshold is 113 nights, so 110 nights is below it.
        await duerp.ok(
            "PATCH",
            f"/duerp/risks/{risk}",
            json={"rating": {"probability": 4, "gravity": 3}, "reason": "Nouvel accident"},
        )
        second = await duerp.ok("POST", "/duerp/versions", json={"year": 2023})
        assert second["previous_hash"] == first["hash"]

        v1 = (await duerp.get("/duerp/versions/1")).json()
        v2 = (await duerp.get("/duerp/versions/2")).json()
        chain = (await duerp.get("/duerp/versions/verify")).json()
        changes = (await duerp.get("/duerp/versions/diff", params={"from": 1, "to": 2})).json()
        history = (await duerp.get(f"/duerp/risks/{risk}/history")).json()
        pdf = await duerp.get("/duerp/versions/1/export.pdf")
        pdf_again = await duerp.get("/duerp/versions/1/export.pdf")
        xlsx = await duerp.get("/duerp/versions/1/export.xlsx")
        ods = await duerp.get("/duerp/versions/1/export.ods")

    night = v1["work_units"][0]["penibilite"][0]
    assert (night["threshold_value"], night["above_threshold"]) == ("100", True)
    assert v2["work_units"][0]["penibilite"][0]["threshold_value"] == "113"
    assert v2["work_units"][0]["penibilite"][0]["above_threshold"] is False
    annex = {line["factor"]["code"]: line for line in v1["penibilite_annex"]}
    assert len(annex) == 10
    assert annex["3a"]["exposed_above_threshold"] == 4
    assert annex["3a"]["proportion"] == "0.3333"  # 4 of 12 employees
    assert v1["method"]["weighting"]["controlled"] == "0.35"  # the method travels with it

    assert chain == {"valid": True, "length": 2, "first_broken": None, "reason": None}
    (rerated,) = changes["risks_rerated"]
    assert rerated["before"]["raw_score"] == "6"
    assert rerated["after"]["raw_score"] == "12"
    assert rerated["after"]["priority"] == "major"
    assert [h["reason"] for h in history] == ["Cotation initiale", "Nouvel accident"]
    assert history[1]["before"]["priority"] == "moderate"

    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == pdf_again.content  # a published version's export never changes
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Boulangerie des Tests" in text
    assert bakery["siret"] in text
    assert "Modérée" in text
    assert first["hash"][:12] in text
    assert "Liste des actions de prévention" in text  # 12 employees: no PAPRIPACT
    assert "Publiée par Karim Benali" in text  # the publisher's name, not the login
    assert "sst-preventer@" not in text
    sheet = load_workbook(io.BytesIO(xlsx.content))["Risques"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    cells = dict(zip(rows[0], rows[1], strict=True))  # the only risk of version 1
    assert cells["Code danger"] == "PHY.BRUIT"
    assert cells["Criticité brute"] == 6
    assert cells["Criticité résiduelle"] == 6
    assert cells["Priorité"] == "Modérée"
    assert ods.status_code == 200
    assert ods.content[:2] == b"PK"


async def test_without_a_year_a_version_assesses_the_current_year_in_paris(
    assessment_service, staff, bakery
):
    async with DuerpClient(assessment_service.url, staff, bakery["id"]) as duerp:
        unit = await duerp.add_unit(name="Fournil", headcount=4)
        await duerp.add_risk(unit)
        await duerp.set_penibilite(unit, yearly_duration=110, exposed_headcount=4)
        draft = await duerp.read()
        published = await duerp.ok("POST", "/duerp/versions")
        version = (await duerp.get(f"/duerp/versions/{published['number']}")).json()
        after = await duerp.read()
    today = clock.today()
    # On 1 January at 00:30 in Paris (still 31 December in UTC) this is the new year already.
    assert version["assessed_year"] == today.year
    assert clock.date_of(datetime.fromisoformat(version["published_at"])) == today
    # The C2P night-work threshold in force that year (100 nights since 1 September 2023).
    night = version["work_units"][0]["penibilite"][0]
    assert (night["threshold_value"], night["above_threshold"]) == ("100", True)
    assert draft["work_units"][0]["penibilite"][0]["threshold_value"] == "100"
    assert (draft["to_update"], after["to_update"]) == (True, False)


async def test_publishing_an_unchanged_duerp_is_refused_unless_the_review_is_confirmed(
    assessment_service, staff, bakery
):
    async with DuerpClient(assessment_service.url, staff, bakery["id"]) as duerp:
        await duerp.add_risk(await duerp.add_unit(name="Fournil"))
        before = await duerp.read()
        first = await duerp.ok("POST", "/duerp/versions")
        after = await duerp.read()
        # Reviewed again, nothing changed: an identical version is refused, with a stable code.
        refused = await duerp.change("POST", "/duerp/versions", json={})
        chain_after_refusal = (await duerp.get("/duerp/versions/verify")).json()
        confirmed = await duerp.ok("POST", "/duerp/versions", json={"confirm_unchanged": True})
        chain = (await duerp.get("/duerp/versions/verify")).json()
    assert before["unchanged_since_last_version"] is False
    assert after["unchanged_since_last_version"] is True
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "unchanged"
    assert "Rien n'a changé depuis la version 1" in refused.json()["message"]
    assert chain_after_refusal["length"] == 1
    assert confirmed["number"] == 2
    assert confirmed["previous_hash"] == first["hash"]
    assert chain == {"valid": True, "length": 2, "first_broken": None, "reason": None}


async def test_second_concurrent_writer_gets_409_and_nothing_is_lost(
    assessment_service, staff, bakery
):
    async with (
        DuerpClient(assessment_service.url, staff, bakery["id"]) as alice,
        DuerpClient(assessment_service.url, staff, bakery["id"]) as bob,
    ):
        await alice.read()
        await bob.read()
        assert alice.lock == bob.lock
        body = {"kind": "geographic", "headcount": 2}
        first, second = await asyncio.gather(
            alice.change("POST", "/duerp/work-units", json={**body, "name": "Dépôt"}),
            bob.change("POST", "/duerp/work-units", json={**body, "name": "Magasin"}),
        )
        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [201, 409]
        loser = first if first.status_code == 409 else second
        assert loser.json()["code"] == "edit_conflict"
        names = [u["name"] for u in (await alice.read())["work_units"]]
        assert len(names) == 1  # the winner's unit, and only it
        # The loser reloads and retries: both changes are kept.
        retry = bob if loser is second else alice
        await retry.read()
        await retry.ok("POST", "/duerp/work-units", json={**body, "name": "Réserve"})
        assert len((await retry.read())["work_units"]) == 2

        missing = await alice.http.post(f"{alice.base}/duerp/work-units", json=body | {"name": "X"})
    assert missing.status_code == 428
    assert missing.json()["code"] == "if_match_required"


@pytest.mark.parametrize(
    ("path_kind", "body", "status", "code", "field"),
    [
        (
            "risk",
            {"rating": {"probability": 5, "gravity": 3}},
            422,
            "rating_out_of_scale",
            "body.rating.probability",
        ),
        (
            "risk",
            {"rating": {"probability": 2, "gravity": 0}},
            422,
            "rating_out_of_scale",
            "body.rating.gravity",
        ),
        (
            "risk",
            {"control_level": "à peu près"},
            422,
            "unknown_control_level",
            "body.rating.control_level",
        ),
        ("risk", {"hazard_code": "PHY.INCONNU"}, 422, "unknown_code", "body.hazard_code"),
        ("unit", {"jobs": ["999z"]}, 422, "unknown_code", "body.jobs.0"),
        ("action", {"deadline": "2020-01-01"}, 422, "deadline_in_past", "body.deadline"),
    ],
)
async def test_bad_input_is_refused_with_a_french_message_and_a_stable_code(
    assessment_service, staff, bakery, path_kind, body, status, code, field
):
    async with DuerpClient(assessment_service.url, staff, bakery["id"]) as duerp:
        unit = await duerp.add_unit()
        if path_kind == "risk":
            base = {
                "hazard_code": "PHY.BRUIT",
                "rating": {"probability": 2, "gravity": 3},
                "control_level": "none",
            }
            response = await duerp.change(
                "POST", f"/duerp/work-units/{unit}/risks", json=base | body
            )
        elif path_kind == "unit":
            response = await duerp.change(
                "POST",
                "/duerp/work-units",
                json={"kind": "trade", "name": "U", "headcount": 1} | body,
            )
        else:
            response = await duerp.change(
                "POST",
                "/duerp/actions",
                json={"measure_kind": "collective", "title": "Action"} | body,
            )
        lock_after = (await duerp.read())["lock_version"]
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["code"] == code
    assert payload["errors"][0]["field"] == field
    french = {
        "rating_out_of_scale": "doit être comprise entre 1 et 4",
        "unknown_control_level": "Niveau de maîtrise inconnu",
        "unknown_code": "n'existe pas dans la nomenclature",
        "deadline_in_past": "ne peut pas être dans le passé",
    }
    assert french[code] in payload["message"], payload["message"]
    assert lock_after == 2  # only the work unit was written: a refused change takes no lock


async def test_company_bad_input(assessment_service, staff):
    async with httpx.AsyncClient(base_url=assessment_service.url, headers=auth(staff)) as http:
        bad_siret = await http.post(
            "/companies",
            json={"name": "X", "siret": "81234560100016", "naf_code": "10.71C", "headcount": 3},
        )
        bad_naf = await http.post(
            "/companies",
            json={"name": "X", "siret": "81234560100015", "naf_code": "99.99Z", "headcount": 3},
        )
    assert bad_siret.status_code == 422
    assert bad_siret.json()["code"] == "invalid_siret"
    assert "clé de contrôle" in bad_siret.json()["message"]
    assert bad_naf.status_code == 422
    assert bad_naf.json()["code"] == "unknown_code"
    assert "99.99Z" in bad_naf.json()["message"]


async def test_published_versions_cannot_be_changed_or_deleted_even_in_sql(
    assessment_service, staff, bakery, migrated
):
    async with DuerpClient(assessment_service.url, staff, bakery["id"]) as duerp:
        await duerp.add_risk(await duerp.add_unit())
        await duerp.ok("POST", "/duerp/versions")
    for role in ("assessment_app", "assessment_owner"):
        db = await asyncpg.connect(migrated.dsn(role, role, "assessment", driver=None))
        try:
            async with db.transaction():
                await db.execute(
                    "SELECT set_config('app.tenant_id', 'sst-13-marseille', true),"
                    " set_config('app.roles', 'sst-preventer', true),"
                    " set_config('app.company_scoped', 'off', true)"
                )
                with pytest.raises(asyncpg.ObjectNotInPrerequisiteStateError):
                    await db.execute(
                        "UPDATE document_version SET published_by = 'x' WHERE company_id = $1",
                        bakery["id"],
                    )
            async with db.transaction():
                # SPSTI staff (not company-scoped): the rows are visible, the trigger refuses.
                await db.execute(
                    "SELECT set_config('app.tenant_id', 'sst-13-marseille', true),"
                    " set_config('app.company_scoped', 'off', true)"
                )
                with pytest.raises(asyncpg.ObjectNotInPrerequisiteStateError):
                    await db.execute(
                        "DELETE FROM document_version WHERE company_id = $1", bakery["id"]
                    )
        finally:
            await db.close()


async def test_tampering_a_version_is_detected_and_the_first_broken_link_named(
    assessment_service, staff, bakery, migrated
):
    async with DuerpClient(assessment_service.url, staff, bakery["id"]) as duerp:
        unit = await duerp.add_unit()
        await duerp.add_risk(unit)
        # The same DUERP three times: republishing unchanged is allowed once confirmed.
        for _ in range(3):
            await duerp.ok("POST", "/duerp/versions", json={"confirm_unchanged": True})
        # Only a superuser who disables the trigger can do this: the chain still tells.
        db = await asyncpg.connect(
            migrated.dsn(SUPERUSER, SUPERUSER_PASSWORD, "assessment", driver=None)
        )
        try:
            async with db.transaction():
                await db.execute("ALTER TABLE document_version DISABLE TRIGGER USER")
                await db.execute(
                    "UPDATE document_version SET content = convert_to(replace("
                    "convert_from(content, 'UTF8'), 'Fournil', 'Atelier'), 'UTF8')"
                    " WHERE company_id = $1 AND number = 2",
                    bakery["id"],
                )
                await db.execute("ALTER TABLE document_version ENABLE TRIGGER USER")
        finally:
            await db.close()
        report = (await duerp.get("/duerp/versions/verify")).json()
    assert report["valid"] is False
    assert report["first_broken"] == 2
    assert "version 2" in report["reason"]
