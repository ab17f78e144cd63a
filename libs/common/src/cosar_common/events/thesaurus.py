"""Events of the thesaurus family (topic ``thesaurus.events``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from cosar_common.events.envelope import EventPayload
from cosar_common.events.topics import THESAURUS_EVENTS


class ConceptRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    display: str


class DeprecatedConcept(ConceptRef):
    replaced_by: list[str] = Field(
        default_factory=list, description="Replacement codes; empty means 'no replacement'"
    )


# An event stays well under Kafka's default 1 MB message limit: a first version of CIM-10
# adds 42,730 concepts. Deprecations are always complete (consumers act on them); added and
# changed concepts beyond this many are counted, and read from the thesaurus API if needed.
DIFF_LIST_LIMIT = 1000


class VersionDiff(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    added: list[ConceptRef] = Field(default_factory=list)
    changed: list[ConceptRef] = Field(default_factory=list)
    deprecated: list[DeprecatedConcept] = Field(default_factory=list)
    added_count: int = Field(default=0, ge=0)
    changed_count: int = Field(default=0, ge=0)
    deprecated_count: int = Field(default=0, ge=0)
    truncated: bool = Field(
        default=False, description="True when 'added' or 'changed' lists only the first entries"
    )


class VersionPublished(EventPayload):
    """A shared code-system version was published (immutable from now on).

    ``previous_version`` is the version the diff is computed against (none for a first version).
    """

    event_type: ClassVar[str] = "thesaurus.version-published"
    schema_version: ClassVar[int] = 1
    topic: ClassVar[str] = THESAURUS_EVENTS

    code_system: str = Field(description="CodeSystem name, e.g. 'naf-rev2'")
    code_system_url: str
    version: str
    previous_version: str | None = None
    concept_count: int = Field(ge=0)
    diff: VersionDiff = Field(default_factory=VersionDiff)
