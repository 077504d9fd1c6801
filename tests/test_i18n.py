"""Every visible string is in the English catalog, translated, with matching placeholders."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_english_catalog_is_complete():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(source_messages() - set(translated))
    assert missing == [], f"untranslated: {missing[:10]} (run `make translations`)"


def test_placeholders_survive_translation():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    pattern = re.compile(r"%\(\w+\)[sd]")
    for message in catalog:
        if message.id and message.string:
            assert sorted(pattern.findall(message.id)) == sorted(pattern.findall(message.string)), \
                message.id
