"""PDF rendering: the one place WeasyPrint is called, with one fetch policy.

A PDF template embeds all it needs (inline CSS, inline SVG, data: images). WeasyPrint would otherwise
follow any URL in the HTML: an http:// address (a request from the server to anywhere) or a file:// path
(`<link rel="attachment" href="file:///etc/passwd">` puts the file inside the PDF). So every URL except
data: is refused; WeasyPrint logs a warning and leaves the resource out.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

ALLOWED_URL_SCHEMES = ("data",)


def render_pdf(
    template: str, context: dict[str, Any], *, request: HttpRequest | None = None, pdf_variant: str | None = None
) -> bytes:
    """Render a Django template to PDF bytes, fetching nothing from the network or the file system.

    pdf_variant: e.g. "pdf/a-2a" for a document kept for the long term (tagged PDF/A with its XMP metadata)."""
    html = render_to_string(template, context, request=request)
    # A fetcher per document: WeasyPrint's URLFetcher keeps per-request state. No base_url, so a
    # relative URL cannot be resolved against the server or its working directory either.
    fetcher = URLFetcher(allowed_protocols=ALLOWED_URL_SCHEMES, allow_redirects=False)
    with _cyclic_gc_paused():
        pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=pdf_variant)  # WeasyPrint: no types
    return pdf


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off during a render, then one collection of what the render left.

    WeasyPrint makes hundreds of thousands of objects that live until the PDF is written, and the collector kept
    walking them (about a tenth of the nämnd report's render). The cycles left meanwhile (some 10 MB for that
    report) all sit in the youngest generation, which one collection frees. The switch is process-wide; with
    threads, only the call that found the collector on turns it on again, so another render at worst finishes
    with it on, and no call leaves it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


def pdf_response(document: bytes, *, filename: str) -> HttpResponse:
    """A PDF shown inline and never cached; `filename` must hold no name or personnummer."""
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
