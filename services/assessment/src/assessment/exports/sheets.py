"""The spreadsheets of a published DUERP version: XLSX (openpyxl) and ODS (odfdo).

Both are written from the same ``build_tables``: one sheet per table, a header row, then typed
values (numbers stay numbers, dates stay dates) so that a reader can sort and filter. Each writer
only decides how a kind of column looks in its format.

Both are byte-identical for a given version: the document dates are the publication instant, the
generator is named, and the archive entries carry the publication instant as their time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Literal
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from odfdo import Cell, Document, Paragraph, Row, Table
from odfdo import Column as OdsColumn
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from assessment.domain.snapshot import ActionStatus, DuerpSnapshot, Priority
from assessment.exports.model import (
    ACTION_STATUS_FR,
    MEASURE_KIND_FR,
    OPINION_FR,
    PRIORITY_FILL,
    WORK_UNIT_KIND_FR,
    ExportInput,
    band_range,
    criterion_abbreviation,
    fr_date,
    fr_money,
    fr_percent,
    priority_label,
    risk_caption,
    risks_by_priority,
)
from cosar_common.clock import as_utc, paris_time

GENERATOR = "COSAR (plateforme régionale de santé au travail)"

Value = str | int | float | date | None
Kind = Literal["text", "long", "int", "number", "percent", "money", "date", "hash"]


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in characters
    kind: Kind = "text"


@dataclass(frozen=True)
class SheetTable:
    """One sheet: its columns, its rows, and the cells filled with a band colour."""

    name: str
    columns: tuple[Column, ...]
    rows: list[tuple[Value, ...]]
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → RRGGBB


def _num(value: Decimal | None) -> int | float | None:
    """A score as a spreadsheet number: 6 stays an integer, 4.20 becomes 4.2."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def build_tables(data: ExportInput) -> list[SheetTable]:
    """The seven sheets, in their order; both spreadsheet formats are written from these."""
    snap = data.snapshot
    tables = [_units(snap), _risks(snap), _actions(snap), _penibilite(snap)]
    tables += [_history(data), _consultation(data), _method(snap)]
    return [
        SheetTable(t.name, t.columns, [tuple(map(_clean, row)) for row in t.rows], t.fills)
        for t in tables
    ]


# Control characters (but tab and line feeds) are not allowed in XML, hence in XLSX or ODS.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value: Value) -> Value:
    return _XML_ILLEGAL.sub("", value) if isinstance(value, str) else value


def _units(snap: DuerpSnapshot) -> SheetTable:
    columns = (
        Column("Unité de travail", 28),
        Column("Type", 14),
        Column("Effectif", 10, "int"),
        Column("Métiers (PCS-ESE)", 50, "long"),
        Column("Description", 50, "long"),
        Column("Nombre de risques", 12, "int"),
    )
    rows: list[tuple[Value, ...]] = [
        (
            unit.name,
            WORK_UNIT_KIND_FR[unit.kind],
            unit.headcount,
            "\n".join(f"{job.code} — {job.display}" for job in unit.jobs),
            unit.description,
            len(unit.risks),
        )
        for unit in snap.work_units
    ]
    return SheetTable("Unités de travail", columns, rows)


def _risks(snap: DuerpSnapshot) -> SheetTable:
    method = snap.method
    columns = (
        Column("Rang", 6, "int"),
        Column("Unité de travail", 22),
        Column("Code danger", 16),
        Column("Danger", 30, "long"),
        Column("Situations dangereuses", 40, "long"),
        Column("Dommages potentiels", 30, "long"),
        Column("Mesures existantes", 45, "long"),
        *(Column(f"{c.label} ({criterion_abbreviation(c)})", 12, "int") for c in method.criteria),
        Column("Maîtrise", 22),
        Column("Pondération", 12, "number"),
        Column("Criticité brute", 12, "number"),
        Column("Criticité résiduelle", 12, "number"),
        Column("Priorité", 12),
        Column("Délai (mois)", 10, "int"),
        Column("À réévaluer", 10),
    )
    rows: list[tuple[Value, ...]] = []
    fills: dict[tuple[int, int], str] = {}
    priority_col = len(columns) - 3
    for rank, (unit, risk) in enumerate(risks_by_priority(snap), start=1):
        rating = risk.rating
        level = rating.control_level
        rows.append(
            (
                rank,
                unit.name,
                risk.hazard.code,
                risk.hazard.display,
                risk.situations,
                risk.damages,
                "\n".join(f"{MEASURE_KIND_FR[m.kind]} : {m.description}" for m in risk.measures),
                *(rating.inputs.get(c.key) for c in method.criteria),
                method.weighting_labels.get(level, level) if level else None,
                _num(method.weighting.get(level)) if level else None,
                _num(rating.raw_score),
                _num(rating.residual_score),
                priority_label(method, rating.priority),
                rating.deadline_months,
                "Oui" if risk.needs_rerating else "Non",
            )
        )
        fills[(rank - 1, priority_col)] = PRIORITY_FILL[rating.priority]
    return SheetTable("Risques", columns, rows, fills)


