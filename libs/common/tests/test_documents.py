"""Attachment headers and the exporter registry: what a route answers for a document."""

from typing import Literal

import pytest

from cosar_common.documents import (
    HTML,
    ODT,
    PDF,
    Document,
    Exporters,
    ascii_filename,
    content_disposition,
    french_list,
)

pytestmark = pytest.mark.unit


def test_a_plain_ascii_name_is_sent_as_it_is():
    assert content_disposition("DUERP-12345678901234-v3.pdf") == (
        'attachment; filename="DUERP-12345678901234-v3.pdf"'
    )


def test_a_french_name_gets_an_ascii_fallback_and_its_exact_utf8_spelling():
    header = content_disposition("bilan-Hôpital-Œuvre-2024.pdf")
    assert header == (
        'attachment; filename="bilan-Hopital-OEuvre-2024.pdf"; '
        "filename*=UTF-8''bilan-H%C3%B4pital-%C5%92uvre-2024.pdf"
    )


def test_quotes_slashes_and_control_characters_cannot_break_the_header():
    assert ascii_filename('a"b\\c/d\r\ne.csv') == "a_b_c_d__e.csv"


def _exporters() -> Exporters[str]:
    exporters = Exporters[str]()
    exporters.add("html", lambda text: f"<p>{text}</p>", media_type=HTML, attachment=False)
    exporters.add("pdf", lambda text: text.encode(), media_type=PDF)
    return exporters


def test_the_formats_are_a_literal_in_their_registration_order():
    exporters = _exporters()
    assert exporters.formats == ("html", "pdf")
    assert exporters.format_type() == Literal["html", "pdf"]
    with pytest.raises(ValueError, match="already registered"):
        exporters.add("pdf", lambda text: b"", media_type=PDF)


def test_an_attachment_is_downloaded_under_its_name_and_a_page_is_shown_in_place():
    exporters = _exporters()
    pdf = exporters.render("pdf", "x", name="bilan-1").response()
    assert pdf.body == b"x"
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="bilan-1.pdf"'
    page = exporters.render("html", "x", name="bilan-1").response()
    assert page.body == b"<p>x</p>"
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "content-disposition" not in page.headers
    assert Document(b"", PDF).response().headers.get("content-disposition") is None
    with pytest.raises(ValueError, match="no exporter"):
        exporters.render("docx", "x", name="bilan-1")


def test_a_summary_names_the_formats_as_registered():
    exporters = _exporters()
    assert exporters.listed() == "HTML ou PDF"
    exporters.add("odt", lambda text: b"", media_type=ODT, label="ODT (modifiable)")
    assert exporters.listed() == "HTML, PDF ou ODT (modifiable)"
    assert french_list(["csv"]) == "csv"
