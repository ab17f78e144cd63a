"""The fiche d'entreprise pages on fake services: its published versions, one version's content,
who is refused, and the company page's link (no infrastructure)."""

from __future__ import annotations

import copy
import html

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.clients import ApiError
from portal.domain.fiche import may_read_fiche
from portal.domain.versions import may_publish

from cosar_common.auth.permissions import Permission, Role, roles_with

from .fakes import FakeServices, signed_in_site
from .samples import FICHE, FICHE_VERSIONS, METHOD

pytestmark = pytest.mark.unit

CID = "1d495e5b-841a-5b20-aef1-d7fc4f68bb29"
PAGE = f"/entreprises/{CID}/fiche"
API = f"/companies/{CID}/fiche/versions"
COMPANY = {"id": CID, "name": "Boulangerie du Vieux-Port", "siret": "81234560100015"}
DUERP = {
    "company": {**COMPANY, "naf": {"code": "10.71C", "display": "Boulangerie"}, "headcount": 4},
    "lock_version": 7,
    "method": METHOD,
    "work_units": [],
    "actions": [],
    "warnings": [],
    "last_version": None,
    "last_published_at": None,
    "to_update": False,
}
# The assessment's 403 for a company the caller sees without FICHE_READ
# (``assessment.api.dependencies.fiche_reader_company``).
REFUSAL = (
    "La fiche d'entreprise est réservée à l'équipe du service de santé au travail, à "
    "l'employeur et au CSE de l'entreprise."
)
READERS = sorted(roles_with(Permission.FICHE_READ))
OTHERS = sorted(set(Role) - roles_with(Permission.FICHE_READ))


def shown(answer: httpx.Response) -> str:
    return html.unescape(answer.text)


def make_site(roles: list[str]) -> tuple[TestClient, FakeServices]:
    answers = {
        ("assessment", "GET", f"/companies/{CID}"): COMPANY,
        ("assessment", "GET", f"/companies/{CID}/duerp"): copy.deepcopy(DUERP),
        ("assessment", "GET", f"/companies/{CID}/duerp/action-plan"): {"overdue": []},
        ("assessment", "GET", API): copy.deepcopy(FICHE_VERSIONS),
        ("assessment", "GET", f"{API}/2"): copy.deepcopy(FICHE),
    }
    return signed_in_site(roles, answers)


@pytest.fixture
def site() -> tuple[TestClient, FakeServices]:
    return make_site(["employer"])


