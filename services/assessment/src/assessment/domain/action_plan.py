"""The action plan's form (L4121-3-1): from 50 employees the list of prevention actions
becomes an annual programme, the PAPRIPACT. The open DUERP's view and the exports both say so."""

from __future__ import annotations

#: From this headcount the action plan is a PAPRIPACT.
PAPRIPACT_HEADCOUNT = 50


def is_papripact(headcount: int) -> bool:
    return headcount >= PAPRIPACT_HEADCOUNT


def action_plan_title(headcount: int) -> str:
    """PAPRIPACT from 50 employees, a list of prevention actions below."""
    if is_papripact(headcount):
        return (
            "Programme annuel de prévention des risques professionnels et d'amélioration "
            "des conditions de travail (PAPRIPACT)"
        )
    return "Liste des actions de prévention"
