"""The portal in a real browser (Debian's Chromium driven by Playwright), on the real stack:
Keycloak's own login page, the services, Kafka and PostgreSQL.

Playwright's async API is used directly: pytest-playwright's fixtures are synchronous, and the
services of this session run in the session's event loop, which a synchronous test would block.
Every page a test visits is checked with axe-core: no serious or critical violation.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.portal_browser import (  # the fixtures: pytest finds them by name
    BAKERY,
    HTMX_VERSION,
    NOT_ACCESSIBLE,
    TRANSPORTS,
    assert_accessible,
    chromium_fixture,  # noqa: F401
    context_fixture,  # noqa: F401
    demo_loaded_fixture,  # noqa: F401
    log_in,
    unique,
    work_unit_names,
)

pytestmark = pytest.mark.integration


async def test_employer_logs_in_and_adds_a_work_unit_with_errors_shown_in_french(
    portal_service, assessment_service, demo_loaded, context, token_for
):
    page = await context.new_page()
    console_errors: list[str] = []
    page.on(
        "console",
        lambda m: console_errors.append(f"{m.text} {m.location}") if m.type == "error" else None,
    )
    await page.goto(f"{portal_service.url}/")
    await expect(page).to_have_title(re.compile("Portail COSAR"))
    assert await page.get_attribute("html", "lang") == "fr"
    await assert_accessible(page)

    await log_in(page, portal_service.url, "employer1@sst-13-marseille")
    await expect(page.get_by_role("link", name=BAKERY["name"], exact=True)).to_be_visible()
    # Not the neighbour's company: the token names the bakery only.
    await expect(page.get_by_text(TRANSPORTS["name"])).to_have_count(0)
    await assert_accessible(page)

    # The session cookie is opaque, HttpOnly and SameSite=Lax; no token reaches the browser.
    cookies = {c["name"]: c for c in await context.cookies(portal_service.url)}
    assert set(cookies) == {"cosar_session"}
    assert cookies["cosar_session"]["httpOnly"] is True
    assert cookies["cosar_session"]["sameSite"] == "Lax"
    assert not cookies["cosar_session"]["value"].startswith("ey")  # not a JWT

    await page.get_by_role("link", name=BAKERY["name"], exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(BAKERY["name"])
    response = await page.request.get(page.url)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    await assert_accessible(page)
    # htmx is the pinned copy, served by the portal with its integrity checked by the browser,
    # and runs under the CSP: no console error (a refused script or style would log one).
    script = page.locator("script[src*='/static/vendor/htmx.org-']")
    assert (await script.get_attribute("integrity") or "").startswith("sha256-")
    assert await page.evaluate("() => window.htmx && window.htmx.version") == HTMX_VERSION
    assert console_errors == []

    # Nothing chosen and no name: the French messages sit next to their fields, the typed
    # headcount is still there, and nothing was written.
    await page.get_by_label("Effectif").fill("3")
    await page.get_by_role("button", name="Ajouter l'unité").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("erreur")
    name_field = page.locator("#champ-name")
    await expect(name_field).to_have_attribute("aria-invalid", "true")
    described = await name_field.get_attribute("aria-describedby")
    assert described is not None
    assert "erreur-name" in described
    await expect(page.locator("#erreur-name")).to_have_text(re.compile("obligatoire"))
    await expect(page.get_by_label("Effectif")).to_have_value("3")
    await assert_accessible(page)

    name = unique("Fournil")
    await page.get_by_label("Par métier").check()
    await page.get_by_label("Nom de l'unité").fill(name)
    await page.get_by_role("button", name="Ajouter l'unité").click()
    await expect(page.get_by_role("status")).to_contain_text(f"L'unité « {name} » a été ajoutée")
    await expect(page.get_by_role("row", name=name)).to_contain_text("Par métier")
    employer = await token_for("employer1@sst-13-marseille")
    assert name in await work_unit_names(assessment_service.url, employer, BAKERY["id"])


async def test_another_employer_typing_the_url_gets_the_french_404(
    portal_service, demo_loaded, context
):
    page = await context.new_page()
    await log_in(page, portal_service.url, "employer2@sst-13-marseille")
    response = await page.goto(f"{portal_service.url}/entreprises/{BAKERY['id']}")
    assert response is not None
    assert response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    await expect(page.locator("main")).to_contain_text(NOT_ACCESSIBLE)
    await expect(page.get_by_text(BAKERY["name"])).to_have_count(0)
    await assert_accessible(page)
    # An unknown address, and a malformed company id, are French 404s too.
    for path in ("/nulle-part", "/entreprises/pas-un-identifiant"):
        response = await page.goto(f"{portal_service.url}{path}")
        assert response is not None
        assert response.status == 404
        await expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")


async def _csrf_and_lock(page: Page) -> tuple[str, str]:
    csrf = await page.locator("form[action$='/unites'] input[name=csrf_token]").input_value()
    lock = await page.locator("input[name=lock_version]").input_value()
    return csrf, lock


async def test_a_write_without_the_csrf_token_or_from_another_site_is_refused(
    portal_service, assessment_service, demo_loaded, context, token_for, monkeypatch
):
    page = await context.new_page()
    await log_in(page, portal_service.url, "employer1@sst-13-marseille")
    await page.goto(f"{portal_service.url}/entreprises/{BAKERY['id']}")
    csrf, lock = await _csrf_and_lock(page)
    target = f"{portal_service.url}/entreprises/{BAKERY['id']}/unites"
    employer = await token_for("employer1@sst-13-marseille")

    def form(name: str, token: str | None) -> dict[str, str]:
        fields = {"kind": "trade", "name": name, "headcount": "1", "lock_version": lock}
        return fields | ({"csrf_token": token} if token is not None else {})

    no_token, forged, foreign = unique("Sans jeton"), unique("Jeton faux"), unique("Autre site")
    refused = await page.request.post(target, form=form(no_token, None), max_redirects=0)
    assert refused.status == 403
    assert "Demande refusée" in await refused.text()
    refused = await page.request.post(target, form=form(forged, "x" * 43), max_redirects=0)
    assert refused.status == 403

    def from_another_site(name: str):
        return page.request.post(
            target,
            form=form(name, csrf),
            headers={"Origin": "https://attaquant.example", "Sec-Fetch-Site": "cross-site"},
            max_redirects=0,
        )

    refused = await from_another_site(foreign)
    assert refused.status == 403
    names = await work_unit_names(assessment_service.url, employer, BAKERY["id"])
    assert not {no_token, forged, foreign} & set(names)

    # The same requests pass once the protections are switched off: the checks above are what
    # stopped them.
    from portal.auth import web

    monkeypatch.setattr(web, "csrf_ok", lambda *_: True)
    monkeypatch.setattr(web, "same_origin", lambda _: True)
    passed = await page.request.post(target, form=form(no_token, None), max_redirects=0)
    assert passed.status == 303
    await page.goto(f"{portal_service.url}/entreprises/{BAKERY['id']}")
    _, lock = await _csrf_and_lock(page)
    passed = await from_another_site(foreign)
    assert passed.status == 303
    names = await work_unit_names(assessment_service.url, employer, BAKERY["id"])
    assert {no_token, foreign} <= set(names)


async def test_two_people_editing_the_same_duerp_the_second_keeps_what_it_typed(
    portal_service, assessment_service, demo_loaded, chromium, token_for
):
    first_context = await chromium.new_context(locale="fr-FR")
    second_context = await chromium.new_context(locale="fr-FR")
    try:
        first, second = await first_context.new_page(), await second_context.new_page()
        for page in (first, second):
            await log_in(page, portal_service.url, "employer1@sst-13-marseille")
            await page.goto(f"{portal_service.url}/entreprises/{BAKERY['id']}")
        first_name, second_name = unique("Vente"), unique("Livraisons")
        await first.get_by_label("Par lieu").check()
        await first.get_by_label("Nom de l'unité").fill(first_name)
        await first.get_by_label("Effectif").fill("2")
        await first.get_by_role("button", name="Ajouter l'unité").click()
        await expect(first.get_by_role("status")).to_contain_text("a été ajoutée")

        await second.get_by_label("Par métier").check()
        await second.get_by_label("Nom de l'unité").fill(second_name)
        await second.get_by_label("Effectif").fill("4")
        await second.get_by_label("Description (facultatif)").fill("Tournées du matin")
        await second.get_by_role("button", name="Ajouter l'unité").click()
        conflict = second.locator(".conflict")
        await expect(conflict).to_contain_text("a changé pendant votre saisie")
        await expect(conflict).to_contain_text(first_name)  # what changed
        await expect(second.get_by_label("Nom de l'unité")).to_have_value(second_name)
        await expect(second.get_by_label("Effectif")).to_have_value("4")
        await expect(second.get_by_label("Description (facultatif)")).to_have_value(
            "Tournées du matin"
        )
        await expect(second.get_by_label("Par métier")).to_be_checked()
        await assert_accessible(second)
        employer = await token_for("employer1@sst-13-marseille")
        assert second_name not in await work_unit_names(
            assessment_service.url, employer, BAKERY["id"]
        )
        # Saved again, it goes through: the form now carries the current version.
        await second.get_by_role("button", name="Ajouter l'unité").click()
        await expect(second.get_by_role("status")).to_contain_text("a été ajoutée")
        assert second_name in await work_unit_names(assessment_service.url, employer, BAKERY["id"])
    finally:
        await first_context.close()
        await second_context.close()


async def _age_sessions(migrated, username: str, by: timedelta) -> int:
    """Move a person's portal sessions back in time, as if they had been idle."""
    engine = create_async_engine(migrated.dsn("portal_owner", "portal_owner", "portal"))
    try:
        async with engine.begin() as connection:
            result = await connection.execute(
                text(
                    "UPDATE web_session SET last_seen_at = last_seen_at - CAST(:by AS interval) "
                    "WHERE \"user\" ->> 'username' = :username"
                ),
                {"by": by, "username": username},
            )
            return int(result.rowcount)
    finally:
        await engine.dispose()


