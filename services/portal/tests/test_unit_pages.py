"""A work unit's page, its risks and the hazard search, on fake services (no infrastructure)."""

from __future__ import annotations

import copy
import html

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.app import create_app
from portal.clients import ApiError
from portal.settings import PortalSettings

from .fakes import COOKIE, FakeOAuth, FakeServices, FakeStore, logged_in
from .samples import METHOD, RISK

pytestmark = pytest.mark.unit

CID = "1d495e5b-841a-5b20-aef1-d7fc4f68bb29"
UID = "5b0a8d0c-2d7e-4b8e-9a43-0f3f3a8b8c11"
PAGE = f"/entreprises/{CID}/unites/{UID}"
API = f"/companies/{CID}/duerp"
CSRF = "t" * 43
UNIT = {
    "id": UID,
    "kind": "trade",
    "name": "Fournil",
    "description": "Pétrissage et cuisson",
    "headcount": 4,
    "risks": [RISK],
}
DUERP = {
    "company": {"id": CID, "name": "Boulangerie du Vieux-Port", "siret": "81234560100015"},
    "lock_version": 7,
    "method": METHOD,
    "work_units": [UNIT],
    "warnings": [],
}
SEARCH = {
    "items": [
        {"system": "dangers", "code": "PHY.BRUIT", "display": "Bruit", "status": "active"},
        {"system": "dangers", "code": "PHY.VIBR", "display": "Vibrations", "status": "active"},
    ]
}


def shown(answer: httpx.Response) -> str:
    """The page as a person reads it (Jinja escapes the apostrophes)."""
    return html.unescape(answer.text)


@pytest.fixture
def site() -> tuple[TestClient, FakeServices]:
    app = create_app(PortalSettings(public_url="http://portal.test"))
    store = FakeStore()
    store.by_cookie[COOKIE] = logged_in(CSRF)
    app.state.sessions = store
    app.state.oauth = FakeOAuth()
    answers = {
        ("assessment", "GET", API): copy.deepcopy(DUERP),
        ("thesaurus", "GET", "/search"): SEARCH,
    }
    fake = FakeServices(answers, default={"id": RISK["id"]})
    app.state.services = fake
    http = TestClient(app, base_url="http://portal.test", follow_redirects=False)
    http.cookies.set("cosar_session", COOKIE)
    return http, fake


