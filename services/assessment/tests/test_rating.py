from datetime import date
from decimal import Decimal

import pytest

from assessment.domain.rating import (
    DEFAULT_METHOD,
    METHODS,
    RatingError,
    control_level_from_measures,
    default_deadline,
    get_method,
)
from assessment.domain.snapshot import MeasureKind, MethodBand, Priority

pytestmark = pytest.mark.unit

SEED = METHODS[DEFAULT_METHOD]


def band(low: str, high: str | None, priority: Priority, months: int | None = None) -> MethodBand:
    return MethodBand(
        min_score=Decimal(low),
        max_score=None if high is None else Decimal(high),
        priority=priority,
        label=priority.value,
        deadline_months=months,
    )


def test_seed_example_p2_g3_is_moderate_with_a_six_month_deadline():
    rating = SEED.rate({"probability": 2, "gravity": 3}, "none")

    assert rating.raw_score == Decimal(6)
    assert rating.residual_score == Decimal(6)
    assert rating.priority is Priority.MODERATE
    assert rating.raw_priority is Priority.MODERATE
    assert rating.deadline_months == 6
    assert rating.control_level == "none"
    assert rating.inputs == {"probability": 2, "gravity": 3}


def test_residual_score_is_exact_and_sets_the_priority():
    rating = SEED.rate({"probability": 4, "gravity": 3}, "controlled")

    assert rating.raw_score == Decimal(12)
    assert rating.raw_priority is Priority.MAJOR
    assert rating.residual_score == Decimal("4.20")
    assert str(rating.residual_score) == "4.20"
    assert rating.priority is Priority.MODERATE
    assert rating.deadline_months == 6


@pytest.mark.parametrize(
    ("probability", "gravity", "level", "residual", "priority", "months"),
    [
        (1, 3, "none", "3", Priority.LOW, None),
        (2, 2, "none", "4", Priority.MODERATE, 6),
        (2, 4, "none", "8", Priority.IMPORTANT, 3),
        (3, 3, "none", "9", Priority.IMPORTANT, 3),
        (4, 4, "none", "16", Priority.MAJOR, 2),
        (4, 4, "partial", "8.0", Priority.IMPORTANT, 3),
        (4, 4, "well_controlled", "3.2", Priority.LOW, None),
        (4, 3, "partial", "6.0", Priority.MODERATE, 6),
    ],
)
def test_seed_bands_on_residual_scores(probability, gravity, level, residual, priority, months):
    rating = SEED.rate({"probability": probability, "gravity": gravity}, level)

    assert rating.residual_score == Decimal(residual)
    assert rating.priority is priority
    assert rating.deadline_months == months


def test_probability_off_the_scale_is_refused_in_french():
    with pytest.raises(RatingError) as caught:
        SEED.rate({"probability": 5, "gravity": 3}, "none")

    assert caught.value.code == "rating_out_of_scale"
    assert caught.value.field == "probability"
    assert caught.value.message == "La probabilité doit être comprise entre 1 et 4."


def test_missing_criterion_is_named():
    with pytest.raises(RatingError) as caught:
        SEED.rate({"probability": 2}, "none")

    assert (caught.value.code, caught.value.field) == ("missing_criterion", "gravity")
    assert caught.value.message == "La gravité doit être renseignée."


def test_unknown_criterion_is_refused():
    with pytest.raises(RatingError) as caught:
        SEED.rate({"probability": 2, "gravity": 3, "frequency": 1}, "none")

    assert (caught.value.code, caught.value.field) == ("unknown_criterion", "frequency")


def test_boolean_is_not_a_level():
    with pytest.raises(RatingError, match="comprise entre 1 et 4"):
        SEED.rate({"probability": True, "gravity": 3}, "none")


