"""Benchmarks run as the README says, at a tiny size: they must not rot between the times
someone records their figures (what they print is not judged, only that they run through)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_release_benchmark_runs_at_a_tiny_size():
    done = subprocess.run(
        [
            sys.executable,
            "bench/indicators.py",
            "--companies",
            "4",
            "--tenants",
            "2",
            "--growth",
            "3",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    # Both sizes measured, with the target beside the figure, and the audit clean.
    made = [line for line in lines if line.startswith("(a) 2 SPSTI x")]
    assert len(made) == 2
    assert all("target" in line and "breaches 0" in line for line in made)
    assert any(line.startswith("(b) joint release: region") for line in lines)
    assert any(line.startswith("(b) same tables one at a time: region") for line in lines)
