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


class VersionDiff(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    added: list[ConceptRef] = Field(default_factory=list)
    changed: list[ConceptRef] = Field(default_factory=list)
    deprecated: list[DeprecatedConcept] = Field(default_factory=list)


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
