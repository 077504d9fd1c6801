"""The period form (a GET form: reading a dashboard changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField
from wtforms.validators import Optional

from portal.forms import PageForm, date_range, options


class PeriodForm(PageForm):
    class Meta:
        csrf = False

    period = RadioField(_l("时间段"), default="this", validate_choice=False, choices=options([
        ("this", _l("本月")), ("last", _l("上月")), ("custom", _l("自选日期"))]))
    first = DateField(_l("开始日期"), validators=[Optional(), date_range])
    last = DateField(_l("结束日期"), validators=[Optional(), date_range])
