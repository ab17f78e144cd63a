"""The report as an editable OpenDocument text (ODT), written with odfdo.

Same headings, tables and notes as the PDF, in named paragraph styles a user can restyle; the
charts are PNG images (drawn by vl-convert from the same SVG). Strings go in as text nodes,
never parsed as XML.

Deterministic: the metadata dates are the finalisation instant (none for a draft), the
generator is named, and every archive entry carries that same instant (1980-01-01, the ZIP
epoch, for a draft).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from io import BytesIO
from zipfile import ZipFile, ZipInfo

import vl_convert
from odfdo import (
    Cell,
    Column,
    Document,
    Element,
    Frame,
    Header,
    Paragraph,
    Row,
    Style,
    StyleMasterPage,
    Table,
    VarPageCount,
    VarPageNumber,
)

from reporting.rendering.blocks import Block, Chart, Formula, Heading, Notes, ReportDocument
from reporting.rendering.blocks import Paragraph as TextBlock
from reporting.rendering.blocks import Table as TableBlock
from reporting.rendering.content import build_document
from reporting.rendering.model import RenderInput
from reporting.rendering.odt_styles import (
    ASIDE,
    BODY,
    CELL,
    CELL_BOX,
    CELL_NUMBER,
    FOOTER,
    FORMULA,
    HEAD,
    HEAD_NUMBER,
    SUBTITLE,
    TITLE,
    TOTAL,
    TOTAL_NUMBER,
    insert_styles,
    local_time,
)

GENERATOR = "COSAR — rapport annuel d'hygiène, de sécurité et des conditions de travail"
TABLE_WIDTH_CM = 17.0
CHART_SCALE = 2.0
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_SVG_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"')


def render_odt(data: RenderInput) -> bytes:
    """The revision as an editable ODT in French, with the seed's headings and tables."""
    return odt_from_document(build_document(data))


def odt_from_document(document: ReportDocument) -> bytes:
    """Write an already built document as ODT bytes."""
    odt = Document("text")
    insert_styles(odt)
    body = odt.body
    for paragraph in body.get_paragraphs():  # the template's empty paragraph
        body.delete(paragraph)
    _cover(odt, document)
    tables = images = 0
    for block in document.blocks:
        if isinstance(block, TableBlock):
            tables += 1
            _table_styles(odt, block, tables)
        elif isinstance(block, Chart):
            images += 1
        for element in _elements(odt, block, tables, images):
            body.append(element)
    _footer(odt, document.footer)
    _meta(odt, document, tables=tables + 1, images=images)
    buffer = BytesIO()
    odt.save(buffer)
    return normalise_zip(buffer.getvalue(), document.date)


def _cover(odt: Document, document: ReportDocument) -> None:
    body = odt.body
    body.append(Paragraph(document.title, style=TITLE))
    body.append(Paragraph(document.subtitle, style=SUBTITLE))
    cover = TableBlock(
        header=("Rubrique", "Valeur"), rows=document.cover, widths=(2, 3), numeric_from=2
    )
    _table_styles(odt, cover, 0)
    body.append(_table(cover, 0))
    if document.content_hash is None:
        seal = "Brouillon : ce document n'est pas finalisé ; ses chiffres peuvent encore changer."
    else:
        seal = f"Empreinte SHA-256 de cette révision : {document.content_hash}"
    body.append(Paragraph(seal, style=ASIDE))


def _elements(odt: Document, block: Block, tables: int, images: int) -> list[Element]:
    if isinstance(block, Heading):
        level = min(block.level, 4)
        heading = Header(level, block.text)
        heading.style = f"Heading_20_{level}"  # odfdo's Header ignores its ``style`` argument
        return [heading]
    if isinstance(block, TextBlock):
        return [Paragraph(block.text, style=ASIDE if block.aside else BODY)]
    if isinstance(block, TableBlock):
        return [_table(block, tables)]
    if isinstance(block, Formula):
        right = block.numerator
        if block.denominator is not None:
            right = f"({block.numerator}) / ({block.denominator})"
        lines: list[Element] = [Paragraph(f"{block.name} = {right}", style=FORMULA)]
        if block.comment:
            lines.append(Paragraph(f"{block.comment}.", style=ASIDE))
        return lines
    if isinstance(block, Chart):
        return [Paragraph(block.title, style=HEAD), _image(odt, block, images)]
    assert isinstance(block, Notes)
    return [
        Paragraph(block.title, style=HEAD),
        *(Paragraph(f"{mark} {text}", style=ASIDE) for mark, text in block.items),
    ]


