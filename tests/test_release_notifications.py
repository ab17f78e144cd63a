"""The indicators service keeps the latest release of a year in memory only while PostgreSQL
tells it of every new one: a release stored by another process (the command line, a second
worker) is served from the next request on, not from a stale memory."""

from __future__ import annotations

import asyncio

import httpx
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


REFUSED_YEAR = 2094  # one bare release row, written once: the refusal comes before any cell


async def test_a_request_refused_after_reading_the_release_leaves_it_readable(
    indicators_service, migrated, token_for
):
    """The first request of a year reads the latest release and keeps it; if that request is
    then refused (a 422: its transaction rolls back), the kept release must stay readable. It
    did not: the rollback expired it, and every later request of the year was a 500."""
    engine = create_async_engine(migrated.dsn("indicators_app", "indicators_app", "indicators"))
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO release (id, year, number, reference_date, made_by, naf_version,"
                    " parameters, audit, loss, events)"
                    " SELECT gen_random_uuid(), :year, 1, DATE '2094-12-31', 'test', 'NAF rév. 2',"
                    " CAST(:parameters AS jsonb), '{}'::jsonb, '{}'::jsonb, 0"
                    " WHERE NOT EXISTS (SELECT 1 FROM release WHERE year = :year)"
                ),
                {"year": REFUSED_YEAR, "parameters": '{"sections": {"10": "C"}}'},
            )
            await connection.execute(
                text("SELECT pg_notify(:channel, :year)"),
                {"channel": latest.CHANNEL, "year": str(REFUSED_YEAR)},
            )
    finally:
        await engine.dispose()
    for _ in range(100):
        if latest.LATEST.listening:
            break
        await asyncio.sleep(0.1)
    assert latest.LATEST.listening
    await asyncio.sleep(0.5)  # the notification heard: nothing of that year kept
    analyst = await token_for("regional-analyst")
    query = {"year": REFUSED_YEAR, "naf": "10.71C"}  # a sub-class: not in any release
    async with httpx.AsyncClient(
        base_url=indicators_service.url,
        headers={"Authorization": f"Bearer {analyst}"},
        timeout=30,
    ) as http:
        answers = [await http.get("/indicators/serious-work-units", params=query) for _ in "12"]
    assert [a.status_code for a in answers] == [422, 422], answers[-1].text
    assert answers[1].json()["code"] == "not_in_release"
