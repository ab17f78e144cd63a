"""Outbox throughput: 20,000 events through outbox → relay → Kafka → an idempotent consumer.

Prints events/s end to end for the platform's path (events written in the producing service's
transactions, published by the relay with acks=all and idempotence, consumed in batches by a
consumer that records every event id in its own database) and, on the same broker in the same
run, for a bare aiokafka producer/consumer pair moving the same bytes, and the ratio.
Needs the infrastructure (`bin/platform infra up`; started here if it is not running).
Figures only: nothing here passes or fails.

    uv run python bench/outbox_throughput.py [--events 20000] [--batch 500]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
import uuid
from typing import Any, ClassVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cosar_common.db import TenantContext, make_engine, make_session_factory, transaction
from cosar_common.events import EventPayload, RawEnvelope
from cosar_common.events.consuming import consume_batch
from cosar_common.events.envelope import envelope_for
from cosar_common.events.inbox import ProcessedEvent
from cosar_common.events.outbox import OutboxMessage, OutboxWriter
from cosar_common.events.registry import register
from cosar_common.events.relay import OutboxRelay, make_producer
from cosar_deploy import bench
from cosar_deploy.endpoints import Endpoints

TOPIC = f"bench.outbox-{uuid.uuid4().hex[:8]}"
TENANTS = [f"sst-bench-{i:02d}" for i in range(17)]


@register
class BenchEvent(EventPayload):
    """A payload of realistic size (an aggregate line of a DUERP publication)."""

    event_type: ClassVar[str] = "bench.event"
    topic: ClassVar[str] = TOPIC

    company: str
    naf: str
    year: int
    exposures: dict[str, int]


async def _noop_effect(session: AsyncSession, payload: EventPayload, envelope: RawEnvelope) -> None:
    return None


def _payload(i: int) -> BenchEvent:
    return BenchEvent(
        company=uuid.uuid4().hex,
        naf="10.71C",
        year=2026,
        exposures={f"PHY.{k}": (i + k) % 40 for k in range(8)},
    )


async def _create_topic(bootstrap: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()


async def _spawn_consumer(
    mode: str, topic: str, events: int, batch: int
) -> asyncio.subprocess.Process:
    """The consuming side runs in another process, as another service would."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--consume",
        mode,
        "--topic",
        topic,
        "--events",
        str(events),
        "--batch",
        str(batch),
        stdout=asyncio.subprocess.PIPE,
    )
    if await _report(process) != "ready":
        raise RuntimeError(f"{mode} consumer failed to start")
    return process


async def _report(process: asyncio.subprocess.Process) -> str:
    """The next line the consumer addressed to us (its libraries log on stdout too)."""
    assert process.stdout is not None
    while line := await process.stdout.readline():
        if line.startswith(b"BENCH "):
            return line.decode().removeprefix("BENCH ").strip()
    raise RuntimeError(f"consumer exited ({await process.wait()})")


async def _finished_at(process: asyncio.subprocess.Process) -> float:
    finished = float(await _report(process))
    await process.wait()
    return finished


async def _unsent(database: async_sessionmaker[AsyncSession], topic: str) -> int:
    # Any relay of the producing service may publish these rows (a running thesaurus too).
    async with database() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.topic == topic, OutboxMessage.sent_at.is_(None))
        )
    return int(count or 0)


