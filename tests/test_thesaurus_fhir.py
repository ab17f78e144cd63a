"""FHIR R5 terminology operations of the thesaurus, on the real service, database and Keycloak.

Every response is validated with the ``fhir.resources`` R5 models; expected values are computed
independently (the reference CSV files), not read back from the service.
"""

from __future__ import annotations

import csv
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.capabilitystatement import CapabilityStatement
from fhir.resources.conceptmap import ConceptMap
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.parameters import Parameters
from fhir.resources.terminologycapabilities import TerminologyCapabilities
from fhir.resources.valueset import ValueSet

from cosar_common import clock
from tests.thesaurus_client import auth, create_draft, publish

BASE = "https://cosar.example/fhir/CodeSystem"
NAF, CIM10, C2P = f"{BASE}/naf-rev2", f"{BASE}/cim-10", f"{BASE}/c2p-seuils"
PCS2020, PCS_ESE = f"{BASE}/pcs-2020", f"{BASE}/pcs-ese-2017"
REFERENCE = Path(__file__).resolve().parents[1] / "services" / "thesaurus" / "reference-data"


@pytest.fixture
async def fhir(thesaurus_service, token_for, reference_loaded) -> Iterator[httpx.AsyncClient]:
    token = await token_for("sst-preventer@sst-13-marseille")
    async with httpx.AsyncClient(
        base_url=f"{thesaurus_service.url}/fhir",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ) as client:
        yield client


@pytest.fixture
async def editor(thesaurus_service, token_for, reference_loaded) -> Iterator[httpx.AsyncClient]:
    token = await token_for("thesaurus-editor")
    async with httpx.AsyncClient(
        base_url=f"{thesaurus_service.url}/fhir",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        timeout=30,
    ) as client:
        yield client


def _outcome(response: httpx.Response, status: int) -> OperationOutcome:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    return OperationOutcome.model_validate(response.json())


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    return response.json()


def _params(response: httpx.Response) -> dict[str, Any]:
    body = _ok(response)
    Parameters.model_validate(body)
    return body


def _value(param: dict[str, Any]) -> Any:
    return next(v for k, v in param.items() if k.startswith("value"))


def _first(body: dict[str, Any], name: str) -> Any:
    return _value(next(p for p in body["parameter"] if p["name"] == name))


