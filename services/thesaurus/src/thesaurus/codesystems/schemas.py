"""API schemas of code systems (``XCreate`` to write, ``X`` to read)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ConceptCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=100)
    display: str = Field(min_length=1)
    parent_code: str | None = Field(default=None, max_length=100)


class VersionCreate(BaseModel):
    """A new draft version of a code system (created with the system if it is new)."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1, max_length=50, examples=["1"])
    url: str = Field(min_length=1, max_length=500, examples=["https://cosar.example/cs/naf-rev2"])
    title: str = Field(min_length=1, max_length=300, examples=["NAF rév. 2"])
    concepts: list[ConceptCreate] = Field(default_factory=list)


class Concept(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    display: str
    parent_code: str | None
    status: str


class Version(BaseModel):
    code_system: str
    url: str
    title: str
    version: str
    status: str
    concept_count: int
    created_at: datetime
    published_at: datetime | None
