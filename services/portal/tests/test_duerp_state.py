from __future__ import annotations

import pytest
from portal.domain.duerp import duerp_state

pytestmark = pytest.mark.unit


def test_the_home_page_says_where_a_duerp_stands() -> None:
    duerp = {
        "last_version": 3,
        "last_published_at": "2025-10-01T09:00:00+00:00",
        "to_update": True,
        "warnings": [{"code": "X"}],
        "work_units": [
            {"risks": [{"needs_rerating": True}, {"needs_rerating": False}]},
            {"risks": []},
        ],
    }
    state = duerp_state(duerp, {"overdue": [{}, {}]})
    assert state.headline.startswith("À mettre à jour")
    assert state.alerts == [
        "2 actions en retard",
        "1 risque à recoter (une action est terminée)",
        "1 code à remplacer (retiré du référentiel)",
    ]
    assert (state.work_units, state.risks) == (2, 2)


def test_a_duerp_never_published_says_so() -> None:
    state = duerp_state({"last_version": None, "work_units": []}, None)
    assert state.headline == "Aucune version publiée"
    assert state.alerts == []
