"""Every validation message on every form reads in Chinese in the zh locale: the nested post
rows too, whose sub-forms WTForms builds with their own Meta, and WTForms' own messages."""

import re

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, SelectFieldBase

from tests.test_bounds import _form_classes

#: what a resident may type into any field: a fraction, words, a day that does not exist,
#: nothing, a negative, a huge number, a bad time, a long text
BAD_VALUES = ["1.5", "abc", "2026-02-30", "", "   ", "-1", "99999999999999999999", "25:99",
              "x" * 3000]
#: English words in a message; file types and the like may stay as they are
ENGLISH = re.compile(r"[A-Za-z]{3,}")
ALLOWED = {"JPG", "JPEG", "PNG", "GIF", "HEIC", "WEBP", "CSV"}


def _leaves(fields):
    """The fields a browser posts, by their full names: post rows and sub-forms included."""
    for field in fields:
        if isinstance(field, FieldList):
            yield from _leaves(field.entries)
        elif isinstance(field, FormField):
            yield from _leaves(field.form)
        else:
            yield field


def _errors(form_class, formdata: MultiDict) -> list[str]:
    form = form_class(formdata=formdata)
    for field in _leaves(form):
        if isinstance(field, SelectFieldBase) and getattr(field, "choices", None) is None:
            field.choices = []  # the view fills these in; an empty list is the worst case
    form.validate()
    found = []

    def walk(errors):
        if isinstance(errors, dict):
            for value in errors.values():
                walk(value)
        elif isinstance(errors, (list, tuple)):
            for value in errors:
                walk(value)
        else:
            found.append(str(errors))

    walk(form.errors)
    return found


def _english(message: str) -> list[str]:
    return [word for word in ENGLISH.findall(message) if word.upper() not in ALLOWED]


def _forms_with_fields():
    from wtforms.fields.core import UnboundField

    return [cls for cls in _form_classes()  # not the bases, such as portal.forms.SubForm
            if any(isinstance(getattr(cls, name), UnboundField) for name in dir(cls))]


@pytest.mark.parametrize("form_class", _forms_with_fields(),
                         ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_message_of_every_form_is_chinese(app, form_class):
    with app.test_request_context("/", method="POST", headers={"Cookie": "lang=zh"}):
        names = [field.name for field in _leaves(form_class(formdata=None))]
        for bad in BAD_VALUES:
            # every field at once, then each field alone among fields holding something else
            # (so that "the two passwords differ" and the like speak too)
            cases = [MultiDict({name: bad for name in names})]
            cases += [MultiDict({other: ("abc" if other != name else bad) for other in names})
                      for name in names]
            for formdata in cases:
                for message in _errors(form_class, formdata):
                    assert not _english(message), (
                        f"{form_class.__qualname__} {dict(formdata)}: {message!r}")


def test_the_walk_reaches_the_post_rows_and_their_messages(app):
    from portal.shifts.forms import ShiftForm

    with app.test_request_context("/", method="POST", headers={"Cookie": "lang=zh"}):
        names = [field.name for field in _leaves(ShiftForm(formdata=None))]
        assert "posts-0-capacity" in names
        messages = _errors(ShiftForm, MultiDict({"posts-0-capacity": "1.5"}))
    assert any("整数" in message for message in messages), messages


@pytest.mark.parametrize("form_name, field, typed, expected", [
    ("shifts.ShiftForm", "day", "2026-02-30", "请填写一个有效的日期。"),
    ("shifts.ShiftForm", "day", "", "这一项必须填写。"),
    ("shifts.ShiftForm", "day", "   ", "这一项必须填写。"),
    ("shifts.ShiftForm", "start", "25:99", "请填写一个有效的时间，例如 08:30。"),
    ("shifts.ShiftForm", "start", "", "这一项必须填写。"),
    ("shifts.FilterForm", "day", "2026-02-30", "请填写一个有效的日期。"),
    ("wishes.WishForm", "deadline", "2026-02-30", "请填写一个有效的日期。"),
    ("wishes.WishForm", "deadline", "", "请选择日期。"),
    ("shop.ShopForm", "open_time", "8点", "请填写一个有效的时间，例如 08:30。"),
    ("shifts.PostForm", "capacity", "1.5", "请填 1 到 500 之间的整数。"),
    ("shifts.PostForm", "capacity", "abc", "请填 1 到 500 之间的整数。"),
    ("shifts.PostForm", "capacity", "", None),
    ("wishes.WishForm", "value_yuan", "1.5", "请填 0 到 100000 之间的整数。"),
    ("wishes.ConfirmForm", "rating", "abc", "请从列表中选择。"),
])
def test_unreadable_input_is_called_invalid_and_empty_input_missing(app, form_name, field,
                                                                    typed, expected):
    import importlib

    module, name = form_name.split(".")
    form_class = getattr(importlib.import_module(f"portal.{module}.forms"), name)
    with app.test_request_context("/", method="POST", headers={"Cookie": "lang=zh"}):
        form = form_class(formdata=MultiDict({field: typed}))
        form.validate()
        assert form[field].errors == ([expected] if expected else [])


def test_every_form_speaks_through_the_portals_bases():
    """A form on a plain FlaskForm or Form would fall back to WTForms' own words."""
    from portal.forms import PageForm, SubForm

    for form_class in _forms_with_fields():
        assert issubclass(form_class, (PageForm, SubForm)), form_class


def test_the_portals_words_follow_the_locale(app):
    from portal.shifts.forms import ShiftForm

    with app.test_request_context("/", method="POST", headers={"Cookie": "lang=en"}):
        form = ShiftForm(formdata=MultiDict({"day": "2026-02-30", "posts-0-capacity": "x"}))
        form.validate()
        assert form.day.errors == ["Please enter a valid date."]
        assert form.posts[0].capacity.errors == ["Enter a whole number from 1 to 500."]
