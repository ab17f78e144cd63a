"""What changed between two versions of a code system (pure; no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConceptState:
    code: str
    display: str
    parent_code: str | None = None
    status: str = "active"
    replaced_by: tuple[str, ...] = ()


@dataclass
class Diff:
    added: list[ConceptState] = field(default_factory=list)
    changed: list[ConceptState] = field(default_factory=list)
    deprecated: list[ConceptState] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.deprecated)


def diff_versions(previous: Iterable[ConceptState], current: Iterable[ConceptState]) -> Diff:
    """Concepts added, changed (display or parent) and newly deprecated, sorted by code.

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
            result.added.append(new)
        elif new.status == "deprecated" and old.status != "deprecated":
            result.deprecated.append(new)
        elif (new.display, new.parent_code) != (old.display, old.parent_code):
            result.changed.append(new)
    for code in sorted(set(before) - set(after)):
        result.deprecated.append(
            ConceptState(code=code, display=before[code].display, status="deprecated")
        )
    return result
