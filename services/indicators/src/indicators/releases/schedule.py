"""The nightly release: at the configured Paris hour, the current year's next release is made
when facts changed since the last one (a release is never made twice on the same facts).

Every worker process of the service wakes at that hour; the one that takes the advisory lock
:data:`NIGHTLY_LOCK` makes the release, the others leave it to that one at once. The check for
changed facts is made under the lock: a worker waking later, once the release is stored, finds
the facts unchanged and makes none."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from cosar_common import clock
from cosar_common.db.locks import Exclusive, exclusive
from cosar_common.events.inbox import ProcessedEvent
from cosar_common.runtime import Runtime
from indicators.facts.consumers import CONSUMER
from indicators.releases import store
from indicators.releases.service import ReleaseRejected, make_release
from indicators.settings import IndicatorsSettings

log = logging.getLogger(__name__)

NIGHTLY_LOCK = "indicators.nightly-release"


def next_run(now: datetime, hour: int) -> datetime:
    """The next time it is ``hour``:00 in Paris after ``now`` (on the day summer time starts,
    an hour that does not exist is read as the one after, as zoneinfo reads it)."""
    local = now.astimezone(clock.PARIS)
    run = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if run <= local:
        run = (local + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return run


def seconds_until(run: datetime, now: datetime) -> float:
    """Real seconds from ``now`` to ``run`` (in UTC: two Paris times of the same zone would be
    subtracted as wall clocks, an hour off across a change of summer time)."""
    return (run.astimezone(UTC) - now.astimezone(UTC)).total_seconds()


async def nightly_releases(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, IndicatorsSettings)
    if settings.release_hour is None:
        return
    while True:
        now = clock.now()
        await asyncio.sleep(seconds_until(next_run(now, settings.release_hour), now))
        try:
            await nightly_release(runtime, settings)
        except Exception:  # the next night tries again; the service keeps serving
            log.exception("nightly release failed")


async def nightly_release(
    runtime: Runtime, settings: IndicatorsSettings, *, lock: Exclusive = exclusive
) -> bool:
    """Tonight's release, by one worker process: True when this one made it."""
    async with lock(runtime.engine, NIGHTLY_LOCK) as ours:
        if not ours:
            log.info("another process of the service makes tonight's release")
            return False
        return await release_if_changed(runtime, settings)


async def release_if_changed(runtime: Runtime, settings: IndicatorsSettings) -> bool:
    year = clock.today().year
    async with runtime.session_factory() as session:
        latest = await store.latest(session, year)
        events = await session.scalar(
            select(func.count())
            .select_from(ProcessedEvent)
            .where(ProcessedEvent.consumer == CONSUMER)
        )
    if latest is not None and latest.events == events:
        return False
    try:
        await make_release(
            runtime.session_factory, settings, year=year, today=clock.today(), made_by="nightly"
        )
    except ReleaseRejected as rejected:
        log.error("release of %s rejected by its audit: %s", year, rejected)
        return False
    return True
