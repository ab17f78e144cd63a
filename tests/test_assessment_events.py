"""What leaves the tenant: aggregates only, through the outbox and the real Kafka.

The anonymisation contract test fills a DUERP, its action plan and its fiche with distinctive
strings (names, the SIRET, free text, a person), publishes everything and reads back every
event emitted, as the relay sent it: none of those strings may appear.
"""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer

from cosar_common import clock
from cosar_common.events import RawEnvelope, decode_payload
from cosar_common.events.topics import ASSESSMENT_EVENTS
from tests.assessment_client import DuerpClient, auth, create_company
from tests.conftest import eventually

TENANT = "sst-13-marseille"


async def _outbox_rows(migrated, after_id: int) -> list[asyncpg.Record]:
    db = await asyncpg.connect(
        migrated.dsn("assessment_owner", "assessment_owner", "assessment", driver=None)
    )
    try:
        return list(
            await db.fetch(
                "SELECT id, event_id, event_type, value, sent_at FROM outbox"
                " WHERE id > $1 AND tenant_id = $2 ORDER BY id",
                after_id,
                TENANT,
            )
        )
    finally:
        await db.close()


async def _last_outbox_id(migrated) -> int:
    db = await asyncpg.connect(
        migrated.dsn("assessment_owner", "assessment_owner", "assessment", driver=None)
    )
    try:
        return int(await db.fetchval("SELECT COALESCE(max(id), 0) FROM outbox"))
    finally:
        await db.close()


