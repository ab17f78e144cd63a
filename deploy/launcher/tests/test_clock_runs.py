"""`platform test` runs the suite with the machine in UTC and the platform clock at the
Paris-vs-UTC date boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cosar_common import clock
from cosar_deploy import platform_commands

pytestmark = pytest.mark.unit

PARIS = clock.PARIS
REPO = Path(__file__).resolve().parents[3]


def test_the_settings_run_forwards_as_time_does():
    # Records the suite leaves behind carry the shifted dates: a later run must not go back.
    instants = [datetime.fromisoformat(text) for text in platform_commands.CLOCK_SETTINGS]
    assert instants == sorted(instants)


def test_the_settings_put_paris_and_utc_on_different_days_at_new_year_leap_day_summer():
    instants = [datetime.fromisoformat(text) for text in platform_commands.CLOCK_SETTINGS]
    paris = [instant.astimezone(PARIS) for instant in instants]
    # Each run is at an instant where a machine in UTC is still on the previous day.
    assert all(p.date() != i.astimezone(UTC).date() for p, i in zip(paris, instants, strict=True))
    days = {p.date() for p in paris}
    assert date(2028, 2, 29) in days
    assert date(2027, 1, 1) in days  # and 2026 in UTC: a new year too
    assert any(p.utcoffset() != paris[0].utcoffset() for p in paris)  # summer time too


def test_the_launcher_names_the_variable_the_clock_reads():
    # The launcher does not import the services' kernel; its copy of the name must agree.
    assert platform_commands.CLOCK_VARIABLE == clock.ENVIRONMENT_VARIABLE


def test_every_run_has_the_machine_in_utc_and_only_the_clock_it_is_given(monkeypatch):
    monkeypatch.setenv("COSAR_CLOCK_AT", "2030-01-01T00:00:00+01:00")  # inherited: dropped
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    main = platform_commands.pytest_environment()
    shifted = platform_commands.pytest_environment(clock_at="2027-01-01T00:30:00+01:00")
    assert main["TZ"] == shifted["TZ"] == "UTC"
    assert "COSAR_CLOCK_AT" not in main
    assert shifted["COSAR_CLOCK_AT"] == "2027-01-01T00:30:00+01:00"


def test_a_clock_run_leaves_out_only_existing_slow_modules():
    command = platform_commands.clock_run_command()
    ignored = [arg.removeprefix("--ignore=") for arg in command if arg.startswith("--ignore=")]
    assert ignored == list(platform_commands.CLOCK_RUN_LEFT_OUT)
    assert all((REPO / path).is_file() for path in ignored)  # a rename would widen nothing
    assert command[1:3] == ["-m", "pytest"]
