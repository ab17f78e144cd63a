"""What leaves the tenant when a DUERP is published: aggregates, nothing else.

See docs/architecture.md § The privacy boundary.

Pure functions from a snapshot to the event payloads of ``cosar_common.events.assessment``.
The company is named by a keyed pseudonym; hazards, factors and actions only by codes and
counts. No name, SIRET, address, free text or person can get in: the payload classes refuse
any field they do not declare, and a contract test fills a DUERP with distinctive strings and
looks for them in the events.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from assessment.domain.snapshot import ActionStatus, DuerpSnapshot, Priority
from cosar_common.clock import date_of
from cosar_common.events.assessment import (
    ActionCounts,
    DuerpPublished,
    HazardAggregate,
    JobCount,
    PenibiliteAggregate,
)
from cosar_common.vocabulary import size_band

_RANK = {p: rank for rank, p in enumerate(Priority)}
SERIOUS = frozenset({Priority.MAJOR, Priority.IMPORTANT})


@dataclass
class _HazardTotals:
    exposed: int = 0
    units: set[uuid.UUID] = field(default_factory=set)
    priority: Priority = Priority.LOW
    pcs: set[str] = field(default_factory=set)
    by_pcs: dict[str, int] = field(default_factory=dict)


def action_counts(snapshot: DuerpSnapshot, today: date) -> ActionCounts:
    counts = {status: 0 for status in ActionStatus}
    due = done_on_time = 0
    for action in snapshot.actions:
        counts[action.status] += 1
        if action.deadline is not None and action.deadline < today:
            if action.status is ActionStatus.ABANDONED:
                continue
            due += 1
            if action.done_on is not None and action.done_on <= action.deadline:
                done_on_time += 1
    return ActionCounts(
        planned=counts[ActionStatus.PLANNED],
        in_progress=counts[ActionStatus.IN_PROGRESS],
        done=counts[ActionStatus.DONE],
        abandoned=counts[ActionStatus.ABANDONED],
        due=due,
        done_on_time=done_on_time,
    )


def duerp_published(
    snapshot: DuerpSnapshot, *, company_pseudonym: str, family_of: Callable[[str], str | None]
) -> DuerpPublished:
    """The anonymised aggregates of a published version.

    Per hazard code: the exposed headcount summed over work units (the risk line's own count,
    else its work unit's headcount), the highest residual priority and the PCS jobs involved.
    """
    hazards: dict[str, _HazardTotals] = {}
    serious_units = 0
    for unit in snapshot.work_units:
        if any(r.rating.priority in SERIOUS for r in unit.risks):
            serious_units += 1
        for risk in unit.risks:
            totals = hazards.setdefault(risk.hazard.code, _HazardTotals())
            exposed = risk.exposed_headcount
            totals.exposed += exposed if exposed is not None else unit.headcount
            totals.units.add(unit.id)
            if _RANK[risk.rating.priority] > _RANK[totals.priority]:
                totals.priority = risk.rating.priority
            totals.pcs.update(job.code for job in unit.jobs)
            for job in unit.jobs:
                exposed_here = exposed if exposed is not None else unit.headcount
                totals.by_pcs[job.code] = totals.by_pcs.get(job.code, 0) + exposed_here
    hazard_lines = [
        HazardAggregate(
            code=code,
            family=family_of(code),
            exposed_headcount=min(totals.exposed, snapshot.company.headcount),
            work_units=len(totals.units),
            priority=totals.priority.value,
            pcs_codes=sorted(totals.pcs),
            exposed_by_pcs=[
                JobCount(pcs=pcs, count=count) for pcs, count in sorted(totals.by_pcs.items())
            ],
        )
        for code, totals in sorted(hazards.items())
    ]
    jobs: dict[str, int] = {}
    for unit in snapshot.work_units:
        for job in unit.jobs:
            jobs[job.code] = jobs.get(job.code, 0) + unit.headcount
    published_on = date_of(snapshot.published_at)  # the Paris date, as every business date
    return DuerpPublished(
        company=company_pseudonym,
        version=snapshot.number,
        published_on=published_on,
        year=snapshot.assessed_year,
        naf_code=snapshot.company.naf.code,
        size_band=size_band(snapshot.company.headcount),
        headcount=snapshot.company.headcount,
        work_units=len(snapshot.work_units),
        work_units_major_or_important=serious_units,
        jobs=[JobCount(pcs=pcs, count=count) for pcs, count in sorted(jobs.items())],
        hazards=hazard_lines,
        penibilite=[
            PenibiliteAggregate(
                factor=line.factor.code, above_threshold=line.exposed_above_threshold
            )
            for line in snapshot.penibilite_annex
            if line.has_c2p_threshold
        ],
        actions=action_counts(snapshot, published_on),
    )
