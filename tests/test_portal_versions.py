"""The published versions of a DUERP in a real browser (issue 14): publishing after a
confirmation (and again after someone else changed the DUERP), the list with its hash chain
verified, the PDF and XLSX documents downloaded through the portal and read back, comparing two
versions without JavaScript, and a missing document as the portal's French 404. What the pages
say is checked against the assessment's own API; every page is checked with axe-core.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import httpx
import openpyxl
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from cosar_common import clock
from tests.portal_browser import (  # the fixtures: pytest finds them by name
    BAKERY,
    add_unit_through_api,
    assert_accessible,
    chromium_fixture,  # noqa: F401
    context_fixture,  # noqa: F401
    demo_loaded_fixture,  # noqa: F401
    log_in,
    unique,
)

pytestmark = pytest.mark.integration

EMPLOYER = "employer1@sst-13-marseille"
EMPLOYER_NAME = "Jean Castel"  # the realm's first and last names of EMPLOYER
# The SPSTI's name, set by the demo loader from deploy/demo/demo-data.json.
SPSTI_NAME = "Service de prévention et de santé au travail des Bouches-du-Rhône (démo)"
CHAIN_VERIFIED = "Chaîne d'empreintes vérifiée : aucune version n'a été modifiée"


async def api_versions(assessment_url: str, token: str) -> list[dict[str, Any]]:
    """The bakery's published versions, straight from the assessment's API (oldest first)."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(
            f"{assessment_url}/companies/{BAKERY['id']}/duerp/versions",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    versions: list[dict[str, Any]] = response.json()
    return versions


async def next_number(assessment_url: str, token: str) -> int:
    return max((v["number"] for v in await api_versions(assessment_url, token)), default=0) + 1


async def add_unit(page: Page, portal: str, name: str) -> None:
    """Through the company page's form (the DUERP must hold a unit to be published)."""
    await page.goto(f"{portal}/entreprises/{BAKERY['id']}")
    await page.get_by_label("Par lieu").check()
    await page.get_by_label("Nom de l'unité").fill(name)
    await page.get_by_label("Effectif").fill("2")
    await page.get_by_role("button", name="Ajouter l'unité").click()
    await expect(page.get_by_role("status")).to_contain_text("a été ajoutée")


async def confirm_checks(page: Page) -> None:
    """Tick every warning of the checklist before publishing (a unit just added has no risk)."""
    boxes = page.locator("#verifications input[type=checkbox]")
    for index in range(await boxes.count()):
        await boxes.nth(index).check()


def flat(text: str) -> str:
    """Extracted PDF text on one line, with straight apostrophes (Typst sets curly ones)."""
    return " ".join(text.replace("\u2019", "'").split())


