"""The versions pages on fake services: the list and its chain, the documents, comparing,
publishing (no infrastructure)."""

from __future__ import annotations

import copy
import html

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.clients import ApiError, Download, ServiceUnavailable

from .fakes import FakeServices, signed_in_site
from .samples import CHAIN_BROKEN, CHAIN_OK, DIFF, METHOD, RISK, VERSIONS

pytestmark = pytest.mark.unit

CID = "1d495e5b-841a-5b20-aef1-d7fc4f68bb29"
PAGE = f"/entreprises/{CID}/versions"
API = f"/companies/{CID}/duerp/versions"
CSRF = "t" * 43
COMPANY = {"id": CID, "name": "Boulangerie du Vieux-Port", "siret": "81234560100015"}
DUERP = {
    "company": {**COMPANY, "naf": {"code": "10.71C", "display": "Boulangerie"}, "headcount": 4},
    "lock_version": 7,
    "method": METHOD,
    "work_units": [
        {
            "id": "u1",
            "kind": "trade",
            "name": "Fournil",
            "headcount": 4,
            "risks": [{**RISK, "measures": [{"kind": "collective", "description": "Capotage"}]}],
        }
    ],
    "actions": [],
    "warnings": [],
    "last_version": 2,
    "last_published_at": "2026-07-01T22:15:00Z",
    "to_update": False,
}
PDF = Download(b"%PDF-1.7 fake", "application/pdf")


def shown(answer: httpx.Response) -> str:
    return html.unescape(answer.text)


def make_site(roles: list[str]) -> tuple[TestClient, FakeServices]:
    answers = {
        ("assessment", "GET", f"/companies/{CID}"): COMPANY,
        ("assessment", "GET", f"/companies/{CID}/duerp"): copy.deepcopy(DUERP),
        ("assessment", "GET", f"/companies/{CID}/duerp/action-plan"): {"overdue": []},
        ("assessment", "GET", API): copy.deepcopy(VERSIONS),
        ("assessment", "GET", f"{API}/verify"): CHAIN_OK,
        ("assessment", "GET", f"{API}/diff"): DIFF,
        ("assessment", "GET", f"{API}/2/export.pdf"): PDF,
        ("assessment", "POST", API): {**VERSIONS[1], "number": 3},
    }
    return signed_in_site(roles, answers, csrf=CSRF)


@pytest.fixture
def site() -> tuple[TestClient, FakeServices]:
    return make_site(["employer"])


