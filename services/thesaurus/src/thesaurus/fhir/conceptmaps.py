"""ConceptMaps (source code → target code, FHIR R5 relationship): create, search, ``$translate``.

A map joins one source system to one target system. ``$translate`` reads any map the session
can see: row-level security already limits a tenant to the shared maps and its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhir.resources.conceptmap import ConceptMap as FhirConceptMap
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.codesystems import repository, service
from thesaurus.conceptmaps.models import ConceptMap, ConceptMapElement, Relationship
from thesaurus.fhir.outcome import FhirError, invalid, not_found
from thesaurus.fhir.params import FhirParams, split_canonical
from thesaurus.fhir.resources import coding, group, parameters, part

RELATIONSHIPS = {r.value for r in Relationship}


def concept_map_resource(row: ConceptMap, elements: Sequence[ConceptMapElement]) -> dict[str, Any]:
    by_source: dict[str, dict[str, Any]] = {}
    for e in elements:
        element = by_source.setdefault(e.source_code, {"code": e.source_code})
        if e.target_code is None:
            element["noMap"] = True
            continue
        target: dict[str, Any] = {"code": e.target_code, "relationship": e.relationship}
        if e.comment:
            target["comment"] = e.comment
        element.setdefault("target", []).append(target)
    return {
        "resourceType": "ConceptMap",
        "id": str(row.id),
        "url": row.url,
        "name": row.name,
        "title": row.title,
        "status": "active",
        "group": [
            {
                "source": row.source_system,
                "target": row.target_system,
                "element": list(by_source.values()),
            }
        ],
    }


async def _elements(
    session: AsyncSession, map_ids: Sequence[Any], *, source_code: str | None = None
) -> list[ConceptMapElement]:
    query = select(ConceptMapElement).where(ConceptMapElement.map_id.in_(map_ids))
    if source_code is not None:
        query = query.where(ConceptMapElement.source_code == source_code)
    return list(await session.scalars(query.order_by(ConceptMapElement.id)))


async def search(session: AsyncSession, url: str | None) -> list[dict[str, Any]]:
    query = select(ConceptMap).order_by(ConceptMap.url)
    if url:
        query = query.where(ConceptMap.url == split_canonical(url)[0])
    maps = list(await session.scalars(query))
    elements = await _elements(session, [m.id for m in maps])
    return [concept_map_resource(m, [e for e in elements if e.map_id == m.id]) for m in maps]


async def _known_codes(
    session: AsyncSession, system_ref: str, codes: set[str], side: str
) -> tuple[str, dict[str, str], list[str]]:
    """(system url, code as written → code as stored, problems) for one side of a map."""
    url, version = split_canonical(system_ref)
    system = await repository.get_system(session, url=url)
    if system is None:
        return url, {}, [f"Système {side} « {url} » inconnu."]
    found = await service.require_version(session, system, version)
    stored, problems = {}, []
    for code in sorted(codes):
        concept = await repository.get_concept(session, version=found, code=code)
        if concept is None:
            problems.append(f"Code {side} {code} inconnu dans {url} ({found.version}).")
        else:
            stored[code] = concept.code
    return url, stored, problems


async def create(session: AsyncSession, body: dict[str, Any], *, created_by: str) -> dict[str, Any]:
    """Store a shared ConceptMap (one source system → one target system)."""
    if not isinstance(body, dict) or body.get("resourceType") != "ConceptMap":
        raise invalid("Le corps doit être une ressource FHIR ConceptMap.", status=422)
    try:
        FhirConceptMap.model_validate(body)
    except ValidationError as exc:
        raise invalid(f"ConceptMap FHIR invalide : {exc.errors()[0]['msg']}", status=422) from exc
    groups: list[dict[str, Any]] = body.get("group") or []
    pairs = {(g.get("source"), g.get("target")) for g in groups}
    if not body.get("url") or len(pairs) != 1 or None in next(iter(pairs)):
        raise invalid(
            "Une ConceptMap demande une url et un seul couple group.source → group.target.",
            status=422,
        )
    source_ref, target_ref = (str(ref) for ref in next(iter(pairs)))
    rows: list[tuple[str, str | None, str, str | None]] = []
    for g in groups:
        for element in g.get("element") or []:
            if element.get("noMap"):
                rows.append((element["code"], None, Relationship.NOT_RELATED.value, None))
            for t in element.get("target") or []:
                if t.get("relationship") not in RELATIONSHIPS:
                    raise invalid(f"Relation inconnue : {t.get('relationship')}.", status=422)
                rows.append((element["code"], t["code"], t["relationship"], t.get("comment")))
    if not rows:
        raise invalid("La ConceptMap ne contient aucune correspondance.", status=422)
    source_url, sources, problems = await _known_codes(
        session, source_ref, {r[0] for r in rows}, "source"
    )
    target_url, targets, more = await _known_codes(
        session, target_ref, {r[1] for r in rows if r[1]}, "cible"
    )
    if problems or more:
        raise FhirError(422, " ".join(problems + more), issue="invalid", expression=["group"])
    name = str(body.get("name") or body.get("title") or body["url"].rsplit("/", 1)[-1])[:100]
    row = ConceptMap(
        tenant_id=None,
        name=name,
        url=body["url"],
        title=str(body.get("title") or name)[:300],
        source_system=source_url,
        target_system=target_url,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        raise FhirError(
            409, f"Une ConceptMap a déjà l'URL {body['url']}.", issue="duplicate"
        ) from exc
    await session.execute(
        insert(ConceptMapElement),
        [
            {
                "tenant_id": None,
                "map_id": row.id,
                "source_code": sources[s],
                "target_code": None if t is None else targets[t],
                "relationship": rel,
                "comment": comment,
                "created_by": created_by,
            }
            for s, t, rel, comment in rows
        ],
    )
    return concept_map_resource(row, await _elements(session, [row.id]))


async def _display(session: AsyncSession, system_url: str, code: str) -> str | None:
    system = await repository.get_system(session, url=system_url)
    version = None if system is None else await repository.latest_published(session, system=system)
    if version is None:
        return None
    concept = await repository.get_concept(session, version=version, code=code)
    return None if concept is None else concept.display


async def translate(session: AsyncSession, params: FhirParams) -> dict[str, Any]:
    """``ConceptMap/$translate`` (R5): ``result`` and one ``match`` per mapped target."""
    source = params.coding("sourceCoding") or params.coding("coding") or {}
    code = params.text("sourceCode", "code") or source.get("code")
    system_ref = params.text("sourceSystem", "system") or source.get("system")
    target_ref = params.text("targetSystem")
    raw_url = params.text("url")
    url = None if raw_url is None else split_canonical(raw_url)[0]
    if code is None or (url is None and system_ref is None):
        raise invalid("Paramètres sourceCode (ou code) et url ou sourceSystem obligatoires.")
    query = select(ConceptMap)
    if url:
        query = query.where(ConceptMap.url == url)
    if system_ref:
        query = query.where(ConceptMap.source_system == split_canonical(system_ref)[0])
    if target_ref:
        query = query.where(ConceptMap.target_system == split_canonical(target_ref)[0])
    if url and await session.scalar(select(ConceptMap.id).where(ConceptMap.url == url)) is None:
        raise not_found(f"ConceptMap « {url} » inconnue.")
    maps = list(await session.scalars(query.order_by(ConceptMap.url)))
    stored_code = code
    if system_ref:
        system_url, version = split_canonical(system_ref)
        system = await repository.get_system(session, url=system_url)
        if system is None and not maps:
            raise not_found(f"Système de codes « {system_url} » inconnu.")
        if system is not None:
            # Codes are written several ways (62.01Z, 6201Z): use the system's own spelling.
            found = await service.require_version(session, system, version)
            concept = await repository.get_concept(session, version=found, code=code)
            stored_code = code if concept is None else concept.code
    elements = await _elements(session, [m.id for m in maps], source_code=stored_code)
    by_id = {m.id: m for m in maps}
    matches = []
    for e in elements:
        origin = by_id[e.map_id]
        parts = [part("relationship", e.relationship, kind="code")]
        if e.target_code is not None:
            display = await _display(session, origin.target_system, e.target_code)
            parts.append(part("concept", coding(origin.target_system, e.target_code, display)))
        parts.append(part("originMap", origin.url, kind="canonical"))
        matches.append(group("match", parts))
    result = any(
        e.target_code is not None and e.relationship != Relationship.NOT_RELATED.value
        for e in elements
    )
    out = [part("result", result)]
    if not result:
        out.append(part("message", f"Aucune correspondance pour le code {code}."))
    return parameters(out + matches)
