"""API schemas of published versions and CSE consultations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Opinion = Literal["favourable", "unfavourable", "reserved"]


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(
        default=None, ge=2000, le=2200, description="Année évaluée (par défaut : l'année en cours)"
    )
    confirm_unchanged: bool = Field(
        default=False,
        description="Publier même si rien n'a changé depuis la dernière version (revue annuelle "
        "sans changement, confirmée par l'employeur) ; sinon la publication est refusée (409, "
        "code « unchanged »)",
    )


class CseConsultationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consulted_on: date
    opinion: Opinion = Field(description="favourable, unfavourable (défavorable) ou reserved")
    proposals: str = Field(default="", max_length=20_000)


class CseConsultation(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    consulted_on: date
    opinion: Opinion
    proposals: str
    recorded_by: str = Field(description="login of who recorded it (audit)")
    recorded_by_name: str | None = Field(
        default=None, description="full name of who recorded it (none before it was kept)"
    )
    recorded_at: datetime


class VersionSummary(BaseModel):
    number: int
    published_at: datetime
    published_by: str = Field(description="login of the publisher (audit)")
    published_by_name: str | None = Field(
        default=None,
        description="full name of the publisher, as the documents print it (none for versions "
        "published before it was kept)",
    )
    hash: str
    previous_hash: str | None
    consultation: CseConsultation | None = None

    @classmethod
    def of(cls, version: Any, consultation: Any = None) -> VersionSummary:
        """From a stored version (and the CSE's consultation on it, if any)."""
        return cls(
            number=version.number,
            published_at=version.published_at,
            published_by=version.published_by,
            published_by_name=version.published_by_name,
            hash=version.content_hash,
            previous_hash=version.previous_hash,
            consultation=CseConsultation.model_validate(consultation) if consultation else None,
        )
