"""Import and export of code systems: CSV, FHIR R5 CodeSystem JSON, SKOS Turtle.

Pure functions from bytes or text to ``CodeSystemData`` and back. Every ``parse_*`` either returns
a complete, valid code system or raises ``ImportRejected`` with all the problems found and where
they are (line numbers, JSON paths or IRIs): nothing is ever half loaded.

``EXPORTERS``: the formats a published version is exported to (``GET .../export?format=``), one
render function each, registered once.
"""

import json

from cosar_common.documents import CSV, Exporters
from thesaurus.domain.model import CodeSystemData
from thesaurus.interchange.csv_format import parse_csv, to_csv
from thesaurus.interchange.errors import ImportRejected
from thesaurus.interchange.fhir_format import parse_fhir, to_fhir
from thesaurus.interchange.skos_format import parse_skos, to_skos

FHIR_JSON = "application/fhir+json"
TURTLE = "text/turtle; charset=utf-8"


def to_fhir_json(cs: CodeSystemData) -> bytes:
    return json.dumps(to_fhir(cs), ensure_ascii=False).encode()


EXPORTERS = Exporters[CodeSystemData]()
EXPORTERS.add("csv", to_csv, media_type=CSV)
EXPORTERS.add("fhir", to_fhir_json, media_type=FHIR_JSON, extension="json")
EXPORTERS.add("skos", to_skos, media_type=TURTLE, extension="ttl")

__all__ = [
    "EXPORTERS",
    "FHIR_JSON",
    "TURTLE",
    "ImportRejected",
    "parse_csv",
    "parse_fhir",
    "parse_skos",
    "to_csv",
    "to_fhir",
    "to_fhir_json",
    "to_skos",
]
