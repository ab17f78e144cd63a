"""The nightly release is made by one worker process of the indicators service: the advisory
lock it takes on the real PostgreSQL is held by one process at a time, refused to the others
at once, and given back when the job ends, normally or not."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from cosar_common.db.locks import exclusive
from indicators.releases import schedule
from indicators.settings import IndicatorsSettings

pytestmark = pytest.mark.integration

JOB = "tests.release-schedule-lock"  # a lock of this test's own: the service's is left alone


@pytest.fixture
async def workers(migrated):
    """Two engines on the indicators database, as two worker processes have."""
    dsn = migrated.dsn("indicators_app", "indicators_app", "indicators")
    engines = [create_async_engine(dsn), create_async_engine(dsn)]
    yield engines
    for engine in engines:
        await engine.dispose()


async def test_one_worker_holds_the_lock_the_other_is_refused_without_waiting(workers):
    first, second = workers
    async with exclusive(first, JOB) as ours:
        assert ours
        async with asyncio.timeout(5):  # refused at once, not queued behind the holder
            async with exclusive(second, JOB) as theirs:
                assert not theirs
    async with exclusive(second, JOB) as theirs:  # the block over: free again
        assert theirs


async def test_the_lock_is_given_back_when_the_job_fails(workers):
    first, second = workers

    async def failing_job() -> None:
        async with exclusive(first, JOB) as ours:
            assert ours
            raise RuntimeError("the release failed")

    with pytest.raises(RuntimeError):
        await failing_job()
    async with exclusive(second, JOB) as theirs:
        assert theirs


async def test_of_two_workers_waking_at_the_release_hour_one_makes_the_release(
    workers, monkeypatch
):
    made: list[object] = []

    async def release_if_changed(runtime, settings):
        made.append(runtime)
        await asyncio.sleep(0.5)  # the release being made while the other wakes
        return True

    monkeypatch.setattr(schedule, "release_if_changed", release_if_changed)
    monkeypatch.setattr(schedule, "NIGHTLY_LOCK", JOB)
    runtimes = [SimpleNamespace(engine=engine) for engine in workers]
    outcomes = await asyncio.gather(
        *(schedule.nightly_release(r, IndicatorsSettings()) for r in runtimes)
    )
    assert sorted(outcomes) == [False, True]
    assert len(made) == 1
