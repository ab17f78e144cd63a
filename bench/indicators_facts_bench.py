"""Indicator facts benchmark: full rebuild from Kafka, then one release made from the rebuilt
facts; incremental update of the facts. (The release itself, at regional scale, with its
audit, loss and growth: ``bench/indicators_bench.py``.)

(a) 17 tenants x N companies (default 10,000) x 30 exposure lines (about 5 M fact rows) sent
    to Kafka as the assessment's aggregate events; then ``indicators rebuild`` (replay from
    offset 0 into empty tables) followed by the protected regional tables: time, peak memory.
(b) one new DUERP version applied, then its regional indicator recomputed with secrecy:
    p50/p95.

Its infrastructure is the benchmarks' own (state in ~/.local/state/cosar-platform-bench).
Prints figures only: nothing passes or fails.

    uv run python bench/indicators_facts_bench.py [--companies 10000] [--samples 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import time
from datetime import date

from aiokafka import AIOKafkaProducer

from cosar_deploy import bench

bench.use_bench_infrastructure()

from cosar_common import clock
from cosar_common.db import make_engine, make_session_factory
from cosar_common.events import RawEnvelope, envelope_for
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.assessment import (
    ActionCounts,
    CompanyRegistered,
    DuerpPublished,
    HazardAggregate,
    PenibiliteAggregate,
)
from cosar_common.events.topics import ASSESSMENT_EVENTS, key_for
from cosar_common.vocabulary import size_band
from indicators.settings import IndicatorsSettings

YEAR = 2090
HAZARDS = [
    "PHY.CHUTE_PP",
    "PHY.CHUTE_H",
    "PHY.MANUT",
    "PHY.POSTURE",
    "PHY.VIBR",
    "PHY.BRUIT",
    "PHY.THERM",
    "PHY.ECLAIR",
    "PHY.ELEC",
    "PHY.ECRAN",
    "PHY.INCENDIE",
    "CHI.AGENTS",
    "CHI.CMR",
    "CHI.POUSS",
    "MEC.MACHINE",
    "MEC.OUTILS",
    "MEC.CIRC",
    "MEC.ROUTIER",
    "MEC.EFFONDR",
    "MEC.LEVAGE",
    "BIO.INFECT",
    "BIO.ALLERG",
    "PSY.CHARGE",
    "PSY.VIOLENCE_EXT",
    "PSY.VIOLENCE_INT",
    "PSY.ORGA",
    "PSY.NUIT",
    "PSY.EQUIPES",
    "PSY.ISOLE",
    "RAD.NONIONIS",
]
NAFS = [
    "10.71C",
    "41.20A",
    "43.21A",
    "49.41A",
    "86.10Z",
    "87.10A",
    "47.11F",
    "62.01Z",
    "56.10A",
    "25.62B",
    "01.11Z",
    "85.31Z",
]
TENANTS = [f"bench-{i:02d}" for i in range(1, 18)]
KEY = b"indicators-benchmark-key"


def duerp_event(rng: random.Random, tenant: str, n: int | str, version: int = 1) -> DuerpPublished:
    headcount = max(1, int(rng.paretovariate(1.1) * 5))
    units = rng.randint(1, 8)
    return DuerpPublished(
        company=pseudonym(KEY, f"{tenant}-{n}"),
        version=version,
        published_on=date(YEAR, 3, 1),
        year=YEAR,
        naf_code=rng.choice(NAFS),
        size_band=size_band(headcount),
        headcount=headcount,
        work_units=units,
        work_units_major_or_important=rng.randint(0, units),
        hazards=[
            HazardAggregate(
                code=code,
                family=code.split(".")[0],
                exposed_headcount=rng.randint(0, headcount),
                work_units=1,
                priority=rng.choice(["low", "moderate", "important", "major"]),
            )
            for code in HAZARDS
        ],
        penibilite=[PenibiliteAggregate(factor="3a", above_threshold=rng.randint(0, headcount))],
        actions=ActionCounts(planned=2, due=2, done_on_time=rng.randint(0, 2)),
    )


async def messages_in_topic(bootstrap: str) -> int:
    from aiokafka import AIOKafkaConsumer
    from aiokafka.structs import TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [
            TopicPartition(ASSESSMENT_EVENTS, p)
            for p in consumer.partitions_for_topic(ASSESSMENT_EVENTS) or ()
        ]
        return sum((await consumer.end_offsets(partitions)).values()) if partitions else 0
    finally:
        await consumer.stop()


async def send_all(bootstrap: str, companies: int) -> None:
    """The regional history, sent once: a second run finds it in the topic and reuses it."""
    present = await messages_in_topic(bootstrap)
    if present >= len(TENANTS) * companies * 2:
        print(f"{present} events already in {ASSESSMENT_EVENTS}: reused")
        return
    rng = random.Random(YEAR)
    # As the services' outbox relay sends them: batched, not compressed.
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=1_000_000
    )
    await producer.start()
    started = time.perf_counter()
    try:
        for tenant in TENANTS:
            batch = []
            for n in range(companies):
                event = duerp_event(rng, tenant, n)
                for payload in (
                    CompanyRegistered(
                        company=event.company,
                        naf_code=event.naf_code,
                        size_band=event.size_band,
                        headcount=event.headcount,
                        registered_on=date(YEAR, 1, 2),
                    ),
                    event,
                ):
                    envelope = envelope_for(payload, producer="bench", tenant_id=tenant)
                    batch.append(
                        await producer.send(
                            ASSESSMENT_EVENTS,
                            envelope.model_dump_json().encode(),
                            key=key_for(tenant),
                        )
                    )
            await asyncio.gather(*batch)
    finally:
        await producer.stop()
    print(f"sent {len(TENANTS) * companies * 2} events in {time.perf_counter() - started:.0f} s")


async def main(companies: int, samples: int) -> None:
    async with bench.infrastructure("thesaurus", "indicators") as run:
        ep = run.ep
        await run.serve(bench.service_env(ep, ("thesaurus",)), thesaurus=18201)
        await send_all(ep.kafka_bootstrap, companies)

        settings = IndicatorsSettings(
            kafka_bootstrap_servers=ep.kafka_bootstrap,
            keycloak_url=ep.keycloak_url,
            db_port=ep.postgres_port,
            thesaurus_url="http://127.0.0.1:18201",
        )
        engine = make_engine(settings.app_database_url, pool_size=4)
        factory = make_session_factory(engine)
        await rebuild_with_secrecy(factory, settings)
        await incremental(factory, settings, samples)
        await engine.dispose()

        print("targets: rebuild < 60 s; incremental p95 < 1 s")


async def rebuild_with_secrecy(factory, settings: IndicatorsSettings) -> None:  # type: ignore[no-untyped-def]
    from indicators.facts.rebuild import replay

    started = time.perf_counter()
    outcome = await replay(factory, settings)
    replayed = time.perf_counter() - started
    async with factory() as session:
        rows = await session.scalar(_count_sql())
    secrecy_started = time.perf_counter()
    await _release(factory, settings)
    secrecy = time.perf_counter() - secrecy_started
    # The rebuild decodes in worker processes: the largest of them counts too.
    peak = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    print(
        f"(a) rebuild: {outcome} -> {rows} fact rows in {replayed:.1f} s; "
        f"protected regional tables in {secrecy:.1f} s; total {replayed + secrecy:.1f} s; "
        f"peak memory {peak:.0f} MiB"
    )


def _count_sql():  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    return text(
        "SELECT (SELECT count(*) FROM hazard_fact) + (SELECT count(*) FROM duerp_contribution)"
        " + (SELECT count(*) FROM penibilite_fact) + (SELECT count(*) FROM member_company)"
    )


async def _release(factory, settings):  # type: ignore[no-untyped-def]
    """The year's release: population read, every cube protected jointly and audited."""
    from indicators.domain.release.release import protect_release
    from indicators.releases.population import read_population
    from indicators.releases.service import reference_date, secrecy_of

    async with factory() as session:
        population = await read_population(session, YEAR, reference_date(YEAR, clock.today()))
    started = time.perf_counter()

    def progress(done: int, total: int, step: str) -> None:
        print(f"  [{time.perf_counter() - started:7.1f} s] {done}/{total} {step}", flush=True)

    protected = protect_release(population, secrecy_of(settings), progress=progress)
    print(f"  audit: {protected.audit.by_kind() or 'no breach'}")
    return protected


async def incremental(factory, settings: IndicatorsSettings, samples: int) -> None:  # type: ignore[no-untyped-def]
    from indicators.facts.consumers import apply

    class Cached:
        async def lookup(self, system, code, *, on=None):  # type: ignore[no-untyped-def]
            return None

    rng = random.Random(7)
    timings = []
    for i in range(samples):
        event = duerp_event(rng, TENANTS[i % 17], 0, version=100 + i)
        envelope = envelope_for(event, producer="bench", tenant_id=TENANTS[i % 17])
        raw = RawEnvelope.model_validate_json(envelope.model_dump_json())
        started = time.perf_counter()
        await apply(factory, raw, client=Cached(), outbox=None)
        timings.append((time.perf_counter() - started) * 1000)
    # Protection is no longer per answer: a new version reaches readers with the next release.
    bench.report("(b) new DUERP version -> facts (protected at the next release)", timings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10_000, help="per tenant (17 tenants)")
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.companies, args.samples))
