"""The exports of a published version, read back: PDF text, XLSX and ODS cells, same bytes twice."""

import hashlib
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from zipfile import ZIP_STORED, ZipFile

import pytest
from odfdo import Document
from openpyxl import load_workbook
from pydantic import ValidationError
from pypdf import PdfReader

from assessment.domain.snapshot import DuerpSnapshot
from assessment.exports import (
    EXPORTERS,
    ConsultationEntry,
    ExportInput,
    VersionHistoryEntry,
    render_ods,
    render_pdf,
    render_xlsx,
)
from assessment.exports.model import NNBSP, fr_money, fr_number, fr_percent

from .sample_snapshot import (
    PREVIOUS_HASH,
    PUBLISHED_AT,
    PUBLISHER_LOGIN,
    TENANT_ID,
    sample_company,
    sample_penibilite_annex,
    sample_snapshot,
    sample_work_units,
)

pytestmark = pytest.mark.unit

HASH = hashlib.sha256(b"boulangerie-du-vieux-port:v3").hexdigest()
SHEETS = [
    "Unités de travail",
    "Risques",
    "Plan d'action",
    "Pénibilité",
    "Historique",
    "Consultation du CSE",
    "Méthode",
]
# (unit, hazard, P, G, raw, residual, priority, deadline in months), in the expected order.
EXPECTED_RISKS = [
    ("Fournil", "PSY.NUIT", 4, 3, 12, 12, "Majeure", 2),
    ("Fournil", "PHY.MANUT", 4, 4, 16, 8, "Importante", 3),
    ("Vente", "PSY.VIOLENCE_EXT", 2, 3, 6, 6, "Modérée", 6),  # the seed's example
    ("Fournil", "CHI.POUSS", 4, 3, 12, 4.2, "Modérée", 6),
    ("Fournil", "PHY.BRUIT", 3, 2, 6, 3, "Faible", None),
    ("Ensemble du personnel", "PHY.INCENDIE", 2, 4, 8, 2.8, "Faible", None),
    ("Vente", "MEC.OUTILS", 3, 2, 6, 1.2, "Faible", None),
]
MARKUP = r'#set text(red) *gras* _penché_ $x^2$ <lbl> @ref \ antislash // non "guillemets" `code`'


RECORDER_LOGIN = "employee-representative@spsti-provence"
CONSULTATION = ConsultationEntry(
    consulted_on=date(2026, 12, 10),
    opinion="reserved",
    proposals="Avancer le capotage du pétrin avant l'été.",
    recorded_by=RECORDER_LOGIN,
    recorded_by_name="Fatima Haddad",
    recorded_at=datetime(2026, 12, 11, 16, 45, tzinfo=UTC),
)
#: Version 1 was published by the employer, before full names were kept (no name: the login).
FIRST_PUBLISHER_LOGIN = "employer1@spsti-provence"
PUBLISHER_NAME = "Claire Martin"
SPSTI_NAME = "Service de prévention et de santé au travail de Provence"


