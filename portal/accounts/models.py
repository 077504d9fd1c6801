"""Residents, their staff roles (scoped to a zone subtree) and the party-member attribute."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow
from portal.zones.models import Zone

#: staff roles; every one but superadmin is scoped to a zone subtree
STAFF_ROLES = ("coordinator", "clerk", "admin", "superadmin")
PARTY_STATUSES = ("pending", "verified", "rejected")
ROLE_LABELS = {
    "coordinator": _l("协调员（排班与签到）"),
    "clerk": _l("积分超市管理员"),
    "admin": _l("社区管理员"),
    "superadmin": _l("超级管理员"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: mainland mobile number, 11 digits; the login name
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    #: werkzeug scrypt hash
    password_hash: Mapped[str] = mapped_column(String(255))
    #: real name (实名); shown masked (张**) to other residents
    name: Mapped[str] = mapped_column(String(40))
    #: where the resident lives; decides which staff may act for them
    home_zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: a deactivated account cannot log in; its history stays
    is_active_account: Mapped[bool] = mapped_column(default=True)
    #: bumped by a password change or reset, (de)activation and 退出所有设备: older logins stop
    session_version: Mapped[int] = mapped_column(default=1)
    #: the staff member who created the account for the resident, if any
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: opt-in: appear (name masked) on the hours leaderboard of one's community
    is_on_leaderboard: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: random, opaque: what a member code carries instead of any personal data
    member_key: Mapped[str | None] = mapped_column(String(32), unique=True)

    home_zone: Mapped[Zone] = relationship()
    created_by: Mapped[User | None] = relationship(remote_side=[id])
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", foreign_keys="RoleGrant.user_id", cascade="all, delete-orphan"
    )
    party: Mapped[PartyMembership | None] = relationship(
        back_populates="user", foreign_keys="PartyMembership.user_id", uselist=False
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    #: not a column: the token of the login (accounts/sessions.py) this object belongs to, set
    #: by the user loader or by sessions.start()
    login_token = None

    def get_id(self) -> str:
        """Flask-Login's id, in the session and the remember-me cookie: the user, the
        session_version and the token of one login row (the loader checks all three)."""
        if self.login_token is None:  # no login row (sessions.start): an id the loader refuses
            return f"{self.id}.{self.session_version}"
        return f"{self.id}.{self.session_version}.{self.login_token}"

    @property
    def is_staff(self) -> bool:
        return bool(self.grants)

    @property
    def is_verified_party_member(self) -> bool:
        return self.party is not None and self.party.status == "verified"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.phone}>"


class RoleGrant(db.Model):
    """One staff role over one zone subtree. A user may hold several."""

    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "zone_id", name="user_role_zone"),
        CheckConstraint(
            "role IN ('coordinator', 'clerk', 'admin', 'superadmin')", name="role"
        ),
        CheckConstraint("(role = 'superadmin') = (zone_id IS NULL)", name="scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: one of STAFF_ROLES
    role: Mapped[str] = mapped_column(String(16))
    #: root of the subtree the role covers; None for superadmin
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    zone: Mapped[Zone | None] = relationship()


class PartyMembership(db.Model):
    """A resident's declaration as an in-service party member (在职党员报到) and its review."""

    __tablename__ = "party_memberships"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'verified', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    #: 工作单位
    work_unit: Mapped[str] = mapped_column(String(100))
    #: 党支部
    branch: Mapped[str] = mapped_column(String(100))
    #: free text: 会理发、懂法律 …
    skills: Mapped[str] = mapped_column(Text, default="")
    #: preferred service posts (岗位), a list of names
    service_posts: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: pending → verified | rejected; a rejected one may be declared again
    status: Mapped[str] = mapped_column(String(16), default="pending")
    #: the reviewer's reason, shown to the resident on rejection
    review_note: Mapped[str] = mapped_column(String(200), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declared_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="party", foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class ServicePost(db.Model):
    """A service post (岗位) party members can prefer, e.g. 助老助残. Admins edit the list; until
    the first edit it is the default eight (accounts.party.SERVICE_POSTS)."""

    __tablename__ = "service_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    sort: Mapped[int] = mapped_column(default=0)
    #: a retired post leaves the form; declarations that named it keep the name
    is_active: Mapped[bool] = mapped_column(default=True)
