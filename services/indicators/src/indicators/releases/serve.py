"""Answering an indicator query from the cells of a release, never recomputing them.

A query names an indicator, a scope, a breakdown and filters; it maps onto cells of the
release's cubes, or it is outside the release's table set and gets a 422 that says what is
offered. A rate is published only where both its terms are; a secret cell carries the class of
its reason and nothing else: no value, numerator, denominator or count of companies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cosar_common.errors import RuleViolation
from cosar_common.vocabulary import SIZE_BANDS
from indicators.api.schemas import (
    CellOut,
    IndicatorOut,
    IndicatorResult,
    PositionOut,
    ReleaseDetail,
    ReleaseOut,
)
from indicators.catalogue.definitions import Breakdown, IndicatorDefinition
from indicators.domain.release.cubes import Shape
from indicators.domain.release.measures import (
    C2P_BY_FACTOR,
    COMPANIES_BY_HAZARD,
    EXPOSED_BY_FAMILY,
    measure,
)
from indicators.domain.secrecy import SECRET_LABEL
from indicators.releases.models import REGION, Release, ReleaseCell

REASONS = {
    "frequency": "moins de 3 entreprises",
    "dominance": "une entreprise représente plus de 85 %",
    "persons": "moins de 11 personnes",
    "tenant": "trop peu d'entreprises hors d'un même service",
    "change": "l'évolution depuis la diffusion précédente désignerait des entreprises",
    "secondary": "masquée pour protéger d'autres cellules",
}
SMALL_DENOMINATOR = "Dénominateur trop petit pour que le taux ait un sens : non publié."
Coords = tuple[str, str]  # (naf, size); "" for a total
Cells = Mapping[tuple[str, str, str, str], ReleaseCell]  # (measure, tenant, naf, size)


@dataclass(frozen=True)
class Query:
    code: str
    scope: str
    breakdown: Breakdown
    naf: str | None = None
    size_band: str | None = None
    hazard_family: str | None = None
    hazard: str | None = None
    factor: str | None = None
    pcs: str | None = None


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


def release_out(release: Release) -> ReleaseOut:
    return ReleaseOut(
        id=str(release.id),
        year=release.year,
        number=release.number,
        created_at=release.created_at,
        reference_date=release.reference_date,
        made_by=release.made_by,
        naf_version=release.naf_version,
    )


def _refuse(field: str, message: str, offered: str) -> RuleViolation:
    return RuleViolation(
        f"{message} Cette diffusion propose : {offered}.",
        code="not_in_release",
        errors=[{"field": f"query.{field}", "message": f"Proposé : {offered}."}],
    )


def measures_of(definition: IndicatorDefinition, query: Query) -> tuple[str, str | None]:
    """The numerator (a family prefix for hazards and factors) and denominator measures."""
    if query.hazard_family:
        return EXPOSED_BY_FAMILY + query.hazard_family, definition.denominator
    if query.factor:
        return C2P_BY_FACTOR + query.factor, None
    return definition.numerator, definition.denominator


def check(definition: IndicatorDefinition, query: Query, sections: Mapping[str, str]) -> None:
    """The query is one of the release's tables, or a 422 saying which are."""
    offered_breakdowns = ", ".join(b.value for b in definition.breakdowns)
    if query.breakdown not in definition.breakdowns:
        raise _refuse(
            "breakdown",
            f"Ventilation « {query.breakdown.value} » non prévue pour cet indicateur.",
            f"ventilations {offered_breakdowns}",
        )
    for name in ("hazard", "pcs"):
        if getattr(query, name):
            raise _refuse(name, f"Filtre « {name} » non diffusé.", _filters(definition))
    given = [n for n in ("naf", "size_band", "hazard_family", "factor") if getattr(query, n)]
    for name in given:
        if name not in definition.filters:
            raise _refuse(
                name, f"Filtre « {name} » non prévu pour cet indicateur.", _filters(definition)
            )
    section_only = query.hazard_family is not None or definition.numerator.endswith(":")
    if query.naf:
        levels = "une section NAF" if section_only else "une section ou une division NAF"
        if query.naf in sections.values() or (query.naf in sections and not section_only):
            pass
        else:
            raise _refuse("naf", f"Code NAF « {query.naf} » non diffusé à ce niveau.", levels)
    if query.size_band:
        if section_only:
            raise _refuse(
                "size_band",
                "Pas de ventilation par taille pour cette mesure.",
                "les sections NAF, par service",
            )
        if query.size_band not in SIZE_BANDS:
            raise _refuse(
                "size_band",
                f"Tranche d'effectif « {query.size_band} » inconnue.",
                ", ".join(SIZE_BANDS),
            )
    if section_only and query.breakdown in (Breakdown.NAF_DIVISION, Breakdown.SIZE_BAND):
        raise _refuse(
            "breakdown",
            f"Ventilation « {query.breakdown.value} » non diffusée pour cette mesure.",
            "ventilation par section NAF",
        )


