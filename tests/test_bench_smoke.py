"""Benchmarks run as the README says, at a tiny size: they must not rot between the times
someone records their figures (what they print is not judged, only that they run through)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((REPO / "bench").glob("*.py"))
SERVICE_PACKAGES = ("thesaurus", "assessment", "reporting", "indicators")


def test_no_benchmark_is_named_like_a_package_it_imports():
    # A script's folder comes first on sys.path: bench/indicators.py would be `import indicators`.
    assert len(BENCHMARKS) >= 6
    assert not [path.name for path in BENCHMARKS if path.stem in SERVICE_PACKAGES]


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda path: path.name)
def test_every_benchmark_imports_and_says_how_to_run_it(script: Path):
    # Run as the README says (python bench/x.py): every import resolves to the services.
    done = subprocess.run(
        [sys.executable, str(script.relative_to(REPO)), "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith(f"usage: {script.name}")


def test_release_benchmark_runs_at_a_tiny_size(infra):
    # (c) stores the release and serves it over HTTP: on the tests' infrastructure, inherited
    # through the environment (COSAR_INFRA_MANAGED), never the benchmarks' own.
    done = subprocess.run(
        [
            sys.executable,
            "bench/indicators_bench.py",
            "--companies",
            "4",
            "--tenants",
            "2",
            "--growth",
            "3",
            "--requests",
            "40",
        ],
        cwd=REPO,
        env={**os.environ, "COSAR_INFRA_MANAGED": "1"},
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
    served = [line for line in lines if "one indicator answer, HTTP" in line]
    assert len(served) == 2
    assert all("p95" in line and "(n=40)" in line for line in served)


def test_portal_benchmark_runs_at_a_tiny_size(infra):
    # Logs in through Keycloak's form and measures the portal's pages beside their API calls:
    # on the tests' infrastructure too (COSAR_INFRA_MANAGED), with a company and an employer
    # of its own, and its own portal and services on ports the suite's free ports are not.
    done = subprocess.run(
        [sys.executable, "bench/portal_bench.py", "--tiny"],
        cwd=REPO,
        env={**os.environ, "COSAR_INFRA_MANAGED": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    pages = ("(a) company page", "(a) work unit page", "(b) risk save", "(c) versions page")
    for clients in ("1 cl.", "10 cl."):
        for page in pages:
            measured = [line for line in lines if line.startswith(page) and clients in line]
            assert any(", portal " in line for line in measured), (page, clients)
            assert any(", API: " in line for line in measured), (page, clients)
            assert all("p95" in line for line in measured)
    ratios = [line for line in lines if "ratio portal / API" in line]
    assert len(ratios) == 8
    assert all("target" in line for line in ratios)
    assert any(line.startswith("targets:") for line in lines)
