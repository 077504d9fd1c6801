"""四单办结 forms for residents and handlers (shape only; the rules live in cases/services)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from portal.cases.services.steps import MAX_PHOTOS
from portal.forms import PageForm, int_or_zero, max_length, options, required


def chosen_files(field) -> list:
    """The files really chosen in a multiple file input (a form sent without any carries one
    empty part)."""
    return [f for f in (field.data or []) if f and getattr(f, "filename", "")]


def at_most_six_photos(form, field) -> None:
    if len(chosen_files(field)) > MAX_PHOTOS:
        raise ValidationError(_l("最多上传 6 张照片。"))


def photos_field(label):
    return MultipleFileField(label, validators=[at_most_six_photos],
                             render_kw={"accept": "image/*"},
                             description=_l("拍问题所在的地方即可，最多 6 张；不要拍别人的脸。"))


class PlaceForm(PageForm):
    """Step one of filing, sent by GET: what kind of matter, and where. The next page shows
    open matters like it nearby before the rest of the form."""

    class Meta:
        csrf = False

    category = RadioField(_l("是哪一类事？"), coerce=int_or_zero, validate_choice=False)
    zone = SelectField(_l("在哪个网格或楼栋"), coerce=int_or_zero, validate_choice=False,
                       description=_l("默认是您住的楼栋，可以改。"))


class CaseForm(PageForm):
    """Step two of filing: the matter itself. Category and zone come from step one."""

    category = HiddenField()
    zone = HiddenField()
    title = StringField(_l("事项标题"), validators=[required(), max_length(40)],
                        description=_l("一句话说清楚，例如：2单元楼道灯不亮"))
    details = TextAreaField(_l("情况说明（可不填）"), validators=[max_length(2000)],
                            description=_l("什么时候开始的、影响了谁、希望怎么解决。"))
    place = StringField(_l("具体位置（可不填）"), validators=[max_length(80)],
                        description=_l("例如：3号楼东侧路口、菜市场北门。"))
    photos = photos_field(_l("照片（可不传）"))
    public = BooleanField(_l("可以在社区晒账公示（隐去姓名）"))
    #: an optional map point, filled by the page's 使用我的位置 button (JavaScript only)
    lat = HiddenField()
    lng = HiddenField()


class WithdrawForm(PageForm):
    reason = TextAreaField(_l("原因（可不填）"), validators=[max_length(500)])


class HandBackForm(PageForm):
    reason = TextAreaField(_l("退回原因"), validators=[required(), max_length(500)],
                           description=_l("例如：不在本网格、应由物业办理。派单人会看到。"))


class TransferForm(PageForm):
    handler = SelectField(_l("转给谁办理"), coerce=int_or_zero, validate_choice=False)
    reason = TextAreaField(_l("转办原因"), validators=[required(), max_length(500)],
                           description=_l("会记录在事项里，新的办理人也会看到。"))


class ProgressForm(PageForm):
    note = TextAreaField(_l("办理进展"), validators=[required(), max_length(500)],
                         description=_l("例如：已联系物业，周六上楼顶查看。居民会收到通知。"))
    photos = photos_field(_l("照片（可不传）"))


class ExtendForm(PageForm):
    days = SelectField(_l("延期几个工作日"), coerce=int_or_zero, default=3,
                       choices=options([(n, _l("%(n)d 个工作日", n=n)) for n in range(1, 11)]))
    reason = TextAreaField(_l("延期原因"), validators=[required(), max_length(500)],
                           description=_l("每件事项只能延期一次，居民会看到原因。"))


class ResolveForm(PageForm):
    reply = TextAreaField(_l("办理结果"), validators=[required(), max_length(500)],
                          description=_l("写清楚做了什么、结果怎样。居民会看到并评价。"))
    photos = photos_field(_l("办结照片（可不传）"))


class RateForm(PageForm):
    rating = RadioField(_l("您对办理结果满意吗？"), validators=[
        InputRequired(message=_l("请选择满意、基本满意或不满意。"))],
        choices=options([("satisfied", _l("满意")), ("basic", _l("基本满意")),
                         ("unsatisfied", _l("不满意"))]))
    resolution = RadioField(_l("问题解决了吗？"), validators=[
        InputRequired(message=_l("请选择问题是否解决：已解决、部分解决或未解决。"))],
        choices=options([("solved", _l("已解决")), ("partly", _l("部分解决")),
                         ("unsolved", _l("未解决"))]))
    comment = TextAreaField(_l("想说的话（可不填）"), validators=[max_length(200)],
                            description=_l("选“不满意”时，请说说哪里还没解决，会有工作人员回访。"))