async def test_a_session_that_expires_during_an_edit_keeps_the_input_after_login(
    portal_service, assessment_service, demo_loaded, context, migrated, token_for
):
    username = "employer2@sst-13-marseille"
    page = await context.new_page()
    await log_in(page, portal_service.url, username)
    await page.goto(f"{portal_service.url}/entreprises/{TRANSPORTS['id']}")
    name = unique("Quai de chargement")
    await page.get_by_label("Par lieu").check()
    await page.get_by_label("Nom de l'unité").fill(name)
    await page.get_by_label("Effectif").fill("6")
    assert await _age_sessions(migrated, username, timedelta(minutes=31)) >= 1
    await page.get_by_role("button", name="Ajouter l'unité").click()
    # Keycloak still knows the person (its own session), so the login comes straight back;
    # the portal's session was new, and the form is there again with the input kept.
    await page.wait_for_url(f"{portal_service.url}/entreprises/{TRANSPORTS['id']}")
    await expect(page.get_by_role("status")).to_contain_text("votre saisie a été conservée")
    await expect(page.get_by_label("Nom de l'unité")).to_have_value(name)
    await expect(page.get_by_label("Effectif")).to_have_value("6")
    await expect(page.get_by_label("Par lieu")).to_be_checked()
    employer = await token_for(username)
    assert name not in await work_unit_names(assessment_service.url, employer, TRANSPORTS["id"])
    await page.get_by_role("button", name="Ajouter l'unité").click()
    await expect(page.get_by_role("status")).to_contain_text("a été ajoutée")
    assert name in await work_unit_names(assessment_service.url, employer, TRANSPORTS["id"])


