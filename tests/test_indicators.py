"""Regional indicators on the real stack: aggregates through Kafka, releases protected jointly
and audited, an independent attack on what they publish, scopes and roles, refused events
dead-lettered, freshness, and an identical rebuild.

Most data is injected as the producers' events (17 tenants of generated, skewed companies)
into the real Kafka, for one year no other test uses; freshness goes through the real
assessment service.
"""

from __future__ import annotations

import io
import json
import random
import uuid
from datetime import date

import asyncpg
import httpx
import openpyxl
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from cosar_common import clock
from cosar_common.events import envelope_for
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.assessment import (
    ActionCounts,
    CompanyRegistered,
    DuerpPublished,
    HazardAggregate,
    JobCount,
    PenibiliteAggregate,
)
from cosar_common.events.topics import ASSESSMENT_EVENTS, INDICATORS_DEAD_LETTER, key_for
from cosar_common.vocabulary import size_band
from tests.assessment_client import DuerpClient, auth, create_company
from tests.conftest import eventually
from tests.indicators_attack import Company, attack, contains, sensitive

# The module makes a regional year (events through Kafka, then a release protected and audited
# through the API) in its first fixture: minutes on two cores, over the suite-wide 300 s.
pytestmark = pytest.mark.timeout(900)

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
# A year no test ever releases, outside the 2100-2200 range the regional fixture draws from:
# it drew 2200 once, the very year this test had taken as "without release".
NEVER_RELEASED = 2097


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
                    registered_on=date(2000, 1, 2),  # a member at any reference date
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


async def _facts_of_year(migrated, year: int) -> int:
    db = await asyncpg.connect(
        migrated.dsn("indicators_app", "indicators_app", "indicators", driver=None)
    )
    try:
        return int(
            await db.fetchval("SELECT count(*) FROM duerp_contribution WHERE year = $1", year)
        )
    finally:
        await db.close()


async def _release(indicators_service, token_for, year: int) -> dict:
    admin = await token_for("platform-admin")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(admin), timeout=600
    ) as http:
        response = await http.post("/releases", params={"year": year})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
async def regional_year(indicators_service, migrated, token_for):
    """A year of generated regional data, applied by the indicators service, and its first
    release.

    The test infrastructure keeps its data between sessions: the year is one no earlier
    session used, so the regional tables hold this data set alone.
    """
    year = await _unused_year(migrated)
    companies = _companies(year)
    await _send(migrated.kafka_bootstrap, _events(year, companies))

    async def applied():
        return await _facts_of_year(migrated, year) == len(companies)

    await eventually(applied, timeout=90, interval=1)
    release = await _release(indicators_service, token_for, year)
    return year, companies, release


async def _answer(http: httpx.AsyncClient, code: str, **params) -> dict:
    response = await http.get(f"/indicators/{code}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _box(cell: dict, size: str | None) -> tuple[str | None, str | None, str | None]:
    return (cell["tenant"], cell["group"], size)


async def _published(http, code: str, year: int, release: str) -> tuple[dict, dict]:
    """Every published numerator and denominator of an indicator, over the whole table set
    the release offers (each size band filter × the NAF division breakdown, region and each
    service): what an intruder can collect."""
    numerators, denominators = {}, {}
    for size in (None, "0", "1-9", "10-49", "50-249", "250+"):
        params = {"year": year, "release": release, "breakdown": "naf_division"}
        if size:
            params["size_band"] = size
        body = await _answer(http, code, **params)
        for cell in body["cells"] + body["by_tenant"]:
            if cell["numerator"] is not None:
                numerators[_box(cell, size)] = cell["numerator"]
            if cell["denominator"] is not None:
                denominators[_box(cell, size)] = cell["denominator"]
    return numerators, denominators


def _all_boxes(companies: list[dict]) -> list[tuple[str | None, str | None, str | None]]:
    tenants = [None, *sorted({c["tenant"] for c in companies})]
    nafs = [
        None,
        *sorted({SECTIONS[c["naf"]] for c in companies}),
        *sorted({c["naf"][:2] for c in companies}),
    ]
    sizes = [None, "0", "1-9", "10-49", "50-249", "250+"]
    return [(t, n, s) for t in tenants for n in nafs for s in sizes]


def _attack_companies(companies: list[dict], field: str) -> list[Company]:
    return [
        Company(
            c["tenant"],
            c["naf"][:2],
            SECTIONS[c["naf"]],
            size_band(c["headcount"]),
            float(c[field]),
        )
        for c in companies
    ]


async def test_a_release_is_audited_stored_and_served(indicators_service, token_for, regional_year):
    from indicators.releases.models import Release
    from indicators.releases.service import audit_stored

    year, _, release = regional_year
    assert release["year"] == year
    assert release["audit"]["breaches"] == 0
    for kind in ("linked", "tenant", "company", "difference"):
        assert release["audit"]["targets"][kind] > 0, kind
    assert set(release["loss"]) == {"region", "tenant"}
    runtime = indicators_service.app.state.runtime
    async with runtime.session_factory() as session:
        stored = await session.get(Release, uuid.UUID(release["id"]))
        report = await audit_stored(session, runtime.settings, stored)
    assert report.breaches == []
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=60
    ) as http:
        body = await _answer(http, "serious-work-units", year=year)
        listed = (await http.get("/releases", params={"year": year})).json()
        detail = (await http.get(f"/releases/{release['id']}")).json()
    assert body["release"]["id"] == release["id"]
    assert body["release"]["reference_date"] == release["reference_date"]
    assert [r["id"] for r in listed] == [release["id"]]
    assert detail["audit"]["breaches"] == 0
    assert "sections" not in detail["parameters"]


