"""``CodeSystem/$lookup``, ``$validate-code`` and ``$subsumes`` on the registry.

Version-aware: ``version`` (or ``system=url|version``) names a version; without it, the latest
published version answers. An unknown system, version or code is a 404 ``OperationOutcome``,
except in ``$validate-code`` where an unknown code is the answer ``result = false`` (FHIR).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common import clock
from thesaurus import answers
from thesaurus.codesystems import repository, service
from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion, Concept
from thesaurus.domain.model import ConceptStatus
from thesaurus.fhir import repository as fhir_repository
from thesaurus.fhir.outcome import invalid, not_found
from thesaurus.fhir.params import FhirParams, split_canonical
from thesaurus.fhir.resources import group, parameters, part

# Designation uses: the preferred term (HL7) and a synonym (the SNOMED CT code FHIR uses).
PREFERRED = {
    "system": "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra",
    "code": "preferredForLanguage",
}
SYNONYM = {"system": "http://snomed.info/sct", "code": "900000000000013009", "display": "Synonym"}


def fold(text: str) -> str:
    """Compare labels as users type them: without accents or case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


async def resolve(
    session: AsyncSession, system_ref: str, version: str | None
) -> tuple[CodeSystem, CodeSystemVersion]:
    """A system by canonical URL (or ``url|version``) and the version asked for, or 404."""
    url, pinned = split_canonical(system_ref)
    # Convenience for people typing by hand: the registry's short name (naf-rev2).
    system, found = await repository.find_version(
        session, ref=url, by_url=True, by_name="://" not in url, version=version or pinned
    )
    if system is None:
        raise not_found(f"Système de codes « {url} » inconnu.")
    if found is None:
        raise service.unknown_version(system.name, version or pinned)
    answers.note_read(session, found.status)
    return system, found


def code_input(
    params: FhirParams, coding_name: str = "coding"
) -> tuple[str | None, str | None, str | None, str | None]:
    """(system, code, version, display) from plain parameters or a Coding (POST)."""
    coding = params.coding(coding_name)
    if coding is not None:
        return (
            coding.get("system"),
            coding.get("code"),
            coding.get("version") or params.text("version"),
            coding.get("display") or params.text("display"),
        )
    return (
        params.text("system", "url"),
        params.text("code"),
        params.text("version"),
        params.text("display"),
    )


def _property(
    code: str, value: Any, *, kind: str | None = None, **sub: date | None
) -> dict[str, Any]:
    parts = [part("code", code, kind="code"), part("value", value, kind=kind)]
    for name, when in sub.items():
        if when is not None:
            parts.append(
                group(
                    "subproperty",
                    [part("code", name.replace("_", "-"), kind="code"), part("value", when)],
                )
            )
    return group("property", parts)


async def lookup(session: AsyncSession, params: FhirParams) -> dict[str, Any]:
    """Details of a code; its properties as in force on ``date`` (default: today in Paris).

    One query finds the system, the version, the concept and its parents and children.
    """
    system_ref, code, version, _ = code_input(params)
    if system_ref is None or code is None:
        raise invalid("Paramètres system et code obligatoires (ou coding).")
    on = params.day("date") or clock.today()
    url, pinned = split_canonical(system_ref)
    wanted_version = version or pinned
    # Convenience for people typing by hand: the registry's short name (naf-rev2).
    found = await fhir_repository.lookup(
        session, ref=url, by_name="://" not in url, version=wanted_version, code=code
    )
    if found is None:
        raise not_found(f"Système de codes « {url} » inconnu.")
    if found.version is None or found.version_status is None:
        raise service.unknown_version(found.system_name, wanted_version)
    answers.note_read(session, found.version_status)
    concept = found.concept
    if concept is None:
        raise not_found(f"Code {code} inconnu dans {found.system_url} (version {found.version}).")
    wanted = set(params.texts("property"))
    out = [
        part("name", found.system_title),
        part("version", found.version),
        part("display", concept.display),
        group(
            "designation",
            [
                part("language", "fr", kind="code"),
                part("use", PREFERRED),
                part("value", concept.display),
            ],
        ),
    ]
    out += [
        group(
            "designation",
            [part("language", "fr", kind="code"), part("use", SYNONYM), part("value", s)],
        )
        for s in concept.synonyms
    ]
    properties = _concept_properties(concept, on)
    out += [p for p in properties if not wanted or p["part"][0]["valueCode"] in wanted]
    return parameters(out)


