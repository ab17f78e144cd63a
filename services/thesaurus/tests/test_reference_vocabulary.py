"""The thesaurus publishes its reference code systems under the platform's vocabulary names."""

from __future__ import annotations

from cosar_common import vocabulary
from thesaurus.reference import SOURCES


def test_every_reference_source_is_named_by_the_vocabulary() -> None:
    names = {
        value for key, value in vars(vocabulary).items() if key.isupper() and isinstance(value, str)
    }
    assert {source.name for source in SOURCES} == names