async def test_an_independent_attack_on_the_published_answers_finds_nothing(
    indicators_service, token_for, regional_year
):
    year, companies, release = regional_year
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=120
    ) as http:
        serious, units = await _published(http, "serious-work-units", year, release["id"])
        exposed, employees = await _published(http, "exposure-prevalence", year, release["id"])
    boxes = _all_boxes(companies)
    tenants = sorted({c["tenant"] for c in companies})
    for field, published, persons in (
        ("serious", serious, False),
        ("work_units", units, False),
        ("night", exposed, True),
        ("headcount", employees, False),
    ):
        assert published, field
        found = attack(
            _attack_companies(companies, field), published, boxes, persons=persons, tenants=tenants
        )
        assert found == [], (field, found[:5])


async def test_the_same_attack_breaks_answers_protected_one_rule_at_a_time(regional_year):
    """The attack can fail: on the same data published with primary suppression only (each
    cell on its own, as per-answer protection did), it recomputes secrets."""
    _, companies, _ = regional_year
    data = _attack_companies(companies, "work_units")
    boxes = _all_boxes(companies)
    section_of = {c.division: c.section for c in data}
    naive = {}
    for box in boxes:
        inside = [
            c.value for c in data if contains(box, (c.tenant, c.division, c.size), section_of)
        ]
        if inside and not sensitive(inside, persons=False):
            naive[box] = sum(inside)
    tenants = sorted({c["tenant"] for c in companies})
    found = attack(data, naive, boxes, tenants=tenants)
    assert {f.intruder for f in found} - {"outsider"}, "a tenant intruder breaks some"
    assert any(f.intruder == "outsider" for f in found)


async def test_secret_cells_carry_their_reason_and_no_figure_anywhere(
    indicators_service, token_for, regional_year
):
    year, _, release = regional_year
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=120
    ) as http:
        body = await _answer(http, "serious-work-units", year=year, breakdown="naf_division")
        csv_export = await http.get(
            "/indicators/serious-work-units",
            params={"year": year, "format": "csv", "breakdown": "naf_division"},
        )
        xlsx = await http.get("/indicators/c2p-exposed", params={"year": year, "format": "xlsx"})
        page = await http.get("/dashboards/region", params={"year": year})
    cells = body["cells"] + body["by_tenant"]
    secret = [c for c in cells if c["status"] == "secret"]
    assert secret
    assert [c for c in cells if c["status"] == "published"]
    for cell in secret:
        assert cell["value"] is None
        assert cell["numerator"] is None
        assert cell["denominator"] is None
        assert cell["note"].startswith("secret statistique : ")
    lines = csv_export.text.splitlines()
    assert release["id"] in csv_export.text
    assert "données arrêtées au" in csv_export.text
    for line in lines:
        if "secret statistique" in line.split(";")[5:6]:
            value, numerator, denominator = line.split(";")[2:5]
            assert value == numerator == denominator == "secret statistique"
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert any(release["id"] in str(row[0]) for row in rows[:5])
    for row in rows:
        if len(row) > 5 and row[5] == "secret statistique":
            assert row[2] == row[3] == row[4] == "secret statistique"
    assert page.status_code == 200
    assert "Diffusion n° 1" in page.text
    assert "données arrêtées au" in page.text
    assert f"value='{release['id']}'" in page.text  # the release picker (a plain GET form)
    assert "<svg" in page.text
    assert "secret statistique" in page.text


async def test_queries_outside_the_release_are_refused_with_what_is_offered(
    indicators_service, token_for, regional_year
):
    year, _, _ = regional_year
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=60
    ) as http:
        subclass = await http.get(
            "/indicators/serious-work-units", params={"year": year, "naf": "10.71C"}
        )
        hazard = await http.get(
            "/indicators/exposure-prevalence", params={"year": year, "hazard": "PHY.BRUIT"}
        )
        sized = await http.get(
            "/indicators/exposure-prevalence",
            params={"year": year, "hazard_family": "PHY", "size_band": "1-9"},
        )
        pcs = await http.get(
            "/indicators/exposure-prevalence", params={"year": year, "breakdown": "pcs"}
        )
        no_release = await http.get("/indicators/tf", params={"year": NEVER_RELEASED})
    assert subclass.status_code == 422
    assert subclass.json()["code"] == "not_in_release"
    assert "section ou une division NAF" in subclass.json()["message"]
    assert hazard.status_code == 422
    assert hazard.json()["errors"][0]["field"] == "query.hazard"
    assert sized.status_code == 422
    assert "sections NAF" in sized.json()["message"]
    assert pcs.status_code == 422
    assert no_release.status_code == 404, no_release.text
    assert f"diffusé pour {NEVER_RELEASED}" in no_release.json()["message"]


