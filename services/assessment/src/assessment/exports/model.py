"""What the exports read, and how its figures and codes read in French.

The exports take a published version (``DuerpSnapshot``) with its hash and the history of the
versions before it. Everything shown to a reader is formatted here once, so the PDF and the
spreadsheets say the same thing the same way: decimal comma, thousands separated by a narrow
no-break space, dates as 25/11/2026 in Paris time, labels in French.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assessment.domain.snapshot import (
    ActionSnapshot,
    ActionStatus,
    DuerpSnapshot,
    MeasureKind,
    MethodBand,
    MethodCriterion,
    Priority,
    RatingMethodSnapshot,
    RiskSnapshot,
    WorkUnitKind,
    WorkUnitSnapshot,
)
from cosar_common.clock import fr_date

_SHA256_HEX = r"^[0-9a-f]{64}$"

NNBSP = "\u202f"  # narrow no-break space: thousands separator and before « % » or « € »
DASH = "—"


class VersionHistoryEntry(BaseModel):
    """One published version of the same DUERP, as listed in the « Historique » of an export."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1)
    published_at: datetime
    published_by: str = Field(description="login of the publisher, kept for audit")
    published_by_name: str | None = Field(
        default=None, description="full name of the publisher (none for older versions)"
    )
    hash: str = Field(pattern=_SHA256_HEX, description="SHA-256 (hex) of that version")

    @property
    def publisher(self) -> str:
        """Who published, as printed: the full name, or the login when none was kept."""
        return self.published_by_name or self.published_by


class ConsultationEntry(BaseModel):
    """The CSE's consultation on the exported version (L2312-27), recorded after it was
    published: printed beside the sealed content, never part of it (the hash stays the same)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consulted_on: date
    opinion: Literal["favourable", "unfavourable", "reserved"]
    proposals: str = ""
    recorded_by: str = Field(description="login of who recorded it, kept for audit")
    recorded_by_name: str | None = Field(
        default=None, description="full name of who recorded it (none for older records)"
    )
    recorded_at: datetime

    @property
    def recorder(self) -> str:
        """Who recorded it, as printed: the full name, or the login when none was kept."""
        return self.recorded_by_name or self.recorded_by


class ExportInput(BaseModel):
    """A published version to export: the snapshot, its hash, every version up to it and the
    CSE's consultation on it (if recorded)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    snapshot: DuerpSnapshot
    hash: str = Field(pattern=_SHA256_HEX, description="SHA-256 (hex) of this version")
    history: list[VersionHistoryEntry]
    tenant_name: str = Field(
        description="name of the SPSTI (occupational health service) exporting; its id only "
        "when no name is known"
    )
    consultation: ConsultationEntry | None = None

    @property
    def publisher(self) -> str:
        """Who published this version, as printed (its history entry: the last one)."""
        return self.history[-1].publisher

    @model_validator(mode="after")
    def _history_ends_with_this_version(self) -> ExportInput:
        numbers = [entry.number for entry in self.history]
        if numbers != sorted(set(numbers)):
            raise ValueError("history must list versions once each, by increasing number")
        last = self.history[-1] if self.history else None
        if last is None or last.number != self.snapshot.number or last.hash != self.hash:
            raise ValueError("history must end with the exported version and its hash")
        return self


# --- Labels -------------------------------------------------------------------------------

WORK_UNIT_KIND_FR = {
    WorkUnitKind.TRANSVERSE: "Transverse",
    WorkUnitKind.TRADE: "Par métier",
    WorkUnitKind.GEOGRAPHIC: "Géographique",
}
MEASURE_KIND_FR = {
    MeasureKind.INTRINSIC: "Prévention intrinsèque",
    MeasureKind.COLLECTIVE: "Protection collective",
    MeasureKind.INDIVIDUAL: "Protection individuelle (EPI)",
    MeasureKind.INSTRUCTIONS: "Consignes",
}
ACTION_STATUS_FR = {
    ActionStatus.PLANNED: "Prévue",
    ActionStatus.IN_PROGRESS: "En cours",
    ActionStatus.DONE: "Réalisée",
    ActionStatus.ABANDONED: "Abandonnée",
}
OPINION_FR = {
    "favourable": "Avis favorable",
    "unfavourable": "Avis défavorable",
    "reserved": "Avis assorti de réserves",
}
#: Used only when the method has no band for a priority (every method maps onto this scale).
PRIORITY_FR = {
    Priority.MAJOR: "Majeure",
    Priority.IMPORTANT: "Importante",
    Priority.MODERATE: "Modérée",
    Priority.LOW: "Faible",
}
PRIORITY_ORDER = (Priority.MAJOR, Priority.IMPORTANT, Priority.MODERATE, Priority.LOW)
#: Band colours (fill) shared by the PDF and the spreadsheets; text stays black on all four
#: but major, which is written in white.
PRIORITY_FILL = {
    Priority.MAJOR: "C62828",
    Priority.IMPORTANT: "F57C00",
    Priority.MODERATE: "FBC02D",
    Priority.LOW: "66BB6A",
}


