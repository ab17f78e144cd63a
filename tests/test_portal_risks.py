"""The employer's DUERP pages in a real browser (issue 14): a work unit's own page, editing and
archiving it, adding a risk whose hazard comes from the thesaurus (with and without JavaScript)
and re-rating it; recording its measures (the control level deduced), its history, copying the
unit and archiving a risk. The scores the pages show are checked against what the assessment's
API returns; every page is checked with axe-core.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.portal_browser import (  # the fixtures: pytest finds them by name
    BAKERY,
    add_unit_through_api,
    assert_accessible,
    chromium_fixture,  # noqa: F401
    context_fixture,  # noqa: F401
    demo_loaded_fixture,  # noqa: F401
    log_in,
    read_duerp,
    unique,
    work_unit_names,
)

pytestmark = pytest.mark.integration

EMPLOYER = "employer1@sst-13-marseille"
SEARCH_LABEL = "Rechercher un danger dans le référentiel"


def fr(score: str) -> str:
    """A score as the pages write it: the API's text with a decimal comma."""
    return score.replace(".", ",")


async def add_unit(page: Page, portal: str, name: str, headcount: str = "3") -> None:
    """Through the company page's form, then open the new unit's own page."""
    await page.goto(f"{portal}/entreprises/{BAKERY['id']}")
    await page.get_by_label("Par métier").check()
    await page.get_by_label("Nom de l'unité").fill(name)
    await page.get_by_label("Effectif").fill(headcount)
    await page.get_by_role("button", name="Ajouter l'unité").click()
    await expect(page.get_by_role("status")).to_contain_text("a été ajoutée")
    await page.get_by_role("link", name=name, exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Unité de travail « {name} »")


def unit_of(duerp: dict[str, Any], name: str) -> dict[str, Any]:
    return next(u for u in duerp["work_units"] if u["name"] == name)


def risk_of(unit: dict[str, Any], hazard: str) -> dict[str, Any]:
    return next(r for r in unit["risks"] if r["hazard"]["display"] == hazard)


def hazard_results(page: Page) -> Locator:
    """Where the hazards found are listed, as radios of the add-risk form."""
    return page.locator("#resultats-dangers")


async def test_employer_edits_a_work_unit_with_errors_in_french_then_archives_it(
    portal_service, assessment_service, demo_loaded, context, token_for
):
    page = await context.new_page()
    await log_in(page, portal_service.url, EMPLOYER)
    name = unique("Réserve")
    await add_unit(page, portal_service.url, name)
    await assert_accessible(page)
    unit_url = page.url

    # An empty name is refused next to its field, in French; the other input stays.
    await page.get_by_label("Nom de l'unité").fill("")
    await page.get_by_label("Effectif").fill("5")
    await page.get_by_role("button", name="Enregistrer les modifications").click()
    await expect(page.locator(".error-summary")).to_contain_text("1 erreur")
    name_field = page.locator("#champ-name")
    await expect(name_field).to_have_attribute("aria-invalid", "true")
    assert "erreur-name" in (await name_field.get_attribute("aria-describedby") or "")
    await expect(page.locator("#erreur-name")).to_have_text(re.compile("obligatoire"))
    await expect(page.get_by_label("Effectif")).to_have_value("5")
    await assert_accessible(page)

    renamed = unique("Réserve et quai")
    await page.get_by_label("Par lieu").check()
    await page.get_by_label("Nom de l'unité").fill(renamed)
    await page.get_by_label("Description (facultatif)").fill("Stock de farine")
    await page.get_by_role("button", name="Enregistrer les modifications").click()
    await expect(page.get_by_role("status")).to_contain_text(
        f"L'unité « {renamed} » a été modifiée"
    )
    await expect(page.get_by_role("heading", level=1)).to_contain_text(renamed)
    employer = await token_for(EMPLOYER)
    saved = unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), renamed)
    assert (saved["kind"], saved["headcount"], saved["description"]) == (
        "geographic",
        5,
        "Stock de farine",
    )
    await assert_accessible(page)

    # Someone else changes the DUERP meanwhile: the conflict block, the input kept, then saved.
    await page.get_by_label("Effectif").fill("7")
    await add_unit_through_api(assessment_service.url, employer, unique("Bureau"))
    await page.get_by_role("button", name="Enregistrer les modifications").click()
    conflict = page.locator(".conflict")
    await expect(conflict).to_contain_text("a changé pendant votre saisie")
    await expect(conflict).to_contain_text("Effectif : 5")  # as saved
    await expect(page.get_by_label("Effectif")).to_have_value("7")  # as typed
    await assert_accessible(page)
    await page.get_by_role("button", name="Enregistrer les modifications").click()
    await expect(page.get_by_role("status")).to_contain_text("a été modifiée")
    saved = unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), renamed)
    assert saved["headcount"] == 7

    # Archiving asks first, on a page of its own; going back changes nothing.
    await page.get_by_role("link", name=f"Archiver l'unité « {renamed} »").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Archiver l'unité « {renamed} » ?"
    )
    await assert_accessible(page)
    await page.get_by_role("link", name="Non, revenir à l'unité").click()
    await expect(page).to_have_url(unit_url)
    assert renamed in await work_unit_names(assessment_service.url, employer, BAKERY["id"])
    await page.get_by_role("link", name=f"Archiver l'unité « {renamed} »").click()
    await page.get_by_role("button", name="Oui, archiver l'unité").click()
    await expect(page).to_have_url(f"{portal_service.url}/entreprises/{BAKERY['id']}")
    await expect(page.get_by_role("status")).to_contain_text(
        f"L'unité « {renamed} » a été archivée"
    )
    await expect(page.get_by_role("link", name=renamed, exact=True)).to_have_count(0)
    assert renamed not in await work_unit_names(assessment_service.url, employer, BAKERY["id"])
    await assert_accessible(page)
    gone = await page.goto(unit_url)
    assert gone is not None
    assert gone.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")


