"""The platform's one clock: what time and what day it is, in Paris.

Deadlines, « done on » dates, CSE consultations, assessed years and dated thesaurus lookups are
days of French law: they are the Europe/Paris date, never the machine's ``date.today()`` (a
server in UTC is still on the previous day between 00:00 and 01:00 in Paris, 02:00 in summer).

Every business date comes from :func:`today` and every business instant from :func:`now` (or
:func:`now_utc` to store it). Tests and whole processes can move this clock:

- ``COSAR_CLOCK_AT=2028-02-29T23:30:00+01:00`` in the environment shifts the process's clock
  so that, when it is first read, it says that instant (a value without an offset is read as
  Paris time);
- :func:`shifted_to` (a context manager) and :func:`set_override` / :func:`reset` do the same
  from code.

The shift is an *offset* from the real time: the clock keeps running, and only what reads this
module moves. Token expiry, timeouts, Kafka, the database's ``now()`` and the technical
timestamps that order records (:func:`system_now`) stay on the real time.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
ENVIRONMENT_VARIABLE = "COSAR_CLOCK_AT"

_log = logging.getLogger(__name__)
_lock = threading.Lock()
# None: not decided yet (the environment is read on first use); else the shift from real time.
_offset: timedelta | None = None


def _real_now() -> datetime:
    return datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is a Paris wall-clock time."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(
            f"{ENVIRONMENT_VARIABLE}={text!r} is not an ISO 8601 instant "
            "(e.g. 2028-02-29T23:30:00+01:00)"
        ) from exc
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=PARIS)


def _offset_to(instant: datetime) -> timedelta:
    if instant.tzinfo is None:
        raise ValueError("the clock is shifted to an aware instant (with its offset)")
    return instant - _real_now()


def _environment_offset() -> timedelta:
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return timedelta(0)
    instant = parse_instant(value)
    _log.warning(
        "%s is set: the platform clock is shifted to %s", ENVIRONMENT_VARIABLE, instant.isoformat()
    )
    return _offset_to(instant)


def _current_offset() -> timedelta:
    global _offset
    with _lock:
        if _offset is None:
            _offset = _environment_offset()
        return _offset


def now() -> datetime:
    """The current instant, aware, in Paris time."""
    return (_real_now() + _current_offset()).astimezone(PARIS)


def now_utc() -> datetime:
    """The current instant, aware, in UTC (how timestamps are stored)."""
    return _real_now() + _current_offset()


def system_now() -> datetime:
    """The machine's real instant, in UTC, never shifted: for the technical timestamps that
    order records (a row last updated, a thesaurus version published, an event occurred),
    which must never run backwards when a test shifts the platform clock. Never a business
    date: those come from :func:`today` and :func:`now`."""
    return _real_now()


def today() -> date:
    """Today's date in Paris."""
    return now().date()


def as_utc(instant: datetime) -> datetime:
    """An instant in UTC (a naive one is taken as UTC already, as the database stores)."""
    return (instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)).astimezone(UTC)


def paris_time(instant: datetime) -> datetime:
    """An instant in French legal time (a naive one is taken as UTC)."""
    return as_utc(instant).astimezone(PARIS)


def date_of(instant: datetime) -> date:
    """The Paris date of an instant (a naive one is taken as UTC, as the database stores)."""
    return paris_time(instant).date()


MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def fr_date(value: date | datetime) -> str:
    """« 14/02/2025 », as documents print a date; an instant is read in Paris."""
    day = date_of(value) if isinstance(value, datetime) else value
    return day.strftime("%d/%m/%Y")


def fr_datetime(value: datetime) -> str:
    """« 14/02/2025 à 09:30 », Paris time."""
    return paris_time(value).strftime("%d/%m/%Y à %H:%M")


def fr_long_date(value: date | datetime) -> str:
    """« 1er mars 2028 », as a page says a date in a sentence; an instant is read in Paris."""
    day = date_of(value) if isinstance(value, datetime) else value
    return f"{'1er' if day.day == 1 else day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def is_shifted() -> bool:
    return _current_offset() != timedelta(0)


def configure_from_environment() -> datetime | None:
    """Read ``COSAR_CLOCK_AT`` now (dropping any override set from code); return the instant
    the clock was shifted to, or None when it runs on the real time."""
    global _offset
    with _lock:
        _offset = _environment_offset()
        shifted = _offset != timedelta(0)
    return now() if shifted else None


def set_override(instant: datetime) -> None:
    """From now on, the clock says ``instant`` (and keeps running from there)."""
    global _offset
    offset = _offset_to(instant)
    with _lock:
        _offset = offset


def reset() -> None:
    """Drop any override: the next reading follows the environment again (real time when
    ``COSAR_CLOCK_AT`` is not set)."""
    global _offset
    with _lock:
        _offset = None


@contextmanager
def shifted_to(instant: datetime) -> Iterator[None]:
    """Within the block the clock says ``instant`` (and keeps running); then as before."""
    global _offset
    with _lock:
        previous = _offset
    set_override(instant)
    try:
        yield
    finally:
        with _lock:
            _offset = previous
