"""Answering an indicator query: who may read what, which release, then its stored cells."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_, select

from cosar_common import vocabulary
from cosar_common.auth import Permission, Principal
from cosar_common.db.dependencies import SessionOnDemand
from cosar_common.errors import Forbidden, NotFound, RuleViolation
from cosar_common.thesaurus_client import ThesaurusClient, require_code
from indicators.api.schemas import IndicatorResult
from indicators.catalogue.definitions import CATALOGUE, IndicatorDefinition
from indicators.releases import serve, store
from indicators.releases.latest import LATEST
from indicators.releases.models import Release, ReleaseCell
from indicators.settings import IndicatorsSettings

REGION, TENANT = "region", "tenant"
SYSTEMS = {
    "naf": vocabulary.NAF,
    "hazard": vocabulary.DANGERS,
    "hazard_family": vocabulary.DANGERS,
    "factor": vocabulary.FACTORS,
    "pcs": vocabulary.PCS,
}


definition_out = serve.definition_out


@dataclass(frozen=True)
class Answer:
    """An answer and its JSON, serialised once: most requests are answered from memory."""

    result: IndicatorResult
    json: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "json", self.result.model_dump_json().encode())


class Answers:
    """Answers already given, by release, query and the caller's own tenant: a release never
    changes once stored, so neither does an answer read from it. Bounded, least recently used
    out first. The caller's rights and codes are checked before every lookup, and the key holds
    the caller's tenant (scope "tenant" shows its own figures): nobody gets an answer built for
    another reader. Answers are read-only once made (JSON, CSV, XLSX and the dashboard only
    read them)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[object, ...], Answer] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> Answer | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: tuple[object, ...], answer: Answer) -> None:
        self._kept[key] = answer
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


ANSWERS = Answers()


def answer_key(
    release_id: uuid.UUID, query: serve.Query, own_tenant: str | None, min_companies: int
) -> tuple[object, ...]:
    """What an answer depends on: the release, the query, the reader's tenant for scope
    "tenant" (its own figures in full) and the frequency threshold."""
    return (release_id, query, own_tenant if query.scope == TENANT else None, min_companies)


def get_definition(code: str) -> IndicatorDefinition:
    definition = CATALOGUE.get(code)
    if definition is None:
        raise NotFound(f"Indicateur « {code} » inconnu.")
    return definition


def check_reader(principal: Principal, scope: str) -> None:
    if scope == TENANT:
        if not principal.may(Permission.INDICATORS_READ_TENANT) or principal.tenant_id is None:
            raise Forbidden("Les indicateurs d'un service sont réservés à son équipe.")
    elif not principal.may(Permission.INDICATORS_READ_REGION):
        raise Forbidden()


async def check_codes(query: serve.Query, client: ThesaurusClient) -> None:
    """Unknown codes are a 422 naming the filter (never an empty, misleading answer)."""
    for name, system in SYSTEMS.items():
        value = getattr(query, name)
        if value:
            await require_code(client, system, value, field=f"query.{name}")


async def pick_release(sessions: SessionOnDemand, year: int, release_id: str | None) -> Release:
    """The asked release of the year, or its latest (from memory while it is known to be the
    latest: :mod:`indicators.releases.latest`); a 404 in French when there is none."""
    if release_id is not None:
        try:
            wanted = uuid.UUID(release_id)
        except ValueError:
            raise RuleViolation(
                "Identifiant de diffusion invalide.",
                code="invalid_release",
                errors=[{"field": "query.release", "message": "Un identifiant UUID est attendu."}],
            ) from None
        release = await (await sessions()).get(Release, wanted)
        if release is None or release.year != year:
            raise NotFound(f"Aucune diffusion {release_id} pour {year}.")
        return release

    async def load() -> Release | None:
        session = await sessions()
        found = await store.latest(session, year)
        if found is not None:
            # Kept beyond this request: out of its session, or the rollback of a request
            # refused after this read (a 422) would expire it for every later one.
            session.expunge(found)
        return found

    release = await LATEST.get(year, load)
    if release is None:
        raise NotFound(
            f"Aucun indicateur n'a encore été diffusé pour {year} : une diffusion est faite "
            "chaque nuit, ou à la demande d'un administrateur de la plateforme."
        )
    return release


async def answer(
    sessions: SessionOnDemand,
    *,
    principal: Principal,
    settings: IndicatorsSettings,
    query: serve.Query,
    year: int,
    release_id: str | None,
    client: ThesaurusClient,
) -> Answer:
    definition = get_definition(query.code)
    check_reader(principal, query.scope)
    await check_codes(query, client)
    release = await pick_release(sessions, year, release_id)
    sections = dict(release.parameters["sections"])
    serve.check(definition, query, sections)
    own_tenant = principal.tenant_id if query.scope == TENANT else None
    key = answer_key(release.id, query, own_tenant, settings.secrecy_min_companies)
    if (kept := ANSWERS.get(key)) is not None:
        return kept
    numerator, denominator = serve.measures_of(definition, query)
    names = [n for n in (numerator, denominator, "employees") if n and not n.endswith(":")]
    clauses: list[ColumnElement[bool]] = [ReleaseCell.measure.in_(names)]
    if numerator.endswith(":"):
        clauses.append(ReleaseCell.measure.startswith(numerator))
    rows = await (await sessions()).scalars(
        select(ReleaseCell).where(ReleaseCell.release_id == release.id, or_(*clauses))
    )
    cells = {(r.measure, r.tenant, r.naf, r.size): r for r in rows}
    made = Answer(
        serve.answer(
            release,
            cells,
            definition,
            query,
            sections=sections,
            own_tenant=own_tenant,
            min_companies=settings.secrecy_min_companies,
        )
    )
    ANSWERS.put(key, made)
    return made
