"""API schemas of the open DUERP (work units, risks, pénibilité, actions)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from assessment.domain.snapshot import (
    ActionSnapshot,
    ActionStatus,
    CompanySnapshot,
    MeasureKind,
    MeasureSnapshot,
    PenibiliteAnnexLine,
    RatingMethodView,
    WorkUnitKind,
    WorkUnitSnapshot,
)
from cosar_common.api.params import Count


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkUnitCreate(_In):
    kind: WorkUnitKind
    name: str = Field(min_length=1, max_length=200, examples=["Fournil"])
    description: str = Field(default="", max_length=5000)
    headcount: int = Field(ge=0, le=1_000_000)
    jobs: list[str] = Field(default_factory=list, description="Codes PCS-ESE", examples=[["637c"]])


class WorkUnitUpdate(_In):
    kind: WorkUnitKind | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    headcount: int | None = Field(default=None, ge=0, le=1_000_000)
    jobs: list[str] | None = None


class RiskCreate(_In):
    hazard_code: str = Field(min_length=1, max_length=40, examples=["PHY.BRUIT"])
    situations: str = Field(default="", max_length=5000)
    damages: str = Field(default="", max_length=5000)
    measures: list[MeasureSnapshot] = Field(default_factory=list)
    exposed_headcount: int | None = Field(default=None, ge=0, le=1_000_000)
    rating: dict[str, Count] = Field(
        description="Critères de la méthode de cotation",
        examples=[{"probability": 2, "gravity": 3}],
    )
    control_level: str | None = Field(
        default=None,
        description="Niveau de maîtrise ; par défaut déduit des mesures existantes",
        examples=["none"],
    )


class RiskUpdate(_In):
    situations: str | None = Field(default=None, max_length=5000)
    damages: str | None = Field(default=None, max_length=5000)
    measures: list[MeasureSnapshot] | None = None
    exposed_headcount: int | None = Field(default=None, ge=0, le=1_000_000)
    rating: dict[str, Count] | None = None
    control_level: str | None = None
    reason: str = Field(default="", max_length=2000, description="Motif de la nouvelle cotation")


class PenibiliteIn(_In):
    factor_code: str = Field(min_length=2, max_length=10, examples=["3a"])
    threshold_code: str | None = Field(
        default=None, max_length=20, description="Ligne de seuil C2P (ex. 3a, 2d.1)"
    )
    intensity: str = Field(default="", max_length=2000)
    intensity_reached: bool = False
    yearly_duration: Decimal | None = Field(default=None, ge=0, le=100_000)
    estimated: bool = False
    exposed_headcount: int = Field(default=0, ge=0, le=1_000_000)


class ActionCreate(_In):
    risk_id: uuid.UUID | None = None
    measure_kind: MeasureKind
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    responsible: str = Field(default="", max_length=200)
    deadline: date | None = Field(default=None, description="Par défaut : selon la priorité")
    cost_eur: Decimal | None = Field(default=None, ge=0, le=1_000_000_000)
    resources: str = Field(default="", max_length=5000)
    result_indicator: str = Field(default="", max_length=2000)


class ActionUpdate(_In):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    responsible: str | None = Field(default=None, max_length=200)
    deadline: date | None = None
    cost_eur: Decimal | None = Field(default=None, ge=0, le=1_000_000_000)
    resources: str | None = Field(default=None, max_length=5000)
    result_indicator: str | None = Field(default=None, max_length=2000)
    status: ActionStatus | None = None
    status_reason: str | None = Field(default=None, max_length=2000)
    done_on: date | None = None


class CodeWarning(BaseModel):
    entity: str
    entity_id: uuid.UUID
    code_system: str
    code: str
    replaced_by: list[str]
    thesaurus_version: str
    message: str


class DuerpView(BaseModel):
    """The open DUERP as its writers see it; ``lock_version`` goes back in ``If-Match``."""

    company: CompanySnapshot
    lock_version: int
    updated_at: datetime
    method: RatingMethodView
    work_units: list[WorkUnitSnapshot]
    actions: list[ActionSnapshot]
    penibilite_annex: list[PenibiliteAnnexLine]
    warnings: list[CodeWarning]
    last_version: int | None
    last_published_at: datetime | None
    to_update: bool = Field(description="Aucune version publiée depuis plus de 12 mois")
    unchanged_since_last_version: bool = Field(
        default=False,
        description="Rien n'a changé depuis la dernière version : la publier à l'identique "
        "demande une confirmation (confirm_unchanged)",
    )


class RatingChange(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    changed_by: str
    changed_at: datetime
    before: dict[str, object] | None
    after: dict[str, object]
    reason: str


class ActionPlanView(BaseModel):
    """PAPRIPACT for 50 employees or more (L4121-3-1), a list of actions below."""

    kind: str
    title: str
    actions: list[ActionSnapshot]
    overdue: list[ActionSnapshot]
    total_cost_eur: Decimal
