"""ValueSet operations: ``$expand`` (paged, in SQL) and ``$validate-code``.

A ValueSet is a stored one (see ``valueset_store``) or the implicit value set of a whole code
system, ``<CodeSystem url>?fhir_vs`` (and ``?fhir_vs=isa/<code>`` for a branch), as FHIR
defines.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.codesystems import repository, service
from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion
from thesaurus.fhir import codesystem_ops, expansion
from thesaurus.fhir.expansion import Filter, Page
from thesaurus.fhir.outcome import FhirError, invalid, not_found
from thesaurus.fhir.params import FhirParams, split_canonical
from thesaurus.fhir.resources import now_iso
from thesaurus.valuesets.models import ValueSet


@dataclass
class Target:
    """What an expansion runs on: a system version and the filters of the value set."""

    url: str
    system: CodeSystem
    version: CodeSystemVersion
    filters: list[Filter]
    stored: ValueSet | None = None


def requested_version(params: FhirParams, system_url: str) -> tuple[str | None, bool]:
    """(version, forced) from ``force-system-version``, ``system-version`` or ``systemVersion``.

    A value may be ``url|version`` (FHIR R5) or a bare version; one naming another system is
    ignored. ``forced`` overrides the version a ValueSet pins, the others only fill it in.
    """
    for name, forced in (("force-system-version", True), ("system-version", False)):
        for raw in params.texts(name):
            url, version = split_canonical(raw)
            if url == system_url and version:
                return version, forced
    plain = params.text("systemVersion")
    if plain is None:
        return None, False
    url, version = split_canonical(plain)
    return (version, False) if version else (url, False)


async def resolve(session: AsyncSession, url: str, params: FhirParams) -> Target:
    """The ValueSet named by ``url`` (stored, or implicit ``?fhir_vs``), or 404."""
    base, _, query = split_canonical(url)[0].partition("?")
    if query.startswith("fhir_vs"):
        # The version asked for names the system by the URL it was asked with (the same one).
        version, _ = requested_version(params, base)
        system, found = await repository.find_version(
            session, ref=base, by_url=True, by_name=False, version=version
        )
        if system is None:
            raise not_found(f"Système de codes « {base} » inconnu.")
        if found is None:
            raise service.unknown_version(system.name, version)
        filters: list[Filter] = []
        if query.startswith("fhir_vs=isa/"):
            concept = await repository.get_concept(
                session, version=found, code=query.removeprefix("fhir_vs=isa/")
            )
            if concept is None:
                raise not_found(f"ValueSet implicite inconnu : {url}.")
            filters.append(Filter("concept", "is-a", concept.code))
        elif query != "fhir_vs":
            raise invalid(f"ValueSet implicite non pris en charge : {url}.")
        return Target(url=url, system=system, version=found, filters=filters)
    stored = await session.scalar(select(ValueSet).where(ValueSet.url == base))
    if stored is None:
        raise not_found(f"ValueSet « {base} » inconnu.")
    system = await service.require_system(session, stored.code_system)
    version, forced = requested_version(params, system.url)
    chosen = version if forced else stored.system_version or version
    return Target(
        url=stored.url,
        system=system,
        version=await service.require_version(session, system, chosen),
        filters=[Filter(f["property"], f["op"], str(f["value"])) for f in stored.filters],
        stored=stored,
    )


def page_size(params: FhirParams) -> int:
    """``count``: default 100; above the maximum page size, a 422 that says the maximum."""
    count = params.integer("count", expansion.DEFAULT_PAGE)
    if count > expansion.MAX_PAGE:
        raise FhirError(
            422,
            f"count = {count} dépasse la taille de page maximale ({expansion.MAX_PAGE} codes) : "
            f"demandez des pages d'au plus {expansion.MAX_PAGE} codes avec offset.",
            issue="too-costly",
            expression=["count"],
        )
    return count


async def expand(
    session: AsyncSession, params: FhirParams, *, next_url: str | None = None
) -> dict[str, Any]:
    """``ValueSet/$expand``: one page of the expansion, with its total."""
    target = await resolve(session, params.require("url"), params)
    count, offset = page_size(params), params.integer("offset", 0)
    text_filter = params.text("filter")
    active_only = params.boolean("activeOnly", False)
    page = await expansion.expand(
        session,
        version_id=target.version.id,
        filters=target.filters,
        text_filter=text_filter,
        active_only=active_only,
        count=count,
        offset=offset,
    )
    return expansion_resource(
        target, page, count=count, offset=offset, text_filter=text_filter, next_url=next_url
    )


def expansion_resource(
    target: Target,
    page: Page,
    *,
    count: int,
    offset: int,
    text_filter: str | None,
    next_url: str | None,
) -> dict[str, Any]:
    system, version = target.system, target.version
    parameters: list[dict[str, Any]] = [
        {"name": "used-codesystem", "valueUri": f"{system.url}|{version.version}"},
        {"name": "count", "valueInteger": count},
        {"name": "offset", "valueInteger": offset},
    ]
    if text_filter:
        parameters.append({"name": "filter", "valueString": text_filter})
    contains = []
    for c in page.concepts:
        item: dict[str, Any] = {
            "system": system.url,
            "version": version.version,
            "code": c.code,
            "display": c.display,
        }
        if c.status != "active":
            item["inactive"] = True
        contains.append(item)
    exp: dict[str, Any] = {
        "identifier": f"urn:uuid:{uuid.uuid4()}",
        "timestamp": now_iso(),
        "total": page.total,
        "offset": offset,
        "parameter": parameters,
    }
    if next_url and offset + count < page.total and count > 0:
        exp["next"] = next_url
    if contains:
        exp["contains"] = contains
    resource: dict[str, Any] = {"resourceType": "ValueSet", "url": target.url, "status": "active"}
    if target.stored is not None:
        resource.update(id=str(target.stored.id), name=target.stored.name)
        resource["title"] = target.stored.title
    resource["expansion"] = exp
    return resource


async def validate_code(session: AsyncSession, params: FhirParams) -> dict[str, Any]:
    """``ValueSet/$validate-code``: is the code in the value set? Unknown code: false."""
    target = await resolve(session, params.require("url"), params)
    _, code, _, display = codesystem_ops.code_input(params)
    # Here ``url`` names the ValueSet: the code's system is ``system`` or the Coding's only.
    system_ref = (params.coding("coding") or {}).get("system") or params.text("system")
    if code is None:
        raise invalid("Paramètre code obligatoire (ou coding).", expression=["code"])
    if system_ref is not None and split_canonical(system_ref)[0] != target.system.url:
        return codesystem_ops.validation_result(
            target.system,
            target.version,
            None,
            code,
            display,
            missing=f"Le ValueSet {target.url} ne contient que des codes de {target.system.url}.",
        )
    concept = await repository.get_concept(session, version=target.version, code=code)
    if concept is not None:
        page = await expansion.expand(
            session,
            version_id=target.version.id,
            filters=target.filters,
            count=0,
            code=concept.code,
        )
        if page.total == 0:
            return codesystem_ops.validation_result(
                target.system,
                target.version,
                None,
                concept.code,
                display,
                missing=f"Le code {concept.code} n'appartient pas au ValueSet {target.url}.",
            )
    return codesystem_ops.validation_result(target.system, target.version, concept, code, display)
