"""Small French writings shared by the parts of the report, on top of ``domain.presentation``.

Numbers are rounded and written only by ``domain.presentation``; this module adds the « n.c. »
notes (one letter per distinct reason, printed under the table), dates and placeholders.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from reporting.domain.figures import Figure, NotComputable
from reporting.domain.presentation import (
    Presented,
    Quantity,
    format_quantity,
    present,
)
from reporting.rendering.blocks import Block, Notes, Paragraph

DASH = "—"
NOT_ENTERED = "Non renseigné."


def count(value: int) -> str:
    """A count: « 1 240 »."""
    return format_quantity(value, Quantity.COUNT)


def hours(value: Fraction | Decimal | int) -> str:
    """Hours, to the unit: « 600 000 »."""
    return format_quantity(value, Quantity.HOURS)


def money(value: Decimal) -> str:
    """Euros, to the cent: « 48 500,00 € »."""
    return format_quantity(value, Quantity.MONEY)


def day(value: date | None) -> str:
    """« 11/03/2024 », or a dash."""
    return DASH if value is None else value.strftime("%d/%m/%Y")


def or_dash(text: str | None) -> str:
    """User text, or a dash when empty."""
    return text if text else DASH


def lower_first(text: str) -> str:
    """« À la suite d'un accident » → « à la suite d'un accident »."""
    return text[:1].lower() + text[1:]


def paragraphs(text: str | None, *, empty: str | None = None) -> list[Block]:
    """Free text split into paragraphs on blank lines (single line breaks are kept)."""
    if not text or not text.strip():
        return [] if empty is None else [Paragraph(empty)]
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(part) for part in parts if part]


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


class MissingFigures:
    """Marks each figure shown « n.c. » with the letter of its reason, one letter per reason."""

    def __init__(self) -> None:
        self._marks: dict[str, str] = {}

    def cell(self, presented: Presented) -> str:
        """The figure's text, with « (a) » after « n.c. » when it is missing."""
        if presented.note is None:
            return presented.text
        mark = self._marks.setdefault(presented.note, _letter(len(self._marks)))
        return f"{presented.text} ({mark})"

    def figure(self, figure: Figure, quantity: Quantity) -> str:
        """A computed figure or « n.c. (a) »."""
        return self.cell(present(figure, quantity))

    def value(
        self, value: Fraction | Decimal | int | None, quantity: Quantity, *, reason: str
    ) -> str:
        """A known value written as ``quantity``, or « n.c. (a) » with ``reason``."""
        if value is None:
            return self.figure(NotComputable("missing_input", reason), quantity)
        return format_quantity(value, quantity)

    def notes(self, title: str = "Données non calculées (n.c.)") -> list[Block]:
        """The notes block, if any figure was missing."""
        if not self._marks:
            return []
        items = tuple((f"({mark})", reason) for reason, mark in self._marks.items())
        return [Notes(title, items)]