async def test_without_javascript_a_risk_is_added_through_the_search_form(
    portal_service, assessment_service, demo_loaded, chromium: Browser, context, token_for
):
    page = await context.new_page()
    await log_in(page, portal_service.url, EMPLOYER)
    name = unique("Fournil")
    await add_unit(page, portal_service.url, name)
    # The same session in a browser with JavaScript switched off (Keycloak's pages aside).
    no_js: BrowserContext = await chromium.new_context(
        locale="fr-FR", java_script_enabled=False, storage_state=await context.storage_state()
    )
    try:
        plain = await no_js.new_page()
        await plain.goto(page.url)
        await plain.get_by_label(SEARCH_LABEL).fill("bruit")
        await plain.get_by_role("button", name="Rechercher").click()
        await expect(plain).to_have_url(re.compile(r"\?q=bruit"))
        results = hazard_results(plain)
        await expect(results).to_contain_text("trouvé")
        await page.goto(plain.url)  # axe needs JavaScript: the same page, in the other browser
        await assert_accessible(page)

        await results.get_by_label("Bruit", exact=True).check()
        await plain.get_by_label("2 — Possible").check()
        await plain.get_by_label("3 — Grave").check()
        await plain.get_by_label("Situations dangereuses (facultatif)").fill("Pétrin et laminoir")
        await plain.get_by_role("button", name="Ajouter le risque").click()
        await expect(plain.get_by_role("status")).to_contain_text(
            "Le risque « Bruit » a été ajouté"
        )

        employer = await token_for(EMPLOYER)
        unit = unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), name)
        rating = risk_of(unit, "Bruit")["rating"]
        assert rating["inputs"] == {"probability": 2, "gravity": 3}
        assert rating["priority"] == "moderate"  # the seed's example: 2 × 3 = 6, moderate
        row = plain.get_by_role("row", name=re.compile("^Bruit"))
        for shown in ("2 — Possible", "3 — Grave", fr(rating["raw_score"]), "Modérée"):
            await expect(row).to_contain_text(shown)
        await expect(row).not_to_contain_text("PHY.BRUIT")
        await expect(plain.get_by_role("status")).to_contain_text(
            f"criticité brute {fr(rating['raw_score'])}, résiduelle "
            f"{fr(rating['residual_score'])} : priorité Modérée"
        )
        await page.goto(plain.url)
        await assert_accessible(page)
    finally:
        await no_js.close()


