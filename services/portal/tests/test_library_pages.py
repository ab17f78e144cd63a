"""The sector library of a work unit, on fake services: entries marked present, adding one with
its rating (with and without htmx), the service's refusals next to the right field."""

from __future__ import annotations

import copy
import html
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.app import create_app
from portal.clients import Answer, ApiError
from portal.domain.library import library_items, library_risk_payload
from portal.settings import PortalSettings

from .fakes import COOKIE, FakeOAuth, FakeServices, FakeStore, logged_in
from .samples import METHOD, RISK

pytestmark = pytest.mark.unit

CID = "1d495e5b-841a-5b20-aef1-d7fc4f68bb29"
UID = "5b0a8d0c-2d7e-4b8e-9a43-0f3f3a8b8c11"
UNIT_PAGE = f"/entreprises/{CID}/unites/{UID}"
PAGE = f"{UNIT_PAGE}/bibliotheque"
API = f"/companies/{CID}/duerp"
CSRF = "t" * 43
DUST = {
    "id": "0f5c2b8e-1a3d-4c6e-9b7a-2d4e6f8a0b1c",
    "naf_division": "10",
    "hazard_code": "CHI.POUSS",
    "hazard_display": "Poussières et fumées",
    "situations": "Pesée, versement et fleurage de farine",
    "damages": "Asthme et rhinite du boulanger (tableau 66 RG)",
    "measures": [
        {"kind": "collective", "description": "Pétrin à couvercle, aspiration à la source"},
        {"kind": "instructions", "description": "Verser la farine sans la jeter"},
    ],
    "status": "published",
    "proposed_by_tenant": None,
}
NOISE = {
    **DUST,
    "id": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "hazard_code": "PHY.BRUIT",
    "hazard_display": "Bruit",
    "situations": "Pétrin, laminoir",
    "damages": "Surdité",
    "measures": [],
}
UNIT = {"id": UID, "kind": "trade", "name": "Fournil", "headcount": 4, "risks": [RISK]}
DUERP = {
    "company": {
        "id": CID,
        "name": "Boulangerie du Vieux-Port",
        "naf": {"system": "naf-rev2", "code": "10.71C", "display": "Boulangerie et pâtisserie"},
    },
    "lock_version": 7,
    "method": METHOD,
    "work_units": [UNIT],
    "warnings": [],
}
ADDED_RISK = {
    **RISK,
    "id": "3e2d1c0b-aaaa-4bbb-8ccc-111122223333",
    "hazard": {"system": "dangers", "code": "CHI.POUSS", "display": "Poussières et fumées"},
    "rating": {**RISK["rating"], "raw_score": "6", "residual_score": "2.10", "priority": "low"},
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
    answers = {
        ("assessment", "GET", API): copy.deepcopy(DUERP),
        ("assessment", "GET", f"{API}/suggestions"): [DUST, NOISE],
    }
    fake = FakeServices(answers, default={"id": ADDED_RISK["id"]})
    app.state.services = fake
    http = TestClient(app, base_url="http://portal.test", follow_redirects=False)
    http.cookies.set("cosar_session", COOKIE)
    return http, fake


def after_addition(fake: FakeServices) -> None:
    """The DUERP as the service has it once the dust entry was added."""
    duerp = copy.deepcopy(DUERP)
    duerp["lock_version"] = 8
    duerp["work_units"][0]["risks"].append(ADDED_RISK)
    fake.answers["assessment", "GET", API] = duerp


def adds_for_real(fake: FakeServices) -> None:
    """The service's DUERP changes when the risk is posted, as the real one does."""
    original = fake.call

    async def call(service: str, method: str, path: str, **kwargs: Any) -> Answer:
        answer = await original(service, method, path, **kwargs)
        if method == "POST":
            after_addition(fake)
        return answer

    fake.call = call  # type: ignore[method-assign]


FORM = {"csrf_token": CSRF, "lock_version": "7", "form": DUST["id"]}


def test_the_unit_page_links_to_the_library_and_the_penibilite_page(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = site
    page = shown(http.get(UNIT_PAGE))
    assert f'href="{PAGE}"' in page
    assert f'href="{UNIT_PAGE}/penibilite"' in page


def test_the_library_lists_the_sectors_hazards_and_marks_those_already_in_the_unit(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = http.get(PAGE)
    assert page.status_code == 200
    text = shown(page)
    assert text.count("<h1") == 1
    assert "<title>Bibliothèque du secteur — unité « Fournil » — Portail COSAR</title>" in text
    assert "NAF 10.71C — Boulangerie et pâtisserie" in text
    assert "Protection collective : Pétrin à couvercle, aspiration à la source" in text
    assert "Consignes : Verser la farine sans la jeter" in text
    # Noise is already a risk of the unit: marked, no add form.
    assert 'Bruit <span class="tag">Déjà dans l\'unité</span>' in text
    assert f'action="{PAGE}/{NOISE["id"]}"' not in text
    # Dust has its form, with the lock, the token and labelled radios of its own ids.
    assert f'action="{PAGE}/{DUST["id"]}"' in text
    assert f'hx-post="{PAGE}/{DUST["id"]}"' in text
    assert f'name="lock_version" value="7" id="verrou-{DUST["id"]}"' in text
    assert f'name="csrf_token" value="{CSRF}"' in text
    radio = f"e-{DUST['id']}-probability-2"
    assert f'id="{radio}"' in text
    assert f'<label for="{radio}">2 — Possible</label>' in text
    assert [c["path"] for c in fake.calls] == [API, f"{API}/suggestions"]


def test_adding_an_entry_without_javascript_posts_the_entry_and_the_rating(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    adds_for_real(fake)
    done = http.post(f"{PAGE}/{DUST['id']}", data={**FORM, "probability": "2", "gravity": "3"})
    assert done.status_code == 303
    assert done.headers["location"] == f"{PAGE}#entree-{DUST['id']}"
    [post] = fake.writes()
    assert (post["method"], post["path"]) == ("POST", f"{API}/work-units/{UID}/risks")
    assert post["headers"] == {"If-Match": "7"}
    assert post["json"] == {
        "hazard_code": "CHI.POUSS",
        "situations": "Pesée, versement et fleurage de farine",
        "damages": "Asthme et rhinite du boulanger (tableau 66 RG)",
        "measures": [
            {"kind": "collective", "description": "Pétrin à couvercle, aspiration à la source"},
            {"kind": "instructions", "description": "Verser la farine sans la jeter"},
        ],
        "rating": {"probability": 2, "gravity": 3},
    }
    page = shown(http.get(PAGE))
    assert (
        "Le risque « Poussières et fumées » a été ajouté à l'unité : criticité brute 6, "
        "résiduelle 2,10 : priorité Faible." in page
    )
    assert 'Poussières et fumées <span class="tag">Déjà dans l\'unité</span>' in page


def test_with_htmx_the_entry_is_replaced_and_the_other_forms_get_the_new_lock(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    adds_for_real(fake)
    # A third entry still to add, whose form must follow the DUERP's new lock.
    third = {**NOISE, "id": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "hazard_code": "PHY.CHUTE"}
    fake.answers["assessment", "GET", f"{API}/suggestions"] = [DUST, NOISE, third]
    answer = http.post(
        f"{PAGE}/{DUST['id']}",
        data={**FORM, "probability": "2", "gravity": "3"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert len(fake.writes()) == 1
    text = shown(answer)
    assert "<html" not in text
    assert f'<li class="library-entry" id="entree-{DUST["id"]}">' in text
    assert "a été ajouté à l'unité : criticité brute 6" in text
    assert '<div id="annonce-bibliotheque" hx-swap-oob="innerHTML"><p class="notice">' in text
    assert '<div id="risques-unite" hx-swap-oob="innerHTML">' in text
    assert f'value="8" id="verrou-{third["id"]}" hx-swap-oob="true"' in text
    assert f'id="verrou-{NOISE["id"]}"' not in text  # already present: no form to follow


def test_a_missing_level_is_said_next_to_its_group_and_the_other_choice_is_kept(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = http.post(f"{PAGE}/{DUST['id']}", data={**FORM, "probability": "3"})
    assert page.status_code == 422
    assert fake.writes() == []
    text = shown(page)
    group = f'id="e-{DUST["id"]}-gravity"'
    assert f'{group} aria-describedby="erreur-{DUST["id"]}-gravity" aria-invalid="true"' in text
    assert f'<p class="field-error" id="erreur-{DUST["id"]}-gravity">Ce champ est obligatoire.' in (
        text
    )
    assert f'id="e-{DUST["id"]}-probability-3" name="probability" value="3" checked' in text


def test_the_services_422_lands_on_the_rating_field_of_that_entry(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "POST", f"{API}/work-units/{UID}/risks"] = ApiError(
        422,
        {
            "code": "invalid_rating",
            "message": "Cotation invalide.",
            "errors": [{"field": "body.rating.gravity", "message": "Niveau de gravité inconnu."}],
        },
    )
    page = http.post(f"{PAGE}/{DUST['id']}", data={**FORM, "probability": "2", "gravity": "3"})
    assert page.status_code == 422
    text = shown(page)
    assert f'id="erreur-{DUST["id"]}-gravity">Niveau de gravité inconnu.' in text
    assert f'id="e-{DUST["id"]}-gravity-3" name="gravity" value="3" checked' in text
    # With htmx the same fragment comes back as 200, for htmx to swap it in.
    fragment = http.post(
        f"{PAGE}/{DUST['id']}",
        data={**FORM, "probability": "2", "gravity": "3"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert "Niveau de gravité inconnu." in shown(fragment)


def test_an_edit_conflict_keeps_the_chosen_rating_with_the_current_lock(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "POST", f"{API}/work-units/{UID}/risks"] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    duerp = copy.deepcopy(DUERP)
    duerp["lock_version"] = 9
    fake.answers["assessment", "GET", API] = duerp
    page = http.post(
        f"{PAGE}/{DUST['id']}",
        data={**FORM, "lock_version": "6", "probability": "4", "gravity": "2"},
    )
    assert page.status_code == 409
    text = shown(page)
    assert "a changé pendant votre saisie" in text
    assert f'id="e-{DUST["id"]}-probability-4" name="probability" value="4" checked' in text
    assert f'value="9" id="verrou-{DUST["id"]}"' in text


def test_an_entry_no_longer_in_the_library_is_a_french_404(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    gone = http.post(
        f"{PAGE}/00000000-0000-4000-8000-000000000000", data={**FORM, "probability": "2"}
    )
    assert gone.status_code == 404
    assert "ne figure plus dans la bibliothèque" in shown(gone)
    assert fake.writes() == []


def test_library_items_and_payload_are_the_entries_as_given() -> None:
    [dust, noise] = library_items([DUST, NOISE], UNIT)
    assert (dust.present, noise.present) == (False, True)
    assert dust.measures[0] == ("Protection collective", DUST["measures"][0]["description"])
    payload = library_risk_payload(DUST, METHOD, {"probability": "1", "gravity": "4"})
    assert payload["rating"] == {"probability": 1, "gravity": 4}
    assert "control_level" not in payload  # derived by the service from the measures
