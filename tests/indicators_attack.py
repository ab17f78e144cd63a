"""An attack on published indicator answers, written apart from the service's own code.

It knows only what an intruder would: the cells the API published (JSON), that each is the sum
of its companies' contributions, that contributions are non-negative, which finest cells
(tenant × NAF division × size band) have companies at all (the business register says so),
and — for a tenant intruder — every contribution of its own companies. Its unknowns are the
finest cells themselves, so any linear combination of published figures (margins, nested
differences, answers combined across breakdowns and filters) is within its reach. For each
sensitive figure (the rules computed from the true companies) it solves, with HiGHS, the
smallest and largest values compatible with everything published.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import highspy
import numpy as np

Leaf = tuple[str, str, str]  # tenant, division, size
Box = tuple[str | None, str | None, str | None]  # tenant, naf (section or division), size


@dataclass(frozen=True)
class Company:
    tenant: str
    division: str
    section: str
    size: str
    value: float


def contains(box: Box, leaf: Leaf, section_of: Mapping[str, str]) -> bool:
    tenant, naf, size = box
    return (
        (tenant is None or tenant == leaf[0])
        and (naf is None or naf == leaf[1] or naf == section_of[leaf[1]])
        and (size is None or size == leaf[2])
    )


@dataclass(frozen=True)
class Finding:
    box: Box
    intruder: str
    true: float
    low: float
    high: float
    margin: float


def sensitive(values: list[float], *, persons: bool) -> bool:
    """FREQ(3) | NK(1, 85) | persons < 11 on a set of contributions."""
    if not values:
        return False
    if len(values) < 3:
        return True
    total = sum(values)
    if total > 0 and max(values) * 100 > 85 * total:
        return True
    return persons and 0 < total < 11


def attack(
    companies: list[Company],
    published: Mapping[Box, float],
    boxes: Iterable[Box],
    *,
    persons: bool = False,
    tenants: Iterable[str] = (),
    relative: float = 0.10,
) -> list[Finding]:
    """Every sensitive box (for the outsider, and for each tenant in ``tenants`` on the part
    outside it) whose interval is narrower than ±``relative`` (at least one unit)."""
    section_of = {c.division: c.section for c in companies}
    leaves = sorted({(c.tenant, c.division, c.size) for c in companies})
    index = {leaf: j for j, leaf in enumerate(leaves)}
    truth = np.zeros(len(leaves))
    for c in companies:
        truth[index[(c.tenant, c.division, c.size)]] += c.value
    members = {
        box: [j for leaf, j in index.items() if contains(box, leaf, section_of)]
        for box in set(published) | set(boxes)
    }
    findings = []
    for intruder in (None, *tenants):
        known = [j for leaf, j in index.items() if intruder is not None and leaf[0] == intruder]
        lp = _model(len(leaves), published, members, truth, known)
        for box in sorted(set(boxes), key=str):
            if box in published:
                continue
            inside = [
                c.value
                for c in companies
                if contains(box, (c.tenant, c.division, c.size), section_of)
            ]
            foreign = [
                c.value
                for c in companies
                if contains(box, (c.tenant, c.division, c.size), section_of)
                and c.tenant != intruder
            ]
            if not sensitive(foreign if intruder else inside, persons=persons):
                continue
            cols = [j for j in members[box] if j not in known]
            if not cols:
                continue
            true = float(truth[cols].sum())
            low, high = _bounds(lp, cols)
            margin = max(relative * true, 1.0)
            margin = float(math.ceil(margin - 1e-9))
            if low > true - min(true, margin) + 1e-6 or high < true + margin - 1e-6:
                findings.append(Finding(box, intruder or "outsider", true, low, high, margin))
    return findings


def _model(
    n: int,
    published: Mapping[Box, float],
    members: Mapping[Box, list[int]],
    truth: np.ndarray,
    known: list[int],
) -> highspy.Highs:
    highs = highspy.Highs()
    highs.silent()
    lower = np.zeros(n)
    upper = np.full(n, highspy.kHighsInf)
    for j in known:
        lower[j] = upper[j] = truth[j]
    highs.addVars(n, lower, upper)
    for box, value in published.items():
        cols = members[box]
        if cols:
            highs.addRow(
                value, value, len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols))
            )
    return highs


def _bounds(highs: highspy.Highs, cols: list[int]) -> tuple[float, float]:
    n = highs.getNumCol()
    result = []
    for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
        cost = np.zeros(n)
        cost[cols] = 1.0
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        highs.changeObjectiveSense(sense)
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            result.append(highs.getInfo().objective_function_value)
        elif sense == highspy.ObjSense.kMaximize:
            result.append(math.inf)
        else:
            raise RuntimeError(f"attack LP: {highs.modelStatusToString(status)}")
    return result[0], result[1]
