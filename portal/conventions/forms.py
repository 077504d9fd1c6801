"""Forms of the 微公约 pages; they check input shape only, the services the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.forms import PageForm, date_range, int_or_zero, max_length, options, required


def item_lines(text: str | None, kind: str) -> list[dict]:
    """One item per line; blank lines and leading numbers (1. 1、 (1)) dropped."""
    items = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("0123456789.、．)）(（ ").strip()
        if line:
            items.append({"kind": kind, "text": line})
    return items


def items_text(items, kind: str) -> str:
    return "\n".join(item["text"] for item in items if item["kind"] == kind)


class HouseholdForm(PageForm):
    building = SelectField(_l("楼栋"), coerce=int_or_zero, validate_choice=False)
    unit = StringField(_l("单元（没有可不填）"), validators=[max_length(10)],
                       render_kw={"autocomplete": "off"})
    room = StringField(_l("室号"), validators=[required(), max_length(10)],
                       description=_l("例如 302。同一户的家人填同样的楼栋、单元和室号。"),
                       render_kw={"autocomplete": "off", "inputmode": "numeric"})


class SignForm(PageForm):
    """The second tap: nothing to fill in."""


class ItemsForm(PageForm):
    preamble = TextAreaField(_l("序言（可不填）"), validators=[max_length(5000)])
    do_items = TextAreaField(_l("应当（每行一条）"), validators=[max_length(20000)],
                             description=_l("每行写一条“应当做的事”，不用写序号。"))
    dont_items = TextAreaField(_l("不得（每行一条）"), validators=[max_length(20000)],
                               description=_l("每行写一条“不得做的事”，不用写序号。"))

    def items(self) -> list[dict]:
        return item_lines(self.do_items.data, "do") + item_lines(self.dont_items.data, "dont")


class ConventionForm(ItemsForm):
    zone = SelectField(_l("适用范围"), coerce=int_or_zero, validate_choice=False,
                       description=_l("整个社区、一个小区（网格）或一栋楼。"))
    title = StringField(_l("公约名称"), validators=[required(), max_length(40)])


class AdoptForm(PageForm):
    how = RadioField(_l("通过方式"), default="meeting", choices=options([
        ("vote", _l("议事表决通过（选择已通过的议题）")),
        ("meeting", _l("居民会议通过（填日期和会议记录）"))]))
    item = SelectField(_l("已表决通过的议题"), coerce=int_or_zero, validate_choice=False)
    on = DateField(_l("通过日期"), validators=[Optional(), date_range])
    minutes = TextAreaField(_l("会议记录"), validators=[max_length(5000)],
                            description=_l("居民会议通过时必填：到会户数、表决情况等。"))


class PaperForm(PageForm):
    building = SelectField(_l("楼栋"), coerce=int_or_zero, validate_choice=False)
    unit = StringField(_l("单元（没有可不填）"), validators=[max_length(10)])
    room = StringField(_l("室号"), validators=[required(), max_length(10)])
    photo = FileField(_l("签名页照片（必传）"), render_kw={"accept": "image/*"},
                      description=_l("拍下这户签了字的纸质公约页。记录会注明“纸质”。"))


class AppointForm(PageForm):
    community = SelectField(_l("社区"), coerce=int_or_zero, validate_choice=False)
    phone = StringField(_l("志愿者手机号"), validators=[required(), max_length(20)],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})


class ClearHouseholdForm(PageForm):
    phone = StringField(_l("居民手机号"), validators=[required(), max_length(20)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})


class PersuasionForm(PageForm):
    #: the item's number from 1 (0: nothing, or something unreadable, chosen)
    item = SelectField(_l("依据的公约条目"), coerce=int_or_zero, validate_choice=False)
    place = StringField(_l("地点"), validators=[required(), max_length(60)],
                        description=_l("例如：3号楼楼道、桥头市场东口。"))
    note = TextAreaField(_l("情况说明（可不填）"), validators=[max_length(300)],
                         description=_l("不要写被劝导人的姓名、门牌或电话。劝导只做提醒，不扣任何积分。"))
