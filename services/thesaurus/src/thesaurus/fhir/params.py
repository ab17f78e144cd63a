"""Input parameters of FHIR operations, from a query string (GET) or a ``Parameters`` body (POST).

Parameters are read and checked here rather than declared to FastAPI, so that a bad value is a
FHIR ``OperationOutcome`` naming the parameter in French, never FastAPI's own 422.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import Request
from fhir.resources.parameters import Parameters
from pydantic import ValidationError

from thesaurus.fhir.outcome import invalid

# Complex value[x] types we read as dicts (a Coding); everything else is read as text.
_COMPLEX = ("valueCoding", "valueCodeableConcept", "resource")


@dataclass
class FhirParams:
    """Named operation parameters; a name may repeat (``property=a&property=b``)."""

    values: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def from_query(cls, request: Request) -> FhirParams:
        params = cls()
        for name, value in request.query_params.multi_items():
            params.values.setdefault(name, []).append(value)
        return params

    @classmethod
    async def from_body(cls, request: Request) -> FhirParams:
        """A FHIR ``Parameters`` resource, checked with ``fhir.resources`` (R5)."""
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError as exc:
            raise invalid("Le corps de la requête n'est pas un JSON valide.") from exc
        if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
            raise invalid("Le corps doit être une ressource FHIR Parameters.")
        try:
            Parameters.model_validate(body)
        except ValidationError as exc:
            raise invalid(f"Ressource Parameters invalide : {_first_error(exc)}") from exc
        params = cls()
        for part in body.get("parameter") or []:
            value = _part_value(part)
            if value is not None:
                params.values.setdefault(str(part["name"]), []).append(value)
        # Query parameters still apply to a POST (e.g. ``?url=`` with a body of the rest).
        for name, value in request.query_params.multi_items():
            params.values.setdefault(name, []).append(value)
        return params

    @classmethod
    async def of(cls, request: Request) -> FhirParams:
        return await cls.from_body(request) if request.method == "POST" else cls.from_query(request)

    def text(self, *names: str) -> str | None:
        """The first value given under any of ``names`` (aliases), as text."""
        for name in names:
            for value in self.values.get(name, []):
                if isinstance(value, dict):
                    raise invalid(f"Le paramètre {name} doit être une valeur simple.")
                if value != "":
                    return str(value)
        return None

    def texts(self, name: str) -> list[str]:
        return [str(v) for v in self.values.get(name, []) if not isinstance(v, dict) and v != ""]

    def require(self, *names: str) -> str:
        value = self.text(*names)
        if value is None:
            raise invalid(f"Paramètre {' ou '.join(names)} obligatoire.", expression=[names[0]])
        return value

    def coding(self, name: str) -> dict[str, Any] | None:
        for value in self.values.get(name, []):
            if isinstance(value, dict):
                return value
        return None

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError as exc:
            raise invalid(f"Le paramètre {name} doit être un entier.", expression=[name]) from exc
        if value < minimum:
            raise invalid(f"Le paramètre {name} doit valoir au moins {minimum}.", expression=[name])
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.text(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise invalid(f"Le paramètre {name} doit valoir true ou false.", expression=[name])

    def day(self, name: str) -> date | None:
        """A FHIR date or dateTime, reduced to its day (``2023-06-01``, ``2023-06-01T10:00Z``)."""
        raw = self.text(name)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw[:10])
        except ValueError as exc:
            raise invalid(
                f"Le paramètre {name} doit être une date (AAAA-MM-JJ).", expression=[name]
            ) from exc


def _part_value(part: dict[str, Any]) -> Any:
    for key in _COMPLEX:
        if key in part:
            return part[key]
    for key, value in part.items():
        if key.startswith("value") and not isinstance(value, dict | list):
            return value if not isinstance(value, bool) else str(value).lower()
    return None


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "contenu non conforme"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where} : {first.get('msg', 'valeur invalide')}" if where else str(first.get("msg"))


def split_canonical(value: str) -> tuple[str, str | None]:
    """``url|version`` → (url, version); a bare url → (url, None)."""
    url, _, version = value.partition("|")
    return url, version or None
