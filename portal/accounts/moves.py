"""Moving home into another community (迁居): the resident asks, the new community confirms.

Each community's supermarket is paid with its own residents' points, so a resident may not
simply pick a home elsewhere and spend there. A move inside one's community takes effect at
once; a move into another community waits for an admin of that community. Points go with
the person (they earned them), and the confirming admin sees the balance they take on; the
balance carried is written on the request, in the audit log and in the resident's inbox.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit, policy
from portal.accounts.models import User
from portal.accounts.move_models import MoveRequest
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.inbox.services import notify
from portal.points import ledger
from portal.points.amounts import format_points
from portal.points.models import PointsAccount
from portal.types import utcnow
from portal.zones.models import Zone
from portal.zones.services import community_of


def pending_move(user_id: int) -> MoveRequest | None:
    return db.session.scalar(select(MoveRequest).where(MoveRequest.user_id == user_id,
                                                       MoveRequest.status == "pending"))


def request_move(user: User, to_zone: Zone) -> MoveRequest:
    """Ask to move to `to_zone` (a checked grid or building in another community). A second
    request replaces the open one's destination instead of queueing behind it."""
    move = pending_move(user.id)
    if move is None:
        move = MoveRequest(user_id=user.id, from_zone_id=user.home_zone_id,
                           to_zone_id=to_zone.id, status="pending")
        db.session.add(move)
    else:
        move.to_zone_id, move.requested_dt = to_zone.id, utcnow()
    db.session.flush()
    community = community_of(to_zone)
    audit.record(user, "move.request", move,
                 f"{user.name} 申请迁入 {community.name if community else ''}{to_zone.name}",
                 to_zone)
    return move


def withdraw_move(user: User, move: MoveRequest) -> MoveRequest:
    if move.user_id != user.id:
        raise NotAllowed()
    if move.status != "pending":
        raise DomainError("not_pending", _l("这份迁居申请已经处理过了。"))
    move.status, move.decided_dt = "withdrawn", utcnow()
    db.session.flush()
    audit.record(user, "move.withdraw", move, f"{user.name} 撤回迁居申请", move.to_zone)
    return move


def _locked(move: MoveRequest) -> MoveRequest:
    return db.session.scalar(select(MoveRequest).where(MoveRequest.id == move.id)
                             .with_for_update().execution_options(populate_existing=True))


def decide_move(actor, move: MoveRequest, *, approve: bool, note: str = "") -> MoveRequest:
    """An admin of the new community confirms the move, or declines it with a reason.

    Rank applies: the admin must stand above the resident and cover the new home and any
    zone the resident's roles cover; nobody confirms their own move."""
    policy.check_action_on(actor, "confirm_move", move.user, at=move.to_zone)
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError("needs_reason", _l("不同意时请写明原因，居民会看到。"), 400)
    move = _locked(move)
    if move.status != "pending":
        raise DomainError("not_pending", _l("这份迁居申请已经处理过了。"))
    user = move.user
    move.decided_by_id, move.decided_dt = actor.id, utcnow()
    move.decision_note = note[:200]
    place = move.to_zone.name
    if not approve:
        move.status = "declined"
        notify(user.id, "move.declined", "迁居申请未通过",
               f"迁入 {place} 的申请未通过：{note}。您的居住地没有变化。", "/me")
        audit.record(actor, "move.decline", move, f"不同意 {user.name} 迁入 {place}：{note}",
                     move.to_zone)
        db.session.flush()
        return move
    # The balance is read under the account's lock, so a sale racing the move cannot make
    # what is written here differ from what the resident brings.
    account_id = ledger.account_id_for(user.id)
    balance = db.session.scalar(select(PointsAccount.balance_tenths)
                                .where(PointsAccount.id == account_id).with_for_update())
    move.status, move.balance_tenths = "confirmed", int(balance or 0)
    user.home_zone_id = move.to_zone_id
    db.session.flush()
    db.session.expire(user, ["home_zone"])
    carried = format_points(move.balance_tenths)
    notify(user.id, "move.confirmed", "迁居已确认",
           f"您的居住地已改为 {place}。积分余额 {carried} 分随您带到新社区，"
           "今后在新社区的积分超市使用。", "/me")
    audit.record(actor, "move.confirm", move,
                 f"确认 {user.name} 迁入 {place}，带入积分 {carried} 分", move.to_zone)
    return move


def moves_to_decide(viewer) -> list[tuple[MoveRequest, int]]:
    """Open requests into the viewer's scope, oldest first, each with the balance the
    resident would bring (one statement, whatever the rows)."""
    stmt = (select(MoveRequest, PointsAccount.balance_tenths)
            .join(Zone, Zone.id == MoveRequest.to_zone_id)
            .outerjoin(PointsAccount, PointsAccount.user_id == MoveRequest.user_id)
            .where(MoveRequest.status == "pending",
                   policy.zone_filter(viewer, "users.confirm_move", Zone.path))
            .options(joinedload(MoveRequest.user), joinedload(MoveRequest.from_zone),
                     joinedload(MoveRequest.to_zone))
            .order_by(MoveRequest.requested_dt))
    return [(move, balance or 0) for move, balance in db.session.execute(stmt)]
