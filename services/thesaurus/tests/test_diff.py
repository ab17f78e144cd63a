import pytest

from thesaurus.domain.diff import diff_versions
from thesaurus.domain.model import ConceptData, ConceptStatus, Property

pytestmark = pytest.mark.unit


def _c(code: str, display: str, *parents: str, **kw) -> ConceptData:
    return ConceptData(code=code, display=display, parents=parents, **kw)


def test_diff_reports_added_changed_and_deprecated_sorted_by_code():
    before = [
        _c("10.71C", "Boulangerie et boulangerie-pâtisserie", "10.71"),
        _c("62.01Z", "Programmation informatique", "62.01"),
        _c("99.99Z", "Code retiré"),
    ]
    after = [
        _c("10.71C", "Boulangerie et boulangerie-pâtisserie", "10.71"),
        _c("62.01Z", "Programmation informatique (libellé revu)", "62.01"),
        _c("99.99Z", "Code retiré", status=ConceptStatus.DEPRECATED, replaced_by=("10.71C",)),
        _c("01.11Z", "Culture de céréales", "01.11"),
    ]
    diff = diff_versions(before, after)
    assert [c.code for c in diff.added] == ["01.11Z"]
    assert [c.code for c in diff.changed] == ["62.01Z"]
    assert [(c.code, c.after.replaced_by) for c in diff.deprecated] == [("99.99Z", ("10.71C",))]


def test_a_new_parent_synonym_or_property_is_a_change():
    base = _c("A", "a")
    for changed in (
        _c("A", "a", "ROOT"),
        _c("A", "a", synonyms=("alpha",)),
        _c("A", "a", properties=(Property("seuil", 100),)),
    ):
        assert [c.code for c in diff_versions([base], [changed]).changed] == ["A"]


def test_first_version_is_all_added():
    diff = diff_versions([], [_c("A", "a"), _c("B", "b")])
    assert [c.code for c in diff.added] == ["A", "B"]
    assert not diff.changed
    assert not diff.deprecated


def test_concept_missing_from_new_version_counts_as_deprecated_without_replacement():
    diff = diff_versions([_c("A", "a")], [])
    assert [(c.code, c.after.status, c.after.replaced_by) for c in diff.deprecated] == [
        ("A", ConceptStatus.DEPRECATED, ())
    ]
