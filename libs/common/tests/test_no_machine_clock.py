"""No code and no test reads the machine's date, time or time zone: only ``cosar_common.clock``.

A test that computes "today" with ``date.today()`` fails between 00:00 and 01:00 in Paris on a
machine in UTC (the services answer with the Paris date); a service that does so writes the
wrong day into a DUERP. This scan keeps the one clock the only one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("libs", "services", "tests", "deploy", "bench")
# The clock itself reads the real time, and its own tests compare with it.
ALLOWED = {
    Path("libs/common/src/cosar_common/clock.py"),
    Path("libs/common/tests/test_clock.py"),
}
# A line that must read the real time of the machine (a process log, not a business date)
# says so with this comment.
REAL_TIME_MARK = "# real time:"
# (object, attribute) calls that read the machine's clock or its time zone.
FORBIDDEN = {
    ("date", "today"),
    ("datetime", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("time", "localtime"),
    ("time", "ctime"),
    ("time", "strftime"),
    ("time", "tzset"),
}


def machine_clock_reads(source: str) -> list[tuple[int, str]]:
    """The lines of ``source`` that call one of :data:`FORBIDDEN` (``datetime.datetime.now``
    included), with the call as written."""
    found = []
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = (
            owner.id
            if isinstance(owner, ast.Name)
            else owner.attr
            if isinstance(owner, ast.Attribute)
            else None
        )
        if (name, node.func.attr) in FORBIDDEN and REAL_TIME_MARK not in lines[node.lineno - 1]:
            found.append((node.lineno, f"{name}.{node.func.attr}()"))
    return found


def _python_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in (ROOT / top).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if any(part.startswith(".") or part == "node_modules" for part in relative.parts):
                continue
            if relative not in ALLOWED:
                files.append(path)
    return files


def test_the_scan_finds_every_way_of_reading_the_machine_clock():
    planted = """
import datetime as dt, time
from datetime import date, datetime
a = date.today()
b = datetime.now()
c = datetime.now(UTC)
d = dt.datetime.utcnow()
e = time.localtime()
f = clock.today()          # the platform clock: allowed
g = "date.today()"          # a string: allowed
h = datetime.now(UTC)  # real time: the launcher's log line
"""
    assert [line for line, _ in machine_clock_reads(planted)] == [4, 5, 6, 7, 8]
    unmarked = planted.replace("# real time:", "#")
    assert [line for line, _ in machine_clock_reads(unmarked)] == [4, 5, 6, 7, 8, 11]


def test_nothing_but_the_platform_clock_reads_the_date():
    files = _python_files()
    assert len(files) > 100  # the scan does look at the repository
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {call}"
        for path in files
        for line, call in machine_clock_reads(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use cosar_common.clock (today(), now(), now_utc()):\n" + "\n".join(
        offenders
    )