def _filters(definition: IndicatorDefinition) -> str:
    return "filtres " + ", ".join(definition.filters) if definition.filters else "aucun filtre"


def secret(group: str | None, tenant: str | None, row: ReleaseCell | None) -> CellOut:
    """A secret cell: the class of its reason, and no figure at all."""
    return CellOut(
        group=group,
        tenant=tenant,
        value=None,
        numerator=None,
        denominator=None,
        status="secret",
        note=_note(row),
    )


def release_detail(release: Release) -> ReleaseDetail:
    return ReleaseDetail(
        **release_out(release).model_dump(),
        parameters={k: v for k, v in release.parameters.items() if k != "sections"},
        audit=release.audit,
        loss=release.loss,
    )


def _note(row: ReleaseCell | None) -> str:
    reason = REASONS.get(row.reason or "", "") if row is not None else ""
    return f"{SECRET_LABEL} : {reason}" if reason else SECRET_LABEL


def _groups(query: Query, sections: Mapping[str, str], present: set[Coords]) -> list[Coords]:
    """The (naf, size) coordinates of the rows asked for, total last."""
    naf, size = query.naf or "", query.size_band or ""
    if query.breakdown is Breakdown.SIZE_BAND:
        rows: list[Coords] = [(naf, s) for s in SIZE_BANDS if not size or s == size]
    elif query.breakdown is Breakdown.NAF_SECTION:
        chosen = sorted(set(sections.values()))
        rows = [(s, size) for s in chosen if not naf or s == naf]
    else:
        divisions = sorted(d for d in sections if not naf or naf in (d, sections[d]))
        parents = sorted({sections[d] for d in divisions})
        rows = [(s, size) for s in parents] + [(d, size) for d in divisions]
    total = (naf, size)
    return [r for r in rows if r in present and r != total] + [total]


def answer(
    release: Release,
    cells: Cells,
    definition: IndicatorDefinition,
    query: Query,
    *,
    sections: Mapping[str, str],
    own_tenant: str | None,
    min_companies: int,
) -> IndicatorResult:
    """The query's cells from the release (``own_tenant``: the caller's tenant, for scope
    "tenant": its own figures in full and its position against the published region)."""
    check(definition, query, sections)
    numerator, denominator = measures_of(definition, query)
    result = IndicatorResult(
        indicator=definition_out(definition),
        scope=query.scope,
        year=release.year,
        breakdown=query.breakdown.value,
        filters={
            k: v
            for k in ("naf", "size_band", "hazard_family", "factor")
            if (v := getattr(query, k))
        },
        cells=[],
        release=release_out(release),
    )
    tenants = sorted({t for (_, t, _, _) in cells if t != REGION})
    if query.breakdown is Breakdown.HAZARD or (
        query.breakdown is Breakdown.FACTOR and not query.factor
    ):
        prefix = COMPANIES_BY_HAZARD if query.breakdown is Breakdown.HAZARD else C2P_BY_FACTOR
        _by_code(result, cells, prefix, query, tenants, own_tenant, min_companies)
        return result
    shape = measure(numerator).shape
    present = {(n, s) for (m, t, n, s) in cells if m == numerator}
    if shape is Shape.SECTION:
        present = {(n, "") for (n, _) in present}
    groups = _groups(query, sections, present)

    def cell(tenant: str, coords: Coords, own: bool) -> CellOut | None:
        naf, size = coords
        top = cells.get((numerator, tenant, naf, size))
        bottom = cells.get((denominator, tenant, naf, size)) if denominator else None
        if top is None and bottom is None:
            return None
        return _cell(definition, top, bottom, naf or None, tenant or None, own)

    if query.scope == "tenant":
        assert own_tenant is not None
        region = {g: cell(REGION, g, False) for g in groups}
        mine = [(g, c) for g in groups if (c := cell(own_tenant, g, True)) is not None]
        result.cells = [c for _, c in mine]
        result.position = [
            PositionOut(
                group=c.group,
                tenant_value=c.value,
                region_value=r.value if (r := region.get(g)) is not None else None,
                region_status=r.status if r is not None else "absent",
            )
            for g, c in mine
        ]
        return result
    result.cells = [c for g in groups if (c := cell(REGION, g, False)) is not None]
    result.by_tenant = [c for t in tenants for g in groups if (c := cell(t, g, False)) is not None]
    return result


