"""Exports of a published DUERP version: PDF (Typst), XLSX and ODS, all in French.

Each export is a pure function of an ``ExportInput`` (the version's snapshot, its hash and the
history of versions) and gives the same bytes every time it is run on the same input.
"""

from assessment.exports.model import ExportInput, VersionHistoryEntry
from assessment.exports.pdf import render_pdf
from assessment.exports.sheets import render_ods, render_xlsx

__all__ = ["ExportInput", "VersionHistoryEntry", "render_ods", "render_pdf", "render_xlsx"]
