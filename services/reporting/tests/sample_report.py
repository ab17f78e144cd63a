"""A realistic annual report for tests: « Centre hospitalier des Alpilles », 2024, 400 agents.

Public hospital categories (the seed's table), 3,994 practitioners' days and 74,940 other
staff's days present (= 27,958 h + 572,042 h = 600,000 h worked), a register of 19 accidents:
12 work accidents with time off (360 days lost, one permanent incapacity at 10 %), 3 work
accidents without time off, 3 commute accidents (2 with time off, 20 days) and one accident of
an external company's agent. So TF = 20, TG = 0.6, IF = 30. The two previous years are entered.

    data = sample_report_data()                      # JSON-like, what the API receives
    report = sample_report(accidents=[accident(month=3, day=1, days_lost=5)])

Test modules import it relatively (pytest runs in importlib mode):
``from .sample_report import sample_report``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reporting.domain.report import ReportInput, parse_report_input

YEAR = 2024
HOURS_WORKED = 600_000
HEADCOUNT = 400
WORK_ACCIDENTS_WITH_TIME_OFF = 12
DAYS_LOST = 360

# (category, men, women, of which foreigners): 114 men + 286 women = 400, 12 foreigners.
HEADCOUNT_LINES: tuple[tuple[str, int, int, int], ...] = (
    ("hospital_practitioners", 12, 10, 2),
    ("interns", 5, 7, 1),
    ("midwives", 0, 9, 0),
    ("administrative", 14, 46, 1),
    ("care_and_education", 38, 192, 6),
    ("technical", 40, 12, 2),
    ("medico_technical", 5, 10, 0),
)

# (reference, month, day, kind, with time off, days lost, material element, IPP %, external)
REGISTER: tuple[tuple[str, int, int, str, bool, int, str | None, int | None, bool], ...] = (
    ("AT-01", 1, 15, "work", True, 45, "lifting", None, False),
    ("AT-02", 2, 3, "work", True, 30, "agitated_patients", None, False),
    ("AT-03", 2, 20, "work", True, 12, "falls", None, False),
    ("AT-04", 3, 11, "work", True, 60, "lifting", 10, False),
    ("AT-05", 4, 2, "work", True, 8, "cutting_tools", None, False),
    ("AT-06", 5, 17, "work", True, 25, "agitated_patients", None, False),
    ("AT-07", 6, 9, "work", True, 40, "lifting", None, False),
    ("AT-08", 7, 21, "work", True, 15, "falls", None, False),
    ("AT-09", 8, 30, "work", True, 35, "lifting", None, False),
    ("AT-10", 9, 14, "work", True, 20, "toxic_products", None, False),
    ("AT-11", 10, 5, "work", True, 50, "agitated_patients", None, False),
    ("AT-12", 11, 26, "work", True, 20, "lifting", None, False),
    ("AT-13", 3, 4, "work", False, 0, "falls", None, False),
    ("AT-14", 6, 25, "work", False, 0, "cutting_tools", None, False),
    ("AT-15", 12, 2, "work", False, 0, "other", None, False),
    ("TR-01", 1, 8, "commute", True, 12, "traffic", None, False),
    ("TR-02", 11, 12, "commute", True, 8, None, None, False),
    ("TR-03", 9, 3, "commute", False, 0, None, None, False),
    ("EXT-01", 10, 16, "work", True, 8, "machines", None, True),
)


def accident(
    *,
    year: int = YEAR,
    month: int = 6,
    day: int = 1,
    kind: str = "work",
    with_time_off: bool = True,
    days_lost: int = 0,
    material_element: str | None = None,
    permanent_incapacity_rate: int | None = None,
    fatal: bool = False,
    external_company_victim: bool = False,
    reference: str | None = None,
) -> dict[str, Any]:
    """One register line as the API receives it."""
    line: dict[str, Any] = {
        "date": date(year, month, day).isoformat(),
        "kind": kind,
        "with_time_off": with_time_off,
        "days_lost": days_lost,
        "fatal": fatal,
        "external_company_victim": external_company_victim,
    }
    optional = {
        "reference": reference,
        "material_element": material_element,
        "permanent_incapacity_rate": permanent_incapacity_rate,
    }
    line.update({key: value for key, value in optional.items() if value is not None})
    return line


def sample_register(*, year: int = YEAR) -> list[dict[str, Any]]:
    """The 19 lines of ``REGISTER`` dated in ``year``."""
    return [
        accident(
            year=year,
            reference=ref,
            month=month,
            day=day,
            kind=kind,
            with_time_off=time_off,
            days_lost=days,
            material_element=element,
            permanent_incapacity_rate=rate,
            external_company_victim=external,
        )
        for ref, month, day, kind, time_off, days, element, rate, external in REGISTER
    ]


def sample_headcount(*, with_totals: bool = True) -> dict[str, Any]:
    """The I.1.2.1 table of ``HEADCOUNT_LINES``, with the totals row unless asked otherwise."""
    lines = [
        {"category": c, "men": m, "women": w, "total": m + w, "foreigners": f}
        for c, m, w, f in HEADCOUNT_LINES
    ]
    table: dict[str, Any] = {"lines": lines}
    if with_totals:
        table.update(total_men=114, total_women=286, total=400, total_foreigners=12)
    return table


def sample_report_data(
    *,
    year: int = YEAR,
    sector: str = "public_hospital",
    headcount: dict[str, Any] | None = None,
    hours_worked: dict[str, Any] | None = None,
    accidents: list[dict[str, Any]] | None = None,
    previous_years: list[dict[str, Any]] | None = None,
    spending: list[dict[str, Any]] | None = None,
    actions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole report input as JSON-like data; every argument replaces one block."""
    return {
        "year": year,
        "establishment": {
            "identity": {
                "name": "Centre hospitalier des Alpilles",
                "address": "12 avenue des Platanes, 13300 Salon-de-Provence",
                "siret": "26130012300017",
                "naf_code": "86.10Z",
                "sector": sector,
            },
            "committees": [
                {
                    "name": "CHSCT du centre hospitalier",
                    "activity_sector": "Ensemble de l'établissement",
                }
            ],
            "missions": [{"nature": "Visites des services de soins", "count": 4}],
            "headcount": headcount if headcount is not None else sample_headcount(),
            "movements": {"recruited": 38, "departures": 33},
            "subcontracting": {
                "permanent_subcontractor_days": 2_150,
                "occasional_external_hours": "1 240,5",
            },
        },
        "indicators": {
            "hours_worked": hours_worked
            if hours_worked is not None
            else {"practitioner_days": 3_994, "other_staff_days": 74_940},
            "accidents": accidents if accidents is not None else sample_register(year=year),
            "occupational_diseases": [
                {"table": "57", "label": "Affections périarticulaires", "cases": 3},
                {"table": "98", "label": "Affections chroniques du rachis lombaire", "cases": 1},
            ],
            "service_diseases": [{"nature": "Troubles musculo-squelettiques", "cases": 2}],
            "process_declarations": 0,
            "indirect_cost": {
                "amount": "48500.00",
                "method": "Aménagements de postes et heures de personnel supplémentaire",
            },
            "work_organisation": {
                "alternating_shift_agents": 180,
                "night_agents": 62,
                "two_consecutive_rest_days_agents": 310,
            },
            "comment": "Les efforts de soulèvement restent la première cause d'accident.",
            "previous_years": previous_years
            if previous_years is not None
            else [
                {
                    "year": year - 1,
                    "hours_worked": 590_000,
                    "headcount": 395,
                    "work_accidents_with_time_off": 14,
                    "days_lost": 420,
                    "permanent_incapacities": 1,
                    "fatal_work_accidents": 0,
                    "fatal_commute_accidents": 0,
                    "commute_accidents_with_time_off": 3,
                    "external_victims": 0,
                },
                {
                    "year": year - 2,
                    "hours_worked": 580_000,
                    "headcount": 390,
                    "work_accidents_with_time_off": 16,
                    "days_lost": 480,
                },
            ],
        },
        "significant_facts": {
            "facts": [
                {
                    "kind": "serious_accident",
                    "date": date(year, 3, 11).isoformat(),
                    "unit": "Médecine polyvalente",
                    "summary": "Lombalgie lors du transfert d'un patient sans lève-malade.",
                    "lessons": "Équiper chaque unité d'un lève-malade sur rail.",
                },
                {
                    "kind": "new_equipment_or_process",
                    "summary": "Mise en service de 14 lève-malades sur rail.",
                },
            ],
            "text": "L'année a été marquée par la généralisation des aides à la manutention.",
        },
        "means_and_actions": {
            "administration": {
                "specialised_staff": [{"function": "Conseiller en prévention", "count": 1}],
                "spending": spending
                if spending is not None
                else [
                    {
                        "kind": "specialised_staff",
                        "amount": 85_000,
                        "previous_year_amount": 80_000,
                    },
                    {"kind": "equipment", "amount": 42_000, "previous_year_amount": 60_000},
                    {
                        "kind": "action_organisation",
                        "amount": 13_000,
                        "previous_year_amount": 10_000,
                    },
                ],
            },
            "committee": {
                "ordinary_meetings": 4,
                "extraordinary_meetings": [
                    {"date": date(year, 3, 15).isoformat(), "reason": "after_accident"},
                    {"date": date(year, 9, 20).isoformat(), "reason": "staff_request"},
                ],
                "inquiries": 2,
                "serious_imminent_danger_procedures": 1,
                "expert_appointments": 0,
                "trained_representatives": 6,
                "consultations": 3,
            },
            "actions": actions
            if actions is not None
            else [
                {"title": "Lève-malades sur rail", "state": "done", "programme_order": 1},
                {"title": "Formation gestes et postures", "state": "done", "programme_order": 2},
                {
                    "title": "Protocole après agression",
                    "state": "done",
                    "added_during_year": True,
                    "reason_added": "À la suite de l'accident AT-02",
                    "completed_on": date(year, 4, 30).isoformat(),
                },
                {"title": "Réfection des sols de la cuisine", "state": "open"},
            ],
            "training": {
                "total_trained": 85,
                "prevention_safety_trained": 60,
                "bodies": ["ANFH", "INRS"],
            },
        },
    }


def sample_report(
    *,
    year: int = YEAR,
    sector: str = "public_hospital",
    headcount: dict[str, Any] | None = None,
    hours_worked: dict[str, Any] | None = None,
    accidents: list[dict[str, Any]] | None = None,
    previous_years: list[dict[str, Any]] | None = None,
    spending: list[dict[str, Any]] | None = None,
    actions: list[dict[str, Any]] | None = None,
) -> ReportInput:
    """``sample_report_data`` validated into a ``ReportInput``."""
    return parse_report_input(
        sample_report_data(
            year=year,
            sector=sector,
            headcount=headcount,
            hours_worked=hours_worked,
            accidents=accidents,
            previous_years=previous_years,
            spending=spending,
            actions=actions,
        )
    )