async def test_with_htmx_the_hazards_come_while_typing_and_the_risk_is_re_rated(
    portal_service, assessment_service, demo_loaded, context, token_for
):
    page = await context.new_page()
    await log_in(page, portal_service.url, EMPLOYER)
    name = unique("Livraisons")
    await add_unit(page, portal_service.url, name)
    unit_url = page.url

    async with page.expect_response(re.compile(r"/dangers\?q=chut")) as fragment:
        await page.get_by_label(SEARCH_LABEL).press_sequentially("chut", delay=60)
    assert (await fragment.value).status == 200
    results = hazard_results(page)
    await expect(results.get_by_label("Chutes de hauteur")).to_be_visible()
    assert page.url == unit_url  # no page load: htmx put the results in the form
    await assert_accessible(page)

    # A hazard withdrawn from the thesaurus after the search: the service's 422, in French,
    # next to the hazard, and the rest of the input kept.
    await results.get_by_label("Chutes de hauteur").check()
    await page.get_by_label("4 — Très probable").check()
    await page.get_by_label("4 — Très grave").check()
    await page.get_by_label("Maîtrisé", exact=True).check()
    await page.evaluate(
        "() => { document.querySelector('input[name=hazard_code]:checked').value = 'PHY.RETIRE' }"
    )
    await page.get_by_role("button", name="Ajouter le risque").click()
    hazard_error = page.locator("#erreur-hazard_code")
    await expect(hazard_error).to_have_text(re.compile("Code inconnu : PHY.RETIRE"))
    await expect(page.locator(".error-summary")).to_contain_text("erreur")
    fieldset = page.locator("#champ-hazard_code")
    assert "erreur-hazard_code" in (await fieldset.get_attribute("aria-describedby") or "")
    await expect(page.get_by_label("4 — Très probable")).to_be_checked()
    await expect(page.get_by_label("Maîtrisé", exact=True)).to_be_checked()
    await assert_accessible(page)
    employer = await token_for(EMPLOYER)
    assert (
        unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), name)["risks"]
        == []
    )

    await page.get_by_label(SEARCH_LABEL).fill("")
    async with page.expect_response(re.compile(r"/dangers\?q=hauteur")):
        await page.get_by_label(SEARCH_LABEL).press_sequentially("hauteur", delay=60)
    await results.get_by_label("Chutes de hauteur").check()
    await page.get_by_role("button", name="Ajouter le risque").click()
    await expect(page.get_by_role("status")).to_contain_text("« Chutes de hauteur » a été ajouté")
    before = risk_of(
        unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), name),
        "Chutes de hauteur",
    )["rating"]
    assert before["inputs"] == {"probability": 4, "gravity": 4}
    assert before["control_level"] == "controlled"
    await assert_accessible(page)

    # Re-rating: its own page starts from the current rating; the new one is the API's.
    await page.get_by_role("link", name="Recoter le risque « Chutes de hauteur »").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Recoter le risque « Chutes de hauteur »"
    )
    await expect(page.get_by_label("4 — Très probable")).to_be_checked()
    await expect(page.get_by_label("4 — Très grave")).to_be_checked()
    await assert_accessible(page)
    await page.get_by_label("1 — Improbable").check()
    await page.get_by_label("Motif de la nouvelle cotation (facultatif)").fill("Garde-corps posés")
    await page.get_by_role("button", name="Enregistrer la nouvelle cotation").click()
    await expect(page).to_have_url(unit_url)
    after = risk_of(
        unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), name),
        "Chutes de hauteur",
    )["rating"]
    assert after["inputs"] == {"probability": 1, "gravity": 4}
    assert after["residual_score"] != before["residual_score"]
    status = page.get_by_role("status")
    await expect(status).to_contain_text("« Chutes de hauteur » a été recoté")
    await expect(status).to_contain_text(
        f"criticité brute {fr(after['raw_score'])}, résiduelle {fr(after['residual_score'])}"
    )
    row = page.get_by_role("row", name=re.compile("^Chutes de hauteur"))
    await expect(row).to_contain_text("1 — Improbable")
    await expect(row).to_contain_text(fr(after["residual_score"]))
    await assert_accessible(page)


