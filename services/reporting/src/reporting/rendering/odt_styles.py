"""Named styles of the ODT report (a user restyles the whole report by editing one of them)."""

from __future__ import annotations

from datetime import datetime

from odfdo import Document, Style, create_table_cell_style

from cosar_common.clock import as_utc, paris_time

TITLE = "Rapport_Titre"
SUBTITLE = "Rapport_Sous-titre"
BODY = "Rapport_Texte"
ASIDE = "Rapport_Remarque"
FORMULA = "Rapport_Formule"
FOOTER = "Rapport_Pied"
HEAD = "Rapport_En-tête"
HEAD_NUMBER = "Rapport_En-tête_nombre"
CELL = "Rapport_Cellule"
CELL_NUMBER = "Rapport_Cellule_nombre"
TOTAL = "Rapport_Total"
TOTAL_NUMBER = "Rapport_Total_nombre"
CELL_BOX = "Rapport_Case"

# name: (bold, italic, size, alignment, colour, left indent)
_PARAGRAPHS: dict[str, tuple[bool, bool, str, str, str | None, str | None]] = {
    TITLE: (True, False, "18pt", "center", None, None),
    SUBTITLE: (False, False, "13pt", "center", None, None),
    BODY: (False, False, "10pt", "start", None, None),
    ASIDE: (False, False, "8.5pt", "start", "#444444", None),
    FORMULA: (False, False, "10pt", "start", None, "0.6cm"),
    FOOTER: (False, False, "8pt", "start", "#555555", None),
    HEAD: (True, False, "9pt", "start", None, None),
    HEAD_NUMBER: (True, False, "9pt", "end", None, None),
    CELL: (False, False, "9pt", "start", None, None),
    CELL_NUMBER: (False, False, "9pt", "end", None, None),
    TOTAL: (True, False, "9pt", "start", None, None),
    TOTAL_NUMBER: (True, False, "9pt", "end", None, None),
}


def insert_styles(odt: Document) -> None:
    """Add the report's paragraph styles and the table-cell box to ``odt``."""
    for name, (bold, italic, size, align, colour, indent) in _PARAGRAPHS.items():
        style = Style(
            "paragraph",
            name=name,
            display_name=name.replace("_", " "),
            parent_style="Standard",
            area="text",
            bold=bold,
            italic=italic,
            color=colour,
        )
        style.set_properties({"fo:font-size": size}, area="text")
        paragraph: dict[str, str] = {"fo:text-align": align, "fo:margin-bottom": "0.12cm"}
        if indent is not None:
            paragraph["fo:margin-left"] = indent
        style.set_properties(paragraph, area="paragraph")
        odt.insert_style(style)
    box = create_table_cell_style(border="0.5pt solid #999999", padding="0.06cm")
    box.name = CELL_BOX
    odt.insert_style(box, automatic=True)


def local_time(moment: datetime) -> datetime:
    """An instant as French legal time without offset, as ODF metadata dates are written."""
    return paris_time(as_utc(moment)).replace(tzinfo=None)
