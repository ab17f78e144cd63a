"""The action plan in a real browser (issue 14): an action added to a risk from the form a risk
page links to, marked done from the plan with htmx, then the invitation to re-rate the risk,
whose link opens the risk's page. What the pages say is checked against the assessment's API;
every page is checked with axe-core.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.portal_browser import (  # the fixtures: pytest finds them by name
    BAKERY,
    assert_accessible,
    chromium_fixture,  # noqa: F401
    context_fixture,  # noqa: F401
    demo_loaded_fixture,  # noqa: F401
    log_in,
    read_duerp,
    unique,
)

pytestmark = pytest.mark.integration

EMPLOYER = "employer1@sst-13-marseille"


async def add_risk_through_api(assessment_url: str, token: str, unit_name: str) -> dict[str, str]:
    """A unit with a noise risk of major priority (4 × 4, no measure), straight through the API."""
    base = f"{assessment_url}/companies/{BAKERY['id']}/duerp"
    async with httpx.AsyncClient(timeout=10, headers={"Authorization": f"Bearer {token}"}) as http:
        lock = (await http.get(base)).json()["lock_version"]
        unit = await http.post(
            f"{base}/work-units",
            json={"kind": "trade", "name": unit_name, "headcount": 3},
            headers={"If-Match": str(lock)},
        )
        assert unit.status_code == 201, unit.text
        unit_id = unit.json()["id"]
        lock = (await http.get(base)).json()["lock_version"]
        risk = await http.post(
            f"{base}/work-units/{unit_id}/risks",
            json={"hazard_code": "PHY.BRUIT", "rating": {"probability": 4, "gravity": 4}},
            headers={"If-Match": str(lock)},
        )
        assert risk.status_code == 201, risk.text
    return {"unit_id": unit_id, "risk_id": risk.json()["id"]}


def action_titled(duerp: dict[str, Any], title: str) -> dict[str, Any]:
    return next(a for a in duerp["actions"] if a["title"] == title)


def risk_by_id(duerp: dict[str, Any], risk_id: str) -> dict[str, Any]:
    risks = (r for u in duerp["work_units"] for r in u["risks"])
    return next(r for r in risks if r["id"] == risk_id)


async def test_an_action_added_to_a_risk_then_done_invites_to_re_rate_it(
    portal_service, assessment_service, demo_loaded, context, token_for
):
    employer = await token_for(EMPLOYER)
    unit_name = unique("Laminoir")
    ids = await add_risk_through_api(assessment_service.url, employer, unit_name)
    portal = portal_service.url
    plan_url = f"{portal}/entreprises/{BAKERY['id']}/actions"
    page = await context.new_page()
    await log_in(page, portal, EMPLOYER)

    # The company page leads to the plan, which leads to the form.
    await page.goto(f"{portal}/entreprises/{BAKERY['id']}")
    await page.get_by_role("link", name="Voir le plan d'action").click()
    await expect(page).to_have_url(plan_url)
    await expect(page.locator("#en-retard")).to_be_visible()
    await assert_accessible(page)

    # The form a risk's page links to: the risk already chosen.
    await page.goto(f"{plan_url}/new?risk={ids['risk_id']}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ajouter une action sur le risque « Bruit »"
    )
    await expect(page.get_by_label("Risque concerné")).to_have_value(ids["risk_id"])
    await assert_accessible(page)
    title = unique("Capoter le laminoir")
    await page.get_by_label("Protection collective").check()
    await page.get_by_label("Action (obligatoire)").fill(title)
    await page.get_by_label("Responsable (facultatif)").fill("Jean Castel")
    await page.get_by_label("Coût estimé en euros (facultatif)").fill("1 250,50")
    await page.get_by_role("button", name="Ajouter l'action").click()
    await expect(page).to_have_url(re.compile(re.escape(plan_url) + "#action-"))
    await expect(page.get_by_role("status")).to_contain_text(
        f"L'action « {title} » a été ajoutée au plan, échéance le"
    )
    action = action_titled(await read_duerp(assessment_service.url, employer, BAKERY["id"]), title)
    assert action["risk_id"] == ids["risk_id"]
    assert action["status"] == "planned"
    assert action["deadline"] is not None  # the service's default, from the major priority
    assert action["cost_eur"] in ("1250.50", "1250.5")
    row = page.locator(f"#action-{action['id']}")
    await expect(row).to_contain_text("Prévue")
    await expect(row).to_contain_text("Protection collective")
    await expect(row).not_to_contain_text("planned")
    await assert_accessible(page)

    # Marked done: htmx swaps the action alone and the page invites to re-rate the risk.
    await row.get_by_label(f"Statut de l'action « {title} »").select_option("done")
    async with page.expect_response(re.compile(rf"/actions/{action['id']}/statut$")) as answer:
        await row.get_by_role("button", name=re.compile("^Enregistrer le statut")).click()
    assert (await answer.value).status == 200
    await expect(page).to_have_url(re.compile(re.escape(plan_url)))
    row = page.locator(f"#action-{action['id']}")
    await expect(row).to_contain_text("Terminée")
    await expect(page.locator("#annonce")).to_contain_text(f"L'action « {title} » est maintenant")
    await expect(row).to_contain_text("Une action sur le risque « Bruit »")
    duerp = await read_duerp(assessment_service.url, employer, BAKERY["id"])
    assert action_titled(duerp, title)["status"] == "done"
    assert risk_by_id(duerp, ids["risk_id"])["needs_rerating"] is True
    await assert_accessible(page)

    await row.get_by_role("link", name="Recoter le risque « Bruit »").click()
    await expect(page).to_have_url(
        f"{portal}/entreprises/{BAKERY['id']}/unites/{ids['unit_id']}/risques/{ids['risk_id']}"
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Recoter le risque « Bruit »")
