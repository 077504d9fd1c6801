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
    """Template `_()`, `gettext()` and `{% trans %}` through `translations()`.

    Jinja's newstyle wrappers reach the catalogue through two `Context.call`s per string;
    these call it directly and keep what newstyle promises: the result is autoescaped
    Markup, and it is always %-formatted, with or without variables."""
    from jinja2 import pass_eval_context
    from markupsafe import Markup

    # The leading double underscores, as in Jinja's own, keep the parameter names out of the
    # way of a template's variables: _("%(string)s", string=x) must still work.
    def finish(eval_ctx, found, variables):
        return (Markup(found) if eval_ctx.autoescape else found) % variables

    @pass_eval_context
    def template_gettext(__eval_ctx, __string, **variables):
        return finish(__eval_ctx, translations().ugettext(__string), variables)

    @pass_eval_context
    def template_ngettext(__eval_ctx, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        return finish(__eval_ctx, translations().ungettext(__singular, __plural, __num),
                      variables)

    @pass_eval_context
    def template_pgettext(__eval_ctx, __context, __string, **variables):
        variables.setdefault("context", __context)
        return finish(__eval_ctx, translations().upgettext(__context, __string), variables)

    @pass_eval_context
    def template_npgettext(__eval_ctx, __context, __singular, __plural, __num, **variables):
        variables.setdefault("context", __context)
        variables.setdefault("num", __num)
        return finish(__eval_ctx, translations().unpgettext(__context, __singular, __plural,
                                                            __num), variables)

    env = app.jinja_env
    env.newstyle_gettext = True  # what {% trans %} compiles to: the newstyle calls below
    env.globals.update(_=template_gettext, gettext=template_gettext,
                       ngettext=template_ngettext, pgettext=template_pgettext,
                       npgettext=template_npgettext)
