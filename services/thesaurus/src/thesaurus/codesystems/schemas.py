"""API schemas of code systems (``XCreate`` to write, ``X`` to read)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

PropertyValue = str | int | float | bool

# A version id is one segment of the routes' paths (/code-systems/{name}/versions/{version}):
# a "/" or a control character made a version that was created (201) and then unreachable
# (404). Every real one fits: the reference data's "1", "2026", "2024.1", "2027-draft", FHIR's
# semantic versions ("2.1.0", "1.0.0+20260101").
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,49}$"
VERSION_DESCRIPTION = (
    "Version : 1 à 50 caractères, lettres sans accent, chiffres, « . », « _ », « + », « - », "
    "commençant par une lettre ou un chiffre"
)
VersionId = Annotated[
    str,
    Field(pattern=VERSION_PATTERN, max_length=50, description=VERSION_DESCRIPTION, examples=["2"]),
]


class PropertyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=100)
    value: PropertyValue
    valid_from: date | None = None
    valid_to: date | None = None


class ConceptCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=100)
    display: str = Field(min_length=1)
    parent_code: str | None = Field(default=None, max_length=100, description="Un seul parent")
    parents: list[str] = Field(default_factory=list, description="Plusieurs parents")
    level: int | None = Field(default=None, ge=1, le=20)
    synonyms: list[str] = Field(default_factory=list)
    properties: list[PropertyIn] = Field(default_factory=list)

    def all_parents(self) -> tuple[str, ...]:
        merged = [*([self.parent_code] if self.parent_code else []), *self.parents]
        return tuple(dict.fromkeys(merged))


class ConceptUpdate(BaseModel):
    """Change a concept of a draft (absent fields keep their value)."""

    model_config = ConfigDict(extra="forbid")

    display: str | None = Field(default=None, min_length=1)
    parents: list[str] | None = None
    level: int | None = Field(default=None, ge=1, le=20)
    synonyms: list[str] | None = None
    properties: list[PropertyIn] | None = None


class Deprecation(BaseModel):
    """A deprecation must say what replaces the concept, or say explicitly that nothing does."""

    model_config = ConfigDict(extra="forbid")

    replaced_by: list[str] = Field(default_factory=list)
    no_replacement: bool = False

    @model_validator(mode="after")
    def _decided(self) -> Deprecation:
        if not self.replaced_by and not self.no_replacement:
            raise ValueError(
                "Indiquer le ou les codes de remplacement (replaced_by) ou déclarer "
                "explicitement l'absence de remplacement (no_replacement: true)."
            )
        if self.replaced_by and self.no_replacement:
            raise ValueError("replaced_by et no_replacement s'excluent.")
        return self


class VersionCreate(BaseModel):
    """A new draft version: either a full list of concepts, or a copy of the latest
    published version (``from_latest``) to edit."""

    model_config = ConfigDict(extra="forbid")

    version: VersionId
    url: str | None = Field(default=None, max_length=500, examples=["https://x/cs/naf-rev2"])
    title: str | None = Field(default=None, max_length=300, examples=["NAF rév. 2"])
    description: str | None = None
    publisher: str | None = None
    source: str | None = None
    licence: str | None = None
    from_latest: bool = False
    concepts: list[ConceptCreate] = Field(default_factory=list)


class Property(BaseModel):
    code: str
    value: PropertyValue
    valid_from: date | None = None
    valid_to: date | None = None


class Concept(BaseModel):
    code: str
    display: str
    parents: list[str]
    level: int | None
    synonyms: list[str]
    status: str
    replaced_by: list[str]
    properties: list[Property]


class CodeSystem(BaseModel):
    name: str
    url: str
    title: str
    description: str | None
    publisher: str | None
    source: str | None
    licence: str | None
    tenant_id: str | None
    versions: list[str]
    latest_published: str | None


class Version(BaseModel):
    code_system: str
    url: str
    title: str
    version: str
    status: str
    based_on: str | None = None
    concept_count: int
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None = None


class ConceptChange(BaseModel):
    code: str
    display: str
    before: Concept | None = None
    after: Concept | None = None


class VersionDiff(BaseModel):
    code_system: str
    from_version: str | None
    to_version: str
    added: list[ConceptChange]
    changed: list[ConceptChange]
    deprecated: list[ConceptChange]


class Hierarchy(BaseModel):
    code: str
    display: str
    parents: list[str]
    children: list[str]
    ancestors: list[str] = Field(description="De la racine au parent le plus proche")
