"""Printed member cards: issue (replacing any active card), report lost, and find a card's
holder at the counter. A card's QR is signed with the portal's Ed25519 key. A card never
works for self check-in: its code is not a member code."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, policy
from portal.accounts.models import User
from portal.errors import DomainError
from portal.extensions import db
from portal.members.models import MemberCard
from portal.offline import keys
from portal.types import utcnow


def _new_card_no() -> str:
    while True:
        number = f"{secrets.randbelow(10**10):010d}"
        if number[0] != "0" and db.session.scalar(
                select(MemberCard.id).where(MemberCard.card_no == number)) is None:
            return number


def active_card(user_id: int) -> MemberCard | None:
    return db.session.scalar(select(MemberCard).where(MemberCard.user_id == user_id,
                                                      MemberCard.status == "active"))


def issue(actor, user: User) -> MemberCard:
    """A new card; the resident's previous card (if any) stops working at once."""
    policy.check_action_on(actor, "issue_card", user)
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    old = active_card(user.id)
    if old is not None:
        old.status, old.ended_dt, old.end_reason = "revoked", utcnow(), "补办新卡"
    card = MemberCard(user_id=user.id, card_no=_new_card_no(),
                      secret=secrets.token_urlsafe(18), issued_by_id=actor.id)
    db.session.add(card)
    db.session.flush()
    verb = "补办" if old else "办理"
    audit.record(actor, "card.issue", card, f"为 {user.name} {verb}实体会员卡 {card.card_no}",
                 user.home_zone)
    return card


def report_lost(actor, card: MemberCard, reason: str = "") -> MemberCard:
    policy.check_action_on(actor, "report_card_lost", card.user)
    if card.status != "active":
        raise DomainError("card_not_active", _l("这张卡已经停用了。"))
    card.status, card.ended_dt = "lost", utcnow()
    card.end_reason = (reason or "").strip()[:200] or "挂失"
    db.session.flush()
    audit.record(actor, "card.lost", card, f"{card.user.name} 的会员卡 {card.card_no} 挂失",
                 card.user.home_zone)
    return card


def card_code(card: MemberCard) -> str:
    """What the card's QR carries: "k.<card number>.<Ed25519 signature>", which a scanning
    device checks with the portal's public key alone (portal/offline/keys.py). Cards printed
    before carry "k.<secret>" and keep working."""
    payload = f"k.{card.card_no}"
    return f"{payload}.{keys.sign(payload)}"


def is_card(raw: str) -> bool:
    """A printed card's QR ("k.…") or its 10-digit number typed in, rather than a code."""
    raw = (raw or "").strip().replace(" ", "")
    return raw.startswith("k.") or (raw.isdigit() and len(raw) == 10)


def _signed_card(raw: str) -> MemberCard | None:
    """The card a signed QR names, or None when its signature does not hold."""
    _prefix, number, signature = raw.split(".")
    if not (number.isdigit() and len(number) == 10) \
            or not keys.verify(f"k.{number}", signature):
        return None
    return db.session.scalar(select(MemberCard).where(MemberCard.card_no == number))


def holder_of(raw: str) -> User:
    """The resident a scanned card (its QR, signed or from before) or a typed card number
    belongs to."""
    raw = (raw or "").strip().replace(" ", "")
    if raw.startswith("k.") and raw.count(".") == 2:
        card = _signed_card(raw)
    elif raw.startswith("k."):
        card = db.session.scalar(select(MemberCard).where(MemberCard.secret == raw[2:]))
    elif raw.isdigit() and len(raw) == 10:
        card = db.session.scalar(select(MemberCard).where(MemberCard.card_no == raw))
    else:
        card = None
    if card is None:
        raise DomainError("invalid_card", _l("没有这张会员卡。"), 400)
    if card.status != "active":
        raise DomainError("card_not_active", _l("这张卡已挂失或补办，不能再用。请用新卡。"))
    return card.user
