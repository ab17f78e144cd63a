import pytest

from assessment.domain.action_plan import PAPRIPACT_HEADCOUNT, action_plan_title, is_papripact

pytestmark = pytest.mark.unit


def test_the_plan_becomes_a_papripact_from_50_employees():
    assert PAPRIPACT_HEADCOUNT == 50
    assert not is_papripact(49)
    assert is_papripact(50)
    assert action_plan_title(49) == "Liste des actions de prévention"
    assert action_plan_title(50).startswith("Programme annuel de prévention")
    assert action_plan_title(50).endswith("(PAPRIPACT)")
