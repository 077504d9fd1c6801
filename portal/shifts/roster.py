"""The coordinator's roster verbs: add or remove volunteers, assign posts and duty areas
(排班、划分责任区、明确责任人), mark no-shows. Each takes the shift's lock like a sign-up."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, policy
from portal.checkin.models import Attendance
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.shifts.models import ACTIVE_STATUSES, Shift, SignUp
from portal.shifts.signups import (
    _check_clash,
    _check_post,
    _check_team,
    _link,
    _place,
    _row_for,
    confirmed_counts,
    describe,
    lock_shift,
    promote,
)
from portal.types import utcnow


def _staff_check(actor, shift: Shift) -> None:
    policy.check(actor, "shifts.manage", shift.zone)


def _needs_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明原因。"), 400)
    return reason[:200]


def confirmed_signup_of(shift_id: int, user_id: int) -> SignUp | None:
    """The volunteer's confirmed place on the shift, if they hold one."""
    row = _row_for(shift_id, user_id)
    return row if row is not None and row.status == "confirmed" else None


def add_volunteer(actor, shift: Shift, user, *, post_id: int | None = None, reason: str,
                  now: datetime | None = None) -> SignUp:
    """A coordinator puts a resident on the roster (a confirmed place), with a reason."""
    now = now or utcnow()
    _staff_check(actor, shift)
    policy.check_not_beneficiary(actor, user.id, _l(
        "不能把自己加进名单，请像其他居民一样报名，或请另一位协调员添加。"))
    reason = _needs_reason(reason)
    shift = lock_shift(shift.id)
    if shift.is_cancelled:
        raise DomainError("shift_cancelled", _l("这个班次已经取消。"))
    if now >= shift.end_dt:
        raise DomainError("shift_ended", _l("这个班次已经结束。"))
    existing = _row_for(shift.id, user.id)
    if existing is not None and existing.status == "confirmed":
        raise DomainError("already_signed_up", _l("%(name)s 已经在名单上了。", name=user.name))
    post = _check_post(shift, post_id)
    _check_team(user.id, shift)
    _check_clash(user.id, shift)
    row = _place(shift, user.id, post, now, actor=actor, reason=reason, confirm_only=True)
    audit.record(actor, "signup.add", row, f"将 {user.name} 加入{describe(shift)}：{reason}",
                 shift.zone)
    notify(user.id, "signup.added", f"协调员为您报名：{describe(shift)}",
           f"原因：{reason}。如有困难请联系协调员。", _link(shift), sms=True)
    return row


def remove_volunteer(actor, signup: SignUp, *, reason: str,
                     now: datetime | None = None) -> SignUp:
    """A coordinator takes someone off the roster or the waitlist, with a reason."""
    now = now or utcnow()
    shift = signup.shift
    _staff_check(actor, shift)
    reason = _needs_reason(reason)
    shift = lock_shift(shift.id)
    row = _row_for(shift.id, signup.user_id)
    if row.status not in ACTIVE_STATUSES:
        raise DomainError("not_on_roster", _l("此人已不在名单上。"))
    was_confirmed = row.status == "confirmed"
    row.status, row.cancelled_dt = "removed", now
    row.reason, row.changed_by_id = reason, actor.id
    db.session.flush()
    audit.record(actor, "signup.remove", row,
                 f"将 {row.user.name} 移出{describe(shift)}：{reason}", shift.zone)
    notify(row.user_id, "signup.removed", f"您已被移出：{describe(shift)}",
           f"原因：{reason}。如有疑问请联系协调员。", _link(shift), sms=True)
    if was_confirmed:
        promote(shift, now)
    return row


def assign(actor, signup: SignUp, *, post_id: int | None, duty_area: str) -> SignUp:
    """排班: put a confirmed volunteer on a post and a duty area (责任区); they are told."""
    shift = signup.shift
    _staff_check(actor, shift)
    shift = lock_shift(shift.id)
    row = _row_for(shift.id, signup.user_id)
    if row.status != "confirmed":
        raise DomainError("not_confirmed", _l("只能给正式报名的志愿者安排岗位。"))
    duty_area = (duty_area or "").strip()
    if len(duty_area) > 60:
        raise DomainError("bad_duty_area", _l("责任区最多 60 个字。"), 400)
    post = _check_post(shift, post_id) if shift.posts else None
    if post is not None and post.id != row.post_id:
        _total, per_post = confirmed_counts(shift.id)
        if per_post.get(post.id, 0) >= post.capacity:
            raise DomainError("post_full", _l("岗位“%(post)s”已满。", post=post.name))
    if (row.post_id, row.duty_area) == ((post.id if post else None), duty_area):
        return row
    row.post_id = post.id if post else None
    row.duty_area = duty_area
    db.session.flush()
    parts = [p for p in (post.name if post else "", f"责任区：{duty_area}" if duty_area else "")
             if p]
    audit.record(actor, "signup.assign", row,
                 f"为 {row.user.name} 安排{'，'.join(parts) or '岗位'}（{describe(shift)}）",
                 shift.zone)
    notify(row.user_id, "signup.assigned", f"岗位安排：{describe(shift)}",
           "，".join(parts) or "协调员调整了您的岗位安排。", _link(shift))
    return row


def set_no_show(actor, signup: SignUp, is_no_show: bool, *,
                now: datetime | None = None) -> SignUp:
    """Mark (or unmark) a confirmed volunteer who did not come, once the shift has started."""
    now = now or utcnow()
    shift = signup.shift
    _staff_check(actor, shift)
    if signup.status != "confirmed":
        raise DomainError("not_confirmed", _l("只能标记正式报名的志愿者。"))
    if now < shift.start_dt:
        raise DomainError("not_started", _l("班次开始后才能标记未到岗。"))
    if is_no_show and db.session.scalar(
            select(Attendance.id).where(Attendance.signup_id == signup.id)) is not None:
        raise DomainError("checked_in", _l("此人已经签到，不能标记未到岗。"))
    if is_no_show == (signup.no_show_dt is not None):
        return signup
    signup.no_show_dt = now if is_no_show else None
    signup.no_show_by_id = actor.id if is_no_show else None
    verb = "标记未到岗" if is_no_show else "撤销未到岗标记"
    audit.record(actor, "signup.no_show", signup,
                 f"{verb}：{signup.user.name}（{describe(shift)}）", shift.zone)
    db.session.flush()
    return signup
