"""The export route's formats: each one render function registered once in ``EXPORTERS``."""

import json

import pytest

from thesaurus.codesystems.exchange import Format
from thesaurus.interchange import EXPORTERS, parse_skos, to_csv, to_fhir, to_skos

from .test_interchange_fhir import sample_system

pytestmark = pytest.mark.unit


def test_every_interchange_format_is_exported():
    assert EXPORTERS.formats == tuple(f.value for f in Format)


@pytest.mark.parametrize(
    ("fmt", "body", "media_type", "filename"),
    [
        ("csv", lambda cs: to_csv(cs), "text/csv; charset=utf-8", "naf-3.csv"),
        (
            "fhir",
            lambda cs: json.dumps(to_fhir(cs), ensure_ascii=False).encode(),
            "application/fhir+json",
            "naf-3.json",
        ),
        # Turtle lists a concept's values in no fixed order: compared as read back.
        (
            "skos",
            lambda cs: parse_skos(to_skos(cs)),
            "text/turtle; charset=utf-8",
            "naf-3.ttl",
        ),
    ],
)
def test_a_version_is_downloaded_in_its_format(fmt, body, media_type, filename):
    system = sample_system()
    response = EXPORTERS.render(Format(fmt), system, name="naf-3").response()
    sent = parse_skos(response.body) if fmt == "skos" else response.body
    assert sent == body(system)
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
