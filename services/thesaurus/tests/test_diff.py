import pytest

from thesaurus.domain.diff import ConceptState, diff_versions

pytestmark = pytest.mark.unit


def test_diff_reports_added_changed_and_deprecated_sorted_by_code():
    before = [
        ConceptState("10.71C", "Boulangerie et boulangerie-pâtisserie", "10.71"),
        ConceptState("62.01Z", "Programmation informatique", "62.01"),
        ConceptState("99.99Z", "Code retiré"),
    ]
    after = [
        ConceptState("10.71C", "Boulangerie et boulangerie-pâtisserie", "10.71"),
        ConceptState("62.01Z", "Programmation informatique (libellé revu)", "62.01"),
        ConceptState("99.99Z", "Code retiré", status="deprecated", replaced_by=("10.71C",)),
        ConceptState("01.11Z", "Culture de céréales", "01.11"),
    ]
    diff = diff_versions(before, after)
    assert [c.code for c in diff.added] == ["01.11Z"]
    assert [c.code for c in diff.changed] == ["62.01Z"]
    assert [(c.code, c.replaced_by) for c in diff.deprecated] == [("99.99Z", ("10.71C",))]


def test_first_version_is_all_added():
    diff = diff_versions([], [ConceptState("A", "a"), ConceptState("B", "b")])
    assert [c.code for c in diff.added] == ["A", "B"]
    assert not diff.changed
    assert not diff.deprecated


def test_concept_missing_from_new_version_counts_as_deprecated_without_replacement():
    diff = diff_versions([ConceptState("A", "a")], [])
    assert [(c.code, c.status, c.replaced_by) for c in diff.deprecated] == [("A", "deprecated", ())]
