"""The HTML page and the ODT of a report revision: same headings and figures as the PDF, user
text escaped, same output twice; and what ``RenderInput`` refuses."""

from datetime import datetime
from html import escape
from io import BytesIO
from zipfile import ZipFile

import pytest
from odfdo import Document
from pydantic import ValidationError

from reporting.domain.presentation import Quantity, present
from reporting.domain.report import ReportInput, parse_report_input
from reporting.domain.report_figures import compute_report
from reporting.rendering import (
    EXPORTERS,
    RenderInput,
    ReportStatus,
    render_html,
    render_odt,
    render_pdf,
)
from reporting.rendering.charts import MATERIAL_CHART_TITLE
from reporting.rendering.content import build_document

from .sample_report import sample_report, sample_report_data
from .test_rendering import HASH, SEED_HEADINGS, SMALL_HEADCOUNT, render_input
from .test_worked_example import worked_example_report

pytestmark = pytest.mark.unit

SCRIPT = "<script>alert('x')</script> & « fin »"


def report_with_fact(summary: str) -> ReportInput:
    data = sample_report_data()
    data["significant_facts"]["facts"][0]["summary"] = summary
    return parse_report_input(data)


@pytest.fixture(scope="module")
def worked() -> RenderInput:
    return render_input(worked_example_report())


@pytest.fixture(scope="module")
def odt(worked: RenderInput) -> Document:
    return Document(BytesIO(render_odt(worked)))


def odt_tables(document: Document) -> list[list[list[str]]]:
    return [
        [[cell.text_content for cell in row.traverse()] for row in table.traverse()]
        for table in document.body.get_tables()
    ]


# --- HTML ------------------------------------------------------------------------------------


def test_html_is_a_complete_self_contained_french_page(worked: RenderInput) -> None:
    page = render_html(worked)

    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert "<style>" in page
    assert page.count("<svg") == 2  # rates, material elements (400 agents)
    assert "<script" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    )
    assert page.rstrip().endswith("</html>")


def test_html_follows_the_seed_numbering_and_shows_the_figures(worked: RenderInput) -> None:
    page = render_html(worked)

    positions = [page.index(f">{escape(h)}</h") for h in SEED_HEADINGS]
    assert positions == sorted(positions)
    for text in ("20,00", "0,60", "12,5", "30,00", "15,8"):
        assert f'<td class="num">{text}</td>' in page
    nc = present(worked.figures.years[0].frequency_rate, Quantity.FREQUENCY_RATE)
    assert escape(nc.note or "") in page


def test_html_escapes_user_text() -> None:
    page = render_html(render_input(report_with_fact(SCRIPT), name="A & B <i>"))

    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; « fin »" in page
    assert "A &amp; B &lt;i&gt;" in page


def test_html_material_chart_only_above_300_agents() -> None:
    small = render_html(render_input(sample_report(headcount=SMALL_HEADCOUNT)))

    assert MATERIAL_CHART_TITLE not in small
    assert small.count("<svg") == 1


@pytest.mark.parametrize("status", list(ReportStatus))
def test_html_is_the_same_twice(status: ReportStatus) -> None:
    data = render_input(status=status)

    assert render_html(data) == render_html(data)


# --- ODT -------------------------------------------------------------------------------------


def test_odt_has_the_same_headings_as_the_document(worked: RenderInput, odt: Document) -> None:
    headings = [header.text_recursive for header in odt.body.get_headers()]

    assert headings == [heading.text for heading in build_document(worked).headings]
    assert [h for h in headings if h in SEED_HEADINGS] == SEED_HEADINGS


def test_odt_indicator_table_has_the_three_years(worked: RenderInput, odt: Document) -> None:
    table = next(t for t in odt_tables(odt) if t[0][0] == "Indicateur")
    rows = {row[0]: row[1:] for row in table}

    assert table[0][1:] == ["2022", "2023", "2024"]
    assert rows["Taux de fréquence (TF)"][1:] == ["30,00", "20,00"]
    assert rows["Taux de fréquence (TF)"][0].startswith("n.c. (")
    assert rows["Taux de gravité (TG)"][1:] == ["0,50", "0,60"]
    assert rows["Indice de fréquence (IF)"] == ["83,3", "15,8", "12,5"]
    tf = present(worked.figures.current.frequency_rate, Quantity.FREQUENCY_RATE)
    assert rows["Taux de fréquence (TF)"][2] == tf.text


