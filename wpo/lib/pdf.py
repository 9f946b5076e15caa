"""HTML to PDF with WeasyPrint, for everything the platform prints (assignments, certificates, the
report, a person's data, login cards). Pictures travel inside the HTML as ``data:`` URIs and the
URL fetcher refuses every other protocol, so rendering never reaches the network or a file."""

import base64
import functools
import ssl
import threading
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


_fonts = threading.local()


@functools.cache
def _array_types() -> None:
    """WeasyPrint subsets each font through cffi arrays typed by their length in a string
    (``hb_codepoint_t[57]``), and cffi parses each new string with pycparser: 2-5 ms, a dozen times
    in the first PDFs of a process, since every certificate's text uses a different number of
    glyphs. The array types of every length up to 8192 go into cffi's cache of parsed types at once
    (about 10 ms), built directly from the pointer type; they are the very objects a parse returns.
    Skipped if cffi's internals differ: WeasyPrint then parses as before."""
    from weasyprint.text.ffi import ffi

    parsed = getattr(ffi, "_parsed_types", None)
    new_array_type = getattr(getattr(ffi, "_backend", None), "new_array_type", None)
    if not isinstance(parsed, dict) or new_array_type is None:
        return
    pointer = ffi.typeof("hb_codepoint_t *")
    for length in range(8193):
        parsed.setdefault(f"hb_codepoint_t[{length}]", (new_array_type(pointer, length), False))


def _font_config() -> Any:
    """The fonts, loaded once per thread. Without one, WeasyPrint loads fontconfig's configuration
    and opens every font afresh for each document, and Pango's shaping caches start cold. Per
    thread, because a Pango font map is not thread-safe; our stylesheets have no ``@font-face``, so
    a shared configuration only ever holds the system's fonts."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        _array_types()
        config = _fonts.config = FontConfiguration()
    return config


def layout(html: str, stylesheet: Path) -> Any:
    """``html`` laid out in pages with the print stylesheet at ``stylesheet`` (a WeasyPrint document)."""
    from weasyprint import HTML

    css = _stylesheet(stylesheet.read_text(encoding="utf-8"))
    return HTML(string=html, url_fetcher=url_fetcher()).render(stylesheets=[css], font_config=_font_config())


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
