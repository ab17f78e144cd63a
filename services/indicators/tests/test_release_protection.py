"""Releases protected jointly: the audit finds no breach on an adversarial region, and finds
the breaches each protection step prevents when that step is switched off."""

import pytest

from indicators.domain.release.audit import audit_release
from indicators.domain.release.cubes import (
    NAF,
    TENANT,
    Measure,
    Shape,
    Unit,
    build_cube,
    company_view,
    stand_ins,
    tenant_view,
)
from indicators.domain.release.measures import rate_links
from indicators.domain.release.protect import ALL_PASSES, Pass, Reason, Secrecy
from indicators.domain.release.release import (
    Population,
    information_loss,
    protect_release,
)
from indicators.domain.release.synthetic import SECTIONS, adversarial, later
from indicators.domain.secrecy import TOTAL, PrimaryRules, SolverOptions, cell_key, primary_reason
from indicators.domain.secrecy.tables import Cell

pytestmark = pytest.mark.unit

SECRECY = Secrecy(options=SolverOptions(max_mip_rounds=0))


@pytest.fixture(scope="module")
def region() -> Population:
    return adversarial(tenants=3, companies=14, seed=11)


@pytest.fixture(scope="module")
def protected(region):
    return protect_release(region, SECRECY)


@pytest.mark.parametrize(
    "values",
    [
        [5.0],
        [5.0, 1.0],
        [9.0, 1.0, 1.0],
        [90.0, 4.0, 3.0, 2.0, 1.0],
        [10.0] * 12,
        [0.0] * 5,
        [30.0, 29.0, 1.0, 1.0, 1.0, 1.0],
    ],
)
def test_stand_ins_decide_every_rule_as_the_companies_would(values):
    rules = PrimaryRules()
    company_rules = Secrecy().company_rules
    key = cell_key("m", {})

    def cell(contribs: list[float]) -> Cell:
        named = {str(i): v for i, v in enumerate(contribs)}
        return Cell(key, sum(contribs), named, round(sum(contribs)))

    real, standing = cell(values), cell(stand_ins(values, integer=True))
    assert standing.value == real.value
    assert primary_reason(standing, rules) == primary_reason(real, rules)
    # the largest company subtracting itself sees the rest as it is
    assert primary_reason(cell(stand_ins(values, True)[1:]), company_rules) == primary_reason(
        cell(sorted(values, reverse=True)[1:]), company_rules
    )


def test_the_audit_finds_no_breach_in_a_protected_adversarial_region(protected):
    report = protected.audit
    assert report.breaches == []
    # every class of attack was actually tried on this region
    for kind in ("linked", "tenant", "company", "difference", "bounds"):
        assert report.targets[kind] > 0, kind
    for pc in protected.cubes.values():
        assert all(not pc.cube.tables.cells[k].is_empty for k in pc.hidden)


def test_the_one_company_sector_the_dominant_employer_and_the_two_tenant_sector(region, protected):
    members = protected.cubes["members"]
    alone = cell_key("members", {NAF: "35"})
    assert members.reasons[alone] is Reason.FREQUENCY
    employees = protected.cubes["employees"]
    giant = cell_key("employees", {NAF: "10", "size": "250+"})
    assert giant in employees.hidden
    # division 66: five companies of sst-01 and one of sst-03: the region cell is safe from an
    # outsider but gives sst-01 the single foreign company exactly — hidden for that reason
    mostly = cell_key("members", {NAF: "66", "size": "1-9"})
    assert members.cube.tables.cells[mostly].value == 6
    assert members.reasons[mostly] is Reason.TENANT


def test_without_secondary_suppression_the_linked_attack_recomputes_secrets(region):
    off = protect_release(region, SECRECY, passes=ALL_PASSES - {Pass.SECONDARY})
    kinds = off.audit.by_kind()
    assert kinds.get("linked", 0) > 0


def test_without_the_tenant_pass_a_tenant_recomputes_foreign_parts(region):
    off = protect_release(region, SECRECY, passes=ALL_PASSES - {Pass.TENANTS})
    kinds = off.audit.by_kind()
    assert kinds.get("published-sensitive", 0) + kinds.get("tenant", 0) > 0
    assert all(b.intruder.startswith("sst-") for b in off.audit.breaches if b.kind == "tenant")


def test_without_the_company_pass_a_company_reads_its_neighbour():
    # two one-company cells side by side under a published total: each company reads the other
    units = [
        Unit("sst-01", f"c{i}", "47", "1-9", {"members": 1.0}, "members") for i in range(5)
    ] + [
        Unit("sst-01", "x", "47", "10-49", {"members": 1.0}, "members"),
        Unit("sst-01", "y", "47", "50-249", {"members": 1.0}, "members"),
        Unit("sst-02", "z", "43", "1-9", {"members": 1.0}, "members"),
        *[Unit("sst-02", f"d{i}", "43", "10-49", {"members": 1.0}, "members") for i in range(4)],
    ]
    population = Population(tuple(units), SECTIONS)
    off = protect_release(population, SECRECY, passes=ALL_PASSES - {Pass.COMPANIES})
    on = protect_release(population, SECRECY)
    assert off.audit.by_kind().get("company", 0) > 0
    assert on.audit.breaches == []


def test_a_later_release_of_the_same_year_does_not_give_the_changes_away(region, protected):
    newer = later(region, seed=5, arrivals=4, updates=6)
    second = protect_release(
        newer, SECRECY, previous=region, previous_published=protected.published()
    )
    assert second.audit.breaches == []
    assert second.audit.targets["release-difference"] > 0
    off = protect_release(
        newer,
        SECRECY,
        previous=region,
        previous_published=protected.published(),
        passes=ALL_PASSES - {Pass.CHANGES},
    )
    assert off.audit.by_kind().get("release-difference", 0) > 0


def test_views_subtract_exactly_what_the_intruder_knows(region):
    cube = build_cube(
        Measure("members", Shape.NAF_SIZE), region.units, sections=SECTIONS, sizes=region.sizes
    )
    view = tenant_view(cube, "sst-01")
    for key, cell in cube.tables.cells.items():
        seen = view.cells[key]
        if key.code(TENANT) == "sst-01":
            assert seen.is_empty
        elif key.code(TENANT) == TOTAL:
            own = sum(v for n, v in cell.contributors.items() if n.startswith("sst-01|"))
            assert seen.value == pytest.approx(cell.value - own)
        else:
            assert seen is cell
    name = next(iter(cube.tables.cells[cell_key("members", {NAF: "35"})].contributors))
    alone = company_view(cube, name)
    assert alone.cells[cell_key("members", {NAF: "35"})].is_empty


def test_information_loss_is_reported_for_region_and_tenant_levels(protected):
    loss = information_loss(protected.cubes)
    assert set(loss) == {"region", "tenant"}
    for level in loss.values():
        assert 0 < level.hidden <= level.cells
        assert 0 <= level.value_share <= 1
    # the region's overall totals are published (the adversarial cases are small ones)
    total = cell_key("members", {})
    assert total not in protected.cubes["members"].hidden


def test_rate_links_bound_numerators_by_denominators(protected):
    links = rate_links(set(protected.cubes))
    assert any(link.numerator == "exposed" for link in links)
    report = audit_release(protected.cubes, SECRECY, links=links)
    assert report.targets["bounds"] > 0
    assert report.breaches == []
