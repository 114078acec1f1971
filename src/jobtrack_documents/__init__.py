"""Quotes, invoices and credit notes as documents a customer can open: a self-contained
HTML page, and a PDF made from the same page (the ``pdf`` extra:
``pip install 'jobtrack[pdf]'``).

``docs/documents.md`` shows how to render and save them.
"""

from jobtrack_documents.render import (
    DEFAULT_LOCALE,
    BillingReader,
    PdfUnavailable,
    document_context,
    invoice_html,
    invoice_pdf,
    quote_html,
    quote_pdf,
    render_html,
    render_pdf,
)

__all__ = [
    "DEFAULT_LOCALE",
    "BillingReader",
    "PdfUnavailable",
    "document_context",
    "invoice_html",
    "invoice_pdf",
    "quote_html",
    "quote_pdf",
    "render_html",
    "render_pdf",
]
