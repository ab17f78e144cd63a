"""When the nightly release runs and what date it says: Paris days, whatever the machine's."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from cosar_common.clock import PARIS
from cosar_common.db.locks import lock_key
from indicators.releases import schedule
from indicators.releases.schedule import next_run, seconds_until
from indicators.releases.service import reference_date
from indicators.settings import IndicatorsSettings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 00:30 in Paris (still the previous day in UTC): 02:00 is later the same Paris day.
        (datetime(2027, 1, 1, 0, 30, tzinfo=PARIS), datetime(2027, 1, 1, 2, tzinfo=PARIS)),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), datetime(2027, 1, 1, 2, tzinfo=PARIS)),
        # After 02:00 the next run is the next night, across the leap day.
        (datetime(2028, 2, 28, 2, 0, tzinfo=PARIS), datetime(2028, 2, 29, 2, tzinfo=PARIS)),
        (datetime(2028, 2, 29, 23, 30, tzinfo=PARIS), datetime(2028, 3, 1, 2, tzinfo=PARIS)),
    ],
)
def test_the_next_run_is_the_next_two_o_clock_in_paris(now, expected):
    run = next_run(now, 2)
    assert run == expected
    assert run.astimezone(PARIS).hour == 2


def test_the_wait_counts_real_seconds_across_a_change_of_summer_time():
    # The night summer time ends (31 October 2027, 03:00 -> 02:00): from 22:00 the evening
    # before to 02:00 at summer offset is 4 hours; to 04:00 the next morning is 7 real hours.
    evening = datetime(2027, 10, 30, 22, 0, tzinfo=PARIS)
    assert seconds_until(next_run(evening, 4), evening) == 7 * 3600
    # The night it starts (28 March 2027, 02:00 -> 03:00): 22:00 to 04:00 is 5 real hours.
    evening = datetime(2027, 3, 27, 22, 0, tzinfo=PARIS)
    assert seconds_until(next_run(evening, 4), evening) == 5 * 3600


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2027, date(2027, 6, 15), date(2027, 6, 15)),  # during the year: today
        (2026, date(2027, 1, 1), date(2026, 12, 31)),  # once it is over: 31 December
        (2028, date(2028, 2, 29), date(2028, 2, 29)),
    ],
)
def test_data_are_stated_as_of_today_or_the_end_of_the_year(year, today, expected):
    assert reference_date(year, today) == expected


class _OneHolder:
    """An in-memory stand-in for the advisory lock: one holder at a time, never waited for."""

    def __init__(self) -> None:
        self.held: set[str] = set()
        self.taken: list[object] = []

    def __call__(self, engine: object, name: str):  # type: ignore[no-untyped-def]
        @contextlib.asynccontextmanager
        async def block():  # type: ignore[no-untyped-def]
            ours = name not in self.held
            if ours:
                self.held.add(name)
                self.taken.append(engine)
            try:
                yield ours
            finally:
                if ours:
                    self.held.discard(name)

        return block()


async def test_of_the_workers_waking_for_the_nightly_release_one_makes_it(monkeypatch):
    made: list[object] = []
    lock = _OneHolder()

    async def release_if_changed(runtime, settings):  # type: ignore[no-untyped-def]
        assert schedule.NIGHTLY_LOCK in lock.held  # the check for changed facts: under the lock
        made.append(runtime)
        await asyncio.sleep(0.05)  # the release being made while the others wake
        return True

    monkeypatch.setattr(schedule, "release_if_changed", release_if_changed)
    workers = [SimpleNamespace(engine=f"engine of worker {i}") for i in range(3)]
    outcomes = await asyncio.gather(
        *(schedule.nightly_release(w, IndicatorsSettings(), lock=lock) for w in workers)  # type: ignore[arg-type]
    )
    assert sorted(outcomes) == [False, False, True]
    assert len(made) == 1
    assert lock.held == set()  # released once made: the next night takes it again


async def test_the_lock_is_released_when_the_release_fails(monkeypatch):
    lock = _OneHolder()

    async def failing(runtime, settings):  # type: ignore[no-untyped-def]
        raise RuntimeError("solver gone")

    monkeypatch.setattr(schedule, "release_if_changed", failing)
    worker = SimpleNamespace(engine="engine")
    with pytest.raises(RuntimeError):
        await schedule.nightly_release(worker, IndicatorsSettings(), lock=lock)  # type: ignore[arg-type]
    assert lock.held == set()


def test_the_lock_key_is_the_same_in_every_process():
    # Not Python's hash (salted per process): a fixed 64-bit key PostgreSQL takes as bigint.
    key = lock_key(schedule.NIGHTLY_LOCK)
    assert key == lock_key("indicators.nightly-release")
    assert -(2**63) <= key < 2**63
    assert key != lock_key("indicators.other-job")
