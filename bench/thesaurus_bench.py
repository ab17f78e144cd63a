"""Thesaurus benchmark: search, $lookup and filtered $expand over all the loaded content plus
a synthetic 200,000-concept system; and the same searches as a naive ILIKE '%q%' query.

Latencies are measured from an HTTP client on the same machine against `thesaurus serve`
running in its own process (so they include HTTP and JSON, a little more than server time);
the SQL comparison times both queries inside PostgreSQL's session, as the application role.
Prints figures only: nothing passes or fails.

Server-side figures (the targets are server side) come from the `Server-Timing` header the
service adds when started with `THESAURUS_SERVER_TIMING=true`, as here: the time from the
request reaching the application (outside every middleware, OpenTelemetry's included) to its
response headers, so routing, token check, database and JSON, plus any wait for the event loop
while other requests run; not uvicorn's HTTP parsing nor the client. `CPU/req` is the server
process's CPU time divided by the requests of the measure (Linux `/proc`): with 20 clients on
2 cores shared with PostgreSQL and the client, latency is mostly this cost times the queue.

The service keeps answers read from published versions in memory (`thesaurus.answers`): a
"repeated" measure asks the same few questions again and again, so after the first time each
is served from memory; an "every request new" measure never asks the same question twice, so
each answer is computed (database included). Both are printed: real traffic lies in between
(many employers look up the same NAF codes; a typed search is rarely repeated word for word).

    uv run python bench/thesaurus_bench.py [--concepts 200000] [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from cosar_common import vocabulary
from cosar_common.db import TenantContext, make_engine, make_session_factory, transaction
from cosar_common.events.outbox import OutboxWriter
from cosar_deploy import bench
from thesaurus.codesystems import repository, service
from thesaurus.domain.model import CodeSystemData, ConceptData
from thesaurus.reference_loader import LOADER_CONTEXT, load_reference
from thesaurus.search import service as search_service

SYNTHETIC = "synthetique-200k"
WORDS = (
    "exposition",
    "bruit",
    "chimique",
    "poussière",
    "solvant",
    "chaleur",
    "froid",
    "vibration",
    "manutention",
    "posture",
    "écran",
    "travail",
    "nuit",
    "équipe",
    "chantier",
    "atelier",
    "bureau",
    "entrepôt",
    "cuisine",
    "soins",
    "patient",
    "charge",
    "hauteur",
    "chute",
    "machine",
    "outil",
    "coupure",
    "brûlure",
    "électrique",
    "rayonnement",
    "amiante",
    "silice",
    "plomb",
    "stress",
    "agression",
    "isolement",
    "horaires",
    "conduite",
    "livraison",
    "nettoyage",
    "maintenance",
    "soudure",
)
SEARCHES = [
    "boulangerie",
    "boulengerie",
    "programmation informatique",
    "lombalgie",
    "bruit",
    "infirmier",
    "62.01Z",
    "6201Z",
    "M54",
    "tuberculose",
    "plomb",
    "travail de nuit",
]


async def ensure_synthetic(factory, count: int) -> None:  # type: ignore[no-untyped-def]
    async with transaction(factory, LOADER_CONTEXT) as session:
        if await repository.get_system(session, name=SYNTHETIC) is not None:
            return
    rng = random.Random(42)
    concepts: list[ConceptData] = []
    roots = [f"S{i:02d}" for i in range(20)]
    concepts += [
        ConceptData(code=r, display=f"Domaine {r} {rng.choice(WORDS)}", level=1) for r in roots
    ]
    mids = [f"{r}.{j:03d}" for r in roots for j in range(100)]
    concepts += [
        ConceptData(
            code=m, display=" ".join(rng.sample(WORDS, 3)).capitalize(), parents=(m[:3],), level=2
        )
        for m in mids
    ]
    for i in range(count - len(concepts)):
        parent = mids[i % len(mids)]
        concepts.append(
            ConceptData(
                code=f"{parent}.{i:06d}",
                display=" ".join(rng.sample(WORDS, 4)).capitalize() + f" n° {i}",
                parents=(parent,),
                level=3,
            )
        )
    data = CodeSystemData(
        name=SYNTHETIC,
        url=f"https://cosar.example/bench/{SYNTHETIC}",
        title="Système synthétique du banc d'essai",
        version="1",
        concepts=concepts,
    )
    started = time.perf_counter()
    async with transaction(factory, LOADER_CONTEXT) as session:
        await service.import_code_system(
            session,
            data=data,
            created_by="bench",
            tenant_id=None,
            outbox=OutboxWriter(producer="bench"),
        )
    print(
        f"synthetic system: {len(concepts)} concepts loaded in "
        f"{time.perf_counter() - started:.1f} s"
    )


@dataclass
class Measure:
    """Client-side and server-side latencies (ms) of one load test, and the server's CPU."""

    client: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    cpu_ms_per_request: float | None = None


