"""Detached processes, pid files that can tell OUR process from a recycled pid, and stopping."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class PidRecord:
    """What we remember about a process we started.

    `start_ticks` (field 22 of /proc/<pid>/stat) is unique per pid for the life of the machine, so
    a pid recycled by another program after a reboot or crash is never mistaken for ours;
    `marker` (a path of our state folder) must also appear in its command line.
    """

    pid: int
    start_ticks: int | None
    marker: str

    def dump(self, path: Path) -> None:
        """Write the record atomically (a reader never sees half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self)) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> PidRecord | None:
        """Read a pid file; None when absent or unreadable (treated as not started by us)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                pid=int(data["pid"]),
                start_ticks=data.get("start_ticks"),
                marker=str(data["marker"]),
            )
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None


def proc_stat(pid: int, proc: Path = PROC) -> tuple[str, int] | None:
    """(state letter, start time in clock ticks) of a process, None if it does not exist."""
    try:
        raw = (proc / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[19])


def proc_cmdline(pid: int, proc: Path = PROC) -> str:
    """Command line of a process, arguments joined by spaces ('' if unknown)."""
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", errors="replace").strip()


def _reap(pid: int) -> None:
    # In a long-lived caller (test session) our children become zombies when they exit; reaping
    # them makes /proc/<pid> disappear. Not our child: nothing to do.
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def owns(record: PidRecord, proc: Path = PROC) -> bool:
    """True when the pid of `record` is alive and is the very process we started."""
    if proc == PROC:
        _reap(record.pid)
    stat = proc_stat(record.pid, proc)
    if stat is None or stat[0] in ("Z", "X"):
        return False
    if record.start_ticks is not None and stat[1] != record.start_ticks:
        return False
    return record.marker in proc_cmdline(record.pid, proc)


def running_record(pid_file: Path) -> PidRecord | None:
    """The record of a pid file whose process is still ours and alive, else None."""
    record = PidRecord.load(pid_file)
    return record if record is not None and owns(record) else None


@dataclass(frozen=True)
class User:
    """OS identity to run a process as (PostgreSQL refuses to run as root)."""

    name: str
    uid: int
    gid: int


def spawn(
    command: Sequence[str],
    *,
    log_path: Path,
    marker: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: User | None = None,
) -> PidRecord:
    """Start `command` detached: own session (so Ctrl-C of the CLI does not reach it, and the
    whole process group can be killed), stdin closed, stdout+stderr appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # real time: a process log
        log.write(f"\n==== {started} starting: {' '.join(command)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
            close_fds=True,
            user=user.uid if user else None,
            group=user.gid if user else None,
            extra_groups=[] if user else None,
        )
    stat = proc_stat(process.pid)
    return PidRecord(pid=process.pid, start_ticks=stat[1] if stat else None, marker=marker)


def stop(
    record: PidRecord, *, first_signal: signal.Signals = signal.SIGTERM, timeout: float = 30.0
) -> bool:
    """Ask our process to stop, then SIGKILL its whole process group after `timeout` seconds.

    Returns False when the pid is not (or no longer) ours: nothing is signalled then.
    """
    if not owns(record):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(record.pid, first_signal)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not owns(record):
            break
        time.sleep(0.2)
    else:
        # The process group id is the pid because we started it with its own session; killing
        # the group also takes down a JVM left behind a launcher script (kc.sh).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.pid, signal.SIGKILL)
        time.sleep(0.5)
        _reap(record.pid)
    return True


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
