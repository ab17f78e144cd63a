"""Indicator cells from company contributions, with statistical secrecy where it is due.

Pure functions. A regional result is protected as linked tables — tenant × breakdown with all
margins, numerator and denominator together — by the secrecy module (primary rules, secondary
suppression, attack check); a rate inherits the secrecy of its two terms and is withheld on too
small a denominator. A tenant's own result (its SPSTI staff, its CPOM) is not protected: it
never leaves the tenant; its position is given against the protected regional figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from indicators.catalogue.definitions import Breakdown, IndicatorDefinition
from indicators.domain.secrecy import (
    SECRET_LABEL,
    TOTAL,
    CellKey,
    Dimension,
    PrimaryRules,
    Protection,
    ProtectionLevel,
    Record,
    TableSpec,
    build_tables,
    protect,
    publishable_rates,
)
from indicators.domain.secrecy.rates import Rate, RateStatus

TENANT = "tenant"
GROUP = "group"


@dataclass(frozen=True)
class Contribution:
    """The companies (or establishments) of one finest cell — a tenant and a breakdown code —
    as the secrecy rules need them: how many, the sums, the largest single contribution.

    Each company sits in exactly one finest cell, so counts and sums add up to the margins and
    the largest contribution of a margin is the largest of its cells' — enough for the
    frequency rule, the persons rule and dominance NK(1, k), without company-level rows.
    """

    tenant: str
    group: str  # the breakdown code (NAF division, size band, hazard, factor…)
    companies: int
    numerator: float
    numerator_max: float
    denominator: float = 0.0
    denominator_max: float = 0.0
    # Set when one company may sit in several finest cells (a breakdown by profession): its
    # rows stay its own, so margins count it once and add up its contributions.
    company: str | None = None


@dataclass(frozen=True)
class CellResult:
    group: str
    tenant: str | None
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str  # published | secret | small-denominator
    note: str | None = None


@dataclass(frozen=True)
class Result:
    cells: list[CellResult]
    by_tenant: list[CellResult] = field(default_factory=list)


def group_dimension(
    breakdown: Breakdown, codes: Sequence[str], parents: dict[str, str]
) -> Dimension:
    """The breakdown's hierarchy: NAF divisions under their sections, otherwise flat."""
    if breakdown is Breakdown.NAF_DIVISION:
        sections = {parents[c] for c in codes}
        return Dimension(GROUP, {**{s: TOTAL for s in sections}, **{c: parents[c] for c in codes}})
    return Dimension.flat(GROUP, codes)


def _split(total: float, largest: float, companies: int, cap: int) -> list[float]:
    """Stand-in contributions: the largest, and the rest shared by at most ``cap`` - 1 others.

    With ``cap`` the frequency threshold, a cell and every margin above it keep the same
    verdict as with one row per company: Σ min(n, cap) ≥ cap exactly when Σ n ≥ cap. The
    largest contribution is the true one, and a share of the rest is at most half the cell,
    so dominance NK(1, k) (k > 50) decides as it would. Sums, hence persons, are exact.
    """
    if companies <= 1:
        return [total]
    parts = min(companies, cap) - 1
    rest = (total - largest) / parts
    return [largest] + [rest] * parts


def _records(
    definition: IndicatorDefinition, rows: Sequence[Contribution], cap: int
) -> list[Record]:
    """Stand-in contributors per finest cell (see ``_split``); a company that may sit in
    several cells keeps its own identity instead."""
    records = []
    for row in rows:
        coords = {TENANT: row.tenant, GROUP: row.group}
        who = f"{row.company}#" if row.company else f"{row.tenant}/{row.group}/"
        persons = round(row.numerator) if definition.persons else None
        shares = _split(row.numerator, row.numerator_max, row.companies, cap)
        for n, value in enumerate(shares):
            records.append(
                Record("num", f"{who}{n}", coords, value, (persons if n == 0 else 0))
                if persons is not None
                else Record("num", f"{who}{n}", coords, value)
            )
        if definition.denominator is not None:
            shares = _split(row.denominator, row.denominator_max, row.companies, cap)
            records.extend(
                Record("den", f"{who}{n}", coords, value) for n, value in enumerate(shares)
            )
    return records


