"""Shift forms (shape only; the rules live in activities.py, signups.py and recurring.py)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Optional

from portal.accounts.forms import PhoneField
from portal.extensions import db
from portal.forms import (
    PageForm,
    SubForm,
    date_range,
    int_or_zero,
    max_length,
    number_range,
    options,
    required,
)
from portal.points.models import PointsRule
from portal.shifts.recurring import WEEKDAYS
from portal.teams.models import Team
from portal.zones.models import Zone
from portal.zones.services import zone_labels, zones_in_scope

NUMBER = {"inputmode": "numeric"}
#: empty post rows shown for adding posts
POST_ROWS = 4


def _number(label, default=None, description=None, low=0, high=500):
    return IntegerField(label, default=default, description=description,
                        validators=[Optional(), number_range(low, high)], render_kw=NUMBER)


class FilterForm(PageForm):
    """The shift list's filters, read from the query string (no CSRF on a GET)."""

    class Meta:
        csrf = False

    day = DateField(_l("从哪天起"), validators=[Optional(), date_range])
    zone = SelectField(_l("地点"), coerce=int_or_zero, validate_choice=False)
    team = SelectField(_l("队伍"), coerce=int_or_zero, validate_choice=False)
    free = BooleanField(_l("只看还有名额的"))


class ActivityForm(PageForm):
    title = StringField(_l("活动名称"), validators=[required(), max_length(80)],
                        description=_l("例如：桥头市场周六执勤"))
    description = TextAreaField(_l("活动说明"), validators=[max_length(2000)],
                                description=_l("做什么、注意事项、穿什么、带什么。"))
    zone = SelectField(_l("所属社区或网格"), coerce=int_or_zero, validate_choice=False)
    team = SelectField(_l("只限队伍（新班次默认）"), coerce=int_or_zero, validate_choice=False)
    points_rule = SelectField(_l("积分规则（新班次默认）"), coerce=int_or_zero,
                              validate_choice=False)
    signup_window_days = _number(_l("提前几天开放报名"), 14, low=0, high=365)
    cancel_cutoff_hours = _number(_l("开始前几小时停止网上取消"), 3, low=0, high=168)
    credit_on = SelectField(_l("志愿时长和积分何时入账"), validate_choice=False,
                            choices=options([("checkout", _l("签退时自动入账")),
                                             ("confirmation", _l("协调员确认后入账"))]))


class PostForm(SubForm):
    name = StringField(_l("岗位名称"), validators=[max_length(40)])
    capacity = _number(_l("人数"), low=1, high=500)


class _PlaceFields:
    capacity = _number(_l("名额"), description=_l("设置了岗位时，名额是各岗位人数之和。"),
                       low=1, high=500)
    zone = SelectField(_l("地点（网格）"), coerce=int_or_zero, validate_choice=False)
    place = StringField(_l("集合地点"), validators=[max_length(100)],
                        description=_l("例如：桥头市场东入口"))
    team = SelectField(_l("只限队伍"), coerce=int_or_zero, validate_choice=False)
    points_rule = SelectField(_l("积分规则"), coerce=int_or_zero, validate_choice=False)
    posts = FieldList(FormField(PostForm), min_entries=POST_ROWS)


class ShiftForm(_PlaceFields, PageForm):
    day = DateField(_l("日期"), validators=[required(), date_range])
    start = TimeField(_l("开始时间"), validators=[required()])
    end = TimeField(_l("结束时间"), validators=[required()])


class TemplateForm(_PlaceFields, PageForm):
    weekday = SelectField(_l("每周几"), coerce=int_or_zero, validate_choice=False,
                          choices=options(enumerate(WEEKDAYS)))
    start = TimeField(_l("开始时间"), validators=[required()])
    end = TimeField(_l("结束时间"), validators=[required()])
    weeks_ahead = _number(_l("提前生成几周"), 4, low=1, high=26)
    is_active = BooleanField(_l("继续生成新班次"), default=True)
    signed_up = RadioField(
        _l("已经有人报名的班次"), validate_choice=False,
        choices=options([("keep", _l("保持不变")),
                         ("apply", _l("一并修改，并通知报名的人"))]))


class ReasonForm(PageForm):
    reason = StringField(_l("原因"), validators=[required(), max_length(200)])


class AddVolunteerForm(PageForm):
    phone = PhoneField(_l("志愿者手机号码"), validators=[required()])
    post = SelectField(_l("岗位"), coerce=int_or_zero, validate_choice=False)
    reason = StringField(_l("原因"), validators=[required(), max_length(200)],
                         description=_l("例如：电话报名、现场补位"))


class AssignForm(PageForm):
    post = SelectField(_l("岗位"), coerce=int_or_zero, validate_choice=False)
    duty_area = StringField(_l("责任区"), validators=[max_length(60)],
                            description=_l("例如：桥头东段 1–20 号摊位"))


def post_rows(form) -> list[tuple[str, int | None]]:
    return [(entry.form.name.data, entry.form.capacity.data) for entry in form.posts]


def row_or_none(model, value):
    """The row a select's id names, or None for 0 ("nothing chosen")."""
    return db.session.get(model, value) if value else None


def zone_choices(viewer, permission: str, *, within: Zone | None = None,
                 kinds=("community", "grid", "building")):
    """The zones the viewer may plan in, as a select's options (labelled with their path)."""
    labels = zone_labels()
    zones = [z for z in zones_in_scope(viewer, permission)
             if z.kind in kinds and not z.is_retired and (within is None or within.contains(z))]
    return options((z.id, labels[z.id] or z.name) for z in zones)


def fill_defaults_choices(form) -> None:
    """The team and points-rule selects: the active ones, and "none" first."""
    form.team.choices = options([(0, _l("不限队伍，所有居民可报")), *(
        (t.id, t.name) for t in db.session.scalars(
            select(Team).where(Team.is_active.is_(True)).order_by(Team.name)))])
    form.points_rule.choices = options([(0, _l("不计积分")), *(
        (r.id, r.name) for r in db.session.scalars(
            select(PointsRule).where(PointsRule.is_active.is_(True)).order_by(PointsRule.id)))])


def fill_place_choices(form, viewer, permission: str, within: Zone) -> None:
    """A shift's or template's selects: zones inside the activity's, teams, points rules."""
    form.zone.choices = zone_choices(viewer, permission, within=within)
    fill_defaults_choices(form)


def place_fields(form) -> dict:
    """The service's keyword arguments for where, how many, which posts, team and rule."""
    return dict(capacity=form.capacity.data, zone=row_or_none(Zone, form.zone.data),
                place=form.place.data or "", posts=post_rows(form),
                team=row_or_none(Team, form.team.data),
                points_rule=row_or_none(PointsRule, form.points_rule.data))


def fill_posts(form, posts) -> None:
    """Every existing post gets a row (so saving never drops one), plus two blank rows."""
    while len(form.posts) < len(posts) + 2:
        form.posts.append_entry()
    for entry, post in zip(form.posts, posts, strict=False):
        entry.form.name.data, entry.form.capacity.data = post[0], post[1]
