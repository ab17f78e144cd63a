"""A code system as plain data: what imports produce, exports consume and the loader writes.

No I/O here. Formats (CSV, FHIR JSON, SKOS) translate to and from these classes; the database
layer persists them. ``validate`` checks what every import must satisfy before anything is
written: unique codes, known parents, no cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

PropertyValue = str | int | float | bool


class ConceptStatus(StrEnum):
    ACTIVE = "active"
    DEPRECATED = "deprecated"


@dataclass(frozen=True)
class Property:
    """A property of a concept, optionally in force only between two dates (inclusive)."""

    code: str
    value: PropertyValue
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force(self, on: date | None) -> bool:
        if on is None:
            return True
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@dataclass(frozen=True)
class ConceptData:
    code: str
    display: str
    parents: tuple[str, ...] = ()
    level: int | None = None
    synonyms: tuple[str, ...] = ()
    status: ConceptStatus = ConceptStatus.ACTIVE
    replaced_by: tuple[str, ...] = ()
    properties: tuple[Property, ...] = ()
    # Where the concept came from in an imported file (line number, JSON path, IRI), for errors.
    source_ref: str | None = field(default=None, compare=False)


@dataclass
class CodeSystemData:
    name: str
    url: str
    title: str
    version: str
    description: str | None = None
    publisher: str | None = None
    source: str | None = None
    licence: str | None = None
    concepts: list[ConceptData] = field(default_factory=list)


@dataclass(frozen=True)
class ImportProblem:
    """One reason an import is refused, with where it is in the file."""

    where: str
    code: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.where} : {self.message}"


def find_cycles(edges: dict[str, Sequence[str]]) -> list[list[str]]:
    """Cycles in a child → parents graph (iterative DFS; each cycle reported once)."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(edges, white)
    cycles: list[list[str]] = []
    for root in edges:
        if colour[root] != white:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                colour[node] = grey
                path.append(node)
            parents = [p for p in edges.get(node, ()) if p in edges]
            if index < len(parents):
                stack.append((node, index + 1))
                parent = parents[index]
                if colour[parent] == grey:
                    cycles.append([*path[path.index(parent) :], parent])
                elif colour[parent] == white:
                    stack.append((parent, 0))
            else:
                colour[node] = black
                path.pop()
    return cycles


def validate(concepts: Iterable[ConceptData]) -> list[ImportProblem]:
    """Everything that makes a set of concepts unloadable, in file order."""
    problems: list[ImportProblem] = []
    seen: dict[str, ConceptData] = {}
    items = list(concepts)
    for concept in items:
        where = concept.source_ref or concept.code
        if not concept.code.strip():
            problems.append(ImportProblem(where, None, "code vide"))
        elif concept.code in seen:
            first = seen[concept.code].source_ref or "plus haut"
            problems.append(
                ImportProblem(where, concept.code, f"code {concept.code!r} en double ({first})")
            )
        else:
            seen[concept.code] = concept
        if not concept.display.strip():
            problems.append(ImportProblem(where, concept.code, "libellé vide"))
    for concept in items:
        for parent in concept.parents:
            if parent not in seen:
                problems.append(
                    ImportProblem(
                        concept.source_ref or concept.code,
                        concept.code,
                        f"parent {parent!r} introuvable",
                    )
                )
        for replacement in concept.replaced_by:
            if replacement not in seen:
                problems.append(
                    ImportProblem(
                        concept.source_ref or concept.code,
                        concept.code,
                        f"remplaçant {replacement!r} introuvable",
                    )
                )
    for cycle in find_cycles({c.code: c.parents for c in seen.values()}):
        where = seen[cycle[0]].source_ref or cycle[0]
        problems.append(ImportProblem(where, cycle[0], "cycle : " + " → ".join(cycle)))
    return problems
