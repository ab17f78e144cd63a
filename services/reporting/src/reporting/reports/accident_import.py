"""Importing the accident register (II.2.1) from CSV or XLSX: all lines or none.

Columns (header on line 1, French names; order free; accents and case ignored):
``reference, date, nature, arret, jours_perdus, taux_ip, mortel, entreprise_exterieure,
element_materiel``. ``nature``: travail / trajet; yes/no columns: oui / non; dates as
JJ/MM/AAAA or AAAA-MM-JJ; the material element by code or French label. Every refused line is
reported with its line number and why; if any line is refused nothing is imported.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from cosar_common.errors import french_validation_errors
from reporting.domain.indicators import AccidentLine

COLUMNS = {
    "reference": "reference",
    "date": "date",
    "nature": "kind",
    "arret": "with_time_off",
    "jours_perdus": "days_lost",
    "taux_ip": "permanent_incapacity_rate",
    "mortel": "fatal",
    "entreprise_exterieure": "external_company_victim",
    "element_materiel": "material_element",
}
REQUIRED = ("date", "nature", "arret")
YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
NO = {"non", "n", "no", "0", "faux", "false", ""}
KINDS = {"travail": "work", "trajet": "commute", "work": "work", "commute": "commute"}


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str


class RegisterRefused(Exception):
    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
    return plain.replace(" ", "_").replace("'", "_")


def _rows_from_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegisterRefused(
            [LineError(1, "fichier", "Le fichier CSV doit être encodé en UTF-8.")]
        ) from None
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t") if text.strip() else csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _rows_from_xlsx(content: bytes) -> list[list[str]]:
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise RegisterRefused(
            [LineError(1, "fichier", "Le fichier n'est pas un classeur XLSX lisible.")]
        ) from exc
    assert sheet is not None
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in values])
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _value(field: str, text: str) -> Any:
    text = text.strip()
    if field in ("with_time_off", "fatal", "external_company_victim"):
        folded = _fold(text)
        if folded in YES:
            return True
        if folded in NO:
            return False
        raise ValueError(f"« {text} » : répondre oui ou non.")
    if field == "kind":
        kind = KINDS.get(_fold(text))
        if kind is None:
            raise ValueError(f"« {text} » : indiquer travail ou trajet.")
        return kind
    if field == "date" and "/" in text:
        try:
            return datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise ValueError(f"« {text} » : date attendue au format JJ/MM/AAAA.") from None
    if field in ("reference", "material_element", "permanent_incapacity_rate"):
        return text or None
    if field == "days_lost":
        return text or 0
    return text


def parse_register(content: bytes, *, filename: str, year: int) -> list[dict[str, Any]]:
    """The register's lines as AccidentLine data; ``RegisterRefused`` lists every bad line
    (an accident outside the report's ``year`` included)."""
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    rows = _rows_from_xlsx(content) if is_xlsx else _rows_from_csv(content)
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise RegisterRefused([LineError(1, "fichier", "Le fichier est vide.")])
    header = [_fold(h) for h in rows[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        message = "; ".join(
            [f"colonne inconnue « {h} »" for h in unknown]
            + [f"colonne obligatoire absente « {c} »" for c in missing]
        )
        raise RegisterRefused([LineError(1, "en-tête", message[0].upper() + message[1:] + ".")])
    errors: list[LineError] = []
    lines: list[dict[str, Any]] = []
    for number, row in enumerate(rows[1:], start=2):
        data: dict[str, Any] = {}
        for column, cell in zip(header, row, strict=False):
            if not column:
                continue
            field = COLUMNS[column]
            try:
                data[field] = _value(field, cell)
            except ValueError as exc:
                errors.append(LineError(number, column, str(exc)))
        failed = {e.field for e in errors if e.line == number}
        try:
            line = AccidentLine.model_validate(data)
        except ValidationError as exc:
            reverse = {v: k for k, v in COLUMNS.items()}
            for issue in french_validation_errors(exc.errors()):
                column = reverse.get(issue["field"].split(".")[0], issue["field"])
                if column not in failed:  # one message per cell
                    errors.append(LineError(number, column, issue["message"]))
        else:
            if line.date.year != year:
                message = f"L'accident du {line.date:%d/%m/%Y} n'est pas de l'année {year}."
                errors.append(LineError(number, "date", message))
        lines.append(data)
    if errors:
        raise RegisterRefused(errors)
    return lines
