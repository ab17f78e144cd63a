"""API schemas of annual reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cosar_common.integrity import ChainReport
from reporting.reports.figures import FiguresView


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: dict[str, Any] = Field(
        description="Le bilan (parties I à IV), au format ReportInput ; l'année en fait partie"
    )


class ReportSummary(BaseModel):
    id: uuid.UUID
    establishment_id: uuid.UUID
    year: int
    revision: int
    status: str
    lock_version: int
    hash: str | None = None
    previous_hash: str | None = None
    finalised_at: datetime | None = None


class ReportView(ReportSummary):
    input: dict[str, Any]
    figures: FiguresView


class YearChain(BaseModel):
    """The hash chain of one establishment's finalised revisions for one year."""

    year: int
    head: str | None = Field(
        default=None, description="empreinte de la dernière révision finalisée (tête de chaîne)"
    )
    chain: ChainReport
