"""API schemas of indicators."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class IndicatorOut(BaseModel):
    code: str
    label: str
    definition: str = Field(description="Numérateur / dénominateur × facteur, en clair")
    unit: str
    factor: float
    breakdowns: list[str]
    filters: list[str]
    minimum_denominator: float | None = None


class CellOut(BaseModel):
    """A cell; a secret one is marked « secret statistique » (never 0, never left out)."""

    group: str | None = Field(description="Code de la ventilation ; null pour l'ensemble")
    tenant: str | None = None
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str = Field(description="published, secret ou small-denominator")
    note: str | None = None


class PositionOut(BaseModel):
    group: str | None
    tenant_value: float | None
    region_value: float | None
    region_status: str


class ReleaseOut(BaseModel):
    """A release: what was published, when, on data arrested at which date."""

    id: str
    year: int
    number: int = Field(description="Numéro de la diffusion dans l'année (1, 2…)")
    created_at: datetime
    reference_date: date = Field(description="Données arrêtées au")
    made_by: str
    naf_version: str


class ReleaseDetail(ReleaseOut):
    parameters: dict[str, Any]
    audit: dict[str, Any]
    loss: dict[str, Any] = Field(description="Part des cellules et de la valeur masquées")


class IndicatorResult(BaseModel):
    indicator: IndicatorOut
    release: ReleaseOut | None = None
    note: str | None = None
    scope: str
    year: int
    breakdown: str
    filters: dict[str, str]
    cells: list[CellOut]
    by_tenant: list[CellOut] = Field(default_factory=list)
    position: list[PositionOut] = Field(default_factory=list)
