"""Secrecy on generated regional data of realistic shape: 17 tenants, skewed company sizes
(Pareto), sectors of very unequal popularity (sparse), a few hazard families, three years; three
linked tables sharing NAF section, tenant and hazard margins."""

import time
from dataclasses import replace

import numpy as np
import pytest

from indicators.domain.secrecy import (
    TOTAL,
    Dimension,
    Protection,
    Record,
    SecretReason,
    TableSet,
    TableSpec,
    attack,
    build_tables,
    exposed,
    protect,
    reprotect,
)

pytestmark = pytest.mark.unit

TENANTS = [f"T{t:02d}" for t in range(17)]
YEARS = ["2022", "2023", "2024"]
HAZARDS = ["noise", "dust", "chemicals", "loads", "vibrations", "night-work", "heat", "postures"]


def regional_records(*, seed: int, companies_per_tenant: int) -> tuple[list[Record], Dimension]:
    """Exposure lines (persons exposed to a hazard family) per company and year."""
    rng = np.random.default_rng(seed)
    parents: dict[str, str] = {}
    divisions = []
    for s in range(12):
        section = chr(ord("A") + s)
        parents[section] = TOTAL
        for d in range(int(rng.integers(1, 6))):
            divisions.append(f"{section}{d:02d}")
            parents[divisions[-1]] = section
    popularity = rng.pareto(1.2, len(divisions)) + 0.05
    popularity /= popularity.sum()
    records = []
    for tenant in TENANTS:
        for c in range(int(companies_per_tenant * rng.lognormal(0, 0.5))):
            division = divisions[int(rng.choice(len(divisions), p=popularity))]
            size = int(min(5000, 1 + rng.pareto(1.1) * 8))
            families = rng.choice(len(HAZARDS), size=int(rng.integers(1, 4)), replace=False)
            for year in YEARS:
                if rng.random() < 0.15:
                    continue  # not followed that year
                for family in sorted(families):
                    exposed_persons = int(rng.binomial(size, rng.uniform(0.05, 0.6)))
                    if exposed_persons:
                        coords = {"tenant": tenant, "naf": division, "year": year}
                        coords["hazard"] = HAZARDS[family]
                        records.append(
                            Record(
                                "exposed", f"{tenant}-{c}", coords, exposed_persons, exposed_persons
                            )
                        )
    return records, Dimension("naf", parents)


def regional_specs(naf: Dimension) -> list[TableSpec]:
    tenant, year = Dimension.flat("tenant", TENANTS), Dimension.flat("year", YEARS)
    hazard = Dimension.flat("hazard", HAZARDS)
    return [
        TableSpec("tenant_section_year", "exposed", (tenant, naf, year), {"naf": 1}),
        TableSpec("division_hazard", "exposed", (naf, hazard)),
        TableSpec("tenant_hazard", "exposed", (tenant, hazard)),
    ]


@pytest.fixture(scope="module")
def regional() -> tuple[list[Record], Dimension, TableSet]:
    records, naf = regional_records(seed=20240611, companies_per_tenant=80)
    return records, naf, build_tables(records, regional_specs(naf))


@pytest.fixture(scope="module")
def protection(regional) -> Protection:
    tables = regional[2]
    started = time.perf_counter()
    result = protect(tables)
    found = result.suppression
    assert found is not None
    print(
        f"\nregional: {len(tables.cells)} cells, {len(tables.equations)} equations, "
        f"{len(result.primary)} primary, {len(result.suppressed) - len(result.primary)} "
        f"secondary ({len(result.suppressed) / len(tables.cells):.0%} hidden), "
        f"cost {found.cost:.0f} >= bound {found.lower_bound:.0f}, {found.rounds} MIP rounds, "
        f"{time.perf_counter() - started:.1f} s"
    )
    return result


def test_every_primary_secret_cell_resists_the_attack(protection):
    started = time.perf_counter()
    results = protection.audit()
    print(f"\naudit: {len(results)} cells attacked in {time.perf_counter() - started:.1f} s")
    assert set(results) == protection.primary
    assert not exposed(results)
    for result in results.values():
        assert result.width >= 0.2 * result.value - 1e-6
        assert result.width > 0


def test_the_tables_are_realistic_and_not_everything_is_hidden(regional, protection):
    tables = regional[2]
    assert 500 <= len(tables.cells) <= 5000
    first, second, third = (set(keys) for keys in tables.tables.values())
    assert first & second  # linked through the NAF section margins
    assert first & third  # through the tenant margins
    assert second & third  # through the hazard margins
    reasons = set(protection.secrets.values())
    assert {SecretReason.FREQUENCY, SecretReason.DOMINANCE, SecretReason.SECONDARY} <= reasons
    assert len(protection.suppressed) < 0.6 * len(tables.cells)
    assert protection.published()[next(iter(sorted(tables.cells)))] is not None  # grand total


def test_primary_suppression_alone_is_attackable(regional, protection):
    tables = regional[2]
    results = attack(tables, protection.primary, targets=protection.primary)
    narrow = exposed(results)
    print(f"\nprimary only: {len(narrow)} of {len(results)} secret cells recomputable")
    assert len(narrow) > len(results) // 10
    assert any(r.upper - r.lower < 1e-6 for r in narrow)  # some are recomputed exactly


def test_same_input_gives_the_same_pattern(regional, protection):
    records, naf, _ = regional
    again = protect(build_tables(list(records), regional_specs(naf)))
    assert again.secrets == protection.secrets


def test_a_new_contribution_to_a_large_cell_keeps_the_pattern(regional, protection):
    records, naf, tables = regional
    company_records = [r for r in records if r.company == records[0].company]
    extra = replace(company_records[0], value=company_records[0].value + 1.0)
    updated = build_tables([*records, extra], regional_specs(naf))
    started = time.perf_counter()
    again = reprotect(protection, updated)
    print(f"\nreprotect, unchanged pattern: {time.perf_counter() - started:.2f} s")
    assert updated.cells[next(iter(sorted(tables.cells)))].value > 0
    assert not exposed(again.audit())
    if again.suppression is None:  # reused: exactly the previous pattern plus new primaries
        assert again.suppressed >= protection.suppressed & updated.cells.keys()


@pytest.mark.parametrize("keep_previous", [True, False])
def test_a_new_company_in_an_empty_sector_is_protected_incrementally(
    regional, protection, keep_previous
):
    records, naf, tables = regional
    divisions = sorted(code for code, parent in naf.parents.items() if parent != TOTAL)
    occupied = {(r.coords["tenant"], naf.parents[r.coords["naf"]]) for r in records}
    tenant, division = next(
        (t, d) for t in TENANTS for d in divisions if (t, naf.parents[d]) not in occupied
    )
    coords = {"tenant": tenant, "naf": division, "year": "2024", "hazard": "noise"}
    updated = build_tables(
        [*records, Record("exposed", "newcomer", coords, 4.0, 4)], regional_specs(naf)
    )
    started = time.perf_counter()
    again = reprotect(protection, updated, keep_previous=keep_previous)
    print(f"\nreprotect, new secret cell: {time.perf_counter() - started:.2f} s")
    new_cell = next(k for k in updated.cells if k not in tables.cells and len(k.coords) == 3)
    assert again.secrets[new_cell] is SecretReason.FREQUENCY
    assert not exposed(again.audit())
    if keep_previous:
        assert again.suppressed >= protection.suppressed
