"""Compiling the translation catalogs (.po -> .mo); run by `make` and by the test session."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogs(force: bool = False) -> list[Path]:
    """Write every messages.mo that is missing or older than its .po. Returns those written."""
    written = []
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalog = read_po(f)
            with mo.open("wb") as f:
                write_mo(f, catalog)
            written.append(mo)
    return written


def translations():
    """The request's translations, looked up once per request (or app context) and kept in `g`.

    Flask-Babel's own callables resolve the context, the locale and the catalogue cache for
    each string, and a page has dozens of strings; this keeps its catalogues and its locale
    choice and only remembers the result for the rest of the request.
    """
    from flask import g
    from flask_babel import get_translations

    try:
        return g._portal_translations
    except AttributeError:
        g._portal_translations = found = get_translations()
        return found


def N_(string: str) -> str:
    """Marks a string for extraction without translating it; `gettext(string)` later does."""
    return string


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext with the request's translations looked up once (see above), for
    code on hot paths that translates a few strings per request."""
    found = translations().ugettext(string)
    return found % variables if variables else found


def install_fast_gettext(app) -> None:
    """Template `_()` through `translations()`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
