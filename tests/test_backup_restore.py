"""Backups on the real stack (issue 13): the launcher's backup of every service database,
restored into a fresh PostgreSQL cluster of its own; the assessment and reporting services then
run on it, and every company's DUERP version chain and every establishment's report chains
verify there with the same heads and lengths as on the source.

The fresh cluster is the launcher's own (initdb, settings, provisioning), on a free port, in a
temporary folder; it is stopped and deleted at the end, whatever happens. The services started
on it use consumer groups of their own, so they never take work from the session's services,
and only read: a restored copy never sends an event into the session's Kafka (its unsent outbox
rows are marked sent before it starts).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from cosar_deploy import backup as backups
from cosar_deploy import infra as launcher
from cosar_deploy.endpoints import SERVICES, Endpoints
from tests.assessment_client import DuerpClient, auth, create_company
from tests.conftest import RunningService, free_port, service_env, start_service, stop_service
from tests.reporting_sample import sample

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

TENANTS = ("sst-13-marseille", "sst-83-toulon", "sst-06-nice")
STAFF = "sst-preventer@{tenant}"
# Each pg_dump / pg_restore: a test database holds a few hundred thousand rows.
TOOL_TIMEOUT_S = 300.0
PARALLEL_CALLS = 8


async def _published_duerp(assessment_url: str, token: str) -> str:
    """A company with two published DUERP versions; its id."""
    company = await create_company(assessment_url, token, name="Boulangerie de la sauvegarde")
    async with DuerpClient(assessment_url, token, company["id"]) as duerp:
        unit = await duerp.add_unit(name="Fournil")
        await duerp.add_risk(unit)
        await duerp.ok("POST", "/duerp/versions")
        await duerp.add_unit(name="Boutique", headcount=2)
        await duerp.ok("POST", "/duerp/versions")
    return str(company["id"])


async def _finalised_reports(assessment_url: str, reporting_url: str, token: str) -> str:
    """An establishment whose report was finalised, corrected and finalised again; its id."""
    company = await create_company(
        assessment_url, token, name="Clinique de la sauvegarde", naf_code="86.10Z", headcount=300
    )
    async with httpx.AsyncClient(base_url=reporting_url, headers=auth(token), timeout=60) as http:
        answer = await http.post("/establishments", json={"company_id": company["id"]})
        assert answer.status_code == 201, answer.text
        establishment = answer.json()
        created = await http.post(
            f"/establishments/{establishment['id']}/reports",
            json={"input": sample.sample_report_data()},
        )
        assert created.status_code == 201, created.text
        report_id = created.json()["id"]
        for _ in range(2):
            lock = (await http.get(f"/reports/{report_id}")).headers["ETag"]
            final = await http.post(f"/reports/{report_id}/finalise", headers={"If-Match": lock})
            assert final.status_code == 200, final.text
            if final.json()["revision"] == 1:
                correction = await http.post(f"/reports/{report_id}/corrections")
                assert correction.status_code == 201, correction.text
                report_id = correction.json()["id"]
    return str(establishment["id"])


def _quarantine(ep: Endpoints) -> None:
    """Mark the restored copy's unsent events as sent: the session's services have them (or
    will send them) already; the copy must not send them a second time."""
    for service in ("assessment", "reporting"):
        with psycopg.connect(backups.superuser_server(ep).conninfo(service)) as conn:
            conn.execute("UPDATE outbox SET sent_at = now() WHERE sent_at IS NULL")


async def _get(http: httpx.AsyncClient, path: str, limit: asyncio.Semaphore) -> Any:
    async with limit:
        response = await http.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:500]}"
    return response.json()


async def _duerp_chains(url: str, token: str) -> dict[str, Any]:
    """Every visible company with published versions: its hashes and its chain's verdict."""
    limit = asyncio.Semaphore(PARALLEL_CALLS)
    async with httpx.AsyncClient(base_url=url, headers=auth(token), timeout=60) as http:
        companies = await _get(http, "/companies", limit)

        async def one(company_id: str) -> tuple[str, Any] | None:
            versions = await _get(http, f"/companies/{company_id}/duerp/versions", limit)
            if not versions:
                return None
            chain = await _get(http, f"/companies/{company_id}/duerp/versions/verify", limit)
            hashes = [(v["number"], v["hash"], v["previous_hash"]) for v in versions]
            return company_id, {"versions": hashes, "chain": chain}

        found = await asyncio.gather(*(one(c["id"]) for c in companies))
    return dict(item for item in found if item is not None)


async def _report_chains(url: str, token: str) -> dict[str, Any]:
    """Every visible establishment: its revisions' hashes and each year's chain verdict."""
    limit = asyncio.Semaphore(PARALLEL_CALLS)
    async with httpx.AsyncClient(base_url=url, headers=auth(token), timeout=60) as http:
        establishments = await _get(http, "/establishments", limit)

        async def one(establishment_id: str) -> tuple[str, Any]:
            reports = await _get(http, f"/establishments/{establishment_id}/reports", limit)
            chains = await _get(http, f"/establishments/{establishment_id}/reports/verify", limit)
            revisions = [
                (r["year"], r["revision"], r["status"], r["hash"], r["previous_hash"])
                for r in reports
            ]
            return establishment_id, {"revisions": revisions, "chains": chains}

        found = await asyncio.gather(*(one(e["id"]) for e in establishments))
    return dict(found)


async def _everything(assessment_url: str, reporting_url: str, tokens: dict[str, str]) -> Any:
    return {
        tenant: {
            "duerp": await _duerp_chains(assessment_url, token),
            "reports": await _report_chains(reporting_url, token),
        }
        for tenant, token in tokens.items()
    }


