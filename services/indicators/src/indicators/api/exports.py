"""CSV and XLSX exports of an indicator: the same cells, secret ones marked the same way.

A new format is one render function registered once in ``EXPORTERS`` (JSON, the API's own
answer, is not an export)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from cosar_common.documents import CSV, XLSX, Exporters
from indicators.api.dashboard import release_line
from indicators.api.schemas import CellOut, IndicatorResult
from indicators.domain.secrecy import SECRET_LABEL

HEADER = ["Ventilation", "Service", "Valeur", "Numérateur", "Dénominateur", "Statut", "Note"]
STATUS = {
    "published": "publié",
    "secret": SECRET_LABEL,
    "small-denominator": "non publié (dénominateur trop petit)",
}


def _row(cell: CellOut) -> list[object]:
    secret = cell.status == "secret"
    return [
        cell.group or "Ensemble",
        cell.tenant or "",
        SECRET_LABEL if secret else ("" if cell.value is None else round(cell.value, 4)),
        SECRET_LABEL if secret else cell.numerator,
        SECRET_LABEL if secret else ("" if cell.denominator is None else cell.denominator),
        STATUS.get(cell.status, cell.status),
        cell.note or "",
    ]


def _heading(result: IndicatorResult) -> list[str]:
    lines = [
        f"{result.indicator.label} — {result.indicator.definition}",
        f"Unité : {result.indicator.unit} ; année {result.year}",
    ]
    if result.release is not None:
        lines.append(release_line(result.release))
    if result.note:
        lines.append(result.note)
    return lines


def rows(result: IndicatorResult) -> list[list[object]]:
    return [_row(c) for c in [*result.cells, *result.by_tenant]]


def file_name(result: IndicatorResult) -> str:
    """The download's name, without its extension."""
    return f"indicateur-{result.indicator.code}-{result.scope}-{result.year}"


def render_csv(result: IndicatorResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for line in _heading(result):
        writer.writerow([line])
    writer.writerow(HEADER)
    for row in rows(result):
        writer.writerow(
            [
                "" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v
                for v in row
            ]
        )
    return "\ufeff" + buffer.getvalue()  # BOM: spreadsheet software reads it as UTF-8


def render_xlsx(result: IndicatorResult) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Indicateur"
    for line in _heading(result):
        sheet.append([line])
    sheet.append(HEADER)
    for row in rows(result):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORTERS = Exporters[IndicatorResult]()
EXPORTERS.add("csv", render_csv, media_type=CSV)
EXPORTERS.add("xlsx", render_xlsx, media_type=XLSX)
