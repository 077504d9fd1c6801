"""Form pieces shared across domains: the forms' bases, which speak the portal's words for
WTForms' own messages, and Chinese messages for the common validators."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import Form, SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, StopValidation, ValidationError

from portal.web.params import MAX_INT

_DATE = _l("请填写一个有效的日期。")
_TIME = _l("请填写一个有效的时间，例如 08:30。")
_CHOICE = _l("请从列表中选择。")
#: WTForms' messages for input it cannot read, in the portal's words. Its own Chinese catalogue
#: says 不是有效的日期值 or 选择无效：无法转化类型; residents are asked, as everywhere else.
OWN_WORDS = {
    "Not a valid date value.": _DATE,
    "Not a valid datetime value.": _l("请填写一个有效的日期和时间。"),
    "Not a valid time value.": _TIME,
    "Not a valid integer value.": _l("请填一个整数。"),
    "Not a valid decimal value.": _l("请填一个数字。"),
    "Not a valid float value.": _l("请填一个数字。"),
    "Not a valid choice.": _CHOICE,
    "Invalid Choice: could not coerce.": _CHOICE,
    "Invalid choice(s): one or more data inputs could not be coerced.": _CHOICE,
    "'%(value)s' is not a valid choice for this field.": _CHOICE,
    "This field is required.": _l("这一项必须填写。"),
}


class Translations:
    """WTForms' messages: the portal's words where it has them (OWN_WORDS), else Flask-WTF's
    catalogue of WTForms in the request's locale."""

    def gettext(self, string: str) -> str:
        ours = OWN_WORDS.get(string)
        return str(ours) if ours is not None else wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        ours = OWN_WORDS.get(singular)
        return str(ours) if ours is not None else wtforms_translations.ngettext(
            singular, plural, n)


translations = Translations()


class PageForm(FlaskForm):
    """Every page's form: a FlaskForm (CSRF) whose WTForms messages are the portal's."""

    class Meta:
        def get_translations(self, form):
            return translations


class SubForm(Form):
    """A form nested in a page's form (a FormField, or a FieldList of them), e.g. a post row.

    WTForms builds a nested form with its own Meta, so it does not inherit the page form's
    translations: a plain `Form` said "Not a valid integer value." in Chinese pages. This Meta
    gives it the same translations as PageForm.
    """

    class Meta:
        def get_translations(self, form):
            return translations


def _typed(field) -> bool:
    return any(str(value).strip() for value in field.raw_data or ())


class Required(DataRequired):
    """DataRequired that leaves a field's own complaint standing: a day that does not exist
    (2026-02-30) or a time like 25:99 reads as empty data, and DataRequired would wipe the
    field's "not a valid date" and say 这一项必须填写 instead. Nothing typed is still missing."""

    def __call__(self, form, field):
        if field.process_errors and _typed(field):
            raise StopValidation()  # no message of its own: the field's stays
        super().__call__(form, field)


def required():
    return Required(message=_l("这一项必须填写。"))


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
    return IntegerRange(low, high, message=_l("请填 %(min)s 到 %(max)s 之间的整数。"))


class IntegerRange(NumberRange):
    """NumberRange that answers unreadable input (1.5, abc) with its one message too, in
    place of two: "please enter a whole number" and then "between 1 and 500"."""

    def __call__(self, form, field):
        if field.process_errors:
            field.errors[:] = []
            raise StopValidation(self.message % {"min": self.min, "max": self.max})
        super().__call__(form, field)


def int_or_zero(value) -> int:
    """Coerce a select's id; a tampered, non-numeric or out-of-range value becomes 0 ("nothing
    chosen"), so the service refuses it with its own Chinese message. Ids are never negative,
    and a bigger one than MAX_INT would overflow the column (a 500 on PostgreSQL)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 <= number <= MAX_INT else 0