def test_the_published_versions_are_listed_newest_first_each_opening_its_page(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    page = http.get(PAGE)
    assert page.status_code == 200
    text = shown(page)
    assert "<h1>Fiche d'entreprise — Boulangerie du Vieux-Port</h1>" in text
    assert text.index("Version 2</a></th>") < text.index("Version 1</a></th>")
    assert f'<th scope="row"><a href="{PAGE}/2">Version 2</a></th>' in text
    assert "02/07/2026 à 00:15" in text  # Paris time
    assert "03/03/2025 à 10:00" in text
    assert "Claire Martin" in text  # the name the API kept
    assert "sst-technician1@sst-13-marseille" in text  # no name kept for version 1: the login
    assert "<caption>" in text
    assert '<th scope="col">Publiée par</th>' in text
    assert '<html lang="fr">' in text
    assert "R4624-46" in text
    assert "n'a pas encore publié" not in text
    assert {c["token"] for c in fake.calls} == {"a"}  # the person's token
    assert all(c["path"] != f"/companies/{CID}/fiche" for c in fake.calls)  # never the draft


def test_no_published_version_is_said_in_a_french_sentence(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "GET", API] = []
    page = http.get(PAGE)
    assert page.status_code == 200
    text = shown(page)
    assert (
        "Votre service de prévention et de santé au travail n'a pas encore publié de fiche "
        "d'entreprise." in text
    )
    assert "<table>" not in text


def test_a_version_shows_its_content_as_the_spstis_dated_numbered_document(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, _ = site
    page = http.get(f"{PAGE}/2")
    assert page.status_code == 200
    text = shown(page)
    assert (
        '<p class="breadcrumb"><a href="/">Mes entreprises</a> › '
        f'<a href="/entreprises/{CID}">Boulangerie du Vieux-Port</a> › '
        f'<a href="{PAGE}">Fiche d\'entreprise</a> › Version 2</p>'
    ) in text
    assert "<h1>Fiche d'entreprise — Boulangerie du Vieux-Port</h1>" in text
    assert (
        "Version 2, publiée le 2 juillet 2026 par votre service de prévention et de santé au "
        "travail." in text
    )
    assert "Ce document est celui du service de prévention et de santé au travail" in text
    assert "<dd>02/07/2026 à 00:15</dd>" in text
    assert "<dd>Claire Martin</dd>" in text  # the list's name, not the snapshot's login
    assert "SIRET 81234560100015 · code NAF 10.71C" in text
    # Observations, line breaks kept.
    assert '<p class="text-block">Fournil bien ventilé.\nLe laminoir n\'est pas capoté.</p>' in text
    # Exposures: the label, never the code alone; priority and source in French.
    assert '<th scope="row">Bruit</th>' in text
    assert '<span class="priority priority-important">Importante</span>' in text
    assert "Document unique de l'entreprise" in text
    assert '<th scope="row">Poussières de farine</th>' in text
    assert "Visite du service de santé au travail" in text
    assert "Non cotée" in text  # an exposure seen at the visit has no priority
    assert '<th scope="col">Salariés exposés</th>' in text
    # Recommended actions, with the service's comment.
    assert '<th scope="row">Métrologie du bruit</th>' in text
    assert "Mesurer au poste du laminoir." in text
    assert '<th scope="row">Sensibilisation</th>' in text
    assert "Sans commentaire" in text
    assert "d" * 64 in text  # this version's hash, from the list
    assert text.index("<h1>") < text.index('<h2 id="observations">')
    assert text.count("<h1>") == 1
    # Read only: no form but the logout.
    assert text.count("<form") == 1


def test_an_empty_version_says_there_is_nothing_rather_than_empty_tables(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    empty = {**FICHE, "observations": "", "exposures": [], "recommended_actions": []}
    fake.answers["assessment", "GET", f"{API}/2"] = empty
    text = shown(http.get(f"{PAGE}/2"))
    assert "Aucune observation." in text
    assert "Aucune exposition n'est relevée dans cette version." in text
    assert "Aucune action n'est recommandée dans cette version." in text
    assert "<table>" not in text


def test_a_role_without_fiche_read_gets_the_french_refusal_page_not_a_500() -> None:
    assert Role.REGIONAL_ANALYST in OTHERS
    http, fake = make_site([Role.REGIONAL_ANALYST.value])
    for path in (API, f"{API}/2"):
        fake.answers["assessment", "GET", path] = ApiError(
            403, {"code": "forbidden", "message": REFUSAL}
        )
    for page in (PAGE, f"{PAGE}/2"):
        answer = http.get(page)
        assert answer.status_code == 403, page
        text = shown(answer)
        assert "<h1>Accès refusé</h1>" in text
        assert REFUSAL in text
        assert '<html lang="fr">' in text


def test_an_unknown_version_or_company_is_a_french_404(
    site: tuple[TestClient, FakeServices],
) -> None:
    http, fake = site
    fake.answers["assessment", "GET", f"{API}/9"] = ApiError(
        404, {"code": "not_found", "message": "Version 9 introuvable."}
    )
    missing = http.get(f"{PAGE}/9")
    assert missing.status_code == 404
    text = shown(missing)
    assert "Page introuvable" in text
    assert "Cette version de la fiche d'entreprise n'existe pas ou ne vous est pas accessible." in (
        text
    )
    for bad in (f"{PAGE}/deux", f"{PAGE}/0", "/entreprises/pas-un-id/fiche"):
        assert http.get(bad).status_code == 404, bad
    fake.answers["assessment", "GET", API] = ApiError(404, {"code": "not_found"})
    gone = http.get(PAGE)
    assert gone.status_code == 404
    assert "Cette entreprise n'existe pas ou ne vous est pas accessible." in shown(gone)


@pytest.mark.parametrize("role", READERS)
def test_the_company_page_links_to_the_fiche_for_its_readers(role: Role) -> None:
    http, _ = make_site([role.value])
    text = shown(http.get(f"/entreprises/{CID}"))
    assert f'href="{PAGE}"' in text
    assert '<h2 id="fiche-entreprise">Fiche d\'entreprise</h2>' in text


@pytest.mark.parametrize("role", OTHERS)
def test_the_company_page_has_no_fiche_link_for_the_other_roles(role: Role) -> None:
    http, _ = make_site([role.value])
    text = http.get(f"/entreprises/{CID}").text
    assert f'href="{PAGE}"' not in text
    assert "fiche-entreprise" not in text


def test_who_reads_the_fiche_is_the_permissions_table() -> None:
    assert {Role.EMPLOYER, Role.EMPLOYEE_REPRESENTATIVE, Role.SST_PREVENTER} <= set(READERS)
    for role in Role:
        assert may_read_fiche([role.value]) is (role in READERS)
    assert not may_read_fiche([])


@pytest.mark.parametrize("role", list(Role))
def test_the_company_page_offers_publishing_only_to_who_may_publish(role: Role) -> None:
    """The CSE reads the versions; the button to publish one is for the DUERP's writers."""
    http, _ = make_site([role.value])
    answer = http.get(f"/entreprises/{CID}")
    offered = f'href="/entreprises/{CID}/versions/publier"' in answer.text
    assert offered == may_publish({role.value}), answer.text[:300]