def _concept_properties(concept: fhir_repository.LookedUpConcept, on: date) -> list[dict[str, Any]]:
    out = [_property("parent", p, kind="code") for p in concept.parents]
    out += [_property("child", c, kind="code") for c in concept.children]
    if concept.level is not None:
        out.append(_property("level", concept.level))
    out.append(_property("status", concept.status, kind="code"))
    if concept.status == ConceptStatus.DEPRECATED.value:
        out.append(_property("inactive", True))
    out += [_property("replaced-by", r, kind="code") for r in concept.replaced_by]
    for prop in repository.properties_from_json(concept.properties):
        # Dated values: only the one in force that day answers (C2P thresholds change).
        if prop.in_force(on):
            out.append(
                _property(prop.code, prop.value, valid_from=prop.valid_from, valid_to=prop.valid_to)
            )
    return out


def validation_result(
    system: CodeSystem,
    version: CodeSystemVersion,
    concept: Concept | None,
    code: str,
    display: str | None,
    *,
    missing: str | None = None,
) -> dict[str, Any]:
    """The ``Parameters`` of a ``$validate-code`` answer (CodeSystem or ValueSet)."""
    base = [
        part("code", code if concept is None else concept.code, kind="code"),
        part("system", system.url, kind="uri"),
        part("version", version.version),
    ]
    if concept is None:
        message = missing or f"Le code {code} n'existe pas dans {system.url} ({version.version})."
        return parameters([part("result", False), part("message", message), *base])
    labels = {fold(concept.display), *(fold(s) for s in concept.synonyms or ())}
    valid = display is None or fold(display) in labels
    out = [part("result", valid), *base, part("display", concept.display)]
    if concept.status == ConceptStatus.DEPRECATED.value:
        out.append(part("inactive", True))
    if not valid:
        out.append(
            part(
                "message",
                f"Le libellé « {display} » ne correspond pas au code {concept.code} "
                f"(libellé attendu : « {concept.display} »).",
            )
        )
    return parameters(out)


async def validate_code(session: AsyncSession, params: FhirParams) -> dict[str, Any]:
    """Is ``code`` in the system (and ``display`` one of its labels)? Unknown code: false."""
    system_ref, code, version, display = code_input(params)
    if system_ref is None or code is None:
        raise invalid("Paramètres url (ou system) et code obligatoires (ou coding).")
    system, found = await resolve(session, system_ref, version)
    concept = await repository.get_concept(session, version=found, code=code)
    return validation_result(system, found, concept, code, display)


async def subsumes(session: AsyncSession, params: FhirParams) -> dict[str, Any]:
    """equivalent | subsumes | subsumed-by | not-subsumed, from the hierarchy (is-a)."""
    coding_a, coding_b = params.coding("codingA") or {}, params.coding("codingB") or {}
    code_a = params.text("codeA") or coding_a.get("code")
    code_b = params.text("codeB") or coding_b.get("code")
    system_ref = params.text("system") or coding_a.get("system") or coding_b.get("system")
    if system_ref is None or code_a is None or code_b is None:
        raise invalid("Paramètres system, codeA et codeB obligatoires (ou codingA et codingB).")
    system, found = await resolve(session, system_ref, params.text("version"))
    concepts = []
    for code in (code_a, code_b):
        concept = await repository.get_concept(session, version=found, code=code)
        if concept is None:
            raise not_found(f"Code {code} inconnu dans {system.url} (version {found.version}).")
        concepts.append(concept.code)
    a, b = concepts
    if a == b:
        outcome = "equivalent"
    elif a in await repository.ancestors(session, version=found, code=b):
        outcome = "subsumes"
    elif b in await repository.ancestors(session, version=found, code=a):
        outcome = "subsumed-by"
    else:
        outcome = "not-subsumed"
    return parameters([part("outcome", outcome, kind="code")])
