"""Import and export of code systems: CSV, FHIR R5 CodeSystem JSON, SKOS Turtle.

Pure functions from bytes or text to ``CodeSystemData`` and back. Every ``parse_*`` either returns
a complete, valid code system or raises ``ImportRejected`` with all the problems found and where
they are (line numbers, JSON paths or IRIs): nothing is ever half loaded.
"""

from thesaurus.interchange.csv_format import parse_csv, to_csv
from thesaurus.interchange.errors import ImportRejected
from thesaurus.interchange.fhir_format import parse_fhir, to_fhir
from thesaurus.interchange.skos_format import parse_skos, to_skos

__all__ = [
    "ImportRejected",
    "parse_csv",
    "parse_fhir",
    "parse_skos",
    "to_csv",
    "to_fhir",
    "to_skos",
]
