"""The pénibilité page of a work unit, on fake services: the ten factors in their groups with
the C2P threshold of the year, the form of one factor ↔ the API's body, refusals and conflicts."""

from __future__ import annotations

import copy
import html
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.app import create_app
from portal.clients import ApiError, ServiceUnavailable
from portal.domain.penibilite import factor_groups, parse_duration, threshold_lines
from portal.settings import PortalSettings

from cosar_common import clock

from .fakes import COOKIE, FakeOAuth, FakeServices, FakeStore, logged_in
from .samples import METHOD

pytestmark = pytest.mark.unit

CID = "1d495e5b-841a-5b20-aef1-d7fc4f68bb29"
UID = "5b0a8d0c-2d7e-4b8e-9a43-0f3f3a8b8c11"
UNIT_PAGE = f"/entreprises/{CID}/unites/{UID}"
PAGE = f"{UNIT_PAGE}/penibilite"
API = f"/companies/{CID}/duerp"
CSRF = "t" * 43

GROUPS = {
    "1": "Contraintes physiques marquées",
    "2": "Environnement physique agressif",
    "3": "Certains rythmes de travail",
}
FACTORS = {
    "1a": "Manutentions manuelles de charges",
    "1b": "Postures pénibles",
    "1c": "Vibrations mécaniques",
    "2a": "Agents chimiques dangereux",
    "2b": "Activités exercées en milieu hyperbare",
    "2c": "Températures extrêmes",
    "2d": "Bruit",
    "3a": "Travail de nuit",
    "3b": "Travail en équipes successives alternantes",
    "3c": "Travail répétitif",
}
C2P = {"2b", "2c", "2d", "3a", "3b", "3c"}
ANNEX = [
    {
        "factor": {"system": "penibilite-facteurs", "code": code, "display": label},
        "has_c2p_threshold": code in C2P,
        "exposed_above_threshold": 3 if code == "3a" else 0,
        "proportion": "0.2500" if code == "3a" else "0.0000",
    }
    for code, label in FACTORS.items()
]
FACTOR_CONCEPTS = [
    {"code": code, "display": label, "parents": [], "level": 1} for code, label in GROUPS.items()
] + [
    {"code": code, "display": label, "parents": [code[0]], "level": 2}
    for code, label in FACTORS.items()
]


def dated(code: str, value: str, start: str | None, end: str | None = None) -> dict[str, Any]:
    return {"code": code, "value": value, "valid_from": start, "valid_to": end}


def line(
    code: str, factor: str, intensity: str, durations: list[tuple[str, str, str | None]]
) -> dict[str, Any]:
    properties = [{"code": "factor", "value": factor, "valid_from": None, "valid_to": None}]
    for text, start, end in durations:
        unit = text.split(" ", 1)[1]
        properties += [
            dated("intensite_minimale", intensity, start, end),
            dated("duree_minimale", text, start, end),
            dated("duree_unite", unit, start, end),
        ]
    return {"code": code, "display": f"Ligne {code}", "properties": properties}


THRESHOLDS = [
    line(
        "2b",
        "2b",
        "1 200 hectopascals",
        [("60 interventions ou travaux par an", "2019-01-01", None)],
    ),
    line("2c", "2c", "≤ 5 °C ou ≥ 30 °C", [("900 heures par an", "2019-01-01", None)]),
    line("2d.1", "2d", "Lex,8h ≥ 81 dB(A)", [("600 heures par an", "2019-01-01", None)]),
    line("2d.2", "2d", "Crête ≥ 135 dB(C)", [("120 fois par an", "2019-01-01", None)]),
    line(
        "3a",
        "3a",
        "Une heure de travail entre 24 heures et 5 heures",
        [
            ("120 nuits par an", "2019-01-01", "2023-08-31"),
            ("100 nuits par an", "2023-09-01", None),
        ],
    ),
    line("3b", "3b", "Équipes alternantes", [("30 nuits par an", "2023-09-01", None)]),
    line("3c.1", "3c", "Cycle ≤ 30 s : 15 actions", [("900 heures par an", "2019-01-01", None)]),
    line(
        "3c.2", "3c", "Cycle > 30 s : 30 actions/min", [("900 heures par an", "2019-01-01", None)]
    ),
]
NIGHT = {
    "factor": {"system": "penibilite-facteurs", "code": "3a", "display": "Travail de nuit"},
    "threshold_code": "3a",
    "intensity": "Fournée de 3 h",
    "intensity_reached": True,
    "yearly_duration": "110",
    "duration_unit": "nuits par an",
    "threshold_value": "100",
    "estimated": False,
    "exposed_headcount": 3,
    "above_threshold": True,
}
UNIT = {
    "id": UID,
    "kind": "trade",
    "name": "Fournil",
    "headcount": 4,
    "risks": [],
    "penibilite": [NIGHT],
}
DUERP = {
    "company": {"id": CID, "name": "Boulangerie du Vieux-Port", "headcount": 12},
    "lock_version": 7,
    "method": METHOD,
    "work_units": [UNIT],
    "penibilite_annex": ANNEX,
    "warnings": [],
}
VERSIONS = [
    {"version": "2025", "status": "retired", "published_at": "2025-01-02T00:00:00Z"},
    {"version": "2026", "status": "published", "published_at": "2026-03-27T00:00:00Z"},
    {"version": "2027-draft", "status": "draft", "published_at": None},
]
CSV = "/code-systems/c2p-seuils"
PF = "/code-systems/penibilite-facteurs"


