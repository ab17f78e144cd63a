"""CSV and XLSX exports of an indicator: the same cells, secret ones marked the same way."""

from __future__ import annotations

import csv
import io

from fastapi.responses import Response
from openpyxl import Workbook

from cosar_common.documents import CSV, XLSX, Document
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


def _filename(result: IndicatorResult, extension: str) -> str:
    return f"indicateur-{result.indicator.code}-{result.scope}-{result.year}.{extension}"


def csv_response(result: IndicatorResult) -> Response:
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
    # BOM: spreadsheet software reads it as UTF-8
    return Document("\ufeff" + buffer.getvalue(), CSV, _filename(result, "csv")).response()


def xlsx_response(result: IndicatorResult) -> Response:
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
    return Document(buffer.getvalue(), XLSX, _filename(result, "xlsx")).response()