def test_the_unit_page_lists_its_risks_with_the_apis_scores_and_labels(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = site
    page = http.get(PAGE)
    assert page.status_code == 200
    assert "Unité de travail « Fournil »" in shown(page)
    assert '<th scope="row">Bruit' in shown(page)
    assert "PHY.BRUIT" not in shown(page)  # the label, not the code
    for text in ("3 — Probable", "3 — Grave", "Maîtrisé", "3,15", "Faible", "À recoter"):
        assert text in shown(page)
    assert f'href="{PAGE}/risques/{RISK["id"]}"' in shown(page)
    assert 'name="lock_version" value="7"' in shown(page)
    assert 'hx-trigger="input changed delay:300ms, search"' in shown(page)
    assert "Ne s'est jamais produit dans l'entreprise." in shown(page)


def test_the_search_without_javascript_lists_hazards_to_choose_in_the_form(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = http.get(PAGE, params={"q": "bruit"})
    assert "2 dangers trouvés pour « bruit »" in shown(page)
    assert 'name="hazard_code" value="PHY.VIBR"' in shown(page)
    [search] = [c for c in fake.calls if c["service"] == "thesaurus"]
    assert search["params"] == {
        "q": "bruit",
        "system": "dangers",
        "level": 2,
        "active": "true",
        "limit": 20,
    }
    fragment = http.get(f"{PAGE}/dangers", params={"q": "bruit"})
    assert fragment.status_code == 200
    assert "<html" not in shown(fragment)
    assert 'value="PHY.BRUIT"' in shown(fragment)


def test_a_search_the_thesaurus_refuses_says_why_in_french(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["thesaurus", "GET", "/search"] = ApiError(
        422, {"code": "query_too_short", "message": "Saisir au moins 2 lettres ou chiffres."}
    )
    fragment = http.get(f"{PAGE}/dangers", params={"q": "b"})
    assert "Saisir au moins 2 lettres ou chiffres." in shown(fragment)


def test_editing_the_unit_sends_the_lock_and_says_so(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = {
        "csrf_token": CSRF,
        "lock_version": "7",
        "kind": "geographic",
        "name": "Fournil et réserve",
        "headcount": "5",
        "description": "",
    }
    done = http.post(PAGE, data=form)
    assert done.status_code == 303
    assert done.headers["location"] == PAGE
    [patch] = fake.writes()
    assert (patch["method"], patch["path"]) == ("PATCH", f"{API}/work-units/{UID}")
    assert patch["headers"] == {"If-Match": "7"}
    assert patch["json"] == {
        "kind": "geographic",
        "name": "Fournil et réserve",
        "headcount": 5,
        "description": "",
    }
    assert "L'unité « Fournil et réserve » a été modifiée." in shown(http.get(PAGE))


def test_an_edit_conflict_keeps_the_input_and_shows_the_unit_as_it_is_now(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "PATCH", f"{API}/work-units/{UID}"] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    form = {"csrf_token": CSRF, "lock_version": "6", "kind": "trade", "name": "Atelier"}
    page = http.post(PAGE, data={**form, "headcount": "9"})
    assert page.status_code == 409
    assert "a changé pendant votre saisie" in shown(page)
    assert "Nom : Fournil" in shown(page)  # what someone else saved
    assert 'value="Atelier"' in shown(page)  # what this person typed
    assert 'name="lock_version" value="7"' in shown(page)  # saving again goes through


def test_the_services_422_is_shown_next_to_the_field(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "POST", f"{API}/work-units/{UID}/risks"] = ApiError(
        422,
        {
            "code": "unknown_code",
            "message": "Le code « XYZ » n'existe pas.",
            "errors": [{"field": "body.hazard_code", "message": "Code inconnu : XYZ."}],
        },
    )
    fake.answers["thesaurus", "GET", "/code-systems/dangers/concepts/XYZ"] = ApiError(404, {})
    form = {"csrf_token": CSRF, "lock_version": "7", "hazard_code": "XYZ"}
    page = http.post(f"{PAGE}/risques", data={**form, "probability": "2", "gravity": "3"})
    assert page.status_code == 422
    assert '<p class="field-error" id="erreur-hazard_code">Code inconnu : XYZ.' in shown(page)
    assert 'id="champ-probability-2" name="probability" value="2" checked' in shown(page)
    assert 'value="XYZ" checked' in shown(page)  # the choice is still there


def test_adding_a_risk_sends_the_rating_and_quotes_the_apis_criticity(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = {"csrf_token": CSRF, "lock_version": "7", "hazard_code": "PHY.BRUIT"}
    done = http.post(f"{PAGE}/risques", data={**form, "probability": "3", "gravity": "3"})
    assert done.status_code == 303
    [post] = fake.writes()
    assert post["json"]["rating"] == {"probability": 3, "gravity": 3}
    assert "control_level" not in post["json"]
    page = http.get(PAGE)
    assert "Le risque « Bruit » a été ajouté : criticité brute 9, résiduelle 3,15" in shown(page)


def test_re_rating_starts_from_the_current_rating_and_patches_the_risk(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = http.get(f"{PAGE}/risques/{RISK['id']}")
    assert page.status_code == 200
    assert 'id="champ-probability-3" name="probability" value="3" checked' in shown(page)
    assert (
        'id="champ-control_level-controlled" name="control_level" value="controlled" checked'
        in shown(page)
    )
    form = {"csrf_token": CSRF, "lock_version": "7", "probability": "4", "gravity": "3"}
    done = http.post(f"{PAGE}/risques/{RISK['id']}", data={**form, "reason": "Accident"})
    assert done.status_code == 303
    [patch] = fake.writes()
    assert patch["path"] == f"{API}/risks/{RISK['id']}"
    assert patch["json"] == {"rating": {"probability": 4, "gravity": 3}, "reason": "Accident"}


def test_archiving_asks_first_then_archives_with_the_lock(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    confirm = http.get(f"{PAGE}/archiver")
    assert "Archiver l'unité « Fournil » ?" in shown(confirm)
    assert fake.writes() == []
    form = {"csrf_token": CSRF, "lock_version": "7", "unit_name": "Fournil"}
    done = http.post(f"{PAGE}/archiver", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == f"/entreprises/{CID}"
    [archive] = fake.writes()
    assert (archive["path"], archive["headers"]) == (
        f"{API}/work-units/{UID}/archive",
        {"If-Match": "7"},
    )


def test_an_unknown_or_archived_unit_is_a_french_404(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = site
    gone = http.get(f"/entreprises/{CID}/unites/0b8a1c1e-0000-4000-8000-000000000000")
    assert gone.status_code == 404
    assert "a été archivée" in shown(gone)
    assert http.get(f"/entreprises/{CID}/unites/pas-un-id").status_code == 404
