"""The measures a release publishes, each as one cube (:mod:`.cubes`), and the rates built on
them. Indicators (``indicators.catalogue.definitions``) name their numerator and denominator
among these."""

from __future__ import annotations

from indicators.domain.release.audit import RateLink
from indicators.domain.release.cubes import Measure, Shape

_BASE = (
    Measure("members", Shape.NAF_SIZE),  # member companies known to the service
    Measure("covered", Shape.NAF_SIZE),  # … whose DUERP was published in the last 12 months
    Measure("employees", Shape.NAF_SIZE),  # employees of companies with a DUERP of the year
    Measure("exposed", Shape.NAF_SIZE, persons=True),  # … exposed to at least one hazard
    Measure("work_units", Shape.NAF_SIZE),
    Measure("serious_units", Shape.NAF_SIZE),  # with a major or important residual risk
    Measure("actions_due", Shape.NAF_SIZE),
    Measure("actions_on_time", Shape.NAF_SIZE),
    Measure("accidents", Shape.NAF_SIZE),  # with time off (annual reports)
    Measure("days_lost", Shape.NAF_SIZE),
    Measure("hours", Shape.NAF_SIZE, integer=False),
    Measure("agents", Shape.NAF_SIZE),
)
BASE = {m.name: m for m in _BASE}

# Measures by code, one cube each, tenant × NAF section: exposed employees per hazard family,
# companies per hazard, employees above the C2P threshold per pénibilité factor.
EXPOSED_BY_FAMILY, COMPANIES_BY_HAZARD, C2P_BY_FACTOR = "exposed:", "hazard:", "c2p:"


def measure(name: str) -> Measure:
    """The measure called ``name`` (a base measure, or one of the per-code families)."""
    if name in BASE:
        return BASE[name]
    if name.startswith((EXPOSED_BY_FAMILY, C2P_BY_FACTOR)):
        return Measure(name, Shape.SECTION, persons=True)
    if name.startswith(COMPANIES_BY_HAZARD):
        return Measure(name, Shape.SECTION)
    raise KeyError(name)


def rate_links(names: set[str]) -> list[RateLink]:
    """Numerators bounded by their denominator company by company."""
    pairs = [
        ("covered", "members"),
        ("exposed", "employees"),
        ("serious_units", "work_units"),
        ("actions_on_time", "actions_due"),
    ]
    pairs += [(n, "employees") for n in sorted(names) if n.startswith(EXPOSED_BY_FAMILY)]
    return [RateLink(a, b) for a, b in pairs if a in names and b in names]
