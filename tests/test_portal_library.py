"""The employer's sector library and pénibilité pages in a real browser (issue 14): typical
hazards of the bakery's NAF added to a unit with htmx (two in a row, so the forms follow the
DUERP's lock), a missing level refused next to its field, then one pénibilité factor recorded
and judged by the assessment against the C2P threshold of the year. What the pages say is
checked against the assessment's API; every page is checked with axe-core.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

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


async def open_new_unit(page: Page, portal: str, name: str) -> None:
    """A unit of its own for this test, through the company page, then its page."""
    await page.goto(f"{portal}/entreprises/{BAKERY['id']}")
    await page.get_by_label("Par métier").check()
    await page.get_by_label("Nom de l'unité").fill(name)
    await page.get_by_label("Effectif").fill("4")
    await page.get_by_role("button", name="Ajouter l'unité").click()
    await expect(page.get_by_role("status")).to_contain_text("a été ajoutée")
    await page.get_by_role("link", name=name, exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Unité de travail « {name} »")


def entry(page: Page, hazard: str) -> Locator:
    return page.locator("li.library-entry").filter(
        has=page.get_by_role("heading", level=3, name=re.compile(f"^{re.escape(hazard)}"))
    )


def unit_of(duerp: dict[str, Any], name: str) -> dict[str, Any]:
    return next(u for u in duerp["work_units"] if u["name"] == name)


async def test_employer_adds_sector_hazards_then_records_a_penibilite_factor(
    portal_service, assessment_service, demo_loaded, context, token_for
):
    page = await context.new_page()
    await log_in(page, portal_service.url, EMPLOYER)
    name = unique("Fournil")
    await open_new_unit(page, portal_service.url, name)
    unit_url = page.url

    # The sector library, from the unit's page: the bakery's typical hazards (NAF 10).
    await page.get_by_role("link", name="Dangers typiques du secteur").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Dangers typiques du secteur pour l'unité « {name} »"
    )
    library_url = page.url
    dust = entry(page, "Poussières et fumées")
    await expect(dust).to_contain_text("Protection collective")
    await assert_accessible(page)

    # A missing level: refused next to its group, the other choice kept, nothing stored.
    await dust.get_by_label("2 — Possible").check()
    await dust.get_by_role("button", name="Ajouter « Poussières et fumées » à l'unité").click()
    gravity = dust.locator("fieldset[id$='-gravity']")
    await expect(gravity).to_have_attribute("aria-invalid", "true")
    await expect(gravity.locator(".field-error")).to_have_text(re.compile("obligatoire"))
    assert "erreur-" in (await gravity.get_attribute("aria-describedby") or "")
    await expect(dust.get_by_label("2 — Possible")).to_be_checked()
    await assert_accessible(page)
    employer = await token_for(EMPLOYER)
    duerp = await read_duerp(assessment_service.url, employer, BAKERY["id"])
    assert unit_of(duerp, name)["risks"] == []

    # Added with htmx: no page load, the entry marked, the unit's list and the message updated.
    await dust.get_by_label("3 — Grave").check()
    await dust.get_by_role("button", name="Ajouter « Poussières et fumées » à l'unité").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Le risque « Poussières et fumées » a été ajouté à l'unité"
    )
    await expect(entry(page, "Poussières et fumées")).to_contain_text("Déjà dans l'unité")
    await expect(page.locator("#risques-unite")).to_contain_text("Poussières et fumées")
    assert page.url == library_url
    # A second one at once: its form got the DUERP's new lock, no conflict.
    night = entry(page, "Travail de nuit")
    await night.get_by_label("3 — Probable").check()
    await night.get_by_label("2 — Sérieux").check()
    await night.get_by_role("button", name="Ajouter « Travail de nuit » à l'unité").click()
    await expect(entry(page, "Travail de nuit")).to_contain_text("Déjà dans l'unité")
    await expect(page.locator(".conflict")).to_have_count(0)
    await assert_accessible(page)
    unit = unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), name)
    risks = {r["hazard"]["code"]: r for r in unit["risks"]}
    assert set(risks) == {"CHI.POUSS", "PSY.NUIT"}
    assert risks["CHI.POUSS"]["rating"]["inputs"] == {"probability": 2, "gravity": 3}
    assert risks["CHI.POUSS"]["measures"][0]["kind"] == "collective"  # the library's
    assert risks["CHI.POUSS"]["rating"]["control_level"] == "controlled"  # derived by the service
    # Once reloaded, both are marked and have no form any more.
    await page.reload()
    await expect(page.get_by_role("button", name=re.compile("Poussières et fumées"))).to_have_count(
        0
    )

    # Pénibilité, from the unit's page: ten factors, four without a C2P threshold.
    await page.goto(unit_url)
    await page.get_by_role("link", name="Facteurs de pénibilité et seuils C2P").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Facteurs de pénibilité de l'unité « {name} »"
    )
    await expect(page.locator("article.factor")).to_have_count(10)
    await expect(page.get_by_text("Pas de seuil C2P depuis 2017")).to_have_count(4)
    await expect(page.locator("#facteur-3a")).to_contain_text("Seuil C2P en vigueur en")
    await expect(page.locator("#facteur-3a")).to_contain_text("nuits par an")
    await assert_accessible(page)

    await page.get_by_role("link", name="Évaluer ce facteur « Travail de nuit »").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Évaluer « Travail de nuit » dans l'unité « {name} »"
    )
    await assert_accessible(page)
    await page.get_by_label("Nombre de salariés de l'unité exposés").fill("2")
    await page.locator("#champ-intensity_reached-oui").check()
    await page.get_by_label(re.compile("^Durée d'exposition sur l'année")).fill("110")
    await page.get_by_role("button", name="Enregistrer l'évaluation").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Facteurs de pénibilité")
    unit = unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), name)
    [exposure] = [e for e in unit["penibilite"] if e["factor"]["code"] == "3a"]
    assert exposure["exposed_headcount"] == 2
    assert exposure["intensity_reached"] is True
    assert Decimal(str(exposure["yearly_duration"])) == 110
    verdict = "au-delà" if exposure["above_threshold"] else "en deçà"
    await expect(page.get_by_role("status")).to_contain_text(
        f"Le facteur « Travail de nuit » a été évalué : {verdict} du seuil C2P"
    )
    await expect(page.locator("#facteur-3a")).to_contain_text("2 salariés exposés · 110 nuits")
    await assert_accessible(page)
