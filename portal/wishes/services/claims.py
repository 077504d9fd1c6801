"""Claiming and after: a verified party member claims a wish, reports progress, releases it or
marks it fulfilled; the poster (or staff for them) confirms and rates it, crediting the
claimer once, or sends it back.

A member's claims are counted under a lock on their party-membership row, so one member racing
themselves cannot pass the open-claims limit either.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import audit
from portal.accounts.models import PartyMembership
from portal.clock import local_today
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.points import ledger
from portal.points.models import PointsRule
from portal.types import utcnow
from portal.web.formatting import mask_name
from portal.wishes.access import check_claimer, check_signs_off
from portal.wishes.models import CLAIMED, Wish, WishPhoto
from portal.wishes.services.steps import event, link, take

#: the points rule that, when active, credits the claimer on confirmation
RULE_CODE = "wish_fulfilled"


def _verified_member(user) -> PartyMembership:
    membership = getattr(user, "party", None)
    if membership is None:
        raise DomainError("not_party_member",
                          _l("只有报到并核验的在职党员才能认领心愿。请先在“我的 → 党员报到”申报。"),
                          403)
    if membership.status != "verified":
        raise DomainError("not_verified", _l("您的党员报到还没有核验通过，暂时不能认领。"), 403)
    return membership


def open_claims(user_id: int) -> int:
    """Claims still in hand: claimed, not yet fulfilled."""
    return db.session.scalar(select(func.count(Wish.id)).where(Wish.claimer_id == user_id,
                                                              Wish.status == CLAIMED))


def claim(member, wish: Wish, *, now: datetime | None = None) -> Wish:
    """认领: one claimer per wish, at most WISH_MAX_OPEN_CLAIMS open claims per member."""
    now = now or utcnow()
    membership = _verified_member(member)
    if wish.poster_id == member.id:
        raise DomainError("own_wish", _l("不能认领自己发布的心愿。"))
    # serialise this member's claims, so the count below stays true until we commit
    db.session.execute(select(PartyMembership.id).where(PartyMembership.id == membership.id)
                       .with_for_update())
    limit = current_app.config["WISH_MAX_OPEN_CLAIMS"]
    if open_claims(member.id) >= limit:
        raise DomainError("too_many_claims", _l(
            "您已有 %(n)d 个正在进行的心愿，先完成或放弃一个再认领新的。", n=limit))
    if wish.deadline < local_today(now) and wish.allows("claim"):
        raise DomainError("past_deadline", _l("这个心愿已经过了截止日期。"))
    if not take(wish, "claim", claimer_id=member.id, claimed_dt=now, progress_dt=now):
        if wish.has_claimer:
            raise DomainError("already_claimed", _l("已被认领。这个心愿已经有党员认领了。"))
        raise DomainError("not_open", _l("这个心愿现在不能认领。"))
    event(wish, member, "claimed")
    notify(wish.poster_id, "wish.claimed", f"您的心愿有人认领了：{wish.title}",
           f"在职党员 {member.name}（{membership.work_unit}）认领了您的心愿，7 天内会和您联系。",
           link(wish))
    audit.record(member, "wish.claim", wish, f"{member.name} 认领微心愿“{wish.title}”",
                 wish.zone)
    return wish


def release(member, wish: Wish, reason: str) -> Wish:
    """The claimer gives the wish back to the wall, with a reason the poster sees."""
    check_claimer(member, wish)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明放弃认领的原因。"), 400)
    if not take(wish, "release", claimer_id=None, claimed_dt=None, progress_dt=None):
        raise DomainError("not_claimed", _l("这个心愿现在不在认领中。"))
    event(wish, member, "released", reason)
    notify(wish.poster_id, "wish.released", f"心愿回到了心愿墙：{wish.title}",
           f"认领的党员因“{reason}”放弃了认领，心愿重新等待认领。", link(wish))
    audit.record(member, "wish.release", wish, f"放弃认领“{wish.title}”：{reason}", wish.zone)
    return wish


def add_progress(member, wish: Wish, note: str, *, now: datetime | None = None) -> Wish:
    """进展: the claimer says what happened so far; this keeps the claim alive."""
    now = now or utcnow()
    check_claimer(member, wish)
    note = (note or "").strip()
    if not 2 <= len(note) <= 500:
        raise DomainError("bad_note", _l("进展说明 2 到 500 字。"), 400)
    if not take(wish, "progress", progress_dt=now):
        raise DomainError("not_claimed", _l("这个心愿现在不在认领中。"))
    event(wish, member, "progress", note)
    return wish


def fulfil(member, wish: Wish, note: str, photos: list[str] | None = None, *,
           now: datetime | None = None) -> Wish:
    """The claimer marks the wish fulfilled, with a note and optional evidence photos."""
    now = now or utcnow()
    check_claimer(member, wish)
    note = (note or "").strip()
    if not 2 <= len(note) <= 1000:
        raise DomainError("bad_note", _l("请简单说明完成情况（2 到 1000 字）。"), 400)
    if len(photos or []) > 6:
        raise DomainError("too_many_photos", _l("最多上传 6 张照片。"), 400)
    if not take(wish, "fulfil", fulfilled_dt=now, fulfil_note=note, progress_dt=now):
        raise DomainError("not_claimed", _l("这个心愿现在不在认领中。"))
    for name in photos or []:
        db.session.add(WishPhoto(wish_id=wish.id, name=name, uploaded_by_id=member.id))
    event(wish, member, "fulfilled", note)
    notify(wish.poster_id, "wish.fulfilled", f"心愿已完成，请确认：{wish.title}",
           f"{member.name} 说您的心愿已经完成了。请确认并评价；如果没有完成，可以退回。",
           link(wish))
    audit.record(member, "wish.fulfil", wish, f"标记微心愿“{wish.title}”已完成", wish.zone)
    return wish


def confirm(actor, wish: Wish, rating, comment: str = "", *,
            now: datetime | None = None) -> Wish:
    """评单: the poster (or staff for them) confirms and rates. Credits the claimer once."""
    now = now or utcnow()
    check_signs_off(actor, wish)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError("bad_rating", _l("请选择 1 到 5 星的评价。"), 400)
    comment = (comment or "").strip()[:200]
    if not take(wish, "confirm", confirmed_dt=now, confirmed_by_id=actor.id, rating=rating,
                rating_comment=comment):
        if wish.is_confirmed:
            raise DomainError("already_confirmed", _l("这个心愿已经确认过了。"))
        raise DomainError("not_fulfilled", _l("认领人还没有标记完成，暂时不能确认。"))
    rule = db.session.scalar(select(PointsRule).where(PointsRule.code == RULE_CODE,
                                                      PointsRule.is_active.is_(True)))
    if rule is not None and rule.points_tenths > 0:
        entry = ledger.earn(wish.claimer_id, rule.points_tenths, source_type="wish",
                            source_id=wish.id, rule=rule, actor=actor,
                            memo=f"完成微心愿：{wish.title}"[:200])
        wish.ledger_entry_id = entry.id
        db.session.flush()
    on_behalf = actor.id != wish.poster_id
    event(wish, actor, "confirmed",
          f"{rating} 星{'（' + actor.name + ' 代为确认）' if on_behalf else ''} {comment}")
    notify(wish.claimer_id, "wish.confirmed", f"心愿已确认：{wish.title}",
           f"{mask_name(wish.poster.name)} 确认了您的帮助，评价 {rating} 星。{comment}",
           "/wishes/claims")
    audit.record(actor, "wish.confirm", wish, f"确认微心愿“{wish.title}”，{rating} 星", wish.zone)
    return wish


def send_back(actor, wish: Wish, reason: str, *, now: datetime | None = None) -> Wish:
    """The poster disagrees that it is done: back to the claimer, with a reason."""
    now = now or utcnow()
    check_signs_off(actor, wish)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明退回的原因，认领人会看到。"), 400)
    if not take(wish, "send_back", fulfilled_dt=None, progress_dt=now):
        raise DomainError("not_fulfilled", _l("这个心愿现在不能退回。"))
    event(wish, actor, "sent_back", reason)
    notify(wish.claimer_id, "wish.sent_back", f"心愿被退回：{wish.title}",
           f"发布人认为还没有完成：{reason}", "/wishes/claims")
    if actor.id != wish.poster_id:
        notify(wish.poster_id, "wish.sent_back", f"已代您退回心愿：{wish.title}",
               f"{actor.name} 代您退回，原因：{reason}", link(wish))
    audit.record(actor, "wish.send_back", wish, f"退回微心愿“{wish.title}”：{reason}",
                 wish.zone)
    return wish
