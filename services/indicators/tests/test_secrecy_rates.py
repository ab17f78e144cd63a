import pytest

from indicators.domain.secrecy import (
    Dimension,
    Protection,
    RateStatus,
    Record,
    SecretReason,
    TableSpec,
    build_tables,
    cell_key,
    protect,
    publishable_rates,
)

pytestmark = pytest.mark.unit

SECTION = Dimension.flat("naf", ["C", "F", "G", "H"])
SIZE = Dimension.flat("size", ["small", "large"])
MIN_HOURS = 100_000.0


def company(name: str, naf: str, size: str, accidents: float | None, hours: float) -> list[Record]:
    coords = {"naf": naf, "size": size}
    found = [Record("hours", name, coords, hours)]
    if accidents is not None:
        found.append(Record("accidents", name, coords, accidents))
    return found


def protected() -> Protection:
    records = [
        *company("c1", "C", "small", 2, 30_000),  # alone: both terms secret
        *[r for i in range(3) for r in company(f"c{i + 2}", "C", "large", 3 + i, 400_000)],
        # F small: hours evenly spread, but one company has 90 % of the accidents
        *company("f1", "F", "small", 18, 50_000),
        *company("f2", "F", "small", 1, 50_000),
        *company("f3", "F", "small", 1, 60_000),
        *[r for i in range(4) for r in company(f"f{i + 4}", "F", "large", 2 + i, 300_000)],
        # G large: three small firms, publishable but under the minimum of hours
        *[r for i in range(3) for r in company(f"g{i}", "G", "large", 1, 20_000)],
        # G small: no accident recorded at all (a structural zero numerator)
        *[r for i in range(3) for r in company(f"g{i + 3}", "G", "small", None, 200_000)],
        *[r for i in range(5) for r in company(f"h{i}", "H", "small", 4, 250_000)],
        *[r for i in range(5) for r in company(f"h{i + 5}", "H", "large", 6, 500_000)],
    ]
    specs = [
        TableSpec("accidents", "accidents", (SECTION, SIZE)),
        TableSpec("hours", "hours", (SECTION, SIZE)),
    ]
    return protect(build_tables(records, specs))


def rate_key(naf: str, size: str) -> object:
    return cell_key("tf", {"naf": naf, "size": size})


def tf(protection: Protection, min_hours: float) -> dict:
    return publishable_rates(
        protection,
        protection,
        measure="tf",
        numerator_measure="accidents",
        denominator_measure="hours",
        factor=1e6,
        min_denominator=min_hours,
    )


def test_rates_inherit_the_secrecy_of_numerator_and_denominator():
    protection = protected()
    assert protection.secrets[cell_key("accidents", {"naf": "F", "size": "small"})] is (
        SecretReason.DOMINANCE
    )
    assert not protection.is_secret(cell_key("hours", {"naf": "F", "size": "small"}))
    rates = tf(protection, MIN_HOURS)
    assert rates[rate_key("C", "small")].status is RateStatus.SECRET
    assert rates[rate_key("F", "small")].status is RateStatus.SECRET  # numerator only
    assert rates[rate_key("F", "small")].value is None
    hours_h = 5 * 250_000 + 5 * 500_000
    accidents_h = 5 * 4 + 5 * 6
    assert rates[cell_key("tf", {"naf": "H"})].value == pytest.approx(accidents_h * 1e6 / hours_h)
    for key, rate in rates.items():
        top = cell_key("accidents", dict(key.coords))
        bottom = cell_key("hours", dict(key.coords))
        hidden = protection.is_secret(top) or protection.is_secret(bottom)
        hours = protection.tables.value(bottom)
        assert (rate.status is RateStatus.SECRET) == hidden
        assert (rate.status is RateStatus.SMALL_DENOMINATOR) == (not hidden and hours < MIN_HOURS)
        if rate.status is RateStatus.PUBLISHED:
            assert rate.value == pytest.approx(protection.tables.value(top) * 1e6 / hours)
    assert {RateStatus.PUBLISHED, RateStatus.SECRET} <= {rate.status for rate in rates.values()}


def test_a_rate_at_the_minimum_denominator_is_published_just_below_it_is_not():
    protection = protected()
    published = [r for r in tf(protection, 0.0).values() if r.status is RateStatus.PUBLISHED]
    smallest = min(
        published, key=lambda r: protection.tables.value(cell_key("hours", dict(r.key.coords)))
    )
    hours = protection.tables.value(cell_key("hours", dict(smallest.key.coords)))
    assert tf(protection, hours)[smallest.key].status is RateStatus.PUBLISHED
    assert tf(protection, hours + 1)[smallest.key].status is RateStatus.SMALL_DENOMINATOR


def test_a_missing_numerator_is_a_published_zero():
    protection = protected()
    assert cell_key("accidents", {"naf": "G", "size": "small"}) not in protection.tables.cells
    rate = tf(protection, 0.0)[rate_key("G", "small")]
    if not protection.is_secret(cell_key("hours", {"naf": "G", "size": "small"})):
        assert (rate.status, rate.value) == (RateStatus.PUBLISHED, 0.0)
    else:
        assert rate.status is RateStatus.SECRET


def test_a_protection_with_several_measures_needs_them_named():
    protection = protected()
    with pytest.raises(ValueError, match="name the measure"):
        publishable_rates(protection, protection, measure="tf")