def export_input(
    snapshot: DuerpSnapshot | None = None,
    consultation: ConsultationEntry | None = None,
    *,
    publisher_name: str | None = PUBLISHER_NAME,
    tenant_name: str = SPSTI_NAME,
) -> ExportInput:
    snap = snapshot or sample_snapshot()
    by = snap.published_by
    return ExportInput(
        snapshot=snap,
        hash=HASH,
        history=[
            VersionHistoryEntry(
                number=1,
                published_at=datetime(2024, 11, 20, 8, tzinfo=UTC),
                published_by=FIRST_PUBLISHER_LOGIN,
                hash=hashlib.sha256(b"boulangerie-du-vieux-port:v1").hexdigest(),
            ),
            VersionHistoryEntry(
                number=2,
                published_at=datetime(2025, 11, 18, 8, tzinfo=UTC),
                published_by=by,
                published_by_name="Jean Castel",
                hash=PREVIOUS_HASH,
            ),
            VersionHistoryEntry(
                number=3,
                published_at=snap.published_at,
                published_by=by,
                published_by_name=publisher_name,
                hash=HASH,
            ),
        ],
        tenant_name=tenant_name,
        consultation=consultation,
    )


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def squeeze(text: str) -> str:
    """Without any whitespace, so that a line wrapped inside a table cell still matches."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def pdf_text() -> str:
    started = time.perf_counter()
    pdf = render_pdf(export_input())
    print(f"PDF rendered in {time.perf_counter() - started:.3f} s ({len(pdf)} bytes)")
    return "\n".join(pdf_pages(pdf))


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_cover_identifies_company_version_and_publication(pdf_text: str) -> None:
    for expected in (
        "Boulangerie du Vieux-Port",
        "81234560100015",
        "10.71C",
        "Version n° 3",
        "Date de publication 25/11/2026",
        "Publiée par Claire Martin",
        HASH,
    ):
        assert expected in pdf_text


def test_pdf_names_the_publisher_and_the_spsti_not_their_identifiers() -> None:
    pdf = render_pdf(export_input())
    text = "\n".join(pdf_pages(pdf))
    cover = squeeze(pdf_pages(pdf)[0])
    assert squeeze(f"Publiée par {PUBLISHER_NAME}") in cover
    assert squeeze(f"Service de prévention et de santé au travail {SPSTI_NAME}") in cover
    assert "Jean Castel" in text  # version 2 in the history, by its publisher's name
    # The logins stay in the database for audit; the document prints none of them but the
    # employer's of version 1, published before names were kept (see the next test).
    rest = squeeze(text).replace(FIRST_PUBLISHER_LOGIN, "")
    assert "@" not in rest
    assert TENANT_ID not in rest
    assert PdfReader(BytesIO(pdf)).metadata.author == SPSTI_NAME


def test_pdf_prints_the_login_and_tenant_id_only_when_no_name_is_known() -> None:
    data = export_input(publisher_name=None, tenant_name=TENANT_ID)
    cover = squeeze(pdf_pages(render_pdf(data))[0])
    assert squeeze(f"Publiée par {PUBLISHER_LOGIN}") in cover
    assert squeeze(f"Service de prévention et de santé au travail {TENANT_ID}") in cover
    history = squeeze("\n".join(pdf_pages(render_pdf(export_input()))[-1:]))
    assert FIRST_PUBLISHER_LOGIN in history  # version 1: no name was kept


def test_pdf_shows_the_seed_example_as_6_moderate_within_6_months(pdf_text: str) -> None:
    row = pdf_text[pdf_text.index("(PSY.VIOLENCE_EXT)") : pdf_text.index("(CHI.POUSS)")]
    assert "2 3" in row  # P, G
    assert "6 6 Modérée 6 mois" in row  # raw, residual (no weighting), priority, deadline


def test_pdf_lists_risks_by_priority_then_residual_score(pdf_text: str) -> None:
    positions = [pdf_text.index(f"({hazard})") for _, hazard, *_ in EXPECTED_RISKS]
    assert positions == sorted(positions)
    assert squeeze("12 4,2 Modérée") in squeeze(pdf_text)
    assert squeeze("Bien maîtrisé (×\u00a00,2) 6 1,2 Faible") in squeeze(pdf_text)


def test_pdf_writes_figures_and_dates_the_french_way(pdf_text: str) -> None:
    assert f"33,3{NNBSP}%" in pdf_text  # night work: 4 of 12 employees
    assert f"4{NNBSP}320,50{NNBSP}€" in pdf_text
    assert "Réalisée le 15/06/2026" in pdf_text
    assert squeeze("Abandonnée (motif : Coût disproportionné") in squeeze(pdf_text)
    assert "110 nuits par an" in pdf_text
    assert "Protection individuelle (EPI)" in pdf_text
    assert "Par métier" in pdf_text
    assert "Transverse" in pdf_text


def test_pdf_under_50_employees_has_a_list_of_actions(pdf_text: str) -> None:
    assert "Liste des actions de prévention" in pdf_text
    assert "PAPRIPACT" not in pdf_text


def test_pdf_from_50_employees_has_a_papripact() -> None:
    snap = sample_snapshot(
        company=sample_company(headcount=60),
        penibilite_annex=sample_penibilite_annex(headcount=60),
    )
    text = "\n".join(pdf_pages(render_pdf(export_input(snap))))
    assert "PAPRIPACT" in text
    assert "Liste des actions de prévention" not in text
    assert f"6,7{NNBSP}%" in text  # 4 of 60


def test_every_pdf_page_footer_names_version_hash_prefix_and_page() -> None:
    pages = pdf_pages(render_pdf(export_input()))
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert f"DUERP version 3 — empreinte {HASH[:12]}" in text
        assert f"Page {number} / {len(pages)}" in text


def test_pdf_history_lists_every_version_with_its_hash(pdf_text: str) -> None:
    data = export_input()
    for entry in data.history:
        assert entry.hash in pdf_text
    assert "20/11/2024" in pdf_text
    assert "18/11/2025" in pdf_text


def test_user_text_with_typst_markup_is_printed_literally() -> None:
    units = sample_work_units()
    risk = units[2].risks[0].model_copy(update={"situations": MARKUP, "damages": "\\#[]{}"})
    units[2] = units[2].model_copy(update={"name": f"Vente {MARKUP}", "risks": [risk]})
    snap = sample_snapshot(company=sample_company(address=MARKUP), work_units=units)
    # A full name comes from the user's profile: user text too.
    data = export_input(snap, publisher_name="=1+1 #pagebreak()")
    text = squeeze("\n".join(pdf_pages(render_pdf(data))))
    assert text.count(squeeze(MARKUP)) >= 3  # address, work unit (twice: units and risks)
    assert "\\#[]{}" in text
    assert "=1+1#pagebreak()" in text


def test_pdf_is_byte_identical_and_dated_by_the_publication() -> None:
    first, second = render_pdf(export_input()), render_pdf(export_input())
    assert first == second
    meta = PdfReader(BytesIO(first)).metadata
    assert meta is not None
    assert meta.creation_date == PUBLISHED_AT


@pytest.mark.parametrize(
    "render", [render_pdf, render_xlsx, render_ods], ids=["pdf", "xlsx", "ods"]
)
def test_odd_user_text_and_an_empty_document_still_export(render) -> None:
    units = [u.model_copy(update={"risks": [], "penibilite": []}) for u in sample_work_units()]
    odd = "Pain 🍞 面包 \x07 bip \u202e inversé"  # no glyph in the fonts, a control character
    units[0] = units[0].model_copy(update={"name": odd})
    snap = sample_snapshot(
        company=sample_company(address=odd), work_units=units, actions=[], penibilite_annex=[]
    )
    assert render(export_input(snap)).startswith((b"%PDF", b"PK"))


def test_pdf_without_consultation_says_whether_one_is_due(pdf_text: str) -> None:
    assert "Consultation du CSE Sans objet (pas de CSE)" in pdf_text  # the sample has no CSE
    assert "Consultation du comité social et économique" in pdf_text
    with_cse = sample_snapshot(company=sample_company(has_cse=True))
    text = "\n".join(pdf_pages(render_pdf(export_input(with_cse))))
    assert "Consultation du CSE Non enregistrée" in text


def test_pdf_shows_the_cse_consultation_beside_the_unchanged_version() -> None:
    plain_pdf = render_pdf(export_input())
    pdf = render_pdf(export_input(consultation=CONSULTATION))
    text = "\n".join(pdf_pages(pdf))
    assert "Consultation du CSE Avis assorti de réserves du 10/12/2026" in text  # cover
    section = squeeze(text[text.rindex("Consultation du comité social et économique") :])
    for expected in (
        "Date de la consultation 10/12/2026",
        "Avis du CSE Avis assorti de réserves",
        "Propositions Avancer le capotage du pétrin avant l'été.",
        "Enregistrée par Fatima Haddad",
        "Enregistrée le 11/12/2026",
    ):
        assert squeeze(expected) in section.replace("\u2019", "'")
    # The same version: same hash on the cover and in every footer, a new rendering of it.
    assert HASH in text
    assert all(f"empreinte {HASH[:12]}" in page for page in pdf_pages(pdf))
    assert pdf != plain_pdf
    assert RECORDER_LOGIN not in squeeze(text)
    assert pdf == render_pdf(export_input(consultation=CONSULTATION))


# --- Spreadsheets ---------------------------------------------------------------------------


def plain(value: object) -> object:
    """One reading of a cell for both formats: numbers as int/float, dates as dates, "" as None."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date()
    return None if value == "" else value