def server_duration(response: httpx.Response) -> float | None:
    """``app;dur=12.34`` from the Server-Timing header, in milliseconds."""
    for metric in response.headers.get("server-timing", "").split(","):
        name, _, params = metric.strip().partition(";")
        if name == "app" and params.startswith("dur="):
            return float(params.removeprefix("dur="))
    return None


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def timed(call: Callable[[], Awaitable[httpx.Response]], into: Measure) -> None:
    started = time.perf_counter()
    response = await call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code}: {response.text[:200]}")
    into.client.append(elapsed)
    on_server = server_duration(response)
    if on_server is not None:
        into.server.append(on_server)


async def load_test(
    base: str,
    token: str,
    make: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
    *,
    clients: int,
    requests: int,
    server_pid: int,
) -> Measure:
    measure = Measure()
    async with httpx.AsyncClient(
        base_url=base,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        limits=httpx.Limits(max_connections=clients),
    ) as http:
        for i in range(5):  # warm-up
            await make(http, i)

        async def worker(offset: int) -> None:
            for i in range(offset, requests, clients):
                await timed(functools.partial(make, http, i), measure)

        cpu_before = process_cpu_s(server_pid)
        await asyncio.gather(*(worker(k) for k in range(clients)))
        cpu_after = process_cpu_s(server_pid)
    if cpu_before is not None and cpu_after is not None:
        measure.cpu_ms_per_request = (cpu_after - cpu_before) * 1000 / len(measure.client)
    return measure


def report(label: str, values: list[float]) -> None:
    print(
        f"{label:<46} p50 {statistics.median(values):7.1f} ms   "
        f"p95 {bench.percentile(values, 0.95):7.1f} ms   (n={len(values)})"
    )


def report_http(label: str, measure: Measure) -> None:
    """Client-side line, then the server-side line (Server-Timing) and the server's CPU."""
    report(f"{label}, client", measure.client)
    if measure.server:
        cpu = measure.cpu_ms_per_request
        report(f"{label}, server", measure.server)
        if cpu is not None:
            print(f"{'':<46} server process CPU {cpu:5.2f} ms per request")


async def sql_comparison(factory, repeats: int) -> None:  # type: ignore[no-untyped-def]
    """The real search versus a naive ILIKE scan, inside PostgreSQL, same role, same data."""
    naive = text(
        "SELECT c.code, c.display FROM concept c JOIN code_system_version v ON v.id = c.version_id"
        " WHERE v.status = 'published' AND (c.display ILIKE :p OR c.code ILIKE :p)"
        " ORDER BY c.code LIMIT 20"
    )
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeats):
        for q in SEARCHES:
            async with transaction(factory, TenantContext.system()) as session:
                started = time.perf_counter()
                await search_service.search(
                    session,
                    q=q,
                    system=None,
                    version=None,
                    level=None,
                    active=None,
                    limit=20,
                    offset=0,
                )
                ours.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                await session.execute(naive, {"p": f"%{q}%"})
                theirs.append((time.perf_counter() - started) * 1000)
    report("search, in-process (all systems)", ours)
    report("naive ILIKE '%q%' (all systems)", theirs)
    print(
        f"{'ratio naive / search (p50)':<46} "
        f"{statistics.median(theirs) / statistics.median(ours):7.1f} x"
    )


