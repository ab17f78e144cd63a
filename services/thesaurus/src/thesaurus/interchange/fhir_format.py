"""Code systems as FHIR R5 ``CodeSystem`` resources (JSON), checked with ``fhir.resources``.

Mapping (export; the import reads the same and a bit more):

* concepts are written flat; each parent is a ``parent`` property (so several parents fit).
  The import also accepts nested ``concept`` lists, the nesting adding a parent;
* synonyms are ``designation`` entries in French with the SNOMED "synonym" use;
* ``status`` (``active`` / ``deprecated``, FHIR concept-properties) is written for deprecated
  concepts only; the import also takes ``inactive = true`` and ``retired`` as deprecated;
* ``replacedBy`` (code) and ``level`` (integer) are COSAR properties declared under
  ``CONCEPT_PROPERTIES_URI``; custom properties keep their code, with ``value[x]`` of the
  value's own type;
* a property's validity is an extension on the property entry: ``VALID_PERIOD_URL`` with a
  ``valuePeriod`` (``start`` / ``end``, inclusive dates);
* the system's ``licence`` is ``copyright``; its ``source`` is the ``SOURCE_URL`` extension.

The property codes ``parent``, ``status``, ``inactive``, ``replacedBy`` and ``level`` are reserved:
``to_fhir`` refuses a custom property that uses one. Designations in another language than French
are not imported.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fhir.resources.codesystem import CodeSystem, CodeSystemConcept, CodeSystemConceptProperty
from pydantic import ValidationError

from thesaurus.domain.model import (
    CodeSystemData,
    ConceptData,
    ConceptStatus,
    ImportProblem,
    Property,
    PropertyValue,
)
from thesaurus.interchange.errors import ImportRejected, decode_utf8, reject_if_invalid

COSAR_FHIR = "https://cosar.example/fhir"
VALID_PERIOD_URL = f"{COSAR_FHIR}/StructureDefinition/valid-period"
SOURCE_URL = f"{COSAR_FHIR}/StructureDefinition/codesystem-source"
CONCEPT_PROPERTIES_URI = f"{COSAR_FHIR}/concept-properties"
_HL7_PROPERTIES = "http://hl7.org/fhir/concept-properties"
_SYNONYM_USE = {
    "system": "http://snomed.info/sct",
    "code": "900000000000013009",
    "display": "Synonym",
}
_STANDARD_PROPERTIES: list[dict[str, str]] = [
    {"code": "parent", "uri": f"{_HL7_PROPERTIES}#parent", "type": "code"},
    {"code": "status", "uri": f"{_HL7_PROPERTIES}#status", "type": "code"},
    {"code": "replacedBy", "uri": f"{CONCEPT_PROPERTIES_URI}#replacedBy", "type": "code"},
    {"code": "level", "uri": f"{CONCEPT_PROPERTIES_URI}#level", "type": "integer"},
]
RESERVED_PROPERTY_CODES = frozenset({"parent", "status", "inactive", "replacedBy", "level"})


def to_fhir(cs: CodeSystemData) -> dict[str, Any]:
    """``cs`` as a FHIR R5 CodeSystem resource (a JSON-ready dict, validated before return).

    Raises ``ValueError`` if a custom property uses a reserved code.
    """
    resource: dict[str, Any] = {
        "resourceType": "CodeSystem",
        "url": cs.url,
        "version": cs.version,
        "name": cs.name,
        "title": cs.title,
        "status": "active",
        "caseSensitive": True,
        "hierarchyMeaning": "is-a",
        "content": "complete",
        "count": len(cs.concepts),
    }
    optional = {"publisher": cs.publisher, "description": cs.description, "copyright": cs.licence}
    resource.update({key: value for key, value in optional.items() if value is not None})
    if cs.source is not None:
        resource["extension"] = [{"url": SOURCE_URL, "valueString": cs.source}]
    resource["property"] = _STANDARD_PROPERTIES + _custom_property_definitions(cs.concepts)
    resource["concept"] = [_concept_to_fhir(concept) for concept in cs.concepts]
    # A resource we would refuse on import must not leave either: fail loudly on a bug here.
    CodeSystem.model_validate(resource)
    return resource


def parse_fhir(content: bytes | str) -> CodeSystemData:
    """Read a FHIR R5 CodeSystem (JSON); raise ``ImportRejected`` if it is invalid or unloadable.

    Each concept's ``source_ref`` is its JSON path, e.g. ``concept[3]``.
    """
    text = decode_utf8(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"ligne {error.lineno}, colonne {error.colno}"
        raise ImportRejected([ImportProblem(where, None, f"JSON invalide : {error.msg}")]) from None
    if not isinstance(data, dict) or data.get("resourceType") != "CodeSystem":
        found = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise ImportRejected(
            [ImportProblem("resourceType", None, f"ressource CodeSystem attendue, reçu {found!r}")]
        )
    try:
        resource = CodeSystem.model_validate(data)
    except ValidationError as error:
        raise ImportRejected(
            [
                ImportProblem(_json_path(problem["loc"]), None, f"FHIR invalide : {problem['msg']}")
                for problem in error.errors()
            ]
        ) from None
    problems: list[ImportProblem] = []
    for key in ("url", "version"):
        if not getattr(resource, key):
            problems.append(ImportProblem(key, None, f"« {key} » manquant"))
    if resource.content in ("not-present", "supplement"):
        # Such a resource describes a system without being one: loading it would give a new,
        # empty or partial version that silently replaces the real content.
        message = f"content « {resource.content} » : les concepts ne sont pas dans la ressource"
        problems.append(ImportProblem("content", None, message))
    name = resource.name or resource.title
    if not name:
        problems.append(ImportProblem("name", None, "« name » ou « title » manquant"))
    concepts: list[ConceptData] = []
    _collect(resource.concept or [], "concept", None, concepts, problems)
    reject_if_invalid(concepts, problems)
    source = next((e.valueString for e in resource.extension or [] if e.url == SOURCE_URL), None)
    return CodeSystemData(
        name=str(name),
        url=str(resource.url),
        title=str(resource.title or name),
        version=str(resource.version),
        description=resource.description,
        publisher=resource.publisher,
        source=source,
        licence=resource.copyright,
        concepts=concepts,
    )


def _custom_property_definitions(concepts: Sequence[ConceptData]) -> list[dict[str, str]]:
    types: dict[str, str] = {}
    for concept in concepts:
        for prop in concept.properties:
            if prop.code in RESERVED_PROPERTY_CODES:
                raise ValueError(f"{concept.code!r} : code de propriété réservé {prop.code!r}")
            kind = _fhir_type(prop.value)
            # A code whose values differ in type is declared string; each entry keeps its value[x].
            types[prop.code] = kind if types.get(prop.code, kind) == kind else "string"
    return [{"code": code, "type": kind} for code, kind in types.items()]


def _fhir_type(value: PropertyValue) -> str:
    # bool before int: True is an int in Python.
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "decimal" if isinstance(value, float) else "string"


def _concept_to_fhir(concept: ConceptData) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": concept.code, "display": concept.display}
    if concept.synonyms:
        entry["designation"] = [
            {"language": "fr", "use": _SYNONYM_USE, "value": synonym}
            for synonym in concept.synonyms
        ]
    properties: list[dict[str, Any]] = [{"code": "parent", "valueCode": p} for p in concept.parents]
    if concept.level is not None:
        properties.append({"code": "level", "valueInteger": concept.level})
    if concept.status != ConceptStatus.ACTIVE:
        properties.append({"code": "status", "valueCode": concept.status.value})
    properties += [{"code": "replacedBy", "valueCode": code} for code in concept.replaced_by]
    for prop in concept.properties:
        value_key = "value" + _fhir_type(prop.value).capitalize()
        item: dict[str, Any] = {"code": prop.code, value_key: prop.value}
        if prop.valid_from is not None or prop.valid_to is not None:
            period = {"start": prop.valid_from, "end": prop.valid_to}
            item["extension"] = [
                {
                    "url": VALID_PERIOD_URL,
                    "valuePeriod": {k: v.isoformat() for k, v in period.items() if v},
                }
            ]
        properties.append(item)
    if properties:
        entry["property"] = properties
    return entry


def _collect(
    entries: Sequence[CodeSystemConcept],
    path: str,
    nesting_parent: str | None,
    concepts: list[ConceptData],
    problems: list[ImportProblem],
) -> None:
    """Flatten (possibly nested) concepts in document order, each with its JSON path."""
    for index, entry in enumerate(entries):
        where = f"{path}[{index}]"
        concept = _concept_from_fhir(entry, where, problems)
        if nesting_parent is not None and nesting_parent not in concept.parents:
            concept = _with_parents(concept, (nesting_parent, *concept.parents))
        concepts.append(concept)
        _collect(entry.concept or [], f"{where}.concept", concept.code, concepts, problems)


def _with_parents(concept: ConceptData, parents: tuple[str, ...]) -> ConceptData:
    return ConceptData(
        code=concept.code,
        display=concept.display,
        parents=parents,
        level=concept.level,
        synonyms=concept.synonyms,
        status=concept.status,
        replaced_by=concept.replaced_by,
        properties=concept.properties,
        source_ref=concept.source_ref,
    )


def _concept_from_fhir(
    entry: CodeSystemConcept, where: str, problems: list[ImportProblem]
) -> ConceptData:
    parents: list[str] = []
    replaced_by: list[str] = []
    level: int | None = None
    status = ConceptStatus.ACTIVE
    properties: list[Property] = []
    for index, item in enumerate(entry.property or []):
        value = _value(item)
        if item.code == "parent" and isinstance(value, str):
            parents.append(value)
        elif item.code == "replacedBy" and isinstance(value, str):
            replaced_by.append(value)
        elif item.code == "level" and type(value) is int:
            level = value
        elif item.code == "status" and isinstance(value, str):
            if value in ("deprecated", "retired"):
                status = ConceptStatus.DEPRECATED
        elif item.code == "inactive" and isinstance(value, bool):
            status = ConceptStatus.DEPRECATED if value else status
        elif item.code in RESERVED_PROPERTY_CODES or value is None:
            problems.append(
                ImportProblem(
                    f"{where}.property[{index}]", entry.code, f"propriété {item.code!r} illisible"
                )
            )
        else:
            valid_from, valid_to = _validity(item)
            properties.append(Property(item.code or "", value, valid_from, valid_to))
    synonyms = [
        d.value or ""
        for d in entry.designation or []
        if (d.language is None or d.language.startswith("fr")) and d.value != entry.display
    ]
    return ConceptData(
        code=entry.code or "",
        display=entry.display or "",
        parents=tuple(parents),
        level=level,
        synonyms=tuple(synonyms),
        status=status,
        replaced_by=tuple(replaced_by),
        properties=tuple(properties),
        source_ref=where,
    )


def _value(item: CodeSystemConceptProperty) -> PropertyValue | None:
    for key in ("valueCode", "valueString", "valueBoolean", "valueInteger", "valueDateTime"):
        value = getattr(item, key)
        if value is not None:
            return value.isoformat() if isinstance(value, date | datetime) else value
    if item.valueDecimal is not None:
        return float(Decimal(item.valueDecimal))
    if item.valueCoding is not None:
        return item.valueCoding.code
    return None


def _validity(item: CodeSystemConceptProperty) -> tuple[date | None, date | None]:
    for extension in item.extension or []:
        if extension.url == VALID_PERIOD_URL and extension.valuePeriod is not None:
            period = extension.valuePeriod
            return _as_date(period.start), _as_date(period.end)
    return None, None


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def _json_path(loc: Sequence[int | str]) -> str:
    """pydantic's ``('concept', 3, 'code')`` as ``concept[3].code``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + str(part)
    return path or "CodeSystem"
