"""How report inputs are checked and how a refusal reads: field path + French message.

Every input model derives from ``InputModel``: unknown keys are refused, and one validator
checks the scalars of every field by their type — ``int`` fields are counts (whole, never
negative), ``Decimal`` fields are quantities (hours, euros, rates: never negative; a decimal
comma is accepted), ``LabelledEnum`` fields accept the code or the French label. Its messages
name the field by its French title, so they read well wherever they are shown.

Rules across fields raise through ``raise_issues``, which points each message at the exact
field (``indicators.accidents.3.date``), not at the model that holds it. ``ReportInputError``
turns pydantic's error list into ``FieldIssue``s the API renders as a 422.
"""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import InitErrorDetails, PydanticUndefined

from reporting.domain.vocabulary import LabelledEnum

Loc = tuple[str | int, ...]

_WHOLE = re.compile(r"[+-]?\d+")


def seed_field(ref: str, title: str, default: Any = PydanticUndefined, **kwargs: Any) -> Any:
    """A field for the seed's item ``ref`` (e.g. « II.2.1 »), titled in French."""
    return Field(default, title=title, description=f"{ref} — {title}", **kwargs)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"« {value} »"
    return str(value).replace(".", ",") if isinstance(value, float | Decimal) else repr(value)


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"un nombre est attendu (valeur reçue : {value!r}).")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"un nombre est attendu (valeur reçue : {_shown(value)}).") from None
    else:
        raise ValueError(f"un nombre est attendu (valeur reçue : {_shown(value)}).")
    if not number.is_finite():
        raise ValueError(f"un nombre fini est attendu (valeur reçue : {value!r}).")
    if number < 0:
        raise ValueError(f"la valeur ne peut pas être négative (valeur reçue : {_shown(value)}).")
    return number


def whole_count(value: Any) -> int:
    """A count: a whole number, never negative; ``ValueError`` (French, no field name) otherwise."""
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value.strip())
    number = _as_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"un nombre entier est attendu (valeur reçue : {_shown(value)}).")
    return int(number)


def non_negative(value: Any) -> Decimal:
    """A quantity (hours, euros, a rate): a finite number, never negative."""
    return _as_decimal(value)


def _scalar_type(annotation: Any) -> Any:
    """``int`` for ``int | None``; the annotation itself when it is not an optional."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        return args[0] if len(args) == 1 else None
    return annotation


class InputModel(BaseModel):
    """Base of every report input: frozen, no unknown key, scalars checked by type."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _scalars_by_type(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or info.field_name is None:
            return value
        field = cls.model_fields[info.field_name]
        kind = _scalar_type(field.annotation)
        try:
            if kind is int:
                return whole_count(value)
            if kind is Decimal:
                return non_negative(value)
            if isinstance(kind, type) and issubclass(kind, LabelledEnum):
                return kind.from_text(value) if isinstance(value, str) else value
        except ValueError as exc:
            raise ValueError(f"« {field.title or info.field_name} » : {exc}") from None
        return value


@dataclass(frozen=True)
class Issue:
    """A rule broken across fields: where (relative to the model checked) and why, in French."""

    loc: Loc
    message: str
    value: Any = None


def raise_issues(model: BaseModel, issues: Sequence[Issue]) -> None:
    """Raise the issues as one pydantic error, each at its own field (no-op when empty).

    Pydantic prefixes the locations with the path of ``model`` when it is nested, so an issue
    at ``("date",)`` of the fourth accident is reported at ``indicators.accidents.3.date``.
    """
    if not issues:
        return
    raise ValidationError.from_exception_data(
        type(model).__name__,
        [
            InitErrorDetails(
                type="value_error",
                loc=issue.loc,
                input=issue.value,
                ctx={"error": ValueError(issue.message)},
            )
            for issue in issues
        ],
    )


@dataclass(frozen=True)
class FieldIssue:
    """One refused field: dotted path, French message, pydantic's error type."""

    field: str
    message: str
    type: str


