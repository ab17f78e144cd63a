"""The outbox relay: publishes committed outbox rows to Kafka, then marks them sent.

- Producer: ``acks=all`` and idempotence, so a retried batch is not duplicated by the broker.
- Order: one relay at a time per database (a transaction-scoped advisory lock), rows in id
  order; with the tenant as key, one tenant's events keep their order on their partition.
- Latency: woken right after a commit that added events; polls as a fallback.
- Failures: the transaction rolls back (rows stay unsent) and the relay backs off exponentially.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cosar_common.events.outbox import OutboxMessage

logger = logging.getLogger(__name__)

# Any constant works: each service has its own database. Spelled out for pg_locks readers.
RELAY_LOCK_KEY = 0x0C05A12E1A7


def make_producer(bootstrap_servers: str, *, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=30_000,
    )


class OutboxRelay:
    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        producer: AIOKafkaProducer,
        batch_size: int = 500,
        poll_interval_s: float = 0.5,
        retention: timedelta = timedelta(days=7),
        max_backoff_s: float = 10.0,
    ) -> None:
        self._factory = session_factory
        self._producer = producer
        self._batch_size = batch_size
        self._poll = poll_interval_s
        self._retention = retention
        self._max_backoff = max_backoff_s
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.backlog = 0
        self.published_total = 0
        self.last_error: str | None = None

    def wake(self) -> None:
        """Called after a commit that wrote outbox rows."""
        self._wakeup.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows; return how many were sent (0 if none or locked)."""
        async with self._factory() as session, session.begin():
            locked = await session.scalar(select(func.pg_try_advisory_xact_lock(RELAY_LOCK_KEY)))
            if not locked:
                return 0
            rows = (
                await session.execute(
                    select(
                        OutboxMessage.id,
                        OutboxMessage.topic,
                        OutboxMessage.key,
                        OutboxMessage.value,
                        OutboxMessage.headers,
                    )
                    .where(OutboxMessage.sent_at.is_(None))
                    .order_by(OutboxMessage.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            deliveries = [
                await self._producer.send(
                    row.topic,
                    value=row.value,
                    key=row.key,
                    headers=[(k, v.encode()) for k, v in (row.headers or {}).items()],
                )
                for row in rows
            ]
            await asyncio.gather(*deliveries)
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row.id for row in rows]))
                .values(sent_at=func.now())
            )
        self.published_total += len(rows)
        return len(rows)

    async def _refresh_backlog(self) -> None:
        async with self._factory() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
            )
            self.backlog = int(count or 0)

    async def purge_sent(self) -> int:
        """Delete rows sent longer ago than the retention (they are on Kafka)."""
        async with self._factory() as session, session.begin():
            result = await session.execute(
                delete(OutboxMessage).where(OutboxMessage.sent_at < func.now() - self._retention)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def run(self) -> None:
        backoff = 0.1
        loops = 0
        while not self._stopping.is_set():
            # Cleared before publishing: a commit during the batch sets it again, so no
            # wake-up is lost between the batch and the wait below.
            self._wakeup.clear()
            try:
                sent = await self.publish_pending()
                backoff = 0.1
                self.last_error = None
                if sent >= self._batch_size:
                    continue  # more is waiting: no pause
                loops += 1
                if loops % 1000 == 1:
                    await self.purge_sent()
                await self._refresh_backlog()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.last_error = repr(exc)
                logger.warning("outbox relay failed, retrying in %.1fs: %r", backoff, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=backoff)
                backoff = min(backoff * 2, self._max_backoff)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="outbox-relay")

    async def stop(self) -> None:
        self._stopping.set()
        self._wakeup.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