def test_odt_has_the_headcount_table_and_chart_images(odt: Document) -> None:
    headcount = next(t for t in odt_tables(odt) if t[0][0] == "Catégorie de personnel")

    assert headcount[-1] == ["Total", "114", "286", "400", "12"]
    assert len(odt.body.get_frames()) == 2


def test_odt_metadata_dates_are_the_finalisation_instant(worked: RenderInput) -> None:
    archive = render_odt(worked)
    document = Document(BytesIO(archive))

    assert document.meta.creation_date == datetime(2025, 2, 14, 10, 30)  # Paris time
    assert document.meta.generator.startswith("COSAR")
    assert HASH in (document.meta.description or "")
    with ZipFile(BytesIO(archive)) as zipped:
        assert zipped.namelist()[0] == "mimetype"
        assert {info.date_time for info in zipped.infolist()} == {(2025, 2, 14, 10, 30, 0)}


def test_draft_odt_has_no_date() -> None:
    document = Document(BytesIO(render_odt(render_input(status=ReportStatus.DRAFT))))

    assert document.meta.creation_date is None
    assert document.meta.date is None


@pytest.mark.parametrize("status", list(ReportStatus))
def test_odt_is_the_same_bytes_twice(status: ReportStatus) -> None:
    data = render_input(status=status)

    assert render_odt(data) == render_odt(data)


def test_odt_keeps_user_text_as_text() -> None:
    document = Document(BytesIO(render_odt(render_input(report_with_fact(SCRIPT)))))

    cells = [cell for table in odt_tables(document) for row in table for cell in row]
    assert any(SCRIPT in cell for cell in cells)


# --- RenderInput -----------------------------------------------------------------------------


def test_a_finalised_revision_needs_its_date_and_hash() -> None:
    report = sample_report()
    with pytest.raises(ValidationError, match="finalisation date and a hash"):
        RenderInput(
            report=report,
            figures=compute_report(report),
            establishment_name="CH",
            revision=1,
            status=ReportStatus.FINALISED,
            finalised_at=datetime(2025, 2, 14, 9, 30),
            tenant_name="SPSTI",
        )


def test_a_draft_has_no_hash() -> None:
    report = sample_report()
    with pytest.raises(ValidationError, match="neither a finalisation date nor a hash"):
        RenderInput(
            report=report,
            figures=compute_report(report),
            establishment_name="CH",
            revision=1,
            status=ReportStatus.DRAFT,
            content_hash=HASH,
            tenant_name="SPSTI",
        )


def test_figures_must_be_those_of_the_report_year() -> None:
    report = sample_report()
    other_year = compute_report(sample_report(year=2023))
    with pytest.raises(ValidationError, match="another year"):
        RenderInput(
            report=report,
            figures=other_year,
            establishment_name="CH",
            revision=1,
            status=ReportStatus.DRAFT,
            tenant_name="SPSTI",
        )


def test_the_page_is_shown_in_place_and_the_files_are_attachments() -> None:
    data = render_input()
    assert EXPORTERS.formats == ("html", "pdf", "odt")  # the route's formats, in the OpenAPI order
    page = EXPORTERS.render("html", data, name="bilan-26130012300017-2024-r1").response()
    assert page.body == render_html(data).encode()
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "content-disposition" not in page.headers
    for fmt, render, media_type in (
        ("pdf", render_pdf, "application/pdf"),
        ("odt", render_odt, "application/vnd.oasis.opendocument.text"),
    ):
        response = EXPORTERS.render(fmt, data, name="bilan-26130012300017-2024-r1").response()
        assert response.body == render(data)
        assert response.headers["content-type"] == media_type
        assert response.headers["content-disposition"] == (
            f'attachment; filename="bilan-26130012300017-2024-r1.{fmt}"'
        )
