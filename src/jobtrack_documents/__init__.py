"""Quotes, invoices and credit notes as documents a customer can open: a self-contained
HTML page, and a PDF made from the same page (the ``pdf`` extra:
``pip install 'jobtrack[pdf]'``).

``docs/documents.md`` shows how to render and save them.
"""

from jobtrack_documents.render import *  # noqa: F403 - the public API, re-exported
from jobtrack_documents.render import __all__ as _render_all

__all__ = [*_render_all]
