"""API schemas of the fiche d'entreprise."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from assessment.domain.fiche import FicheExposure, RecommendedAction


class RecommendedActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40, examples=["AMT.METRO.BRUIT"])
    comment: str = Field(default="", max_length=5000)


class VisitExposureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hazard_code: str = Field(min_length=1, max_length=40, examples=["PHY.BRUIT"])
    exposed_headcount: int = Field(ge=0, le=1_000_000)


class FicheDraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    observations: str = Field(default="", max_length=50_000)
    recommended_actions: list[RecommendedActionIn] = Field(default_factory=list)
    exposures: list[VisitExposureIn] = Field(
        default_factory=list, description="Expositions constatées lors de la visite"
    )


class FicheDraftView(BaseModel):
    lock_version: int
    observations: str
    recommended_actions: list[RecommendedAction]
    exposures: list[FicheExposure]
    last_version: int | None
