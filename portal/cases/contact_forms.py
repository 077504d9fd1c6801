"""Forms for 社区工作日 receptions and door visits (shape only; the rules are in
services/contacts.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import Optional

from portal.forms import PageForm, date_range, int_or_zero, max_length, number_range, required


class SlotForm(PageForm):
    day = DateField(_l("日期"), validators=[required(), date_range])
    start = TimeField(_l("开始时间"), validators=[required()])
    end = TimeField(_l("结束时间"), validators=[required()])
    place = StringField(_l("接待地点"), validators=[required(), max_length(60)],
                        description=_l("例如：党群服务中心一楼"))
    hosts = StringField(_l("接待人员"), validators=[required(), max_length(80)],
                        description=_l("例如：书记 张丽、网格长 陈志强"))
    capacity = IntegerField(_l("可预约人数"), default=10, render_kw={"inputmode": "numeric"},
                            validators=[Optional(), number_range(1, 200)])


class BookForm(PageForm):
    topic = StringField(_l("想反映什么（可不填）"), validators=[max_length(200)],
                        description=_l("一句话说明，方便接待人员提前准备。"))


class NoteForm(PageForm):
    note = TextAreaField(_l("接待情况"), validators=[required(), max_length(500)])


class ReasonForm(PageForm):
    reason = StringField(_l("取消原因"), validators=[required(), max_length(200)])


class VisitForm(PageForm):
    zone = SelectField(_l("走访的楼栋或网格"), coerce=int_or_zero, validate_choice=False)
    household = StringField(_l("住户"), validators=[max_length(40)],
                            description=_l("例如：3号楼 601 王家"))
    visited_on = DateField(_l("走访日期"), validators=[required(), date_range])
    note = TextAreaField(_l("走访情况"), validators=[required(), max_length(500)],
                         description=_l("了解到的需求和问题。需要办理的事，保存后可一键登记为事项。"))
