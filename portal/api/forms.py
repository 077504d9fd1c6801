"""The forms of the token pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from portal.accounts.forms import MultiCheckboxField, PhoneField
from portal.forms import PageForm, max_length, options, required

SCOPE_LABELS = [("read", _l("只读：查积分余额和明细")),
                ("checkin", _l("签到：协调员扫码签到、签退")),
                ("counter", _l("柜台：积分超市识别居民、兑换、撤销、取货")),
                ("volunteer", _l("志愿：自己报名、取消报名、扫码签到签退，认领心愿、报告进展")),
                ("exports", _l("导出：工作人员按辖区取数据导出（志愿时长、积分流水等）"))]


class TokenForm(PageForm):
    name = StringField(_l("用途"), validators=[required(), max_length(40)],
                       render_kw={"placeholder": _l("例如：超市柜台平板")})
    scopes = MultiCheckboxField(_l("权限范围"), choices=options(SCOPE_LABELS),
                                validate_choice=False)


class DeviceTokenForm(TokenForm):
    phone = PhoneField(_l("持有人手机号（您管辖范围内的工作人员）"), validators=[required()])