async def test_hazards_of_a_population_below_three_companies_are_not_published(
    indicators_service, token_for, regional_year
):
    year, companies, _ = regional_year
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=60
    ) as http:
        body = await _answer(http, "frequent-hazards", year=year, breakdown="hazard")
    per_tenant: dict[str, int] = {}
    for c in companies:
        per_tenant[c["tenant"]] = per_tenant.get(c["tenant"], 0) + 1
    shown = {c["tenant"] for c in body["by_tenant"]}
    for tenant, count in per_tenant.items():
        if count < 3:
            assert tenant not in shown
    assert body["cells"], "the region as a whole lists its hazards"


async def test_a_second_release_protects_what_changed_and_the_first_stays_readable(
    indicators_service, migrated, token_for, regional_year
):
    year, companies, first = regional_year
    newcomers = [
        {**c, "company": pseudonym(KEY, f"late-{year}-{i}"), "tenant": c["tenant"]}
        for i, c in enumerate(companies[:3])
    ]
    await _send(migrated.kafka_bootstrap, _events(year, newcomers))

    async def applied():
        return await _facts_of_year(migrated, year) == len(companies) + len(newcomers)

    await eventually(applied, timeout=90, interval=1)
    second = await _release(indicators_service, token_for, year)
    assert second["number"] == first["number"] + 1
    assert second["audit"]["breaches"] == 0
    assert second["audit"]["targets"].get("release-difference", 0) > 0
    analyst = await token_for("regional-analyst")
    async with httpx.AsyncClient(
        base_url=indicators_service.url, headers=auth(analyst), timeout=120
    ) as http:
        old = await _published(http, "serious-work-units", year, first["id"])
        new = await _published(http, "serious-work-units", year, second["id"])
        listed = (await http.get("/releases", params={"year": year})).json()
    assert [r["number"] for r in listed] == [second["number"], first["number"]]
    # a cell published in both releases never changed by fewer than three companies
    section_of = {c["naf"][:2]: SECTIONS[c["naf"]] for c in companies}
    for box in old[1].keys() & new[1].keys():
        moved = [
            c
            for c in newcomers
            if contains(box, (c["tenant"], c["naf"][:2], size_band(c["headcount"])), section_of)
        ]
        assert not moved or len(moved) >= 3, box
    assert old != new


async def test_scopes_roles_and_bad_filters(indicators_service, token_for, regional_year):
    year, _, _ = regional_year
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
        employer_release = await http.post(
            "/releases", headers=auth(employer), params={"year": year}
        )
        analyst_release = await http.post("/releases", headers=auth(analyst), params={"year": year})
        definitions = await http.get("/indicators", headers=auth(analyst))
    assert own.status_code == 200
    assert own.json()["scope"] == "tenant"
    assert region_for_staff.status_code == 200
    assert as_employer.status_code == 403
    assert analyst_tenant.status_code == 403
    assert bad_naf.status_code == 422
    assert bad_naf.json()["errors"][0]["field"] == "query.naf"
    assert bad_band.status_code == 422
    assert employer_release.status_code == analyst_release.status_code == 403
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

    async def good_applied():
        return await _member_known(migrated, "itest-dl", good.payload.company)

    assert await eventually(good_applied, timeout=60)


async def test_a_published_duerp_reaches_the_next_release(
    assessment_service, indicators_service, migrated, token_for
):
    staff = await token_for("sst-admin@sst-06-nice")
    company = await create_company(assessment_service.url, staff, naf_code="62.01Z", headcount=30)
    year = clock.today().year

    async def serious_units(release: dict) -> float:
        async with httpx.AsyncClient(
            base_url=indicators_service.url, headers=auth(staff), timeout=60
        ) as http:
            response = await http.get(
                "/indicators/serious-work-units",
                params={"year": year, "scope": "tenant", "release": release["id"]},
            )
        total = next((c for c in response.json()["cells"] if c["group"] is None), None)
        return (total or {}).get("denominator") or 0.0

    before = await serious_units(await _release(indicators_service, token_for, year))
    facts = await _facts_of_year(migrated, year)
    async with DuerpClient(assessment_service.url, staff, company["id"]) as duerp:
        unit = await duerp.add_unit(name="Plateau")
        await duerp.add_risk(unit, rating={"probability": 4, "gravity": 4})
        await duerp.add_unit(name="Accueil")
        await duerp.ok("POST", "/duerp/versions")

    async def arrived():
        return await _facts_of_year(migrated, year) > facts

    await eventually(arrived, timeout=20)
    after = await serious_units(await _release(indicators_service, token_for, year))
    assert after == before + 2


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
