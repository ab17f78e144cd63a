"""Indicator releases benchmark: one release of a generated region built, protected jointly and
audited, at growing sizes; what it hides, beside the same tables protected one at a time.

(a) for each size (companies per SPSTI, 17 SPSTI by default): the population generated
    (``indicators.domain.release.synthetic.region``: skewed sizes, rare NAF divisions, a few
    dominant employers), every cube built and protected against the outsider, each SPSTI and
    each company, then audited and repaired (``protect_release``), with a progress line per
    cube; then the audit alone, run again on the result.
(b) information loss of the last release, region and SPSTI level: share of non-empty cells and
    of their value hidden, beside the same tables each protected alone (primary rules and
    secondary suppression table by table, as the per-query indicators did: the region table and
    each SPSTI's table apart, nothing coordinated between them).
(c) serving: the last release stored in PostgreSQL as the service stores its own, then the
    indicators service (with the thesaurus it checks codes with) answering every offered
    indicator × breakdown, with and without a NAF section filter, over HTTP with a real
    Keycloak token, at 1 and 20 concurrent clients: p50 / p95 per request.

(a) and (b) run in this process, on the service's own domain code; (c) needs the benchmarks'
own infrastructure (started when missing, stopped after; ``--no-serve`` skips it). Prints
figures only, with the targets beside them: nothing passes or fails.

    uv run python bench/indicators_bench.py [--companies 10000] [--growth 1000,3000]
        [--tenants 17] [--requests 2000] [--no-serve]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import httpx

from cosar_deploy import bench

bench.use_bench_infrastructure()

from cosar_common.db import make_engine, make_session_factory
from indicators.catalogue.definitions import CATALOGUE
from indicators.domain.release.audit import audit_release
from indicators.domain.release.cubes import TENANT, build_cube
from indicators.domain.release.measures import measure, rate_links
from indicators.domain.release.protect import Pass, ProtectedCube, protect_cube
from indicators.domain.release.release import (
    Loss,
    Population,
    Protected,
    information_loss,
    protect_release,
)
from indicators.domain.release.synthetic import SECTIONS, region
from indicators.domain.secrecy import TOTAL, cell_key
from indicators.releases.service import secrecy_of, store_release
from indicators.releases.workers import workers_for
from indicators.settings import IndicatorsSettings

TARGET_S = 600.0
YEAR = 2091  # a year of its own in the benchmarks' database
SERVE_SECTIONS = ("C", "F", "G", "Q")


def one_release(tenants: int, companies: int, seed: int) -> tuple[Population, Protected, float]:
    population = Population(tuple(region(tenants, companies, seed=seed)), SECTIONS)
    secrecy = secrecy_of(IndicatorsSettings())
    started = time.perf_counter()

    def progress(done: int, total: int, step: str) -> None:
        print(f"    [{time.perf_counter() - started:7.1f} s] {done}/{total} {step}", flush=True)

    workers = workers_for(None)
    print(f"    {workers.workers} worker process(es), as the service uses", flush=True)
    protected = protect_release(population, secrecy, progress=progress, mapper=workers.map)
    made = time.perf_counter() - started
    audit_started = time.perf_counter()
    report = audit_release(
        protected.cubes, secrecy, links=rate_links(set(protected.cubes)), mapper=workers.map
    )
    audited = time.perf_counter() - audit_started
    print(
        f"(a) {tenants} SPSTI x {companies} companies ({len(population.units)} units, "
        f"{sum(len(pc.cube.tables.cells) for pc in protected.cubes.values())} cells): "
        f"built, protected and audited in {made:.1f} s (target < {TARGET_S:.0f} s at 10,000); "
        f"audit alone {audited:.1f} s; breaches {len(report.breaches)} (target 0)",
        flush=True,
    )
    return population, protected, made


def separately(population: Population) -> dict[str, ProtectedCube]:
    """Each table protected alone: the region table (every unit in one tenant) and each
    SPSTI's table, primary rules and the outsider's secondary suppression only."""
    secrecy = secrecy_of(IndicatorsSettings())
    out: dict[str, ProtectedCube] = {}
    tenants = sorted({unit.tenant for unit in population.units})
    for name in population.measures:
        kind = measure(name)
        whole = build_cube(kind, population.units, sections=SECTIONS, sizes=population.sizes)
        reasons = {}
        merged = [replace(unit, tenant="region") for unit in population.units]
        slices = [("region", merged)] + [
            (t, [u for u in population.units if u.tenant == t]) for t in tenants
        ]
        for tenant, units in slices:
            if not any(name in u.values for u in units):
                continue
            cube = build_cube(kind, units, sections=SECTIONS, sizes=population.sizes)
            alone = protect_cube(cube, secrecy, passes={Pass.SECONDARY})
            for key in alone.hidden:
                if key.code(TENANT) == TOTAL:
                    continue
                coords = dict(key.coords)
                coords[TENANT] = TOTAL if tenant == "region" else tenant
                reasons[cell_key(name, coords)] = alone.reasons[key]
        out[name] = ProtectedCube(whole, reasons)
    return out


def show_loss(label: str, cubes: Mapping[str, ProtectedCube]) -> None:
    loss: dict[str, Loss] = information_loss(cubes)
    parts = [
        f"{level} {item.hidden}/{item.cells} cells hidden ({item.cell_share:.1%}), "
        f"{item.value_share:.1%} of value"
        for level, item in loss.items()
    ]
    print(f"(b) {label}: " + "; ".join(parts), flush=True)


def queries() -> list[dict[str, str]]:
    """Every offered indicator x breakdown, whole region and per NAF section where allowed."""
    out = []
    for code, definition in sorted(CATALOGUE.items()):
        for breakdown in definition.breakdowns:
            out.append({"code": code, "breakdown": breakdown.value})
            if "naf" in definition.filters and breakdown.value != "naf_section":
                out += [
                    {"code": code, "breakdown": breakdown.value, "naf": section}
                    for section in SERVE_SECTIONS
                ]
    return out


def _one(asked: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    async def one(http: httpx.AsyncClient, i: int) -> float:
        query = dict(asked[i % len(asked)])
        code = query.pop("code")
        started = time.perf_counter()
        response = await http.get(f"/indicators/{code}", params={"year": YEAR, **query})
        assert response.status_code == 200, (code, query, response.text[:300])
        return (time.perf_counter() - started) * 1000

    return one


async def serve(population: Population, protected: Protected, *, requests: int) -> None:
    """(c): the release stored, then served over HTTP by the indicators service."""
    async with bench.infrastructure("thesaurus", "indicators") as run:
        ep = run.ep
        engine = make_engine(ep.dsn("indicators_app", "indicators_app", "indicators"))
        try:
            stored = await store_release(
                make_session_factory(engine),
                protected,
                population,
                secrecy_of(IndicatorsSettings()),
                year=YEAR,
                reference=date(YEAR, 12, 31),
                made_by="bench",
                naf_version="bench",
                previous=None,
                events=0,
            )
        finally:
            await engine.dispose()
        env = bench.service_env(ep, ("thesaurus", "indicators"))
        env["INDICATORS_THESAURUS_URL"] = "http://127.0.0.1:18201"
        await run.serve(env, thesaurus=18201, indicators=18204)
        token = await bench.password_token(ep.keycloak_url, "regional-analyst")
        await bench.wait_for_quiet()
        asked = queries()
        print(
            f"(c) release {stored.number} of {YEAR} stored "
            f"({sum(len(pc.cube.tables.cells) for pc in protected.cubes.values())} cells); "
            f"{len(asked)} distinct queries",
            flush=True,
        )
        # The release built above is a large graph of objects in this process: out of the
        # garbage collector's sight, or its full passes would be timed as the service's.
        gc.collect()
        gc.freeze()
        for clients in (1, 20):
            latencies = await bench.load(  # every query once, unmeasured: the caches warm
                "http://127.0.0.1:18204",
                token,
                _one(asked),
                clients=clients,
                requests=requests,
                warm=range(len(asked)),
            )
            bench.report(f"    one indicator answer, HTTP, {clients} client(s)", latencies)
        print("    target: p95 < 50 ms at 20 clients")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10_000, help="per SPSTI")
    parser.add_argument(
        "--growth", default="1000,3000", help="smaller sizes first (comma-separated, or empty)"
    )
    parser.add_argument("--tenants", type=int, default=17)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=2000, help="served, per client count")
    parser.add_argument("--no-serve", action="store_true", help="skip (c), the HTTP serving")
    args = parser.parse_args()
    sizes = [int(s) for s in args.growth.split(",") if s.strip()]
    sizes = [s for s in sizes if s < args.companies] + [args.companies]
    timings = []
    last: tuple[Population, Protected] | None = None
    for size in sizes:
        population, protected, made = one_release(args.tenants, size, args.seed)
        timings.append((size, made))
        last = (population, protected)
    print("    growth: " + ", ".join(f"{s} -> {t:.0f} s" for s, t in timings))
    assert last is not None
    population, protected = last
    show_loss("joint release", protected.cubes)
    show_loss("same tables one at a time", separately(population))
    if not args.no_serve:
        asyncio.run(serve(population, protected, requests=args.requests))
    print(
        "targets: release at 17 x 10,000 < 10 min; region level: most cells and most of the "
        "value published (see docs/benchmarks.md); serving p95 at 20 clients < 50 ms"
    )


if __name__ == "__main__":
    main()
