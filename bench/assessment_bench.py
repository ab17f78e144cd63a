"""Assessment benchmark: reading a full DUERP and publishing a version (snapshot, hash, PDF).

Generates 17 tenants x 1,000 companies x 8 work units x 12 risks (1.6 M risk lines, plus
pénibilité and actions) in a PostgreSQL of its own, then measures through HTTP against
`thesaurus serve` and `assessment serve` running in their own processes:

- reading a full DUERP (GET /companies/{id}/duerp) at 1 and 10 concurrent clients;
- the same rows read by a bare FastAPI endpoint (asyncpg, no ORM, no rules) in the same run,
  and the ratio of the two;
- publishing a version (snapshot, hash, outbox) followed by its PDF export, at 1 and 10
  clients.

Prints figures only: nothing passes or fails. Its infrastructure (state in
~/.local/state/cosar-platform-bench, PostgreSQL on 35432, Kafka on 39092, Keycloak on 38080)
never touches the demo data or the tests'.

    uv run python bench/assessment_bench.py [--companies 1000] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import statistics
import sys
import time
import uuid

from cosar_deploy import bench

bench.use_bench_infrastructure()

import asyncpg
import httpx

from assessment.domain.rating import DEFAULT_METHOD, METHODS
from cosar_common.vocabulary import DANGERS
from cosar_deploy.endpoints import SUPERUSER, SUPERUSER_PASSWORD, Endpoints

TENANTS = ["sst-13-marseille"] + [f"bench-{i:02d}" for i in range(2, 18)]
READ_TENANT = "sst-13-marseille"
HAZARDS = [
    ("PHY.BRUIT", "Bruit", "PHY"),
    ("PHY.MANUT", "Manutention manuelle", "PHY"),
    ("PHY.CHUTE_PP", "Chutes de plain-pied", "PHY"),
    ("CHI.POUSS", "Poussières", "CHI"),
    ("MEC.MACHINE", "Machines", "MEC"),
    ("PSY.CHARGE", "Charge de travail", "PSY"),
    ("BIO.INFECT", "Agents infectieux", "BIO"),
    ("PHY.ECRAN", "Travail sur écran", "PHY"),
    ("MEC.ROUTIER", "Déplacements routiers", "MEC"),
    ("PHY.THERM", "Ambiances thermiques", "PHY"),
    ("PSY.NUIT", "Travail de nuit", "PSY"),
    ("PHY.ELEC", "Électricité", "PHY"),
]
NAFS = ["10.71C", "41.20A", "49.41A", "86.10Z", "87.10A", "47.11F", "62.01Z"]
LEVELS = ["none", "partial", "controlled", "well_controlled"]


def _siret(rng: random.Random) -> str:
    from stdnum import luhn

    siren = "".join(rng.choice("0123456789") for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    siret = siren + "".join(rng.choice("0123456789") for _ in range(4))
    return siret + luhn.calc_check_digit(siret)


async def generate(ep: Endpoints, companies_per_tenant: int) -> list[str]:
    """Bulk-load the synthetic DUERPs (as the superuser, which COPY under RLS needs)."""
    db = await asyncpg.connect(ep.dsn(SUPERUSER, SUPERUSER_PASSWORD, "assessment", driver=None))
    try:
        existing = await db.fetchval("SELECT count(*) FROM company WHERE tenant_id = 'bench-17'")
        if existing >= companies_per_tenant:
            ids = await db.fetch(
                "SELECT id FROM company WHERE tenant_id = $1 AND name LIKE 'Banc %'", READ_TENANT
            )
            return [str(r["id"]) for r in ids]
        rng = random.Random(17 + existing)  # a fresh seed: a second run adds other SIRETs
        method = METHODS[DEFAULT_METHOD]
        started = time.perf_counter()
        tables = ("company", "duerp", "work_unit", "penibilite_exposure", "risk", "action")
        rows: dict[str, list[tuple[object, ...]]] = {table: [] for table in tables}
        read_ids = []
        for tenant in TENANTS:
            for n in range(companies_per_tenant):
                company, duerp = uuid.uuid4(), uuid.uuid4()
                if tenant == READ_TENANT:
                    read_ids.append(str(company))
                siret = _siret(rng)
                rows["company"].append(
                    (
                        company,
                        tenant,
                        f"Banc {tenant} {n:04d}",
                        siret,
                        siret[:9],
                        "",
                        rng.choice(NAFS),
                        80,
                        True,
                    )
                )
                rows["duerp"].append((duerp, tenant, company, 1))
                for w in range(8):
                    unit = uuid.uuid4()
                    rows["work_unit"].append(
                        (unit, tenant, company, duerp, "trade", f"Unité {w + 1}", "", 10, "[]")
                    )
                    rows["penibilite_exposure"].append(
                        (
                            uuid.uuid4(),
                            tenant,
                            company,
                            unit,
                            "3a",
                            "Travail de nuit",
                            "3a",
                            "",
                            True,
                            rng.choice([40, 90, 110, 150]),
                            False,
                            rng.randint(0, 10),
                        )
                    )
                    for r in range(12):
                        code, label, family = HAZARDS[r]
                        inputs = {"probability": rng.randint(1, 4), "gravity": rng.randint(1, 4)}
                        rating = method.rate(inputs, rng.choice(LEVELS))
                        risk = uuid.uuid4()
                        rows["risk"].append(
                            (
                                risk,
                                tenant,
                                company,
                                unit,
                                DANGERS,
                                code,
                                label,
                                family,
                                "Situation type",
                                "Dommage type",
                                "[]",
                                f'{{"probability": {inputs["probability"]}, '
                                f'"gravity": {inputs["gravity"]}}}',
                                rating.control_level,
                                method.key,
                                rating.raw_score,
                                rating.residual_score,
                                rating.raw_priority.value,
                                rating.priority.value,
                                rating.deadline_months,
                                False,
                            )
                        )
                        if r < 2:
                            rows["action"].append(
                                (
                                    uuid.uuid4(),
                                    tenant,
                                    company,
                                    duerp,
                                    risk,
                                    "collective",
                                    f"Action {w}-{r}",
                                    "",
                                    "",
                                    None,
                                    None,
                                    "",
                                    "",
                                    "planned",
                                    "",
                                )
                            )
        columns = {
            "company": (
                "id",
                "tenant_id",
                "name",
                "siret",
                "siren",
                "address",
                "naf_code",
                "headcount",
                "has_cse",
            ),
            "duerp": ("id", "tenant_id", "company_id", "lock_version"),
            "work_unit": (
                "id",
                "tenant_id",
                "company_id",
                "duerp_id",
                "kind",
                "name",
                "description",
                "headcount",
                "jobs",
            ),
            "penibilite_exposure": (
                "id",
                "tenant_id",
                "company_id",
                "work_unit_id",
                "factor_code",
                "factor_display",
                "threshold_code",
                "intensity",
                "intensity_reached",
                "yearly_duration",
                "estimated",
                "exposed_headcount",
            ),
            "risk": (
                "id",
                "tenant_id",
                "company_id",
                "work_unit_id",
                "hazard_system",
                "hazard_code",
                "hazard_display",
                "hazard_family",
                "situations",
                "damages",
                "measures",
                "rating_inputs",
                "control_level",
                "method_key",
                "raw_score",
                "residual_score",
                "raw_priority",
                "priority",
                "deadline_months",
                "needs_rerating",
            ),
            "action": (
                "id",
                "tenant_id",
                "company_id",
                "duerp_id",
                "risk_id",
                "measure_kind",
                "title",
                "description",
                "responsible",
                "deadline",
                "cost_eur",
                "resources",
                "result_indicator",
                "status",
                "status_reason",
            ),
        }
        for table in tables:
            await _copy(db, table, columns[table], rows[table])
        await db.execute("ANALYZE")
        print(
            f"generated {len(rows['company'])} companies, {len(rows['work_unit'])} work units, "
            f"{len(rows['risk'])} risks, {len(rows['action'])} actions "
            f"in {time.perf_counter() - started:.0f} s"
        )
        return read_ids
    finally:
        await db.close()


async def _copy(
    db: asyncpg.Connection, table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]
) -> None:
    """COPY in text format (jsonb and numeric columns parse from their text)."""
    buffer = io.BytesIO()
    for row in rows:
        fields = ("\\N" if v is None else str(v).replace("\\", "\\\\") for v in row)
        buffer.write(("\t".join(fields) + "\n").encode())
    buffer.seek(0)
    await db.copy_to_table(table, source=buffer, columns=list(columns), format="text")


def bare_app(dsn: str):  # type: ignore[no-untyped-def]
    """The same rows as the full DUERP read, with nothing else: asyncpg, one query each."""
    from fastapi import FastAPI

    app = FastAPI()
    state: dict[str, asyncpg.Pool] = {}

    @app.on_event("startup")
    async def _start() -> None:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=2, max_size=10)

    @app.get("/duerp/{company_id}")
    async def read(company_id: uuid.UUID) -> dict[str, object]:
        async with state["pool"].acquire() as conn, conn.transaction():
            await conn.execute(
                "SELECT set_config('app.tenant_id', $1, true),"
                " set_config('app.roles', 'sst-preventer', true)",
                READ_TENANT,
            )
            company = await conn.fetchrow("SELECT * FROM company WHERE id = $1", company_id)
            units = await conn.fetch(
                "SELECT * FROM work_unit WHERE company_id = $1 AND archived_at IS NULL",
                company_id,
            )
            risks = await conn.fetch(
                "SELECT * FROM risk WHERE company_id = $1 AND archived_at IS NULL", company_id
            )
            exposures = await conn.fetch(
                "SELECT * FROM penibilite_exposure WHERE company_id = $1", company_id
            )
            actions = await conn.fetch("SELECT * FROM action WHERE company_id = $1", company_id)
        return {
            "company": dict(company) if company else None,
            "work_units": [dict(u) for u in units],
            "risks": [dict(r) for r in risks],
            "penibilite": [dict(e) for e in exposures],
            "actions": [dict(a) for a in actions],
        }

    return app


async def main(companies: int, requests: int) -> None:
    async with bench.infrastructure("thesaurus", "assessment") as run:
        ep = run.ep
        read_ids = await generate(ep, companies)

        env = bench.service_env(ep, ("thesaurus", "assessment"))
        env["ASSESSMENT_THESAURUS_URL"] = "http://127.0.0.1:18101"
        run.start([sys.executable, __file__, "--bare-server", "18103"], {})
        await run.serve(env, thesaurus=18101, assessment=18102)
        await bench.wait_ready("http://127.0.0.1:18103/docs")
        token = await bench.password_token(ep.keycloak_url, "sst-preventer@sst-13-marseille")
        await bench.wait_for_quiet()

        async def full_read(http: httpx.AsyncClient, i: int) -> float:
            t = time.perf_counter()
            response = await http.get(f"/companies/{read_ids[i % len(read_ids)]}/duerp")
            assert response.status_code == 200, response.text[:300]
            return (time.perf_counter() - t) * 1000

        async def bare_read(http: httpx.AsyncClient, i: int) -> float:
            t = time.perf_counter()
            response = await http.get(f"/duerp/{read_ids[i % len(read_ids)]}")
            assert response.status_code == 200
            return (time.perf_counter() - t) * 1000

        publish_ids = list(reversed(read_ids))

        async def publish(http: httpx.AsyncClient, i: int) -> float:
            company = publish_ids[i % len(publish_ids)]
            lock = (await http.get(f"/companies/{company}/duerp")).headers["ETag"]
            t = time.perf_counter()
            done = await http.post(
                f"/companies/{company}/duerp/versions", headers={"If-Match": lock}
            )
            assert done.status_code == 201, done.text[:300]
            pdf = await http.get(
                f"/companies/{company}/duerp/versions/{done.json()['number']}/export.pdf"
            )
            assert pdf.status_code == 200
            return (time.perf_counter() - t) * 1000

        results = {}
        for clients in (1, 10):
            results[("full", clients)] = await bench.load(
                "http://127.0.0.1:18102", token, full_read, clients=clients, requests=requests
            )
            results[("bare", clients)] = await bench.load(
                "http://127.0.0.1:18103", token, bare_read, clients=clients, requests=requests
            )
            bench.report(f"full DUERP read, HTTP, {clients} client(s)", results[("full", clients)])
            bench.report(
                f"bare FastAPI read of the same rows, {clients} client(s)",
                results[("bare", clients)],
            )
            print(
                f"{'  ratio full / bare (p50)':<52} "
                f"{statistics.median(results[('full', clients)]) / statistics.median(results[('bare', clients)]):8.1f} x"  # noqa: E501
            )
        for clients in (1, 10):
            bench.report(
                f"publish + PDF export, HTTP, {clients} client(s)",
                await bench.load(
                    "http://127.0.0.1:18102",
                    token,
                    publish,
                    clients=clients,
                    requests=max(20, requests // 4),
                ),
            )
        print("targets: full read p95 < 50 ms; publish with PDF p95 < 1.5 s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1000, help="per tenant (17 tenants)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--bare-server", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        import uvicorn

        ep = Endpoints.local()
        uvicorn.run(
            bare_app(ep.dsn("assessment_app", "assessment_app", "assessment", driver=None)),
            host="127.0.0.1",
            port=args.bare_server,
            log_level="warning",
        )
    else:
        asyncio.run(main(args.companies, args.requests))
