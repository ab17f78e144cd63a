"""Generated populations: a region of a realistic shape, with the cases that break naive
protection on purpose (used by the tests, the benchmark and the audit's own checks).

Deterministic from a seed. Sizes are skewed as in the business register (most companies under
ten employees, a few above 250); each company has a DUERP with a probability, hazards typical of
its sector, some pénibilité exposures, and an annual report now and then.
"""

from __future__ import annotations

import random
from dataclasses import replace

from indicators.domain.release.cubes import Unit
from indicators.domain.release.measures import C2P_BY_FACTOR, COMPANIES_BY_HAZARD, EXPOSED_BY_FAMILY
from indicators.domain.release.release import Population

SECTIONS = {
    **{f"{d:02d}": "A" for d in range(1, 4)},
    **{f"{d:02d}": "B" for d in range(5, 10)},
    **{f"{d:02d}": "C" for d in range(10, 34)},
    "35": "D",
    **{f"{d:02d}": "E" for d in range(36, 40)},
    **{f"{d:02d}": "F" for d in range(41, 44)},
    **{f"{d:02d}": "G" for d in range(45, 48)},
    **{f"{d:02d}": "H" for d in range(49, 54)},
    **{f"{d:02d}": "I" for d in range(55, 57)},
    **{f"{d:02d}": "J" for d in range(58, 64)},
    **{f"{d:02d}": "K" for d in range(64, 67)},
    "68": "L",
    **{f"{d:02d}": "M" for d in range(69, 76)},
    **{f"{d:02d}": "N" for d in range(77, 83)},
    "84": "O",
    "85": "P",
    **{f"{d:02d}": "Q" for d in range(86, 89)},
    **{f"{d:02d}": "R" for d in range(90, 94)},
    **{f"{d:02d}": "S" for d in range(94, 97)},
}
# Common divisions (weights) of a region's member companies.
COMMON = {
    "47": 14,
    "43": 12,
    "56": 10,
    "41": 5,
    "45": 5,
    "10": 6,
    "49": 5,
    "86": 5,
    "87": 3,
    "62": 4,
    "68": 3,
    "69": 4,
    "70": 3,
    "81": 4,
    "96": 4,
    "46": 6,
    "55": 3,
    "85": 2,
    "88": 3,
    "71": 2,
    "25": 2,
    "52": 2,
    "82": 2,
    "93": 2,
}
SIZE_WEIGHTS = {"0": 12, "1-9": 58, "10-49": 22, "50-249": 6, "250+": 2}
HEADCOUNT = {"0": (0, 0), "1-9": (1, 9), "10-49": (10, 49), "50-249": (50, 249), "250+": (250, 900)}
FAMILIES = ("PHY", "CHI", "BIO", "ERG", "PSY", "ORG")
HAZARDS = {f: tuple(f"{f}-{i}" for i in range(1, 6)) for f in FAMILIES}
FACTORS = ("NUIT", "BRUIT", "TEMP", "ALTERN", "REPET", "EQUIPE")


def company(rng: random.Random, tenant: str, name: str, division: str, size: str) -> Unit:
    low, high = HEADCOUNT[size]
    headcount = rng.randint(low, high)
    values: dict[str, float] = {"members": 1, "covered": float(rng.random() < 0.6)}
    if values["covered"] or rng.random() < 0.2:
        units = rng.randint(1, 3 + headcount // 40)
        values |= {
            "employees": headcount,
            "work_units": units,
            "serious_units": rng.randint(0, units),
        }
        due = rng.randint(0, 6)
        values |= {"actions_due": due, "actions_on_time": rng.randint(0, due)}
        exposed_any = 0
        for family in rng.sample(FAMILIES, rng.randint(1, 4)):
            exposed = rng.randint(0, headcount)
            exposed_any = max(exposed_any, exposed)
            values[EXPOSED_BY_FAMILY + family] = exposed
            for hazard in rng.sample(HAZARDS[family], rng.randint(1, 2)):
                values[COMPANIES_BY_HAZARD + hazard] = 1
        values["exposed"] = exposed_any
        if headcount and rng.random() < 0.3:
            for factor in rng.sample(FACTORS, rng.randint(1, 2)):
                values[C2P_BY_FACTOR + factor] = rng.randint(0, headcount)
    if headcount >= 10 and rng.random() < 0.25:
        hours = headcount * 1607.0
        accidents = rng.randint(0, max(1, headcount // 15))
        values |= {
            "hours": hours,
            "agents": headcount,
            "accidents": accidents,
            "days_lost": accidents * rng.randint(0, 40),
        }
    return Unit(tenant, name, division, size, values)


def region(tenants: int, companies: int, *, seed: int) -> list[Unit]:
    """``tenants`` × ``companies`` ordinary member companies."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    divisions, weights = zip(*COMMON.items(), strict=True)
    sizes, size_weights = zip(*SIZE_WEIGHTS.items(), strict=True)
    units = []
    for t in range(tenants):
        tenant = f"sst-{t + 1:02d}"
        for c in range(companies):
            division = rng.choices(divisions, weights)[0]
            size = rng.choices(sizes, size_weights)[0]
            units.append(company(rng, tenant, f"{tenant}-c{c:05d}", division, size))
    return units


def adversarial(tenants: int = 3, companies: int = 40, *, seed: int = 7) -> Population:
    """A region with the cases that defeat per-answer protection: a one-company sector, rare
    divisions with two companies, a dominant employer among small ones, a sector present in two
    tenants only, a tenant alone in a sector but for one company elsewhere."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    units = region(tenants, companies, seed=seed)
    names = [f"sst-{t + 1:02d}" for t in range(tenants)]
    extra = [
        company(rng, names[0], "alone-in-35", "35", "10-49"),  # a one-company sector
        company(rng, names[1], "rare-05-a", "05", "1-9"),  # a division with two companies
        company(rng, names[2], "rare-05-b", "05", "10-49"),
        company(rng, names[0], "giant-10", "10", "250+"),  # a dominant employer
        company(rng, names[0], "two-84-a", "84", "50-249"),  # a sector of two tenants only
        company(rng, names[0], "two-84-b", "84", "10-49"),
        company(rng, names[0], "two-84-c", "84", "1-9"),
        company(rng, names[1], "two-84-d", "84", "10-49"),
        *[company(rng, names[0], f"mostly-t0-66-{i}", "66", "1-9") for i in range(5)],
        company(rng, names[2], "one-foreign-66", "66", "1-9"),  # T0's sector but for one
    ]
    giant = extra[3]
    extra[3] = replace(giant, values={**giant.values, "employees": 2400, "exposed": 2000})
    return Population(tuple(units + extra), SECTIONS)


def later(population: Population, *, seed: int, arrivals: int = 3, updates: int = 5) -> Population:
    """The same year some weeks later: a few companies arrive (some in sectors where they are
    alone or nearly), a few update their DUERP."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    units = list(population.units)
    for i in rng.sample(range(len(units)), updates):
        unit = units[i]
        if "exposed" in unit.values:
            bumped = {**unit.values, "exposed": unit.values["exposed"] + 1}
            units[i] = replace(unit, values=bumped)
    tenants = sorted({u.tenant for u in units})
    for i in range(arrivals):
        tenant = tenants[i % len(tenants)]
        division = rng.choice(("47", "43", "56", "35"))
        units.append(company(rng, tenant, f"new-{i}", division, "1-9"))
    return Population(tuple(units), population.sections, population.sizes)
