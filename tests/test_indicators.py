"""Regional indicators on the real stack: aggregates through Kafka, secrecy that withstands the
attack, scopes and roles, refused events dead-lettered, freshness, and an identical rebuild.

Most data is injected as the producers' events (17 tenants of generated, skewed companies)
into the real Kafka, for one year no other test uses; freshness goes through the real
assessment service.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import date

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from cosar_common.events import envelope_for
from cosar_common.events.aggregates import pseudonym, size_band
from cosar_common.events.assessment import (
    ActionCounts,
    CompanyRegistered,
    DuerpPublished,
    HazardAggregate,
    JobCount,
    PenibiliteAggregate,
)
from cosar_common.events.topics import ASSESSMENT_EVENTS, INDICATORS_DEAD_LETTER, key_for
from indicators.domain.secrecy import (
    Dimension,
    PrimaryRules,
    ProtectionLevel,
    Record,
    TableSpec,
    build_tables,
    cell_key,
    unprotected,
)
from indicators.domain.secrecy.primary import primary_suppression
from tests.assessment_client import DuerpClient, auth, create_company
from tests.conftest import eventually

TENANTS = [f"itest-{i:02d}" for i in range(1, 18)]
NAFS = ["10.71C", "41.20A", "43.21A", "49.41A", "86.10Z", "87.10A", "47.11F", "62.01Z"]
SECTIONS = {
    "10.71C": "C",
    "41.20A": "F",
    "43.21A": "F",
    "49.41A": "H",
    "86.10Z": "Q",
    "87.10A": "Q",
    "47.11F": "G",
    "62.01Z": "J",
}
KEY = b"indicators-integration-test-key"


def _companies(year: int) -> list[dict]:
    """Skewed regional data: many small companies, a few big ones, sparse sectors."""
    rng = random.Random(year)
    out = []
    for tenant in TENANTS:
        for n in range(rng.randint(3, 9)):
            naf = rng.choice(NAFS[:6]) if n else rng.choice(NAFS)
            headcount = max(1, int(rng.paretovariate(1.2) * 8))
            units = rng.randint(1, 8)
            out.append(
                {
                    "tenant": tenant,
                    "company": pseudonym(KEY, f"{tenant}-{year}-{n}"),
                    "naf": naf,
                    "headcount": headcount,
                    "work_units": units,
                    "serious": rng.randint(0, units),
                    "night": rng.randint(0, headcount),
                    "pcs": rng.choice(["636c", "431a", "526a"]),
                }
            )
    return out


def _events(year: int, companies: list[dict]) -> list:
    events = []
    for c in companies:
        events.append(
            envelope_for(
                CompanyRegistered(
                    company=c["company"],
                    naf_code=c["naf"],
                    size_band=size_band(c["headcount"]),
                    headcount=c["headcount"],
                    registered_on=date(year, 1, 2),
                ),
                producer="assessment",
                tenant_id=c["tenant"],
            )
        )
        events.append(
            envelope_for(
                DuerpPublished(
                    company=c["company"],
                    version=1,
                    published_on=date(year, 3, 1),
                    year=year,
                    naf_code=c["naf"],
                    size_band=size_band(c["headcount"]),
                    headcount=c["headcount"],
                    work_units=c["work_units"],
                    work_units_major_or_important=c["serious"],
                    jobs=[JobCount(pcs=c["pcs"], count=c["headcount"])],
                    hazards=[
                        HazardAggregate(
                            code="PHY.BRUIT",
                            family="PHY",
                            exposed_headcount=c["night"],
                            work_units=1,
                            priority="moderate",
                            exposed_by_pcs=[JobCount(pcs=c["pcs"], count=c["night"])],
                        )
                    ],
                    penibilite=[PenibiliteAggregate(factor="3a", above_threshold=c["night"])],
                    actions=ActionCounts(planned=1, due=1, done_on_time=0),
                ),
                producer="assessment",
                tenant_id=c["tenant"],
            )
        )
    return events


async def _send(bootstrap: str, envelopes: list, topic: str = ASSESSMENT_EVENTS) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for envelope in envelopes:
            value = envelope if isinstance(envelope, bytes) else envelope.model_dump_json().encode()
            tenant = None if isinstance(envelope, bytes) else envelope.tenant_id
            await producer.send_and_wait(topic, value, key=key_for(tenant))
    finally:
        await producer.stop()


async def _unused_year(migrated) -> int:
    db = await asyncpg.connect(
        migrated.dsn("indicators_app", "indicators_app", "indicators", driver=None)
    )
    try:
        used = {
            row["year"]
            for row in await db.fetch(
                "SELECT DISTINCT year FROM duerp_contribution WHERE year BETWEEN 2100 AND 2200"
            )
        }
    finally:
        await db.close()
    free = sorted(set(range(2100, 2201)) - used)
    assert free, "every test year 2100-2200 is used: reset the test infrastructure"
    return random.SystemRandom().choice(free)


@pytest.fixture(scope="module")
async def regional_year(indicators_service, migrated, token_for):
    """A year of generated regional data, applied by the indicators service.

    The test infrastructure keeps its data between sessions: the year is one no earlier
    session used, so the regional tables hold this data set alone.
    """
    year = await _unused_year(migrated)
    companies = _companies(year)
    await _send(migrated.kafka_bootstrap, _events(year, companies))
    analyst = await token_for("regional-analyst")

    async def applied():
        async with httpx.AsyncClient(
            base_url=indicators_service.url, headers=auth(analyst), timeout=60
        ) as http:
            response = await http.get("/indicators/serious-work-units", params={"year": year})
        total = next((c for c in response.json()["cells"] if c["group"] is None), None)
        expected = sum(c["work_units"] for c in companies)
        return total is not None and total["denominator"] == expected

    await eventually(applied, timeout=90, interval=1)
    return year, companies


async def test_secret_cells_are_marked_and_withstand_the_attack(
    indicators_service, token_for, regional_year
):
    year, companies = regional_year
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=60
    ) as http:
        response = await http.get(
            "/indicators/serious-work-units", params={"year": year, "breakdown": "naf_section"}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    cells = body["cells"] + body["by_tenant"]
    secret = [c for c in cells if c["status"] == "secret"]
    published = [c for c in cells if c["status"] == "published"]
    assert secret, "generated sparse data must have secret cells"
    assert published, "and publishable ones"
    for cell in secret:  # the rate, and the term that made it secret, are withheld
        assert cell["value"] is None
        assert cell["numerator"] is None or cell["denominator"] is None
        assert cell["note"] == "secret statistique"
    # A cell with fewer than 3 companies is secret.
    counts: dict[tuple[str, str], int] = {}
    for c in companies:
        key = (c["tenant"], SECTIONS[c["naf"]])
        counts[key] = counts.get(key, 0) + 1
    for cell in body["by_tenant"]:
        if cell["group"] and counts.get((cell["tenant"], cell["group"]), 0) < 3:
            assert cell["status"] == "secret", cell
    # The attacker's view: everything published; every secret numerator must stay uncertain.
    tenants = Dimension.flat("tenant", TENANTS)
    sections = Dimension.flat("group", sorted(set(SECTIONS.values())))
    records = []
    for c in companies:
        coords = {"tenant": c["tenant"], "group": SECTIONS[c["naf"]]}
        records.append(Record("num", c["company"], coords, float(c["serious"])))
        records.append(Record("den", c["company"], coords, float(c["work_units"])))
    tables = build_tables(
        records,
        [TableSpec("n", "num", (tenants, sections)), TableSpec("d", "den", (tenants, sections))],
    )
    hidden = set()
    for cell in cells:
        coords = {k: v for k, v in (("tenant", cell["tenant"]), ("group", cell["group"])) if v}
        if cell["numerator"] is None:
            hidden.add(cell_key("num", coords))
        if cell["denominator"] is None:
            hidden.add(cell_key("den", coords))
    # Every sensitive cell (primary rules) must be hidden, and stay uncertain to the attacker.
    sensitive = frozenset(primary_suppression(tables, PrimaryRules()))
    assert sensitive <= hidden
    targets = frozenset(sensitive)
    assert not unprotected(
        tables, frozenset(hidden), targets=frozenset(targets), level=ProtectionLevel()
    )


async def test_scopes_roles_and_bad_filters(indicators_service, token_for, regional_year):
    year, _ = regional_year
    staff = await token_for("sst-preventer@sst-13-marseille")
    employer = await token_for("employer1@sst-13-marseille")
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(base_url=indicators_service.url, timeout=60) as http:
        own = await http.get(
            "/indicators/duerp-coverage",
            headers=auth(staff),
            params={"year": year, "scope": "tenant"},
        )
        region_for_staff = await http.get(
            "/indicators/duerp-coverage", headers=auth(staff), params={"year": year}
        )
        as_employer = await http.get(
            "/indicators/duerp-coverage", headers=auth(employer), params={"year": year}
        )
        analyst_tenant = await http.get(
            "/indicators/duerp-coverage",
            headers=auth(analyst),
            params={"year": year, "scope": "tenant"},
        )
        bad_naf = await http.get(
            "/indicators/tf", headers=auth(analyst), params={"year": year, "naf": "99.99Z"}
        )
        bad_band = await http.get(
            "/indicators/tf", headers=auth(analyst), params={"year": year, "size_band": "énorme"}
        )
        definitions = await http.get("/indicators", headers=auth(analyst))
    assert own.status_code == 200
    assert own.json()["scope"] == "tenant"
    assert region_for_staff.status_code == 200
    assert as_employer.status_code == 403
    assert analyst_tenant.status_code == 403
    assert bad_naf.status_code == 422
    assert bad_naf.json()["errors"][0]["field"] == "query.naf"
    assert bad_band.status_code == 422
    codes = {d["code"] for d in definitions.json()}
    assert {
        "duerp-coverage",
        "exposure-prevalence",
        "frequent-hazards",
        "serious-work-units",
        "c2p-exposed",
        "tf",
        "tg",
        "if",
        "actions-on-time",
    } <= codes
    assert "1 000 000" in next(d for d in definitions.json() if d["code"] == "tf")["definition"]


async def test_exports_and_dashboard_mark_secret_cells(
    indicators_service, token_for, regional_year
):
    year, _ = regional_year
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=120
    ) as http:
        csv_export = await http.get(
            "/indicators/serious-work-units", params={"year": year, "format": "csv"}
        )
        xlsx = await http.get("/indicators/c2p-exposed", params={"year": year, "format": "xlsx"})
        page = await http.get("/dashboards/region", params={"year": year})
    assert "secret statistique" in csv_export.text
    assert csv_export.headers["content-type"].startswith("text/csv")
    assert xlsx.content[:2] == b"PK"
    assert page.status_code == 200
    assert "Indicateurs régionaux" in page.text
    assert "<svg" in page.text
    assert "application/vnd.vegalite+json" in page.text
    assert "secret statistique" in page.text


async def test_unknown_version_and_extra_field_are_dead_lettered_and_consumer_goes_on(
    indicators_service, migrated, token_for
):
    year = 2099
    company = pseudonym(KEY, uuid.uuid4().hex)
    good = envelope_for(
        CompanyRegistered(
            company=company,
            naf_code="62.01Z",
            size_band="10-49",
            headcount=12,
            registered_on=date(year, 1, 1),
        ),
        producer="assessment",
        tenant_id="itest-dl",
    )
    unknown = json.loads(good.model_dump_json()) | {
        "event_id": str(uuid.uuid4()),
        "schema_version": 9,
    }
    extra = json.loads(good.model_dump_json())
    extra["event_id"] = str(uuid.uuid4())
    extra["payload"] = extra["payload"] | {"name": "Boulangerie Secrète"}
    consumer = AIOKafkaConsumer(
        INDICATORS_DEAD_LETTER,
        bootstrap_servers=migrated.kafka_bootstrap,
        group_id=f"dl-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        await _send(
            migrated.kafka_bootstrap,
            [json.dumps(unknown).encode(), json.dumps(extra).encode(), good],
        )
        found: dict[str, dict] = {}

        async def dead_lettered():
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                for message in messages:
                    payload = json.loads(message.value)["payload"]
                    found[payload["event_id"]] = payload
            return {unknown["event_id"], extra["event_id"]} <= found.keys()

        await eventually(dead_lettered, timeout=60)
    finally:
        await consumer.stop()
    assert found[unknown["event_id"]]["reason"] == "unknown_schema_version"
    assert found[extra["event_id"]]["reason"] == "outside_contract"
    assert found[extra["event_id"]]["fields"] == ["name"]
    assert "Secrète" not in json.dumps(found[extra["event_id"]])
    staff = await token_for("platform-admin")

    async def good_applied():
        async with httpx.AsyncClient(
            base_url=indicators_service.url, headers=auth(staff), timeout=60
        ) as http:
            response = await http.get("/indicators/duerp-coverage", params={"year": year})
        total = next((c for c in response.json()["cells"] if c["group"] is None), None)
        return (total is not None and (total["denominator"] or 0) >= 1) or (
            total is not None and total["status"] == "secret"
        )

    assert await eventually(good_applied, timeout=60)


async def test_a_published_duerp_reaches_the_indicators_within_seconds(
    assessment_service, indicators_service, token_for
):
    staff = await token_for("sst-admin@sst-06-nice")
    company = await create_company(assessment_service.url, staff, naf_code="62.01Z", headcount=30)
    year = date.today().year

    async def serious_units() -> float:
        async with httpx.AsyncClient(
            base_url=indicators_service.url, headers=auth(staff), timeout=60
        ) as http:
            response = await http.get(
                "/indicators/serious-work-units", params={"year": year, "scope": "tenant"}
            )
        total = next((c for c in response.json()["cells"] if c["group"] is None), None)
        return (total or {}).get("denominator") or 0.0

    before = await serious_units()
    async with DuerpClient(assessment_service.url, staff, company["id"]) as duerp:
        unit = await duerp.add_unit(name="Plateau")
        await duerp.add_risk(unit, rating={"probability": 4, "gravity": 4})
        await duerp.add_unit(name="Accueil")
        await duerp.ok("POST", "/duerp/versions")
    after = await eventually(lambda: _grown(serious_units, before + 2), timeout=20)
    assert after == before + 2


async def _grown(probe, target: float):
    value = await probe()
    return value if value >= target else None


async def test_rebuild_from_the_topics_reaches_exactly_the_same_state(
    indicators_service, regional_year, migrated
):
    from cosar_common.db import make_engine, make_session_factory
    from indicators.facts.rebuild import replay
    from indicators.facts.service import state_digest
    from indicators.settings import IndicatorsSettings
    from tests.conftest import service_env

    settings = IndicatorsSettings(
        **service_env(
            migrated,
            "indicators",
            thesaurus_url=indicators_service.app.state.runtime.settings.thesaurus_url,
        )
    )
    engine = make_engine(settings.app_database_url, pool_size=2)
    factory = make_session_factory(engine)
    try:
        async with factory() as session:
            before = await state_digest(session)
        outcome = await replay(factory, settings)
        async with factory() as session:
            after = await state_digest(session)
    finally:
        await engine.dispose()
    assert outcome.get("applied", 0) > 0
    assert sum(len(v) for v in before.values()) > 0
    assert after == before


async def test_a_newer_version_replaces_the_contribution_and_an_older_one_changes_nothing(
    indicators_service, migrated
):
    year = 2099
    tenant = f"itest-v-{uuid.uuid4().hex[:6]}"
    company = pseudonym(KEY, uuid.uuid4().hex)

    def version(number: int, units: int):
        return envelope_for(
            DuerpPublished(
                company=company,
                version=number,
                published_on=date(year, 3, number),
                year=year,
                naf_code="62.01Z",
                size_band="10-49",
                headcount=20,
                work_units=units,
                work_units_major_or_important=0,
            ),
            producer="assessment",
            tenant_id=tenant,
        )

    async def units_of_the_year() -> float:
        # One company alone is secret in every published cell: read the fact itself.
        db = await asyncpg.connect(
            migrated.dsn("indicators_app", "indicators_app", "indicators", driver=None)
        )
        try:
            units = await db.fetchval(
                "SELECT work_units FROM duerp_contribution"
                " WHERE tenant_id = $1 AND company = $2 AND year = $3",
                tenant,
                company,
                year,
            )
        finally:
            await db.close()
        return -1.0 if units is None else float(units)

    await _send(migrated.kafka_bootstrap, [version(1, 3), version(2, 5)])
    assert await eventually(lambda: _equals(units_of_the_year, 5.0), timeout=30)
    # A late copy of version 1, then a marker on the same tenant (same partition, so applied
    # after it): once the marker is in, version 1 has been seen, and changed nothing.
    marker = pseudonym(KEY, uuid.uuid4().hex)
    registered = envelope_for(
        CompanyRegistered(
            company=marker,
            naf_code="62.01Z",
            size_band="1-9",
            headcount=2,
            registered_on=date(year, 1, 1),
        ),
        producer="assessment",
        tenant_id=tenant,
    )
    await _send(migrated.kafka_bootstrap, [version(1, 3), registered])
    assert await eventually(lambda: _member_known(migrated, tenant, marker), timeout=30)
    assert await units_of_the_year() == 5.0
    await _send(migrated.kafka_bootstrap, [version(3, 7)])
    assert await eventually(lambda: _equals(units_of_the_year, 7.0), timeout=30)


async def _member_known(migrated, tenant: str, company: str) -> bool:
    db = await asyncpg.connect(
        migrated.dsn("indicators_app", "indicators_app", "indicators", driver=None)
    )
    try:
        return bool(
            await db.fetchval(
                "SELECT 1 FROM member_company WHERE tenant_id = $1 AND company = $2",
                tenant,
                company,
            )
        )
    finally:
        await db.close()


async def _equals(probe, expected: float) -> bool:
    return await probe() == expected


async def test_exposure_prevalence_by_profession(indicators_service, token_for, regional_year):
    year, companies = regional_year
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=120
    ) as http:
        response = await http.get(
            "/indicators/exposure-prevalence",
            params={"year": year, "breakdown": "pcs", "hazard": "PHY.BRUIT"},
        )
    assert response.status_code == 200, response.text
    cells = {c["group"]: c for c in response.json()["cells"] if c["group"]}
    assert set(cells) == {"636c", "431a", "526a"}
    for pcs, cell in cells.items():
        mine = [c for c in companies if c["pcs"] == pcs]
        if cell["status"] == "published":
            exposed = sum(c["night"] for c in mine)
            employees = sum(c["headcount"] for c in mine)
            assert cell["value"] == pytest.approx(exposed / employees * 100)
        else:
            assert cell["value"] is None
