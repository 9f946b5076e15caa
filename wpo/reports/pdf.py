"""The report as PDF (WeasyPrint, A4), rendered like ``wpo.curriculum.pdf.render_pdf``.

The charts are inline SVG in the HTML; the URL fetcher allows only ``data:`` URIs, so rendering
never reaches the network or the file system.
"""

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from wpo.curriculum.pdf import url_fetcher

PRINT_CSS = Path(__file__).resolve().parent / "static" / "reports" / "report-print.css"


def render_report_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = url_fetcher()
    html = render_to_string("reports/report_pdf.html", context)
    stylesheet = CSS(string=PRINT_CSS.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet]))
