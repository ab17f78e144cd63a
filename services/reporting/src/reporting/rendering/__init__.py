"""The annual report rendered in French: an HTML page, a typeset PDF and an editable ODT.

    data = RenderInput(report=report, figures=compute_report(report), ...)
    render_html(data) -> str; render_pdf(data) -> bytes; render_odt(data) -> bytes

One document is written once (``content.build_document``, the seed's structure and numbering)
and laid out by three writers; each output is the same bytes for the same input. A new format
is one writer module, registered once in ``EXPORTERS``.
"""

from cosar_common.documents import HTML, ODT, PDF, Exporters
from reporting.rendering.html import render_html
from reporting.rendering.model import RenderInput, ReportStatus
from reporting.rendering.odt import render_odt
from reporting.rendering.pdf import render_pdf

EXPORTERS = Exporters[RenderInput]()
# The HTML is a page read in place; the ODT a document the establishment can still edit.
EXPORTERS.add("html", render_html, media_type=HTML, attachment=False, label="page HTML")
EXPORTERS.add("pdf", render_pdf, media_type=PDF)
EXPORTERS.add("odt", render_odt, media_type=ODT, label="ODT (modifiable)")

__all__ = ["EXPORTERS", "RenderInput", "ReportStatus", "render_html", "render_odt", "render_pdf"]
