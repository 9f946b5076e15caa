"""The report as PDF (WeasyPrint, A4), rendered by ``wpo.lib.pdf``.

The charts are inline SVG in the HTML; the URL fetcher allows only ``data:`` URIs, so rendering
never reaches the network or the file system.
"""

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from wpo.lib.pdf import html_to_pdf

PRINT_CSS = Path(__file__).resolve().parent / "static" / "reports" / "report-print.css"


def render_report_pdf(context: dict[str, Any], template: str = "reports/report_pdf.html") -> bytes:
    """The report (or, with ``template``, another page of figures such as the national one) as PDF."""
    return html_to_pdf(render_to_string(template, context), PRINT_CSS)