def regional(
    definition: IndicatorDefinition,
    rows: Sequence[Contribution],
    groups: Dimension,
    *,
    rules: PrimaryRules,
    level: ProtectionLevel,
) -> Result:
    """All tenants: cells by breakdown and by tenant × breakdown, protected together."""
    if not rows:
        return Result(cells=[])
    tenants = Dimension.flat(TENANT, sorted({r.tenant for r in rows}))
    depth = {GROUP: 2 if any(groups.level(c) == 2 for c in groups.parents) else 1}
    specs = [TableSpec("numerator", "num", (tenants, groups), depth)]
    if definition.denominator is not None:
        specs.append(TableSpec("denominator", "den", (tenants, groups), depth))
    protection = protect(
        build_tables(_records(definition, rows, max(2, rules.min_companies)), specs),
        rules=rules,
        level=level,
    )
    rates = (
        publishable_rates(
            protection,
            protection,
            measure="rate",
            factor=definition.factor,
            min_denominator=definition.min_denominator,
            numerator_measure="num",
            denominator_measure="den",
        )
        if definition.denominator is not None
        else {}
    )
    cells, by_tenant = [], []
    for key in sorted({k.coords for k in protection.tables.cells}):
        coords = dict(key)
        result = _cell(definition, protection, key, rates.get(CellKey("rate", key)))
        if TENANT in coords:
            by_tenant.append(result)
        else:
            cells.append(result)
    return Result(cells=cells, by_tenant=by_tenant)


def _cell(
    definition: IndicatorDefinition,
    protection: Protection,
    coords: tuple[tuple[str, str], ...],
    rate: Rate | None,
) -> CellResult:
    where = dict(coords)
    group, tenant = where.get(GROUP, TOTAL), where.get(TENANT)
    numerator_key = CellKey("num", coords)
    num_secret = protection.is_secret(numerator_key)
    numerator = None if num_secret else protection.tables.value(numerator_key)
    if definition.denominator is None:
        status = "secret" if num_secret else "published"
        return CellResult(
            group, tenant, numerator, numerator, None, status, SECRET_LABEL if num_secret else None
        )
    denominator_key = CellKey("den", coords)
    den_secret = protection.is_secret(denominator_key)
    denominator = None if den_secret else protection.tables.value(denominator_key)
    if rate is None or rate.status is RateStatus.SECRET:
        return CellResult(group, tenant, None, numerator, denominator, "secret", SECRET_LABEL)
    if rate.status is RateStatus.SMALL_DENOMINATOR:
        note = "Dénominateur trop petit pour que le taux ait un sens : non publié."
        return CellResult(group, tenant, None, numerator, denominator, "small-denominator", note)
    return CellResult(group, tenant, rate.value, numerator, denominator, "published")


def own(definition: IndicatorDefinition, rows: Sequence[Contribution], groups: Dimension) -> Result:
    """One tenant's own figures (its staff see its member companies anyway): no secrecy,
    but rates still need their minimum denominator."""
    sums: dict[str, list[float]] = {}
    for row in rows:
        for code in groups.ancestors(row.group):
            entry = sums.setdefault(code, [0.0, 0.0])
            entry[0] += row.numerator
            entry[1] += row.denominator
    cells = []
    for code, (num, den) in sorted(sums.items()):
        if definition.denominator is None:
            cells.append(CellResult(code, None, num, num, None, "published"))
        elif den <= 0 or den < definition.min_denominator:
            note = "Dénominateur trop petit pour que le taux ait un sens : non publié."
            cells.append(CellResult(code, None, None, num, den, "small-denominator", note))
        else:
            cells.append(
                CellResult(code, None, num / den * definition.factor, num, den, "published")
            )
    return Result(cells=cells)