def _actions(snap: DuerpSnapshot) -> SheetTable:
    columns = (
        Column("Action", 40, "long"),
        Column("Description", 40, "long"),
        Column("Type de mesure", 22),
        Column("Risque traité", 36, "long"),
        Column("Responsable", 18),
        Column("Échéance", 12, "date"),
        Column("Coût (€)", 12, "money"),
        Column("Moyens", 30, "long"),
        Column("Indicateur de résultat", 30, "long"),
        Column("Statut", 12),
        Column("Réalisée le", 12, "date"),
        Column("Motif d'abandon", 36, "long"),
    )
    rows: list[tuple[Value, ...]] = [
        (
            action.title,
            action.description,
            MEASURE_KIND_FR[action.measure_kind],
            risk_caption(snap, action.risk_id),
            action.responsible,
            action.deadline,
            _num(action.cost_eur),
            action.resources,
            action.result_indicator,
            ACTION_STATUS_FR[action.status],
            action.done_on,
            action.status_reason if action.status == ActionStatus.ABANDONED else "",
        )
        for action in snap.actions
    ]
    return SheetTable("Plan d'action", columns, rows)


def _penibilite(snap: DuerpSnapshot) -> SheetTable:
    columns = (
        Column("Code", 8),
        Column("Facteur (art. L4161-1)", 60, "long"),
        Column("Seuil C2P", 10),
        Column("Salariés exposés au-delà du seuil", 16, "int"),
        Column("Proportion de l'effectif", 14, "percent"),
    )
    rows: list[tuple[Value, ...]] = [
        (
            line.factor.code,
            line.factor.display,
            "Oui" if line.has_c2p_threshold else "Non",
            line.exposed_above_threshold,
            float(line.proportion),
        )
        for line in snap.penibilite_annex
    ]
    return SheetTable("Pénibilité", columns, rows)


def _history(data: ExportInput) -> SheetTable:
    columns = (
        Column("Version", 9, "int"),
        Column("Date de publication", 14, "date"),
        Column("Publiée par", 30),
        Column("Empreinte SHA-256", 70, "hash"),
    )
    rows: list[tuple[Value, ...]] = [
        (e.number, paris_time(e.published_at).date(), e.publisher, e.hash) for e in data.history
    ]
    return SheetTable("Historique", columns, rows)


def _consultation(data: ExportInput) -> SheetTable:
    """The CSE's consultation on this version (one row, none until it is recorded)."""
    columns = (
        Column("Date de la consultation", 14, "date"),
        Column("Avis du CSE", 26),
        Column("Propositions", 60, "long"),
        Column("Enregistrée par", 30),
        Column("Enregistrée le", 14, "date"),
    )
    c = data.consultation
    rows: list[tuple[Value, ...]] = []
    if c is not None:
        rows.append(
            (
                c.consulted_on,
                OPINION_FR[c.opinion],
                c.proposals or None,
                c.recorder,
                paris_time(c.recorded_at).date(),
            )
        )
    return SheetTable("Consultation du CSE", columns, rows)


