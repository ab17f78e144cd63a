"""The latest release kept in memory only while release notifications are heard."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from indicators.releases.latest import LatestReleases

pytestmark = pytest.mark.unit


class Loads:
    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.count = 0

    async def __call__(self) -> Any:
        self.count += 1
        return self.answers[min(self.count, len(self.answers)) - 1]


async def test_without_the_listener_every_request_reads_the_database():
    latest, load = LatestReleases(), Loads("r1", "r2")
    assert [await latest.get(2031, load), await latest.get(2031, load)] == ["r1", "r2"]


async def test_while_listening_the_latest_is_read_once_until_a_release_is_announced():
    latest, load = LatestReleases(), Loads("r1", "r2")
    latest.listened(True)
    assert [await latest.get(2031, load) for _ in range(3)] == ["r1"] * 3
    assert load.count == 1
    latest.forget()  # a notification: a release was stored
    assert await latest.get(2031, load) == "r2"


async def test_no_release_yet_is_kept_too_until_one_is_announced():
    latest, load = LatestReleases(), Loads(None, "r1")
    latest.listened(True)
    assert [await latest.get(2031, load), await latest.get(2031, load)] == [None, None]
    latest.forget()
    assert await latest.get(2031, load) == "r1"


async def test_a_release_announced_during_a_read_is_not_hidden_by_that_read():
    latest = LatestReleases()
    latest.listened(True)
    started, go_on = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        started.set()
        await go_on.wait()
        return "r1"  # read before r2 was committed

    reading = asyncio.create_task(latest.get(2031, slow))
    await started.wait()
    latest.forget()  # r2 stored meanwhile
    go_on.set()
    assert await reading == "r1"
    assert await latest.get(2031, Loads("r2")) == "r2"  # r1 was not kept


async def test_losing_the_listener_forgets_and_reads_the_database_again():
    latest, load = LatestReleases(), Loads("r1", "r2", "r3")
    latest.listened(True)
    await latest.get(2031, load)
    latest.listened(False)
    assert [await latest.get(2031, load), await latest.get(2031, load)] == ["r2", "r3"]
