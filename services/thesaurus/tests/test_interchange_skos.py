from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from thesaurus.domain.model import CodeSystemData, ConceptData, ConceptStatus, Property
from thesaurus.interchange import ImportRejected, parse_csv, parse_skos, to_skos
from thesaurus.interchange.skos_format import concept_iri

pytestmark = pytest.mark.unit

# The copy shipped with the service (the same file as shared/data/reference).
NAF = Path(__file__).resolve().parents[1] / "reference-data" / "naf2008.csv"
URL = "https://cosar.example/cs/dangers"
PREFIXES = (
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix ex: <https://example.org/cs/> .\n"
)


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
                Property("code atih", "B24.+0"),
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
        url=URL,
        title="Dangers professionnels",
        version="2024.1",
        description="Liste régionale des dangers",
        publisher="COSAR",
        source="INRS, ED 840",
        licence="Licence Ouverte 2.0",
        concepts=concepts,
    )


def canonical(cs: CodeSystemData) -> CodeSystemData:
    """What SKOS can promise: RDF has no order, so concepts and multi-valued fields are sorted."""

    def key(prop: Property) -> tuple:
        return (prop.code, prop.valid_from or date.min, prop.valid_to or date.max, repr(prop.value))

    concepts = [
        replace(
            c,
            parents=tuple(sorted(c.parents)),
            synonyms=tuple(sorted(c.synonyms)),
            replaced_by=tuple(sorted(c.replaced_by)),
            properties=tuple(sorted(c.properties, key=key)),
        )
        for c in sorted(cs.concepts, key=lambda c: c.code)
    ]
    return replace(cs, concepts=concepts)


def _rejected(turtle: str | bytes) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        parse_skos(turtle)
    return [str(problem) for problem in caught.value.problems]


def test_export_then_import_gives_the_same_concepts_and_hierarchy_in_code_order():
    original = sample_system()
    again = parse_skos(to_skos(original))
    assert again == canonical(original)


def test_export_uses_the_skos_vocabulary():
    graph = Graph().parse(data=to_skos(sample_system()), format="turtle")
    deprecated = URIRef(f"{URL}/B24.%2B0")
    assert concept_iri(URL, "B24.+0") == deprecated
    assert graph.value(deprecated, SKOS.notation) == Literal("B24.+0")
    assert graph.value(deprecated, SKOS.prefLabel).language == "fr"
    assert graph.value(deprecated, OWL.deprecated).toPython() is True
    assert graph.value(deprecated, DCTERMS.isReplacedBy) == URIRef(f"{URL}/A%201")
    assert set(graph.objects(URIRef(f"{URL}/A%201"), SKOS.broader)) == {
        URIRef(f"{URL}/PHY"),
        URIRef(f"{URL}/CHI"),
    }
    assert graph.value(URIRef(URL), DCTERMS.title) == Literal("Dangers professionnels", lang="fr")


def test_source_ref_is_the_concept_iri():
    concepts = parse_skos(to_skos(sample_system())).concepts
    assert {c.code: c.source_ref for c in concepts}["A 1"] == f"{URL}/A%201"


def test_plain_skos_with_narrower_only_is_read_and_named_from_its_iri():
    turtle = PREFIXES + (
        "<https://example.org/cs> a skos:ConceptScheme .\n"
        'ex:A a skos:Concept ; skos:notation "A" ; skos:prefLabel "Alpha"@fr ;'
        " skos:narrower ex:B .\n"
        'ex:B a skos:Concept ; skos:notation "B" ; skos:prefLabel "Bêta" .\n'
    )
    system = parse_skos(turtle.encode())
    assert system.name == "cs"
    assert [(c.code, c.display, c.parents) for c in system.concepts] == [
        ("A", "Alpha", ()),
        ("B", "Bêta", ("A",)),
    ]
    assert parse_skos(turtle, name="risques").name == "risques"


@pytest.mark.skipif(not NAF.exists(), reason="reference data not present")
def test_naf_slice_round_trips_through_skos():
    with NAF.open("rb") as file:
        content = b"".join(file.readline() for _ in range(200))
    naf = parse_csv(
        content, name="naf", url="https://cosar.example/cs/naf", title="NAF rév. 2", version="2008"
    )
    assert parse_skos(to_skos(naf)) == canonical(naf)


def test_malformed_turtle_is_refused_with_its_line():
    turtle = PREFIXES + 'ex:A a skos:Concept ;\n  skos:prefLabel "jamais fermé .\n'
    problems = _rejected(turtle)
    assert len(problems) == 1
    assert problems[0].startswith("ligne 4 : Turtle invalide")


def test_duplicate_notation_missing_broader_and_cycle_are_refused_whole():
    turtle = PREFIXES + (
        "<https://example.org/cs> a skos:ConceptScheme .\n"
        'ex:A a skos:Concept ; skos:notation "A" ; skos:prefLabel "Alpha" ; skos:broader ex:B .\n'
        'ex:B a skos:Concept ; skos:notation "B" ; skos:prefLabel "Bêta" ; skos:broader ex:A .\n'
        'ex:C a skos:Concept ; skos:notation "A" ; skos:prefLabel "Autre A" .\n'
        'ex:D a skos:Concept ; skos:notation "D" ; skos:prefLabel "Delta" ; skos:broader ex:Z .\n'
    )
    problems = _rejected(turtle)
    assert "https://example.org/cs/C : code 'A' en double (https://example.org/cs/A)" in problems
    assert "https://example.org/cs/D : parent 'Z' introuvable" in problems
    assert any("cycle : A → B → A" in problem for problem in problems)


def test_file_without_a_concept_scheme_is_refused():
    turtle = PREFIXES + 'ex:A a skos:Concept ; skos:notation "A" ; skos:prefLabel "Alpha" .\n'
    assert _rejected(turtle) == ["ConceptScheme : un skos:ConceptScheme attendu, 0 trouvé(s)"]


def test_latin1_bytes_are_refused_with_the_line():
    turtle = (PREFIXES + 'ex:A skos:prefLabel "Café" .\n').encode("latin-1")
    assert _rejected(turtle) == [
        "ligne 3 : encodage invalide (octet 0xE9 en position 25), UTF-8 attendu"
    ]