def xlsx_tables(content: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(BytesIO(content))
    return {
        s.title: [[plain(v) for v in row] for row in s.iter_rows(values_only=True)] for s in book
    }


def ods_tables(content: bytes) -> dict[str, list[list[object]]]:
    document = Document(BytesIO(content))
    tables = {}
    for table in document.body.tables:
        width = len(table.get_values()[0])
        tables[table.name] = [[plain(v) for v in row[:width]] for row in table.get_values()]
    return tables


@pytest.fixture(scope="module")
def xlsx() -> dict[str, list[list[object]]]:
    return xlsx_tables(render_xlsx(export_input()))


@pytest.fixture(scope="module")
def ods() -> dict[str, list[list[object]]]:
    return ods_tables(render_ods(export_input()))


def risk_rows(tables: dict[str, list[list[object]]]) -> list[tuple[object, ...]]:
    header, *rows = tables["Risques"]
    keys = ["Unité de travail", "Code danger", "Probabilité (P)", "Gravité (G)"]
    keys += ["Criticité brute", "Criticité résiduelle", "Priorité", "Délai (mois)"]
    columns = [header.index(key) for key in keys]
    return [tuple(row[c] for c in columns) for row in rows]


def test_spreadsheets_have_the_seven_sheets_in_order(xlsx, ods) -> None:
    assert list(xlsx) == SHEETS
    assert list(ods) == SHEETS


def test_xlsx_risks_are_ordered_by_priority_with_their_scores(xlsx) -> None:
    assert risk_rows(xlsx) == EXPECTED_RISKS


def test_ods_holds_exactly_the_same_tables_as_xlsx(xlsx, ods) -> None:
    assert risk_rows(ods) == EXPECTED_RISKS
    assert ods == xlsx


def test_spreadsheets_keep_annex_history_and_actions_typed(xlsx) -> None:
    night = next(row for row in xlsx["Pénibilité"] if row[0] == "3a")
    assert night[2:] == ["Oui", 4, 0.3333]
    assert [row[3] for row in xlsx["Historique"][1:]][-1] == HASH
    assert xlsx["Historique"][-1][:2] == [3, date(2026, 11, 25)]
    done = next(row for row in xlsx["Plan d'action"] if row[9] == "Réalisée")
    assert done[5:7] == [date(2026, 6, 30), 4320.5]
    assert done[10] == date(2026, 6, 15)
    statuses = {row[9] for row in xlsx["Plan d'action"][1:]}
    assert statuses == {"Prévue", "En cours", "Réalisée", "Abandonnée"}


def test_spreadsheets_hold_the_cse_consultation_when_recorded(xlsx) -> None:
    header = [
        "Date de la consultation",
        "Avis du CSE",
        "Propositions",
        "Enregistrée par",
        "Enregistrée le",
    ]
    assert xlsx["Consultation du CSE"] == [header]  # none recorded yet
    data = export_input(consultation=CONSULTATION)
    with_xlsx, with_ods = xlsx_tables(render_xlsx(data)), ods_tables(render_ods(data))
    assert with_xlsx["Consultation du CSE"] == [
        header,
        [
            date(2026, 12, 10),
            "Avis assorti de réserves",
            "Avancer le capotage du pétrin avant l'été.",
            "Fatima Haddad",
            date(2026, 12, 11),
        ],
    ]
    assert with_ods == with_xlsx
    assert with_xlsx["Historique"][-1][3] == HASH  # the version's hash does not change


def test_spreadsheets_name_the_publishers_and_the_spsti(xlsx, ods) -> None:
    publishers = [row[2] for row in xlsx["Historique"][1:]]
    assert publishers == [FIRST_PUBLISHER_LOGIN, "Jean Castel", PUBLISHER_NAME]
    assert [row[2] for row in ods["Historique"][1:]] == publishers
    cells = {str(v) for rows in xlsx.values() for row in rows for v in row if v is not None}
    cells.discard(FIRST_PUBLISHER_LOGIN)  # version 1, published before names were kept
    assert not any(PUBLISHER_LOGIN in cell or TENANT_ID in cell for cell in cells)
    book = load_workbook(BytesIO(render_xlsx(export_input())))
    assert book.properties.creator == SPSTI_NAME


def test_xlsx_user_text_starting_with_equals_stays_text() -> None:
    units = sample_work_units()
    units[0] = units[0].model_copy(update={"name": '=HYPERLINK("http://x","clic")'})
    book = load_workbook(BytesIO(render_xlsx(export_input(sample_snapshot(work_units=units)))))
    cell = book["Unités de travail"]["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","clic")'


@pytest.mark.parametrize("render", [render_xlsx, render_ods], ids=["xlsx", "ods"])
def test_spreadsheet_is_byte_identical_and_dated_by_the_publication(render) -> None:
    first, second = render(export_input()), render(export_input())
    assert first == second
    with ZipFile(BytesIO(first)) as archive:
        entries = archive.infolist()
        assert {info.date_time for info in entries} == {(2026, 11, 25, 9, 30, 0)}
        if render is render_ods:  # ODF: « mimetype » first and stored, so readers can sniff it
            assert (entries[0].filename, entries[0].compress_type) == ("mimetype", ZIP_STORED)
        meta = archive.read("docProps/core.xml" if render is render_xlsx else "meta.xml")
    assert b"2026-11-25T09:30:00Z" in meta or b"2026-11-25T10:30:00" in meta


# --- Input and formatting -------------------------------------------------------------------


def test_history_must_end_with_the_exported_version() -> None:
    data = export_input()
    with pytest.raises(ValidationError, match="history must end"):
        ExportInput(
            snapshot=data.snapshot, hash=HASH, history=data.history[:2], tenant_name="SPSTI"
        )


def test_french_number_formats() -> None:
    assert fr_number(Decimal("2.10")) == "2,1"
    assert fr_number(Decimal("6.0")) == "6"
    assert fr_number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert fr_percent(Decimal("0.3333")) == f"33,3{NNBSP}%"
    assert fr_money(Decimal("1850")) == f"1{NNBSP}850{NNBSP}€"


def test_each_format_is_answered_with_its_media_type_as_an_attachment() -> None:
    data = export_input()
    expected = {
        "pdf": (render_pdf, "application/pdf"),
        "xlsx": (render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "ods": (render_ods, "application/vnd.oasis.opendocument.spreadsheet"),
    }
    assert EXPORTERS.formats == tuple(expected)  # the route's formats, in the OpenAPI order
    for fmt, (render, media_type) in expected.items():
        response = EXPORTERS.render(fmt, data, name="DUERP-12345678901234-v3").response()
        assert response.body == render(data)
        assert response.headers["content-type"] == media_type
        assert response.headers["content-disposition"] == (
            f'attachment; filename="DUERP-12345678901234-v3.{fmt}"'
        )
