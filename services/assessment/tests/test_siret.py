import pytest

from assessment.domain.siret import InvalidSiret, normalise_siret, siren_of

pytestmark = pytest.mark.unit


def test_valid_siret_is_compacted_and_gives_its_siren():
    assert normalise_siret("812 345 601 00015") == "81234560100015"
    assert siren_of("81234560100015") == "812345601"


def test_bad_check_digit_is_refused_with_a_french_message():
    with pytest.raises(InvalidSiret, match="clé de contrôle"):
        normalise_siret("81234560100016")


def test_wrong_length_is_refused():
    with pytest.raises(InvalidSiret, match="14 chiffres"):
        normalise_siret("1234")