_GENERIC: dict[str, str] = {
    "missing": "ce champ est obligatoire.",
    "extra_forbidden": "ce champ n'existe pas dans le rapport.",
    "string_type": "un texte est attendu.",
    "string_too_short": "ce champ doit être renseigné.",
    "string_too_long": "le texte ne doit pas dépasser {max_length} caractères.",
    "string_pattern_mismatch": "le format est invalide.",
    "int_type": "un nombre entier est attendu.",
    "int_parsing": "un nombre entier est attendu.",
    "decimal_type": "un nombre est attendu.",
    "bool_type": "oui ou non (true/false) est attendu.",
    "bool_parsing": "oui ou non (true/false) est attendu.",
    "greater_than": "la valeur doit être supérieure à {gt}.",
    "greater_than_equal": "la valeur doit être supérieure ou égale à {ge}.",
    "less_than": "la valeur doit être inférieure à {lt}.",
    "less_than_equal": "la valeur doit être inférieure ou égale à {le}.",
    "enum": "valeur non autorisée (valeurs admises : {expected}).",
    "date_type": "une date est attendue.",
    "date_parsing": "date invalide (format AAAA-MM-JJ attendu).",
    "date_from_datetime_parsing": "date invalide (format AAAA-MM-JJ attendu).",
    "date_from_datetime_inexact": "une date sans heure est attendue.",
    "uuid_parsing": "identifiant (UUID) invalide.",
    "uuid_type": "un identifiant (UUID) est attendu.",
    "list_type": "une liste est attendue.",
    "model_type": "un objet est attendu.",
    "model_attributes_type": "un objet est attendu.",
    "dict_type": "un objet est attendu.",
    "too_short": "au moins {min_length} élément(s) attendu(s).",
    "too_long": "au plus {max_length} élément(s) admis.",
}


def _unwrap(annotation: Any) -> Any:
    scalar = _scalar_type(annotation)
    if get_origin(scalar) in (list, tuple) and get_args(scalar):
        return get_args(scalar)[0]
    return scalar


def field_label(root: type[BaseModel], loc: Loc) -> str:
    """French label of a location: « Registre des accidents n° 4 › Nombre de journées perdues »."""
    parts: list[str] = []
    current: Any = root
    for step in loc:
        if isinstance(step, int):
            if parts:
                parts[-1] = f"{parts[-1]} n° {step + 1}"
            continue
        fields = (
            current.model_fields
            if isinstance(current, type) and issubclass(current, BaseModel)
            else {}
        )
        field = fields.get(step)
        parts.append(field.title or step if field is not None else step)
        current = _unwrap(field.annotation) if field is not None else None
    return " › ".join(parts) or "Rapport"


class ReportInputError(ValueError):
    """A report input refused, with every refused field; the API renders it as a 422."""

    def __init__(self, issues: Sequence[FieldIssue]) -> None:
        self.issues = tuple(issues)
        count = len(self.issues)
        summary = f"Le rapport contient {count} erreur{'s' if count > 1 else ''}"
        super().__init__(f"{summary} : {self.issues[0].message}" if count else summary)

    @classmethod
    def from_validation_error(cls, exc: ValidationError, root: type[BaseModel]) -> ReportInputError:
        """French issues from pydantic's errors; ``root`` is the model that was validated."""
        issues: list[FieldIssue] = []
        for error in exc.errors():
            loc: Loc = tuple(error["loc"])
            ctx = error.get("ctx") or {}
            if error["type"] == "value_error" and "error" in ctx:
                message = str(ctx["error"])
            else:
                template = _GENERIC.get(error["type"], "valeur invalide.")
                try:
                    detail = template.format(**ctx)
                except (KeyError, IndexError):
                    detail = template
                message = f"« {field_label(root, loc)} » : {detail}"
            field = ".".join(str(step) for step in loc)
            issues.append(FieldIssue(field=field, message=message, type=error["type"]))
        return cls(issues)

    def errors(self) -> list[dict[str, str]]:
        """The issues in the platform's error body shape: ``[{field, message, type}]``."""
        return [
            {"field": issue.field, "message": issue.message, "type": issue.type}
            for issue in self.issues
        ]
