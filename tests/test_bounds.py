"""Integers from forms, query strings and paths are bounded before they reach the database."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.forms import int_or_zero
from portal.web.params import MAX_INT, bounded_int

#: one past PostgreSQL's INTEGER at each end, and one past SQLite's 64-bit INTEGER
OUT_OF_RANGE = ["2147483648", "-2147483649", "99999999999999999999"]


@pytest.mark.parametrize("value, expected", [
    ("1", 1), (str(MAX_INT), MAX_INT), (" 7 ", 7), ("0", 0), ("", 0), (None, 0), ("abc", 0),
    ("1.5", 0), ("1e400", 0), ("NaN", 0), ("-1", 0), *[(value, 0) for value in OUT_OF_RANGE],
])
def test_int_or_zero_gives_nothing_chosen_for_junk_and_out_of_range(value, expected):
    assert int_or_zero(value) == expected


@pytest.mark.parametrize("value", [*OUT_OF_RANGE, "1e400", "NaN", "", "9" * 5000])
def test_bounded_int_refuses_what_no_column_holds(value):
    with pytest.raises(ValueError):
        bounded_int(value)


@pytest.mark.parametrize("name", ["zone", "team"])
@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_shift_list_treats_an_out_of_range_filter_as_all(client, tree, name, value):
    response = client.get(f"/shifts/?{name}={value}")
    assert response.status_code == 200


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_register_with_an_out_of_range_home_zone_creates_nothing(client, tree, value):
    response = client.post("/register", data={
        "phone": "13912345678", "name": "王秀英", "home_zone": value,
        "password": "password123", "confirm": "password123", "agree": "y"})
    assert response.status_code == 200
    assert "请选择您居住的网格或楼栋" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


# ---------------------------------------------------------------- every form field, by its type


def _form_classes():
    import importlib
    import pkgutil

    from wtforms import Form

    import portal

    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if module.name.endswith("forms"):
            importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return sorted({cls for cls in below(Form) if cls.__module__.startswith("portal.")},
                  key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _fields():
    from wtforms.fields.core import UnboundField

    for cls in _form_classes():
        for name in dir(cls):
            unbound = getattr(cls, name)
            if isinstance(unbound, UnboundField):
                validators = unbound.kwargs.get("validators") or (
                    unbound.args[1] if len(unbound.args) > 1 else [])
                yield f"{cls.__module__}.{cls.__qualname__}.{name}", unbound, list(validators)


def test_the_forms_are_found():
    names = {name for name, _field, _validators in _fields()}
    assert "portal.accounts.forms.RegisterForm.home_zone" in names
    assert "portal.shifts.forms.ShiftForm.capacity" in names  # through the mixin


def test_every_number_field_has_a_range_that_fits_its_column(app):
    from wtforms import DecimalField, FloatField, IntegerField
    from wtforms.validators import NumberRange

    for name, unbound, validators in _fields():
        if issubclass(unbound.field_class, (IntegerField, DecimalField, FloatField)):
            ranges = [v for v in validators if isinstance(v, NumberRange)]
            assert ranges, f"{name}: add portal.forms.number_range(low, high)"
            low, high = ranges[0].min, ranges[0].max
            assert low is not None and high is not None, name
            assert -MAX_INT <= low <= high <= MAX_INT, name
            with app.test_request_context():
                message = str(ranges[0].message or "")
            assert message and not message.isascii(), f"{name}: a Chinese message"


def test_every_date_field_is_bounded():
    from wtforms import DateField, DateTimeField, DateTimeLocalField, TimeField

    from portal.forms import date_range

    for name, unbound, validators in _fields():
        field_class = unbound.field_class
        if issubclass(field_class, (DateField, DateTimeField, DateTimeLocalField)) and \
                not issubclass(field_class, TimeField):  # a time of day has no year
            assert date_range in validators, f"{name}: add portal.forms.date_range"


def test_every_choice_field_is_coerced_within_bounds():
    """A number from a select reaches a query: either int_or_zero bounds it, or the field
    checks it against its own choices first."""
    from wtforms import RadioField, SelectField, SelectMultipleField

    for name, unbound, _validators in _fields():
        if issubclass(unbound.field_class, (SelectField, SelectMultipleField, RadioField)):
            coerce = unbound.kwargs.get("coerce", str)
            checked = unbound.kwargs.get("validate_choice", True)
            assert coerce in (str, int_or_zero) or checked, f"{name}: coerce=int_or_zero"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_shift_list_treats_a_day_out_of_range_as_none(client, tree, day):
    response = client.get(f"/shifts/?day={day}")
    assert response.status_code == 200
    assert "日期格式不对" in response.get_data(as_text=True)
