"""Read-side queries for staff pages, each limited to the viewer's zones and N+1-free."""

from flask import abort
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import policy
from portal.accounts.models import PartyMembership, RoleGrant, User
from portal.accounts.move_models import MoveRequest
from portal.audit import AuditEvent
from portal.extensions import db
from portal.points.queries import pending_awards
from portal.wishes.models import Wish
from portal.zones.models import Zone

PAGE_SIZE = 30


def user_in_scope_or_abort(viewer, user_id: int, permission: str) -> User:
    """The user, with home zone and grants loaded; 404 if missing, 403 outside the scope."""
    user = db.session.get(
        User, user_id,
        options=[joinedload(User.home_zone), selectinload(User.grants).joinedload(RoleGrant.zone)],
    )
    if user is None:
        abort(404)
    if not policy.can(viewer, permission, user.home_zone):
        abort(403)
    return user


def users_in_scope(viewer, q: str = "", page: int = 1):
    """Residents whose home zone lies in the viewer's scope, newest first, one page."""
    stmt = (
        select(User)
        .join(User.home_zone)
        .where(policy.zone_filter(viewer, "users.view", Zone.path))
        .options(
            joinedload(User.home_zone),
            selectinload(User.grants).joinedload(RoleGrant.zone),
            selectinload(User.party),
        )
        .order_by(User.id.desc())
    )
    q = (q or "").strip()
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.name.like(like), User.phone.like(like)))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def pending_party_declarations(viewer):
    stmt = (
        select(PartyMembership)
        .join(PartyMembership.user)
        .join(User.home_zone)
        .where(PartyMembership.status == "pending")
        .where(policy.zone_filter(viewer, "party.verify", Zone.path))
        .options(joinedload(PartyMembership.user).joinedload(User.home_zone))
        .order_by(PartyMembership.declared_dt)
    )
    return list(db.session.scalars(stmt))


def audit_in_scope(viewer, page: int = 1):
    stmt = (
        select(AuditEvent)
        .outerjoin(AuditEvent.zone)
        .where(policy.zone_filter(viewer, "audit.view", Zone.path))
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.zone))
        .order_by(AuditEvent.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def dashboard_counts(viewer) -> dict[str, int]:
    in_scope = policy.zone_filter(viewer, "staff.dashboard", Zone.path)
    residents = db.session.scalar(
        select(func.count(User.id)).join(User.home_zone).where(in_scope)
    )
    pending = 0
    if policy.can(viewer, "party.verify"):
        pending = len(pending_party_declarations(viewer))
    moves = 0
    if policy.can(viewer, "users.confirm_move"):
        moves = db.session.scalar(
            select(func.count(MoveRequest.id)).join(Zone, Zone.id == MoveRequest.to_zone_id)
            .where(MoveRequest.status == "pending",
                   policy.zone_filter(viewer, "users.confirm_move", Zone.path))) or 0
    awards = 0
    if policy.can(viewer, "points.approve"):
        awards = len(pending_awards(viewer))
    wishes, fulfilled, rating = 0, 0, None
    if policy.can(viewer, "wishes.review"):
        in_wish_scope = policy.zone_filter(viewer, "wishes.review", Zone.path)
        wishes = db.session.scalar(
            select(func.count(Wish.id)).join(Zone, Zone.id == Wish.zone_id)
            .where(Wish.status == "pending", in_wish_scope)) or 0
        # 圆梦 and satisfaction over everything confirmed in scope
        fulfilled, rating = db.session.execute(
            select(func.count(Wish.id), func.avg(Wish.rating)).join(Zone, Zone.id == Wish.zone_id)
            .where(Wish.status == "confirmed", in_wish_scope)).one()
    return {"residents": residents or 0, "pending_party": pending, "pending_awards": awards,
            "pending_moves": moves,
            "pending_wishes": wishes, "fulfilled_wishes": fulfilled or 0,
            "wish_rating": round(float(rating), 1) if rating is not None else None}
