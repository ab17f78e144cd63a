"""The published DUERP as one document: what a version freezes, hashes, exports and diffs.

A snapshot is plain data (pydantic, frozen) built by the service layer from the open DUERP at
publication time. Everything a reader needs to understand the scores travels with it — the
rating method included — so a version read in forty years says how it was made without any
other table. Its canonical JSON (``domain.chain``) is what is hashed and chained.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from cosar_common.api.params import INT4_MAX

SNAPSHOT_SCHEMA_VERSION = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WorkUnitKind(StrEnum):
    """Seed 003: transverse (everyone: fire, common areas), by trade, geographic."""

    TRANSVERSE = "transverse"
    TRADE = "trade"
    GEOGRAPHIC = "geographic"


class MeasureKind(StrEnum):
    """Existing prevention measures, from the most to the least effective (seed 003)."""

    INTRINSIC = "intrinsic"  # hazard removed at the source
    COLLECTIVE = "collective"  # collective protection
    INDIVIDUAL = "individual"  # personal protective equipment
    INSTRUCTIONS = "instructions"  # instructions only


class Priority(StrEnum):
    """The platform's common priority scale; every rating method maps its bands onto it."""

    LOW = "low"
    MODERATE = "moderate"
    IMPORTANT = "important"
    MAJOR = "major"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ABANDONED = "abandoned"


class CodedValue(_Frozen):
    """A code of the regional thesaurus with the label it had when it was stored."""

    system: str
    code: str
    display: str


class MethodBand(_Frozen):
    """Scores in [min_score, max_score) (max None: no upper bound) get ``priority``."""

    min_score: Decimal | None = None
    max_score: Decimal | None = None
    priority: Priority
    label: str
    # int4 at most (the actions' deadline_months column); the real bound is a rule of the
    # method's bands (rating.MAX_DEADLINE_MONTHS), checked on input only.
    deadline_months: int | None = Field(default=None, le=INT4_MAX)


class MethodCriterion(_Frozen):
    """One input of a method (e.g. probability) and the values it may take, with labels."""

    key: str
    label: str
    levels: dict[str, str] = Field(description="value (as text) → French label")


class RatingMethodSnapshot(_Frozen):
    key: str
    label: str
    formula: str
    criteria: list[MethodCriterion]
    weighting: dict[str, Decimal] = Field(
        default_factory=dict, description="control level → weighting (empty: no weighting)"
    )
    weighting_labels: dict[str, str] = Field(default_factory=dict)
    bands: list[MethodBand]


class MeasureControl(_Frozen):
    """One step of a method's deduction of the control level from the existing measures."""

    measure_kind: MeasureKind
    control_level: str


class RatingMethodView(RatingMethodSnapshot):
    """The method as its writers read it with the open DUERP and in the settings: the stored
    snapshot, plus how the method deduces a control level from the measures (so that a form
    can say which level the measures will give before saving). Never stored in a version."""

    measure_control: list[MeasureControl] = Field(
        default_factory=list,
        description="Niveau de maîtrise déduit des mesures existantes : la première ligne dont "
        "le type de mesure est présent le donne, la dernière vaut aussi sans aucune mesure ; "
        "des plus efficaces aux moins efficaces (vide : la méthode ne déduit pas de niveau)",
    )


class RatingSnapshot(_Frozen):
    method: str = Field(default="", description="key of the rating method that made it")
    inputs: dict[str, int] = Field(description="criterion key → level, e.g. probability: 2")
    control_level: str | None = None
    raw_score: Decimal
    residual_score: Decimal
    raw_priority: Priority
    priority: Priority = Field(description="priority of the residual score")
    deadline_months: int | None = None


class MeasureSnapshot(_Frozen):
    kind: MeasureKind
    description: str


class RiskSnapshot(_Frozen):
    id: uuid.UUID
    hazard: CodedValue
    situations: str
    damages: str
    measures: list[MeasureSnapshot]
    exposed_headcount: int | None = None
    rating: RatingSnapshot
    needs_rerating: bool = False


class PenibiliteExposureSnapshot(_Frozen):
    """One pénibilité factor in one work unit, evaluated against the thresholds of the year."""

    factor: CodedValue
    threshold_code: str | None = Field(
        default=None,
        description="c2p-seuils code (e.g. 3a, 2d.1); none for the 4 factors "
        "without a C2P threshold since 2017",
    )
    intensity: str = ""
    intensity_reached: bool = False
    yearly_duration: Decimal | None = None
    duration_unit: str | None = None
    threshold_value: Decimal | None = None
    estimated: bool = False
    exposed_headcount: int = 0
    above_threshold: bool = False


class WorkUnitSnapshot(_Frozen):
    id: uuid.UUID
    kind: WorkUnitKind
    name: str
    description: str = ""
    headcount: int
    jobs: list[CodedValue] = Field(default_factory=list, description="PCS-ESE professions")
    risks: list[RiskSnapshot] = Field(default_factory=list)
    penibilite: list[PenibiliteExposureSnapshot] = Field(default_factory=list)


class ActionSnapshot(_Frozen):
    id: uuid.UUID
    risk_id: uuid.UUID | None = None
    measure_kind: MeasureKind
    title: str
    description: str = ""
    responsible: str = ""
    deadline: date | None = None
    cost_eur: Decimal | None = None
    resources: str = ""
    result_indicator: str = ""
    status: ActionStatus
    status_reason: str = ""
    done_on: date | None = None


class PenibiliteAnnexLine(_Frozen):
    """Annex of R4121-1-1: employees exposed above the C2P thresholds, per factor."""

    factor: CodedValue
    has_c2p_threshold: bool
    exposed_above_threshold: int
    proportion: Decimal = Field(description="exposed / company headcount, 0..1, 4 decimals")


class CompanySnapshot(_Frozen):
    id: uuid.UUID
    name: str
    siret: str
    address: str = ""
    naf: CodedValue
    headcount: int
    has_cse: bool


class DuerpSnapshot(_Frozen):
    """A published version of a company's DUERP, whole."""

    schema_version: int = SNAPSHOT_SCHEMA_VERSION
    tenant_id: str
    company: CompanySnapshot
    number: int = Field(ge=1)
    published_at: datetime
    published_by: str
    assessed_year: int
    method: RatingMethodSnapshot
    work_units: list[WorkUnitSnapshot]
    actions: list[ActionSnapshot]
    penibilite_annex: list[PenibiliteAnnexLine]
    previous_hash: str | None = None
