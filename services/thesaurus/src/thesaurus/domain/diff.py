"""What changed between two versions of a code system (pure; no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from thesaurus.domain.model import ConceptData, ConceptStatus


@dataclass(frozen=True)
class Change:
    code: str
    before: ConceptData | None
    after: ConceptData


@dataclass
class Diff:
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    deprecated: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.deprecated)


def _comparable(concept: ConceptData) -> ConceptData:
    return replace(concept, source_ref=None, status=ConceptStatus.ACTIVE, replaced_by=())


def diff_versions(previous: Iterable[ConceptData], current: Iterable[ConceptData]) -> Diff:
    """Concepts added, changed (anything but their status) and newly deprecated, by code.

    A concept is never deleted from a code system (it is deprecated instead), so a concept of
    ``previous`` absent from ``current`` is reported as deprecated without replacement.
    """
    before = {c.code: c for c in previous}
    after = {c.code: c for c in current}
    result = Diff()
    for code in sorted(after):
        new = after[code]
        old = before.get(code)
        if old is None:
            result.added.append(Change(code, None, new))
        elif new.status == ConceptStatus.DEPRECATED and old.status != ConceptStatus.DEPRECATED:
            result.deprecated.append(Change(code, old, new))
        elif _comparable(new) != _comparable(old):
            result.changed.append(Change(code, old, new))
    for code in sorted(set(before) - set(after)):
        gone = replace(before[code], status=ConceptStatus.DEPRECATED, replaced_by=())
        result.deprecated.append(Change(code, before[code], gone))
    return result
