"""Account forms. They check shape only; the services own the rules."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import PageForm, int_or_zero, max_length, required


class PhoneField(StringField):
    """A phone input that brings up the numeric keypad on phones."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {}).update(
            {"inputmode": "numeric", "autocomplete": "tel", "maxlength": 20}
        )
        super().__init__(*args, **kwargs)


class RegisterForm(PageForm):
    phone = PhoneField(_l("手机号码"), validators=[required()])
    name = StringField(_l("真实姓名"), validators=[required(), max_length(40)],
                       render_kw={"autocomplete": "name"})
    home_zone = SelectField(_l("居住的网格或楼栋"), coerce=int_or_zero, validate_choice=False)
    password = PasswordField(
        _l("密码"), validators=[required(), Length(min=8, message=_l("密码至少 8 位。"))],
        description=_l("至少 8 位，建议用字母加数字。"),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("再输一次密码"),
        validators=[required(), EqualTo("password", message=_l("两次输入的密码不一致。"))],
        render_kw={"autocomplete": "new-password"},
    )
    agree = BooleanField(_l("我已阅读并同意《个人信息保护说明》"))

    def validate_agree(self, field):
        if not field.data:
            raise ValidationError(_l("请先阅读并同意个人信息保护说明。"))


class LoginForm(PageForm):
    phone = PhoneField(_l("手机号码"), validators=[required()])
    password = PasswordField(_l("密码"), validators=[required()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("在这台手机上保持登录（30 天）"), default=True)


class PasswordForm(PageForm):
    current = PasswordField(_l("当前密码"), validators=[required()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("新密码"), validators=[required()],
                        description=_l("至少 8 位。"), render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("再输一次新密码"),
        validators=[required(), EqualTo("new", message=_l("两次输入的密码不一致。"))],
        render_kw={"autocomplete": "new-password"},
    )


class ProfileForm(PageForm):
    name = StringField(_l("真实姓名"), validators=[required(), max_length(40)])
    home_zone = SelectField(
        _l("居住的网格或楼栋"), coerce=int_or_zero, validate_choice=False,
        description=_l("搬到其他社区，要由新社区的管理员确认；确认后积分余额随您带过去。"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PartyForm(PageForm):
    work_unit = StringField(_l("工作单位"), validators=[required(), max_length(100)])
    branch = StringField(_l("所在党支部"), validators=[required(), max_length(100)])
    skills = TextAreaField(_l("特长技能（可不填）"), validators=[max_length(500)],
                           description=_l("例如：会理发、懂法律、会修电器。"))
    service_posts = MultiCheckboxField(
        _l("愿意参加的服务岗位"), choices=[], validate_choice=False,
    )
