"""Code systems as CSV: the tenants' local lists and the reference files share one parser.

Recognised columns (header on line 1, names case-insensitive, ``,`` ``;`` or tab separated,
UTF-8 with or without BOM):

* ``code`` and ``display`` (or its synonym ``label``): required;
* ``parent`` / ``parent_code`` (one code) and ``parents`` (several): the hierarchy;
* ``level`` (integer), ``synonyms``, ``status`` (``active`` or ``deprecated``, French
  ``actif`` / ``obsolète`` accepted), ``replaced_by``;
* ``prop:<code>`` or ``prop:<code>:<type>`` (type ``string``, ``integer``, ``decimal``,
  ``boolean``): one property; any other column (``level_name``, ``code_atih`` in the reference
  files) is a string property named after the column. An empty cell means "no value".

Multi-valued cells (``parents``, ``synonyms``, ``replaced_by``) are separated by ``|``: codes may
hold spaces (``A 1``), so a space cannot separate them.

What CSV cannot carry: the validity dates of a property, and more than one value per property
code for a concept. ``to_csv`` writes, for each code, the value that starts last (the one in force
now in a well-formed history) and drops the dates; a property whose values differ in type across
concepts is written, and so read back, as text; the system's metadata travels beside the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from thesaurus.domain.model import (
    CodeSystemData,
    ConceptData,
    ConceptStatus,
    ImportProblem,
    Property,
    PropertyValue,
)
from thesaurus.interchange.errors import ImportRejected, decode_utf8, reject_if_invalid

PROPERTY_PREFIX = "prop:"
SEPARATOR = " | "
_PARENT_COLUMNS = ("parent", "parent_code", "parents")
_KNOWN = {"code", "display", "label", "level", "synonyms", "status", "replaced_by"}
_STATUSES = {
    "active": ConceptStatus.ACTIVE,
    "actif": ConceptStatus.ACTIVE,
    "deprecated": ConceptStatus.DEPRECATED,
    "obsolete": ConceptStatus.DEPRECATED,
    "obsolète": ConceptStatus.DEPRECATED,
}
_CSV_ERRORS = {"unexpected end of data": "guillemet ouvert jamais refermé"}
_TRUE = {"true", "vrai", "oui", "1"}
_FALSE = {"false", "faux", "non", "0"}


def _boolean(text: str) -> bool:
    if text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    raise ValueError(text)


def _decimal(text: str) -> float:
    # French spreadsheets write 1,5; both are accepted.
    return float(text.replace(",", "."))


_PARSERS: dict[str, tuple[Callable[[str], PropertyValue], str]] = {
    "string": (str, "texte"),
    "integer": (int, "entier"),
    "decimal": (_decimal, "nombre décimal"),
    "boolean": (_boolean, "booléen (true/false)"),
}


@dataclass(frozen=True)
class _PropertyColumn:
    index: int
    code: str
    type: str = "string"


@dataclass
class _Layout:
    """Where each piece of a concept is in a row, read from the header."""

    width: int
    code: int
    display: int
    parents: list[int] = field(default_factory=list)
    level: int | None = None
    synonyms: int | None = None
    status: int | None = None
    replaced_by: int | None = None
    properties: list[_PropertyColumn] = field(default_factory=list)


def parse_csv(
    content: bytes,
    *,
    name: str,
    url: str,
    title: str,
    version: str,
    description: str | None = None,
    publisher: str | None = None,
    source: str | None = None,
    licence: str | None = None,
) -> CodeSystemData:
    """Read a CSV code list; raise ``ImportRejected`` (with line numbers) if anything is wrong.

    Each concept's ``source_ref`` is ``"ligne N"``, N being the physical line where its record
    starts (the header is line 1).
    """
    text = decode_utf8(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    problems: list[ImportProblem] = []
    concepts: list[ConceptData] = []
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRejected([ImportProblem("ligne 1", None, "fichier vide")])
        layout = _layout(header)
        start = reader.line_num + 1
        for row in reader:
            where, start = f"ligne {start}", reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != layout.width:
                problems.append(
                    ImportProblem(
                        where, None, f"{len(row)} colonnes au lieu des {layout.width} de l'en-tête"
                    )
                )
                row = (row + [""] * layout.width)[: layout.width]
            concepts.append(_concept(row, layout, where, problems))
    except csv.Error as error:
        # The rest of the file cannot be read reliably: stop here rather than report parents
        # "introuvables" that are merely further down.
        message = _CSV_ERRORS.get(str(error), str(error))
        problems.append(ImportProblem(f"ligne {start}", None, f"CSV mal formé : {message}"))
        raise ImportRejected(problems) from None
    reject_if_invalid(concepts, problems)
    return CodeSystemData(
        name=name,
        url=url,
        title=title,
        version=version,
        description=description,
        publisher=publisher,
        source=source,
        licence=licence,
        concepts=concepts,
    )


def to_csv(cs: CodeSystemData, *, excel: bool = False) -> bytes:
    """The concepts of ``cs`` as UTF-8 CSV that ``parse_csv`` reads back.

    Only the optional columns in use are written. ``excel=True`` writes what French Excel opens
    without a wizard: a BOM and ``;`` separators. Raises ``ValueError`` if a multi-valued cell
    would need ``|`` inside a value.
    """
    concepts = cs.concepts
    several_parents = any(len(c.parents) > 1 for c in concepts)
    header = ["code", "display", "parents" if several_parents else "parent"]
    with_level = any(c.level is not None for c in concepts)
    with_synonyms = any(c.synonyms for c in concepts)
    with_status = any(c.status != ConceptStatus.ACTIVE or c.replaced_by for c in concepts)
    header += ["level"] * with_level + ["synonyms"] * with_synonyms
    header += ["status", "replaced_by"] * with_status
    property_types = _property_types(concepts)
    header += [
        PROPERTY_PREFIX + code + ("" if kind == "string" else f":{kind}")
        for code, kind in property_types.items()
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\n")
    writer.writerow(header)
    for concept in concepts:
        row = [concept.code, concept.display, _join(concept.parents, concept.code)]
        if with_level:
            row.append("" if concept.level is None else str(concept.level))
        if with_synonyms:
            row.append(_join(concept.synonyms, concept.code))
        if with_status:
            row += [concept.status.value, _join(concept.replaced_by, concept.code)]
        current = _current_values(concept.properties)
        row += [_format(current[code]) if code in current else "" for code in property_types]
        writer.writerow(row)
    return (b"\xef\xbb\xbf" if excel else b"") + buffer.getvalue().encode("utf-8")


def _delimiter(text: str) -> str:
    # The header names never contain a separator, so the most frequent candidate wins.
    first_line = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first_line.count)


def _layout(header: Sequence[str]) -> _Layout:
    names = [cell.strip() for cell in header]
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    for column in names:
        if column and column.lower() in seen:
            problems.append(ImportProblem("ligne 1", None, f"colonne « {column} » en double"))
        seen.add(column.lower())
    lowered = [column.lower() for column in names]
    if "code" not in lowered:
        problems.append(ImportProblem("ligne 1", None, "colonne « code » manquante"))
    if "display" in lowered and "label" in lowered:
        problems.append(
            ImportProblem("ligne 1", None, "colonnes « display » et « label » : une seule attendue")
        )
    elif "display" not in lowered and "label" not in lowered:
        problems.append(
            ImportProblem("ligne 1", None, "colonne « display » (ou « label ») manquante")
        )
    if problems:
        raise ImportRejected(problems)
    display = "display" if "display" in lowered else "label"
    layout = _Layout(width=len(names), code=lowered.index("code"), display=lowered.index(display))
    for index, (column, key) in enumerate(zip(names, lowered, strict=True)):
        if key in _PARENT_COLUMNS:
            layout.parents.append(index)
        elif key in _KNOWN - {"code", "display", "label"}:
            setattr(layout, key, index)
        elif key in _KNOWN or not column:
            continue  # code and display are placed above; a nameless column is spreadsheet noise
        elif key.startswith(PROPERTY_PREFIX):
            code, _, kind = column[len(PROPERTY_PREFIX) :].rpartition(":")
            if kind.lower() in _PARSERS and code:
                layout.properties.append(_PropertyColumn(index, code, kind.lower()))
            else:
                layout.properties.append(_PropertyColumn(index, column[len(PROPERTY_PREFIX) :]))
        else:
            layout.properties.append(_PropertyColumn(index, column))
    return layout


def _concept(
    row: Sequence[str], layout: _Layout, where: str, problems: list[ImportProblem]
) -> ConceptData:
    """One row as a concept; a bad cell adds a problem but still yields the concept, so the
    checks that follow (duplicates, parents) see every code and report no false "introuvable"."""
    cells = [cell.strip() for cell in row]
    code = cells[layout.code]

    def problem(message: str) -> None:
        problems.append(ImportProblem(where, code or None, message))

    parents: list[str] = []
    for index in layout.parents:
        parents += [p for p in _split(cells[index]) if p not in parents]
    level: int | None = None
    if layout.level is not None and cells[layout.level]:
        try:
            level = int(cells[layout.level])
        except ValueError:
            problem(f"niveau {cells[layout.level]!r} invalide : entier attendu")
    status = ConceptStatus.ACTIVE
    if layout.status is not None and cells[layout.status]:
        found = _STATUSES.get(cells[layout.status].lower())
        if found is None:
            problem(f"statut {cells[layout.status]!r} inconnu : active ou deprecated attendu")
        else:
            status = found
    properties: list[Property] = []
    for column in layout.properties:
        text = cells[column.index]
        if not text:
            continue
        parse, expected = _PARSERS[column.type]
        try:
            properties.append(Property(column.code, parse(text)))
        except ValueError:
            problem(f"propriété {column.code!r} : {text!r} n'est pas un {expected}")
    return ConceptData(
        code=code,
        display=cells[layout.display],
        parents=tuple(parents),
        level=level,
        synonyms=_optional_split(cells, layout.synonyms),
        status=status,
        replaced_by=_optional_split(cells, layout.replaced_by),
        properties=tuple(properties),
        source_ref=where,
    )


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _optional_split(cells: Sequence[str], index: int | None) -> tuple[str, ...]:
    return () if index is None else tuple(_split(cells[index]))


def _join(values: Sequence[str], code: str) -> str:
    for value in values:
        if "|" in value:
            raise ValueError(f"{code!r} : {value!r} contient « | », non représentable en CSV")
    return SEPARATOR.join(values)


def _type_of(value: PropertyValue) -> str:
    # bool before int: True is an int in Python.
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "decimal"
    return "string"


def _property_types(concepts: Sequence[ConceptData]) -> dict[str, str]:
    """Property codes in first-seen order, each with its value type (string if mixed)."""
    types: dict[str, str] = {}
    for concept in concepts:
        for prop in concept.properties:
            kind = _type_of(prop.value)
            types[prop.code] = kind if types.get(prop.code, kind) == kind else "string"
    return types


def _current_values(properties: Sequence[Property]) -> dict[str, PropertyValue]:
    """One value per code: the one that starts last, CSV having no room for a history."""
    chosen: dict[str, Property] = {}
    for prop in properties:
        held = chosen.get(prop.code)
        if held is None or (prop.valid_from or date.min) >= (held.valid_from or date.min):
            chosen[prop.code] = prop
    return {code: prop.value for code, prop in chosen.items()}


def _format(value: PropertyValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)
