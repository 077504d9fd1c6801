"""What every wish service shares: the guarded step along models.TRANSITIONS, and the record
each step leaves (a WishEvent) and the link its messages carry."""

from __future__ import annotations

from sqlalchemy import update

from portal.extensions import db
from portal.wishes.models import TRANSITIONS, Wish, WishEvent


def take(wish: Wish, action: str, *where, **values) -> bool:
    """Move the wish along one step of the table, as a guarded UPDATE (`… WHERE id = :id AND
    status IN (the step's from-statuses)`, plus any further `where`): True for the one writer
    that moved it. Concurrent writers of the same wish see a row count of 0, and re-read."""
    step = TRANSITIONS[action]
    moved = db.session.execute(
        update(Wish).where(Wish.id == wish.id, Wish.status.in_(step.frm), *where)
        .values(status=step.to, **values).execution_options(synchronize_session=False)).rowcount
    db.session.expire(wish)
    return moved == 1


def event(wish: Wish, actor, kind: str, note: str = "") -> None:
    db.session.add(WishEvent(wish_id=wish.id, actor_id=getattr(actor, "id", None), kind=kind,
                             note=(note or "")[:500]))


def link(wish: Wish) -> str:
    return f"/wishes/{wish.id}"
