"""Points forms (shape only; the rules live in awards.py and rules.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from portal.accounts.forms import PhoneField
from portal.forms import PageForm, int_or_zero, max_length, options, required


class AwardForm(PageForm):
    phone = PhoneField(_l("居民手机号码"), validators=[required()])
    rule = SelectField(_l("依据"), coerce=int_or_zero, validate_choice=False)
    points = StringField(_l("分值（自定义奖励时填写）"), validators=[max_length(10)],
                         render_kw={"inputmode": "decimal"},
                         description=_l("最多一位小数，例如 1.5。"))
    reason = StringField(_l("奖励理由（自定义奖励时必填）"), validators=[max_length(200)])
    evidence_note = TextAreaField(_l("事迹说明"), validators=[max_length(2000)],
                                  description=_l("写清时间、地点和经过。不要上传受助人的正脸照片。"))
    photo = FileField(_l("现场照片（可不传）"), render_kw={"accept": "image/*"})


class DecisionForm(PageForm):
    note = StringField(_l("意见"), validators=[max_length(200)])


class ObjectionForm(PageForm):
    reason = TextAreaField(_l("异议理由"), validators=[required(), max_length(300)],
                           description=_l("请写明您了解的情况。社区会核实并答复。"))


class RuleForm(PageForm):
    code = StringField(_l("编码"), validators=[required(), max_length(32)],
                       description=_l("小写字母和下划线，例如 mediation"))
    name = StringField(_l("名称"), validators=[required(), max_length(60)])
    mode = SelectField(_l("计分方式"), choices=options([("fixed", _l("每次固定分值")),
                                                    ("per_hour", _l("按服务小时"))]),
                       validate_choice=False)
    points = StringField(_l("分值"), validators=[required(), max_length(10)],
                         render_kw={"inputmode": "decimal"},
                         description=_l("每次或每小时的分值，最多一位小数"))
    cap = StringField(_l("每个班次最多（按小时计分时可填）"), validators=[max_length(10)],
                      render_kw={"inputmode": "decimal"})
    description = TextAreaField(_l("给居民看的说明"), validators=[max_length(1000)])
    is_active = BooleanField(_l("启用"), default=True)
