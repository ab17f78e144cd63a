"""The annual report rendered in French: an HTML page, a typeset PDF and an editable ODT.

    data = RenderInput(report=report, figures=compute_report(report), ...)
    render_html(data) -> str; render_pdf(data) -> bytes; render_odt(data) -> bytes

One document is written once (``content.build_document``, the seed's structure and numbering)
and laid out by three writers; each output is the same bytes for the same input.
"""

from reporting.rendering.html import render_html
from reporting.rendering.model import RenderInput, ReportStatus
from reporting.rendering.odt import render_odt
from reporting.rendering.pdf import render_pdf

__all__ = ["RenderInput", "ReportStatus", "render_html", "render_odt", "render_pdf"]
