"""The PDF of a published DUERP version, typeset by Typst from ``duerp.typ``.

Every figure is formatted in French here, and the template receives the whole document as one
JSON string (``sys.inputs.data``) that it decodes and lays out. User text therefore only ever
reaches Typst as string values, which Typst prints as they are: a « #set » or a « *bold* » typed in
a risk description cannot become markup. No file is written and none is read but the template.

The PDF is byte-identical for a given version: the document date is the publication instant,
Typst's embedded fonts are used (never the host's) and nothing else varies between runs.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import typst

from assessment.domain.action_plan import action_plan_title
from assessment.domain.snapshot import (
    ActionSnapshot,
    DuerpSnapshot,
    MeasureSnapshot,
    Priority,
    RiskSnapshot,
    WorkUnitSnapshot,
)
from assessment.exports.model import (
    DASH,
    MEASURE_KIND_FR,
    OPINION_FR,
    PRIORITY_FILL,
    WORK_UNIT_KIND_FR,
    ExportInput,
    action_status,
    band_range,
    consultation_summary,
    control_label,
    criterion_abbreviation,
    fr_date,
    fr_money,
    fr_months,
    fr_number,
    fr_percent,
    priority_label,
    risk_caption,
    risks_by_priority,
)
from cosar_common.clock import as_utc

TEMPLATE = "duerp.typ"
HASH_PREFIX_LENGTH = 12


def render_pdf(data: ExportInput) -> bytes:
    """The version as an A4 PDF in French (cover, method, work units, risks, action plan,
    pénibilité annex, CSE consultation, history); each page's footer names the version and its
    hash prefix."""
    template = files("assessment.exports").joinpath(TEMPLATE).read_bytes()
    document = json.dumps(pdf_document(data), ensure_ascii=False, sort_keys=True)
    return typst.compile(template, sys_inputs={"data": document}, ignore_system_fonts=True)


def pdf_document(data: ExportInput) -> dict[str, Any]:
    """What the template lays out: plain strings (already formatted), lists and booleans."""
    snap = data.snapshot
    company = snap.company
    published = as_utc(snap.published_at)  # Typst writes the document date as UTC
    return {
        "meta": {
            "title": f"Document unique d'évaluation des risques professionnels — {company.name}",
            "author": data.tenant_name,
            "date": list(published.timetuple()[:6]),
        },
        "footer": f"{company.name} — DUERP version {snap.number} — empreinte "
        f"{data.hash[:HASH_PREFIX_LENGTH]}",
        "cover": _cover(data),
        "method": _method(snap),
        "units": [_unit(unit) for unit in snap.work_units],
        "criteria": [criterion_abbreviation(c) for c in snap.method.criteria],
        "risks": [_risk(snap, unit, risk) for unit, risk in risks_by_priority(snap)],
        "actions": {
            "title": action_plan_title(company.headcount),
            "rows": [_action(snap, action) for action in snap.actions],
        },
        "penibilite": _penibilite(snap),
        "consultation": _consultation(data),
        "history": [
            {
                "number": str(entry.number),
                "date": fr_date(entry.published_at),
                "by": entry.publisher,
                "hash": entry.hash,
                "current": entry.number == snap.number,
            }
            for entry in data.history
        ],
    }


def _cover(data: ExportInput) -> dict[str, Any]:
    snap = data.snapshot
    company = snap.company
    return {
        "company": company.name,
        "address": company.address,
        "rows": [
            ["SIRET", company.siret],
            ["Activité (NAF)", f"{company.naf.code} — {company.naf.display}"],
            ["Effectif", fr_number(company.headcount)],
            ["Comité social et économique", "Oui" if company.has_cse else "Non"],
            ["Version", f"n° {snap.number}"],
            ["Année évaluée", str(snap.assessed_year)],
            ["Date de publication", fr_date(snap.published_at)],
            ["Publiée par", data.publisher],
            ["Consultation du CSE", consultation_summary(data)],
            ["Service de prévention et de santé au travail", data.tenant_name],
        ],
        "hash": data.hash,
        "previous_hash": snap.previous_hash or DASH,
    }


def _consultation(data: ExportInput) -> dict[str, Any]:
    """The CSE's consultation as the PDF prints it: ``recorded`` False when there is none."""
    consultation = data.consultation
    if consultation is None:
        return {"recorded": False, "summary": consultation_summary(data)}
    return {
        "recorded": True,
        "summary": consultation_summary(data),
        "rows": [
            ["Date de la consultation", fr_date(consultation.consulted_on)],
            ["Avis du CSE", OPINION_FR[consultation.opinion]],
            ["Propositions", consultation.proposals or DASH],
            ["Enregistrée par", consultation.recorder],
            ["Enregistrée le", fr_date(consultation.recorded_at)],
        ],
    }