async def platform_path(ep: Endpoints, events: int, batch: int) -> float:
    producer_engine = make_engine(ep.dsn("thesaurus_app", "thesaurus_app", "thesaurus"))
    producer_db = make_session_factory(producer_engine)
    kafka_producer = make_producer(ep.kafka_bootstrap, client_id="bench-relay")
    await kafka_producer.start()
    relay = OutboxRelay(session_factory=producer_db, producer=kafka_producer, batch_size=batch)
    writer = OutboxWriter(producer="bench", on_commit=relay.wake)
    consumer = await _spawn_consumer("platform", TOPIC, events, batch)

    relay.start()
    started = time.time()
    for first in range(0, events, batch):
        tenant = TENANTS[(first // batch) % len(TENANTS)]
        payloads = [_payload(i) for i in range(first, min(first + batch, events))]
        async with transaction(producer_db, TenantContext.system(tenant)) as session:
            await writer.add_many(session, payloads, tenant_id=tenant)
    written = time.time() - started
    while await _unsent(producer_db, TOPIC) > 0:  # noqa: ASYNC110 (a figure, not a result)
        await asyncio.sleep(0.02)
    relayed = time.time() - started
    elapsed = await _finished_at(consumer) - started
    print(f"  written to the outbox after {written:6.2f} s")
    print(f"  all published by the relay  {relayed:6.2f} s")
    print(f"  all consumed after          {elapsed:6.2f} s")
    await relay.stop()
    await kafka_producer.stop()
    await producer_engine.dispose()
    return elapsed


async def bare_path(ep: Endpoints, events: int) -> float:
    topic = TOPIC + "-bare"
    await _create_topic(ep.kafka_bootstrap, topic)
    value = envelope_for(_payload(0), producer="bench", tenant_id=TENANTS[0]).model_dump_json()
    consumer = await _spawn_consumer("bare", topic, events, 500)
    producer = AIOKafkaProducer(
        bootstrap_servers=ep.kafka_bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    started = time.time()
    for i in range(events):
        await producer.send(topic, value=value.encode(), key=TENANTS[i % len(TENANTS)].encode())
    await producer.flush()
    elapsed = await _finished_at(consumer) - started
    await producer.stop()
    return elapsed


async def consume_platform(ep: Endpoints, topic: str, events: int, batch: int) -> None:
    """Another service: FastStream batch subscriber, idempotent inbox in its own database."""
    engine = make_engine(ep.dsn("assessment_app", "assessment_app", "assessment"))
    database = make_session_factory(engine)
    consumer_name = f"bench-{uuid.uuid4().hex[:8]}"
    done = asyncio.Event()
    applied = 0
    broker = KafkaBroker(ep.kafka_bootstrap, log_level=logging.WARNING)

    @broker.subscriber(
        topic, group_id=consumer_name, auto_offset_reset="earliest", batch=True, max_records=batch
    )
    async def on_batch(envelopes: list[RawEnvelope]) -> None:
        nonlocal applied
        applied += await consume_batch(
            database, envelopes, consumer=consumer_name, handlers={BenchEvent: _noop_effect}
        )
        if applied >= events:
            done.set()

    await broker.start()
    print("BENCH ready", flush=True)
    await done.wait()
    print(f"BENCH {time.time()}", flush=True)
    await broker.stop()
    async with transaction(database, TenantContext.system()) as session:
        await session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.consumer == consumer_name)
        )
    await engine.dispose()


async def consume_bare(ep: Endpoints, topic: str, events: int) -> None:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=ep.kafka_bootstrap,
        group_id=f"bench-bare-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    print("BENCH ready", flush=True)
    received = 0
    while received < events:
        batches: dict[Any, list[Any]] = await consumer.getmany(timeout_ms=500, max_records=2000)
        received += sum(len(messages) for messages in batches.values())
        if batches:
            await consumer.commit()
    print(f"BENCH {time.time()}", flush=True)
    await consumer.stop()


async def main(events: int, batch: int) -> None:
    """Both paths on the same broker; each consumer in a process of its own."""
    async with bench.infrastructure("thesaurus", "assessment", reference_data=False) as run:
        await _create_topic(run.ep.kafka_bootstrap, TOPIC)
        platform_s = await platform_path(run.ep, events, batch)
        bare_s = await bare_path(run.ep, events)
    platform_rate = events / platform_s
    bare_rate = events / bare_s
    print(f"events                      {events}")
    print(f"outbox → relay → consumer   {platform_s:8.2f} s  {platform_rate:10.0f} events/s")
    print(f"bare aiokafka pair          {bare_s:8.2f} s  {bare_rate:10.0f} events/s")
    print(f"ratio platform / bare       {platform_rate / bare_rate:8.1%}   (target ≥ 50 %)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--consume", choices=["platform", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--topic", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.consume == "platform":
        asyncio.run(consume_platform(Endpoints.local(), args.topic, args.events, args.batch))
    elif args.consume == "bare":
        asyncio.run(consume_bare(Endpoints.local(), args.topic, args.events))
    else:
        asyncio.run(main(args.events, args.batch))
