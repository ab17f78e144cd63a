"""API schemas of establishments."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict


class EstablishmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company_id: uuid.UUID


class Establishment(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    company_id: uuid.UUID
    name: str
    siret: str
    naf_code: str
