"""Signing up, cancelling, the waitlist and its promotions, no-shows.

Every change to a shift's places runs under that shift's row lock (`lock_shift`), taken before
any check: concurrent sign-ups and cancellations on one shift queue up behind it, so counts
read under the lock are true and `queue_seq` records arrival order. The unique key
(shift_id, user_id) backs it up: one row per person per shift, reused on a new sign-up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.clock import local, shift_label
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.shifts.models import ACTIVE_STATUSES, Shift, ShiftPost, SignUp
from portal.teams.models import TeamMember
from portal.types import utcnow


def lock_shift(shift_id: int) -> Shift:
    """The shift, re-read under a row lock (FOR UPDATE on PostgreSQL; SQLite's write
    requests already hold the database lock from BEGIN IMMEDIATE)."""
    shift = db.session.scalar(
        select(Shift).where(Shift.id == shift_id).with_for_update()
        .execution_options(populate_existing=True))
    if shift is None:
        raise DomainError("no_such_shift", _l("找不到这个班次。"), 404)
    return shift


def describe(shift: Shift) -> str:
    """「桥头市场周六执勤 · 11月28日 07:00–11:00」, for messages and refusals."""
    return f"「{shift.activity.title} · {shift_label(shift.start_dt, shift.end_dt)}」"


def confirmed_counts(shift_id: int) -> tuple[int, dict[int | None, int]]:
    """(confirmed on the shift, confirmed per post id) in one query."""
    rows = db.session.execute(
        select(SignUp.post_id, func.count()).where(
            SignUp.shift_id == shift_id, SignUp.status == "confirmed")
        .group_by(SignUp.post_id)).all()
    per_post = {post_id: n for post_id, n in rows}
    return sum(per_post.values()), per_post


def _has_room(shift: Shift, post: ShiftPost | None) -> bool:
    total, per_post = confirmed_counts(shift.id)
    if total >= shift.capacity:
        return False
    return post is None or per_post.get(post.id, 0) < post.capacity


def _next_seq(shift_id: int) -> int:
    return (db.session.scalar(
        select(func.max(SignUp.queue_seq)).where(SignUp.shift_id == shift_id)) or 0) + 1


def _row_for(shift_id: int, user_id: int) -> SignUp | None:
    return db.session.scalar(
        select(SignUp).where(SignUp.shift_id == shift_id, SignUp.user_id == user_id)
        .execution_options(populate_existing=True))


def no_show_pause_until(user_id: int, now: datetime) -> datetime | None:
    """When a resident with too many recent no-shows may sign up again, or None.

    The pause lasts until the count within the window drops below the limit: that is when the
    limit-th most recent no-show leaves the window.
    """
    limit = current_app.config["NO_SHOW_LIMIT"]
    window = timedelta(days=current_app.config["NO_SHOW_WINDOW_DAYS"])
    if limit <= 0:
        return None
    recent = list(db.session.scalars(
        select(SignUp.no_show_dt).where(SignUp.user_id == user_id,
                                        SignUp.no_show_dt >= now - window)
        .order_by(SignUp.no_show_dt.desc()).limit(limit)))
    if len(recent) < limit:
        return None
    return recent[-1] + window


def clashing_signup(user_id: int, shift: Shift) -> SignUp | None:
    """The resident's active sign-up on another open shift that overlaps this one."""
    return db.session.scalar(
        select(SignUp).join(Shift, Shift.id == SignUp.shift_id)
        .where(SignUp.user_id == user_id, SignUp.shift_id != shift.id,
               SignUp.status.in_(ACTIVE_STATUSES), Shift.status == "open",
               Shift.start_dt < shift.end_dt, Shift.end_dt > shift.start_dt)
        .order_by(Shift.start_dt).limit(1))


def _check_post(shift: Shift, post_id: int | None) -> ShiftPost | None:
    if not shift.posts:
        return None
    if not post_id:
        raise DomainError("needs_post", _l("请选择一个岗位再报名。"), 400)
    post = next((p for p in shift.posts if p.id == post_id), None)
    if post is None:
        raise DomainError("bad_post", _l("这个岗位不属于该班次，请重新选择。"), 400)
    return post


def _check_open(shift: Shift, now: datetime) -> None:
    if shift.is_cancelled:
        raise DomainError("shift_cancelled", _l("这个班次已经取消。"))
    if now >= shift.start_dt:
        raise DomainError("shift_started", _l("这个班次已经开始或结束，不能再报名。"))


def _check_team(user_id: int, shift: Shift) -> None:
    if shift.team_id is None:
        return
    member = db.session.scalar(select(TeamMember.id).where(
        TeamMember.team_id == shift.team_id, TeamMember.user_id == user_id,
        TeamMember.status == "active"))
    if member is None:
        raise DomainError("team_only", _l("这个班次只限%(team)s队员报名。可以先申请加入队伍。",
                                          team=shift.team.name), 403)


def _check_clash(user_id: int, shift: Shift) -> None:
    clash = clashing_signup(user_id, shift)
    if clash is not None:
        raise DomainError("overlap", _l("与您已报名的%(shift)s时间冲突，不能同时报名。",
                                        shift=describe(clash.shift)))