def _method(snap: DuerpSnapshot) -> dict[str, Any]:
    method = snap.method
    return {
        "label": method.label,
        "key": method.key,
        "formula": method.formula,
        "criteria": [
            {
                "label": f"{criterion.label} ({criterion_abbreviation(criterion)})",
                "levels": [[value, label] for value, label in criterion.levels.items()],
            }
            for criterion in method.criteria
        ],
        "weighting": [
            [method.weighting_labels.get(key, key), fr_number(weight)]
            for key, weight in method.weighting.items()
        ],
        "bands": [
            {
                "range": band_range(band),
                "label": band.label,
                "fill": PRIORITY_FILL[band.priority],
                "major": band.priority == Priority.MAJOR,
                "deadline": fr_months(band.deadline_months),
            }
            for band in method.bands
        ],
    }


def _unit(unit: WorkUnitSnapshot) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": WORK_UNIT_KIND_FR[unit.kind],
        "headcount": fr_number(unit.headcount),
        "description": unit.description,
        "jobs": [f"{job.display} ({job.code})" for job in unit.jobs],
        "risks": fr_number(len(unit.risks)),
    }


def _measure(measure: MeasureSnapshot) -> list[str]:
    return [MEASURE_KIND_FR[measure.kind], measure.description]


def _risk(snap: DuerpSnapshot, unit: WorkUnitSnapshot, risk: RiskSnapshot) -> dict[str, Any]:
    rating = risk.rating
    return {
        "unit": unit.name,
        "hazard": f"{risk.hazard.display} ({risk.hazard.code})",
        "situations": risk.situations,
        "damages": risk.damages,
        "measures": [_measure(m) for m in risk.measures],
        "inputs": [str(rating.inputs.get(c.key, DASH)) for c in snap.method.criteria],
        "control": control_label(snap.method, rating.control_level),
        "raw": fr_number(rating.raw_score),
        "residual": fr_number(rating.residual_score),
        "priority": priority_label(snap.method, rating.priority),
        "fill": PRIORITY_FILL[rating.priority],
        "major": rating.priority == Priority.MAJOR,
        "deadline": fr_months(rating.deadline_months),
        "rerate": risk.needs_rerating,
    }


def _action(snap: DuerpSnapshot, action: ActionSnapshot) -> dict[str, Any]:
    return {
        "title": action.title,
        "description": action.description,
        "kind": MEASURE_KIND_FR[action.measure_kind],
        "risk": risk_caption(snap, action.risk_id),
        "responsible": action.responsible or DASH,
        "deadline": fr_date(action.deadline) if action.deadline else DASH,
        "cost": fr_money(action.cost_eur) if action.cost_eur is not None else DASH,
        "resources": action.resources,
        "indicator": action.result_indicator,
        "status": action_status(action),
    }


def _penibilite(snap: DuerpSnapshot) -> dict[str, Any]:
    exposures = []
    for unit in snap.work_units:
        for exp in unit.penibilite:
            duration = DASH
            if exp.yearly_duration is not None:
                duration = f"{fr_number(exp.yearly_duration)} {exp.duration_unit or ''}".strip()
                if exp.estimated:
                    duration += " (estimation)"
            threshold = DASH
            if exp.threshold_value is not None:
                threshold = f"{fr_number(exp.threshold_value)} {exp.duration_unit or ''}".strip()
            exposures.append(
                {
                    "unit": unit.name,
                    "factor": f"{exp.factor.display} ({exp.factor.code})",
                    "intensity": exp.intensity or DASH,
                    "duration": duration,
                    "threshold": threshold if exp.threshold_code else "Pas de seuil C2P",
                    "exposed": fr_number(exp.exposed_headcount),
                    "above": "Oui" if exp.above_threshold else "Non",
                }
            )
    return {
        "headcount": fr_number(snap.company.headcount),
        "lines": [
            {
                "factor": line.factor.display,
                "code": line.factor.code,
                "c2p": "Oui" if line.has_c2p_threshold else "Non (depuis 2017)",
                "exposed": fr_number(line.exposed_above_threshold),
                "proportion": fr_percent(line.proportion),
            }
            for line in snap.penibilite_annex
        ],
        "exposures": exposures,
    }
