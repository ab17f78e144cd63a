"""The action plan's pages on fake services: PAPRIPACT or list, overdue actions, adding an
action to a risk, changing a status (with and without htmx), the invitation to re-rate."""

from __future__ import annotations

import copy
import html
from typing import Any

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
RID = RISK["id"]
A1 = "0b7a0000-0000-4000-8000-000000000001"  # open, overdue
A2 = "0b7a0000-0000-4000-8000-000000000002"  # open, on time
PLAN_PAGE = f"/entreprises/{CID}/actions"
API = f"/companies/{CID}/duerp"
CSRF = "t" * 43
COMPANY = {
    "id": CID,
    "name": "Boulangerie du Vieux-Port",
    "siret": "81234560100015",
    "naf": {"system": "naf", "code": "10.71C", "display": "Boulangerie et boulangerie-pâtisserie"},
}
DUERP = {
    "company": {**COMPANY, "headcount": 12},
    "lock_version": 7,
    "method": METHOD,
    "work_units": [
        {
            "id": UID,
            "kind": "trade",
            "name": "Fournil",
            "headcount": 4,
            "risks": [{**RISK, "needs_rerating": False}],
        }
    ],
    "warnings": [],
}
ACTION_1 = {
    "id": A1,
    "risk_id": RID,
    "measure_kind": "collective",
    "title": "Capoter le laminoir",
    "description": "Devis de deux fournisseurs, pose un lundi",
    "responsible": "Jean Castel",
    "deadline": "2026-11-30",
    "cost_eur": "1250.50",
    "resources": "Entreprise Méca-Sud",
    "result_indicator": "Bruit mesuré sous 80 dB(A)",
    "status": "in_progress",
    "status_reason": "",
    "done_on": None,
}
ACTION_2 = {
    **ACTION_1,
    "id": A2,
    "risk_id": None,
    "measure_kind": "instructions",
    "title": "Afficher les consignes d'incendie",
    "deadline": "2027-03-01",
    "cost_eur": None,
    "status": "planned",
}
PLAN = {
    "kind": "list",
    "title": "Liste des actions de prévention",
    "actions": [ACTION_1, ACTION_2],
    "overdue": [ACTION_1],
    "total_cost_eur": "1250.50",
}


def shown(answer: httpx.Response) -> str:
    return html.unescape(answer.text)


@pytest.fixture
def site() -> tuple[TestClient, FakeServices]:
    app = create_app(PortalSettings(public_url="http://portal.test"))
    store = FakeStore()
    store.by_cookie[COOKIE] = logged_in(CSRF)
    app.state.sessions = store
    app.state.oauth = FakeOAuth()
    answers: dict[tuple[str, str, str], Any] = {
        ("assessment", "GET", API): copy.deepcopy(DUERP),
        ("assessment", "GET", f"{API}/action-plan"): copy.deepcopy(PLAN),
    }
    fake = FakeServices(answers, default={"id": A1, "deadline": "2027-01-15"})
    app.state.services = fake
    http = TestClient(app, base_url="http://portal.test", follow_redirects=False)
    http.cookies.set("cosar_session", COOKIE)
    return http, fake


def _done(fake: FakeServices) -> None:
    """What the assessment says once the first action is done: its risk is to re-rate."""
    plan = copy.deepcopy(PLAN)
    plan["actions"][0] |= {"status": "done", "done_on": "2026-12-07"}
    plan["overdue"] = []
    fake.answers["assessment", "GET", f"{API}/action-plan"] = plan
    duerp = copy.deepcopy(DUERP)
    duerp["work_units"][0]["risks"][0]["needs_rerating"] = True
    duerp["lock_version"] = 8
    fake.answers["assessment", "GET", API] = duerp


