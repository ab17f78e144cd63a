"""Use cases on the open DUERP: work units, risk lines and their rating, pénibilité, actions.

Each use case takes an :class:`Edit` (the request's session and transaction, the company, the
writer and ``expected`` = the client's ``If-Match``), validates every code against the
thesaurus, takes the DUERP's optimistic lock (:meth:`Edit.lock`) and only ``flush()``es. The
caller has already been allowed to see the company. A change of an action's status goes to
the outbox in the same transaction, for the reporting service (pseudonymous ids, codes, dates;
no text).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from assessment.domain.penibilite import C2P_FACTORS
from assessment.domain.rating import (
    RatingError,
    RatingMethod,
    control_level_from_measures,
    default_deadline,
)
from assessment.domain.snapshot import ActionStatus, MeasureSnapshot, Priority, RatingSnapshot
from assessment.duerp import repository
from assessment.duerp.models import Action, Duerp, PenibiliteExposure, Risk, RiskRatingChange
from assessment.duerp.models import WorkUnit as WorkUnitRow
from assessment.duerp.schemas import (
    ActionCreate,
    ActionUpdate,
    PenibiliteIn,
    RiskCreate,
    RiskUpdate,
    WorkUnitCreate,
    WorkUnitUpdate,
)
from assessment.reference.service import resolve_flags
from assessment.tenancy.service import rating_method, rating_violation, settings_of
from cosar_common import clock
from cosar_common.auth import Principal
from cosar_common.errors import NotFound, RuleViolation
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.assessment import ActionState, ActionStatusChanged, PriorityLevel
from cosar_common.events.outbox import OutboxWriter
from cosar_common.thesaurus_client import ThesaurusClient, require_code
from cosar_common.vocabulary import C2P_THRESHOLDS, DANGERS, FACTORS, PCS

MeasureKindLiteral = Literal["intrinsic", "collective", "individual", "instructions"]
_Row = TypeVar("_Row", WorkUnitRow, Risk, PenibiliteExposure, Action)


async def open_duerp(session: AsyncSession, company: Company) -> Duerp:
    return await repository.duerp_of(session, tenant_id=company.tenant_id, company_id=company.id)


@dataclass(frozen=True)
class Edit:
    """One change to a company's open DUERP: in the request's session, by ``principal``,
    against the ``lock_version`` it read (``expected``, the client's ``If-Match``)."""

    session: AsyncSession
    company: Company
    principal: Principal
    expected: int

    async def lock(self) -> Duerp:
        """Take the DUERP's optimistic lock: 409 ``edit_conflict`` if another change came
        first. Called once the change is checked, just before it is written."""
        duerp = await open_duerp(self.session, self.company)
        await repository.bump(
            self.session, duerp, expected=self.expected, actor=self.principal.actor
        )
        return duerp

    @property
    def owner(self) -> dict[str, Any]:
        """The tenant and company columns of a row the change adds."""
        return {"tenant_id": self.company.tenant_id, "company_id": self.company.id}

    async def added(self, row: _Row) -> _Row:
        """``row`` added to the session and flushed (its id and defaults filled in)."""
        self.session.add(row)
        await self.session.flush()
        return row


async def _jobs(client: ThesaurusClient, codes: list[str]) -> list[dict[str, Any]]:
    jobs = []
    for index, code in enumerate(dict.fromkeys(codes)):
        concept = await require_code(client, PCS, code, field=f"body.jobs.{index}")
        jobs.append({"system": PCS, "code": concept.code, "display": concept.display})
    return jobs


_Archivable = TypeVar("_Archivable", WorkUnitRow, Risk)
_NOT_FOUND = {WorkUnitRow: "Unité de travail introuvable.", Risk: "Risque introuvable."}


async def _current(edit: Edit, model: type[_Archivable], object_id: uuid.UUID) -> _Archivable:
    """The company's work unit or risk ``object_id``, unless archived: 404 otherwise."""
    row = await repository.get_in_company(
        edit.session, model, company_id=edit.company.id, object_id=object_id
    )
    if row is None or row.archived_at is not None:
        raise NotFound(_NOT_FOUND[model])
    return row


async def _work_unit(edit: Edit, unit_id: uuid.UUID) -> WorkUnitRow:
    return await _current(edit, WorkUnitRow, unit_id)


async def _risk(edit: Edit, risk_id: uuid.UUID) -> Risk:
    return await _current(edit, Risk, risk_id)


async def _archive(edit: Edit, row: _Archivable) -> None:
    """Archived, never deleted: the published versions still show it."""
    await edit.lock()
    row.archived_at = clock.system_now()
    await edit.session.flush()


# --- work units ---------------------------------------------------------------------------


async def add_work_unit(
    edit: Edit, *, data: WorkUnitCreate, client: ThesaurusClient
) -> WorkUnitRow:
    jobs = await _jobs(client, data.jobs)
    duerp = await edit.lock()
    return await edit.added(
        WorkUnitRow(
            **edit.owner,
            duerp_id=duerp.id,
            kind=data.kind.value,
            name=data.name,
            description=data.description,
            headcount=data.headcount,
            jobs=jobs,
        )
    )


async def update_work_unit(
    edit: Edit, *, unit_id: uuid.UUID, data: WorkUnitUpdate, client: ThesaurusClient
) -> WorkUnitRow:
    unit = await _work_unit(edit, unit_id)
    jobs = await _jobs(client, data.jobs) if data.jobs is not None else None
    await edit.lock()
    for name in ("name", "description", "headcount"):
        value = getattr(data, name)
        if value is not None:
            setattr(unit, name, value)
    if data.kind is not None:
        unit.kind = data.kind.value
    if jobs is not None:
        unit.jobs = jobs
        await resolve_flags(edit.session, unit.id, PCS)
    await edit.session.flush()
    return unit


async def copy_work_unit(edit: Edit, *, unit_id: uuid.UUID, name: str | None = None) -> WorkUnitRow:
    """A new work unit with the same description, risks (ratings included) and pénibilité."""
    session = edit.session
    source = await _work_unit(edit, unit_id)
    await edit.lock()
    copy = await edit.added(
        WorkUnitRow(
            tenant_id=source.tenant_id,
            company_id=source.company_id,
            duerp_id=source.duerp_id,
            kind=source.kind,
            name=name or f"{source.name} (copie)",
            description=source.description,
            headcount=source.headcount,
            jobs=list(source.jobs),
        )
    )
    skip = {"id", "work_unit_id", "created_at"}
    for risk in await repository.risks(session, [source.id]):
        values = {c.key: getattr(risk, c.key) for c in Risk.__table__.columns if c.key not in skip}
        session.add(Risk(**values, work_unit_id=copy.id))
    for exposure in await repository.exposures(session, [source.id]):
        table = PenibiliteExposure.__table__
        values = {c.key: getattr(exposure, c.key) for c in table.columns if c.key not in skip}
        session.add(PenibiliteExposure(**values, work_unit_id=copy.id))
    await session.flush()
    return copy


async def archive_work_unit(edit: Edit, *, unit_id: uuid.UUID) -> None:
    await _archive(edit, await _work_unit(edit, unit_id))


# --- risks --------------------------------------------------------------------------------


def _rate(
    method: RatingMethod,
    inputs: dict[str, int],
    control_level: str | None,
    measures: list[MeasureSnapshot],
) -> RatingSnapshot:
    if control_level is None and method.weighting:
        control_level = control_level_from_measures(m.kind for m in measures)
    try:
        return method.rate(inputs, control_level)
    except RatingError as exc:
        raise rating_violation(exc) from exc


def _apply_rating(risk: Risk, method: RatingMethod, rating: RatingSnapshot) -> None:
    risk.rating_inputs = dict(rating.inputs)
    risk.control_level = rating.control_level
    risk.method_key = method.key
    risk.raw_score = rating.raw_score
    risk.residual_score = rating.residual_score
    risk.raw_priority = rating.raw_priority.value
    risk.priority = rating.priority.value
    risk.deadline_months = rating.deadline_months


def _rating_record(risk: Risk) -> dict[str, Any]:
    return {
        "method": risk.method_key,
        "inputs": risk.rating_inputs,
        "control_level": risk.control_level,
        "raw_score": str(risk.raw_score),
        "residual_score": str(risk.residual_score),
        "priority": risk.priority,
    }


def _rating_change(
    edit: Edit, risk: Risk, before: dict[str, Any] | None, after: dict[str, Any], reason: str
) -> RiskRatingChange:
    return RiskRatingChange(
        **edit.owner,
        risk_id=risk.id,
        changed_by=edit.principal.actor,
        before=before,
        after=after,
        reason=reason,
    )


async def add_risk(
    edit: Edit, *, unit_id: uuid.UUID, data: RiskCreate, client: ThesaurusClient
) -> Risk:
    session, company = edit.session, edit.company
    unit = await _work_unit(edit, unit_id)
    hazard = await require_code(client, DANGERS, data.hazard_code, field="body.hazard_code")
    method = await rating_method(session, company.tenant_id)
    rating = _rate(method, data.rating, data.control_level, data.measures)
    await edit.lock()
    risk = Risk(
        **edit.owner,
        work_unit_id=unit.id,
        hazard_system=DANGERS,
        hazard_code=hazard.code,
        hazard_display=hazard.display,
        hazard_family=hazard.parents[0] if hazard.parents else None,
        situations=data.situations,
        damages=data.damages,
        measures=[m.model_dump(mode="json") for m in data.measures],
        exposed_headcount=data.exposed_headcount,
    )
    _apply_rating(risk, method, rating)
    await edit.added(risk)
    session.add(_rating_change(edit, risk, None, _rating_record(risk), "Cotation initiale"))
    await session.flush()
    return risk


async def update_risk(edit: Edit, *, risk_id: uuid.UUID, data: RiskUpdate) -> Risk:
    """Change a risk line; a new rating is kept in its history and clears the re-rating flag."""
    risk = await _risk(edit, risk_id)
    measures = (
        data.measures
        if data.measures is not None
        else [MeasureSnapshot.model_validate(m) for m in risk.measures]
    )
    rerate = data.rating is not None or data.control_level is not None or data.measures is not None
    method = await rating_method(edit.session, edit.company.tenant_id)
    rating = None
    if rerate:
        inputs = data.rating if data.rating is not None else risk.rating_inputs
        rating = _rate(method, inputs, data.control_level, measures)
    await edit.lock()
    for name in ("situations", "damages", "exposed_headcount"):
        value = getattr(data, name)
        if value is not None:
            setattr(risk, name, value)
    risk.measures = [m.model_dump(mode="json") for m in measures]
    if rating is not None:
        before = _rating_record(risk)
        _apply_rating(risk, method, rating)
        risk.needs_rerating = False
        after = _rating_record(risk)
        if after != before:
            edit.session.add(_rating_change(edit, risk, before, after, data.reason))
    await edit.session.flush()
    return risk


async def archive_risk(edit: Edit, *, risk_id: uuid.UUID) -> None:
    await _archive(edit, await _risk(edit, risk_id))


async def history(session: AsyncSession, *, company: Company, risk_id: uuid.UUID) -> list[Any]:
    risk = await repository.get_in_company(session, Risk, company_id=company.id, object_id=risk_id)
    if risk is None:
        raise NotFound("Risque introuvable.")
    return list(await repository.rating_history(session, risk.id))


# --- pénibilité ---------------------------------------------------------------------------


async def set_exposure(
    edit: Edit, *, unit_id: uuid.UUID, data: PenibiliteIn, client: ThesaurusClient
) -> PenibiliteExposure:
    """Record (or replace) the assessment of one factor (and threshold line) in a work unit."""
    unit = await _work_unit(edit, unit_id)
    factor = await require_code(client, FACTORS, data.factor_code, field="body.factor_code")
    if factor.code not in C2P_FACTORS and data.threshold_code:
        raise RuleViolation(
            "Ce facteur n'a pas de seuil C2P depuis 2017 : ne pas indiquer de ligne de seuil.",
            code="no_c2p_threshold",
            errors=[{"field": "body.threshold_code", "message": "Aucun seuil pour ce facteur."}],
        )
    threshold_code = data.threshold_code or (factor.code if factor.code in C2P_FACTORS else "")
    if threshold_code:
        line = await require_code(
            client, C2P_THRESHOLDS, threshold_code, field="body.threshold_code"
        )
        if line.value("factor") != factor.code:
            raise RuleViolation(
                f"La ligne de seuil « {threshold_code} » ne concerne pas le facteur "
                f"« {factor.display} ».",
                code="threshold_of_other_factor",
                errors=[{"field": "body.threshold_code", "message": "Seuil d'un autre facteur."}],
            )
    await edit.lock()
    existing = next(
        (
            e
            for e in await repository.exposures(edit.session, [unit.id])
            if e.factor_code == factor.code and e.threshold_code == threshold_code
        ),
        None,
    )
    exposure = existing or PenibiliteExposure(
        **edit.owner,
        work_unit_id=unit.id,
        factor_code=factor.code,
        threshold_code=threshold_code,
    )
    exposure.factor_display = factor.display
    exposure.intensity = data.intensity
    exposure.intensity_reached = data.intensity_reached
    exposure.yearly_duration = data.yearly_duration
    exposure.estimated = data.estimated
    exposure.exposed_headcount = data.exposed_headcount
    if existing is None:
        return await edit.added(exposure)
    await edit.session.flush()
    return exposure


# --- actions ------------------------------------------------------------------------------


async def add_action(edit: Edit, *, data: ActionCreate, today: date) -> Action:
    deadline = data.deadline
    if data.risk_id is not None:
        risk = await _risk(edit, data.risk_id)
        if deadline is None:
            method = await rating_method(edit.session, edit.company.tenant_id)
            deadline = default_deadline(Priority(risk.priority), today, method)
    if deadline is not None and deadline < today:
        raise RuleViolation(
            "L'échéance d'une nouvelle action ne peut pas être dans le passé.",
            code="deadline_in_past",
            errors=[{"field": "body.deadline", "message": "Échéance dans le passé."}],
        )
    duerp = await edit.lock()
    return await edit.added(
        Action(
            **edit.owner,
            duerp_id=duerp.id,
            risk_id=data.risk_id,
            measure_kind=data.measure_kind.value,
            title=data.title,
            description=data.description,
            responsible=data.responsible,
            deadline=deadline,
            cost_eur=data.cost_eur,
            resources=data.resources,
            result_indicator=data.result_indicator,
            status=ActionStatus.PLANNED.value,
        )
    )


async def update_action(
    edit: Edit, *, action_id: uuid.UUID, data: ActionUpdate, outbox: OutboxWriter, today: date
) -> Action:
    """Change an action; a change of status is announced in the outbox.

    Finishing an action flags its risk for re-rating (the measure changed the situation);
    abandoning one needs its reason.
    """
    session, company = edit.session, edit.company
    action = await repository.get_in_company(
        session, Action, company_id=company.id, object_id=action_id
    )
    if action is None:
        raise NotFound("Action introuvable.")
    new_status = data.status.value if data.status is not None else action.status
    reason = data.status_reason if data.status_reason is not None else action.status_reason
    if new_status == ActionStatus.ABANDONED.value and not reason.strip():
        raise RuleViolation(
            "Indiquer pourquoi l'action est abandonnée.",
            code="abandon_reason_required",
            errors=[{"field": "body.status_reason", "message": "Motif obligatoire."}],
        )
    await edit.lock()
    for name in (
        "title",
        "description",
        "responsible",
        "deadline",
        "cost_eur",
        "resources",
        "result_indicator",
    ):
        value = getattr(data, name)
        if value is not None:
            setattr(action, name, value)
    action.status_reason = reason
    previous = action.status if new_status != action.status else None
    action.status = new_status
    if new_status == ActionStatus.DONE.value:
        action.done_on = data.done_on or action.done_on or today
        if action.risk_id is not None and previous is not None:
            risk = await session.get(Risk, action.risk_id)
            if risk is not None:
                risk.needs_rerating = True
    elif previous is not None:
        action.done_on = None
    await session.flush()
    if previous is not None:
        await _emit_status_changed(
            session, outbox=outbox, company=company, action=action, previous=previous, today=today
        )
    return action


async def _emit_status_changed(
    session: AsyncSession,
    *,
    outbox: OutboxWriter,
    company: Company,
    action: Action,
    previous: str,
    today: date,
) -> None:
    settings = await settings_of(session, company.tenant_id)
    risk = await session.get(Risk, action.risk_id) if action.risk_id else None
    payload = ActionStatusChanged(
        company=pseudonym(settings.pseudonym_key, company.id),
        action=pseudonym(settings.pseudonym_key, action.id),
        measure_kind=cast(MeasureKindLiteral, action.measure_kind),
        hazard_code=risk.hazard_code if risk else None,
        priority=cast(PriorityLevel, risk.priority) if risk else None,
        previous_status=cast(ActionState, previous),
        status=cast(ActionState, action.status),
        deadline=action.deadline,
        done_on=action.done_on,
        changed_on=today,
    )
    await outbox.add(session, payload, tenant_id=company.tenant_id)
