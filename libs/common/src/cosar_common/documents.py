"""Documents a service hands out: media types, attachment responses, exporters by format.

A document format is one render function, registered once in its service's ``Exporters``::

    EXPORTERS = Exporters[ExportInput]()
    EXPORTERS.add("pdf", render_pdf, media_type=PDF)

The use case builds the render input and asks ``EXPORTERS.render(fmt, data, name=...)`` for a
``Document``; the route answers ``document.response()``, and its format parameter is
``EXPORTERS.format_type()`` (a ``Literal`` of the registered formats, so the OpenAPI document
lists them and any other format is refused as before). Its French summary names the formats
with ``EXPORTERS.listed()`` (« PDF, XLSX ou ODS »; ``label=`` where a format wants more words).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast
from urllib.parse import quote

from fastapi import Response

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"
CSV = "text/csv; charset=utf-8"

# French ligatures have no decomposition: spelled out in the ASCII name.
_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}


def french_list(items: Iterable[str]) -> str:
    """``a, b ou c``: how a French sentence lists alternatives."""
    words = list(items)
    return " ou ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def ascii_filename(filename: str) -> str:
    """``filename`` as printable ASCII: accents dropped (« é » → « e »), ligatures spelled out,
    and anything else that could break the header or name a path (``"`` ``\\`` ``/``, control
    or other characters) replaced by ``_``."""
    letters = []
    for char in unicodedata.normalize("NFKD", filename):
        if unicodedata.combining(char):
            continue
        char = _LIGATURES.get(char, char)
        letters.append(
            char if char.isascii() and char.isprintable() and char not in '"\\/' else "_"
        )
    return "".join(letters)


def content_disposition(filename: str) -> str:
    """``attachment`` under ``filename``. A plain ASCII name goes as it is; another gets an ASCII
    fallback in ``filename`` and the exact name, UTF-8 encoded, in ``filename*`` (RFC 6266)."""
    fallback = ascii_filename(filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass(frozen=True)
class Document:
    """A rendered document: its bytes (or text, sent as UTF-8) and how to hand it out."""

    content: bytes | str
    media_type: str
    filename: str | None = None  # None: shown by the browser, not downloaded

    def response(self) -> Response:
        headers = (
            {"Content-Disposition": content_disposition(self.filename)} if self.filename else None
        )
        return Response(self.content, media_type=self.media_type, headers=headers)


T = TypeVar("T")


@dataclass(frozen=True)
class Exporter(Generic[T]):
    render: Callable[[T], bytes | str]
    media_type: str
    extension: str
    attachment: bool
    label: str


class Exporters(Generic[T]):
    """The formats one kind of document renders to, by name (the extension in the URL)."""

    def __init__(self) -> None:
        self._by_format: dict[str, Exporter[T]] = {}

    def add(
        self,
        fmt: str,
        render: Callable[[T], bytes | str],
        *,
        media_type: str,
        extension: str | None = None,
        attachment: bool = True,
        label: str | None = None,
    ) -> None:
        """Register ``render`` for ``fmt``; ``attachment=False`` for a page shown in place;
        ``label``: how a summary names it (the format in capitals by default)."""
        if fmt in self._by_format:
            raise ValueError(f"format {fmt!r} is already registered")
        self._by_format[fmt] = Exporter(
            render, media_type, extension or fmt, attachment, label or fmt.upper()
        )

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self._by_format)

    def listed(self) -> str:
        """The formats as a French summary names them: « PDF, XLSX ou ODS »."""
        return french_list(e.label for e in self._by_format.values())

    def format_type(self) -> Any:
        """The type of a route's format parameter: ``Literal`` of the formats, in their order."""
        return cast(Any, Literal)[self.formats]

    def render(self, fmt: str, data: T, *, name: str) -> Document:
        """``data`` rendered as ``fmt``; downloaded as ``name.<extension>`` if an attachment."""
        try:
            exporter = self._by_format[fmt]
        except KeyError:
            raise ValueError(f"no exporter for format {fmt!r}") from None
        filename = f"{name}.{exporter.extension}" if exporter.attachment else None
        return Document(exporter.render(data), exporter.media_type, filename)
