"""Form ↔ API mapping, pure: what a form sends, how a service's errors land on the form.

The services answer 422 with ``errors: [{field: "body.name", message: "Texte trop court."}]``
(``cosar_common.errors``): each message goes next to the form field the API field came from,
and the whole form comes back with what the person typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Seed 003: the three ways of cutting a company into work units, each said in a sentence.
WORK_UNIT_KINDS: dict[str, tuple[str, str]] = {
    "trade": (
        "Par métier",
        "Des salariés qui font le même travail (ex. : boulangers au fournil, vendeuses).",
    ),
    "geographic": (
        "Par lieu",
        "Un lieu où travaillent des salariés aux métiers différents "
        "(ex. : un atelier, un chantier).",
    ),
    "transverse": (
        "Transverse",
        "Ce qui concerne tout le monde : incendie, circulation, locaux communs, travail sur écran.",
    ),
}


@dataclass
class FormErrors:
    """French messages by form field, and those that belong to no field (shown on top)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str | None, message: str) -> None:
        if name is None:
            self.general.append(message)
        else:
            self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def summary(self) -> list[tuple[str | None, str]]:
        """(field, message) in form order, for the error summary at the top of the page."""
        return [(name, message) for name, messages in self.fields.items() for message in messages]


@dataclass(frozen=True)
class FieldSpec:
    """A form field: its API name, its French label, and the checks made before the call."""

    name: str
    label: str
    kind: str = "text"  # text, int, choice, textarea
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    # Where the API puts this field in its payload and its errors (dotted, without ``body.``),
    # when it is not the field's own name: a rating level is ``rating.probability``.
    api_names: tuple[str, ...] = ()

    @property
    def api_paths(self) -> tuple[str, ...]:
        return self.api_names or (self.name,)


WORK_UNIT_FORM: tuple[FieldSpec, ...] = (
    FieldSpec("kind", "Type d'unité", kind="choice", required=True, choices=tuple(WORK_UNIT_KINDS)),
    FieldSpec("name", "Nom de l'unité", required=True, max_length=200),
    FieldSpec("headcount", "Effectif", kind="int", required=True, minimum=0, maximum=1_000_000),
    FieldSpec("description", "Description (facultatif)", kind="textarea", max_length=5000),
)


def parse_form(
    specs: Sequence[FieldSpec], raw: Mapping[str, str]
) -> tuple[dict[str, Any], FormErrors]:
    """Check a form before the call: the API payload and the errors, by field, in French."""
    payload: dict[str, Any] = {}
    errors = FormErrors()
    for spec in specs:
        value = (raw.get(spec.name) or "").strip()
        if not value:
            if spec.required:
                errors.add(spec.name, "Ce champ est obligatoire.")
            elif spec.kind != "int":
                payload[spec.name] = ""
            continue
        if spec.kind == "int":
            try:
                number = int(value.replace(" ", "").replace("\u202f", ""))
            except ValueError:
                errors.add(spec.name, "Un nombre entier est attendu.")
                continue
            if spec.minimum is not None and number < spec.minimum:
                errors.add(spec.name, f"La valeur doit être au moins {spec.minimum}.")
                continue
            if spec.maximum is not None and number > spec.maximum:
                errors.add(spec.name, f"La valeur doit être au plus {spec.maximum}.")
                continue
            payload[spec.name] = number
            continue
        if spec.kind == "choice" and value not in spec.choices:
            errors.add(spec.name, "Choisissez une des valeurs proposées.")
            continue
        if spec.max_length is not None and len(value) > spec.max_length:
            errors.add(spec.name, f"{spec.max_length} caractères au plus.")
            continue
        payload[spec.name] = value
    return payload, errors


def api_errors_to_form(body: Mapping[str, Any], specs: Sequence[FieldSpec]) -> FormErrors:
    """A service's 422 (or another error with a message) as form errors.

    ``body.headcount`` → field ``headcount``; a nested path (``body.jobs.0``) lands on the field
    whose API path is its longest prefix (``body.rating.gravity`` → the field whose ``api_names``
    holds ``rating.gravity``); anything else goes to the general list.
    """
    by_path = {path: spec.name for spec in specs for path in spec.api_paths}
    longest_first = sorted(by_path, key=len, reverse=True)
    errors = FormErrors()
    for item in body.get("errors") or ():
        path = [p for p in str(item.get("field", "")).split(".") if p]
        if path and path[0] in ("body", "query", "path"):
            path = path[1:]
        dotted = ".".join(path)
        target = next(
            (by_path[p] for p in longest_first if dotted == p or dotted.startswith(p + ".")),
            None,
        )
        message = str(item.get("message") or "Valeur invalide.")
        errors.add(target, message)
    if not errors:
        errors.add(None, str(body.get("message") or "La demande a été refusée."))
    return errors
