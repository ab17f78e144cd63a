"""Action plan, work-unit copies, and thesaurus deprecations reaching the open DUERPs."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx

from cosar_common import clock
from tests.assessment_client import DuerpClient, auth, create_company
from tests.conftest import eventually


async def test_copy_and_archive_work_units(assessment_service, token_for):
    staff = await token_for("sst-preventer@sst-83-toulon")
    company = await create_company(assessment_service.url, staff, naf_code="87.10A")
    async with DuerpClient(assessment_service.url, staff, company["id"]) as duerp:
        unit = await duerp.add_unit(name="Aile A", kind="geographic", headcount=20)
        await duerp.add_risk(unit, hazard_code="BIO.INFECT")
        await duerp.add_risk(unit, hazard_code="PHY.MANUT", rating={"probability": 4, "gravity": 3})
        await duerp.set_penibilite(unit, yearly_duration=120, exposed_headcount=6)
        copy = await duerp.ok("POST", f"/duerp/work-units/{unit}/copy", params={"name": "Aile B"})
        copied = await duerp.read()
        await duerp.ok("POST", f"/duerp/work-units/{unit}/archive")
        archived = await duerp.read()
    units = {u["name"]: u for u in copied["work_units"]}
    assert set(units) == {"Aile A", "Aile B"}
    original, duplicate = units["Aile A"], units["Aile B"]
    assert duplicate["id"] == copy["id"]
    assert [r["hazard"]["code"] for r in duplicate["risks"]] == [
        r["hazard"]["code"] for r in original["risks"]
    ]
    assert [r["rating"] for r in duplicate["risks"]] == [r["rating"] for r in original["risks"]]
    assert {r["id"] for r in duplicate["risks"]}.isdisjoint({r["id"] for r in original["risks"]})
    assert duplicate["penibilite"][0]["exposed_headcount"] == 6
    assert [u["name"] for u in archived["work_units"]] == ["Aile B"]


async def test_action_plan_papripact_overdue_and_abandon_reason(assessment_service, token_for):
    staff = await token_for("sst-preventer@sst-83-toulon")
    small = await create_company(assessment_service.url, staff, headcount=12)
    large = await create_company(assessment_service.url, staff, headcount=50)
    async with DuerpClient(assessment_service.url, staff, large["id"]) as duerp:
        risk = await duerp.add_risk(await duerp.add_unit(), rating={"probability": 4, "gravity": 4})
        urgent = await duerp.ok(
            "POST",
            "/duerp/actions",
            json={
                "risk_id": risk,
                "measure_kind": "intrinsic",
                "title": "Supprimer la source",
                "cost_eur": "800",
            },
        )
        other = await duerp.ok(
            "POST",
            "/duerp/actions",
            json={
                "measure_kind": "instructions",
                "title": "Consigne",
                "cost_eur": "200.50",
                "deadline": str(clock.today() + timedelta(days=30)),
            },
        )
        await duerp.ok(
            "PATCH",
            f"/duerp/actions/{other['id']}",
            json={"deadline": str(clock.today() - timedelta(days=1))},
        )
        no_reason = await duerp.change(
            "PATCH", f"/duerp/actions/{urgent['id']}", json={"status": "abandoned"}
        )
        plan = (await duerp.get("/duerp/action-plan")).json()
    async with DuerpClient(assessment_service.url, staff, small["id"]) as duerp:
        small_plan = (await duerp.get("/duerp/action-plan")).json()

    # A major risk (16): the default deadline is within 2 months.
    deadline = date.fromisoformat(urgent["deadline"])
    today = clock.today()
    assert today + timedelta(days=55) <= deadline <= today + timedelta(days=62)
    assert plan["kind"] == "papripact"
    assert "PAPRIPACT" in plan["title"]
    assert [a["title"] for a in plan["overdue"]] == ["Consigne"]
    assert plan["total_cost_eur"] == "1000.50"
    assert small_plan["kind"] == "list"
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "abandon_reason_required"


async def _publish_dangers(http: httpx.AsyncClient, version: str, edit) -> None:
    created = await http.post(
        "/code-systems/dangers/versions", json={"version": version, "from_latest": True}
    )
    assert created.status_code == 201, created.text
    await edit(version)
    published = await http.post(f"/code-systems/dangers/versions/{version}/publish")
    assert published.status_code == 200, published.text
    # What was just published is what the registry calls the latest version (the assessment
    # reads codes from it): said here, a failure tells the thesaurus' side from the reader's.
    systems = (await http.get("/code-systems")).json()
    dangers = [s for s in systems if s["name"] == "dangers" and s["tenant_id"] is None]
    assert [s["latest_published"] for s in dangers] == [version], (dangers, published.text)


async def test_deprecated_code_is_flagged_on_open_duerps_and_versions_stay_as_published(
    assessment_service, thesaurus_service, token_for
):
    editor = await token_for("thesaurus-editor")
    staff = await token_for("sst-preventer@sst-13-marseille")
    code = f"PHY.ESSAI_{uuid.uuid4().hex[:6].upper()}"
    stamp = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(
        base_url=thesaurus_service.url, headers=auth(editor), timeout=60
    ) as thesaurus:

        async def add(version: str) -> None:
            added = await thesaurus.put(
                f"/code-systems/dangers/versions/{version}/concepts/{code}",
                json={"display": "Danger d'essai", "parents": ["PHY"], "level": 2},
            )
            assert added.status_code in (200, 201), added.text

        async def deprecate(version: str) -> None:
            done = await thesaurus.post(
                f"/code-systems/dangers/versions/{version}/concepts/{code}/deprecate",
                json={"replaced_by": ["PHY.BRUIT"]},
            )
            assert done.status_code == 200, done.text

        await _publish_dangers(thesaurus, f"essai-{stamp}-a", add)
        company = await create_company(assessment_service.url, staff)
        async with DuerpClient(assessment_service.url, staff, company["id"]) as duerp:
            risk = await duerp.add_risk(await duerp.add_unit(), hazard_code=code)
            await duerp.ok("POST", "/duerp/versions")
            await _publish_dangers(thesaurus, f"essai-{stamp}-b", deprecate)

            async def warned() -> list:
                return (await duerp.read())["warnings"]

            warnings = await eventually(warned, timeout=30)
            refused = await duerp.change(
                "POST",
                f"/duerp/work-units/{(await duerp.read())['work_units'][0]['id']}/risks",
                json={
                    "hazard_code": code,
                    "rating": {"probability": 1, "gravity": 1},
                    "control_level": "none",
                },
            )
            version = (await duerp.get("/duerp/versions/1")).json()
            chain = (await duerp.get("/duerp/versions/verify")).json()
    (warning,) = warnings
    assert warning["entity"] == "risk"
    assert warning["entity_id"] == risk
    assert warning["code"] == code
    assert warning["replaced_by"] == ["PHY.BRUIT"]
    assert "PHY.BRUIT" in warning["message"]
    assert refused.status_code == 422
    assert refused.json()["code"] == "deprecated_code"
    assert "PHY.BRUIT" in refused.json()["message"]
    # The published version still says what was assessed then, and its hash still holds.
    assert version["work_units"][0]["risks"][0]["hazard"]["code"] == code
    assert chain["valid"] is True