def _properties(body: dict[str, Any]) -> list[tuple[str, Any]]:
    out = []
    for p in body["parameter"]:
        if p["name"] == "property":
            parts = {q["name"]: q for q in p["part"]}
            out.append((_value(parts["code"]), _value(parts["value"])))
    return out


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _naf_rows() -> list[dict[str, str]]:
    with (REFERENCE / "naf2008.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


async def test_metadata_capability_statement_and_terminology_capabilities(fhir):
    capability = CapabilityStatement.model_validate(_ok(await fhir.get("/metadata")))
    assert capability.fhirVersion == "5.0.0"
    operations = {o.name for r in capability.rest[0].resource for o in r.operation or []}
    assert {"lookup", "validate-code", "subsumes", "expand", "translate"} <= operations

    body = _ok(await fhir.get("/metadata", params={"mode": "terminology"}))
    terminology = TerminologyCapabilities.model_validate(body)
    systems = {c.uri: c for c in terminology.codeSystem}
    assert {NAF, CIM10, C2P, PCS2020, PCS_ESE} <= set(systems)
    assert [(v.code, v.isDefault) for v in systems[NAF].version] == [("1", True)]
    assert terminology.expansion.paging is True


async def test_code_system_search_by_name_and_by_url(fhir):
    by_name = Bundle.model_validate(_ok(await fhir.get("/CodeSystem", params={"name": "naf"})))
    resources = [e.resource for e in by_name.entry]
    # Other tests add copies (naf-rev2-copie-…): the name matches its start, as FHIR says.
    assert all(r.name.startswith("naf") for r in resources)
    assert [(r.version, r.content, r.count) for r in resources if r.url == NAF] == [
        ("1", "not-present", 1728)
    ]
    by_url = _ok(await fhir.get("/CodeSystem", params={"url": CIM10}))
    Bundle.model_validate(by_url)
    assert by_url["total"] == 1
    assert by_url["entry"][0]["resource"]["count"] == 42730
    read = _ok(await fhir.get(f"/CodeSystem/{by_url['entry'][0]['resource']['id']}"))
    assert read["url"] == CIM10
    assert _ok(await fhir.get("/CodeSystem", params={"name": "inexistant"}))["total"] == 0


async def test_lookup_gives_display_parent_children_and_designations(fhir):
    body = _params(await fhir.get("/CodeSystem/$lookup", params={"system": NAF, "code": "62.01Z"}))
    assert _first(body, "display") == "Programmation informatique"
    assert _first(body, "version") == "1"
    assert ("parent", "62.01") in _properties(body)
    assert ("level", 5) in _properties(body)
    designations = [p for p in body["parameter"] if p["name"] == "designation"]
    assert any(
        {"name": "value", "valueString": "Programmation informatique"} in d["part"]
        for d in designations
    )
    # POST with a Parameters body, the code written another way, children listed.
    posted = _params(
        await fhir.post(
            "/CodeSystem/$lookup",
            json={
                "resourceType": "Parameters",
                "parameter": [
                    {"name": "coding", "valueCoding": {"system": NAF, "code": "6202"}},
                ],
            },
        )
    )
    children = [v for k, v in _properties(posted) if k == "child"]
    assert children == ["62.02A", "62.02B"]


@pytest.mark.parametrize(("day", "expected"), [("2023-06-01", 120), ("2024-01-01", 100)])
async def test_lookup_on_a_date_answers_the_threshold_in_force(fhir, day, expected):
    body = _params(
        await fhir.get("/CodeSystem/$lookup", params={"system": C2P, "code": "3a", "date": day})
    )
    assert [v for k, v in _properties(body) if k == "duree_valeur"] == [expected]


async def test_lookup_without_a_date_answers_what_is_in_force_today_in_paris(
    thesaurus_service, token_for, fhir
):
    """A threshold that changes today (Paris): from 00:00 to 01:00 in Paris, UTC is still on
    yesterday, and the answer must already be today's value."""
    today = clock.today()
    yesterday = today - timedelta(days=1)
    name = f"seuils-{uuid.uuid4().hex[:8]}"
    concept = {
        "code": "NUIT",
        "display": "Travail de nuit",
        "properties": [
            {"code": "duree_valeur", "value": 120, "valid_to": str(yesterday)},
            {"code": "duree_valeur", "value": 100, "valid_from": str(today)},
        ],
    }
    editor = await token_for("thesaurus-editor")
    async with httpx.AsyncClient(
        base_url=thesaurus_service.url, headers=auth(editor), timeout=30
    ) as http:
        draft = await create_draft(http, name, "1", concepts=[concept])
        assert draft.status_code == 201, draft.text
        published = await publish(http, name, "1")
        assert published.status_code == 200, published.text
    url = f"https://cosar.example/test/{name}"

    async def threshold(**extra: str) -> list[Any]:
        params = {"system": url, "code": "NUIT", **extra}
        body = _params(await fhir.get("/CodeSystem/$lookup", params=params))
        return [v for k, v in _properties(body) if k == "duree_valeur"]

    assert await threshold() == [100]
    assert await threshold(date=str(today)) == [100]
    assert await threshold(date=str(yesterday)) == [120]


async def test_lookup_by_short_name_and_unknown_version_or_system(fhir):
    by_name = _params(
        await fhir.get("/CodeSystem/$lookup", params={"system": "naf-rev2", "code": "6201Z"})
    )
    assert _first(by_name, "display") == "Programmation informatique"
    pinned = _params(
        await fhir.get("/CodeSystem/$lookup", params={"system": f"{NAF}|1", "code": "62.01Z"})
    )
    assert _first(pinned, "version") == "1"
    unknown_version = _outcome(
        await fhir.get(
            "/CodeSystem/$lookup", params={"system": NAF, "code": "62.01Z", "version": "99"}
        ),
        404,
    )
    assert "Version 99" in unknown_version.issue[0].details.text
    unknown_system = _outcome(
        await fhir.get("/CodeSystem/$lookup", params={"system": f"{BASE}/x", "code": "A"}), 404
    )
    assert "inconnu" in unknown_system.issue[0].details.text


async def test_validate_code_true_false_and_unknown_system(fhir):
    ok = _params(
        await fhir.get("/CodeSystem/$validate-code", params={"url": NAF, "code": "10.71C"})
    )
    assert _first(ok, "result") is True
    assert _first(ok, "display") == "Boulangerie et boulangerie-pâtisserie"
    wrong_display = _params(
        await fhir.get(
            "/CodeSystem/$validate-code",
            params={"url": NAF, "code": "10.71C", "display": "Boucherie"},
        )
    )
    assert _first(wrong_display, "result") is False
    unknown = _params(
        await fhir.get("/CodeSystem/$validate-code", params={"url": NAF, "code": "99.99Z"})
    )
    assert _first(unknown, "result") is False
    assert "99.99Z" in _first(unknown, "message")
    outcome = _outcome(
        await fhir.get(
            "/CodeSystem/$validate-code", params={"url": f"{BASE}/inexistant", "code": "X"}
        ),
        404,
    )
    assert outcome.issue[0].code == "not-found"
    assert "inconnu" in outcome.issue[0].details.text
    missing_version = _outcome(
        await fhir.get(
            "/CodeSystem/$validate-code", params={"url": NAF, "code": "A", "version": "99"}
        ),
        404,
    )
    assert missing_version.issue[0].code == "not-found"


@pytest.mark.parametrize(
    ("code_a", "code_b", "outcome"),
    [
        ("C", "10.71C", "subsumes"),
        ("10.71C", "C", "subsumed-by"),
        ("62.01Z", "6201Z", "equivalent"),
        ("C", "62.01Z", "not-subsumed"),
    ],
)
async def test_subsumes(fhir, code_a, code_b, outcome):
    body = _params(
        await fhir.get(
            "/CodeSystem/$subsumes", params={"system": NAF, "codeA": code_a, "codeB": code_b}
        )
    )
    assert _first(body, "outcome") == outcome


async def test_unknown_code_is_a_404_operation_outcome(fhir):
    outcome = _outcome(
        await fhir.get("/CodeSystem/$lookup", params={"system": NAF, "code": "99.99Z"}), 404
    )
    assert outcome.issue[0].severity == "error"
    assert "99.99Z" in outcome.issue[0].details.text


async def test_value_set_of_naf_subclasses_under_section_c(fhir, editor):
    url = f"https://cosar.example/fhir/ValueSet/naf-industrie-{uuid.uuid4().hex[:8]}"
    resource = {
        "resourceType": "ValueSet",
        "url": url,
        "name": "NafSousClassesSectionC",
        "title": "Sous-classes NAF de la section C",
        "status": "active",
        "compose": {
            "include": [
                {
                    "system": NAF,
                    "filter": [
                        {"property": "concept", "op": "is-a", "value": "C"},
                        {"property": "level", "op": "=", "value": "5"},
                    ],
                }
            ]
        },
    }
    created = _ok(await editor.post("/ValueSet", json=resource))
    ValueSet.model_validate(created)
    assert (await editor.post("/ValueSet", json=resource)).status_code == 409
    found = _ok(await fhir.get("/ValueSet", params={"url": url}))
    assert [e["resource"]["id"] for e in found["entry"]] == [created["id"]]

    rows = _naf_rows()
    section = {r["code"]: r["parent_code"] for r in rows}

    def under_c(code: str) -> bool:
        while code:
            if code == "C":
                return True
            code = section[code]
        return False

    expected = sorted(r["code"] for r in rows if r["level"] == "5" and under_c(r["code"]))
    body = _ok(await fhir.get("/ValueSet/$expand", params={"url": url, "count": 1000}))
    ValueSet.model_validate(body)
    assert body["expansion"]["total"] == len(expected)
    assert [c["code"] for c in body["expansion"]["contains"]] == expected
    assert all(c["system"] == NAF and c["version"] == "1" for c in body["expansion"]["contains"])

    inside = _params(
        await fhir.get("/ValueSet/$validate-code", params={"url": url, "code": "10.71C"})
    )
    outside = _params(
        await fhir.get("/ValueSet/$validate-code", params={"url": url, "code": "62.01Z"})
    )
    assert (_first(inside, "result"), _first(outside, "result")) == (True, False)
    # The text filter ignores accents and case: "PATISSERIE" finds "pâtisserie".
    filtered = _ok(await fhir.get("/ValueSet/$expand", params={"url": url, "filter": "PATISSERIE"}))
    labels = {r["code"]: _fold(r["label"]) for r in rows}
    with_word = {c for c in expected if "patisserie" in labels[c]}
    assert len(with_word) >= 2
    assert {c["code"] for c in filtered["expansion"]["contains"]} == with_word


async def test_filtered_expansion_pages_in_code_order_with_one_total(fhir):
    """A text filter over a whole system: pages are slices of one code order, the total is
    the same on every page and activeOnly can only shrink it."""
    params = {"url": f"{CIM10}?fhir_vs", "filter": "tumeur"}
    whole = _ok(await fhir.get("/ValueSet/$expand", params={**params, "count": 300}))
    ValueSet.model_validate(whole)
    codes = [c["code"] for c in whole["expansion"]["contains"]]
    total = whole["expansion"]["total"]
    assert total > 100
    assert codes == sorted(codes, key=lambda c: c.encode())
    pages = [
        _ok(await fhir.get("/ValueSet/$expand", params={**params, "count": 50, "offset": o}))
        for o in (0, 50, 100)
    ]
    assert {p["expansion"]["total"] for p in pages} == {total}
    assert [c["code"] for p in pages for c in p["expansion"]["contains"]] == codes[:150]
    assert all(
        "tumeur" in _fold(c["display"]) or c["code"] for c in pages[0]["expansion"]["contains"]
    )
    active = _ok(
        await fhir.get("/ValueSet/$expand", params={**params, "count": 0, "activeOnly": "true"})
    )
    assert 0 < active["expansion"]["total"] <= total


async def test_only_editors_create_value_sets(fhir):
    outcome = _outcome(
        await fhir.post("/ValueSet", json={"resourceType": "ValueSet", "status": "active"}), 403
    )
    assert outcome.issue[0].code == "forbidden"


async def test_cim10_whole_system_pages_past_10000(fhir):
    url = f"{CIM10}?fhir_vs"
    page = _ok(
        await fhir.get("/ValueSet/$expand", params={"url": url, "offset": 10000, "count": 1000})
    )
    ValueSet.model_validate(page)
    assert page["expansion"]["total"] == 42730
    assert page["expansion"]["offset"] == 10000
    codes = [c["code"] for c in page["expansion"]["contains"]]
    assert len(codes) == 1000
    assert codes == sorted(codes)
    following = _ok(
        await fhir.get("/ValueSet/$expand", params={"url": url, "offset": 11000, "count": 1000})
    )
    next_codes = [c["code"] for c in following["expansion"]["contains"]]
    assert codes[-1] < next_codes[0]
    assert not set(codes) & set(next_codes)
    last = _ok(
        await fhir.post(
            "/ValueSet/$expand",
            json={
                "resourceType": "Parameters",
                "parameter": [
                    {"name": "url", "valueUri": url},
                    {"name": "offset", "valueInteger": 42000},
                    {"name": "count", "valueInteger": 1000},
                ],
            },
        )
    )
    assert len(last["expansion"]["contains"]) == 730
    assert last["expansion"]["total"] == 42730


async def test_count_above_the_maximum_page_is_a_422_saying_the_maximum(fhir):
    outcome = _outcome(
        await fhir.get("/ValueSet/$expand", params={"url": f"{CIM10}?fhir_vs", "count": 5000}),
        422,
    )
    assert outcome.issue[0].code == "too-costly"
    assert "1000" in outcome.issue[0].details.text
    bad = _outcome(
        await fhir.get("/ValueSet/$expand", params={"url": f"{CIM10}?fhir_vs", "count": "x"}),
        400,
    )
    assert "count" in bad.issue[0].details.text


async def test_concept_map_and_translate(fhir, editor):
    url = f"https://cosar.example/fhir/ConceptMap/pcs2020-pcsese-{uuid.uuid4().hex[:8]}"

    def target(code: str, relationship: str) -> dict[str, str]:
        return {"code": code, "relationship": relationship}

    resource = {
        "resourceType": "ConceptMap",
        "url": url,
        "name": "Pcs2020VersPcsEse2017",
        "status": "active",
        "group": [
            {
                "source": PCS2020,
                "target": PCS_ESE,
                "element": [
                    {
                        "code": "21",
                        "target": [
                            target("21", "equivalent"),
                            target("210x", "source-is-broader-than-target"),
                        ],
                    },
                    {"code": "21B1", "target": [target("210x", "source-is-narrower-than-target")]},
                    {"code": "21A", "target": [target("210x", "related-to")]},
                    {"code": "22", "target": [target("23", "not-related-to")]},
                ],
            }
        ],
    }
    created = _ok(await editor.post("/ConceptMap", json=resource))
    ConceptMap.model_validate(created)
    found = _ok(await fhir.get("/ConceptMap", params={"url": url}))
    assert found["total"] == 1

    body = _params(
        await fhir.get(
            "/ConceptMap/$translate", params={"url": url, "sourceCode": "21", "system": PCS2020}
        )
    )
    assert _first(body, "result") is True
    matches = [{q["name"]: q for q in p["part"]} for p in body["parameter"] if p["name"] == "match"]
    assert [
        (m["relationship"]["valueCode"], m["concept"]["valueCoding"]["code"]) for m in matches
    ] == [
        ("equivalent", "21"),
        ("source-is-broader-than-target", "210x"),
    ]
    assert matches[0]["concept"]["valueCoding"]["system"] == PCS_ESE
    narrower = _params(
        await fhir.get(
            "/ConceptMap/$translate",
            params={"sourceSystem": PCS2020, "sourceCode": "21B1", "targetSystem": PCS_ESE},
        )
    )
    assert _first(narrower, "result") is True
    refused = _params(
        await fhir.get("/ConceptMap/$translate", params={"url": url, "sourceCode": "22"})
    )
    assert _first(refused, "result") is False
    unknown_map = _outcome(
        await fhir.get("/ConceptMap/$translate", params={"url": f"{url}-x", "sourceCode": "21"}),
        404,
    )
    assert unknown_map.issue[0].code == "not-found"


async def test_no_token_is_a_401_operation_outcome(thesaurus_service):
    async with httpx.AsyncClient(base_url=thesaurus_service.url) as client:
        response = await client.get("/fhir/CodeSystem/$lookup", params={"code": "A"})
    outcome = _outcome(response, 401)
    assert outcome.issue[0].code == "login"


async def test_bad_input_is_an_operation_outcome_never_a_500(fhir, editor):
    regex_filter = {
        "resourceType": "ValueSet",
        "url": f"https://cosar.example/fhir/ValueSet/bad-{uuid.uuid4().hex[:8]}",
        "status": "active",
        "compose": {
            "include": [
                {"system": NAF, "filter": [{"property": "concept", "op": "regex", "value": "x"}]}
            ]
        },
    }
    assert (
        "regex"
        in _outcome(await editor.post("/ValueSet", json=regex_filter), 422).issue[0].details.text
    )
    bad_relationship = {
        "resourceType": "ConceptMap",
        "url": f"https://cosar.example/fhir/ConceptMap/bad-{uuid.uuid4().hex[:8]}",
        "status": "active",
        "group": [
            {
                "source": PCS2020,
                "target": PCS_ESE,
                "element": [{"code": "21", "target": [{"code": "21", "relationship": "wider"}]}],
            }
        ],
    }
    _outcome(await editor.post("/ConceptMap", json=bad_relationship), 422)
    _outcome(await fhir.post("/CodeSystem/$lookup", json={"resourceType": "Patient"}), 400)
    _outcome(await fhir.get("/ValueSet/$expand", params={"url": "https://x/ValueSet/none"}), 404)
    _outcome(await fhir.get("/metadata", params={"mode": "autre"}), 400)