def test_seed_method_needs_a_known_control_level():
    with pytest.raises(RatingError) as missing:
        SEED.rate({"probability": 2, "gravity": 3}, None)
    with pytest.raises(RatingError) as unknown:
        SEED.rate({"probability": 2, "gravity": 3}, "perfect")

    assert missing.value.code == "missing_control_level"
    assert (unknown.value.code, unknown.value.field) == ("unknown_control_level", "control_level")


@pytest.mark.parametrize(
    ("frequency", "severity", "priority", "label"),
    [
        (9, 1, Priority.LOW, "Faible"),
        (1, 10, Priority.MODERATE, "Moyenne"),
        (9, 5, Priority.MODERATE, "Moyenne"),
        (7, 7, Priority.MAJOR, "Élevée"),
        (9, 10, Priority.MAJOR, "Élevée"),
    ],
)
def test_oira_bands(frequency, severity, priority, label):
    method = get_method("oira-fr")
    rating = method.rate({"frequency": frequency, "severity": severity}, None)

    assert rating.raw_score == rating.residual_score == Decimal(frequency * severity)
    assert rating.priority is priority
    assert method.priority_of(rating.residual_score).label == label


def test_oira_ignores_the_control_level_and_records_none():
    rating = get_method("oira-fr").rate({"frequency": 3, "severity": 5}, "controlled")

    assert rating.control_level is None
    assert rating.residual_score == Decimal(15)


def test_oira_refuses_a_value_outside_its_set():
    with pytest.raises(RatingError) as caught:
        get_method("oira-fr").rate({"frequency": 2, "severity": 5}, None)

    assert caught.value.message == "La fréquence doit être égale à 1, 3, 7 ou 9."


@pytest.mark.parametrize(
    ("probability", "frequency", "severity", "score", "priority"),
    [
        (3, 1, 5, 15, Priority.LOW),
        (1, 4, 5, 20, Priority.MODERATE),
        (5, 1, 10, 50, Priority.MODERATE),
        (3, 4, 5, 60, Priority.MAJOR),
        (1, 7, 10, 70, Priority.MAJOR),
    ],
)
def test_kinney_inclusive_bounds(probability, frequency, severity, score, priority):
    inputs = {"probability": probability, "frequency": frequency, "severity": severity}
    rating = get_method("kinney").rate(inputs, None)

    assert rating.residual_score == Decimal(score)
    assert rating.priority is priority


def test_kinney_band_edges_are_half_open():
    kinney = get_method("kinney")

    assert kinney.priority_of(Decimal(15)).priority is Priority.LOW
    assert kinney.priority_of(Decimal(16)).priority is Priority.MODERATE
    assert kinney.priority_of(Decimal(51)).priority is Priority.MAJOR
    assert kinney.priority_of(Decimal(51)).label == "Élevé"


@pytest.mark.parametrize(
    ("kinds", "level"),
    [
        ([MeasureKind.INSTRUCTIONS, MeasureKind.INTRINSIC], "well_controlled"),
        ([MeasureKind.INDIVIDUAL, MeasureKind.COLLECTIVE], "controlled"),
        ([MeasureKind.INDIVIDUAL, MeasureKind.INSTRUCTIONS], "partial"),
        ([MeasureKind.INSTRUCTIONS], "none"),
        ([], "none"),
    ],
)
def test_strongest_measure_sets_the_control_level(kinds, level):
    assert control_level_from_measures(iter(kinds)) == level


def _deduce(view_rows, kinds) -> str:
    """The deduction as a reader of the method's ``measure_control`` applies it (the portal)."""
    present = {kind.value for kind in kinds}
    rows = [row.model_dump(mode="json") for row in view_rows]
    return next(
        (row["control_level"] for row in rows if row["measure_kind"] in present),
        rows[-1]["control_level"],
    )