def _cell(
    definition: IndicatorDefinition,
    top: ReleaseCell | None,
    bottom: ReleaseCell | None,
    group: str | None,
    tenant: str | None,
    own: bool,
) -> CellOut:
    def value(row: ReleaseCell | None) -> float | None:
        if row is None:
            return 0.0  # a structural zero: no company there
        return row.own_value if own else row.value

    num = value(top)
    if definition.denominator is None:
        if num is None:
            return secret(group, tenant, top)
        return CellOut(
            group=group,
            tenant=tenant,
            value=num,
            numerator=num,
            denominator=None,
            status="published",
        )
    den = value(bottom)
    if num is None or den is None:
        hidden = top if num is None else bottom
        return secret(group, tenant, hidden)
    if den <= 0 or den < definition.min_denominator:
        return CellOut(
            group=group,
            tenant=tenant,
            value=None,
            numerator=num,
            denominator=den,
            status="small-denominator",
            note=SMALL_DENOMINATOR,
        )
    return CellOut(
        group=group,
        tenant=tenant,
        value=num / den * definition.factor,
        numerator=num,
        denominator=den,
        status="published",
    )


def _by_code(
    result: IndicatorResult,
    cells: Cells,
    prefix: str,
    query: Query,
    tenants: Sequence[str],
    own_tenant: str | None,
    min_companies: int,
) -> None:
    """Hazards (or factors) as rows, for one NAF section or all; hazards of a population below
    the frequency threshold are not published at all (they would list a company's hazards)."""
    naf = query.naf or ""
    codes = sorted(
        {m[len(prefix) :] for (m, _, n, _) in cells if m.startswith(prefix) and n == naf}
    )

    def rows(tenant: str, own: bool) -> list[CellOut]:
        population = cells.get(("employees", tenant, naf, ""))
        if (
            prefix == COMPANIES_BY_HAZARD
            and not own
            and (population is None or population.companies < min_companies)
        ):
            return []
        out = []
        for code in codes:
            row = cells.get((prefix + code, tenant, naf, ""))
            if row is None:
                continue
            value = row.own_value if own else row.value
            if value is None:
                out.append(secret(code, tenant or None, row))
            else:
                out.append(
                    CellOut(
                        group=code,
                        tenant=tenant or None,
                        value=value,
                        numerator=value,
                        denominator=None,
                        status="published",
                    )
                )
        if prefix == COMPANIES_BY_HAZARD:
            out = _top_ten(out)
        return out

    if query.scope == "tenant":
        assert own_tenant is not None
        result.cells = rows(own_tenant, True)
        return
    result.cells = rows(REGION, False)
    if not result.cells and prefix == COMPANIES_BY_HAZARD:
        result.note = (
            f"Moins de {min_companies} entreprises ont publié un DUERP : tableau non diffusé."
        )
    result.by_tenant = [c for t in tenants for c in rows(t, False)]


def _top_ten(cells: list[CellOut]) -> list[CellOut]:
    """The ten most frequent published hazards, then the secret ones (marked, not ranked)."""
    published = sorted(
        (c for c in cells if c.status == "published"),
        key=lambda c: (-(c.value or 0), c.group or ""),
    )[:10]
    return [*published, *(c for c in cells if c.status == "secret")]
