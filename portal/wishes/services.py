"""微心愿 rules: posting, review, edits and withdrawal; claiming, progress, release, fulfilment,
confirmation and send-back. Services flush, never commit; every refusal is a DomainError.

Status changes that can race (two reviewers, twenty claimers, a release against a fulfilment)
are guarded UPDATEs: `UPDATE wishes SET status = :to WHERE id = :id AND status = :from`. Exactly
one writer sees a row count of 1; the others re-read and get a clear message. A member's claims
are counted under a lock on their party-membership row, so one member racing themselves cannot
pass the open-claims limit either.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal import audit, policy
from portal.accounts.models import PartyMembership, User
from portal.clock import local, local_today
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.inbox.services import notify
from portal.points import ledger
from portal.points.models import PointsRule
from portal.types import utcnow
from portal.web.formatting import mask_name
from portal.wishes.models import CLAIMED, KINDS, Wish, WishEvent, WishPhoto

#: the points rule that, when active, credits the claimer on confirmation
RULE_CODE = "wish_fulfilled"
MAX_DEADLINE_DAYS = 180


def _event(wish: Wish, actor, kind: str, note: str = "") -> None:
    db.session.add(WishEvent(wish_id=wish.id, actor_id=getattr(actor, "id", None), kind=kind,
                             note=(note or "")[:500]))


def _link(wish: Wish) -> str:
    return f"/wishes/{wish.id}"


def is_staff_for(user, wish: Wish) -> bool:
    return policy.can(user, "wishes.review", wish.zone)


def _poster_or_acting_for(actor, wish: Wish) -> None:
    """The poster, or staff over the wish acting for them (never for an equal or higher)."""
    if actor.id == wish.poster_id:
        return
    if not is_staff_for(actor, wish):
        raise NotAllowed()
    policy.check_action_on(actor, "act_for_wish", wish.poster)


def _check_fields(title: str, description: str, kind: str, value_yuan, deadline, today: date):
    title, description = (title or "").strip(), (description or "").strip()
    if not 2 <= len(title) <= 40:
        raise DomainError("bad_title", _l("心愿标题 2 到 40 个字。"), 400)
    if len(description) > 1000:
        raise DomainError("bad_description", _l("心愿描述最多 1000 字。"), 400)
    if kind not in KINDS:
        raise DomainError("bad_kind", _l("请选择心愿类型：物品或服务。"), 400)
    cap = current_app.config["WISH_VALUE_CAP"]
    if not isinstance(value_yuan, int) or not 0 <= value_yuan <= cap:
        raise DomainError("bad_value", _l("估计价值请填 0 到 %(cap)d 元的整数。", cap=cap), 400)
    if not isinstance(deadline, date) or not today <= deadline <= today + timedelta(
            days=MAX_DEADLINE_DAYS):
        raise DomainError("bad_deadline", _l("截止日期要在今天到半年以内。"), 400)
    return title, description


def post_wish(actor, poster: User, *, title: str, description: str, kind: str, value_yuan,
              deadline, consent_name: bool = False, consent_photo: bool = False,
              photo: str | None = None, now: datetime | None = None) -> Wish:
    """A resident posts their own wish, or staff post one for them after a home visit."""
    now = now or utcnow()
    if actor.id != poster.id:
        policy.check_action_on(actor, "post_wish_for", poster)
    if poster.home_zone is None:
        raise DomainError("no_home", _l("请先在“我的”里填写居住的小区或楼栋。"), 400)
    title, description = _check_fields(title, description, kind, value_yuan, deadline,
                                       local_today(now))
    wish = Wish(poster_id=poster.id, created_by_id=actor.id, zone_id=poster.home_zone.id,
                title=title, description=description, kind=kind, value_yuan=value_yuan,
                deadline=deadline, consent_name=bool(consent_name),
                consent_photo=bool(consent_photo), photo=photo, status="pending",
                created_dt=now)
    db.session.add(wish)
    db.session.flush()
    on_behalf = actor.id != poster.id
    _event(wish, actor, "posted", f"{actor.name} 入户走访后代为发布" if on_behalf else "")
    audit.record(actor, "wish.post", wish,
                 f"{'代 ' + poster.name + ' ' if on_behalf else ''}发布微心愿“{title}”",
                 poster.home_zone)
    return wish


def edit_wish(actor, wish: Wish, *, title: str, description: str, kind: str, value_yuan,
              deadline, consent_name: bool, consent_photo: bool, photo: str | None = None,
              now: datetime | None = None) -> Wish:
    """Change a wish still under review, or a rejected one, which goes back for review."""
    now = now or utcnow()
    _poster_or_acting_for(actor, wish)
    was = wish.status
    if was not in ("pending", "rejected"):
        raise DomainError("not_editable", _l("心愿已经发布，不能再修改；可以撤回后重新发布。"))
    title, description = _check_fields(title, description, kind, value_yuan, deadline,
                                       local_today(now))
    values = dict(title=title, description=description, kind=kind, value_yuan=value_yuan,
                  deadline=deadline, consent_name=bool(consent_name),
                  consent_photo=bool(consent_photo))
    if photo:
        values["photo"] = photo
    # Guarded on the status read above: if staff approved it (or anyone moved it) meanwhile,
    # the new text must not go live unreviewed, so the edit is refused instead.
    if not _move(wish, (was,), "pending", **values):
        raise DomainError("not_editable", _l("心愿的状态刚刚变了，请刷新页面后再修改。"))
    _event(wish, actor, "resubmitted" if was == "rejected" else "edited")
    return wish


def _move(wish: Wish, frm: tuple[str, ...], to: str, **values) -> bool:
    """The guarded status change: True for the one writer that moved it."""
    moved = db.session.execute(
        update(Wish).where(Wish.id == wish.id, Wish.status.in_(frm))
        .values(status=to, **values).execution_options(synchronize_session=False)).rowcount
    db.session.expire(wish)
    return moved == 1


def review(actor, wish: Wish, *, approve: bool, note: str = "",
           now: datetime | None = None) -> Wish:
    """Staff publish a wish to the wall, or send it back to the poster with a reason."""
    now = now or utcnow()
    policy.check(actor, "wishes.review", wish.zone)
    policy.check_not_beneficiary(actor, wish.poster_id, _l(
        "不能审核自己的心愿，请让另一位工作人员审核。"))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError("needs_reason", _l("退回时请写明原因，发布人会看到。"), 400)
    if not _move(wish, ("pending",), "published" if approve else "rejected",
                 review_note=note[:200], reviewed_by_id=actor.id):
        raise DomainError("not_pending", _l("这个心愿已经审核过了。"))
    _event(wish, actor, "approved" if approve else "rejected", note)
    if approve:
        notify(wish.poster_id, "wish.published", f"心愿已发布：{wish.title}",
               "您的心愿已经通过审核，出现在心愿墙上，等待党员认领。", _link(wish))
    else:
        notify(wish.poster_id, "wish.rejected", f"心愿未通过审核：{wish.title}",
               f"原因：{note}。您可以修改后重新提交。", _link(wish))
    verdict = "发布" if approve else "退回"
    audit.record(actor, "wish.review", wish,
                 f"{verdict}微心愿“{wish.title}”{'：' + note if note else ''}", wish.zone)
    return wish


def withdraw(actor, wish: Wish, reason: str = "") -> Wish:
    """The poster (or staff for them) takes back a wish that is not yet fulfilled."""
    _poster_or_acting_for(actor, wish)
    if not _move(wish, ("pending", "rejected", "published", "claimed"), "withdrawn"):
        raise DomainError("not_withdrawable", _l("心愿已经完成或已撤回，不能撤回。"))
    claimer_id = wish.claimer_id  # read after the move: a claim that landed just before counts
    _event(wish, actor, "withdrawn", reason)
    if claimer_id and claimer_id != actor.id:
        notify(claimer_id, "wish.withdrawn", f"心愿已撤回：{wish.title}",
               "发布人撤回了这个心愿，您不用再跟进了。谢谢您！", "/wishes/claims")
    audit.record(actor, "wish.withdraw", wish, f"撤回微心愿“{wish.title}”", wish.zone)
    return wish


def set_consent(actor, wish: Wish, *, consent_name: bool, consent_photo: bool) -> Wish:
    """The poster (or staff for them) changes what the publicity page may show, at any time:
    consent given when posting can be taken back after the wish is fulfilled."""
    _poster_or_acting_for(actor, wish)
    consent_name, consent_photo = bool(consent_name), bool(consent_photo)
    if (wish.consent_name, wish.consent_photo) == (consent_name, consent_photo):
        return wish
    wish.consent_name, wish.consent_photo = consent_name, consent_photo
    db.session.flush()
    shown = "、".join(label for label, on in (("姓氏", consent_name), ("照片", consent_photo))
                     if on) or "都不显示"
    _event(wish, actor, "consent", f"公示：{shown}")
    audit.record(actor, "wish.consent", wish, f"修改微心愿“{wish.title}”的公示设置：{shown}",
                 wish.zone)
    return wish


# ------------------------------------------------------------------ claiming and after


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
    return db.session.scalar(select(func.count(Wish.id)).where(Wish.claimer_id == user_id,
                                                              Wish.status == "claimed"))


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
    if wish.deadline < local_today(now) and wish.status == "published":
        raise DomainError("past_deadline", _l("这个心愿已经过了截止日期。"))
    if not _move(wish, ("published",), "claimed", claimer_id=member.id, claimed_dt=now,
                 progress_dt=now):
        if wish.status in CLAIMED:
            raise DomainError("already_claimed", _l("已被认领。这个心愿已经有党员认领了。"))
        raise DomainError("not_open", _l("这个心愿现在不能认领。"))
    _event(wish, member, "claimed")
    notify(wish.poster_id, "wish.claimed", f"您的心愿有人认领了：{wish.title}",
           f"在职党员 {member.name}（{membership.work_unit}）认领了您的心愿，7 天内会和您联系。",
           _link(wish))
    audit.record(member, "wish.claim", wish, f"{member.name} 认领微心愿“{wish.title}”",
                 wish.zone)
    return wish


def _claimer_only(member, wish: Wish) -> None:
    if wish.claimer_id != member.id:
        raise NotAllowed(_l("这不是您认领的心愿。"))


def release(member, wish: Wish, reason: str) -> Wish:
    """The claimer gives the wish back to the wall, with a reason the poster sees."""
    _claimer_only(member, wish)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明放弃认领的原因。"), 400)
    if not _move(wish, ("claimed",), "published", claimer_id=None, claimed_dt=None,
                 progress_dt=None):
        raise DomainError("not_claimed", _l("这个心愿现在不在认领中。"))
    _event(wish, member, "released", reason)
    notify(wish.poster_id, "wish.released", f"心愿回到了心愿墙：{wish.title}",
           f"认领的党员因“{reason}”放弃了认领，心愿重新等待认领。", _link(wish))
    audit.record(member, "wish.release", wish, f"放弃认领“{wish.title}”：{reason}", wish.zone)
    return wish


def add_progress(member, wish: Wish, note: str, *, now: datetime | None = None) -> Wish:
    """进展: the claimer says what happened so far; this keeps the claim alive."""
    now = now or utcnow()
    _claimer_only(member, wish)
    note = (note or "").strip()
    if not 2 <= len(note) <= 500:
        raise DomainError("bad_note", _l("进展说明 2 到 500 字。"), 400)
    if not _move(wish, ("claimed",), "claimed", progress_dt=now):
        raise DomainError("not_claimed", _l("这个心愿现在不在认领中。"))
    _event(wish, member, "progress", note)
    return wish


def release_stale(now: datetime | None = None) -> int:
    """Give back claims with no progress for WISH_STALE_CLAIM_DAYS (cron; safe to rerun)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["WISH_STALE_CLAIM_DAYS"])
    released = 0
    for wish in db.session.scalars(select(Wish).where(Wish.status == "claimed",
                                                      Wish.progress_dt < cutoff)
                                   .order_by(Wish.id)).all():
        claimer_id, claimed_dt = wish.claimer_id, wish.claimed_dt
        moved = db.session.execute(
            update(Wish).where(Wish.id == wish.id, Wish.status == "claimed",
                               Wish.claimer_id == claimer_id, Wish.progress_dt < cutoff)
            .values(status="published", claimer_id=None, claimed_dt=None, progress_dt=None)
            .execution_options(synchronize_session=False)).rowcount
        db.session.expire(wish)
        if not moved:
            continue
        days = current_app.config["WISH_STALE_CLAIM_DAYS"]
        _event(wish, None, "auto_released", f"{days} 天没有进展，系统自动释放")
        key = f"wish:{wish.id}:stale:{claimed_dt.isoformat()}"
        notify(claimer_id, "wish.auto_released", f"认领已自动释放：{wish.title}",
               f"这个心愿 {days} 天没有进展，已回到心愿墙。", "/wishes/claims",
               dedupe_key=key + ":claimer")
        notify(wish.poster_id, "wish.auto_released", f"心愿重新等待认领：{wish.title}",
               f"认领的党员 {days} 天没有进展，心愿已回到心愿墙。", _link(wish),
               dedupe_key=key + ":poster")
        released += 1
    return released


