"""微心愿 forms (shape only; the rules live in wishes/services.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from portal.forms import PageForm, date_range, max_length, number_range, options, required


class WishForm(PageForm):
    title = StringField(_l("心愿标题"), validators=[required(), max_length(40)],
                        description=_l("一句话说清楚，例如：想要一辆折叠轮椅"))
    kind = SelectField(_l("类型"), choices=options([
        ("item", _l("物品（如轮椅、书包）")), ("service", _l("服务（如理发、修水管、陪同就医）"))]))
    description = TextAreaField(_l("具体说明"), validators=[max_length(1000)],
                                description=_l("需要什么、什么时候方便。不要写身份证号等隐私。"))
    value_yuan = IntegerField(_l("估计价值（元）"), default=0, render_kw={"inputmode": "numeric"},
                              validators=[
                                  InputRequired(message=_l("请填写估计价值，服务类可填 0。")),
                                  number_range(0, 100_000)])
    deadline = DateField(_l("希望在哪天之前完成"),
                         validators=[InputRequired(message=_l("请选择日期。")), date_range])
    photo = FileField(_l("照片（可不传）"),
                      description=_l("拍物品或需要修的地方即可，不用拍人脸。"))
    consent_name = BooleanField(_l("完成后，同意在公示栏显示我的姓氏（如 张**）"))
    consent_photo = BooleanField(_l("完成后，同意在公示栏显示照片"))


class OnBehalfForm(WishForm):
    phone = StringField(_l("居民手机号"), validators=[required(), max_length(20)],
                        description=_l("入户走访后代居民发布；记录会写明是您代发的。"),
                        render_kw={"inputmode": "numeric"})


class FulfilForm(PageForm):
    note = TextAreaField(_l("完成情况"), validators=[required(), max_length(1000)],
                         description=_l("例如：11月20日把轮椅送到家里，教会了使用。"))
    photos = MultipleFileField(_l("凭证照片（可不传，最多 6 张）"),
                               description=_l("拍物品、收据或完成的活儿即可，请不要拍受助人的脸。"))


class ConfirmForm(PageForm):
    rating = SelectField(_l("评价"), coerce=int, validators=[Optional()],
                         choices=options([(5, _l("5 星 · 非常满意")), (4, _l("4 星 · 满意")),
                                          (3, _l("3 星 · 一般")), (2, _l("2 星 · 不太满意")),
                                          (1, _l("1 星 · 不满意"))]))
    comment = StringField(_l("想说的话（可不填）"), validators=[max_length(200)],
                          description=_l("会显示在圆梦公示上。例如：谢谢李书记，轮椅很好用。"))
