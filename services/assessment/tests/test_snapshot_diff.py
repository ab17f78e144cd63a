import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from assessment.domain.diff import FieldChange, diff_snapshots
from assessment.domain.rating import DEFAULT_METHOD, METHODS, get_method
from assessment.domain.snapshot import (
    ActionSnapshot,
    ActionStatus,
    CodedValue,
    CompanySnapshot,
    DuerpSnapshot,
    MeasureKind,
    MeasureSnapshot,
    Priority,
    RiskSnapshot,
    WorkUnitKind,
    WorkUnitSnapshot,
)

pytestmark = pytest.mark.unit

SEED = METHODS[DEFAULT_METHOD]
FALL = CodedValue(system="hazard", code="MEC-01", display="Chute de plain-pied")
NOISE = CodedValue(system="hazard", code="PHY-02", display="Bruit")
FIRE = CodedValue(system="hazard", code="INC-01", display="Incendie")
WORKSHOP_ID, DEPOT_ID, OFFICE_ID = (uuid.UUID(int=n) for n in (1, 2, 3))
FALL_ID, NOISE_ID, FIRE_ID = (uuid.UUID(int=n) for n in (11, 12, 13))
GUARD_ID, TRAINING_ID = uuid.UUID(int=21), uuid.UUID(int=22)


def risk(
    risk_id: uuid.UUID,
    hazard: CodedValue,
    probability: int = 2,
    gravity: int = 3,
    situations: str = "Circulation",
) -> RiskSnapshot:
    return RiskSnapshot(
        id=risk_id,
        hazard=hazard,
        situations=situations,
        damages="Entorse",
        measures=[MeasureSnapshot(kind=MeasureKind.INSTRUCTIONS, description="Consigne")],
        rating=SEED.rate({"probability": probability, "gravity": gravity}, "none"),
    )


def unit(
    unit_id: uuid.UUID, name: str, *risks: RiskSnapshot, headcount: int = 10
) -> WorkUnitSnapshot:
    return WorkUnitSnapshot(
        id=unit_id, kind=WorkUnitKind.GEOGRAPHIC, name=name, headcount=headcount, risks=list(risks)
    )


def action(action_id: uuid.UUID, title: str, **changes: object) -> ActionSnapshot:
    base = ActionSnapshot(
        id=action_id,
        risk_id=FALL_ID,
        measure_kind=MeasureKind.COLLECTIVE,
        title=title,
        deadline=date(2024, 6, 30),
        status=ActionStatus.PLANNED,
    )
    return base.model_copy(update=changes)


def snapshot(
    number: int, work_units: list[WorkUnitSnapshot], actions: list[ActionSnapshot]
) -> DuerpSnapshot:
    return DuerpSnapshot(
        tenant_id="t1",
        company=CompanySnapshot(
            id=uuid.UUID(int=99),
            name="Menuiserie Martin",
            siret="81234560100015",
            naf=CodedValue(system="naf", code="16.23Z", display="Menuiserie"),
            headcount=25,
            has_cse=True,
        ),
        number=number,
        published_at=datetime(2024, 1, number, tzinfo=UTC),
        published_by="employer@example.org",
        assessed_year=2024,
        method=SEED.snapshot(),
        work_units=work_units,
        actions=actions,
        penibilite_annex=[],
    )


def baseline() -> DuerpSnapshot:
    return snapshot(
        1,
        [unit(WORKSHOP_ID, "Atelier", risk(FALL_ID, FALL), risk(NOISE_ID, NOISE))],
        [action(GUARD_ID, "Garde-corps")],
    )


def test_identical_versions_give_an_empty_diff():
    diff = diff_snapshots(baseline(), baseline())

    assert diff.is_empty
    assert diff.counts.risks_rerated == 0
    assert diff.method_changed is False


def test_work_units_added_removed_and_renamed():
    old = snapshot(1, [unit(WORKSHOP_ID, "Atelier"), unit(OFFICE_ID, "Bureaux", headcount=4)], [])
    new = snapshot(
        2, [unit(WORKSHOP_ID, "Atelier bois", headcount=12), unit(DEPOT_ID, "Dépôt")], []
    )

    diff = diff_snapshots(old, new)

    assert [u.name for u in diff.work_units_added] == ["Dépôt"]
    assert [u.name for u in diff.work_units_removed] == ["Bureaux"]
    assert len(diff.work_units_changed) == 1
    assert diff.work_units_changed[0].changes == [
        FieldChange(name="name", before="Atelier", after="Atelier bois"),
        FieldChange(name="headcount", before="10", after="12"),
    ]
    assert (diff.counts.work_units_added, diff.counts.work_units_removed) == (1, 1)
    assert diff.counts.work_units_changed == 1
    assert (diff.old_number, diff.new_number) == (1, 2)


