from datetime import date
from pathlib import Path

import pytest

from thesaurus.domain.model import CodeSystemData, ConceptData, ConceptStatus, Property
from thesaurus.interchange import ImportRejected, parse_csv, to_csv

pytestmark = pytest.mark.unit

# The copy shipped with the service (the same file as shared/data/reference).
NAF = Path(__file__).resolve().parents[1] / "reference-data" / "naf2008.csv"
META = {"name": "dangers-local", "url": "https://cosar.example/cs/dangers", "title": "Dangers"}


def _parse(content: bytes) -> CodeSystemData:
    return parse_csv(content, version="1", **META)


def sample_system() -> CodeSystemData:
    """Three levels, two parents, accents and ’, a replaced code, odd codes, typed properties."""
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
                Property("seuil_db", 85),
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
    return CodeSystemData(version="2024", concepts=concepts, **META)


def _rejected(content: bytes) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        _parse(content)
    return [str(problem) for problem in caught.value.problems]


def test_export_then_import_gives_identical_concepts_and_hierarchy():
    original = sample_system()
    again = _parse(to_csv(original))
    assert again.concepts == original.concepts
    assert [c.parents for c in again.concepts] == [c.parents for c in original.concepts]


def test_excel_flavour_with_bom_and_semicolons_round_trips():
    original = sample_system()
    exported = to_csv(original, excel=True)
    assert exported.startswith(b"\xef\xbb\xbfcode;display;parents")
    assert _parse(exported).concepts == original.concepts


def test_tenant_local_codes_with_label_column_and_semicolons():
    content = "code;label;parent\nT1;Travail en hauteur;\nT1.1;Échafaudage d’accès;T1\n".encode()
    concepts = _parse(content).concepts
    assert [(c.code, c.display, c.parents) for c in concepts] == [
        ("T1", "Travail en hauteur", ()),
        ("T1.1", "Échafaudage d’accès", ("T1",)),
    ]


def test_source_ref_is_the_physical_line_where_the_record_starts():
    content = b'code,display\nA,"Sur deux\nlignes"\n\nB,Beta\n'
    concepts = _parse(content).concepts
    assert [(c.code, c.source_ref) for c in concepts] == [("A", "ligne 2"), ("B", "ligne 5")]
    assert concepts[0].display == "Sur deux\nlignes"


def test_csv_keeps_the_latest_value_of_a_dated_property_and_drops_the_dates():
    history = (
        Property("seuil_db", 87, valid_from=date(2015, 1, 1), valid_to=date(2019, 12, 31)),
        Property("seuil_db", 85, valid_from=date(2020, 1, 1)),
    )
    system = CodeSystemData(
        version="1", concepts=[ConceptData("X", "Bruit", properties=history)], **META
    )
    assert _parse(to_csv(system)).concepts[0].properties == (Property("seuil_db", 85),)


def test_untyped_extra_columns_are_text_properties():
    content = b"code,display,prop:seuil,atelier\nX,Bruit,85,B2\n"
    assert _parse(content).concepts[0].properties == (
        Property("seuil", "85"),
        Property("atelier", "B2"),
    )


def _naf_slice(lines: int = 200) -> bytes:
    with NAF.open("rb") as file:
        return b"".join(file.readline() for _ in range(lines))


@pytest.mark.skipif(not NAF.exists(), reason="reference data not present")
def test_reference_layout_reads_the_naf_file():
    concepts = {c.code: c for c in _parse(_naf_slice()).concepts}
    assert len(concepts) == 199
    classe = concepts["01.11"]
    assert classe.parents == ("01.1",)
    assert classe.level == 4
    assert classe.properties == (Property("level_name", "classe"),)
    assert classe.source_ref == "ligne 5"
    assert concepts["A"].display == "AGRICULTURE, SYLVICULTURE ET PÊCHE"
    assert concepts["A"].parents == ()


@pytest.mark.skipif(not NAF.exists(), reason="reference data not present")
def test_naf_slice_round_trips():
    imported = _parse(_naf_slice())
    assert _parse(to_csv(imported)).concepts == imported.concepts


def test_duplicate_code_is_rejected_with_both_lines():
    problems = _rejected(b"code,display\nA,Alpha\nB,Beta\nA,Encore alpha\n")
    assert problems == ["ligne 4 : code 'A' en double (ligne 2)"]


def test_missing_parent_is_rejected_with_its_line():
    problems = _rejected(b"code,display,parent\nA,Alpha,\nB,Beta,Z\n")
    assert problems == ["ligne 3 : parent 'Z' introuvable"]


def test_cycle_is_rejected():
    problems = _rejected(b"code,display,parent\nA,Alpha,B\nB,Beta,A\n")
    assert len(problems) == 1
    assert problems[0].startswith("ligne 2 : cycle : A → B → A")


def test_latin1_file_is_rejected_with_the_line_of_the_bad_byte():
    content = b"code,display\nA,Alpha\n" + "B,Café\n".encode("latin-1")
    problems = _rejected(content)
    assert problems == ["ligne 3 : encodage invalide (octet 0xE9 en position 6), UTF-8 attendu"]


def test_missing_required_column_is_named():
    assert _rejected(b"code,parent\nA,\n") == [
        "ligne 1 : colonne « display » (ou « label ») manquante"
    ]


def test_every_bad_cell_is_reported_at_once():
    content = b"code,display,level,status\nA,Alpha,un,active\nB,Beta,2,perime\nC,Gamma,3\n"
    assert _rejected(content) == [
        "ligne 2 : niveau 'un' invalide : entier attendu",
        "ligne 3 : statut 'perime' inconnu : active ou deprecated attendu",
        "ligne 4 : 3 colonnes au lieu des 4 de l'en-tête",
    ]


def test_unterminated_quote_is_rejected():
    problems = _rejected(b'code,display,parent\nA,"jamais ferm\xc3\xa9,\nB,Beta,A\n')
    assert problems == ["ligne 2 : CSV mal formé : guillemet ouvert jamais refermé"]


def test_utf8_bom_is_accepted():
    assert [c.code for c in _parse(b"\xef\xbb\xbfcode,display\nA,Alpha\n").concepts] == ["A"]
