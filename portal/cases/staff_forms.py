"""四单办结 staff forms (shape only; the rules live in portal/cases/services)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired

from portal.accounts.forms import PhoneField
from portal.forms import PageForm, int_or_zero, max_length, number_range, options, required

#: how staff came to hear of a matter they file for a resident (filing.STAFF_SOURCES, less the
#: Open311 API, which files by itself)
SOURCE_CHOICES = (("visit", _l("入户走访")), ("reception", _l("社区工作日接待")),
                  ("phone", _l("电话反映")), ("hotline", _l("12345 热线转办")))
TRACK_CHOICES = (("instant", _l("即办（当个工作日办结）")),
                 ("timed", _l("限时办（按工作日计时限）")),
                 ("joint", _l("商办（需多方协商，上联席会议）")))
RATING_CHOICES = (("satisfied", _l("满意")), ("basic", _l("基本满意")),
                  ("unsatisfied", _l("不满意（事项重新打开，另派人回访）")))
RESOLUTION_CHOICES = (("solved", _l("已解决")), ("partly", _l("部分解决")),
                      ("unsolved", _l("未解决")))


class FileForForm(PageForm):
    phone = PhoneField(_l("居民手机号"), validators=[required()],
                       description=_l("代居民登记；记录会写明是您代为登记的。"))
    source = SelectField(_l("怎么知道的"), choices=options(SOURCE_CHOICES))
    category = SelectField(_l("类别"), coerce=int_or_zero, validate_choice=False)
    zone = SelectField(_l("事项在哪个网格或楼栋"), coerce=int_or_zero, validate_choice=False)
    title = StringField(_l("事项标题"), validators=[required(), max_length(40)],
                        description=_l("一句话说清楚，例如：3号楼楼顶漏水"))
    details = TextAreaField(_l("情况说明（可不填）"), validators=[max_length(2000)],
                            description=_l("什么问题、从什么时候开始、居民希望怎么解决。"
                                           "不要写身份证号等隐私。"))
    place = StringField(_l("具体位置（可不填）"), validators=[max_length(80)],
                        description=_l("门牌或路口，例如：桥头市场东入口"))
    public = BooleanField(_l("居民同意在公开台账上显示（只显示类别、网格和姓氏）"),
                          description=_l("请当面或在电话里问居民本人。"))
    photos = MultipleFileField(_l("照片（可不传，最多 6 张）"),
                               description=_l("拍问题所在的地方即可，不用拍人脸。"))
    #: the door visit or reception booking it was raised at (its page's 登记事项 link)
    visit = HiddenField(filters=[int_or_zero])
    booking = HiddenField(filters=[int_or_zero])


class DispatchForm(PageForm):
    #: "unit-<id>" or "user-<id>": a unit of the community, or a person (access.handler_query)
    to = SelectField(_l("派给"), validate_choice=False)
    note = StringField(_l("派单说明（可不填）"), validators=[max_length(200)],
                       description=_l("办理人会看到，例如：请周三前上门查看"))


class TransferForm(PageForm):
    handler = SelectField(_l("改派给"), coerce=int_or_zero, validate_choice=False)
    reason = StringField(_l("改派原因"), validators=[required(), max_length(500)],
                         description=_l("会留在记录里，例如：原办理人病假"))


class DeclineForm(PageForm):
    reason = TextAreaField(
        _l("不予受理的原因，和可以去哪里办"), validators=[required(), max_length(200)],
        description=_l("居民会看到。请写清两件事：为什么社区不能受理；居民可以去哪里反映"
                       "（部门、地址或电话）。例如：属于购房合同纠纷，不在社区受理范围；"
                       "请向区住建局信访科反映，或拨打 12345。"))


class RevisitForm(PageForm):
    note = TextAreaField(_l("回访情况"), validators=[required(), max_length(500)],
                         description=_l("上门或电话回访时看到、听到的情况，例如：卧室窗边仍渗水，"
                                        "需要重新修补。回访后事项回到“待派单”，重新计算时限。"))


class JointDecisionForm(PageForm):
    note = TextAreaField(_l("联席会议的决定"), validators=[required(), max_length(500)],
                         description=_l("哪几方参加、谁负责做什么、什么时候完成。居民会看到。"))


class PhoneRatingForm(PageForm):
    #: nothing is chosen until staff choose what the resident said: one tap never records 满意
    rating = SelectField(_l("居民的评价"), choices=options((("", _l("请选择")),) + RATING_CHOICES))
    resolution = SelectField(_l("问题解决了吗"),
                             choices=options((("", _l("请选择")),) + RESOLUTION_CHOICES))
    comment = StringField(_l("居民的原话（可不填）"), validators=[max_length(200)])


class CategoryForm(PageForm):
    name = StringField(_l("类别名称"), validators=[required(), max_length(20)],
                       description=_l("例如：房屋漏水"))
    track = SelectField(_l("办理方式"), choices=options(TRACK_CHOICES))
    days = IntegerField(_l("办理时限（工作日）"), default=3, render_kw={"inputmode": "numeric"},
                        validators=[InputRequired(message=_l("请填写办理时限，即办填 0。")),
                                    number_range(0, 60)],
                        description=_l("从登记之日算起，节假日不算，调休上班日算。即办填 0。"))
    unit = SelectField(_l("默认办理单位（可不选）"), coerce=int_or_zero, validate_choice=False)
    claimable = BooleanField(_l("群众点单：在职党员和网格员可以认领（抢单）"))
    is_active = BooleanField(_l("启用（居民提交时可以选）"), default=True)


class UnitForm(PageForm):
    name = StringField(_l("单位名称"), validators=[required(), max_length(40)],
                       description=_l("例如：新安小区物业服务中心、桥头派出所"))
    contact_phone = PhoneField(_l("联系人手机号"), validators=[required()],
                               description=_l("联系人须已在平台注册；派给单位的事项由他接单办理。"))
    is_active = BooleanField(_l("启用（可以派单）"), default=True)