def shown(answer: httpx.Response) -> str:
    return html.unescape(answer.text)


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, FakeServices]:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 7))
    app = create_app(PortalSettings(public_url="http://portal.test"))
    store = FakeStore()
    store.by_cookie[COOKIE] = logged_in(CSRF)
    app.state.sessions = store
    app.state.oauth = FakeOAuth()
    answers = {
        ("assessment", "GET", API): copy.deepcopy(DUERP),
        ("thesaurus", "GET", f"{PF}/versions"): VERSIONS,
        ("thesaurus", "GET", f"{PF}/versions/2026/concepts"): FACTOR_CONCEPTS,
        ("thesaurus", "GET", f"{CSV}/versions"): VERSIONS,
        ("thesaurus", "GET", f"{CSV}/versions/2026/concepts"): THRESHOLDS,
    }
    fake = FakeServices(answers, default={"id": "e0e0e0e0-0000-4000-8000-000000000001"})
    app.state.services = fake
    http = TestClient(app, base_url="http://portal.test", follow_redirects=False)
    http.cookies.set("cosar_session", COOKIE)
    return http, fake


def test_the_ten_factors_come_in_their_three_groups_with_the_thresholds_of_the_year(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = http.get(PAGE)
    assert page.status_code == 200
    text = shown(page)
    assert text.count("<h1") == 1
    assert "<title>Pénibilité — unité « Fournil » — Boulangerie du Vieux-Port" in text
    for group in GROUPS.values():
        assert f">{group}</h2>" in text
    assert text.count('<article class="factor"') == 10
    # The four factors without a C2P threshold say so, in French.
    assert text.count("Pas de seuil C2P depuis 2017") == 4
    assert "Seuil C2P en vigueur en 2026" in text
    assert "Durée minimale : 100 nuits par an." in text
    assert "120 nuits par an" not in text  # no longer in force in 2026
    assert "Lex,8h ≥ 81 dB(A)" in text
    assert "Crête ≥ 135 dB(C)" in text
    # The unit's assessment and the company's proportion, as the assessment gave them.
    assert "3 salariés exposés · 110 nuits par an" in text
    assert "au-delà du seuil C2P</strong> (seuil retenu pour 2026 : 100 nuits par an)" in text
    assert "3 salariés au-delà du seuil, soit 25,00 % de l'effectif." in text
    assert f'href="{PAGE}/3a"' in text
    [concepts] = [c for c in fake.calls if c["path"] == f"{CSV}/versions/2026/concepts"]
    assert concepts["params"] == {"limit": 1000}  # the published version, not the draft


def test_in_2023_both_night_thresholds_are_shown_with_their_dates_and_the_proration_said(
    site: tuple[TestClient, FakeServices], monkeypatch: pytest.MonkeyPatch
) -> None:
    http, _ = site
    monkeypatch.setattr(clock, "today", lambda: date(2023, 6, 1))
    text = shown(http.get(PAGE))
    assert (
        "120 nuits par an (jusqu'au 31 août 2023) ; "
        "100 nuits par an (à partir du 1er septembre 2023)." in text
    )
    assert "au prorata des jours de chaque valeur" in text


def test_without_the_thesaurus_the_factors_are_still_listed_and_the_page_says_why(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["thesaurus", "GET", f"{PF}/versions"] = ServiceUnavailable("thesaurus", "down")
    page = http.get(PAGE)
    assert page.status_code == 200
    text = shown(page)
    assert "Le référentiel des seuils C2P ne répond pas" in text
    assert text.count('<article class="factor"') == 10


def test_recording_a_factor_puts_the_form_as_the_apis_body_with_the_lock(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = http.get(f"{PAGE}/3a")
    assert form.status_code == 200
    text = shown(form)
    assert text.count("<h1") == 1
    assert 'required value="3" aria-describedby="aide-exposed_headcount"' in text  # prefilled
    assert (
        "<label for=\"champ-yearly_duration\">Durée d'exposition sur l'année (nuits par an)" in text
    )
    assert 'name="threshold_code"' not in text  # one line: the service's default
    done = http.post(
        f"{PAGE}/3a",
        data={
            "csrf_token": CSRF,
            "lock_version": "7",
            "exposed_headcount": "2",
            "intensity": "Fournée de 3 h à 4 h",
            "intensity_reached": "oui",
            "yearly_duration": "112,5",
            "estimated": "oui",
        },
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{PAGE}#facteur-3a"
    [put] = fake.writes()
    assert (put["method"], put["path"]) == ("PUT", f"{API}/work-units/{UID}/penibilite")
    assert put["headers"] == {"If-Match": "7"}
    assert put["json"] == {
        "factor_code": "3a",
        "intensity": "Fournée de 3 h à 4 h",
        "intensity_reached": True,
        "yearly_duration": "112.5",
        "estimated": True,
        "exposed_headcount": 2,
    }
    assert "Le facteur « Travail de nuit » a été évalué : au-delà du seuil C2P." in shown(
        http.get(PAGE)
    )


def test_a_factor_with_two_threshold_lines_asks_which_one(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = {"csrf_token": CSRF, "lock_version": "7", "exposed_headcount": "1"}
    page = http.post(f"{PAGE}/2d", data={**form, "intensity_reached": "non"})
    assert page.status_code == 422
    assert '<p class="field-error" id="erreur-threshold_code">Ce champ est obligatoire.' in shown(
        page
    )
    assert fake.writes() == []
    done = http.post(
        f"{PAGE}/2d", data={**form, "intensity_reached": "non", "threshold_code": "2d.2"}
    )
    assert done.status_code == 303
    assert fake.writes()[0]["json"]["threshold_code"] == "2d.2"
    # Each situation's assessment is changed from where it stands.
    peak = {**NIGHT, "factor": {**NIGHT["factor"], "code": "2d"}, "threshold_code": "2d.2"}
    fake.answers["assessment", "GET", API]["work_units"][0]["penibilite"] = [NIGHT, peak]
    assert f'href="{PAGE}/2d?ligne=2d.2">Modifier' in shown(http.get(PAGE))
    again = shown(http.get(f"{PAGE}/2d", params={"ligne": "2d.2"}))
    assert 'name="threshold_code" value="2d.2" checked' in again


def test_a_factor_without_threshold_sends_no_intensity_question(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = shown(http.get(f"{PAGE}/1a"))
    assert "Pas de seuil C2P depuis 2017" in page
    assert 'name="intensity_reached"' not in page
    http.post(
        f"{PAGE}/1a", data={"csrf_token": CSRF, "lock_version": "7", "exposed_headcount": "4"}
    )
    [put] = fake.writes()
    assert put["json"]["factor_code"] == "1a"
    assert "threshold_code" not in put["json"]
    assert put["json"]["intensity_reached"] is False


def test_a_bad_duration_and_the_services_422_are_shown_next_to_their_field(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    form = {"csrf_token": CSRF, "lock_version": "7", "intensity_reached": "oui"}
    page = http.post(
        f"{PAGE}/3a", data={**form, "exposed_headcount": "2", "yearly_duration": "beaucoup"}
    )
    assert page.status_code == 422
    text = shown(page)
    assert 'id="erreur-yearly_duration">Un nombre est attendu (par exemple 110 ou 12,5).' in text
    assert (
        'aria-describedby="aide-yearly_duration erreur-yearly_duration" aria-invalid="true"' in text
    )
    assert 'value="beaucoup"' in text
    fake.answers["assessment", "PUT", f"{API}/work-units/{UID}/penibilite"] = ApiError(
        422,
        {
            "code": "validation_error",
            "message": "Données invalides.",
            "errors": [
                {
                    "field": "body.exposed_headcount",
                    "message": "Doit être inférieur ou égal à 1000000.",
                }
            ],
        },
    )
    page = http.post(f"{PAGE}/3a", data={**form, "exposed_headcount": "2", "yearly_duration": "50"})
    assert page.status_code == 422
    text = shown(page)
    assert (
        '<p class="field-error" id="erreur-exposed_headcount">Doit être inférieur ou égal' in text
    )
    assert 'value="50"' in text


def test_an_edit_conflict_keeps_the_input_with_the_new_lock(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "PUT", f"{API}/work-units/{UID}/penibilite"] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    form = {"csrf_token": CSRF, "lock_version": "6", "intensity_reached": "non"}
    page = http.post(
        f"{PAGE}/3b", data={**form, "exposed_headcount": "5", "intensity": "Rotation 2x8"}
    )
    assert page.status_code == 409
    text = shown(page)
    assert "a changé pendant votre saisie" in text
    assert 'value="5"' in text
    assert "Rotation 2x8</textarea>" in text
    assert 'name="lock_version" value="7"' in text


def test_an_unknown_factor_is_a_french_404(site: tuple[TestClient, FakeServices]) -> None:
    http, _ = site
    assert http.get(f"{PAGE}/9z").status_code == 404


def test_pure_helpers_pick_the_values_in_force_and_read_french_numbers() -> None:
    [night] = threshold_lines(THRESHOLDS, "3a", 2024)
    assert [d.text for d in night.durations] == ["100 nuits par an"]
    assert [d.text for d in threshold_lines(THRESHOLDS, "3a", 2023)[0].durations] == [
        "120 nuits par an",
        "100 nuits par an",
    ]
    assert threshold_lines(THRESHOLDS, "1a", 2026) == ()
    assert parse_duration("1 200,5") == (Decimal("1200.5"), None)
    assert parse_duration("-1")[1] == "La durée ne peut pas être négative."
    groups = factor_groups(ANNEX, UNIT, factors=[], thresholds=[], year=2026)
    assert [g.label for g in groups] == ["Facteurs de pénibilité"]
    assert len(groups[0].factors) == 10
