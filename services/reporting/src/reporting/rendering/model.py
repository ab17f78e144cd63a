"""What the renderers read: one revision of a report, its computed figures and its status.

The figures are computed by the domain (``compute_report``) before rendering; the renderers
only lay them out, formatted by ``domain.presentation``. The identity printed (name, SIRET,
NAF code) is the establishment record's, given here; the address comes from the input.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, model_validator

from cosar_common.clock import as_utc, fr_date
from reporting.domain.report import ReportInput
from reporting.domain.report_figures import ReportFigures

_SHA256_HEX = r"^[0-9a-f]{64}$"
HASH_PREFIX_LENGTH = 12


class ReportStatus(StrEnum):
    """A revision is a draft until it is finalised (then immutable and hashed)."""

    DRAFT = "draft"
    FINALISED = "finalised"

    @property
    def label(self) -> str:
        """The French word the report prints."""
        return "Brouillon" if self is ReportStatus.DRAFT else "Finalisé"


class RenderInput(BaseModel):
    """One revision of an establishment's annual report, ready to be rendered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    report: ReportInput
    figures: InstanceOf[ReportFigures] = Field(
        description="compute_report(report, ...): the year and the two previous years"
    )
    establishment_name: str = Field(min_length=1, max_length=200)
    siret: str | None = Field(default=None, pattern=r"^\d{14}$")
    naf_code: str | None = Field(default=None, pattern=r"^\d{2}\.?\d{2}[A-Z]$")
    revision: int = Field(ge=1)
    status: ReportStatus
    finalised_at: datetime | None = None
    content_hash: str | None = Field(default=None, pattern=_SHA256_HEX)
    tenant_name: str = Field(min_length=1, max_length=200, description="the SPSTI")

    @model_validator(mode="after")
    def _consistent(self) -> RenderInput:
        if self.figures.year != self.report.year:
            raise ValueError("figures were computed for another year than the report's")
        finalised = self.status is ReportStatus.FINALISED
        if finalised and (self.finalised_at is None or self.content_hash is None):
            raise ValueError("a finalised revision has a finalisation date and a hash")
        if not finalised and (self.finalised_at is not None or self.content_hash is not None):
            raise ValueError("a draft has neither a finalisation date nor a hash")
        return self

    @property
    def finalised(self) -> bool:
        """Whether the revision is finalised."""
        return self.status is ReportStatus.FINALISED

    @property
    def document_instant(self) -> datetime | None:
        """The date written in the files' metadata: the finalisation instant (UTC), or none."""
        return None if self.finalised_at is None else as_utc(self.finalised_at)

    @property
    def status_text(self) -> str:
        """« Brouillon » or « Finalisé le 14/02/2025 »."""
        if self.finalised_at is None:
            return self.status.label
        return f"{self.status.label} le {fr_date(self.finalised_at)}"

    @property
    def hash_prefix(self) -> str | None:
        """The first characters of the hash, as the footer prints them."""
        return None if self.content_hash is None else self.content_hash[:HASH_PREFIX_LENGTH]
