"""Staff forms: creating a resident's account, roles, resets and reviews."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import Length

from portal.accounts.forms import PhoneField
from portal.accounts.models import ROLE_LABELS
from portal.forms import PageForm, int_or_zero, max_length, options, required


class CreateResidentForm(PageForm):
    phone = PhoneField(_l("居民手机号码"), validators=[required()])
    name = StringField(_l("真实姓名"), validators=[required(), max_length(40)])
    home_zone = SelectField(_l("居住的网格或楼栋"), coerce=int_or_zero, validate_choice=False)
    password = PasswordField(
        _l("初始密码"), validators=[required(), Length(min=8, message=_l("密码至少 8 位。"))],
        description=_l("请当面告诉居民，并提醒他登录后修改。"),
    )


class ResetPasswordForm(PageForm):
    password = PasswordField(
        _l("新密码"), validators=[required(), Length(min=8, message=_l("密码至少 8 位。"))],
        description=_l("请核对居民身份后再重置。"),
    )


class GrantRoleForm(PageForm):
    role = SelectField(_l("角色"), choices=options(ROLE_LABELS.items()), validate_choice=False)
    zone = SelectField(_l("负责区域"), coerce=int_or_zero, validate_choice=False)


class ReviewForm(PageForm):
    note = StringField(_l("意见（退回时必填）"), validators=[max_length(200)])


class SearchForm(PageForm):
    class Meta:
        csrf = False

    q = StringField(_l("姓名或手机号"), validators=[max_length(40)])
