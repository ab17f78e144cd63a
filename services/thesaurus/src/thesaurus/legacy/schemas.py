"""API schemas of a tenant's legacy (local) code systems and their mappings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from thesaurus.conceptmaps.models import Relationship


class MappingTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(
        default=None, max_length=100, description="Code partagé ; absent si not-related-to"
    )
    relationship: Relationship
    comment: str | None = None


class MappingPut(BaseModel):
    """The whole mapping of one local code towards one shared system (replaces the previous)."""

    model_config = ConfigDict(extra="forbid")

    target_system: str = Field(description="Nom ou URL canonique du système partagé")
    targets: list[MappingTarget] = Field(min_length=1)


class Mapping(BaseModel):
    source_code: str
    source_display: str
    target_system: str
    targets: list[MappingTarget]


class Suggestion(BaseModel):
    code: str
    display: str
    score: float = Field(description="Similarité des libellés, de 0 à 1")


class Coverage(BaseModel):
    code_system: str
    target_system: str
    total: int
    mapped: int
    percent_mapped: float
    by_relationship: dict[str, int]
    unmapped: list[str]
