"""The certificate as a PDF, from the same template as the A4 page, with WeasyPrint."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.errors import DomainError

CSS = Path(__file__).resolve().parent.parent.parent / "static" / "css" / "certificate.css"


def render(html: str) -> bytes:
    """A4 PDF bytes of a rendered page. Chinese is set in Noto CJK (fonts-noto-cjk)."""
    # Imported here, not at the top: WeasyPrint loads pango when imported, and a fresh machine
    # running `make run` may lack it; the rest of the portal, and the HTML print page, still work.
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # not installed, or no libpango-1.0-0
        current_app.logger.error("WeasyPrint cannot load: %s", error)
        raise DomainError("pdf_unavailable", _l(
            "暂时无法生成 PDF，请使用“打印”把证明打印或另存为 PDF。"), 503) from error
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # one INFO line per step
    return weasyprint.HTML(string=html, base_url=str(CSS.parent)).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(CSS))])