async def test_employer_publishes_a_version_sees_the_chain_and_downloads_its_documents(
    portal_service, assessment_service, demo_loaded, context: BrowserContext, token_for
):
    page = await context.new_page()
    await log_in(page, portal_service.url, EMPLOYER)
    employer = await token_for(EMPLOYER)
    await add_unit(page, portal_service.url, unique("Quai"))
    number = await next_number(assessment_service.url, employer)

    # From the company page: a confirmation page first, nothing published yet.
    await page.get_by_role("link", name="Publier une nouvelle version…").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Publier la version {number} du document unique ?"
    )
    await assert_accessible(page)
    assert await next_number(assessment_service.url, employer) == number
    # The unit just added has no risk: the checklist says so, and publishing waits for the box.
    await expect(page.locator("#verifications")).to_contain_text("sans risque")
    await page.get_by_role("button", name=f"Oui, publier la version {number}").click()
    await expect(page.locator(".error-summary")).to_contain_text("Confirmez chaque vérification")
    assert await next_number(assessment_service.url, employer) == number
    await confirm_checks(page)
    await page.get_by_role("button", name=f"Oui, publier la version {number}").click()

    versions_url = f"{portal_service.url}/entreprises/{BAKERY['id']}/versions"
    await expect(page).to_have_url(versions_url)
    await expect(page.get_by_role("status")).to_contain_text(
        f"La version {number} du document unique a été publiée"
    )
    published = (await api_versions(assessment_service.url, employer))[-1]
    assert (published["number"], published["published_by"]) == (number, EMPLOYER)
    assert published["published_by_name"] == EMPLOYER_NAME  # from the token's name claim
    await expect(page.locator("#integrite")).to_contain_text(CHAIN_VERIFIED)
    newest = page.locator("tbody tr").first  # newest first
    await expect(newest.get_by_role("rowheader")).to_have_text(f"Version {number}")
    await expect(newest).to_contain_text("(vous)")  # a name, not the login
    await expect(page.locator(".hash")).to_have_text(published["hash"])
    await assert_accessible(page)

    # The PDF, through the portal, under a French name; it names the company and the version.
    async with page.expect_download() as pdf_download:
        await page.get_by_role("link", name=f"PDF de la version {number}", exact=True).click()
    pdf = await pdf_download.value
    assert pdf.suggested_filename == (f"Document unique - {BAKERY['name']} - version {number}.pdf")
    text = flat("\n".join(p.extract_text() for p in PdfReader(str(await pdf.path())).pages))
    assert BAKERY["name"] in text
    assert re.search(rf"\bversion {number}\b", text, re.IGNORECASE), text[:500]
    # It names the publisher and the SPSTI, not the login and the tenant id.
    assert f"Publiée par {EMPLOYER_NAME}" in text
    assert EMPLOYER not in text
    assert "".join(SPSTI_NAME.split()) in "".join(text.split())

    # The portal hands on the service's media type; the browser never sees a token.
    answer = await context.request.get(f"{versions_url}/{number}/document.pdf")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "authorization" not in answer.headers

    # The XLSX opens with openpyxl and says which company and version it is.
    async with page.expect_download() as xlsx_download:
        await page.get_by_role(
            "link", name=f"tableur Excel (XLSX) de la version {number}", exact=True
        ).click()
    xlsx = await xlsx_download.value
    assert xlsx.suggested_filename.endswith(f"version {number}.xlsx")
    # The download's path has no extension, which openpyxl refuses: read it from its bytes.
    workbook = openpyxl.load_workbook(io.BytesIO((await xlsx.path()).read_bytes()))
    assert "Risques" in workbook.sheetnames
    assert workbook.properties.title == (
        f"DUERP — {BAKERY['name']} (SIRET {BAKERY['siret']}) — version {number}"
    )
    history = [row[0] for row in workbook["Historique"].iter_rows(min_row=2, values_only=True)]
    assert number in history

    # A version that does not exist: the portal's French 404, not a file, not a 500.
    missing = await page.goto(f"{versions_url}/{number + 1000}/document.pdf")
    assert missing is not None
    assert missing.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    await expect(page.locator("main")).to_contain_text("Cette version n'existe pas")
    await assert_accessible(page)


async def test_a_second_version_after_a_conflict_then_comparing_them_without_javascript(
    portal_service,
    assessment_service,
    demo_loaded,
    chromium: Browser,
    context: BrowserContext,
    token_for,
):
    page = await context.new_page()
    await log_in(page, portal_service.url, EMPLOYER)
    employer = await token_for(EMPLOYER)
    versions_url = f"{portal_service.url}/entreprises/{BAKERY['id']}/versions"

    # A first version to compare with.
    await add_unit(page, portal_service.url, unique("Bureau"))
    first = await next_number(assessment_service.url, employer)
    await page.goto(f"{versions_url}/publier")
    await confirm_checks(page)
    await page.get_by_role("button", name=f"Oui, publier la version {first}").click()
    await expect(page.get_by_role("status")).to_contain_text(f"La version {first} ")

    # Then a change, and the next version from the versions page; someone else changes the
    # DUERP while the confirmation is open: it is shown again, and publishing goes through.
    mine, theirs = unique("Vente"), unique("Livraisons")
    await add_unit(page, portal_service.url, mine)
    await page.goto(versions_url)
    await page.get_by_role("link", name="Publier une nouvelle version…").click()
    second = first + 1
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Publier la version {second} du document unique ?"
    )
    await add_unit_through_api(assessment_service.url, employer, theirs)
    await confirm_checks(page)
    await page.get_by_role("button", name=f"Oui, publier la version {second}").click()
    await expect(page.locator(".conflict")).to_contain_text("a changé pendant votre lecture")
    assert await next_number(assessment_service.url, employer) == second  # nothing published
    await assert_accessible(page)
    await confirm_checks(page)  # the checklist is computed again: their unit has no risk either
    await page.get_by_role("button", name=f"Oui, publier la version {second}").click()
    await expect(page).to_have_url(versions_url)
    await expect(page.get_by_role("status")).to_contain_text(f"La version {second} ")
    await expect(page.locator("#integrite")).to_contain_text(CHAIN_VERIFIED)

    # Comparing: a GET form, in a browser without JavaScript.
    no_js = await chromium.new_context(
        locale="fr-FR", java_script_enabled=False, storage_state=await context.storage_state()
    )
    try:
        plain = await no_js.new_page()
        await plain.goto(versions_url)
        await plain.get_by_label("Version de départ").select_option(str(first))
        await plain.get_by_label("Version d'arrivée").select_option(str(second))
        await plain.get_by_role("button", name="Comparer").click()
        await expect(plain).to_have_url(re.compile(rf"/comparer\?de={first}&a={second}"))
        await expect(plain.get_by_role("heading", level=1)).to_have_text(
            f"Comparaison des versions {first} et {second}"
        )
        differences = plain.locator("#differences")
        await expect(differences).to_contain_text(f"De la version {first} à la version {second}")
        added = differences.locator("h3", has_text="Unités de travail ajoutées")
        await expect(added).to_have_count(1)
        await expect(differences).to_contain_text(mine)
        await expect(differences).to_contain_text(theirs)
        await page.goto(plain.url)  # axe needs JavaScript: the same page, in the other browser
        await assert_accessible(page)

        # The same version twice: said in French, next to the form.
        await plain.get_by_label("Version de départ").select_option(str(second))
        await plain.get_by_role("button", name="Comparer").click()
        await expect(plain.get_by_role("alert")).to_contain_text(
            "Choisissez deux versions différentes."
        )
        await page.goto(plain.url)
        await assert_accessible(page)
    finally:
        await no_js.close()


