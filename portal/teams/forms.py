"""Team forms (shape only; the rules live in teams/services.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from portal.accounts.forms import PhoneField
from portal.forms import PageForm, int_or_zero, max_length, required


class TeamForm(PageForm):
    name = StringField(_l("队伍名称"), validators=[required(), max_length(60)],
                       description=_l("例如：七色花志愿服务队"))
    zone = SelectField(_l("所属社区或网格"), coerce=int_or_zero, validate_choice=False)
    leader_phone = PhoneField(_l("队长手机号码（可不填）"))
    description = TextAreaField(_l("队伍介绍"), validators=[max_length(1000)])
    is_active = BooleanField(_l("正在招募队员"), default=True)


class ApplyForm(PageForm):
    note = StringField(_l("申请说明（可不填）"), validators=[max_length(200)],
                       description=_l("例如：会急救，周六上午有空"))


class DecisionForm(PageForm):
    note = StringField(_l("意见（不通过时必填）"), validators=[max_length(200)])
