"""The indicators service keeps the latest release of a year in memory only while PostgreSQL
tells it of every new one: a release stored by another process (the command line, a second
worker) is served from the next request on, not from a stale memory."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from indicators.releases import latest

pytestmark = pytest.mark.integration

YEAR = 2093  # no release: only the memory of "none yet" is at stake


async def _reads_of(year: int) -> int:
    """How many times the service would read the database for the latest release of ``year``
    if asked twice now (0, 1: kept in memory; 2: read every time)."""
    count = 0

    async def load() -> None:
        nonlocal count
        count += 1

    await latest.LATEST.get(year, load)
    await latest.LATEST.get(year, load)
    return count


async def test_another_process_storing_a_release_reaches_the_service_memory(
    indicators_service, migrated
):
    for _ in range(100):  # the listener connects in the service's background
        if latest.LATEST.listening:
            break
        await asyncio.sleep(0.1)
    assert latest.LATEST.listening
    assert await _reads_of(YEAR) <= 1  # kept while listening
    assert await _reads_of(YEAR) == 0

    # Another process's transaction, as store_release writes it: the notification only.
    engine = create_async_engine(migrated.dsn("indicators_app", "indicators_app", "indicators"))
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT pg_notify(:channel, :year)"),
                {"channel": latest.CHANNEL, "year": str(YEAR)},
            )
    finally:
        await engine.dispose()
    for _ in range(50):
        if await _reads_of(YEAR) == 1:  # forgotten: read again once, then kept
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("the service did not hear the release notification")