REPRESENTATIVE = "employee-representative@sst-13-marseille"  # the bakery's CSE


async def _publish_through_api(assessment_url: str, token: str) -> int:
    """The employer publishes a version (a unit added first, so something changed)."""
    await add_unit_through_api(assessment_url, token, unique("Laboratoire"))
    base = f"{assessment_url}/companies/{BAKERY['id']}/duerp"
    async with httpx.AsyncClient(timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        lock = (await http.get(base)).json()["lock_version"]
        published = await http.post(f"{base}/versions", json={}, headers={"If-Match": str(lock)})
    assert published.status_code == 201, published.text
    return int(published.json()["number"])


async def test_the_employee_representative_records_the_cse_opinion_and_the_pdf_shows_it(
    portal_service, assessment_service, demo_loaded, context: BrowserContext, token_for
):
    number = await _publish_through_api(assessment_service.url, await token_for(EMPLOYER))
    page = await context.new_page()
    await log_in(page, portal_service.url, REPRESENTATIVE)
    versions_url = f"{portal_service.url}/entreprises/{BAKERY['id']}/versions"
    await page.goto(versions_url)
    await page.get_by_role(
        "link", name=f"Enregistrer l'avis du CSE sur la version {number}"
    ).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Consultation du CSE sur la version {number}"
    )
    await assert_accessible(page)
    proposals = unique("Capoter le pétrin avant l'été")
    # A consultation in the future is refused in French, the input kept.
    tomorrow = clock.today() + timedelta(days=1)
    await page.get_by_label("Date de la consultation du CSE").fill(tomorrow.isoformat())
    await page.get_by_label("Avis favorable").check()
    await page.get_by_label("Propositions du CSE (facultatif)").fill(proposals)
    await page.evaluate("document.querySelector('input[type=date]').removeAttribute('max')")
    await page.get_by_role("button", name="Enregistrer l'avis du CSE").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.get_by_label("Propositions du CSE (facultatif)")).to_have_value(proposals)
    await assert_accessible(page)
    representative = await token_for(REPRESENTATIVE)
    recorded = next(
        v
        for v in await api_versions(assessment_service.url, representative)
        if v["number"] == number
    )
    assert recorded.get("consultation") is None  # nothing recorded by the refusal

    await page.get_by_label("Date de la consultation du CSE").fill(clock.today().isoformat())
    await page.get_by_role("button", name="Enregistrer l'avis du CSE").click()
    await expect(page).to_have_url(versions_url)
    row = page.locator("tbody tr", has=page.get_by_role("rowheader", name=f"Version {number}"))
    await expect(row).to_contain_text("avis favorable")
    await expect(row).to_contain_text(proposals)
    before = recorded["hash"]
    recorded = next(
        v
        for v in await api_versions(assessment_service.url, representative)
        if v["number"] == number
    )
    assert recorded["consultation"]["opinion"] == "favourable"
    assert recorded["hash"] == before  # the version itself is untouched

    # The PDF of that version now shows the consultation (a new rendering of the same version).
    async with page.expect_download() as pdf_download:
        await page.get_by_role("link", name=f"PDF de la version {number}", exact=True).click()
    pdf = await pdf_download.value
    text = flat("\n".join(p.extract_text() for p in PdfReader(str(await pdf.path())).pages))
    assert "Consultation du CSE" in text
    assert "favorable" in text
    assert proposals in text
