"""The report as a list of blocks every format lays out the same way.

``content.build_document`` writes the report once, in French, as headings, paragraphs, tables,
formulas, charts and notes holding plain strings; the HTML, PDF and ODT writers only choose
how each kind of block looks. So the three formats cannot disagree on a heading or a figure.
A ``\\n`` inside a string is a line break; nothing in a string is ever read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias


@dataclass(frozen=True)
class Heading:
    """A numbered heading of the seed: level 1 « I. – … », 2 « 1.1. … », 3 « 1.2.1. … »;
    level 4 is an unnumbered sub-heading inside an item."""

    level: int
    number: str
    title: str

    @property
    def text(self) -> str:
        """The heading as printed, number first."""
        return f"{self.number} {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``aside`` for explanations and notes printed smaller."""

    text: str
    aside: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a header row; columns from ``numeric_from`` on are right-aligned figures.

    ``total``: the last row is a total (bold). ``widths``: relative column widths.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    numeric_from: int = 1
    total: bool = False

    def __post_init__(self) -> None:
        if len(self.widths) != len(self.header):
            raise ValueError("one width per column")
        if any(len(row) != len(self.header) for row in self.rows):
            raise ValueError("every row has one cell per column")


@dataclass(frozen=True)
class Formula:
    """« name = numerator / denominator » (no denominator: « name = numerator »)."""

    name: str
    numerator: str
    denominator: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Chart:
    """A chart as SVG (from Vega-Lite), with a printed title and a text alternative."""

    title: str
    svg: str
    description: str
    width_cm: float = 16.0


@dataclass(frozen=True)
class Notes:
    """Numbered or lettered notes: (mark, text)."""

    title: str
    items: tuple[tuple[str, str], ...]


Block: TypeAlias = Heading | Paragraph | Table | Formula | Chart | Notes


@dataclass(frozen=True)
class ReportDocument:
    """The whole report: cover, blocks, footer and metadata."""

    title: str
    subtitle: str
    cover: tuple[tuple[str, str], ...]
    draft: bool
    content_hash: str | None
    footer: str
    author: str
    date: datetime | None
    blocks: tuple[Block, ...] = field(default=())

    @property
    def headings(self) -> list[Heading]:
        """Every heading, in order (what a table of contents lists)."""
        return [block for block in self.blocks if isinstance(block, Heading)]