def _place(shift: Shift, user_id: int, post: ShiftPost | None, now: datetime, *,
           actor=None, reason: str = "", confirm_only: bool = False) -> SignUp:
    """Give the resident a place (or a waitlist spot) on a locked shift; reuse their row."""
    has_room = _has_room(shift, post)
    if confirm_only and not has_room:
        raise DomainError("shift_full", _l("名额已满。可以先增加名额，再添加。"))
    seq = _next_seq(shift.id)
    row = _row_for(shift.id, user_id)
    if row is None:
        row = SignUp(shift_id=shift.id, user_id=user_id)
        db.session.add(row)
    row.post_id = post.id if post else None
    row.status = "confirmed" if has_room else "waitlisted"
    row.queue_seq = seq
    row.signed_up_dt = now
    row.confirmed_dt = now if has_room else None
    row.cancelled_dt = None
    row.reason = reason[:200]
    row.changed_by_id = getattr(actor, "id", None)
    row.duty_area = ""
    db.session.flush()
    return row


def waitlist_position(signup: SignUp) -> int:
    """1 for the first in line (per post when the shift has posts)."""
    stmt = select(func.count()).where(
        SignUp.shift_id == signup.shift_id, SignUp.status == "waitlisted",
        SignUp.queue_seq < signup.queue_seq)
    if signup.post_id is not None:
        stmt = stmt.where(SignUp.post_id == signup.post_id)
    return (db.session.scalar(stmt) or 0) + 1


def _link(shift: Shift) -> str:
    return f"/shifts/{shift.id}"


def sign_up(user, shift: Shift, *, post_id: int | None = None,
            now: datetime | None = None) -> SignUp:
    """A resident signs up: a confirmed place, or the waitlist when the shift is full.

    Signing up again while already on the shift returns the existing sign-up unchanged.
    """
    now = now or utcnow()
    shift = lock_shift(shift.id)
    _check_open(shift, now)
    opens = shift.start_dt - timedelta(days=shift.activity.signup_window_days)
    if now < opens:
        raise DomainError("window_not_open", _l("报名将于 %(when)s 开放，请到时再来。",
                                                when=local(opens).strftime("%m-%d %H:%M")))
    existing = _row_for(shift.id, user.id)
    if existing is not None and existing.status in ACTIVE_STATUSES:
        return existing
    post = _check_post(shift, post_id)
    _check_team(user.id, shift)
    paused = no_show_pause_until(user.id, now)
    if paused is not None:
        limit = current_app.config["NO_SHOW_LIMIT"]
        days = current_app.config["NO_SHOW_WINDOW_DAYS"]
        raise DomainError("no_show_pause", _l(
            "您近 %(days)d 天内有 %(limit)d 次报名后未到岗，暂停报名至 %(until)s。",
            days=days, limit=limit, until=local(paused).strftime("%Y-%m-%d %H:%M")), 403)
    _check_clash(user.id, shift)
    row = _place(shift, user.id, post, now)
    where = f"（{post.name}）" if post else ""
    if row.status == "confirmed":
        notify(user.id, "signup.confirmed", f"报名成功：{describe(shift)}{where}",
               "请按时到岗。如有变化，开始前可以在“我的排班”里取消。", _link(shift))
    else:
        notify(user.id, "signup.waitlisted", f"已加入候补：{describe(shift)}{where}",
               f"目前排在候补第 {waitlist_position(row)} 位。有人取消时会自动为您转正并通知您。",
               _link(shift))
    return row


def promote(shift: Shift, now: datetime) -> list[SignUp]:
    """Fill free places from the waitlist, first in line first (per post); tell each one.

    The caller holds the shift's lock.
    """
    if shift.is_cancelled or now >= shift.start_dt:
        return []
    total, per_post = confirmed_counts(shift.id)
    room = shift.capacity - total
    if room <= 0:
        return []
    waiting = list(db.session.scalars(
        select(SignUp).where(SignUp.shift_id == shift.id, SignUp.status == "waitlisted")
        .order_by(SignUp.queue_seq)))
    capacity = {post.id: post.capacity for post in shift.posts}
    promoted = []
    for row in waiting:
        if room <= 0:
            break
        if row.post_id is not None and per_post.get(row.post_id, 0) >= capacity.get(row.post_id,
                                                                                     0):
            continue
        row.status, row.confirmed_dt = "confirmed", now
        per_post[row.post_id] = per_post.get(row.post_id, 0) + 1
        room -= 1
        promoted.append(row)
        notify(row.user_id, "signup.promoted", f"候补转正：{describe(shift)}",
               "有人取消了报名，您已从候补转为正式报名，请按时到岗。", _link(shift), sms=True)
    db.session.flush()
    return promoted


def cancel_signup(user, signup_id: int, *, now: datetime | None = None) -> SignUp:
    """The resident cancels their own sign-up; a confirmed place goes to the first in line."""
    now = now or utcnow()
    row = db.session.get(SignUp, signup_id)
    if row is None or row.user_id != user.id:
        raise DomainError("not_your_signup", _l("找不到您的这条报名记录。"), 404)
    shift = lock_shift(row.shift_id)
    row = _row_for(shift.id, user.id)
    if row.status not in ACTIVE_STATUSES:
        return row  # cancelling twice changes nothing
    if now >= shift.start_dt:
        raise DomainError("shift_started", _l("班次已经开始，不能再取消。"))
    cutoff = shift.start_dt - timedelta(hours=shift.activity.cancel_cutoff_hours)
    if row.status == "confirmed" and now > cutoff:
        raise DomainError("cancel_closed", _l(
            "开始前 %(hours)d 小时内不能在网上取消。如有急事，请直接联系协调员。",
            hours=shift.activity.cancel_cutoff_hours))
    was_confirmed = row.status == "confirmed"
    row.status, row.cancelled_dt = "cancelled", now
    db.session.flush()
    notify(user.id, "signup.cancelled", f"已取消报名：{describe(shift)}", "", _link(shift))
    if was_confirmed:
        promote(shift, now)
    return row
