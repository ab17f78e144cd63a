"""The report written once, in French, as blocks (``blocks.ReportDocument``).

Its structure and numbering are the seed's (I to IV and their items), each part built by its
own module; the three writers (HTML, PDF, ODT) lay out the same document.
"""

from __future__ import annotations

from reporting.rendering.blocks import Heading, Notes, ReportDocument
from reporting.rendering.formatting import DASH
from reporting.rendering.model import RenderInput
from reporting.rendering.part_establishment import establishment_part
from reporting.rendering.part_facts import facts_part
from reporting.rendering.part_indicators import indicators_part
from reporting.rendering.part_means import means_part
from reporting.rendering.seed_notes import SEED_NOTES

TITLE = (
    "Rapport annuel sur la situation générale de l'hygiène, de la sécurité et des conditions "
    "de travail"
)


def footer_text(data: RenderInput) -> str:
    """Establishment, year, revision, status and, when finalised, the hash prefix."""
    parts = [
        data.establishment_name,
        f"rapport {data.report.year}",
        f"révision n° {data.revision}",
        data.status.label.lower(),
    ]
    if data.hash_prefix is not None:
        parts.append(f"empreinte {data.hash_prefix}")
    return " — ".join(parts)


def build_document(data: RenderInput) -> ReportDocument:
    """The whole report, ready for any writer."""
    report = data.report
    cover = (
        ("Établissement", data.establishment_name),
        ("Adresse", report.establishment.identity.address),
        ("SIRET", data.siret or DASH),
        ("Code NAF", data.naf_code or DASH),
        ("Année du rapport", str(report.year)),
        ("Révision", f"n° {data.revision}"),
        ("Statut", data.status_text),
        ("Service de prévention et de santé au travail", data.tenant_name),
    )
    blocks = [
        *establishment_part(data),
        *indicators_part(data),
        *facts_part(data),
        *means_part(data),
        Heading(1, "", "Notes de l'annexe"),
        Notes("Renvois numérotés des rubriques", SEED_NOTES),
    ]
    return ReportDocument(
        title=TITLE,
        subtitle=f"{data.establishment_name} — année {report.year}",
        cover=cover,
        draft=not data.finalised,
        content_hash=data.content_hash,
        footer=footer_text(data),
        author=data.tenant_name,
        date=data.document_instant,
        blocks=tuple(blocks),
    )
