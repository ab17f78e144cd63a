"""Rebuild the star schema from the topics' whole history into empty tables.

The facts are a function of the events: for each key (tenant, company, year) the newest
version wins, for a member company the last registration. So a rebuild reads the topics from
offset 0 up to their current end, keeps the winning event per key in memory — the same rule
the live consumer applies one event at a time (``facts.service``) — and bulk-loads the result
with COPY, marking every event processed. A test checks it reaches exactly the state the live
consumer built. Run it with the service's consumer stopped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cosar_common.auth.service_token import ServiceTokenProvider
from cosar_common.db.tenancy import TenantContext, transaction
from cosar_common.events import RawEnvelope, UnknownEvent, decode_payload
from cosar_common.events.assessment import CompanyRegistered, DuerpPublished, FichePublished
from cosar_common.events.reporting import ReportFinalised
from cosar_common.events.topics import ASSESSMENT_EVENTS, REPORTING_EVENTS, THESAURUS_EVENTS
from cosar_common.settings import ServiceSettings
from cosar_common.thesaurus_client import HttpThesaurusClient, ThesaurusClient
from indicators.facts.consumers import CONSUMER, HANDLERS, IGNORED
from indicators.facts.service import ensure_naf_levels

logger = logging.getLogger(__name__)

TOPICS = (ASSESSMENT_EVENTS, REPORTING_EVENTS, THESAURUS_EVENTS)


Row = tuple[Any, ...]


# What one message becomes once decoded (in a worker process): its id and type, then
# ("member", key, row) | ("duerp", key, version, contribution, hazards, penibilite)
# | ("fiche", key, version, hazards) | ("report", key, revision, row) | ("dead",) | ("ignored",)
Decoded = tuple[Any, ...]


def decode(raw: bytes) -> Decoded:
    """One Kafka message as the rows it would leave (validated against its contract)."""
    envelope = RawEnvelope.model_validate_json(raw)
    head = (envelope.event_id, envelope.type)
    if envelope.type in IGNORED:
        return (*head, "ignored")
    try:
        payload = decode_payload(envelope)
    except (UnknownEvent, ValidationError):
        return (*head, "dead")  # refused when it first came; not sent again
    if type(payload) not in HANDLERS:
        return (*head, "ignored")
    tenant = envelope.tenant_id or ""
    if isinstance(payload, CompanyRegistered):
        member: Row = (
            tenant,
            payload.company,
            payload.naf_code,
            payload.size_band,
            payload.headcount,
            payload.registered_on,
        )
        return (*head, "member", (tenant, payload.company), payload.naf_code, member)
    if isinstance(payload, DuerpPublished):
        return (*head, "duerp", *_duerp_rows(tenant, payload))
    if isinstance(payload, FichePublished):
        key = (tenant, payload.company, payload.year)
        hazards: list[Row] = [
            (
                *key,
                e.code,
                "fiche",
                payload.version,
                e.code.split(".")[0],
                e.exposed_headcount,
                None,
                [],
                "{}",
            )
            for e in payload.exposures
        ]
        return (*head, "fiche", key, payload.naf_code, payload.version, hazards)
    if isinstance(payload, ReportFinalised):
        key = (tenant, payload.establishment, payload.year)
        row: Row = (
            *key,
            payload.revision,
            payload.naf_code,
            payload.size_band,
            payload.headcount,
            payload.hours_worked,
            payload.accidents.work_with_time_off,
            payload.days_lost,
        )
        return (*head, "report", key, payload.naf_code, payload.revision, row)
    return (*head, "applied-elsewhere")  # e.g. a thesaurus version: no fact row


def _duerp_rows(tenant: str, p: DuerpPublished) -> tuple[Any, ...]:
    key = (tenant, p.company, p.year)
    contribution = (
        *key,
        p.version,
        p.published_on,
        p.naf_code,
        p.size_band,
        p.headcount,
        p.work_units,
        p.work_units_major_or_important,
        p.actions.due,
        p.actions.done_on_time,
        json.dumps({job.pcs: job.count for job in p.jobs}),
    )
    hazards = [
        (
            *key,
            h.code,
            "duerp",
            p.version,
            h.family,
            h.exposed_headcount,
            h.priority,
            list(h.pcs_codes),
            json.dumps({j.pcs: j.count for j in h.exposed_by_pcs}),
        )
        for h in p.hazards
    ]
    penibilite = [(*key, line.factor, line.above_threshold) for line in p.penibilite]
    return key, p.naf_code, p.version, contribution, hazards, penibilite


@dataclass
class Winners:
    """The rows each deciding event leaves, as the live consumer would: per key the newest
    version (ties: the later event), per member company the last registration. Rows are kept
    as plain tuples: millions of them, not millions of objects."""

    members: dict[tuple[str, str], Row] = field(default_factory=dict)
    duerps: dict[tuple[str, str, int], tuple[int, Row, list[Row], list[Row]]] = field(
        default_factory=dict
    )
    fiches: dict[tuple[str, str, int], tuple[int, list[Row]]] = field(default_factory=dict)
    reports: dict[tuple[str, str, int], tuple[int, Row]] = field(default_factory=dict)
    naf_codes: set[str] = field(default_factory=set)
    processed: dict[Any, str] = field(default_factory=dict)  # event id → type, in order
    outcome: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.outcome[what] = self.outcome.get(what, 0) + 1

    def add(self, envelope: RawEnvelope) -> None:
        self.merge(decode(envelope.model_dump_json().encode()))

    def merge(self, decoded: Decoded) -> None:
        """Apply one decoded message, in topic order (the order decides ties)."""
        event_id, event_type, kind = decoded[:3]
        if event_id in self.processed:
            self.count("skipped")  # the same event delivered twice counts once
            return
        if kind == "ignored":
            self.count("ignored")
            return
        self.processed[event_id] = event_type
        if kind == "dead":
            self.count("dead-lettered")
            return
        self.count("applied")
        if kind == "member":
            key, naf, row = decoded[3:]
            self.naf_codes.add(naf)
            self.members[key] = row
        elif kind == "duerp":
            key, naf, version, contribution, hazards, penibilite = decoded[3:]
            stored = self.duerps.get(key)
            if stored is None or version >= stored[0]:
                self.naf_codes.add(naf)
                self.duerps[key] = (version, contribution, hazards, penibilite)
        elif kind == "fiche":
            key, naf, version, hazards = decoded[3:]
            stored_fiche = self.fiches.get(key)
            if stored_fiche is None or version >= stored_fiche[0]:
                self.naf_codes.add(naf)
                self.fiches[key] = (version, hazards)
        elif kind == "report":
            key, naf, revision, row = decoded[3:]
            stored_report = self.reports.get(key)
            if stored_report is None or revision >= stored_report[0]:
                self.naf_codes.add(naf)
                self.reports[key] = (revision, row)


def _rows(winners: Winners) -> dict[str, Iterator[Row]]:
    return {
        "member_company": iter(winners.members.values()),
        "duerp_contribution": (d[1] for d in winners.duerps.values()),
        "hazard_fact": chain(
            (row for d in winners.duerps.values() for row in d[2]),
            (row for f in winners.fiches.values() for row in f[1]),
        ),
        "penibilite_fact": (row for d in winners.duerps.values() for row in d[3]),
        "accident_fact": (r[1] for r in winners.reports.values()),
    }


COLUMNS = {
    "member_company": (
        "tenant_id",
        "company",
        "naf_code",
        "size_band",
        "headcount",
        "registered_on",
    ),
    "duerp_contribution": (
        "tenant_id",
        "company",
        "year",
        "version",
        "published_on",
        "naf_code",
        "size_band",
        "headcount",
        "work_units",
        "work_units_serious",
        "actions_due",
        "actions_done_on_time",
        "jobs",
    ),
    "hazard_fact": (
        "tenant_id",
        "company",
        "year",
        "hazard_code",
        "source",
        "version",
        "family",
        "exposed_headcount",
        "priority",
        "pcs_codes",
        "exposed_by_pcs",
    ),
    "penibilite_fact": ("tenant_id", "company", "year", "factor", "above_threshold"),
    "accident_fact": (
        "tenant_id",
        "establishment",
        "year",
        "revision",
        "naf_code",
        "size_band",
        "headcount",
        "hours_worked",
        "accidents_with_time_off",
        "days_lost",
    ),
}


async def read_topics(settings: ServiceSettings) -> Winners:
    """Every message of the topics, from offset 0 to their end when the rebuild starts.

    (Decoding in worker processes was tried and measured: no faster on two cores, where
    fetching and merging keep the main process busy.)
    """
    winners = Winners()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    await consumer.start()
    try:
        # Without a subscription aiokafka knows no partition until its metadata is fetched;
        # it has no public call for that (``topics()`` reads a cache).
        await consumer._client.force_metadata_update()
        partitions = [
            TopicPartition(topic, p)
            for topic in TOPICS
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp for tp, end in ends.items() if end > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=5000)
            for tp, messages in batch.items():
                for message in messages:
                    if message.offset < ends[tp] and message.value:
                        winners.merge(decode(message.value))
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return winners


async def load(
    factory: async_sessionmaker[AsyncSession], winners: Winners, client: ThesaurusClient
) -> None:
    """Empty the facts and load the winners in one transaction (COPY for the big tables)."""
    async with transaction(factory, TenantContext.system()) as session:
        await session.execute(
            text("SELECT indicators_empty_facts(:consumer)"), {"consumer": CONSUMER}
        )
        for code in sorted(winners.naf_codes):
            await ensure_naf_levels(session, client, code)
        connection = await (await session.connection()).get_raw_connection()
        driver = connection.driver_connection
        assert driver is not None
        await session.execute(text("SELECT indicators_bulk_load_begin()"))
        for table, rows in _rows(winners).items():
            await driver.copy_records_to_table(table, records=rows, columns=COLUMNS[table])
        await session.execute(text("SELECT indicators_bulk_load_end()"))
        await driver.copy_records_to_table(
            "processed_events",
            records=((event_id, CONSUMER, kind) for event_id, kind in winners.processed.items()),
            columns=("event_id", "consumer", "event_type"),
        )


async def replay(
    factory: async_sessionmaker[AsyncSession], settings: ServiceSettings
) -> dict[str, int]:
    """Rebuild the facts from the topics; returns how many events were applied, ignored…"""
    winners = await read_topics(settings)
    async with httpx.AsyncClient(timeout=settings.http_timeout_s) as http:
        client = HttpThesaurusClient(
            base_url=settings.thesaurus_url,
            http=http,
            tokens=ServiceTokenProvider(
                server_url=settings.keycloak_url,
                realm=settings.keycloak_realm,
                client_id=settings.oidc_client_id,
                client_secret=settings.oidc_client_secret,
            ),
            ttl_s=settings.thesaurus_cache_ttl_s,
            timeout_s=settings.thesaurus_timeout_s,
        )
        await load(factory, winners, client)
    return winners.outcome
