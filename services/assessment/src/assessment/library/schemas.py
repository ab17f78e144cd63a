"""API schemas of the sector library."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from assessment.domain.snapshot import MeasureSnapshot


class ProposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    naf_division: str = Field(pattern=r"^\d{2}$", examples=["10"])
    hazard_code: str = Field(min_length=1, max_length=40, examples=["CHI.POUSS"])
    situations: str = Field(default="", max_length=5000)
    damages: str = Field(default="", max_length=5000)
    measures: list[MeasureSnapshot] = Field(default_factory=list)


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    publish: bool = Field(description="true : publier ; false : refuser")
    note: str = Field(default="", max_length=2000)


class LibraryEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    naf_division: str
    hazard_code: str
    hazard_display: str
    situations: str
    damages: str
    measures: list[MeasureSnapshot]
    status: str
    proposed_by_tenant: str | None
