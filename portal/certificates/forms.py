"""Forms of the certificate pages; they check input shape only, the services the rules."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, StringField
from wtforms.validators import Optional

from portal.forms import PageForm, date_range, max_length, number_range, options, required

PERIODS = [("all", _l("全部时间")), ("year", _l("某一年")), ("range", _l("一段日期"))]


class RequestForm(PageForm):
    period = RadioField(_l("证明的时间范围"), default="all", choices=options(PERIODS))
    year = IntegerField(_l("年份（选“某一年”时填）"), validators=[Optional(),
                                                           number_range(2000, 2099)],
                        render_kw={"inputmode": "numeric"})
    first = DateField(_l("开始日期（选“一段日期”时填）"), validators=[Optional(), date_range])
    last = DateField(_l("结束日期（选“一段日期”时填）"), validators=[Optional(), date_range])
    id_number = StringField(
        _l("身份证号码（可不填）"), validators=[max_length(18)],
        description=_l("需要时才填，只印在证明上（中间部分遮盖），公开验证页不显示。"),
        render_kw={"autocomplete": "off"})


class IssueForm(RequestForm):
    phone = StringField(_l("居民手机号"), validators=[required(), max_length(20)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})


class RevokeForm(PageForm):
    reason = StringField(_l("撤销原因"), validators=[required(), max_length(200)])
