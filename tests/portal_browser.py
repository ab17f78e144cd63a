"""What the portal's browser tests share: the demo companies, Chromium, logging in through
Keycloak, the axe-core check, and reading back what the assessment stored.

The fixtures are declared under their own names (``name=``) and imported by the test modules
as ``*_fixture``: pytest finds them by name, and the test parameters shadow no import.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from cosar_common import clock
from cosar_common.web_assets import HTMX

DEMO_FILE = Path(__file__).parents[1] / "deploy" / "demo" / "demo-data.json"
PASSWORD = "demo"
HTMX_VERSION = HTMX.version
NOT_ACCESSIBLE = "Cette entreprise n'existe pas ou ne vous est pas accessible."


def _demo_company(tenant: str, index: int) -> dict[str, str]:
    data = json.loads(DEMO_FILE.read_text("utf-8"))
    companies = next(t["companies"] for t in data["tenants"] if t["tenant_id"] == tenant)
    return dict(companies[index])


BAKERY = _demo_company("sst-13-marseille", 0)  # employer1@sst-13-marseille's
TRANSPORTS = _demo_company("sst-13-marseille", 1)  # employer2@sst-13-marseille's


def chromium_path() -> str:
    """Debian's chromium (the test command installs it with apt when it is missing)."""
    found = os.environ.get("COSAR_CHROMIUM") or shutil.which("chromium")
    assert found, "chromium introuvable : `apt-get install chromium` (bin/platform test le fait)"
    return found


@pytest.fixture(scope="module", name="demo_loaded")
async def demo_loaded_fixture(migrated: Any) -> None:
    from assessment.demo import load_demo

    await load_demo(migrated.dsn("assessment_app", "assessment_app", "assessment"), DEMO_FILE)


@pytest.fixture(scope="module", name="chromium")
async def chromium_fixture() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path())
        yield launched
        await launched.close()


@pytest.fixture(name="context")
async def context_fixture(chromium: Browser) -> AsyncIterator[BrowserContext]:
    created = await chromium.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
    yield created
    await created.close()


async def assert_accessible(page: Page) -> None:
    results = await Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{page.url}: {serious}"


async def log_in(page: Page, portal: str, username: str) -> None:
    """Through Keycloak's own login form, as a person does."""
    await page.goto(f"{portal}/")
    await page.get_by_role("link", name="Se connecter").click()
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("#kc-login").click()
    await page.wait_for_url(f"{portal}/**")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mes entreprises")


async def read_duerp(assessment_url: str, token: str, company_id: str) -> dict[str, Any]:
    """The open DUERP as the assessment has it, read straight from its API."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(
            f"{assessment_url}/companies/{company_id}/duerp",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    duerp: dict[str, Any] = response.json()
    return duerp


async def work_unit_names(assessment_url: str, token: str, company_id: str) -> list[str]:
    duerp = await read_duerp(assessment_url, token, company_id)
    return [unit["name"] for unit in duerp["work_units"]]


def unique(prefix: str) -> str:
    return f"{prefix} {clock.today():%d/%m} {uuid.uuid4().hex[:6]}"


async def add_unit_through_api(assessment_url: str, token: str, name: str) -> None:
    """Someone else changes the DUERP meanwhile (adds a unit), straight through the API."""
    base = f"{assessment_url}/companies/{BAKERY['id']}/duerp"
    async with httpx.AsyncClient(timeout=10, headers={"Authorization": f"Bearer {token}"}) as http:
        lock = (await http.get(base)).json()["lock_version"]
        added = await http.post(
            f"{base}/work-units",
            json={"kind": "geographic", "name": name, "headcount": 1},
            headers={"If-Match": str(lock)},
        )
    assert added.status_code == 201, added.text
