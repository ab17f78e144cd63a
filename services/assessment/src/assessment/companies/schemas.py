"""API schemas of companies."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class CompanyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300, examples=["Boulangerie du Vieux-Port"])
    siret: str = Field(min_length=14, max_length=20, examples=["81234560100015"])
    naf_code: str = Field(pattern=r"^\d{2}\.\d{2}[A-Z]$", examples=["10.71C"])
    headcount: int = Field(ge=0, le=1_000_000)
    has_cse: bool = False


class Company(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    tenant_id: str
    name: str
    siret: str
    siren: str
    naf_code: str
    headcount: int
    has_cse: bool