def _valid_chains(found: dict[str, Any]) -> dict[str, int]:
    """How many DUERP chains and report year chains verify, over every tenant."""
    return {
        "duerp": sum(c["chain"]["valid"] for t in found.values() for c in t["duerp"].values()),
        "reports": sum(
            y["chain"]["valid"]
            for t in found.values()
            for r in t["reports"].values()
            for y in r["chains"]
        ),
    }


@contextlib.asynccontextmanager
async def _fresh_cluster(state: Path) -> AsyncIterator[Endpoints]:
    """The launcher's scratch cluster, entered and left in a thread (initdb and the start
    block): the session's services keep serving and heartbeating meanwhile."""
    with contextlib.ExitStack() as stack:
        cluster = launcher.scratch_postgres(state, free_port())
        try:
            yield await asyncio.to_thread(stack.enter_context, cluster)
        finally:
            await asyncio.to_thread(stack.close)


@contextlib.asynccontextmanager
async def _restored_services(
    ep: Endpoints, thesaurus: RunningService
) -> AsyncIterator[tuple[RunningService, RunningService]]:
    """The assessment and reporting services on the restored databases."""
    from assessment.app import create_app as assessment_app
    from assessment.settings import AssessmentSettings
    from reporting.app import create_app as reporting_app
    from reporting.settings import ReportingSettings

    tag = uuid.uuid4().hex[:8]
    assessment = await start_service(
        assessment_app(
            AssessmentSettings(
                **service_env(
                    ep,
                    "assessment",
                    kafka_consumer_group=f"assessment-restored-{tag}",
                    thesaurus_url=thesaurus.url,
                )
            )
        ),
        "assessment-restored",
    )
    try:
        reporting = await start_service(
            reporting_app(
                ReportingSettings(
                    **service_env(
                        ep,
                        "reporting",
                        kafka_consumer_group=f"reporting-restored-{tag}",
                        thesaurus_url=thesaurus.url,
                        assessment_url=assessment.url,
                    )
                )
            ),
            "reporting-restored",
        )
        try:
            yield assessment, reporting
        finally:
            await stop_service(reporting)
    finally:
        await stop_service(assessment)


async def test_a_backup_restored_into_a_fresh_cluster_keeps_every_chain_and_runs(
    infra, thesaurus_service, assessment_service, reporting_service, token_for, tmp_path
):
    tokens = {tenant: await token_for(STAFF.format(tenant=tenant)) for tenant in TENANTS}
    marseille = tokens["sst-13-marseille"]
    company_id = await _published_duerp(assessment_service.url, marseille)
    establishment_id = await _finalised_reports(
        assessment_service.url, reporting_service.url, marseille
    )
    before = await _everything(assessment_service.url, reporting_service.url, tokens)
    mine = before["sst-13-marseille"]
    assert [v[0] for v in mine["duerp"][company_id]["versions"]] == [1, 2]
    assert mine["duerp"][company_id]["chain"]["valid"] is True
    (year_chain,) = mine["reports"][establishment_id]["chains"]
    assert (year_chain["chain"]["valid"], year_chain["chain"]["length"]) == (True, 2)
    # Not every chain of the source verifies: an earlier test tampers with a version on
    # purpose. The copy must give each chain the very verdict of the source (a restore neither
    # repairs nor breaks one), with the same hashes, heads and lengths.
    valid = _valid_chains(before)
    assert valid["duerp"] >= 1
    assert valid["reports"] >= 1

    folder = await asyncio.to_thread(
        backups.backup,
        backups.superuser_server(infra),
        tmp_path / "backups",
        timeout_s=TOOL_TIMEOUT_S,
    )
    manifest = backups.verify_backup(folder)
    assert manifest.names == list(SERVICES)
    assert all(d.alembic_revision for d in manifest.databases)

    async with _fresh_cluster(tmp_path / "fresh-cluster") as fresh:
        assert fresh.postgres_port != infra.postgres_port
        restored_manifest = await asyncio.to_thread(
            backups.restore, folder, backups.superuser_server(fresh), timeout_s=TOOL_TIMEOUT_S
        )
        assert restored_manifest == manifest
        # Kafka and Keycloak stay the session's; only the database is the fresh cluster's.
        restored_ep = dataclasses.replace(
            infra, postgres_host=fresh.postgres_host, postgres_port=fresh.postgres_port
        )
        await asyncio.to_thread(_quarantine, restored_ep)
        async with _restored_services(restored_ep, thesaurus_service) as (assessment, reporting):
            after = await _everything(assessment.url, reporting.url, tokens)
            # The same chains, heads and lengths, tenant by tenant (row-level security kept).
            assert after == before
            assert _valid_chains(after) == valid
            # The stored documents read back the same through the restored services.
            async with httpx.AsyncClient(headers=auth(marseille), timeout=60) as http:
                for url in (assessment_service.url, assessment.url):
                    assert (await http.get(f"{url}/health/ready")).status_code == 200
                path = f"/companies/{company_id}/duerp/versions/2"
                source = await http.get(f"{assessment_service.url}{path}")
                copy = await http.get(f"{assessment.url}{path}")
                assert source.status_code == copy.status_code == 200, copy.text
                assert copy.json() == source.json()
                path = f"/establishments/{establishment_id}/reports"
                source = await http.get(f"{reporting_service.url}{path}")
                copy = await http.get(f"{reporting.url}{path}")
                assert copy.json() == source.json()
                last = copy.json()[-1]["id"]
                page = await http.get(f"{reporting.url}/reports/{last}/document.html")
                assert page.status_code == 200, page.text
                assert copy.json()[-1]["hash"][:12] in page.text
