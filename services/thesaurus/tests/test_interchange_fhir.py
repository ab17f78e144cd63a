import json
from datetime import date

import pytest
from fhir.resources.codesystem import CodeSystem

from thesaurus.domain.model import CodeSystemData, ConceptData, ConceptStatus, Property
from thesaurus.interchange import ImportRejected, parse_fhir, to_fhir, to_skos
from thesaurus.interchange.fhir_format import VALID_PERIOD_URL

pytestmark = pytest.mark.unit


def sample_system() -> CodeSystemData:
    """Three levels, two parents, accents and ’, a replaced code, odd codes, dated properties."""
    concepts = [
        ConceptData("ROOT", "Risques professionnels", level=1),
        ConceptData(
            "PHY",
            "Risques physiques",
            ("ROOT",),
            level=2,
            synonyms=("Nuisances physiques", "Bruit d’impact"),
        ),
        ConceptData("CHI", "Risques chimiques", ("ROOT",), level=2),
        ConceptData(
            "62.01Z",
            "Programmation informatique",
            ("PHY",),
            level=3,
            properties=(
                Property("seuil_db", 87, valid_from=date(2015, 1, 1), valid_to=date(2019, 12, 31)),
                Property("seuil_db", 85, valid_from=date(2020, 1, 1)),
                Property("c2p", True),
                Property("ratio", 0.5),
                Property("note", "Pénibilité « élevée », l’été"),
            ),
        ),
        ConceptData(
            "A 1",
            "Exposition mixte à l’ozone",
            ("PHY", "CHI"),
            level=3,
            synonyms=("Agents physico-chimiques", "Ozone troposphérique"),
        ),
        ConceptData(
            "B24.+0",
            "Infection par le VIH, sans précision",
            ("CHI",),
            level=3,
            status=ConceptStatus.DEPRECATED,
            replaced_by=("A 1",),
        ),
    ]
    return CodeSystemData(
        name="dangers",
        url="https://cosar.example/cs/dangers",
        title="Dangers professionnels",
        version="2024.1",
        description="Liste régionale des dangers",
        publisher="COSAR",
        source="INRS, ED 840",
        licence="Licence Ouverte 2.0",
        concepts=concepts,
    )


def _rejected(resource: dict | str) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        parse_fhir(resource if isinstance(resource, str) else json.dumps(resource))
    return [str(problem) for problem in caught.value.problems]


def test_export_then_import_gives_the_same_system_concepts_and_hierarchy():
    original = sample_system()
    again = parse_fhir(json.dumps(to_fhir(original)).encode())
    assert again == original
    assert [c.source_ref for c in again.concepts][:2] == ["concept[0]", "concept[1]"]


def test_export_is_a_valid_r5_codesystem_with_flat_parent_properties():
    resource = to_fhir(sample_system())
    CodeSystem.model_validate(resource)
    assert (resource["content"], resource["count"], resource["hierarchyMeaning"]) == (
        "complete",
        6,
        "is-a",
    )
    two_parents = resource["concept"][4]
    assert "concept" not in two_parents
    assert [p["valueCode"] for p in two_parents["property"] if p["code"] == "parent"] == [
        "PHY",
        "CHI",
    ]
    declared = {p["code"]: p["type"] for p in resource["property"]}
    assert declared["seuil_db"] == "integer"
    assert declared["c2p"] == "boolean"


def test_dated_property_carries_its_period_in_an_extension():
    entries = to_fhir(sample_system())["concept"][3]["property"]
    seuils = [entry for entry in entries if entry["code"] == "seuil_db"]
    assert [(s["valueInteger"], s["extension"][0]["valuePeriod"]) for s in seuils] == [
        (87, {"start": "2015-01-01", "end": "2019-12-31"}),
        (85, {"start": "2020-01-01"}),
    ]
    assert {s["extension"][0]["url"] for s in seuils} == {VALID_PERIOD_URL}


def test_nested_concepts_are_imported_as_children():
    resource = {
        "resourceType": "CodeSystem",
        "url": "https://example.org/cs",
        "version": "1",
        "name": "Nested",
        "status": "active",
        "content": "complete",
        "concept": [
            {"code": "A", "display": "Alpha", "concept": [{"code": "A.1", "display": "Un"}]},
        ],
    }
    concepts = parse_fhir(json.dumps(resource)).concepts
    assert [(c.code, c.parents, c.source_ref) for c in concepts] == [
        ("A", (), "concept[0]"),
        ("A.1", ("A",), "concept[0].concept[0]"),
    ]


def test_resource_that_does_not_validate_is_refused_with_its_path():
    resource = to_fhir(sample_system())
    resource["concept"][2]["property"] = [{"code": "level", "valueInteger": "deux"}]
    problems = _rejected(resource)
    assert len(problems) == 1
    assert problems[0].startswith("concept[2].property[0].valueInteger : FHIR invalide")


def test_another_resource_type_is_refused():
    assert _rejected({"resourceType": "ValueSet", "status": "active"}) == [
        "resourceType : ressource CodeSystem attendue, reçu 'ValueSet'"
    ]


def test_malformed_json_is_refused_with_line_and_column():
    problems = _rejected('{\n  "resourceType": "CodeSystem",\n  oops\n}')
    assert problems[0].startswith("ligne 3, colonne 3 : JSON invalide")


def test_duplicate_missing_parent_and_cycle_are_refused_whole():
    resource = to_fhir(sample_system())
    concepts = resource["concept"]
    concepts.append({"code": "PHY", "display": "Encore"})
    concepts[0]["property"] = [{"code": "parent", "valueCode": "CHI"}]  # ROOT → CHI → ROOT
    concepts[1]["property"] = [{"code": "parent", "valueCode": "NULLE_PART"}]
    problems = _rejected(resource)
    assert "concept[6] : code 'PHY' en double (concept[1])" in problems
    assert "concept[1] : parent 'NULLE_PART' introuvable" in problems
    assert any("cycle" in problem for problem in problems)


def test_latin1_bytes_are_refused_with_the_line():
    content = '{\n"resourceType": "CodeSystem",\n"title": "Café"\n}'.encode("latin-1")
    with pytest.raises(ImportRejected) as caught:
        parse_fhir(content)
    assert [p.where for p in caught.value.problems] == ["ligne 3"]


def test_turtle_is_not_mistaken_for_fhir():
    with pytest.raises(ImportRejected):
        parse_fhir(to_skos(sample_system()))


def test_a_resource_that_does_not_hold_its_concepts_is_refused():
    resource = to_fhir(sample_system())
    resource["content"] = "not-present"
    del resource["concept"]
    assert _rejected(resource) == [
        "content : content « not-present » : les concepts ne sont pas dans la ressource"
    ]
