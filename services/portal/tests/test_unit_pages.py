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


# --- a risk's own page: measures, preview, history, archive; copying a unit -----------------

RISK_PAGE = f"{PAGE}/risques/{RISK['id']}"
RISK_API = f"{API}/risks/{RISK['id']}"
HISTORY = [
    {
        "changed_by": "employer1@sst-13-marseille",
        "changed_at": "2026-03-02T09:00:00Z",
        "before": None,
        "after": {
            "inputs": {"probability": 2, "gravity": 3},
            "control_level": "none",
            "raw_score": "6",
            "residual_score": "6",
            "priority": "moderate",
        },
        "reason": "Cotation initiale",
    },
    {
        "changed_by": "employer1@sst-13-marseille",
        "changed_at": "2026-06-10T09:00:00Z",
        "before": {},
        "after": dict(RISK["rating"]),
        "reason": "Capotage du laminoir",
    },
]
EDIT = {
    "csrf_token": CSRF,
    "lock_version": "7",
    "measures_form": "1",
    "situations": "Pétrin et laminoir",
    "damages": "Surdité",
    "exposed_headcount": "3",
    "measure_kind_0": "collective",
    "measure_text_0": "Capotage du laminoir",
    "measure_kind_1": "",
    "measure_text_1": "",
    "probability": "3",
    "gravity": "3",
    "control_level": "",
    "reason": "Capotage posé",
}


@pytest.fixture
def risk_site(site: tuple[TestClient, FakeServices]) -> tuple[TestClient, FakeServices]:
    _, fake = site
    fake.answers["assessment", "GET", f"{RISK_API}/history"] = HISTORY
    return site


