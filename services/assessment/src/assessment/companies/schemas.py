"""API schemas of companies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class CompanyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300, examples=["Boulangerie du Vieux-Port"])
    siret: str = Field(min_length=14, max_length=20, examples=["81234560100015"])
    address: str = Field(default="", max_length=500)
    naf_code: str = Field(pattern=r"^\d{2}\.\d{2}[A-Z]$", examples=["10.71C"])
    headcount: int = Field(ge=0, le=1_000_000)
    has_cse: bool = False


class CompanyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=300)
    address: str | None = Field(default=None, max_length=500)
    naf_code: str | None = Field(default=None, pattern=r"^\d{2}\.\d{2}[A-Z]$")
    headcount: int | None = Field(default=None, ge=0, le=1_000_000)
    has_cse: bool | None = None


class Company(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    tenant_id: str
    name: str
    siret: str
    siren: str
    address: str
    naf_code: str
    headcount: int
    has_cse: bool


class CompanyToUpdate(BaseModel):
    """A member company whose DUERP has no version younger than 12 months."""

    id: uuid.UUID
    name: str
    last_version: int | None
    last_published_at: datetime | None
