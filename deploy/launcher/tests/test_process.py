import os
import signal
import sys
from pathlib import Path

import pytest

from cosar_deploy.process import PidRecord, owns, proc_cmdline, proc_stat, spawn, stop

pytestmark = pytest.mark.unit


def _fake_proc(
    root: Path,
    pid: int,
    *,
    state: str = "S",
    start: int = 1234,
    cmdline: str = "java -cp x kafka.Kafka /state/kafka/server.properties",
) -> Path:
    folder = root / str(pid)
    folder.mkdir(parents=True)
    # The command name may contain spaces and parentheses: parsing must use the LAST ')'.
    fields = [state, *["0"] * 18, str(start), "0"]
    (folder / "stat").write_text(f"{pid} (java (x) y) {' '.join(fields)}\n")
    (folder / "cmdline").write_bytes(cmdline.replace(" ", "\0").encode() + b"\0")
    return root


def test_pid_record_round_trip(tmp_path):
    record = PidRecord(pid=42, start_ticks=99, marker="/state/kafka/server.properties")
    record.dump(tmp_path / "pids" / "kafka.pid")
    assert PidRecord.load(tmp_path / "pids" / "kafka.pid") == record


def test_pid_record_missing_or_garbage(tmp_path):
    assert PidRecord.load(tmp_path / "absent.pid") is None
    (tmp_path / "bad.pid").write_text("12345\n")
    assert PidRecord.load(tmp_path / "bad.pid") is None


def test_proc_stat_parses_names_with_parentheses(tmp_path):
    _fake_proc(tmp_path, 7, start=555)
    assert proc_stat(7, tmp_path) == ("S", 555)
    assert proc_cmdline(7, tmp_path).endswith("/state/kafka/server.properties")


def test_owns_our_process(tmp_path):
    _fake_proc(tmp_path, 7, start=555)
    assert owns(PidRecord(7, 555, "/state/kafka/server.properties"), tmp_path)


def test_recycled_pid_is_not_ours(tmp_path):
    _fake_proc(tmp_path, 7, start=556)  # same pid, started later: another program
    assert not owns(PidRecord(7, 555, "/state/kafka/server.properties"), tmp_path)


def test_process_without_our_marker_is_not_ours(tmp_path):
    _fake_proc(tmp_path, 7, start=555, cmdline="/usr/bin/vim notes.txt")
    assert not owns(PidRecord(7, 555, "/state/kafka/server.properties"), tmp_path)


def test_zombie_and_missing_processes_are_not_running(tmp_path):
    _fake_proc(tmp_path, 7, state="Z", start=555)
    assert not owns(PidRecord(7, 555, "/state/kafka/server.properties"), tmp_path)
    assert not owns(PidRecord(8, 555, "/state/kafka/server.properties"), tmp_path)


def test_spawn_detaches_and_stop_terminates(tmp_path):
    marker = str(tmp_path / "marker-arg")
    log = tmp_path / "logs" / "sleeper.log"
    record = spawn(
        [sys.executable, "-c", "import time,sys; print('hi', flush=True); time.sleep(60)", marker],
        log_path=log,
        marker=marker,
    )
    try:
        assert owns(record)
        assert os.getpgid(record.pid) == record.pid  # own session => own process group
        assert stop(record, first_signal=signal.SIGTERM, timeout=5)
        assert not owns(record)
        assert "starting:" in log.read_text()
    finally:
        if owns(record):
            os.killpg(record.pid, signal.SIGKILL)


def test_stop_kills_a_process_ignoring_sigterm(tmp_path):
    marker = str(tmp_path / "stubborn")
    code = "import signal,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    record = spawn([sys.executable, "-c", code, marker], log_path=tmp_path / "x.log", marker=marker)
    assert stop(record, timeout=1.0)
    assert not owns(record)


def test_stop_refuses_a_process_that_is_not_ours(tmp_path):
    record = PidRecord(os.getpid(), None, str(tmp_path / "not-in-my-cmdline"))
    assert not stop(record, timeout=0.1)
