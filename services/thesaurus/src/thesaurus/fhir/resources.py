"""FHIR R5 resources as plain JSON dicts: ``Parameters`` parts, search bundles, the CodeSystem
summary and the server's capability statements.

Dicts rather than ``fhir.resources`` models on the way out: an expansion page of 1,000 codes is
built and serialised without a second validation pass; the tests validate every kind of
response with ``fhir.resources`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from cosar_common import clock
from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion, VersionStatus

FHIR_VERSION = "5.0.0"
_OPERATION = "http://hl7.org/fhir/OperationDefinition/"
_STATUS = {
    VersionStatus.DRAFT.value: "draft",
    VersionStatus.PUBLISHED.value: "active",
    VersionStatus.RETIRED.value: "retired",
}
# Properties every concept may carry in $lookup, whatever its system.
CONCEPT_PROPERTIES = (
    ("parent", "code", "Parent(s) du concept dans la hiérarchie"),
    ("child", "code", "Enfants directs du concept"),
    ("level", "integer", "Niveau dans la hiérarchie (1 = racine)"),
    ("status", "code", "Statut du concept (active, deprecated)"),
    ("inactive", "boolean", "Concept déprécié"),
    ("replaced-by", "code", "Concept qui remplace un concept déprécié"),
)


def now_iso() -> str:
    return clock.system_now().isoformat(timespec="seconds")


def typed_value(value: Any) -> dict[str, Any]:
    """The ``value[x]`` of a Python value (bool before int: a bool is an int in Python)."""
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, date):
        return {"valueDate": value.isoformat()}
    return {"valueString": str(value)}


def part(name: str, value: Any = None, *, kind: str | None = None) -> dict[str, Any]:
    """A ``Parameters.parameter`` (or part); ``kind`` forces the FHIR type (``code``, ``uri``…)."""
    out: dict[str, Any] = {"name": name}
    if kind is not None:
        out["value" + kind[0].upper() + kind[1:]] = value
    elif isinstance(value, dict):
        out["valueCoding"] = value
    elif value is not None:
        out.update(typed_value(value))
    return out


def group(name: str, parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "part": list(parts)}


def parameters(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Parameters", "parameter": list(parts)}


def coding(
    system: str, code: str, display: str | None = None, version: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"system": system, "code": code}
    if version is not None:
        out["version"] = version
    if display is not None:
        out["display"] = display
    return out


def bundle(base: str, self_url: str, resources: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A ``searchset`` Bundle of all matches (the registries are small: no paging)."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": now_iso(),
        "total": len(resources),
        "link": [{"relation": "self", "url": self_url}],
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def code_system_resource(system: CodeSystem, version: CodeSystemVersion) -> dict[str, Any]:
    """One version of a code system, metadata only (``content: not-present``).

    Concepts are not inlined, even for small systems: one rule for all, and the concepts are
    one call away with ``$expand`` (paged) or ``$lookup``.
    """
    resource: dict[str, Any] = {
        "resourceType": "CodeSystem",
        "id": str(version.id),
        "url": system.url,
        "version": version.version,
        "name": system.name,
        "title": system.title,
        "status": _STATUS.get(version.status, "unknown"),
        "experimental": False,
        "caseSensitive": True,
        "hierarchyMeaning": "is-a",
        "valueSet": f"{system.url}?fhir_vs",
        "content": "not-present",
        "count": version.concept_count,
        "property": [
            {"code": code, "type": kind, "description": text}
            for code, kind, text in CONCEPT_PROPERTIES
        ],
    }
    if version.published_at is not None:
        resource["date"] = version.published_at.isoformat(timespec="seconds")
    for key, value in (
        ("publisher", system.publisher),
        ("description", system.description),
        ("copyright", system.licence),
    ):
        if value:
            resource[key] = value
    return resource


def _operations(*names: str, resource: str) -> list[dict[str, str]]:
    return [{"name": n, "definition": f"{_OPERATION}{resource}-{n}"} for n in names]


def capability_statement(base: str) -> dict[str, Any]:
    """What this endpoint does (``GET /fhir/metadata``)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now_iso(),
        "publisher": "COSAR",
        "kind": "instance",
        "instantiates": ["http://hl7.org/fhir/CapabilityStatement/terminology-server"],
        "software": {"name": "COSAR — thésaurus régional"},
        "implementation": {"description": "Serveur de terminologie COSAR", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ],
                    "description": "Jeton d'accès Keycloak (Bearer) obligatoire.",
                },
                "resource": [
                    {
                        "type": "CodeSystem",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            {"name": "name", "type": "string"},
                            {"name": "url", "type": "uri"},
                            {"name": "version", "type": "token"},
                        ],
                        "operation": _operations(
                            "lookup", "validate-code", "subsumes", resource="CodeSystem"
                        ),
                    },
                    {
                        "type": "ValueSet",
                        "interaction": [{"code": "create"}, {"code": "search-type"}],
                        "searchParam": [{"name": "url", "type": "uri"}],
                        "operation": _operations("expand", "validate-code", resource="ValueSet"),
                    },
                    {
                        "type": "ConceptMap",
                        "interaction": [{"code": "create"}, {"code": "search-type"}],
                        "searchParam": [{"name": "url", "type": "uri"}],
                        "operation": _operations("translate", resource="ConceptMap"),
                    },
                ],
            }
        ],
    }


def terminology_capabilities(
    systems: Sequence[tuple[CodeSystem, Sequence[CodeSystemVersion], str | None]],
    *,
    max_page: int,
) -> dict[str, Any]:
    """The code systems and versions this caller can use (``?mode=terminology``).

    ``systems``: each system with its versions and its default (latest published) version.
    """
    return {
        "resourceType": "TerminologyCapabilities",
        "status": "active",
        "date": now_iso(),
        "publisher": "COSAR",
        "kind": "instance",
        "software": {"name": "COSAR — thésaurus régional"},
        "codeSystem": [
            {
                "uri": system.url,
                "version": [
                    {"code": v.version, "isDefault": v.version == default} for v in versions
                ],
                "content": "complete",
                "subsumption": True,
            }
            for system, versions, default in systems
        ],
        "expansion": {
            "hierarchical": False,
            "paging": True,
            "incomplete": False,
            "parameter": [
                {"name": n, "documentation": d}
                for n, d in (
                    ("filter", "Texte (libellé sans accents ni casse) ou début de code"),
                    ("count", f"Taille de page, {max_page} au plus"),
                    ("offset", "Rang du premier code de la page"),
                    ("activeOnly", "Exclure les concepts dépréciés"),
                )
            ],
            "textFilter": "Libellé contenant le texte (sans accents ni casse) ou code commençant "
            "par le texte.",
        },
        "codeSearch": "in-compose",
        "validateCode": {"translations": False},
        "translation": {"needsMap": True},
    }
