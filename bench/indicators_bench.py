"""Indicator releases benchmark: one release of a generated region built, protected jointly and
audited, at growing sizes; what it hides, beside the same tables protected one at a time.

(a) for each size (companies per SPSTI, 17 SPSTI by default): the population generated
    (``indicators.domain.release.synthetic.region``: skewed sizes, rare NAF divisions, a few
    dominant employers), every cube built and protected against the outsider, each SPSTI and
    each company, then audited and repaired (``protect_release``), with a progress line per
    cube; then the audit alone, run again on the result.
(b) information loss of the last release, region and SPSTI level: share of non-empty cells and
    of their value hidden, beside the same tables each protected alone (primary rules and
    secondary suppression table by table, as the per-query indicators did: the region table and
    each SPSTI's table apart, nothing coordinated between them).

Runs in this process, on the service's own domain code: no infrastructure needed. Prints
figures only, with the targets beside them: nothing passes or fails.

    uv run python bench/indicators_bench.py [--companies 10000] [--growth 1000,3000] [--tenants 17]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Mapping
from dataclasses import replace

from indicators.domain.release.audit import audit_release
from indicators.domain.release.cubes import TENANT, build_cube
from indicators.domain.release.measures import measure, rate_links
from indicators.domain.release.protect import Pass, ProtectedCube, protect_cube
from indicators.domain.release.release import (
    Loss,
    Population,
    information_loss,
    protect_release,
)
from indicators.domain.release.synthetic import SECTIONS, region
from indicators.domain.secrecy import TOTAL, cell_key
from indicators.releases.service import secrecy_of
from indicators.settings import IndicatorsSettings

TARGET_S = 600.0


def one_release(tenants: int, companies: int, seed: int) -> tuple[Population, dict, float]:
    population = Population(tuple(region(tenants, companies, seed=seed)), SECTIONS)
    secrecy = secrecy_of(IndicatorsSettings())
    started = time.perf_counter()

    def progress(done: int, total: int, step: str) -> None:
        print(f"    [{time.perf_counter() - started:7.1f} s] {done}/{total} {step}", flush=True)

    protected = protect_release(population, secrecy, progress=progress)
    made = time.perf_counter() - started
    audit_started = time.perf_counter()
    report = audit_release(protected.cubes, secrecy, links=rate_links(set(protected.cubes)))
    audited = time.perf_counter() - audit_started
    print(
        f"(a) {tenants} SPSTI x {companies} companies ({len(population.units)} units, "
        f"{sum(len(pc.cube.tables.cells) for pc in protected.cubes.values())} cells): "
        f"built, protected and audited in {made:.1f} s (target < {TARGET_S:.0f} s at 10,000); "
        f"audit alone {audited:.1f} s; breaches {len(report.breaches)} (target 0)",
        flush=True,
    )
    return population, dict(protected.cubes), made


def separately(population: Population) -> dict[str, ProtectedCube]:
    """Each table protected alone: the region table (every unit in one tenant) and each
    SPSTI's table, primary rules and the outsider's secondary suppression only."""
    secrecy = secrecy_of(IndicatorsSettings())
    out: dict[str, ProtectedCube] = {}
    tenants = sorted({unit.tenant for unit in population.units})
    for name in population.measures:
        kind = measure(name)
        whole = build_cube(kind, population.units, sections=SECTIONS, sizes=population.sizes)
        reasons = {}
        merged = [replace(unit, tenant="region") for unit in population.units]
        slices = [("region", merged)] + [
            (t, [u for u in population.units if u.tenant == t]) for t in tenants
        ]
        for tenant, units in slices:
            if not any(name in u.values for u in units):
                continue
            cube = build_cube(kind, units, sections=SECTIONS, sizes=population.sizes)
            alone = protect_cube(cube, secrecy, passes={Pass.SECONDARY})
            for key in alone.hidden:
                if key.code(TENANT) == TOTAL:
                    continue
                coords = dict(key.coords)
                coords[TENANT] = TOTAL if tenant == "region" else tenant
                reasons[cell_key(name, coords)] = alone.reasons[key]
        out[name] = ProtectedCube(whole, reasons)
    return out


def show_loss(label: str, cubes: Mapping[str, ProtectedCube]) -> None:
    loss: dict[str, Loss] = information_loss(cubes)
    parts = [
        f"{level} {item.hidden}/{item.cells} cells hidden ({item.cell_share:.1%}), "
        f"{item.value_share:.1%} of value"
        for level, item in loss.items()
    ]
    print(f"(b) {label}: " + "; ".join(parts), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10_000, help="per SPSTI")
    parser.add_argument(
        "--growth", default="1000,3000", help="smaller sizes first (comma-separated, or empty)"
    )
    parser.add_argument("--tenants", type=int, default=17)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(s) for s in args.growth.split(",") if s.strip()]
    sizes = [s for s in sizes if s < args.companies] + [args.companies]
    timings = []
    population: Population | None = None
    cubes: dict[str, ProtectedCube] = {}
    for size in sizes:
        population, cubes, made = one_release(args.tenants, size, args.seed)
        timings.append((size, made))
    print("    growth: " + ", ".join(f"{s} -> {t:.0f} s" for s, t in timings))
    assert population is not None
    show_loss("joint release", cubes)
    show_loss("same tables one at a time", separately(population))
    print(
        "targets: release at 17 x 10,000 < 10 min; region level: most cells and most of the "
        "value published (see docs/benchmarks.md)"
    )


if __name__ == "__main__":
    main()