async def test_employer_records_measures_copies_the_unit_and_archives_a_risk_of_the_copy(
    portal_service, assessment_service, demo_loaded, context, token_for
):
    page = await context.new_page()
    await log_in(page, portal_service.url, EMPLOYER)
    name = unique("Laminage")
    await add_unit(page, portal_service.url, name)
    unit_url = page.url
    async with page.expect_response(re.compile(r"/dangers\?q=bruit")):
        await page.get_by_label(SEARCH_LABEL).press_sequentially("bruit", delay=60)
    await hazard_results(page).get_by_label("Bruit", exact=True).check()
    await page.get_by_label("2 — Possible").check()
    await page.get_by_label("3 — Grave").check()
    await page.get_by_role("button", name="Ajouter le risque").click()
    await expect(page.get_by_role("status")).to_contain_text("Le risque « Bruit » a été ajouté")

    # The risk's page: no measure yet, so its level is the one deduced (none), and says so.
    await page.get_by_role("link", name="Recoter le risque « Bruit »").click()
    await expect(page.get_by_label("Déduire des mesures existantes")).to_be_checked()
    preview = page.locator("#apercu")
    await expect(preview).to_contain_text("déduit des mesures")
    await expect(preview).to_contain_text("Modérée")  # the seed's example: 2 × 3 = 6
    await assert_accessible(page)

    # A collective protection: the preview (htmx) deduces « Maîtrisé » before anything is saved.
    await page.get_by_label("Description de la mesure 1", exact=True).fill("Capotage du laminoir")
    async with page.expect_response(re.compile(r"/apercu$")):
        await page.get_by_label("Type de la mesure 1", exact=True).select_option(
            label="Protection collective"
        )
    await expect(preview).to_contain_text("Maîtrisé")
    await expect(preview).to_contain_text("2,10")  # 6 × 0.35
    await expect(preview).to_contain_text("pas encore enregistré")
    await page.get_by_label("Description de la mesure 2", exact=True).fill("Casques antibruit")
    await page.get_by_label("Type de la mesure 2", exact=True).select_option(
        label="Protection individuelle (EPI)"
    )
    await page.get_by_label("Nombre de salariés exposés (facultatif)").fill("2")
    await assert_accessible(page)
    await page.get_by_role("button", name="Enregistrer la nouvelle cotation").click()
    await expect(page).to_have_url(unit_url)
    await expect(page.get_by_role("status")).to_contain_text("« Bruit » a été recoté")
    employer = await token_for(EMPLOYER)
    risk = risk_of(
        unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), name), "Bruit"
    )
    assert risk["measures"] == [
        {"kind": "collective", "description": "Capotage du laminoir"},
        {"kind": "individual", "description": "Casques antibruit"},
    ]
    assert risk["exposed_headcount"] == 2
    assert risk["rating"]["control_level"] == "controlled"  # deduced by the service too
    assert risk["rating"]["priority"] == "low"

    # Its history: the first rating and the new one, newest first.
    await page.get_by_role("link", name="Recoter le risque « Bruit »").click()
    history = page.get_by_role("table", name=re.compile("Cotations successives"))
    await expect(history.get_by_role("row")).to_have_count(3)  # the header and two ratings
    await expect(history.get_by_role("row").nth(1)).to_contain_text(
        fr(risk["rating"]["residual_score"])
    )
    await expect(history.get_by_role("row").nth(2)).to_contain_text("Cotation initiale")
    await assert_accessible(page)

    # Copying the unit: its name asked on a page of its own, then the copy with the risk.
    await page.goto(unit_url)
    await page.get_by_role("link", name=f"Copier l'unité « {name} »").click()
    await expect(page.get_by_label("Nom de la nouvelle unité")).to_have_value(f"{name} (copie)")
    await assert_accessible(page)
    copy_name = unique("Laminage bis")
    await page.get_by_label("Nom de la nouvelle unité").fill(copy_name)
    await page.get_by_role("button", name="Copier l'unité et ses risques").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Unité de travail « {copy_name} »"
    )
    await expect(page.get_by_role("status")).to_contain_text(f"L'unité « {copy_name} » a été créée")
    copy_url = page.url
    assert copy_url != unit_url
    copied = risk_of(
        unit_of(await read_duerp(assessment_service.url, employer, BAKERY["id"]), copy_name),
        "Bruit",
    )
    assert copied["measures"] == risk["measures"]
    assert copied["rating"] == risk["rating"]

    # Archiving the copy's risk asks first; the original unit keeps its own.
    await page.get_by_role("link", name="Recoter le risque « Bruit »").click()
    await page.get_by_role("link", name="Archiver le risque « Bruit »").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Archiver le risque « Bruit » ?"
    )
    await assert_accessible(page)
    await page.get_by_role("button", name="Oui, archiver le risque").click()
    await expect(page).to_have_url(copy_url)
    await expect(page.get_by_role("status")).to_contain_text("Le risque « Bruit » a été archivé")
    await expect(page.get_by_role("row", name=re.compile("^Bruit"))).to_have_count(0)
    duerp = await read_duerp(assessment_service.url, employer, BAKERY["id"])
    assert unit_of(duerp, copy_name)["risks"] == []
    assert [r["id"] for r in unit_of(duerp, name)["risks"]] == [risk["id"]]
    await assert_accessible(page)
