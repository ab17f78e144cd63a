"""Point 4 of the thesaurus issue: French search over the region's real reference systems,
through HTTP with real Keycloak tokens and PostgreSQL (RLS, unaccent, pg_trgm, full text)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.thesaurus_client import auth, create_draft, publish

READER = "sst-preventer@sst-13-marseille"
NAF_URL = "https://cosar.example/fhir/CodeSystem/naf-rev2"


async def _search(service, token: str, **params: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=service.url, headers=auth(token), timeout=10) as http:
        return await http.get("/search", params=params)


async def _codes(service, token: str, **params: Any) -> list[str]:
    response = await _search(service, token, **params)
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
async def reader(token_for, reference_loaded) -> str:
    return await token_for(READER)


@pytest.mark.parametrize("q", ["boulangerie", "boulengerie", "BOULANGERIE"])
async def test_bakery_finds_naf_10_71c_in_top_3_even_misspelt(thesaurus_service, reader, q):
    assert "10.71C" in (await _codes(thesaurus_service, reader, q=q, system="naf-rev2"))[:3]


async def test_programmation_informatique_finds_62_01z_in_top_3(thesaurus_service, reader):
    codes = await _codes(
        thesaurus_service, reader, q="programmation informatique", system="naf-rev2"
    )
    assert "62.01Z" in codes[:3]


async def test_lombalgie_finds_an_m54_code_in_top_5_of_cim10(thesaurus_service, reader):
    codes = await _codes(thesaurus_service, reader, q="lombalgie", system="cim-10")
    assert any(code.startswith("M54") for code in codes[:5]), codes


async def test_infirmier_finds_nurse_professions_of_pcs_ese(thesaurus_service, reader):
    response = await _search(thesaurus_service, reader, q="infirmier", system="pcs-ese-2017")
    items = response.json()["items"]
    assert {"431b", "431d", "431f"} <= {i["code"] for i in items}
    assert all("infirmi" in i["display"].lower() for i in items[:5])


async def test_bruit_is_the_first_hazard(thesaurus_service, reader):
    response = await _search(thesaurus_service, reader, q="bruit", system="dangers")
    first = response.json()["items"][0]
    assert (first["code"], first["match"]) == ("PHY.BRUIT", "label")


@pytest.mark.parametrize(
    ("q", "system", "code"),
    [("electricite", "dangers", "PHY.ELEC"), ("patisserie", "naf-rev2", "10.71D")],
)
async def test_queries_without_accents_find_accented_labels(
    thesaurus_service, reader, q, system, code
):
    assert code in (await _codes(thesaurus_service, reader, q=q, system=system))[:3]


@pytest.mark.parametrize("q", ["62.01Z", "6201Z", "6201z", "62.01"])
async def test_codes_in_any_common_writing(thesaurus_service, reader, q):
    response = await _search(thesaurus_service, reader, q=q, system="naf-rev2")
    items = response.json()["items"]
    assert "62.01Z" in [i["code"] for i in items[:3]]
    if q == "62.01":
        assert (items[0]["code"], items[0]["match"]) == ("62.01", "code")
        assert items[1]["code"] == "62.01Z"
    else:
        assert (items[0]["code"], items[0]["match"]) == ("62.01Z", "code")


async def test_without_system_every_system_is_searched(thesaurus_service, reader):
    response = await _search(thesaurus_service, reader, q="6201Z")
    first = response.json()["items"][0]
    assert (first["system"], first["system_url"], first["version"]) == ("naf-rev2", NAF_URL, "1")


async def test_system_by_canonical_url(thesaurus_service, reader):
    response = await _search(thesaurus_service, reader, q="boulangerie", system=NAF_URL)
    assert response.status_code == 200, response.text
    assert {i["system"] for i in response.json()["items"]} == {"naf-rev2"}


async def test_paging_keeps_the_total_and_moves_the_window(thesaurus_service, reader):
    params = {"q": "region lombaire", "system": "cim-10"}
    first = (await _search(thesaurus_service, reader, **params, limit=5, offset=0)).json()
    second = (await _search(thesaurus_service, reader, **params, limit=5, offset=5)).json()
    everything = (await _search(thesaurus_service, reader, **params, limit=100)).json()
    assert first["total"] == second["total"] == everything["total"] > 10
    assert (first["limit"], second["offset"]) == (5, 5)
    codes = [i["code"] for i in everything["items"]]
    assert [i["code"] for i in first["items"]] == codes[:5]
    assert [i["code"] for i in second["items"]] == codes[5:10]
    beyond = (await _search(thesaurus_service, reader, **params, offset=10_000)).json()
    assert everything["total"] > len(everything["items"]) or everything["total"] <= 100
    assert (beyond["total"], beyond["items"]) == (first["total"], [])


async def test_pages_of_a_frequent_word_follow_one_ranking(thesaurus_service, reader):
    """Hundreds of word matches: each page is the slice of one order (best score first within
    a kind of match), whatever the page size, and the total does not depend on the page."""
    params = {"q": "tumeur", "system": "cim-10"}
    everything = (await _search(thesaurus_service, reader, **params, limit=100)).json()
    pages = [
        (await _search(thesaurus_service, reader, **params, limit=10, offset=o)).json()
        for o in (0, 10, 50, 90)
    ]
    assert everything["total"] > 100
    assert {p["total"] for p in pages} == {everything["total"]}
    ranked = [(i["code"], i["match"], i["score"]) for i in everything["items"]]
    assert [(i["code"], i["match"], i["score"]) for p in pages for i in p["items"]] == (
        ranked[0:10] + ranked[10:20] + ranked[50:60] + ranked[90:100]
    )
    kinds = [match for _, match, _ in ranked]
    assert kinds == sorted(kinds, key=["code", "label", "prefix", "fuzzy"].index)
    for kind in set(kinds):
        scores = [score for _, match, score in ranked if match == kind]
        assert scores == sorted(scores, reverse=True), kind


async def test_limit_above_the_maximum_is_refused_naming_it(thesaurus_service, reader):
    response = await _search(thesaurus_service, reader, q="bruit", limit=500)
    assert response.status_code == 422
    assert response.json()["code"] == "limit_too_large"
    assert "100" in response.json()["message"]


@pytest.mark.parametrize("q", ["", " ", "a", "--"])
async def test_empty_or_too_short_query_is_refused(thesaurus_service, reader, q):
    response = await _search(thesaurus_service, reader, q=q)
    assert response.status_code == 422
    assert response.json()["code"] == "query_too_short"


async def test_missing_query_is_refused(thesaurus_service, reader):
    assert (await _search(thesaurus_service, reader)).status_code == 422


async def test_unknown_system_is_404(thesaurus_service, reader):
    response = await _search(thesaurus_service, reader, q="bruit", system="inconnu")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_system"
    assert "introuvable" in response.json()["message"]


async def test_version_without_system_is_refused(thesaurus_service, reader):
    response = await _search(thesaurus_service, reader, q="bruit", version="1")
    assert response.status_code == 422
    assert response.json()["code"] == "version_without_system"


async def test_without_token_401(thesaurus_service, reference_loaded):
    async with httpx.AsyncClient(base_url=thesaurus_service.url) as http:
        response = await http.get("/search", params={"q": "bruit"})
    assert response.status_code == 401


async def test_level_filter(thesaurus_service, reader):
    response = await _search(thesaurus_service, reader, q="62.01", system="naf-rev2", level=5)
    assert [i["code"] for i in response.json()["items"]] == ["62.01Z"]


async def test_active_true_excludes_deprecated_and_synonyms_match(
    thesaurus_service, token_for, reader
):
    editor = await token_for("thesaurus-editor")
    name = f"search-test-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(
        base_url=thesaurus_service.url, headers=auth(editor), timeout=10
    ) as http:
        created = await create_draft(
            http,
            name,
            "1",
            title="Recherche (test)",
            concepts=[
                {"code": "OLD", "display": "Exposition aux fumées de soudage"},
                {
                    "code": "NEW",
                    "display": "Fumées de soudage et de coupage",
                    "synonyms": ["Vapeurs métalliques"],
                },
            ],
        )
        assert created.status_code == 201, created.text
        deprecated = await http.post(
            f"/code-systems/{name}/versions/1/concepts/OLD/deprecate",
            json={"replaced_by": ["NEW"]},
        )
        assert deprecated.status_code == 200, deprecated.text
        assert (await publish(http, name, "1")).status_code == 200

    everything = await _codes(thesaurus_service, reader, q="fumees de soudage", system=name)
    assert sorted(everything) == ["NEW", "OLD"]
    assert await _codes(
        thesaurus_service, reader, q="fumees de soudage", system=name, active="true"
    ) == ["NEW"]
    assert await _codes(
        thesaurus_service, reader, q="fumees de soudage", system=name, active="false"
    ) == ["OLD"]
    by_synonym = await _search(thesaurus_service, reader, q="vapeurs metalliques", system=name)
    item = by_synonym.json()["items"][0]
    assert (item["code"], item["match"]) == ("NEW", "label")
