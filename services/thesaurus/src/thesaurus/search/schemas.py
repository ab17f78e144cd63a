"""API schemas of the French search."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class MatchKind(StrEnum):
    CODE = "code"
    LABEL = "label"
    PREFIX = "prefix"
    FUZZY = "fuzzy"


class SearchHit(BaseModel):
    system: str = Field(description="Nom du système de codes (ex. naf-rev2)")
    system_url: str = Field(description="URL canonique du système de codes")
    version: str = Field(description="Version du système dans laquelle le concept a été trouvé")
    code: str = Field(description="Code du concept, tel que publié")
    display: str = Field(description="Libellé du concept")
    level: int | None = Field(description="Niveau dans la hiérarchie (1 = racine)")
    status: str = Field(description="active ou deprecated")
    match: MatchKind = Field(
        description=(
            "Nature de la correspondance : code (code exact), label (libellé ou synonyme "
            "exact), prefix (le code commence par la saisie, ou chaque mot saisi commence un "
            "mot du libellé), fuzzy (libellé proche, fautes de frappe tolérées)"
        )
    )
    score: float = Field(
        description="Proximité entre la saisie et le concept (0 à 1), à l'intérieur d'une même "
        "nature de correspondance"
    )


class SearchPage(BaseModel):
    total: int = Field(description="Nombre total de concepts trouvés (toutes pages)")
    limit: int = Field(description="Taille de la page demandée")
    offset: int = Field(description="Rang du premier résultat de la page (à partir de 0)")
    items: list[SearchHit] = Field(
        description="Résultats du plus pertinent au moins pertinent : code exact, début de "
        "code, libellé exact, mots, puis libellés proches"
    )
