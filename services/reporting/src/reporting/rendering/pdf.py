"""The report as an A4 PDF typeset by Typst from ``report.typ``.

The template receives the whole document (``content.build_document``) as one JSON string in
``sys.inputs.data`` and lays out its blocks; user text only ever reaches Typst as string values,
printed as they are. The template is read from the package (shipped in the wheel) and only
Typst's embedded fonts are used, never the host's.

Deterministic: the same input gives the same bytes. The document date is the finalisation
instant, or none for a draft (never the time of rendering).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib.resources import files
from typing import Any

import typst

from reporting.rendering.blocks import (
    Block,
    Chart,
    Formula,
    Heading,
    Notes,
    Paragraph,
    ReportDocument,
    Table,
)
from reporting.rendering.content import build_document
from reporting.rendering.model import RenderInput

TEMPLATE = "report.typ"

_KINDS: dict[type, str] = {
    Heading: "heading",
    Paragraph: "paragraph",
    Table: "table",
    Formula: "formula",
    Chart: "chart",
    Notes: "notes",
}


def render_pdf(data: RenderInput) -> bytes:
    """The revision as an A4 PDF in French, numbered as the seed; every page's footer names the
    establishment, the year, the revision, its status (and hash prefix), and « Page x / y »."""
    return pdf_from_document(build_document(data))


def pdf_from_document(document: ReportDocument) -> bytes:
    """Typeset an already written document."""
    template = files("reporting.rendering").joinpath(TEMPLATE).read_bytes()
    payload = json.dumps(typst_data(document), ensure_ascii=False, sort_keys=True)
    return typst.compile(template, sys_inputs={"data": payload}, ignore_system_fonts=True)


def _block(block: Block) -> dict[str, Any]:
    data = asdict(block)
    data["kind"] = _KINDS[type(block)]
    if isinstance(block, Heading):
        data["text"] = block.text
    return data


def typst_data(document: ReportDocument) -> dict[str, Any]:
    """What the template reads: strings, numbers, lists and booleans only."""
    moment = document.date
    return {
        "title": document.title,
        "subtitle": document.subtitle,
        "author": document.author,
        "date": None if moment is None else list(moment.timetuple()[:6]),
        "draft": document.draft,
        "content_hash": document.content_hash,
        "cover": [list(row) for row in document.cover],
        "footer": document.footer,
        "blocks": [_block(block) for block in document.blocks],
    }