def _table_styles(odt: Document, block: TableBlock, number: int) -> None:
    odt.insert_style(
        Style("table", name=f"Tab{number}", width=f"{TABLE_WIDTH_CM}cm", align="margins"),
        automatic=True,
    )
    total = sum(block.widths)
    for index, width in enumerate(block.widths):
        share = TABLE_WIDTH_CM * width / total
        odt.insert_style(
            Style("table-column", name=f"Tab{number}.C{index}", width=f"{share:.2f}cm"),
            automatic=True,
        )


def _table(block: TableBlock, number: int) -> Table:
    table = Table(f"Tableau{number}", style=f"Tab{number}")
    for index in range(len(block.header)):
        table.append(Column(style=f"Tab{number}.C{index}"))
    header = Element.from_tag("table:table-header-rows")
    header.append(_row(block.header, block.numeric_from, (HEAD, HEAD_NUMBER)))
    table.append(header)
    for index, cells in enumerate(block.rows):
        total = block.total and index == len(block.rows) - 1
        styles = (TOTAL, TOTAL_NUMBER) if total else (CELL, CELL_NUMBER)
        table.append(_row(cells, block.numeric_from, styles))
    return table


def _row(texts: tuple[str, ...], numeric_from: int, styles: tuple[str, str]) -> Row:
    row = Row()
    for index, text in enumerate(texts):
        cell = Cell(style=CELL_BOX)
        cell.append(Paragraph(text, style=styles[index >= numeric_from]))
        row.append(cell)
    return row


def _image(odt: Document, block: Chart, number: int) -> Paragraph:
    png = vl_convert.svg_to_png(block.svg, scale=CHART_SCALE)
    path = f"Pictures/graphique-{number}.png"
    if odt.container is None:  # never: the document comes from odfdo's template
        raise RuntimeError("the ODT document has no container")
    odt.container.set_part(path, png)
    odt.manifest.add_full_path(path, "image/png")
    match = _SVG_SIZE.search(block.svg)
    ratio = float(match.group(2)) / float(match.group(1)) if match else 0.6
    width = min(block.width_cm, TABLE_WIDTH_CM)
    frame = Frame.image_frame(
        path,
        name=f"Graphique{number}",
        size=(f"{width:.2f}cm", f"{width * ratio:.2f}cm"),
        anchor_type="as-char",
    )
    frame.svg_title = block.title
    frame.svg_description = block.description
    paragraph = Paragraph(style=BODY)
    paragraph.append(frame)
    return paragraph


def _footer(odt: Document, text: str) -> None:
    footer = Paragraph(f"{text} — page ", style=FOOTER)
    footer.append(VarPageNumber())
    footer.append(" / ")
    footer.append(VarPageCount())
    master = odt.get_style("master-page", "Standard")
    if not isinstance(master, StyleMasterPage):  # never: odfdo's template has one
        raise RuntimeError("the ODT template has no standard master page")
    master.set_page_footer(footer)


def _meta(odt: Document, document: ReportDocument, *, tables: int, images: int) -> None:
    meta = odt.meta
    meta.title = f"{document.title} — {document.subtitle}"
    meta.subject = document.footer
    meta.generator = GENERATOR
    meta.language = "fr-FR"
    meta.initial_creator = document.author
    meta.creator = document.author
    meta.editing_cycles = 1
    meta.editing_duration = timedelta(0)
    meta.statistic = {"meta:table-count": tables, "meta:image-count": images}
    if document.content_hash is not None:
        meta.description = f"Empreinte SHA-256 : {document.content_hash}"
    if document.date is None:
        for tag in ("meta:creation-date", "dc:date"):
            for element in meta.get_elements(f"//{tag}"):
                element.delete()
    else:
        meta.creation_date = meta.date = local_time(document.date)


def normalise_zip(archive: bytes, moment: datetime | None) -> bytes:
    """The same archive, entries in the same order and compression, all dated ``moment``."""
    stamp = ZIP_EPOCH if moment is None else local_time(moment).timetuple()[:6]
    out = BytesIO()
    with ZipFile(BytesIO(archive)) as source, ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = info.compress_type
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
