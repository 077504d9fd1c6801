"""Form pieces shared across domains: Chinese messages for the common validators."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice
from wtforms.validators import DataRequired, Length


def required():
    return DataRequired(message=_l("这一项必须填写。"))


def max_length(n: int):
    return Length(max=n, message=_l("最多 %(max)d 个字。", max=n))


def options(items) -> list[SelectChoice]:
    """(value, label) or (value, label, group) tuples as WTForms choices."""
    return [SelectChoice(value=item[0], label=item[1],
                         optgroup=item[2] if len(item) > 2 else None) for item in items]


def int_or_zero(value) -> int:
    """Coerce a select's value; a tampered, non-numeric value becomes 0 ("nothing chosen")."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