def test_the_risk_page_shows_its_measures_history_and_a_live_preview(
    risk_site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = risk_site
    page = shown(http.get(RISK_PAGE))
    assert page.count("<h1") == 1
    assert f'hx-post="{RISK_PAGE}/apercu" hx-trigger="change"' in page
    assert '<label for="champ-measure_kind_0">Type de la mesure 1</label>' in page
    assert '<label for="champ-exposed_headcount">Nombre de salariés exposés' in page
    assert "Déduire des mesures existantes" in page
    # RISK has no measure, its level « Maîtrisé » was chosen: the page says so
    assert 'name="control_level" value="controlled" checked' in page
    assert '<span class="tag">choisi</span>' in page
    assert '<span class="priority priority-low">Faible</span>' in page
    # the history, newest first, dated in French
    history = page[page.index('id="historique"') :]
    assert history.index("10 juin 2026") < history.index("2 mars 2026")
    assert "Probabilité 2 · Gravité 3" in history
    assert "Capotage du laminoir" in history
    assert page.count(f'name="csrf_token" value="{CSRF}"') >= 2  # the form, the logout
    assert f'href="{RISK_PAGE}/archiver"' in page
    company = RISK_PAGE.split("/unites/")[0]
    assert f'href="{company}/actions/new?risk={RISK["id"]}"' in page  # the action plan


def test_a_history_the_service_cannot_give_is_said_in_french(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "GET", f"{RISK_API}/history"] = ApiError(404, {})
    page = http.get(RISK_PAGE)
    assert page.status_code == 200
    assert "L'historique des cotations n'a pas pu être lu" in shown(page)


def test_the_preview_computes_from_the_form_and_saves_nothing(
    risk_site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = risk_site
    fragment = http.post(f"{RISK_PAGE}/apercu", data=EDIT)
    assert fragment.status_code == 200
    text = shown(fragment)
    assert "<html" not in text
    # 3 × 3 = 9, collective protection → controlled (0.35): 3,15, low, « déduit »
    assert "<dd>9</dd>" in text
    assert "<dd>3,15</dd>" in text
    assert '<span class="tag">déduit des mesures</span>' in text
    assert "priority-low" in text
    assert "pas encore enregistré" in text
    chosen = shown(http.post(f"{RISK_PAGE}/apercu", data={**EDIT, "control_level": "none"}))
    assert '<span class="priority priority-important">Importante</span>' in chosen
    assert '<span class="tag">choisi</span>' in chosen
    assert fake.writes() == []
    # like every POST, it needs the session's CSRF token
    assert http.post(f"{RISK_PAGE}/apercu", data={**EDIT, "csrf_token": "x"}).status_code == 403


def test_saving_the_risk_patches_its_description_measures_and_rating(
    risk_site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = risk_site
    done = http.post(RISK_PAGE, data=EDIT)
    assert done.status_code == 303
    assert done.headers["location"] == PAGE
    [patch] = fake.writes()
    assert (patch["method"], patch["path"], patch["headers"]) == (
        "PATCH",
        RISK_API,
        {"If-Match": "7"},
    )
    assert patch["json"] == {
        "situations": "Pétrin et laminoir",
        "damages": "Surdité",
        "exposed_headcount": 3,
        "reason": "Capotage posé",
        "rating": {"probability": 3, "gravity": 3},  # no control level: deduced by the service
        "measures": [{"kind": "collective", "description": "Capotage du laminoir"}],
    }
    assert "Le risque « Bruit » a été recoté" in shown(http.get(PAGE))


def test_a_measure_without_its_type_is_refused_before_the_call(
    risk_site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = risk_site
    page = http.post(RISK_PAGE, data={**EDIT, "measure_kind_0": ""})
    assert page.status_code == 422
    assert fake.writes() == []
    text = shown(page)
    assert '<p class="field-error" id="erreur-measure_kind_0">Choisissez le type' in text
    assert 'aria-describedby="erreur-measure_kind_0" aria-invalid="true"' in text
    assert 'value="Capotage du laminoir"' in text  # what was typed


def test_the_services_422_lands_on_the_measure_and_headcount_fields(
    risk_site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = risk_site
    fake.answers["assessment", "PATCH", RISK_API] = ApiError(
        422,
        {
            "code": "validation_error",
            "message": "Données invalides.",
            "errors": [
                {"field": "body.measures.0.description", "message": "Texte trop long."},
                {"field": "body.exposed_headcount", "message": "Au plus l'effectif."},
            ],
        },
    )
    page = http.post(RISK_PAGE, data={**EDIT, "exposed_headcount": "40"})
    assert page.status_code == 422
    text = shown(page)
    assert '<p class="field-error" id="erreur-measure_text_0">Texte trop long.' in text
    assert '<p class="field-error" id="erreur-exposed_headcount">Au plus l\'effectif.' in text
    assert 'value="40" aria-describedby="aide-exposed_headcount erreur-exposed_headcount"' in text
    assert 'value="Capotage du laminoir" aria-describedby="erreur-measure_text_0"' in text
    assert '<option value="collective" selected>' in text
    assert "Le formulaire contient 2 erreurs" in text


def test_an_edit_conflict_on_the_risk_keeps_the_input_and_the_new_lock(
    risk_site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = risk_site
    fake.answers["assessment", "PATCH", RISK_API] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    page = http.post(RISK_PAGE, data={**EDIT, "lock_version": "6", "probability": "1"})
    assert page.status_code == 409
    text = shown(page)
    assert "a changé pendant votre saisie" in text
    assert 'id="champ-probability-1" name="probability" value="1" checked' in text
    assert 'value="Capotage du laminoir"' in text
    assert 'name="lock_version" value="7"' in text
    assert "pas encore enregistré" in text  # the preview is of the input, not the saved risk


def test_archiving_a_risk_asks_first_then_archives_with_the_lock(
    risk_site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = risk_site
    confirm = http.get(f"{RISK_PAGE}/archiver")
    text = shown(confirm)
    assert "Archiver le risque « Bruit » ?" in text
    assert f'name="csrf_token" value="{CSRF}"' in text
    assert fake.writes() == []
    form = {"csrf_token": CSRF, "lock_version": "7", "hazard": "Bruit"}
    assert http.post(f"{RISK_PAGE}/archiver", data={**form, "csrf_token": "x"}).status_code == 403
    done = http.post(f"{RISK_PAGE}/archiver", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == PAGE
    [archive] = fake.writes()
    assert (archive["method"], archive["path"], archive["headers"]) == (
        "POST",
        f"{RISK_API}/archive",
        {"If-Match": "7"},
    )
    assert "Le risque « Bruit » a été archivé" in shown(http.get(PAGE))


def test_archiving_a_risk_someone_just_changed_says_so(
    risk_site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = risk_site
    fake.answers["assessment", "POST", f"{RISK_API}/archive"] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    page = http.post(f"{RISK_PAGE}/archiver", data={"csrf_token": CSRF, "lock_version": "6"})
    assert page.status_code == 409
    assert "a changé pendant votre saisie" in shown(page)
    assert 'name="lock_version" value="7"' in shown(page)


NEW_UID = "0c7e4a52-3b1d-4f3e-9d5a-6c2b1e0f9a77"


def test_copying_a_unit_asks_its_name_then_opens_the_copy(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form_page = shown(http.get(f"{PAGE}/copier"))
    assert "<h1>Copier l'unité « Fournil »</h1>" in form_page
    assert (
        'id="champ-name" name="name" type="text" maxlength="200" required value="Fournil (copie)"'
        in form_page
    )
    assert f'href="{PAGE}/copier"' in shown(http.get(PAGE))
    fake.answers["assessment", "POST", f"{API}/work-units/{UID}/copy"] = {"id": NEW_UID}
    form = {"csrf_token": CSRF, "lock_version": "7", "name": "Fournil du port"}
    done = http.post(f"{PAGE}/copier", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == f"/entreprises/{CID}/unites/{NEW_UID}"
    [copy_call] = fake.writes()
    assert copy_call["params"] == {"name": "Fournil du port"}  # the API's query parameter
    assert copy_call["headers"] == {"If-Match": "7"}


def test_a_copy_without_a_name_or_in_conflict_keeps_what_was_typed(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    empty = http.post(f"{PAGE}/copier", data={"csrf_token": CSRF, "lock_version": "7", "name": " "})
    assert empty.status_code == 422
    assert fake.writes() == []
    assert '<p class="field-error" id="erreur-name">Ce champ est obligatoire.' in shown(empty)
    fake.answers["assessment", "POST", f"{API}/work-units/{UID}/copy"] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    form = {"csrf_token": CSRF, "lock_version": "6", "name": "Fournil du port"}
    page = http.post(f"{PAGE}/copier", data=form)
    assert page.status_code == 409
    assert "Nom : Fournil" in shown(page)  # the unit as it is now
    assert 'value="Fournil du port"' in shown(page)
    assert 'name="lock_version" value="7"' in shown(page)
