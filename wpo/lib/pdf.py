"""HTML to PDF with WeasyPrint, for everything the platform prints (assignments, certificates, the
report, a person's data, login cards). Pictures travel inside the HTML as ``data:`` URIs and the
URL fetcher refuses every other protocol, so rendering never reaches the network or a file."""

import base64
import functools
import ssl
from pathlib import Path
from typing import Any


@functools.cache
def _unused_ssl_context() -> ssl.SSLContext:
    # Without a context, WeasyPrint's fetcher builds urllib's default one for every document, loading
    # the system's CA certificates: about 30 ms per PDF. Only data: URIs are fetched, so this bare
    # context (no CA certificates: any https would fail) is never used.
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def url_fetcher() -> Any:
    """WeasyPrint's fetcher, limited to data: URIs: no network, no file system."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, ssl_context=_unused_ssl_context())


@functools.lru_cache(maxsize=8)
def _stylesheet(css: str) -> Any:
    """A print stylesheet parsed once per process and text (about 9 ms a parse); WeasyPrint only
    reads a parsed stylesheet while rendering, and ours load no fonts or files."""
    from weasyprint import CSS

    return CSS(string=css, url_fetcher=url_fetcher())


def layout(html: str, stylesheet: Path) -> Any:
    """``html`` laid out in pages with the print stylesheet at ``stylesheet`` (a WeasyPrint document)."""
    from weasyprint import HTML

    css = _stylesheet(stylesheet.read_text(encoding="utf-8"))
    return HTML(string=html, url_fetcher=url_fetcher()).render(stylesheets=[css])


# A tagged, accessible PDF (structure tree, reading order, language, alt texts): ``variant=PDF_UA``.
PDF_UA = "pdf/ua-1"


def html_to_pdf(html: str, stylesheet: Path, variant: str | None = None) -> bytes:
    return bytes(layout(html, stylesheet).write_pdf(pdf_variant=variant))


def join_pdf(documents: list[Any], variant: str | None = None) -> bytes:
    """The pages of documents laid out one by one (``layout``), as one PDF."""
    if not documents:
        raise ValueError("no documents to join")
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf(pdf_variant=variant))


def svg_data_uri(svg: str) -> str:
    """An SVG as a data: URI, the only kind of picture the PDF renderers fetch."""
    if not svg or "<svg" not in svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