def test_the_versions_are_listed_newest_first_with_the_chain_verified(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = site
    page = http.get(PAGE)
    assert page.status_code == 200
    text = shown(page)
    assert "Chaîne d'empreintes vérifiée : aucune version n'a été modifiée" in text
    assert text.index("Version 2</th>") < text.index("Version 1</th>")
    assert "02/07/2026 à 00:15" in text  # Paris time
    assert "Jean Castel (vous)" in text  # employer1's own version
    assert "Consulté le 02/02/2026 : avis assorti de réserves" in text
    assert "Propositions : Capoter le laminoir." in text
    assert "<caption>" in text
    assert '<th scope="col">Publiée par</th>' in text
    for fmt in ("pdf", "xlsx", "ods"):
        assert f'href="{PAGE}/2/document.{fmt}"' in text
    assert f'action="{PAGE}/comparer#differences"' in text
    assert '<label for="version-de">Version de départ</label>' in text
    assert '<option value="1" selected>' in text
    assert '<option value="2" selected>' in text
    assert f'href="{PAGE}/publier"' in text
    assert "b" * 64 in text  # the last version's hash


def test_a_broken_chain_says_where_and_why(site: tuple[TestClient, FakeServices]) -> None:
    http, fake = site
    fake.answers["assessment", "GET", f"{API}/verify"] = CHAIN_BROKEN
    text = shown(http.get(PAGE))
    assert "Chaîne d'empreintes rompue à partir de la version 2 : Le contenu" in text
    assert 'role="alert"' in text
    assert "aucune version n'a été modifiée" not in text


def test_a_reader_who_may_not_publish_sees_no_publish_button() -> None:
    http, _ = make_site(["employee-representative"])
    page = http.get(PAGE)
    assert page.status_code == 200
    assert "/publier" not in page.text


def test_a_document_comes_through_the_portal_with_a_french_file_name(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    answer = http.get(f"{PAGE}/2/document.pdf")
    assert answer.status_code == 200
    assert answer.content == PDF.content
    assert answer.headers["content-type"] == "application/pdf"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Document unique - Boulangerie du')
    assert disposition.endswith('Boulangerie du Vieux-Port - version 2.pdf"')
    assert answer.headers["cache-control"] == "no-store"
    [export] = [c for c in fake.calls if c["path"] == f"{API}/2/export.pdf"]
    assert export["token"] == "a"  # the person's token, sent by the portal only
    assert "authorization" not in {k.lower() for k in answer.headers}


def test_a_missing_version_or_a_service_down_is_a_french_page_not_a_500(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "GET", f"{API}/9/export.pdf"] = ApiError(
        404, {"code": "not_found", "message": "Version 9 introuvable."}
    )
    missing = http.get(f"{PAGE}/9/document.pdf")
    assert missing.status_code == 404
    assert "Cette version n'existe pas ou ne vous est pas accessible." in shown(missing)
    assert http.get(f"{PAGE}/2/document.docx").status_code == 404
    assert http.get(f"{PAGE}/deux/document.pdf").status_code == 404
    fake.answers["assessment", "GET", f"{API}/2/export.pdf"] = ServiceUnavailable(
        "assessment", "HTTP 503"
    )
    down = http.get(f"{PAGE}/2/document.pdf")
    assert down.status_code == 503
    assert "Service momentanément indisponible" in shown(down)


def test_comparing_two_versions_shows_the_apis_diff_in_words(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = http.get(f"{PAGE}/comparer", params={"de": "2", "a": "1"})
    assert page.status_code == 200
    [diff] = [c for c in fake.calls if c["path"] == f"{API}/diff"]
    assert diff["params"] == {"from": 1, "to": 2}
    text = shown(page)
    assert "<h1>Comparaison des versions 1 et 2</h1>" in text
    assert "Unités de travail ajoutées" in text
    assert "<li>Vente</li>" in text
    assert "Bruit (Fournil) : criticité résiduelle 6, priorité Modérée →" in text
    same = http.get(f"{PAGE}/comparer", params={"de": "2", "a": "2"})
    assert same.status_code == 422
    assert "Choisissez deux versions différentes." in shown(same)


def test_publishing_asks_first_then_sends_the_lock_and_says_so(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    company = shown(http.get(f"/entreprises/{CID}"))
    assert f'href="{PAGE}"' in company
    assert f'href="{PAGE}/publier"' in company
    confirm = http.get(f"{PAGE}/publier")
    assert confirm.status_code == 200
    assert "Publier la version 3 du document unique ?" in shown(confirm)
    assert 'name="lock_version" value="7"' in confirm.text
    assert fake.writes() == []
    done = http.post(PAGE, data={"csrf_token": CSRF, "lock_version": "7"})
    assert done.status_code == 303
    assert done.headers["location"] == PAGE
    [post] = fake.writes()
    assert (post["path"], post["headers"]) == (API, {"If-Match": "7"})
    assert post["json"] == {"confirm_unchanged": False}
    assert "aucun point à signaler" in shown(confirm)
    assert "La version 3 du document unique a été publiée le 02/07/2026 à 00:15" in shown(
        http.get(PAGE)
    )


def test_the_services_refusal_to_publish_is_shown_in_french(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    message = "Le document unique ne contient encore aucune unité de travail : rien à publier."
    fake.answers["assessment", "POST", API] = ApiError(
        409, {"code": "empty_duerp", "message": message}
    )
    page = http.post(PAGE, data={"csrf_token": CSRF, "lock_version": "7"})
    assert page.status_code == 409
    assert "La version n'a pas été publiée" in shown(page)
    assert message in shown(page)
    fake.answers["assessment", "POST", API] = ApiError(
        422, {"code": "rule_violation", "message": "Rien n'a changé depuis la version 2."}
    )
    page = http.post(PAGE, data={"csrf_token": CSRF, "lock_version": "7"})
    assert page.status_code == 422
    assert "Rien n'a changé depuis la version 2." in shown(page)


def test_a_duerp_changed_meanwhile_asks_to_confirm_again(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "POST", API] = ApiError(
        409, {"code": "edit_conflict", "message": "Modifié entre-temps."}
    )
    page = http.post(PAGE, data={"csrf_token": CSRF, "lock_version": "6"})
    assert page.status_code == 409
    assert "Le document unique a changé pendant votre lecture" in shown(page)
    assert 'name="lock_version" value="7"' in page.text  # confirming again goes through


def test_publishing_needs_the_csrf_token(site: tuple[TestClient, FakeServices]) -> None:
    http, fake = site
    refused = http.post(PAGE, data={"lock_version": "7"})
    assert refused.status_code == 403
    assert fake.writes() == []


def _with_warnings(fake: FakeServices) -> None:
    """A unit without risks, and nothing changed since version 2."""
    duerp = copy.deepcopy(DUERP)
    duerp["work_units"].append(
        {"id": "u2", "kind": "geographic", "name": "Quai", "headcount": 1, "risks": []}
    )
    duerp["unchanged_since_last_version"] = True
    fake.answers["assessment", "GET", f"/companies/{CID}/duerp"] = duerp


def test_the_publish_page_lists_the_checks_to_confirm_and_refuses_until_ticked(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    _with_warnings(fake)
    confirm = http.get(f"{PAGE}/publier")
    text = shown(confirm)
    assert "Avant de publier : 2 points à vérifier et confirmer" in text
    assert "1 unité de travail sans risque" in text
    assert "<li>Quai</li>" in text
    assert "Rien n'a changé depuis la version 2" in text
    assert 'type="checkbox" id="confirm_empty_unit" name="confirm_empty_unit"' in text
    assert 'type="checkbox" id="confirm_unchanged" name="confirm_unchanged"' in text
    assert f'<form method="post" action="{PAGE}">' in text
    assert f'name="csrf_token" value="{CSRF}"' in text

    # One box ticked out of two: nothing is sent, the page says which one is missing.
    half = http.post(
        PAGE, data={"csrf_token": CSRF, "lock_version": "7", "confirm_empty_unit": "oui"}
    )
    assert half.status_code == 422
    assert fake.writes() == []
    missing = shown(half)
    assert "Confirmez chaque vérification avant de publier" in missing
    assert '<a href="#confirm_unchanged">Rien n' in missing
    assert 'name="confirm_empty_unit" value="oui" checked' in missing  # kept ticked

    done = http.post(
        PAGE,
        data={
            "csrf_token": CSRF,
            "lock_version": "7",
            "confirm_empty_unit": "oui",
            "confirm_unchanged": "oui",
        },
    )
    assert done.status_code == 303
    [post] = fake.writes()
    assert post["json"] == {"confirm_unchanged": True}


def test_the_services_unchanged_refusal_shows_the_box_to_confirm(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    message = (
        "Rien n'a changé depuis la version 2 : le document unique serait publié à l'identique."
    )
    fake.answers["assessment", "POST", API] = ApiError(
        409, {"code": "unchanged", "message": message}
    )
    page = http.post(PAGE, data={"csrf_token": CSRF, "lock_version": "7"})
    assert page.status_code == 409
    assert message in shown(page)
    # The DUERP the page reads now says it too: the box to confirm the review is there.
    _with_warnings(fake)
    again = http.post(PAGE, data={"csrf_token": CSRF, "lock_version": "7"})
    assert again.status_code == 422
    assert 'name="confirm_unchanged"' in again.text


# --- The CSE's consultation -------------------------------------------------------------------

CSE_PAGE = f"{PAGE}/2/consultation-cse"


def test_the_representative_is_offered_the_cse_form_on_unconsulted_versions_only() -> None:
    http, _ = make_site(["employee-representative"])
    text = shown(http.get(PAGE))
    assert f'href="{CSE_PAGE}"' in text  # version 2: not consulted yet
    assert f'href="{PAGE}/1/consultation-cse"' not in text  # version 1 already is
    form = http.get(CSE_PAGE)
    assert form.status_code == 200
    page = shown(form)
    assert "<h1>Consultation du CSE sur la version 2</h1>" in page
    assert f'<form method="post" action="{CSE_PAGE}">' in page
    assert f'name="csrf_token" value="{CSRF}"' in page
    assert 'type="date"' in page
    for label in ("Avis favorable", "Avis assorti de réserves", "Avis défavorable"):
        assert label in page
    consulted = shown(http.get(f"{PAGE}/1/consultation-cse"))
    assert "déjà enregistrée : Consulté le 02/02/2026 : avis assorti de réserves" in consulted
    assert 'name="opinion"' not in consulted  # once per version: no form any more


def test_a_reader_without_the_right_gets_no_cse_form() -> None:
    http, _ = make_site(["sst-preventer"])
    assert "consultation-cse" not in http.get(PAGE).text
    assert http.get(CSE_PAGE).status_code == 404


def test_recording_the_cse_opinion_sends_it_and_says_so() -> None:
    http, fake = make_site(["employee-representative"])
    fake.answers["assessment", "POST", f"{API}/2/cse-consultation"] = {"opinion": "favourable"}
    done = http.post(
        CSE_PAGE,
        data={
            "csrf_token": CSRF,
            "consulted_on": "2026-07-10",
            "opinion": "favourable",
            "proposals": "  Former les nouveaux au laminoir.  ",
        },
    )
    assert done.status_code == 303
    assert done.headers["location"] == PAGE
    [post] = fake.writes()
    assert post["path"] == f"{API}/2/cse-consultation"
    assert post["json"] == {
        "consulted_on": "2026-07-10",
        "opinion": "favourable",
        "proposals": "Former les nouveaux au laminoir.",
    }
    assert post["token"] == "a"
    assert "L'avis du CSE sur la version 2 a été enregistré" in shown(http.get(PAGE))


def test_the_cse_form_is_checked_in_french_and_keeps_what_was_typed() -> None:
    http, fake = make_site(["employee-representative"])
    bad = http.post(
        CSE_PAGE, data={"csrf_token": CSRF, "consulted_on": "hier", "proposals": "Capoter"}
    )
    assert bad.status_code == 422
    assert fake.writes() == []
    text = shown(bad)
    assert "Saisissez une date, par exemple 10/12/2026." in text
    assert "Ce champ est obligatoire." in text  # no opinion chosen
    assert ">Capoter</textarea>" in text
    fake.answers["assessment", "POST", f"{API}/2/cse-consultation"] = ApiError(
        409,
        {
            "code": "consultation_exists",
            "message": "La consultation du CSE sur cette version est déjà enregistrée.",
        },
    )
    twice = http.post(
        CSE_PAGE, data={"csrf_token": CSRF, "consulted_on": "10/07/2026", "opinion": "reserved"}
    )
    assert twice.status_code == 409
    assert "La consultation du CSE sur cette version est déjà enregistrée." in shown(twice)


def test_recording_the_cse_opinion_needs_the_csrf_token() -> None:
    http, fake = make_site(["employee-representative"])
    refused = http.post(CSE_PAGE, data={"consulted_on": "2026-07-10", "opinion": "favourable"})
    assert refused.status_code == 403
    assert fake.writes() == []