async def _from_kafka(bootstrap: str, event_ids: set[str]) -> dict[str, bytes]:
    consumer = AIOKafkaConsumer(
        ASSESSMENT_EVENTS,
        bootstrap_servers=bootstrap,
        group_id=f"contract-test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: dict[str, bytes] = {}
    try:

        async def probe() -> bool:
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                for message in messages:
                    event_id = json.loads(message.value)["event_id"]
                    if event_id in event_ids:
                        found[event_id] = message.value
            return found.keys() == event_ids

        await eventually(probe, timeout=30)
    finally:
        await consumer.stop()
    return found


async def test_no_name_siret_free_text_or_person_leaves_the_tenant(
    assessment_service, token_for, migrated
):
    staff = await token_for("sst-preventer@sst-13-marseille")
    marker = uuid.uuid4().hex[:6]
    secrets = {
        "name": f"Boulangerie Quixotique {marker}",
        "address": f"77 rue Improbabilis {marker}",
        "unit": f"Atelier Xylophage {marker}",
        "unit_description": f"Description confidentielle {marker}",
        "situations": f"Situation-marqueur {marker}",
        "damages": f"Dommage-marqueur {marker}",
        "measure": f"Mesure-marqueur {marker}",
        "intensity": f"Intensité-marqueur {marker}",
        "action_title": f"Action-marqueur {marker}",
        "responsible": f"Mme Gertrude Flapjack {marker}",
        "resources": f"Ressources-marqueur {marker}",
        "indicator": f"Indicateur-marqueur {marker}",
        "observations": f"Observation-secrète {marker}",
        "comment": f"Commentaire-marqueur {marker}",
    }
    before = await _last_outbox_id(migrated)
    company = await create_company(
        assessment_service.url,
        staff,
        name=secrets["name"],
        address=secrets["address"],
        headcount=57,
    )
    async with DuerpClient(assessment_service.url, staff, company["id"]) as duerp:
        unit = await duerp.add_unit(
            name=secrets["unit"],
            description=secrets["unit_description"],
            headcount=9,
            jobs=["636c"],
        )
        risk = await duerp.add_risk(
            unit,
            situations=secrets["situations"],
            damages=secrets["damages"],
            measures=[{"kind": "individual", "description": secrets["measure"]}],
            rating={"probability": 4, "gravity": 3},
            control_level=None,
        )
        await duerp.set_penibilite(
            unit, intensity=secrets["intensity"], yearly_duration=150, exposed_headcount=5
        )
        action = await duerp.ok(
            "POST",
            "/duerp/actions",
            json={
                "risk_id": risk,
                "measure_kind": "collective",
                "title": secrets["action_title"],
                "responsible": secrets["responsible"],
                "resources": secrets["resources"],
                "result_indicator": secrets["indicator"],
            },
        )
        await duerp.ok("PATCH", f"/duerp/actions/{action['id']}", json={"status": "done"})
        published = await duerp.ok("POST", "/duerp/versions")
        fiche = await duerp.get("/fiche")
        saved = await duerp.http.put(
            f"{duerp.base}/fiche",
            headers={"If-Match": fiche.headers["ETag"]},
            json={
                "observations": secrets["observations"],
                "recommended_actions": [{"code": "AMT.METRO.BRUIT", "comment": secrets["comment"]}],
                "exposures": [{"hazard_code": "PHY.BRUIT", "exposed_headcount": 6}],
            },
        )
        assert saved.status_code == 200, saved.text
        fiche_version = await duerp.http.post(
            f"{duerp.base}/fiche/versions", headers={"If-Match": saved.headers["ETag"]}
        )
        assert fiche_version.status_code == 201, fiche_version.text
        rerate = (await duerp.read())["work_units"][0]["risks"][0]

    rows = await eventually(
        lambda: _only_sent(_outbox_rows(migrated, before), expected=4), timeout=30
    )
    types = sorted(r["event_type"] for r in rows)
    assert types == [
        "assessment.action-status-changed",
        "assessment.company-registered",
        "assessment.duerp-published",
        "assessment.fiche-published",
    ]
    forbidden = [
        *secrets.values(),
        company["siret"],
        company["siret"][:9],
        company["id"],
        "sst-preventer",
        unit,
        risk,
        action["id"],
    ]
    delivered = await _from_kafka(migrated.kafka_bootstrap, {str(r["event_id"]) for r in rows})
    for raw in delivered.values():
        text = raw.decode("utf-8")
        for secret in forbidden:
            assert secret not in text, f"{secret!r} leaked into an event"
        # and every payload is exactly its contract (extra fields are refused)
        decode_payload(RawEnvelope.model_validate_json(raw))

    events = {json.loads(v)["type"]: json.loads(v)["payload"] for v in delivered.values()}
    duerp_event = events["assessment.duerp-published"]
    assert duerp_event["version"] == published["number"]
    assert duerp_event["naf_code"] == "10.71C"
    assert duerp_event["size_band"] == "50-249"
    assert duerp_event["hazards"] == [
        {
            "code": "PHY.BRUIT",
            "family": "PHY",
            "exposed_headcount": 9,
            "work_units": 1,
            "priority": "moderate",
            "pcs_codes": ["636c"],
            "exposed_by_pcs": [{"pcs": "636c", "count": 9}],
        }
    ]
    assert duerp_event["jobs"] == [
        {"pcs": "636c", "count": 9}
    ]  # P4 × G3 × 0.5 (PPE only: partly controlled) = 6 → moderate
    assert {p["factor"]: p["above_threshold"] for p in duerp_event["penibilite"]}["3a"] == 5
    assert duerp_event["actions"]["done"] == 1
    assert len(duerp_event["company"]) == 64
    assert events["assessment.fiche-published"]["company"] == duerp_event["company"]
    assert events["assessment.fiche-published"]["recommended_actions"] == [
        {"code": "AMT.METRO.BRUIT", "count": 1}
    ]
    status_event = events["assessment.action-status-changed"]
    assert (status_event["previous_status"], status_event["status"]) == ("planned", "done")
    # Every business date is the Paris date of the platform clock (also between 00:00 and
    # 01:00 in Paris, when UTC is still on the previous day, and on 1 January).
    today = clock.today()
    assert status_event["done_on"] == str(today)
    assert status_event["changed_on"] == str(today)
    assert (duerp_event["published_on"], duerp_event["year"]) == (str(today), today.year)
    fiche_event = events["assessment.fiche-published"]
    assert (fiche_event["published_on"], fiche_event["year"]) == (str(today), today.year)
    assert events["assessment.company-registered"]["registered_on"] == str(today)
    assert rerate["needs_rerating"] is True  # finishing the action asks for a new rating


async def _only_sent(rows_coro, *, expected: int) -> list[asyncpg.Record] | None:
    rows = await rows_coro
    if len(rows) >= expected and all(r["sent_at"] is not None for r in rows):
        return rows
    return None


async def test_sector_library_suggests_by_naf_and_publishes_proposals(
    assessment_service, token_for
):
    marseille = await token_for("sst-preventer@sst-13-marseille")
    toulon = await token_for("sst-preventer@sst-83-toulon")
    editor = await token_for("thesaurus-editor")
    bakery = await create_company(assessment_service.url, marseille)
    async with httpx.AsyncClient(base_url=assessment_service.url, timeout=20) as http:
        suggested = await http.get(
            f"/companies/{bakery['id']}/duerp/suggestions", headers=auth(marseille)
        )
        divisions = {
            d: len(
                (
                    await http.get("/library", params={"naf_division": d}, headers=auth(marseille))
                ).json()
            )
            for d in ("10", "41", "49", "86", "87", "47", "62")
        }
        marker = uuid.uuid4().hex[:6]
        proposal = await http.post(
            "/library/proposals",
            headers=auth(marseille),
            json={
                "naf_division": "10",
                "hazard_code": "PHY.ELEC",
                "situations": f"Four électrique {marker}",
            },
        )
        seen_by_toulon = await http.get(
            "/library", params={"naf_division": "10"}, headers=auth(toulon)
        )
        employer = await token_for("employer1@sst-13-marseille")
        refused = await http.post(
            "/library/proposals",
            headers=auth(employer),
            json={"naf_division": "10", "hazard_code": "PHY.ELEC"},
        )
        not_editor = await http.post(
            f"/library/proposals/{proposal.json()['id']}/review",
            headers=auth(marseille),
            json={"publish": True},
        )
        reviewed = await http.post(
            f"/library/proposals/{proposal.json()['id']}/review",
            headers=auth(editor),
            json={"publish": True, "note": "Validé en commission"},
        )
        after = await http.get("/library", params={"naf_division": "10"}, headers=auth(toulon))
    codes = {e["hazard_code"] for e in suggested.json()}
    assert {"CHI.POUSS", "PHY.THERM", "PSY.NUIT"} <= codes
    assert all(count >= 3 for count in divisions.values()), divisions
    assert proposal.status_code == 201
    assert proposal.json()["status"] == "proposed"
    assert marker not in seen_by_toulon.text  # another tenant's proposal stays private
    assert refused.status_code == 403
    assert not_editor.status_code == 403
    assert reviewed.json()["status"] == "published"
    assert marker in after.text


async def test_fiche_is_for_the_spsti_staff_only(assessment_service, token_for):
    staff = await token_for("sst-physician@sst-13-marseille")
    employer = await token_for("employer1@sst-13-marseille")
    company = await create_company(assessment_service.url, staff)
    async with httpx.AsyncClient(base_url=assessment_service.url, timeout=20) as http:
        as_employer = await http.get(f"/companies/{company['id']}/fiche", headers=auth(employer))
        as_staff = await http.get(f"/companies/{company['id']}/fiche", headers=auth(staff))
        bad_code = await http.put(
            f"/companies/{company['id']}/fiche",
            headers={**auth(staff), "If-Match": as_staff.headers["ETag"]},
            json={"recommended_actions": [{"code": "NIMPORTE"}]},
        )
    # Not the employer's company: 404, as for anything a caller may not see (its own
    # company's draft is a 403: tests/test_input_bounds.py).
    assert as_employer.status_code == 404
    assert as_staff.status_code == 200
    assert bad_code.status_code == 422
    assert bad_code.json()["errors"][0]["field"] == "body.recommended_actions.0.code"