async def test_logout_ends_the_keycloak_session_too(portal_service, demo_loaded, context):
    page = await context.new_page()
    await log_in(page, portal_service.url, "employer1@sst-13-marseille")
    await page.get_by_role("button", name="Se déconnecter").click()
    await page.wait_for_url(f"{portal_service.url}/")
    await expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    await page.goto(f"{portal_service.url}/entreprises/{BAKERY['id']}")
    # Back to Keycloak, which asks for the password again: its session ended too.
    await expect(page.locator("#password")).to_be_visible()


async def test_a_tampered_session_cookie_is_a_new_anonymous_session(
    portal_service, demo_loaded, context
):
    """A forged or altered cookie names no session: the welcome page, never an error, and
    nothing of the logged-in person's session."""
    page = await context.new_page()
    await log_in(page, portal_service.url, "employer1@sst-13-marseille")
    [cookie] = await context.cookies(portal_service.url)
    for forged in (cookie["value"][:-1] + ("A" if cookie["value"][-1] != "A" else "B"), "x"):
        await context.add_cookies([{**cookie, "value": forged}])
        response = await page.goto(f"{portal_service.url}/")
        assert response is not None
        assert response.status == 200
        await expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
        await expect(page.get_by_text(BAKERY["name"])).to_have_count(0)