def test_the_method_view_describes_the_same_deduction_as_the_rule():
    """What the API tells the forms (``measure_control``) gives the level the save will give,
    for every combination of measure kinds; methods without weighting describe none."""
    rows = SEED.view().measure_control
    assert [row.measure_kind for row in rows] == list(MeasureKind)
    for mask in range(2 ** len(MeasureKind)):
        kinds = [kind for bit, kind in enumerate(MeasureKind) if mask >> bit & 1]
        assert _deduce(rows, kinds) == control_level_from_measures(kinds), kinds
        assert control_level_from_measures(kinds) in SEED.weighting
    for method in METHODS.values():
        view = method.view()
        assert view.model_dump(exclude={"measure_control"}) == method.snapshot().model_dump()
        assert bool(view.measure_control) == bool(method.weighting), method.key


def test_unknown_method_is_refused():
    with pytest.raises(RatingError) as caught:
        get_method("digirisk")

    assert caught.value.code == "unknown_method"


def test_tenant_bands_replace_the_defaults():
    strict = SEED.with_bands(
        [
            band("0", "2", Priority.LOW),
            band("2", "6", Priority.MODERATE, 3),
            band("6", None, Priority.MAJOR, 1),
        ]
    )

    rating = strict.rate({"probability": 2, "gravity": 3}, "none")

    assert rating.priority is Priority.MAJOR
    assert rating.deadline_months == 1
    assert SEED.rate({"probability": 2, "gravity": 3}, "none").priority is Priority.MODERATE
    assert strict.snapshot().bands[1].max_score == Decimal(6)


@pytest.mark.parametrize(
    "bands",
    [
        [],
        [band("1", None, Priority.LOW)],
        [band("0", "4", Priority.LOW), band("5", None, Priority.MAJOR)],
        [band("0", "4", Priority.LOW), band("3", None, Priority.MAJOR)],
        [band("0", "4", Priority.LOW), band("4", "8", Priority.MAJOR)],
        [band("0", None, Priority.LOW), band("4", None, Priority.MAJOR)],
        [band("0", "4", Priority.MAJOR), band("4", None, Priority.LOW)],
        [band("0", "0", Priority.LOW), band("0", None, Priority.MAJOR)],
    ],
    ids=[
        "empty",
        "not-from-0",
        "gap",
        "overlap",
        "bounded-end",
        "open-middle",
        "descending",
        "empty-band",
    ],
)
def test_invalid_bands_are_refused(bands):
    with pytest.raises(RatingError) as caught:
        SEED.with_bands(bands)

    assert caught.value.code == "invalid_bands"


def test_method_snapshot_carries_everything_needed_to_read_a_score():
    snap = SEED.snapshot()

    assert snap.key == DEFAULT_METHOD
    assert [c.key for c in snap.criteria] == ["probability", "gravity"]
    assert snap.criteria[0].levels["4"] == "Très probable"
    assert snap.weighting["controlled"] == Decimal("0.35")
    assert snap.weighting_labels["partial"] == "Partiellement maîtrisé"
    assert [(b.priority, b.deadline_months) for b in snap.bands] == [
        (Priority.LOW, None),
        (Priority.MODERATE, 6),
        (Priority.IMPORTANT, 3),
        (Priority.MAJOR, 2),
    ]


def test_deadline_is_clamped_to_the_end_of_the_month():
    assert default_deadline(Priority.MODERATE, date(2023, 8, 31), SEED) == date(2024, 2, 29)
    assert default_deadline(Priority.MODERATE, date(2022, 8, 31), SEED) == date(2023, 2, 28)
    assert default_deadline(Priority.IMPORTANT, date(2024, 11, 15), SEED) == date(2025, 2, 15)
    assert default_deadline(Priority.MAJOR, date(2024, 12, 31), SEED) == date(2025, 2, 28)


def test_low_priority_has_no_deadline_and_a_missing_priority_is_refused():
    assert default_deadline(Priority.LOW, date(2024, 1, 1), SEED) is None
    with pytest.raises(RatingError) as caught:
        default_deadline(Priority.IMPORTANT, date(2024, 1, 1), get_method("kinney"))
    assert caught.value.code == "unknown_priority"
