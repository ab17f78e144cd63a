"""What the benchmarks in bench/ share: an infrastructure of their own, services started as
processes, figures printed the same way; the tests' fixtures migrate and load the reference
data with it too. Benchmarks print; they never pass or fail.

A benchmark that serves HTTP starts the same way::

    async with bench.infrastructure("thesaurus", "assessment") as run:  # up, migrated, loaded
        env = bench.service_env(run.ep, ("thesaurus", "assessment"))
        await run.serve(env, thesaurus=18101, assessment=18102)  # started, then ready
        ...
    # the services stopped, and the infrastructure this run started
"""

from __future__ import annotations

import asyncio
import importlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cosar_deploy import infra
from cosar_deploy.endpoints import Endpoints

# Ports and state of the benchmarks' own infrastructure: never the demo's, never the tests'.
BENCH_ENV = {
    "COSAR_STATE_DIR": str(Path.home() / ".local" / "state" / "cosar-platform-bench"),
    "COSAR_POSTGRES_PORT": "35432",
    "COSAR_KAFKA_PORT": "39092",
    "COSAR_KAFKA_CONTROLLER_PORT": "39093",
    "COSAR_KEYCLOAK_PORT": "38080",
    "COSAR_KEYCLOAK_MANAGEMENT_PORT": "39000",
}


def use_bench_infrastructure() -> None:
    """Point ``Endpoints.local()`` and the launcher at the benchmarks' infrastructure, unless
    the test suite runs the benchmark (its smoke run, ``COSAR_INFRA_MANAGED=1``): then on the
    tests' own infrastructure, already up, which the benchmark reuses and leaves running."""
    if os.environ.get("COSAR_INFRA_MANAGED") != "1":
        os.environ.update(BENCH_ENV)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(label: str, values: list[float], width: int = 52) -> None:
    print(
        f"{label:<{width}} p50 {statistics.median(values):8.1f} ms   "
        f"p95 {percentile(values, 0.95):8.1f} ms   (n={len(values)})"
    )


def start_process(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start ``cmd``; its output goes to a log file in the benchmarks' state folder."""
    logs = Path(BENCH_ENV["COSAR_STATE_DIR"]) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    name = "-".join(Path(part).name for part in cmd[:3] if not part.startswith("-"))
    with open(logs / f"bench-{name}.log", "ab") as log:
        return subprocess.Popen(cmd, env={**os.environ, **env}, stdout=log, stderr=log)


def service_command(service: str, port: int) -> list[str]:
    """``<service> serve --port`` from this interpreter's environment."""
    return [os.path.join(os.path.dirname(sys.executable), service), "serve", "--port", str(port)]


def service_env(ep: Endpoints, services: Iterable[str], **settings: str) -> dict[str, str]:
    """The environment ``services`` run with against ``ep``: for each, its Kafka, Keycloak and
    database port and quiet logs, then ``settings`` (``SERVER_TIMING="true"``), all under the
    service's prefix (``THESAURUS_KEYCLOAK_URL``)."""
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": ep.kafka_bootstrap,
        "KEYCLOAK_URL": ep.keycloak_url,
        "DB_PORT": str(ep.postgres_port),
        "LOG_LEVEL": "WARNING",
        **settings,
    }
    return {f"{s.upper()}_{k}": v for s in services for k, v in common.items()}


@dataclass
class BenchRun:
    """One benchmark's run on its infrastructure: where it answers, what it started."""

    ep: Endpoints
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """``cmd`` started (see :func:`start_process`), stopped when the run ends."""
        process = start_process(cmd, env)
        self.processes.append(process)
        return process

    async def serve(self, env: dict[str, str], **ports: int) -> None:
        """Each service of ``ports`` (``thesaurus=18101``) served from this environment, all
        started first, then each waited for until ready."""
        for service, port in ports.items():
            self.start(service_command(service, port), env)
        for port in ports.values():
            await wait_ready(f"http://127.0.0.1:{port}/health/ready")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=30)


@asynccontextmanager
async def infrastructure(*services: str, reference_data: bool = True) -> AsyncIterator[BenchRun]:
    """The infrastructure up (what was not running is started, and stopped at the end), the
    schemas of ``services`` migrated and, unless ``reference_data=False``, the reference code
    systems loaded; the processes the run starts are stopped at the end."""
    started_infra = infra.ensure_up()
    run = BenchRun(Endpoints.local())
    try:
        await migrate(run.ep, *services)
        if reference_data:
            await load_reference_data(run.ep)
        yield run
    finally:
        run.stop()
        infra.stop([name for name, ours in started_infra.items() if ours])


async def migrate(ep: Endpoints, *services: str) -> None:
    """Each service's schema at its latest migration (the benchmarks' database, the tests').

    (The benchmarks run in the workspace, where the services' packages are installed; the
    launcher itself does not depend on them, hence the imports here.)"""
    from cosar_common.db.migrations import upgrade

    for service in services:
        module = importlib.import_module(f"{service}.entrypoints.cli")
        await asyncio.to_thread(
            upgrade,
            migrations_dir=module.MIGRATIONS,
            owner_url=ep.dsn(f"{service}_owner", f"{service}_owner", service),
            runtime_url=ep.dsn(f"{service}_app", f"{service}_app", service),
        )


async def load_reference_data(ep: Endpoints) -> None:
    """The regional reference systems in the thesaurus, once (the loader is idempotent)."""
    from cosar_common.db import make_engine, make_session_factory
    from thesaurus.reference_loader import load_reference

    engine = make_engine(ep.dsn("thesaurus_app", "thesaurus_app", "thesaurus"))
    try:
        await load_reference(make_session_factory(engine))
    finally:
        await engine.dispose()


async def wait_ready(url: str, *, attempts: int = 300) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(attempts):
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} never became ready")


async def wait_for_quiet(*, below: float = 1.0, at_most_s: float = 120.0) -> None:
    """Wait (up to ``at_most_s``) for the 1-minute load average to fall below ``below``:
    Keycloak's and the services' start-up keep both cores busy for a while, and a measure
    taken then says more about them than about what it measures. Prints what it waited for."""
    started = time.monotonic()
    while time.monotonic() - started < at_most_s:
        if os.getloadavg()[0] < below:
            break
        await asyncio.sleep(2)
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs after "
        f"{time.monotonic() - started:.0f} s of waiting for a quiet machine"
    )


async def password_token(keycloak_url: str, username: str) -> str:
    """A demo user's token (password grant of ``platform-cli``; demo realm only)."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            f"{keycloak_url}/realms/cosar/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "platform-cli",
                "username": username,
                "password": "demo",
            },
        )
    response.raise_for_status()
    return str(response.json()["access_token"])


async def load(
    base: str,
    token: str,
    call: Callable[[httpx.AsyncClient, int], Awaitable[float]],
    *,
    clients: int,
    requests: int,
    warm: Iterable[int] = range(10_000, 10_003),
) -> list[float]:
    """``requests`` calls (each returns its latency in ms) by ``clients`` concurrent workers
    sharing one HTTP client, after unmeasured calls of the ``warm`` indices."""
    latencies: list[float] = []
    async with httpx.AsyncClient(
        base_url=base,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
        limits=httpx.Limits(max_connections=clients),
    ) as http:
        for i in warm:
            await call(http, i)

        async def worker(offset: int) -> None:
            for i in range(offset, requests, clients):
                latencies.append(await call(http, i))

        await asyncio.gather(*(worker(k) for k in range(clients)))
    return latencies
