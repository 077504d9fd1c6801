"""Quiet claims: the reminder before a claim with no progress goes back to the wall (flask
remind-stale-claims), and the release itself (flask release-stale-claims). Both are crons,
safe to rerun."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.clock import local
from portal.extensions import db
from portal.inbox.services import notify
from portal.types import utcnow
from portal.wishes.models import TRANSITIONS, Wish
from portal.wishes.services.steps import event, link, take

#: the claims the cron gives back: those still claimed, not yet fulfilled
_QUIET = TRANSITIONS["auto_release"].frm


def release_stale(now: datetime | None = None) -> int:
    """Give back claims with no progress for WISH_STALE_CLAIM_DAYS (cron; safe to rerun)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["WISH_STALE_CLAIM_DAYS"])
    released = 0
    for wish in db.session.scalars(select(Wish).where(Wish.status.in_(_QUIET),
                                                      Wish.progress_dt < cutoff)
                                   .order_by(Wish.id)).all():
        claimer_id, claimed_dt = wish.claimer_id, wish.claimed_dt
        if not take(wish, "auto_release", Wish.claimer_id == claimer_id,
                    Wish.progress_dt < cutoff, claimer_id=None, claimed_dt=None,
                    progress_dt=None):
            continue
        days = current_app.config["WISH_STALE_CLAIM_DAYS"]
        event(wish, None, "auto_released", f"{days} 天没有进展，系统自动释放")
        key = f"wish:{wish.id}:stale:{claimed_dt.isoformat()}"
        notify(claimer_id, "wish.auto_released", f"认领已自动释放：{wish.title}",
               f"这个心愿 {days} 天没有进展，已回到心愿墙。", "/wishes/claims",
               dedupe_key=key + ":claimer")
        notify(wish.poster_id, "wish.auto_released", f"心愿重新等待认领：{wish.title}",
               f"认领的党员 {days} 天没有进展，心愿已回到心愿墙。", link(wish),
               dedupe_key=key + ":poster")
        released += 1
    return released


def stale_release_dt(wish: Wish) -> datetime | None:
    """When a claim with no further progress goes back to the wall (release_stale), or None
    for a wish that is not claimed."""
    if not wish.allows("auto_release") or wish.progress_dt is None:
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
            select(Wish).where(Wish.status.in_(_QUIET), Wish.progress_dt >= cutoff,
                               Wish.progress_dt < cutoff + timedelta(days=warn))
            .order_by(Wish.id)):
        due = local(stale_release_dt(wish))
        body = (f"这个心愿已经 {(now - wish.progress_dt).days} 天没有进展。请在 "
                f"{due.month}月{due.day}日 {due:%H:%M} 前联系心愿人，并在心愿页面写一条进展；"
                "否则认领会自动释放，心愿回到心愿墙。如果确实无法完成，也可以主动放弃认领。")
        key = f"wish:{wish.id}:stale-warning:{wish.progress_dt.isoformat()}"
        if notify(wish.claimer_id, "wish.stale_warning", f"认领即将自动释放：{wish.title}",
                  body, link(wish), dedupe_key=key, sms=True) is not None:
            sent += 1
    return sent
