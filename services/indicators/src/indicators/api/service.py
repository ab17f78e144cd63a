"""Answering an indicator query: check the filters, read the contributions, protect, label."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.auth import Principal, Role
from cosar_common.errors import Forbidden, NotFound, RuleViolation
from cosar_common.events.inbox import ProcessedEvent
from cosar_common.thesaurus_client import ThesaurusClient, require_code
from indicators.api.schemas import CellOut, IndicatorOut, IndicatorResult, PositionOut
from indicators.catalogue.compute import CellResult, group_dimension, own, regional
from indicators.catalogue.definitions import CATALOGUE, Breakdown, IndicatorDefinition
from indicators.catalogue.records import Filters, contributions, naf_sections
from indicators.domain.secrecy import TOTAL, PrimaryRules, ProtectionLevel
from indicators.facts.consumers import CONSUMER
from indicators.settings import IndicatorsSettings

SIZE_BANDS = ("0", "1-9", "10-49", "50-249", "250+")
REGION, TENANT = "region", "tenant"
_CACHE: dict[tuple[Any, ...], IndicatorResult] = {}
_CACHE_SIZE = 256


def definition_out(definition: IndicatorDefinition) -> IndicatorOut:
    return IndicatorOut(
        code=definition.code,
        label=definition.label,
        definition=definition.definition,
        unit=definition.unit,
        factor=definition.factor,
        breakdowns=[b.value for b in definition.breakdowns],
        filters=list(definition.filters),
        minimum_denominator=definition.min_denominator or None,
    )


def get_definition(code: str) -> IndicatorDefinition:
    definition = CATALOGUE.get(code)
    if definition is None:
        raise NotFound(f"Indicateur « {code} » inconnu.")
    return definition


async def check_filters(
    definition: IndicatorDefinition,
    filters: Filters,
    breakdown: Breakdown,
    client: ThesaurusClient,
) -> None:
    """Unknown filter codes are a 422 naming the filter (never an empty, misleading answer)."""
    if breakdown not in definition.breakdowns:
        allowed = ", ".join(b.value for b in definition.breakdowns)
        raise RuleViolation(
            f"Ventilation « {breakdown.value} » non prévue pour cet indicateur ({allowed}).",
            code="unknown_breakdown",
            errors=[{"field": "query.breakdown", "message": f"Valeurs admises : {allowed}."}],
        )
    given = {k: v for k, v in asdict(filters).items() if v and k not in ("year", "tenant")}
    for name in given:
        if name not in definition.filters:
            raise RuleViolation(
                f"Filtre « {name} » non prévu pour cet indicateur.",
                code="unknown_filter",
                errors=[{"field": f"query.{name}", "message": "Filtre non prévu."}],
            )
    if filters.size_band and filters.size_band not in SIZE_BANDS:
        raise RuleViolation(
            f"Tranche d'effectif « {filters.size_band} » inconnue.",
            code="unknown_code",
            errors=[{"field": "query.size_band", "message": ", ".join(SIZE_BANDS)}],
        )
    systems = {
        "naf": "naf-rev2",
        "hazard": "dangers",
        "hazard_family": "dangers",
        "factor": "penibilite-facteurs",
        "pcs": "pcs-ese-2017",
    }
    for name, system in systems.items():
        value = getattr(filters, name)
        if value:
            await require_code(client, system, value, field=f"query.{name}")


async def facts_version(session: AsyncSession) -> tuple[int, Any]:
    row = (
        await session.execute(
            select(func.count(), func.max(ProcessedEvent.processed_at)).where(
                ProcessedEvent.consumer == CONSUMER
            )
        )
    ).one()
    return int(row[0]), row[1]


def _out(cell: CellResult) -> CellOut:
    return CellOut(
        group=None if cell.group == TOTAL else cell.group,
        tenant=cell.tenant,
        value=cell.value,
        numerator=cell.numerator,
        denominator=cell.denominator,
        status=cell.status,
        note=cell.note,
    )


async def answer(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: IndicatorsSettings,
    code: str,
    scope: str,
    breakdown: Breakdown,
    filters: Filters,
    client: ThesaurusClient,
    today: date,
) -> IndicatorResult:
    definition = get_definition(code)
    if scope == TENANT:
        if not principal.is_sst_staff or principal.tenant_id is None:
            raise Forbidden("Les indicateurs d'un service sont réservés à son équipe.")
        filters = Filters(**{**asdict(filters), "tenant": principal.tenant_id})
    elif not principal.has_any({Role.REGIONAL_ANALYST, Role.PLATFORM_ADMIN}) and (
        not principal.is_sst_staff
    ):
        raise Forbidden()
    await check_filters(definition, filters, breakdown, client)
    version = await facts_version(session)
    key = (code, scope, breakdown, filters, version, today)
    if key in _CACHE:
        return _CACHE[key]
    rules = PrimaryRules(
        min_companies=settings.secrecy_min_companies,
        dominance_k=settings.secrecy_dominance_k,
        min_persons=settings.secrecy_min_persons,
    )
    level = ProtectionLevel(relative=settings.secrecy_protection_relative)
    region_filters = Filters(**{**asdict(filters), "tenant": None})
    region_rows = await contributions(session, definition, breakdown, region_filters, today=today)
    parents = await naf_sections(session)
    codes = sorted({r.group for r in region_rows})
    groups = group_dimension(breakdown, codes, parents)
    region = regional(definition, region_rows, groups, rules=rules, level=level)
    result = IndicatorResult(
        indicator=definition_out(definition),
        scope=scope,
        year=filters.year,
        breakdown=breakdown.value,
        filters={k: v for k, v in asdict(filters).items() if v and k != "year"},
        cells=[_out(c) for c in region.cells],
        by_tenant=[_out(c) for c in region.by_tenant] if scope == REGION else [],
    )
    if scope == TENANT:
        mine = own(definition, [r for r in region_rows if r.tenant == filters.tenant], groups)
        regional_cells = {c.group: c for c in region.cells}
        result.cells = [_out(c) for c in mine.cells]
        result.position = [
            PositionOut(
                group=None if c.group == TOTAL else c.group,
                tenant_value=c.value,
                region_value=regional_cells[c.group].value if c.group in regional_cells else None,
                region_status=(
                    regional_cells[c.group].status if c.group in regional_cells else "absent"
                ),
            )
            for c in mine.cells
        ]
    if breakdown is Breakdown.HAZARD:
        result.cells = _top_ten(result.cells)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = result
    return result


def _top_ten(cells: list[CellOut]) -> list[CellOut]:
    """The ten most frequent published hazards, then the secret ones (marked, not ranked)."""
    total = [c for c in cells if c.group is None]
    published = sorted(
        (c for c in cells if c.group is not None and c.status == "published"),
        key=lambda c: (-(c.value or 0), c.group or ""),
    )[:10]
    secret = [c for c in cells if c.group is not None and c.status == "secret"]
    return [*published, *secret, *total]
