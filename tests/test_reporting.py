"""The annual report on the real stack: establishment from the assessment's company, report,
register import, action plan from the assessment's events, finalisation and correction."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from openpyxl import Workbook
from pypdf import PdfReader

from cosar_common import clock
from tests.assessment_client import DuerpClient, auth, create_company
from tests.conftest import eventually
from tests.reporting_sample import sample


async def _establishment(reporting_url: str, token: str, company_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=reporting_url, headers=auth(token), timeout=20) as http:
        response = await http.post("/establishments", json={"company_id": company_id})
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
async def staff(token_for):
    return await token_for("sst-preventer@sst-13-marseille")


@pytest.fixture
async def hospital(assessment_service, reporting_service, staff):
    company = await create_company(
        assessment_service.url,
        staff,
        name="Centre hospitalier d'essai",
        naf_code="86.10Z",
        headcount=400,
    )
    return await _establishment(reporting_service.url, staff, company["id"])


async def test_report_figures_follow_the_seed_formulas(reporting_service, staff, hospital):
    async with httpx.AsyncClient(
        base_url=reporting_service.url, headers=auth(staff), timeout=30
    ) as http:
        created = await http.post(
            f"/establishments/{hospital['id']}/reports",
            json={"input": sample.sample_report_data()},
        )
        assert created.status_code == 201, created.text
        report = (await http.get(f"/reports/{created.json()['id']}")).json()
    assert report["status"] == "draft"
    current = report["figures"]["years"][-1]
    # The sample: hours worked 600,000; 12 work accidents with time off; 360 days lost;
    # 400 agents → TF = 12e6 / 6e5 = 20; TG = 360e3 / 6e5 = 0.6; IF = 12e3 / 400 = 30.
    assert current["hours_worked"]["value"] == "600000"
    assert (current["frequency_rate"]["value"], current["frequency_rate"]["text"]) == (
        "20.00",
        "20,00",
    )
    assert current["severity_rate"]["text"] == "0,60"
    assert current["frequency_index"]["text"] == "30,0"
    assert [y["year"] for y in report["figures"]["years"]] == [2022, 2023, 2024]
    assert report["figures"]["material_elements"]["shown"] is True  # 400 agents > 300


async def test_register_import_is_all_or_nothing_with_line_numbers(
    reporting_service, staff, hospital
):
    async with httpx.AsyncClient(
        base_url=reporting_service.url, headers=auth(staff), timeout=30
    ) as http:
        created = await http.post(
            f"/establishments/{hospital['id']}/reports",
            json={"input": sample.sample_report_data()},
        )
        report_id = created.json()["id"]
        before = await http.get(f"/reports/{report_id}")
        lock = before.headers["ETag"]
        bad_csv = (
            b"date;nature;arret;jours_perdus;element_materiel\n"
            b"03/02/2024;travail;oui;12;falls\n"
            b"05/03/2024;travail;non;4;\n"  # days lost without time off
            b"07/04/2023;trajet;oui;2;\n"  # outside the year
            b"09/05/2024;vol;oui;1;\n"  # unknown kind
        )
        refused = await http.post(
            f"/reports/{report_id}/accidents/import",
            headers={"If-Match": lock},
            files={"file": ("registre.csv", bad_csv, "text/csv")},
        )
        unchanged = await http.get(f"/reports/{report_id}")
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Date", "Nature", "Arrêt", "Jours perdus", "Élément matériel", "Mortel"])
        sheet.append(
            ["2024-02-03", "travail", "oui", 10, "Accidents dus à des chutes ou glissades", "non"]
        )
        sheet.append(["2024-03-04", "trajet", "oui", 5, "", "non"])
        sheet.append(["2024-09-10", "travail", "non", 0, "machines", "non"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        accepted = await http.post(
            f"/reports/{report_id}/accidents/import",
            headers={"If-Match": lock},
            files={"file": ("registre.xlsx", buffer.getvalue(), "application/octet-stream")},
        )
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "register_refused"
    lines = sorted({e["line"] for e in body["errors"]})
    assert lines == [3, 4, 5]
    assert "rien n'a été importé" in body["message"]
    assert unchanged.json()["lock_version"] == before.json()["lock_version"]
    assert (
        unchanged.json()["input"]["indicators"]["accidents"]
        == (before.json()["input"]["indicators"]["accidents"])
    )
    assert accepted.status_code == 200, accepted.text
    counts = accepted.json()["figures"]["accidents"]
    assert (counts["work_with_time_off"], counts["commute_with_time_off"]) == (1, 1)
    assert counts["work_without_time_off"] == 1
    assert accepted.json()["figures"]["years"][-1]["days_lost"] == 10


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"accidents": [sample.accident(with_time_off=False, days_lost=3)]},
            "indicators.accidents.0.days_lost",
        ),
        ({"accidents": [sample.accident(year=2023)]}, "indicators.accidents.0.date"),
        (
            {"accidents": [{**sample.accident(), "material_element": "licorne"}]},
            "indicators.accidents.0.material_element",
        ),
    ],
)
async def test_bad_input_names_the_field_in_french(
    reporting_service, staff, hospital, change, field
):
    async with httpx.AsyncClient(
        base_url=reporting_service.url, headers=auth(staff), timeout=30
    ) as http:
        response = await http.post(
            f"/establishments/{hospital['id']}/reports",
            json={"input": sample.sample_report_data(**change)},
        )
    assert response.status_code == 422, response.text
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f.endswith(field) for f in fields), fields
    assert all(e["message"] for e in response.json()["errors"])


async def test_unknown_disease_table_is_refused(reporting_service, staff, hospital):
    data = sample.sample_report_data()
    data["indicators"]["occupational_diseases"] = [{"table": "999", "cases": 1}]
    async with httpx.AsyncClient(
        base_url=reporting_service.url, headers=auth(staff), timeout=30
    ) as http:
        response = await http.post(
            f"/establishments/{hospital['id']}/reports", json={"input": data}
        )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_code"
    assert "999" in response.json()["message"]


async def test_finalise_freezes_emits_aggregates_and_corrections_are_new_revisions(
    reporting_service, staff, hospital, migrated
):
    data = sample.sample_report_data()
    data["indicators"]["occupational_diseases"] = [{"table": "57", "cases": 2}]
    marker = uuid.uuid4().hex[:8]
    facts = data["significant_facts"]["facts"]
    facts[0]["summary"] = f"Chute de Mme Hortense Quiblier {marker} au service"
    facts[0]["unit"] = f"Unité Zéphyr {marker}"
    data["means_and_actions"]["actions"][0]["title"] = f"Action confidentielle {marker}"
    async with httpx.AsyncClient(
        base_url=reporting_service.url, headers=auth(staff), timeout=30
    ) as http:
        created = await http.post(f"/establishments/{hospital['id']}/reports", json={"input": data})
        report_id = created.json()["id"]
        lock = (await http.get(f"/reports/{report_id}")).headers["ETag"]
        final = await http.post(f"/reports/{report_id}/finalise", headers={"If-Match": lock})
        edit = await http.put(
            f"/reports/{report_id}/input", headers={"If-Match": lock}, json={"input": data}
        )
        correction = await http.post(f"/reports/{report_id}/corrections")
        again = await http.post(f"/reports/{report_id}/corrections")
        second_lock = (await http.get(f"/reports/{correction.json()['id']}")).headers["ETag"]
        second = await http.post(
            f"/reports/{correction.json()['id']}/finalise", headers={"If-Match": second_lock}
        )
    assert final.status_code == 200, final.text
    assert final.json()["status"] == "finalised"
    assert len(final.json()["hash"]) == 64
    assert edit.status_code == 409
    assert edit.json()["code"] == "report_finalised"
    assert correction.status_code == 201
    assert correction.json()["revision"] == 2
    assert again.status_code == 409  # only the latest revision is corrected
    assert second.json()["previous_hash"] == final.json()["hash"]
    async with httpx.AsyncClient(
        base_url=reporting_service.url, headers=auth(staff), timeout=60
    ) as http:
        pdf = await http.get(f"/reports/{report_id}/document.pdf")
        pdf_again = await http.get(f"/reports/{report_id}/document.pdf")
        odt = await http.get(f"/reports/{report_id}/document.odt")
        page = await http.get(f"/reports/{report_id}/document.html")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert pdf.content == pdf_again.content  # a finalised revision renders the same each time
    assert "20,00" in text  # TF of the sample: 12 × 1 000 000 / 600 000
    assert "0,60" in text  # TG: 360 × 1 000 / 600 000
    assert final.json()["hash"][:12] in text
    assert odt.content[:2] == b"PK"
    assert "rapport 2024" in page.text
    assert final.json()["hash"][:12] in page.text
    assert f"le {clock.today():%d/%m/%Y}" in page.text  # finalised today, in Paris

    db = await asyncpg.connect(
        migrated.dsn("reporting_app", "reporting_app", "reporting", driver=None)
    )
    try:
        async with db.transaction():
            await db.execute(
                "SELECT set_config('app.tenant_id', 'sst-13-marseille', true),"
                " set_config('app.roles', 'sst-preventer', true),"
                " set_config('app.company_scoped', 'off', true)"
            )
            with pytest.raises(asyncpg.ObjectNotInPrerequisiteStateError):
                await db.execute("UPDATE report SET input = '{}' WHERE id = $1", report_id)
        rows = await eventually(lambda: _sent_events(migrated, hospital["id"]), timeout=30)
    finally:
        await db.close()
    event = json.loads(rows[0]["value"])
    assert event["type"] == "reporting.report-finalised"
    payload = event["payload"]
    assert payload["frequency_rate"] == "20.00"
    assert payload["hours_worked"] == "600000.00"
    assert payload["diseases"] == [{"regime": "general", "table": "57", "count": 2}]
    text = rows[0]["value"].decode()
    forbidden = (
        "Centre hospitalier",
        hospital["siret"],
        "Salon-de-Provence",
        hospital["id"],
        "Quiblier",
        "Zéphyr",
        "confidentielle",
        marker,
    )
    for secret in forbidden:
        assert secret not in text, f"{secret!r} leaked into the event"


async def _sent_events(migrated, establishment_id: str) -> list[Any] | None:
    db = await asyncpg.connect(
        migrated.dsn("reporting_owner", "reporting_owner", "reporting", driver=None)
    )
    try:
        rows = await db.fetch(
            "SELECT value, sent_at FROM outbox WHERE event_type = 'reporting.report-finalised'"
            " ORDER BY id DESC LIMIT 2"
        )
    finally:
        await db.close()
    if len(rows) == 2 and all(r["sent_at"] for r in rows):
        return list(reversed(rows))
    return None


async def test_actions_come_from_the_assessment_plan(
    assessment_service, reporting_service, token_for
):
    staff = await token_for("sst-preventer@sst-83-toulon")
    company = await create_company(assessment_service.url, staff, naf_code="87.10A")
    async with DuerpClient(assessment_service.url, staff, company["id"]) as duerp:
        risk = await duerp.add_risk(await duerp.add_unit())
        done = await duerp.ok(
            "POST",
            "/duerp/actions",
            json={"risk_id": risk, "measure_kind": "collective", "title": "Capotage"},
        )
        await duerp.ok(
            "POST",
            "/duerp/actions",
            json={"risk_id": risk, "measure_kind": "instructions", "title": "Consigne"},
        )
        await duerp.ok(
            "PATCH",
            f"/duerp/actions/{done['id']}",
            json={"status": "done", "done_on": "2024-05-02"},
        )
        await duerp.ok("PATCH", f"/duerp/actions/{done['id']}", json={"status": "in_progress"})
        await duerp.ok(
            "PATCH",
            f"/duerp/actions/{done['id']}",
            json={"status": "done", "done_on": "2024-06-03"},
        )
    establishment = await _establishment(reporting_service.url, staff, company["id"])
    async with httpx.AsyncClient(
        base_url=reporting_service.url, headers=auth(staff), timeout=30
    ) as http:

        async def arrived() -> list[dict[str, Any]] | None:
            response = await http.get(
                f"/establishments/{establishment['id']}/plan-actions", params={"year": 2024}
            )
            return response.json() or None

        await eventually(arrived, timeout=60)
        created = await http.post(
            f"/establishments/{establishment['id']}/reports",
            json={"input": sample.sample_report_data(actions=[])},
        )
        report = (await http.get(f"/reports/{created.json()['id']}")).json()
        actions = report["input"]["means_and_actions"]["actions"]
    assert [a["state"] for a in actions] == ["done"]
    assert actions[0]["completed_on"] == "2024-06-03"
    assert actions[0]["title"] == "Protection collective — danger PHY.BRUIT"
    assert len(actions[0]["source_action"]) == 64


async def test_who_may_see_a_report(reporting_service, token_for, hospital):
    toulon = await token_for("sst-preventer@sst-83-toulon")
    employer = await token_for("employer1@sst-13-marseille")
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(base_url=reporting_service.url, timeout=20) as http:
        other_tenant = await http.get(f"/establishments/{hospital['id']}", headers=auth(toulon))
        other_company = await http.get(f"/establishments/{hospital['id']}", headers=auth(employer))
        regional = await http.get("/establishments", headers=auth(analyst))
        foreign_company = await http.post(
            "/establishments", headers=auth(toulon), json={"company_id": hospital["company_id"]}
        )
    assert other_tenant.status_code == 404
    assert other_company.status_code == 404
    assert regional.status_code == 403
    assert foreign_company.status_code == 404
