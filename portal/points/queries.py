"""Read-side queries for the points pages; each is one or two statements whatever the rows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal import policy
from portal.accounts.models import User
from portal.extensions import db
from portal.points.award_models import Award, Objection
from portal.points.models import HoursEntry, LedgerEntry, PointsAccount
from portal.types import utcnow
from portal.zones.models import Zone
from portal.zones.services import community_of

PAGE_SIZE = 20


def passbook(user_id: int, page: int = 1):
    """The resident's entries, newest first, one page; each carries its running balance."""
    stmt = (
        select(LedgerEntry)
        .join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
        .where(PointsAccount.user_id == user_id)
        .options(joinedload(LedgerEntry.rule), joinedload(LedgerEntry.reversed_by))
        .order_by(LedgerEntry.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def hours_entries(user_id: int, limit: int = 50) -> list[HoursEntry]:
    return list(db.session.scalars(
        select(HoursEntry).where(HoursEntry.user_id == user_id)
        .order_by(HoursEntry.id.desc()).limit(limit)))


def _in_community(community: Zone | None):
    if community is None:
        return Zone.id.is_(None)
    return Zone.path.startswith(community.path, autoescape=True)


def notices(viewer: User) -> list[Award]:
    """Awards on public notice (公示) in the viewer's community, newest first."""
    community = community_of(viewer.home_zone)
    return list(db.session.scalars(
        select(Award)
        .join(User, User.id == Award.recipient_id).join(Zone, Zone.id == User.home_zone_id)
        .where(Award.status == "posted", Award.notice_until_dt >= utcnow(),
               _in_community(community))
        .options(joinedload(Award.recipient).joinedload(User.home_zone),
                 selectinload(Award.objections))
        .order_by(Award.posted_dt.desc())))


def leaderboard(viewer: User, limit: int = 50) -> list[tuple[User, int]]:
    """Opted-in residents of the viewer's community by credited hours (minutes)."""
    community = community_of(viewer.home_zone)
    minutes = func.coalesce(func.sum(HoursEntry.credited_minutes), 0).label("minutes")
    rows = db.session.execute(
        select(User, minutes)
        .join(Zone, Zone.id == User.home_zone_id)
        .outerjoin(HoursEntry, HoursEntry.user_id == User.id)
        .where(User.is_on_leaderboard.is_(True), _in_community(community))
        .group_by(User.id)
        .order_by(minutes.desc(), User.id)
        .limit(limit)
    ).all()
    return [(user, int(total)) for user, total in rows]


def pending_awards(viewer: User) -> list[Award]:
    return list(db.session.scalars(
        select(Award).join(User, User.id == Award.recipient_id)
        .join(Zone, Zone.id == User.home_zone_id)
        .where(Award.status == "pending",
               policy.zone_filter(viewer, "points.approve", Zone.path))
        .options(joinedload(Award.recipient), joinedload(Award.created_by),
                 joinedload(Award.rule))
        .order_by(Award.id)))


def open_objections(viewer: User) -> list[Objection]:
    return list(db.session.scalars(
        select(Objection).join(Award).join(User, User.id == Award.recipient_id)
        .join(Zone, Zone.id == User.home_zone_id)
        .where(Objection.status == "open",
               policy.zone_filter(viewer, "points.approve", Zone.path))
        .options(joinedload(Objection.award).joinedload(Award.recipient),
                 joinedload(Objection.raised_by))
        .order_by(Objection.id)))
