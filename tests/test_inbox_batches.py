"""The batch consumer applies each event once, on the real PostgreSQL, whatever the batching."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.db import make_engine, make_session_factory
from cosar_common.events import RawEnvelope, VersionPublished
from cosar_common.events.consuming import consume_batch, processed_count
from cosar_common.events.envelope import envelope_for


def _raw(tenant: str | None) -> RawEnvelope:
    payload = VersionPublished(
        code_system="x", code_system_url="https://x", version=uuid.uuid4().hex, concept_count=0
    )
    envelope = envelope_for(payload, producer="test", tenant_id=tenant)
    return RawEnvelope.model_validate_json(envelope.model_dump_json())


async def test_duplicates_inside_and_across_batches_apply_once(migrated):
    engine = make_engine(migrated.dsn("assessment_app", "assessment_app", "assessment"))
    factory = make_session_factory(engine)
    consumer = f"test-batch-{uuid.uuid4().hex[:8]}"
    seen: list[tuple[str | None, str]] = []

    async def effect(session: AsyncSession, payload: VersionPublished, envelope: RawEnvelope):
        seen.append((envelope.tenant_id, payload.version))

    handlers = {VersionPublished: effect}
    a, b, c = _raw("sst-13-marseille"), _raw("sst-13-marseille"), _raw("sst-06-nice")
    try:
        first = await consume_batch(factory, [a, b, a, c], consumer=consumer, handlers=handlers)
        second = await consume_batch(
            factory, [c, b, _raw(None)], consumer=consumer, handlers=handlers
        )
        assert (first, second) == (3, 1)
        assert [v for _, v in seen[:3]] == [
            a.payload["version"],
            b.payload["version"],
            c.payload["version"],
        ]
        assert await processed_count(factory, consumer=consumer) == 4
    finally:
        await engine.dispose()