def stale_release_dt(wish: Wish) -> datetime | None:
    """When a claim with no further progress goes back to the wall (release_stale), or None
    for a wish that is not claimed."""
    if wish.status != "claimed" or wish.progress_dt is None:
        return None
    return wish.progress_dt + timedelta(days=current_app.config["WISH_STALE_CLAIM_DAYS"])


def warn_stale(now: datetime | None = None) -> int:
    """Remind each claimer WISH_STALE_WARN_DAYS before a claim with no progress is released
    (cron, daily). The dedupe key names the claim's last sign of life, so a rerun sends
    nothing new, while a claim kept alive by progress earns a fresh reminder when it goes
    quiet again. Claims already past the release line are left to release_stale. Returns
    how many reminders were new."""
    now = now or utcnow()
    days, warn = (current_app.config["WISH_STALE_CLAIM_DAYS"],
                  current_app.config["WISH_STALE_WARN_DAYS"])
    if warn <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    sent = 0
    for wish in db.session.scalars(
            select(Wish).where(Wish.status == "claimed", Wish.progress_dt >= cutoff,
                               Wish.progress_dt < cutoff + timedelta(days=warn))
            .order_by(Wish.id)):
        due = local(stale_release_dt(wish))
        body = (f"这个心愿已经 {(now - wish.progress_dt).days} 天没有进展。请在 "
                f"{due.month}月{due.day}日 {due:%H:%M} 前联系心愿人，并在心愿页面写一条进展；"
                "否则认领会自动释放，心愿回到心愿墙。如果确实无法完成，也可以主动放弃认领。")
        key = f"wish:{wish.id}:stale-warning:{wish.progress_dt.isoformat()}"
        if notify(wish.claimer_id, "wish.stale_warning", f"认领即将自动释放：{wish.title}",
                  body, _link(wish), dedupe_key=key, sms=True) is not None:
            sent += 1
    return sent


