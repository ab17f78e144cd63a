"""The latest release of each year, kept in memory between requests.

Serving a cell asks "which release is the latest of this year?" on every request; a release is
immutable once stored, so that is the only question that changes, and only when a release is
stored, by any process of the service (the nightly schedule, an administrator's POST, the
command line). Each stores it with a ``pg_notify`` in its own transaction (PostgreSQL delivers
it at commit). The service listens on one connection of its own; while it listens, what it
read stays valid until a notification says otherwise. Without the listener (not connected yet,
or the connection lost) every request reads the database, as before: never a stale release.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.runtime import Runtime
from indicators.releases.models import Release

logger = logging.getLogger(__name__)

CHANNEL = "indicators_release_stored"
RETRY_S = 5.0


async def announce(session: AsyncSession, year: int) -> None:
    """In the transaction that stores a release: every serving process forgets its latest."""
    await session.execute(
        text("SELECT pg_notify(:channel, :year)"), {"channel": CHANNEL, "year": str(year)}
    )


class LatestReleases:
    def __init__(self) -> None:
        self._latest: dict[int, Release | None] = {}
        self._generation = 0
        self.listening = False

    def forget(self) -> None:
        self._generation += 1
        self._latest.clear()

    def listened(self, listening: bool) -> None:
        self.listening = listening
        self.forget()

    async def get(self, year: int, load: Callable[[], Awaitable[Release | None]]) -> Release | None:
        if self.listening and year in self._latest:
            return self._latest[year]
        generation = self._generation
        found = await load()
        # Kept only if no release was announced (nor the listener lost) while it was read.
        if self.listening and generation == self._generation:
            self._latest[year] = found
        return found


LATEST = LatestReleases()


async def listen_for_releases(runtime: Runtime, latest: LatestReleases = LATEST) -> None:
    """Background task of the service: keep one connection listening on :data:`CHANNEL`."""
    while True:
        try:
            await _listen(runtime, latest)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.warning("release notifications unavailable, retrying in %s s: %s", RETRY_S, exc)
        finally:
            latest.listened(False)
        await asyncio.sleep(RETRY_S)


async def _listen(runtime: Runtime, latest: LatestReleases) -> None:
    """Listen until the connection is lost (or the task cancelled)."""
    lost = asyncio.Event()

    def on_release(*_: Any) -> None:
        latest.forget()

    def on_lost(*_: Any) -> None:
        latest.listened(False)
        lost.set()

    async with runtime.engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.add_listener(CHANNEL, on_release)
        raw.add_termination_listener(on_lost)
        latest.listened(True)
        try:
            await lost.wait()
        finally:
            latest.listened(False)
            raw.remove_termination_listener(on_lost)
            with contextlib.suppress(Exception):  # the connection may be gone
                await raw.remove_listener(CHANNEL, on_release)
