"""Supermarket forms (shape only; the rules live in shop/services.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import NumberRange, Optional

from portal.accounts.forms import MultiCheckboxField
from portal.forms import PageForm, int_or_zero, max_length, number_range, options, required
from portal.shifts.recurring import WEEKDAYS

NUMBER = {"inputmode": "numeric"}


class ShopForm(PageForm):
    zone = SelectField(_l("社区"), coerce=int_or_zero, validate_choice=False)
    name = StringField(_l("名称"), validators=[required(), max_length(60)],
                       description=_l("例如：新安路社区积分超市"))
    address = StringField(_l("地址"), validators=[max_length(100)],
                          description=_l("例如：社区党群服务中心一楼"))
    open_days = MultiCheckboxField(_l("开放日"), coerce=int_or_zero,
                                   choices=options(enumerate(WEEKDAYS)))
    open_time = TimeField(_l("开门时间"), validators=[required()])
    close_time = TimeField(_l("关门时间"), validators=[required()])


class GoodForm(PageForm):
    name = StringField(_l("商品名称"), validators=[required(), max_length(60)],
                       description=_l("例如：金龙鱼大米 5kg"))
    category = StringField(_l("类别"), validators=[max_length(20)],
                           description=_l("例如：粮油、日化、纸品"))
    price = StringField(_l("兑换积分"), validators=[required(), max_length(10)],
                        render_kw={"inputmode": "decimal"}, description=_l("最多一位小数"))
    monthly_limit = IntegerField(_l("每人每月限兑（不限请留空）"), validators=[
        Optional(), NumberRange(1, 999, message=_l("每月限兑数量为 1 到 999，不限请留空。"))],
        render_kw=NUMBER)
    barcode = StringField(_l("条码（可不填）"), validators=[max_length(13)], render_kw=NUMBER,
                          description=_l("13 位 EAN-13 条码，柜台扫码枪可直接扫"))
    low_stock = IntegerField(_l("库存低于多少时提醒"), default=5, validators=[
        Optional(), NumberRange(0, 100_000, message=_l("请填 0 到 100000 之间的整数。"))],
        render_kw=NUMBER)
    is_active = BooleanField(_l("上架"), default=True)
    photo = FileField(_l("商品照片（可不传）"), render_kw={"accept": "image/*"})


class StockForm(PageForm):
    quantity = IntegerField(_l("数量"), validators=[Optional(), number_range(0, 1_000_000)],
                            render_kw=NUMBER)
    reason = StringField(_l("原因"), validators=[required(), max_length(200)])
