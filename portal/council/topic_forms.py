"""微议事 topic forms (shape only; the rules live in council/topics.py and drafts.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, ValidationError

from portal.cases.forms import chosen_files
from portal.council.drafts import MAX_COMMENT_DAYS
from portal.council.topics import MAX_PHOTOS
from portal.forms import PageForm, int_or_zero, max_length, number_range, options, required


def at_most_three_photos(form, field) -> None:
    if len(chosen_files(field)) > MAX_PHOTOS:
        raise ValidationError(_l("最多上传 3 张照片。"))


class TopicText(PageForm):
    title = StringField(_l("议题标题"), validators=[required(), max_length(40)],
                        description=_l("一句话说清楚，例如：桥头市场周六早市停车"))
    problem = TextAreaField(_l("遇到的问题"), validators=[required(), max_length(2000)],
                            description=_l("什么情况、影响了谁、持续多久了。"))
    proposal = TextAreaField(_l("建议的办法（可不填）"), validators=[max_length(5000)],
                             description=_l("每条建议写一行，征求意见时按行分段，方便大家逐段提意见。"))


class ProposeForm(TopicText):
    """A resident's topic: it collects backers (联署) from the community first."""

    photos = MultipleFileField(_l("照片（可不传）"), validators=[at_most_three_photos],
                               render_kw={"accept": "image/*"},
                               description=_l("最多 3 张，拍问题所在的地方；不要拍别人的脸。"))
    #: shown only to a serving 居民代表: their topic goes straight to the branch
    as_representative = BooleanField(_l("我是居民代表：直接提交社区党组织审核，不需联署"))


class RaiseForm(TopicText):
    """Staff, the party branch or a serving representative put a topic straight to review."""

    community = SelectField(_l("社区"), coerce=int_or_zero, validate_choice=False)
    source = RadioField(_l("以什么身份提出"), validate_choice=False, validators=[
        InputRequired(message=_l("请选择以什么身份提出。"))])


class ReviewForm(PageForm):
    decision = RadioField(_l("审核结果"), validate_choice=False, validators=[
        InputRequired(message=_l("请选择立项、不立项或上移街道。"))],
        choices=options([("accept", _l("立项")), ("decline", _l("不立项")),
                         ("move_up", _l("上移街道（超出社区职权）"))]))
    note = TextAreaField(_l("原因或说明"), validators=[max_length(300)],
                         description=_l("不立项或上移街道时必须写明原因，提议人和联署居民都会看到。"))


class OpenCommentForm(PageForm):
    days = IntegerField(_l("征求意见几天"), default=7,
                        validators=[InputRequired(message=_l("请填征求意见的天数。")),
                                    number_range(1, MAX_COMMENT_DAYS)])


class ReviseForm(PageForm):
    text = TextAreaField(_l("修改后的草案"), validators=[required(), max_length(10000)],
                         description=_l("每段一行。旧的版本和它的意见都会保留，居民能看到改了哪些。"))


class CommentForm(PageForm):
    #: the draft version the resident read, and the paragraph (0-based) they tapped
    draft = HiddenField()
    paragraph = HiddenField()
    text = TextAreaField(_l("对这一段的意见"), validators=[required(), max_length(500)])


def source_choices(sources: list[str]):
    names = {"staff": _l("社区工作人员"), "branch": _l("社区党组织"),
             "representative": _l("居民代表")}
    return options((s, names[s]) for s in sources)
