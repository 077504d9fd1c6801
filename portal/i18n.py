"""Compiling the translation catalogs (.po -> .mo), run by `make` and by the test session;
and `N_`, which marks a string for extraction without translating it."""

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


def N_(string: str) -> str:
    """Marks a string for extraction without translating it; `gettext(string)` later does."""
    return string
