"""Form pieces shared across domains: Chinese messages for the common validators."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import Form, SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from portal.web import MAX_INT


class SubForm(Form):
    """A form nested in a page's form (a FormField, or a FieldList of them), e.g. a post row.

    WTForms builds a nested form with its own Meta, so it does not inherit the page form's
    translations: a plain `Form` said "Not a valid integer value." in Chinese pages. This Meta
    gives it the same translations Flask-WTF gives a FlaskForm.
    """

    class Meta:
        def get_translations(self, form):
            return wtforms_translations


def required():
    return DataRequired(message=_l("这一项必须填写。"))


def max_length(n: int):
    return Length(max=n, message=_l("最多 %(max)d 个字。", max=n))


def options(items) -> list[SelectChoice]:
    """(value, label) or (value, label, group) tuples as WTForms choices."""
    return [SelectChoice(value=item[0], label=item[1],
                         optgroup=item[2] if len(item) > 2 else None) for item in items]


#: the dates a form may carry. Python's datetime ends at the years 1 and 9999: a day there
#: overflows when it is turned into UTC or a week is added (a 500), and no shift or wish is
#: planned a century away.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def date_range(form, field) -> None:
    """A DateField's validator: FIRST_DAY to LAST_DAY, with the Chinese message."""
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(_l("请选择 2000 年到 2099 年之间的日期。"))


def number_range(low: int, high: int):
    """NumberRange for an IntegerField, with the Chinese message; it must fit the column."""
    if not -MAX_INT <= low <= high <= MAX_INT:
        raise ValueError(f"{low}..{high} does not fit an INTEGER column")
    return NumberRange(low, high, message=_l("请填 %(min)s 到 %(max)s 之间的整数。"))


def int_or_zero(value) -> int:
    """Coerce a select's id; a tampered, non-numeric or out-of-range value becomes 0 ("nothing
    chosen"), so the service refuses it with its own Chinese message. Ids are never negative,
    and a bigger one than MAX_INT would overflow the column (a 500 on PostgreSQL)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 <= number <= MAX_INT else 0
