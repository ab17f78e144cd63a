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
import time
import uuid
from typing import Any, ClassVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.db import TenantContext, make_engine, make_session_factory, transaction
from cosar_common.db.migrations import upgrade
from cosar_common.events import EventPayload, RawEnvelope
from cosar_common.events.consuming import consume_batch, processed_count
from cosar_common.events.inbox import ProcessedEvent
from cosar_common.events.outbox import OutboxWriter
from cosar_common.events.registry import register
from cosar_common.events.relay import OutboxRelay, make_producer
from cosar_deploy import infra
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


async def platform_path(ep: Endpoints, events: int, batch: int) -> float:
    producer_engine = make_engine(ep.dsn("thesaurus_app", "thesaurus_app", "thesaurus"))
    consumer_engine = make_engine(ep.dsn("assessment_app", "assessment_app", "assessment"))
    producer_db = make_session_factory(producer_engine)
    consumer_db = make_session_factory(consumer_engine)
    consumer_name = f"bench-{uuid.uuid4().hex[:8]}"

    kafka_producer = make_producer(ep.kafka_bootstrap, client_id="bench-relay")
    await kafka_producer.start()
    relay = OutboxRelay(session_factory=producer_db, producer=kafka_producer, batch_size=batch)
    writer = OutboxWriter(producer="bench", on_commit=relay.wake)

    broker = KafkaBroker(ep.kafka_bootstrap, log_level=logging.WARNING)

    @broker.subscriber(
        TOPIC, group_id=consumer_name, auto_offset_reset="earliest", batch=True, max_records=batch
    )
    async def on_batch(envelopes: list[RawEnvelope]) -> None:
        await consume_batch(
            consumer_db, envelopes, consumer=consumer_name, handlers={BenchEvent: _noop_effect}
        )

    await broker.start()
    relay.start()
    started = time.perf_counter()
    for first in range(0, events, batch):
        tenant = TENANTS[(first // batch) % len(TENANTS)]
        payloads = [_payload(i) for i in range(first, min(first + batch, events))]
        async with transaction(producer_db, TenantContext.system(tenant)) as session:
            await writer.add_many(session, payloads, tenant_id=tenant)
    written = time.perf_counter() - started
    relayed = None
    while await processed_count(consumer_db, consumer=consumer_name) < events:
        if relayed is None and relay.published_total >= events:
            relayed = time.perf_counter() - started
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    print(f"  written to the outbox after {written:6.2f} s")
    print(f"  all published by the relay  {relayed or elapsed:6.2f} s")
    print(f"  all consumed after          {elapsed:6.2f} s")

    await relay.stop()
    await broker.stop()
    await kafka_producer.stop()
    async with transaction(consumer_db, TenantContext.system()) as session:
        await session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.consumer == consumer_name)
        )
    await producer_engine.dispose()
    await consumer_engine.dispose()
    return elapsed


async def bare_path(ep: Endpoints, events: int) -> float:
    value = _payload(0).model_dump_json().encode() * 2  # about the envelope's size
    group = f"bench-bare-{uuid.uuid4().hex[:8]}"
    await _create_topic(ep.kafka_bootstrap, TOPIC + "-bare")
    consumer = AIOKafkaConsumer(
        TOPIC + "-bare",
        bootstrap_servers=ep.kafka_bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=ep.kafka_bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    await consumer.start()
    started = time.perf_counter()
    for i in range(events):
        await producer.send(TOPIC + "-bare", value=value, key=TENANTS[i % len(TENANTS)].encode())
    await producer.flush()
    received = 0
    while received < events:
        batches: dict[Any, list[Any]] = await consumer.getmany(timeout_ms=500, max_records=2000)
        received += sum(len(messages) for messages in batches.values())
        if batches:
            await consumer.commit()
    elapsed = time.perf_counter() - started
    await consumer.stop()
    await producer.stop()
    return elapsed


async def main(events: int, batch: int) -> None:
    started = infra.ensure_up()
    ep = Endpoints.local()
    try:
        for service in ("thesaurus", "assessment"):
            module = __import__(f"{service}.entrypoints.cli", fromlist=["MIGRATIONS"])
            await asyncio.to_thread(
                upgrade,
                migrations_dir=module.MIGRATIONS,
                owner_url=ep.dsn(f"{service}_owner", f"{service}_owner", service),
                runtime_url=ep.dsn(f"{service}_app", f"{service}_app", service),
            )
        await _create_topic(ep.kafka_bootstrap, TOPIC)
        platform_s = await platform_path(ep, events, batch)
        bare_s = await bare_path(ep, events)
    finally:
        infra.stop([name for name, ours in started.items() if ours])
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
    args = parser.parse_args()
    asyncio.run(main(args.events, args.batch))
