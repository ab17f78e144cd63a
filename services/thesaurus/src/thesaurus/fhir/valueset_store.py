"""Shared ValueSets as stored resources: create (editors) and search.

A stored ValueSet is one ``compose.include`` (one system, optionally pinned to a version) with
its filters; enumerated ``include.concept`` codes are kept as the filter ``concept in a,b``.
Every filter is checked when the ValueSet is created, so ``$expand`` never meets one it cannot
run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhir.resources.valueset import ValueSet as FhirValueSet
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.codesystems import repository, service
from thesaurus.codesystems.models import CodeSystemVersion
from thesaurus.fhir import expansion
from thesaurus.fhir.expansion import Filter
from thesaurus.fhir.outcome import FhirError, invalid
from thesaurus.fhir.params import split_canonical
from thesaurus.valuesets.models import ValueSet


def value_set_resource(row: ValueSet, system_url: str) -> dict[str, Any]:
    include: dict[str, Any] = {"system": system_url}
    if row.system_version:
        include["version"] = row.system_version
    if row.filters:
        include["filter"] = list(row.filters)
    resource: dict[str, Any] = {
        "resourceType": "ValueSet",
        "id": str(row.id),
        "url": row.url,
        "name": row.name,
        "title": row.title,
        "status": "active",
        "compose": {"include": [include]},
    }
    if row.description:
        resource["description"] = row.description
    return resource


async def search(session: AsyncSession, url: str | None) -> list[dict[str, Any]]:
    query = select(ValueSet).order_by(ValueSet.url)
    if url:
        query = query.where(ValueSet.url == split_canonical(url)[0])
    out = []
    for row in await session.scalars(query):
        system = await repository.get_system(session, name=row.code_system)
        out.append(value_set_resource(row, system.url if system else row.code_system))
    return out


async def _checked_filters(
    session: AsyncSession, version: CodeSystemVersion, include: dict[str, Any]
) -> list[Filter]:
    filters = [Filter(f["property"], f["op"], str(f["value"])) for f in include.get("filter") or []]
    codes = [c["code"] for c in include.get("concept") or []]
    problems = [p for p in (f.problem() for f in filters) if p]
    resolved: list[Filter] = []
    for f in filters:
        if f.property == "concept" and f.op in expansion.HIERARCHY_OPS:
            concept = await repository.get_concept(session, version=version, code=f.value.strip())
            if concept is None:
                problems.append(f"Code {f.value} inconnu (version {version.version}).")
                continue
            # Stored in the version's own spelling (10.71C, not 1071C).
            resolved.append(Filter(f.property, f.op, concept.code))
            continue
        resolved.append(f)
    known = []
    for code in codes:
        concept = await repository.get_concept(session, version=version, code=code)
        if concept is None:
            problems.append(f"Code {code} inconnu (version {version.version}).")
        else:
            known.append(concept.code)
    if problems:
        raise FhirError(422, " ".join(problems), issue="invalid", expression=["compose.include"])
    if known:
        resolved.append(Filter("concept", "in", ",".join(known)))
    return resolved


async def create(session: AsyncSession, body: dict[str, Any]) -> dict[str, Any]:
    """Store a shared ValueSet (``tenant_id`` NULL: RLS lets only editors write it)."""
    if not isinstance(body, dict) or body.get("resourceType") != "ValueSet":
        raise invalid("Le corps doit être une ressource FHIR ValueSet.", status=422)
    try:
        FhirValueSet.model_validate(body)
    except ValidationError as exc:
        raise invalid(f"ValueSet FHIR invalide : {exc.errors()[0]['msg']}", status=422) from exc
    compose = body.get("compose") or {}
    includes: Sequence[dict[str, Any]] = compose.get("include") or []
    if not body.get("url"):
        raise invalid("Un ValueSet partagé demande une URL canonique (url).", status=422)
    if len(includes) != 1 or compose.get("exclude") or not includes[0].get("system"):
        raise invalid(
            "Un ValueSet est ici un seul compose.include avec un system (et des filtres).",
            status=422,
            expression=["compose"],
        )
    include = includes[0]
    system = await repository.get_system(session, url=include["system"])
    if system is None:
        raise invalid(f"Système de codes « {include['system']} » inconnu.", status=422)
    version = await service.require_version(session, system, include.get("version"))
    filters = await _checked_filters(session, version, include)
    name = str(body.get("name") or body.get("title") or body["url"].rsplit("/", 1)[-1])[:100]
    row = ValueSet(
        tenant_id=None,
        name=name,
        url=body["url"],
        title=str(body.get("title") or name)[:300],
        description=body.get("description"),
        code_system=system.name,
        system_version=include.get("version"),
        filters=[f.as_json() for f in filters],
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        raise FhirError(409, f"Un ValueSet a déjà l'URL {body['url']}.", issue="duplicate") from exc
    return value_set_resource(row, system.url)
