"""The benchmarks' shared start-up: each service's environment, and what a run stops."""

import asyncio

import pytest

from cosar_deploy import bench
from cosar_deploy.endpoints import Endpoints

pytestmark = pytest.mark.unit

EP = Endpoints(postgres_port=35432, kafka_bootstrap="127.0.0.1:39092", keycloak_url="http://kc")


def test_each_service_gets_the_infrastructure_under_its_prefix():
    env = bench.service_env(EP, ("thesaurus", "indicators"), SERVER_TIMING="true")
    assert env == {
        f"{prefix}_{key}": value
        for prefix in ("THESAURUS", "INDICATORS")
        for key, value in {
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:39092",
            "KEYCLOAK_URL": "http://kc",
            "DB_PORT": "35432",
            "LOG_LEVEL": "WARNING",
            "SERVER_TIMING": "true",
        }.items()
    }


class _Process:
    def __init__(self) -> None:
        self.stopped = False

    def terminate(self) -> None:
        self.stopped = True

    def wait(self, timeout: float) -> int:
        return 0


def test_the_run_stops_what_it_started_and_only_the_infrastructure_it_started(monkeypatch):
    started: list[_Process] = []
    stopped_infra: list[list[str]] = []
    monkeypatch.setattr(bench.infra, "ensure_up", lambda: {"postgres": True, "kafka": False})
    monkeypatch.setattr(bench.infra, "stop", stopped_infra.append)
    monkeypatch.setattr(
        bench, "start_process", lambda cmd, env: started.append(_Process()) or started[-1]
    )

    async def migrated(ep, *services):
        assert services == ("thesaurus",)

    async def ready(url, **_):
        assert url == "http://127.0.0.1:18001/health/ready"

    monkeypatch.setattr(bench, "migrate", migrated)
    monkeypatch.setattr(bench, "wait_ready", ready)

    async def scenario() -> None:
        async with bench.infrastructure("thesaurus", reference_data=False) as run:
            await run.serve({}, thesaurus=18001)
            raise RuntimeError("the measure failed")

    with pytest.raises(RuntimeError):
        asyncio.run(scenario())
    assert [p.stopped for p in started] == [True]
    assert stopped_infra == [["postgres"]]
