import pytest

from thesaurus.search.query import looks_like_code, parse, tsquery_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("q", ["62.01Z", "6201Z", "62.01", "62 01 z", "M54", "431f", "PHY.BRUIT"])
def test_codes_in_any_common_writing_look_like_codes(q):
    assert looks_like_code(q)


@pytest.mark.parametrize("q", ["boulangerie", "programmation informatique", "Bruit", "62.01 z!"])
def test_words_do_not_look_like_codes(q):
    assert not looks_like_code(q)


def test_every_writing_of_a_naf_code_normalises_to_the_same_code():
    assert {parse(q).code for q in ("62.01Z", "6201Z", "62.01z", " 62.01 Z ")} == {"6201Z"}


def test_words_become_quoted_prefixes_all_required():
    assert tsquery_text("Programmation informatique") == "'programmation':* & 'informatique':*"


def test_short_words_are_not_prefixes():
    assert tsquery_text("mal de dos") == "'mal':* & 'de' & 'dos':*"


@pytest.mark.parametrize("q", ["bruit & !x", "a:* | b", "it's", "x') OR 1=1 --"])
def test_tsquery_syntax_typed_by_users_never_reaches_the_query(q):
    words = tsquery_text(q)
    for token in words.split(" & "):
        body = token.removesuffix(":*")
        assert body.startswith("'")
        assert body.endswith("'")
        assert body[1:-1].replace("_", "").isalnum()


def test_accents_are_kept_for_sql_to_fold_like_the_index():
    assert tsquery_text("Déjà vu") == "'déjà':* & 'vu'"


@pytest.mark.parametrize("q", ["", " ", "a", "-- .", "é"])
def test_too_short_queries_are_refused(q):
    assert parse(q) is None


def test_fuzzy_only_from_four_letters():
    assert parse("ma").fuzzy is False
    assert parse("brui").fuzzy is True


def test_spaces_are_collapsed():
    terms = parse("  boulangerie   pâtisserie ")
    assert terms.text == "boulangerie pâtisserie"
    assert terms.code_prefix is False
