"""Exports of a published DUERP version: PDF (Typst), XLSX and ODS, all in French.

Each export is a pure function of an ``ExportInput`` (the version's snapshot, its hash, the
history of versions and the CSE's consultation on it) and gives the same bytes every time it is
run on the same input. A new format is one module with its render function, registered once in
``EXPORTERS``.
"""

from assessment.exports.model import ConsultationEntry, ExportInput, VersionHistoryEntry
from assessment.exports.pdf import render_pdf
from assessment.exports.sheets import render_ods, render_xlsx
from cosar_common.documents import ODS, PDF, XLSX, Exporters

EXPORTERS = Exporters[ExportInput]()
EXPORTERS.add("pdf", render_pdf, media_type=PDF)
EXPORTERS.add("xlsx", render_xlsx, media_type=XLSX)
EXPORTERS.add("ods", render_ods, media_type=ODS)

__all__ = [
    "EXPORTERS",
    "ConsultationEntry",
    "ExportInput",
    "VersionHistoryEntry",
    "render_ods",
    "render_pdf",
    "render_xlsx",
]
