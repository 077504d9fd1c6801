"""Posting and review: a resident posts a wish (or staff for them), staff publish or reject it,
the poster edits and resubmits, withdraws, or changes what the publicity page may show."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import audit, policy
from portal.accounts.models import User
from portal.clock import local_today
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.types import utcnow
from portal.wishes.access import check_poster_or_acting_for
from portal.wishes.models import KINDS, PENDING, Wish
from portal.wishes.services.steps import event, link, take

MAX_DEADLINE_DAYS = 180


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
                consent_photo=bool(consent_photo), photo=photo, status=PENDING,
                created_dt=now)
    db.session.add(wish)
    db.session.flush()
    on_behalf = actor.id != poster.id
    event(wish, actor, "posted", f"{actor.name} 入户走访后代为发布" if on_behalf else "")
    audit.record(actor, "wish.post", wish,
                 f"{'代 ' + poster.name + ' ' if on_behalf else ''}发布微心愿“{title}”",
                 poster.home_zone)
    return wish


def edit_wish(actor, wish: Wish, *, title: str, description: str, kind: str, value_yuan,
              deadline, consent_name: bool, consent_photo: bool, photo: str | None = None,
              now: datetime | None = None) -> Wish:
    """Change a wish still under review, or a rejected one, which goes back for review."""
    now = now or utcnow()
    check_poster_or_acting_for(actor, wish)
    was = wish.status
    action = next((a for a in ("edit", "resubmit") if wish.allows(a)), None)
    if action is None:
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
    if not take(wish, action, Wish.status == was, **values):
        raise DomainError("not_editable", _l("心愿的状态刚刚变了，请刷新页面后再修改。"))
    event(wish, actor, "resubmitted" if action == "resubmit" else "edited")
    return wish


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
    if not take(wish, "approve" if approve else "reject", review_note=note[:200],
                reviewed_by_id=actor.id):
        raise DomainError("not_pending", _l("这个心愿已经审核过了。"))
    event(wish, actor, "approved" if approve else "rejected", note)
    if approve:
        notify(wish.poster_id, "wish.published", f"心愿已发布：{wish.title}",
               "您的心愿已经通过审核，出现在心愿墙上，等待党员认领。", link(wish))
    else:
        notify(wish.poster_id, "wish.rejected", f"心愿未通过审核：{wish.title}",
               f"原因：{note}。您可以修改后重新提交。", link(wish))
    verdict = "发布" if approve else "退回"
    audit.record(actor, "wish.review", wish,
                 f"{verdict}微心愿“{wish.title}”{'：' + note if note else ''}", wish.zone)
    return wish


def withdraw(actor, wish: Wish, reason: str = "") -> Wish:
    """The poster (or staff for them) takes back a wish that is not yet fulfilled."""
    check_poster_or_acting_for(actor, wish)
    if not take(wish, "withdraw"):
        raise DomainError("not_withdrawable", _l("心愿已经完成或已撤回，不能撤回。"))
    claimer_id = wish.claimer_id  # read after the move: a claim that landed just before counts
    event(wish, actor, "withdrawn", reason)
    if claimer_id and claimer_id != actor.id:
        notify(claimer_id, "wish.withdrawn", f"心愿已撤回：{wish.title}",
               "发布人撤回了这个心愿，您不用再跟进了。谢谢您！", "/wishes/claims")
    audit.record(actor, "wish.withdraw", wish, f"撤回微心愿“{wish.title}”", wish.zone)
    return wish


def set_consent(actor, wish: Wish, *, consent_name: bool, consent_photo: bool) -> Wish:
    """The poster (or staff for them) changes what the publicity page may show, at any time:
    consent given when posting can be taken back after the wish is fulfilled. So, unlike the
    other steps, it is not refused outside the table's `consent` statuses (those are where the
    page offers it)."""
    check_poster_or_acting_for(actor, wish)
    consent_name, consent_photo = bool(consent_name), bool(consent_photo)
    if (wish.consent_name, wish.consent_photo) == (consent_name, consent_photo):
        return wish
    wish.consent_name, wish.consent_photo = consent_name, consent_photo
    db.session.flush()
    shown = "、".join(label for label, on in (("姓氏", consent_name), ("照片", consent_photo))
                     if on) or "都不显示"
    event(wish, actor, "consent", f"公示：{shown}")
    audit.record(actor, "wish.consent", wish, f"修改微心愿“{wish.title}”的公示设置：{shown}",
                 wish.zone)
    return wish