def fulfil(member, wish: Wish, note: str, photos: list[str] | None = None, *,
           now: datetime | None = None) -> Wish:
    """The claimer marks the wish fulfilled, with a note and optional evidence photos."""
    now = now or utcnow()
    _claimer_only(member, wish)
    note = (note or "").strip()
    if not 2 <= len(note) <= 1000:
        raise DomainError("bad_note", _l("请简单说明完成情况（2 到 1000 字）。"), 400)
    if len(photos or []) > 6:
        raise DomainError("too_many_photos", _l("最多上传 6 张照片。"), 400)
    if not _move(wish, ("claimed",), "fulfilled", fulfilled_dt=now, fulfil_note=note,
                 progress_dt=now):
        raise DomainError("not_claimed", _l("这个心愿现在不在认领中。"))
    for name in photos or []:
        db.session.add(WishPhoto(wish_id=wish.id, name=name, uploaded_by_id=member.id))
    _event(wish, member, "fulfilled", note)
    notify(wish.poster_id, "wish.fulfilled", f"心愿已完成，请确认：{wish.title}",
           f"{member.name} 说您的心愿已经完成了。请确认并评价；如果没有完成，可以退回。",
           _link(wish))
    audit.record(member, "wish.fulfil", wish, f"标记微心愿“{wish.title}”已完成", wish.zone)
    return wish