async def main(concepts: int, requests: int) -> None:
    bench.use_bench_infrastructure()
    async with bench.infrastructure("thesaurus", reference_data=False) as run:
        ep = run.ep
        engine = make_engine(ep.dsn("thesaurus_app", "thesaurus_app", "thesaurus"))
        factory = make_session_factory(engine)
        await load_reference(factory)
        await ensure_synthetic(factory, concepts)
        async with factory() as session:
            total = await session.scalar(text("SELECT count(*) FROM concept"))
        print(f"concepts in the registry: {total}")
        port = 18_001
        env = bench.service_env(ep, ("thesaurus",), SERVER_TIMING="true")
        server = run.start(bench.service_command("thesaurus", port), env)
        base = f"http://127.0.0.1:{port}"
        await bench.wait_ready(f"{base}/health/ready")
        token = await bench.password_token(ep.keycloak_url, "sst-preventer@sst-13-marseille")
        await bench.wait_for_quiet()

        def search(http: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            return http.get("/search", params={"q": SEARCHES[i % len(SEARCHES)], "limit": 20})

        # The same searches with a page size that differs from one request to the next
        # (10 to 99 results): every request is new to the answer cache, the database work is
        # that of the searches above. A counter, not ``i``: warm-up requests are new too.
        fresh = itertools.count()

        def new_search(http: httpx.AsyncClient, _: int) -> Awaitable[httpx.Response]:
            n = next(fresh)
            q, limit = SEARCHES[n % len(SEARCHES)], 10 + (n // len(SEARCHES)) % 90
            return http.get("/search", params={"q": q, "limit": limit, "offset": n // 1080})

        lookups = [
            (vocabulary.NAF, "10.71C"),
            (vocabulary.NAF, "62.01Z"),
            (vocabulary.CIM_10, "M54.5"),
            (vocabulary.CIM_10, "J45.0"),
            (vocabulary.C2P_THRESHOLDS, "3a"),
        ]

        def lookup(http: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            system, code = lookups[i % len(lookups)]
            return http.get(
                "/fhir/CodeSystem/$lookup",
                params={"system": f"https://cosar.example/fhir/CodeSystem/{system}", "code": code},
            )

        async with factory() as session:
            cim10 = list(
                (
                    await session.scalars(
                        text(
                            "SELECT c.code FROM concept c JOIN code_system_version v"
                            " ON v.id = c.version_id JOIN code_system s ON s.id = v.code_system_id"
                            " WHERE s.name = 'cim-10' AND v.status = 'published' ORDER BY c.code"
                        )
                    )
                ).all()
            )
        fresh_codes = iter(random.Random(7).sample(cim10, len(cim10)))

        def new_lookup(http: httpx.AsyncClient, _: int) -> Awaitable[httpx.Response]:
            return http.get(
                "/fhir/CodeSystem/$lookup",
                params={
                    "system": "https://cosar.example/fhir/CodeSystem/cim-10",
                    "code": next(fresh_codes),
                },
            )

        def expand(http: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            target = [
                "https://cosar.example/fhir/CodeSystem/cim-10",
                f"https://cosar.example/bench/{SYNTHETIC}",
            ][i % 2]
            return http.get(
                "/fhir/ValueSet/$expand",
                params={"url": f"{target}?fhir_vs", "filter": WORDS[i % len(WORDS)], "count": 50},
            )

        load = functools.partial(load_test, base, token, server_pid=server.pid)
        # Answers over published versions are kept in memory (thesaurus.answers): the
        # repeated requests below are served from there after their first time, the "new"
        # ones are computed every time.
        for clients in (1, 20):
            report_http(
                f"search, {clients} client(s), repeated",
                await load(search, clients=clients, requests=requests),
            )
            report_http(
                f"search, {clients} client(s), every request new",
                await load(new_search, clients=clients, requests=requests),
            )
        report_http("$lookup, 1 client, repeated", await load(lookup, clients=1, requests=requests))
        report_http(
            "$lookup, 1 client, every request new",
            await load(new_lookup, clients=1, requests=requests),
        )
        report_http(
            "filtered $expand, HTTP, 1 client",
            await load(expand, clients=1, requests=requests // 2),
        )
        await sql_comparison(factory, repeats=3)
        await engine.dispose()
        print(f"load average at end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(
            "targets (server side): $lookup p50 < 2 ms; search p95 < 20 ms at 20 clients; "
            "filtered $expand p95 < 30 ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.concepts, args.requests))