def test_risks_added_and_removed_carry_work_unit_and_hazard():
    old = baseline()
    new = snapshot(
        2,
        [
            unit(WORKSHOP_ID, "Atelier", risk(FALL_ID, FALL)),
            unit(DEPOT_ID, "Dépôt", risk(FIRE_ID, FIRE)),
        ],
        old.actions,
    )

    diff = diff_snapshots(old, new)

    assert [(r.work_unit_name, r.hazard_code, r.hazard_display) for r in diff.risks_added] == [
        ("Dépôt", "INC-01", "Incendie")
    ]
    assert [(r.id, r.work_unit_name, r.hazard_code) for r in diff.risks_removed] == [
        (NOISE_ID, "Atelier", "PHY-02")
    ]
    assert diff.work_units_added[0].id == DEPOT_ID
    assert diff.counts.risks_changed == 0


def test_rerated_risk_shows_scores_and_priorities_before_and_after():
    old = baseline()
    new = snapshot(
        2,
        [unit(WORKSHOP_ID, "Atelier", risk(FALL_ID, FALL, 4, 4), risk(NOISE_ID, NOISE))],
        old.actions,
    )

    diff = diff_snapshots(old, new)

    assert diff.counts.risks_rerated == 1
    rerated = diff.risks_rerated[0]
    assert rerated.risk.id == FALL_ID
    assert (rerated.before.raw_score, rerated.before.priority) == (Decimal(6), Priority.MODERATE)
    assert (rerated.after.residual_score, rerated.after.priority) == (Decimal(16), Priority.MAJOR)
    assert diff.risks_changed == []


def test_risk_changed_otherwise_lists_its_fields():
    old = baseline()
    moved = risk(NOISE_ID, NOISE, situations="Scie circulaire").model_copy(
        update={"measures": [MeasureSnapshot(kind=MeasureKind.INDIVIDUAL, description="Bouchons")]}
    )
    new = snapshot(
        2,
        [unit(WORKSHOP_ID, "Atelier", risk(FALL_ID, FALL)), unit(DEPOT_ID, "Dépôt", moved)],
        old.actions,
    )

    diff = diff_snapshots(old, new)

    assert diff.risks_rerated == []
    [changed] = diff.risks_changed
    assert changed.risk.work_unit_name == "Dépôt"
    assert [c.name for c in changed.changes] == ["situations", "measures", "work_unit"]
    assert changed.changes[1] == FieldChange(
        name="measures", before="instructions: Consigne", after="individual: Bouchons"
    )
    assert changed.changes[2] == FieldChange(name="work_unit", before="Atelier", after="Dépôt")


def test_action_changes_are_listed_per_field_as_text():
    old = snapshot(1, [], [action(GUARD_ID, "Garde-corps"), action(TRAINING_ID, "Formation")])
    done = action(
        GUARD_ID,
        "Garde-corps",
        status=ActionStatus.DONE,
        done_on=date(2024, 5, 2),
        cost_eur=Decimal("1250.50"),
    )
    new = snapshot(2, [], [done, action(uuid.UUID(int=23), "Aspiration")])

    diff = diff_snapshots(old, new)

    assert [a.title for a in diff.actions_added] == ["Aspiration"]
    assert [a.title for a in diff.actions_removed] == ["Formation"]
    [changed] = diff.actions_changed
    assert changed.changes == [
        FieldChange(name="cost_eur", before="", after="1250.50"),
        FieldChange(name="status", before="planned", after="done"),
        FieldChange(name="done_on", before="", after="2024-05-02"),
    ]
    assert diff.counts.actions_changed == 1


def test_method_change_is_flagged():
    old = baseline()
    new = old.model_copy(update={"number": 2, "method": get_method("kinney").snapshot()})

    assert diff_snapshots(old, new).method_changed is True
    assert diff_snapshots(old, new).is_empty is False


def test_order_is_deterministic_by_work_unit_name_then_hazard_code():
    old = snapshot(1, [], [])
    new = snapshot(
        2,
        [
            unit(WORKSHOP_ID, "Zone B", risk(NOISE_ID, NOISE), risk(FALL_ID, FALL)),
            unit(DEPOT_ID, "Zone A", risk(FIRE_ID, FIRE)),
        ],
        [action(TRAINING_ID, "b"), action(GUARD_ID, "a")],
    )

    diff = diff_snapshots(old, new)

    assert [(r.work_unit_name, r.hazard_code) for r in diff.risks_added] == [
        ("Zone A", "INC-01"),
        ("Zone B", "MEC-01"),
        ("Zone B", "PHY-02"),
    ]
    assert [u.name for u in diff.work_units_added] == ["Zone A", "Zone B"]
    assert [a.title for a in diff.actions_added] == ["a", "b"]
    assert diff == diff_snapshots(old, new)