def test_below_50_the_plan_is_the_list_with_overdue_actions_counted_and_marked(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = site
    page = http.get(PLAN_PAGE)
    assert page.status_code == 200
    text = shown(page)
    assert text.count("<h1>") == 1
    assert "<h1>Liste des actions de prévention</h1>" in text
    assert "<title>Liste des actions de prévention — Boulangerie du Vieux-Port" in text
    assert "1 action est en retard : son échéance est passée." in text
    assert text.count("action-overdue") == 1
    assert "En retard : l'échéance du 30 novembre 2026 est passée." in text
    assert "En cours" in text
    assert "Prévue" in text
    assert "in_progress" not in text.replace('value="in_progress"', "")  # never the code
    risk_page = f"/entreprises/{CID}/unites/{UID}/risques/{RID}"
    assert f'<a href="{risk_page}">Bruit — Fournil</a> (priorité Faible)' in text
    assert "Conditions d'exécution" not in text  # the PAPRIPACT's columns are for 50 and more
    assert f'action="{PLAN_PAGE}/{A1}/statut"' in text
    assert f'hx-post="{PLAN_PAGE}/{A1}/statut" hx-target="#action-{A1}"' in text
    assert f'<label for="statut-{A1}">Statut' in text
    assert 'name="lock_version" value="7"' in text
    assert f'href="{PLAN_PAGE}/new"' in text


def test_from_50_employees_the_papripact_shows_each_measures_conditions_and_cost(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    plan = copy.deepcopy(PLAN)
    plan |= {"kind": "papripact", "title": "Programme annuel de prévention (PAPRIPACT)"}
    fake.answers["assessment", "GET", f"{API}/action-plan"] = plan
    text = shown(http.get(PLAN_PAGE))
    assert "<h1>Programme annuel de prévention (PAPRIPACT)</h1>" in text
    assert "Dès 50 salariés, le plan d'action prend la forme du PAPRIPACT" in text
    for fact in (
        "Conditions d'exécution</dt><dd>Devis de deux fournisseurs, pose un lundi",
        "Indicateur de résultat</dt><dd>Bruit mesuré sous 80 dB(A)",
        "Coût estimé</dt><dd>1\u202f250,50 €",
        "Ressources mobilisées</dt><dd>Entreprise Méca-Sud",
        "Responsable</dt><dd>Jean Castel",
        "Échéance</dt><dd>1er mars 2027",
        "Coût estimé</dt><dd>Non estimé",
        "Coût total estimé du programme : 1\u202f250,50 €",
    ):
        assert fact in text


def test_the_company_page_links_to_its_action_plan(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = site
    assert f'<a href="{PLAN_PAGE}">Voir le plan d\'action</a>' in shown(
        http.get(f"/entreprises/{CID}")
    )


def test_the_form_reached_from_a_risk_has_it_chosen_and_adding_posts_the_apis_body(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = http.get(f"{PLAN_PAGE}/new", params={"risk": RID})
    text = shown(page)
    assert page.status_code == 200
    assert "<h1>Ajouter une action sur le risque « Bruit »</h1>" in text
    assert f'<option value="{RID}" selected>Bruit — Fournil (Priorité Faible)' in text
    assert '<label for="champ-title">Action' in text
    form = {
        "csrf_token": CSRF,
        "lock_version": "7",
        "risk_id": RID,
        "measure_kind": "collective",
        "title": "Capoter le laminoir",
        "responsible": "Jean Castel",
        "deadline": "2027-01-15",
        "cost_eur": "1 250,50",
        "description": "",
        "resources": "",
        "result_indicator": "",
    }
    done = http.post(PLAN_PAGE, data=form)
    assert done.status_code == 303
    assert done.headers["location"] == f"{PLAN_PAGE}#action-{A1}"
    [post] = fake.writes()
    assert (post["method"], post["path"]) == ("POST", f"{API}/actions")
    assert post["headers"] == {"If-Match": "7"}
    assert post["json"] == {
        "risk_id": RID,
        "measure_kind": "collective",
        "title": "Capoter le laminoir",
        "description": "",
        "responsible": "Jean Castel",
        "deadline": "2027-01-15",
        "cost_eur": "1250.50",
        "resources": "",
        "result_indicator": "",
    }
    text = shown(http.get(PLAN_PAGE))
    assert (
        "L'action « Capoter le laminoir » a été ajoutée au plan, échéance le 15 janvier 2027."
        in text
    )


def test_the_services_422_lands_next_to_the_deadline_with_the_input_kept(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "POST", f"{API}/actions"] = ApiError(
        422,
        {
            "code": "deadline_in_past",
            "message": "L'échéance d'une nouvelle action ne peut pas être dans le passé.",
            "errors": [{"field": "body.deadline", "message": "Échéance dans le passé."}],
        },
    )
    form = {"csrf_token": CSRF, "lock_version": "7", "risk_id": RID, "measure_kind": "individual"}
    page = http.post(PLAN_PAGE, data={**form, "title": "Bouchons moulés", "deadline": "2020-01-02"})
    assert page.status_code == 422
    text = shown(page)
    assert '<p class="field-error" id="erreur-deadline">Échéance dans le passé.' in text
    assert (
        'value="2020-01-02" aria-describedby="aide-deadline erreur-deadline" aria-invalid="true"'
        in text
    )
    assert 'value="Bouchons moulés"' in text
    assert 'value="individual" checked' in text
    assert f'<option value="{RID}" selected>' in text


def test_a_form_the_portal_can_check_is_refused_before_any_call(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = {"csrf_token": CSRF, "lock_version": "7", "title": "", "cost_eur": "beaucoup"}
    page = http.post(PLAN_PAGE, data=form)
    assert page.status_code == 422
    assert fake.writes() == []
    text = shown(page)
    assert "Le formulaire contient 3 erreurs" in text
    assert "Un montant en euros est attendu" in text
    assert 'value="beaucoup"' in text


def test_an_edit_conflict_on_adding_keeps_what_was_typed_with_the_new_lock(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "POST", f"{API}/actions"] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    form = {"csrf_token": CSRF, "lock_version": "6", "measure_kind": "intrinsic"}
    page = http.post(PLAN_PAGE, data={**form, "title": "Pétrin silencieux"})
    assert page.status_code == 409
    text = shown(page)
    assert "a changé pendant votre saisie" in text
    assert 'value="Pétrin silencieux"' in text
    assert 'name="lock_version" value="7"' in text


def test_marking_done_without_javascript_redirects_and_invites_to_re_rate_the_risk(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = {"csrf_token": CSRF, "lock_version": "7", "status": "done", "status_reason": ""}
    done = http.post(f"{PLAN_PAGE}/{A1}/statut", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == f"{PLAN_PAGE}#action-{A1}"
    [patch] = fake.writes()
    assert (patch["method"], patch["path"]) == ("PATCH", f"{API}/actions/{A1}")
    assert patch["json"] == {"status": "done"}
    assert patch["headers"] == {"If-Match": "7"}
    _done(fake)
    text = shown(http.get(PLAN_PAGE))
    assert "Aucune action en retard." in text
    assert "Terminée, le 7 décembre 2026" in text
    assert "Une action sur le risque « Bruit » (Fournil) est terminée : recotez ce risque" in text
    risk_page = f"/entreprises/{CID}/unites/{UID}/risques/{RID}"
    assert f'<a class="button" href="{risk_page}">Recoter le risque « Bruit »</a>' in text
    assert "Actions terminées ou abandonnées" in text


def test_with_htmx_the_row_alone_comes_back_with_the_new_lock_for_the_others(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = {"csrf_token": CSRF, "lock_version": "7", "status": "done"}
    fake.answers["assessment", "PATCH", f"{API}/actions/{A1}"] = {"id": A1}
    _done(fake)  # what the service says after the change
    part = http.post(f"{PLAN_PAGE}/{A1}/statut", data=form, headers={"HX-Request": "true"})
    assert part.status_code == 200
    text = shown(part)
    assert "<html" not in text
    assert text.lstrip().startswith(f'<article class="action" id="action-{A1}"')
    assert f'id="verrou-{A2}" hx-swap-oob="true"' in text
    assert 'name="lock_version" value="8"' in text
    assert f'id="verrou-{A1}" hx-swap-oob' not in text
    assert '<p id="en-retard" class="state" hx-swap-oob="true">Aucune action en retard.' in text
    assert "est maintenant « Terminée ». Une action sur le risque « Bruit »" in text
    assert "Recoter le risque « Bruit »" in text


def test_abandoning_without_a_reason_is_refused_next_to_the_reason(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = {"csrf_token": CSRF, "lock_version": "7", "status": "abandoned", "status_reason": ""}
    page = http.post(f"{PLAN_PAGE}/{A2}/statut", data=form)
    assert page.status_code == 422
    assert fake.writes() == []
    text = shown(page)
    assert f'id="erreur-motif-{A2}">Indiquez pourquoi l\'action est abandonnée.' in text
    assert f'aria-describedby="erreur-motif-{A2}" aria-invalid="true"' in text
    assert '<option value="abandoned" selected>Abandonnée' in text


def test_the_services_422_on_a_status_lands_on_its_field_in_its_row(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "PATCH", f"{API}/actions/{A2}"] = ApiError(
        422,
        {
            "code": "abandon_reason_required",
            "message": "Indiquer pourquoi l'action est abandonnée.",
            "errors": [{"field": "body.status_reason", "message": "Motif obligatoire."}],
        },
    )
    form = {"csrf_token": CSRF, "lock_version": "7", "status": "abandoned", "status_reason": " "}
    page = http.post(f"{PLAN_PAGE}/{A2}/statut", data={**form, "status_reason": "Trop cher"})
    assert page.status_code == 422
    assert f'id="erreur-motif-{A2}">Motif obligatoire.' in shown(page)
    assert 'value="Trop cher"' in shown(page)
    part = http.post(
        f"{PLAN_PAGE}/{A2}/statut",
        data={**form, "status_reason": "Trop cher"},
        headers={"HX-Request": "true"},
    )
    assert part.status_code == 200  # htmx swaps only a 2xx: the row carries the message
    assert "Motif obligatoire." in shown(part)


def test_a_status_edit_conflict_keeps_the_choice_and_gives_the_new_lock(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "PATCH", f"{API}/actions/{A2}"] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    form = {"csrf_token": CSRF, "lock_version": "5", "status": "in_progress"}
    page = http.post(f"{PLAN_PAGE}/{A2}/statut", data=form)
    assert page.status_code == 409
    text = shown(page)
    assert "Le document unique a changé pendant votre saisie" in text
    row = text[text.index(f'id="action-{A2}"') :]
    assert '<option value="in_progress" selected>En cours' in row
    assert 'name="lock_version" value="7"' in row


def test_a_status_change_needs_the_csrf_token(site: tuple[TestClient, FakeServices]) -> None:
    http, fake = site
    refused = http.post(f"{PLAN_PAGE}/{A1}/statut", data={"lock_version": "7", "status": "done"})
    assert refused.status_code == 403
    assert fake.writes() == []


def test_a_bad_id_is_a_french_404(site: tuple[TestClient, FakeServices]) -> None:
    http, _ = site
    page = http.get("/entreprises/pas-un-id/actions")
    assert page.status_code == 404
    assert "ne vous est pas accessible" in shown(page)


def test_a_status_sent_after_the_session_ended_comes_back_in_its_row(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    http.cookies.clear()  # no session: the login page, and the choice kept for afterwards
    form = {"next": PLAN_PAGE, "action_id": A2, "lock_version": "7", "status": "abandoned"}
    sent = http.post(f"{PLAN_PAGE}/{A2}/statut", data={**form, "status_reason": "Local fermé"})
    assert sent.status_code == 303
    assert fake.writes() == []
    store = http.app.state.sessions  # type: ignore[attr-defined]
    [pending] = [s.data["pending_form"] for s in store.saved if "pending_form" in s.data]
    store.by_cookie[COOKIE] = logged_in(CSRF)  # logged in again, the choice still in the session
    store.by_cookie[COOKIE].data["pending_form"] = pending
    http.cookies.set("cosar_session", COOKIE)
    text = shown(http.get(PLAN_PAGE))
    assert "Votre session avait expiré" in text
    row = text[text.index(f'id="action-{A2}"') :]
    assert '<option value="abandoned" selected>Abandonnée' in row
    assert 'value="Local fermé"' in row


def test_an_action_is_edited_from_its_form_filled_with_what_it_holds(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    assert f'href="{PLAN_PAGE}/{A1}/modifier"' in shown(http.get(PLAN_PAGE))
    page = http.get(f"{PLAN_PAGE}/{A1}/modifier")
    text = shown(page)
    assert page.status_code == 200
    assert "<h1>Modifier l'action « Capoter le laminoir »</h1>" in text
    assert 'value="Jean Castel"' in text
    assert 'value="2026-11-30"' in text
    assert 'value="1\u202f250,50"' in text
    assert 'name="risk_id"' not in text  # the risk and the kind stay as created
    form = {
        "csrf_token": CSRF,
        "lock_version": "7",
        "title": "Capoter le laminoir et le pétrin",
        "responsible": "Marie Castel",
        "deadline": "31/01/2027",
        "cost_eur": "",
        "description": "",
        "resources": "Entreprise Méca-Sud",
        "result_indicator": "Bruit mesuré sous 80 dB(A)",
    }
    done = http.post(f"{PLAN_PAGE}/{A1}/modifier", data=form)
    assert done.status_code == 303, shown(done)
    assert done.headers["location"] == f"{PLAN_PAGE}#action-{A1}"
    [patch] = fake.writes()
    assert (patch["method"], patch["path"]) == ("PATCH", f"{API}/actions/{A1}")
    assert patch["headers"] == {"If-Match": "7"}
    # An emptied text clears it; an empty cost is left out (the action keeps its own).
    assert patch["json"] == {
        "title": "Capoter le laminoir et le pétrin",
        "description": "",
        "responsible": "Marie Castel",
        "deadline": "2027-01-31",
        "resources": "Entreprise Méca-Sud",
        "result_indicator": "Bruit mesuré sous 80 dB(A)",
    }
    assert "L'action « Capoter le laminoir et le pétrin » a été enregistrée." in shown(
        http.get(PLAN_PAGE)
    )


def test_an_edit_conflict_shows_the_action_now_and_keeps_what_was_typed(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "PATCH", f"{API}/actions/{A1}"] = ApiError(
        409, {"code": "edit_conflict", "message": "Le document a changé."}
    )
    form = {"csrf_token": CSRF, "lock_version": "6", "title": "Mon titre à moi", "deadline": "x"}
    refused = http.post(f"{PLAN_PAGE}/{A1}/modifier", data=form)
    assert refused.status_code == 422  # a date the portal can check: no call made
    assert "Date invalide" in shown(refused)
    assert fake.writes() == []
    page = http.post(f"{PLAN_PAGE}/{A1}/modifier", data={**form, "deadline": ""})
    text = shown(page)
    assert page.status_code == 409
    assert 'value="Mon titre à moi"' in text
    assert "Responsable : Jean Castel" in text
    assert "Échéance : 30 novembre 2026" in text
    assert 'name="lock_version" value="7"' in text  # saving again goes through


def test_editing_an_action_that_is_not_in_the_plan_is_a_french_404(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = site
    page = http.get(f"{PLAN_PAGE}/0b7a0000-0000-4000-8000-000000000099/modifier")
    assert page.status_code == 404
    assert "Cette action n'existe pas ou ne vous est pas accessible." in shown(page)
    assert http.get(f"{PLAN_PAGE}/pas-un-id/modifier").status_code == 404