def _method(snap: DuerpSnapshot) -> SheetTable:
    method = snap.method
    columns = (
        Column("Rubrique", 24),
        Column("Code", 28),
        Column("Libellé", 60, "long"),
        Column("Valeur", 16),
        Column("Délai d'action (mois)", 12, "int"),
    )
    rows: list[tuple[Value, ...]] = [
        ("Méthode", method.key, method.label, None, None),
        ("Formule", None, method.formula, None, None),
    ]
    for criterion in method.criteria:
        rows += [
            (criterion.label, level, text, None, None) for level, text in criterion.levels.items()
        ]
    rows += [
        ("Pondération de maîtrise", key, method.weighting_labels.get(key, key), _num(weight), None)
        for key, weight in method.weighting.items()
    ]
    rows += [
        ("Priorité", band.priority.value, band.label, band_range(band), band.deadline_months)
        for band in method.bands
    ]
    return SheetTable("Méthode", columns, rows)


def document_title(data: ExportInput) -> str:
    """The title both formats store in their document properties."""
    company = data.snapshot.company
    return f"DUERP — {company.name} (SIRET {company.siret}) — version {data.snapshot.number}"


def normalise_zip(archive: bytes, moment: datetime) -> bytes:
    """The same archive with every entry dated ``moment`` (UTC) and the same attributes, so that
    two runs give the same bytes; entry order and compression (ODS: « mimetype » stored first)
    are kept."""
    stamp = as_utc(moment).timetuple()[:6]
    out = BytesIO()
    with ZipFile(BytesIO(archive)) as src, ZipFile(out, "w", ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = info.compress_type
            entry.create_system = 3
            entry.external_attr = (0o40755 if info.is_dir() else 0o100644) << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# --- XLSX -----------------------------------------------------------------------------------

_XLSX_FORMATS = {
    "int": "0",
    "percent": "0.0%",
    "money": '#,##0.00" €"',
    "date": "DD/MM/YYYY",
}
_HEADER_FILL = "E4E4E4"
_WHITE_TEXT_ON = {PRIORITY_FILL[Priority.MAJOR]}


def render_xlsx(data: ExportInput) -> bytes:
    """The seven tables as an Excel workbook (one sheet each, header row frozen, filters on)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in build_tables(data):
        _xlsx_sheet(workbook.create_sheet(table.name), table)
    props = workbook.properties
    props.created = props.modified = as_utc(data.snapshot.published_at).replace(tzinfo=None)
    props.creator = props.lastModifiedBy = data.tenant_name
    props.title = document_title(data)
    props.subject = f"Empreinte SHA-256 : {data.hash}"
    props.language = "fr-FR"
    buffer = BytesIO()
    # Not ``Workbook.save``: it stamps the current time as the modification date.
    with ZipFile(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return normalise_zip(buffer.getvalue(), data.snapshot.published_at)


def _xlsx_sheet(sheet: Worksheet, table: SheetTable) -> None:
    sheet.append([column.header for column in table.columns])
    for values in table.rows:
        sheet.append(list(values))
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        alignment = Alignment(vertical="top", wrap_text=column.kind == "long")
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # user text starting with « = » is text, never a formula
            cell.number_format = _XLSX_FORMATS.get(column.kind, "General")
            cell.alignment = alignment
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for (r, c), colour in table.fills.items():
        cell = sheet.cell(row=r + 2, column=c + 1)
        cell.fill = PatternFill("solid", fgColor=colour)
        cell.font = Font(bold=True, color="FFFFFF" if colour in _WHITE_TEXT_ON else "000000")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


# --- ODS ------------------------------------------------------------------------------------

_ODS_DATA_STYLES = (
    '<number:date-style style:name="n-date"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/></number:date-style>',
    '<number:percentage-style style:name="n-percent"><number:number number:decimal-places="1" '
    'number:min-decimal-places="1" number:min-integer-digits="1"/>'
    "<number:text>\u202f%</number:text></number:percentage-style>",
    '<number:number-style style:name="n-money"><number:number number:decimal-places="2" '
    'number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/>'
    "<number:text>\u202f€</number:text></number:number-style>",
)
_ODS_THUMBNAIL = "Thumbnails/thumbnail.png"
_ODS_DATA_STYLE = {"date": "n-date", "percent": "n-percent", "money": "n-money"}


def _ods_cell_style(
    name: str, *, data: str = "", fill: str = "", bold: str = "", wrap: bool = False
) -> str:
    data_attr = f' style:data-style-name="{data}"' if data else ""
    fill_attr = f' fo:background-color="#{fill}"' if fill else ""
    wrap_attr = ' fo:wrap-option="wrap"' if wrap else ""
    text = f'<style:text-properties fo:font-weight="bold" fo:color="#{bold}"/>' if bold else ""
    return (
        f'<style:style style:name="{name}" style:family="table-cell"{data_attr}>'
        f'<style:table-cell-properties style:vertical-align="top"{fill_attr}{wrap_attr}/>'
        f"{text}</style:style>"
    )


def _ods_cell_styles() -> list[str]:
    styles = [_ods_cell_style("c-head", fill=_HEADER_FILL, bold="000000", wrap=True)]
    styles += [_ods_cell_style(f"c-{kind}", data=data) for kind, data in _ODS_DATA_STYLE.items()]
    styles.append(_ods_cell_style("c-long", wrap=True))
    styles += [
        _ods_cell_style(f"c-{c}", fill=c, bold="FFFFFF" if c in _WHITE_TEXT_ON else "000000")
        for c in PRIORITY_FILL.values()
    ]
    return styles


def render_ods(data: ExportInput) -> bytes:
    """The seven tables as an OpenDocument spreadsheet (one table each, same columns as XLSX)."""
    document = Document("spreadsheet")
    document.body.clear()
    tables = build_tables(data)
    widths = sorted({column.width for table in tables for column in table.columns})
    for xml in (*_ODS_DATA_STYLES, *_ods_cell_styles()):
        document.insert_style(xml, automatic=True)
    for width in widths:
        document.insert_style(
            f'<style:style style:name="co-{width}" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{width * 0.21:.2f}cm"/>'
            "</style:style>",
            automatic=True,
        )
    for table in tables:
        document.body.append(_ods_table(table))
    local = paris_time(data.snapshot.published_at).replace(tzinfo=None)
    meta = document.meta
    meta.creation_date = meta.date = local
    meta.generator = GENERATOR
    meta.title = document_title(data)
    meta.subject = f"Empreinte SHA-256 : {data.hash}"
    meta.language = "fr-FR"
    meta.editing_cycles = 1
    meta.editing_duration = timedelta(0)
    cells = sum(len(t.columns) * (len(t.rows) + 1) for t in tables)
    meta.statistic = {"meta:table-count": len(tables), "meta:cell-count": cells}
    # The template's thumbnail pictures an empty sheet, not this document.
    document.del_part(_ODS_THUMBNAIL)
    document.manifest.del_full_path(_ODS_THUMBNAIL)
    buffer = BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), data.snapshot.published_at)


def _ods_table(table: SheetTable) -> Table:
    sheet = Table(table.name)
    for column in table.columns:
        sheet.append(OdsColumn(style=f"co-{column.width}"))
    sheet.append_row(_ods_row([Cell(c.header, style="c-head") for c in table.columns]))
    for r, values in enumerate(table.rows):
        cells = [
            _ods_cell(column, value, table.fills.get((r, c), ""))
            for c, (column, value) in enumerate(zip(table.columns, values, strict=True))
        ]
        sheet.append_row(_ods_row(cells))
    return sheet


def _ods_cell(column: Column, value: Value, fill: str) -> Cell:
    if column.kind in _ODS_DATA_STYLE and value is not None:
        kind_type = "percentage" if column.kind == "percent" else None
        text = _ods_text(column.kind, value)
        return Cell(value, text=text, cell_type=kind_type, style=f"c-{column.kind}")
    style = f"c-{fill}" if fill else ("c-long" if column.kind == "long" else None)
    cell = Cell(value, style=style)
    if isinstance(value, str) and "\n" in value:  # one paragraph with line breaks, not spaces
        for paragraph in cell.get_paragraphs():
            cell.delete(paragraph)
        cell.append(Paragraph(value))
    return cell


def _ods_row(cells: list[Cell]) -> Row:
    row = Row()
    for cell in cells:
        row.append(cell)
    return row


def _ods_text(kind: Kind, value: Value) -> str:
    """The text an ODS reader shows before it recomputes the display from the data style."""
    if isinstance(value, date):
        return fr_date(value)
    number = Decimal(str(value))
    return fr_percent(number) if kind == "percent" else fr_money(number)
