"""Every visible string is in the English catalog, translated, with matching placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}
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


def test_marked_outcome_words_are_extracted_and_translated(app):
    """The check-in outcomes are marked with N_ and translated when shown: in English the
    result page must not fall back to Chinese."""
    from portal.checkin import outcomes
    from portal.checkin.services import ScanResult

    assert "二维码已过期" in source_messages()
    # each block in its own app context, as each request has in production (g is per context)
    with app.app_context(), app.test_request_context(headers={"Cookie": "lang=en"}):
        described = outcomes.describe_result(ScanResult("expired_code"))
        assert described["title"] != "二维码已过期"
        assert described["title"] == outcomes._("二维码已过期")
        assert outcomes.outcome_title("too_late") != "班次已结束，不能再签到"
    with app.app_context(), app.test_request_context():
        assert outcomes.describe_result(ScanResult("expired_code"))["title"] == "二维码已过期"
        assert outcomes.outcome_title("no_such_code") == "no_such_code"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_gettext_matches_jinja_newstyle(app, lang):
    """The templates' `_()` is Flask-Babel's, through Jinja's newstyle gettext: translated,
    variables escaped into it, always %-formatted."""
    import jinja2
    from flask_babel import get_translations as translations

    source = ('{{ _("剩 %(n)d 个名额", n=3) }}|{{ _("限%(team)s", team=team) }}|'
              '{{ _("100%%") }}|{{ gettext("首页") }}|{{ _("<em>%(team)s</em>", team=team) }}|'
              '{{ ngettext("%(num)d 项", "%(num)d 项", 2) }}|'
              '{{ pgettext("nav", "首页 %(context)s") }}|'
              '{{ npgettext("nav", "%(num)d 项", "%(num)d 项", 1) }}|'
              '{% trans n=2 %}共 {{ n }} 人{% endtrans %}|{{ _("跳到正文") | length }}|'
              '{{ _("%(string)s %(num)s", string="s", num=1) }}|'
              '{{ ngettext("%(string)s", "%(string)s", 2, string="x") }}')
    reference = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    reference.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n), newstyle=True)
    team = "<b>七色花</b>"
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        ours = app.jinja_env.from_string(source).render(team=team)
        theirs = reference.from_string(source).render(team=team)
    assert ours == theirs
    assert "&lt;b&gt;七色花&lt;/b&gt;" in ours and "100%|" in ours
    assert "<em>&lt;b&gt;" in ours  # the string's own markup kept, the variable escaped
    assert ("places left" in ours) == (lang == "en")
