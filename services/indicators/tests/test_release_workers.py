"""A release protected and audited in worker processes is the release protected in one."""

import os

import pytest

from indicators.domain.release.audit import audit_release
from indicators.domain.release.measures import rate_links
from indicators.domain.release.protect import Secrecy
from indicators.domain.release.release import protect_release
from indicators.domain.release.synthetic import adversarial
from indicators.domain.secrecy import SolverOptions
from indicators.releases.workers import ReleaseWorkers, workers_for

pytestmark = pytest.mark.unit

SECRECY = Secrecy(options=SolverOptions(max_mip_rounds=0))


def test_two_workers_give_the_same_release_and_audit_as_one_process():
    region = adversarial(tenants=3, companies=8, seed=5)
    alone = protect_release(region, SECRECY)
    workers = ReleaseWorkers(2)
    try:
        steps: list[tuple[int, int, str]] = []
        spread = protect_release(
            region, SECRECY, mapper=workers.map, progress=lambda *s: steps.append(s)
        )
        # The work did leave this process: the pool's two processes are running.
        pool = workers._pool
        assert pool is not None
        pids = set(pool._processes)  # type: ignore[attr-defined]
        audited = audit_release(
            spread.cubes, SECRECY, links=rate_links(set(spread.cubes)), mapper=workers.map
        )
    finally:
        workers.shutdown()
    assert len(pids) == 2
    assert os.getpid() not in pids
    assert list(spread.cubes) == list(alone.cubes)  # the measures' order
    assert {n: pc.reasons for n, pc in spread.cubes.items()} == {
        n: pc.reasons for n, pc in alone.cubes.items()
    }
    assert spread.audit.ok
    assert alone.audit.ok
    assert audited.breaches == alone.audit.breaches
    assert audited.targets == alone.audit.targets
    total = len(alone.cubes)
    assert [s[0] for s in steps[: total + 1]] == list(range(total + 1))  # every cube reported


def test_one_worker_runs_in_the_process_itself():
    workers = workers_for(1)
    assert list(workers.map(abs, [-1, 2, -3])) == [1, 2, 3]
    assert workers._pool is None  # nothing started: the pieces ran here
    assert workers_for(1) is workers  # one pool per count, for the process's life
