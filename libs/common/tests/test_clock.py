import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from cosar_common import clock
from cosar_common.clock import PARIS

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def real_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts on the real time, whatever the session's COSAR_CLOCK_AT, and leaves
    the clock as the session had it."""
    monkeypatch.delenv(clock.ENVIRONMENT_VARIABLE, raising=False)
    previous = clock._offset
    clock.reset()
    yield
    clock._offset = previous


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("instant", "paris_day", "utc_day"),
    [
        # 23:30 in Paris in winter: 22:30 UTC, the same day for both.
        (paris(2027, 2, 28, 23, 30), date(2027, 2, 28), date(2027, 2, 28)),
        # 00:30 in Paris: UTC is still on the previous day; the platform is not.
        (paris(2027, 3, 1, 0, 30), date(2027, 3, 1), date(2027, 2, 28)),
        # The leap day, at both ends.
        (paris(2028, 2, 29, 23, 30), date(2028, 2, 29), date(2028, 2, 29)),
        (paris(2028, 3, 1, 0, 30), date(2028, 3, 1), date(2028, 2, 29)),
        (paris(2028, 2, 29, 0, 30), date(2028, 2, 29), date(2028, 2, 28)),
        # The year boundary: 1 January in Paris while UTC is still on 31 December.
        (paris(2026, 12, 31, 23, 30), date(2026, 12, 31), date(2026, 12, 31)),
        (paris(2027, 1, 1, 0, 30), date(2027, 1, 1), date(2026, 12, 31)),
        # Summer time (UTC+2): 01:30 in Paris is 23:30 UTC the day before.
        (paris(2027, 7, 14, 1, 30), date(2027, 7, 14), date(2027, 7, 13)),
        (paris(2027, 7, 13, 23, 30), date(2027, 7, 13), date(2027, 7, 13)),
    ],
)
def test_today_is_the_paris_date_whatever_the_utc_date(
    instant: datetime, paris_day: date, utc_day: date
) -> None:
    with clock.shifted_to(instant):
        assert clock.today() == paris_day
        assert type(clock.today()) is date  # one return type: a date, never a datetime
        assert clock.now_utc().date() == utc_day
        assert clock.now().tzinfo is PARIS


def test_an_instant_given_in_utc_is_read_in_paris() -> None:
    with clock.shifted_to(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)):
        assert clock.today() == date(2027, 1, 1)
        assert clock.now().year == 2027
        assert (clock.now().hour, clock.now().utcoffset()) == (0, timedelta(hours=1))


def test_summer_and_winter_offsets() -> None:
    with clock.shifted_to(paris(2027, 7, 14, 12, 0)):
        assert clock.now().utcoffset() == timedelta(hours=2)
    with clock.shifted_to(paris(2027, 1, 14, 12, 0)):
        assert clock.now().utcoffset() == timedelta(hours=1)
    # 28 March 2027: 00:59 UTC is 01:59 winter time, two minutes later it is 03:01 summer time.
    with clock.shifted_to(datetime(2027, 3, 28, 0, 59, tzinfo=UTC)):
        assert (clock.now().hour, clock.now().utcoffset()) == (1, timedelta(hours=1))
    with clock.shifted_to(datetime(2027, 3, 28, 1, 1, tzinfo=UTC)):
        assert (clock.now().hour, clock.now().utcoffset()) == (3, timedelta(hours=2))
        assert clock.today() == date(2027, 3, 28)


def test_the_shifted_clock_keeps_running_and_real_time_is_untouched() -> None:
    target = paris(2028, 2, 29, 23, 30)
    with clock.shifted_to(target):
        first = clock.now()
        time.sleep(0.01)
        second = clock.now()
        assert target <= first < second < target + timedelta(seconds=5)
        assert abs(datetime.now(UTC).timestamp() - time.time()) < 5  # tokens, timeouts
    assert abs(clock.now_utc() - datetime.now(UTC)) < timedelta(seconds=5)


def test_shifts_nest_and_the_previous_clock_comes_back() -> None:
    with clock.shifted_to(paris(2028, 2, 29, 23, 30)):
        with clock.shifted_to(paris(2027, 1, 1, 0, 30)):
            assert clock.today() == date(2027, 1, 1)
        assert clock.today() == date(2028, 2, 29)
    assert not clock.is_shifted()


def test_set_override_and_reset() -> None:
    clock.set_override(paris(2026, 12, 31, 23, 30))
    assert clock.today() == date(2026, 12, 31)
    clock.reset()
    assert not clock.is_shifted()


def test_without_override_today_is_the_paris_date_even_if_the_machine_is_elsewhere() -> None:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"  # UTC+14: often a day ahead of Paris
    time.tzset()
    try:
        before = datetime.now(PARIS).date()
        seen = clock.today()
        after = datetime.now(PARIS).date()
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()
    assert seen in (before, after)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2028-02-29T23:30:00+01:00", date(2028, 2, 29)),
        ("2028-02-29T22:30:00Z", date(2028, 2, 29)),
        ("2026-12-31T23:30:00+00:00", date(2027, 1, 1)),
        ("2027-01-01T00:30", date(2027, 1, 1)),  # no offset: Paris wall-clock time
    ],
)
def test_the_environment_variable_shifts_the_whole_process(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: date
) -> None:
    monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, value)
    clock.reset()  # as in a new process: read on first use
    assert clock.today() == expected
    assert clock.is_shifted()
    assert clock.configure_from_environment() is not None


def test_a_malformed_environment_variable_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, "demain soir")
    clock.reset()
    with pytest.raises(ValueError, match="COSAR_CLOCK_AT"):
        clock.today()
    monkeypatch.delenv(clock.ENVIRONMENT_VARIABLE)
    assert clock.configure_from_environment() is None


def test_date_of_a_stored_instant_is_its_paris_date() -> None:
    assert clock.date_of(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)
    assert clock.date_of(datetime(2026, 12, 31, 23, 30)) == date(2027, 1, 1)  # naive: UTC
    assert clock.date_of(datetime(2027, 7, 13, 21, 59, tzinfo=UTC)) == date(2027, 7, 13)
    assert clock.date_of(datetime(2027, 7, 13, 22, 0, tzinfo=UTC)) == date(2027, 7, 14)


def test_a_stored_instant_reads_in_utc_and_in_paris_naive_taken_as_utc() -> None:
    naive = datetime(2027, 12, 31, 23, 30)  # how the database hands a timestamp back
    assert clock.as_utc(naive) == datetime(2027, 12, 31, 23, 30, tzinfo=UTC)
    assert clock.paris_time(naive) == paris(2028, 1, 1, 0, 30)
    assert clock.paris_time(naive).utcoffset() == timedelta(hours=1)
    assert clock.date_of(naive) == date(2028, 1, 1)


def test_french_dates_are_read_in_paris() -> None:
    late = datetime(2027, 2, 28, 23, 30, tzinfo=UTC)  # already 1 March in Paris
    assert clock.fr_date(late) == "01/03/2027"
    assert clock.fr_long_date(late) == "1er mars 2027"
    assert clock.fr_datetime(late) == "01/03/2027 à 00:30"
    assert clock.fr_long_date(date(2026, 12, 7)) == "7 décembre 2026"