def _poster_or_staff(actor, wish: Wish) -> None:
    _poster_or_acting_for(actor, wish)
    if actor.id == wish.claimer_id:  # a staff member who claimed it cannot sign off their own
        raise DomainError("own_claim", _l(
            "不能确认或退回自己认领的心愿，请由发布人或其他工作人员处理。"), 403)


def confirm(actor, wish: Wish, rating, comment: str = "", *,
            now: datetime | None = None) -> Wish:
    """评单: the poster (or staff for them) confirms and rates. Credits the claimer once."""
    now = now or utcnow()
    _poster_or_staff(actor, wish)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError("bad_rating", _l("请选择 1 到 5 星的评价。"), 400)
    comment = (comment or "").strip()[:200]
    if not _move(wish, ("fulfilled",), "confirmed", confirmed_dt=now, confirmed_by_id=actor.id,
                 rating=rating, rating_comment=comment):
        if wish.status == "confirmed":
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
    _event(wish, actor, "confirmed",
           f"{rating} 星{'（' + actor.name + ' 代为确认）' if on_behalf else ''} {comment}")
    notify(wish.claimer_id, "wish.confirmed", f"心愿已确认：{wish.title}",
           f"{mask_name(wish.poster.name)} 确认了您的帮助，评价 {rating} 星。{comment}",
           "/wishes/claims")
    audit.record(actor, "wish.confirm", wish, f"确认微心愿“{wish.title}”，{rating} 星", wish.zone)
    return wish


def send_back(actor, wish: Wish, reason: str, *, now: datetime | None = None) -> Wish:
    """The poster disagrees that it is done: back to the claimer, with a reason."""
    now = now or utcnow()
    _poster_or_staff(actor, wish)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明退回的原因，认领人会看到。"), 400)
    if not _move(wish, ("fulfilled",), "claimed", fulfilled_dt=None, progress_dt=now):
        raise DomainError("not_fulfilled", _l("这个心愿现在不能退回。"))
    _event(wish, actor, "sent_back", reason)
    notify(wish.claimer_id, "wish.sent_back", f"心愿被退回：{wish.title}",
           f"发布人认为还没有完成：{reason}", "/wishes/claims")
    if actor.id != wish.poster_id:
        notify(wish.poster_id, "wish.sent_back", f"已代您退回心愿：{wish.title}",
               f"{actor.name} 代您退回，原因：{reason}", _link(wish))
    audit.record(actor, "wish.send_back", wish, f"退回微心愿“{wish.title}”：{reason}",
                 wish.zone)
    return wish