def priority_label(method: RatingMethodSnapshot, priority: Priority) -> str:
    """The method's own label for a priority (« Modérée »), as the method stated it."""
    for band in method.bands:
        if band.priority == priority:
            return band.label
    return PRIORITY_FR[priority]


def control_label(method: RatingMethodSnapshot, control_level: str | None) -> str:
    """« Partiellement maîtrisé (× 0,5) »; a dash when the method has no weighting."""
    if control_level is None:
        return DASH
    label = method.weighting_labels.get(control_level, control_level)
    weight = method.weighting.get(control_level)
    return label if weight is None else f"{label} (×\u00a0{fr_number(weight)})"


def criterion_abbreviation(criterion: MethodCriterion) -> str:
    """Column heading of a criterion in the risk table: P for « Probabilité », G for « Gravité »."""
    return criterion.label[:1].upper() or criterion.key[:1].upper()


def band_range(band: MethodBand) -> str:
    """« < 4 », « ≥ 4 et < 8 », « ≥ 12 »."""
    low = None if band.min_score is None else f"≥ {fr_number(band.min_score)}"
    high = None if band.max_score is None else f"< {fr_number(band.max_score)}"
    return " et ".join(part for part in (low, high) if part) or "toutes valeurs"


def risks_by_priority(snapshot: DuerpSnapshot) -> list[tuple[WorkUnitSnapshot, RiskSnapshot]]:
    """Every risk with its work unit: major, important, moderate, low; then residual score
    descending. Ties keep the document's order (work units, then risks), so the order is stable."""
    pairs = [(unit, risk) for unit in snapshot.work_units for risk in unit.risks]
    return sorted(
        pairs,
        key=lambda pair: (
            PRIORITY_ORDER.index(pair[1].rating.priority),
            -pair[1].rating.residual_score,
        ),
    )


def risk_caption(snap: DuerpSnapshot, risk_id: uuid.UUID | None) -> str:
    """« Fournil — Travail de nuit », the risk an action answers (a dash if none)."""
    for unit in snap.work_units:
        for risk in unit.risks:
            if risk.id == risk_id:
                return f"{unit.name} — {risk.hazard.display}"
    return DASH


def consultation_summary(data: ExportInput) -> str:
    """« Avis favorable du 14/02/2027 », « Non enregistrée », or « Sans objet (pas de CSE) »."""
    consultation = data.consultation
    if consultation is not None:
        return f"{OPINION_FR[consultation.opinion]} du {fr_date(consultation.consulted_on)}"
    return "Non enregistrée" if data.snapshot.company.has_cse else "Sans objet (pas de CSE)"


def action_status(action: ActionSnapshot) -> str:
    """« Réalisée le 15/06/2026 », « Abandonnée (motif : …) », « Prévue »."""
    status = ACTION_STATUS_FR[action.status]
    if action.status == ActionStatus.DONE and action.done_on is not None:
        return f"{status} le {fr_date(action.done_on)}"
    if action.status == ActionStatus.ABANDONED and action.status_reason:
        return f"{status} (motif : {action.status_reason})"
    return status


# --- Numbers and dates --------------------------------------------------------------------


def fr_number(value: Decimal | int | float, *, decimals: int = 2, fixed: bool = False) -> str:
    """French number: « 2,1 », « 12 », « 1 250,5 » (trailing zeros dropped unless ``fixed``)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", ""}:
        text = "0"
    return text.replace(",", NNBSP).replace(".", ",")


def fr_percent(proportion: Decimal) -> str:
    """0.3333 → « 33,3 % »."""
    return f"{fr_number(proportion * 100, decimals=1)}{NNBSP}%"


def fr_money(amount: Decimal) -> str:
    """« 1 800 € », « 1 250,50 € » (cents shown only when there are some)."""
    cents = amount != amount.to_integral_value()
    return f"{fr_number(amount, decimals=2, fixed=cents)}{NNBSP}€"


def fr_months(months: int | None) -> str:
    return DASH if months is None else f"{months} mois"
