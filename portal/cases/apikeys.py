"""Open311 API keys: a community admin issues one for a staff member (its holder), the key is
shown once, and only its sha256 is stored. A key acts as its holder in one community: it
works only while the holder still may file matters for residents there (checked on each
use), and until an admin revokes it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from portal import audit, policy
from portal.accounts.models import User
from portal.errors import DomainError
from portal.extensions import db
from portal.tokens import PREFIX_LENGTH, cleaned, hash_token, new_token
from portal.types import UTCDateTime, utcnow
from portal.zones.models import Zone

#: what a key needs of its holder, and of the admin who issues or revokes it
HOLDER_PERMISSION = "cases.file_for"
ISSUER_PERMISSION = "cases.categories"
# The secret scheme (new_token, hash_token, PREFIX_LENGTH) is portal/tokens.py, shared with the API


class CaseApiKey(db.Model):
    """A key for POST /open311/v2/requests.json: who holds it, in which community."""

    __tablename__ = "case_api_keys"
    __table_args__ = (UniqueConstraint("key_hash", name="case_api_key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the community whose matters the key files (its jurisdiction_id is the community's code)
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: the staff member the key acts as; the matters it files name them as filer
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: what the key is for, e.g. 12345 热线转办系统
    label: Mapped[str] = mapped_column(String(40))
    #: the token's first characters, shown in lists; the rest is never stored
    prefix: Mapped[str] = mapped_column(String(PREFIX_LENGTH))
    #: sha256 hex of the whole token: a stolen database yields no working key
    key_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    community: Mapped[Zone] = relationship()
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None


def _check_community(actor, community: Zone | None) -> Zone:
    if community is None or community.kind != "community" or community.is_retired:
        raise DomainError("bad_zone", _l("请选择社区。"), 400)
    policy.check(actor, ISSUER_PERMISSION, community)
    return community


def holder_works(holder: User | None, community: Zone) -> bool:
    """May the holder still file matters for residents of the community (an active account
    with the permission over the whole community, since the key files for any resident of
    it)? A key is worth no more than its holder."""
    return (holder is not None and holder.is_active_account
            and policy.can(holder, HOLDER_PERMISSION, community))


def issue(actor, *, community: Zone | None, holder: User | None, label: str,
          now: datetime | None = None) -> tuple[CaseApiKey, str]:
    """A new key; returns it with its token, which is shown this once and never again.

    The holder is the admin themselves, or staff they outrank in their scope (the rank rule of
    a role grant): whoever holds the token files matters in the holder's name, so an admin
    never makes a key that acts as a peer or a superior."""
    community = _check_community(actor, community)
    label = (label or "").strip()
    if not 2 <= len(label) <= 40:
        raise DomainError("bad_label", _l(
            "请写明密钥的用途（2 到 40 个字），例如“12345 热线转办”。"), 400)
    if holder is None:
        raise DomainError("bad_holder", _l("请填写持有人的手机号（须是已注册的工作人员）。"), 400)
    if holder.id != actor.id and not policy.may_act_on(actor, "grant_role", holder):
        raise DomainError("bad_holder", _l(
            "只能为自己，或为您管辖范围内级别低于您的工作人员签发密钥。"), 403)
    if not holder_works(holder, community):
        raise DomainError("bad_holder", _l(
            "持有人须在整个社区有协调员（网格员）或管理员角色，才能代社区居民提交事项。"), 400)
    token = new_token()
    key = CaseApiKey(community_id=community.id, holder_id=holder.id, label=label,
                     prefix=token[:PREFIX_LENGTH], key_hash=hash_token(token),
                     created_by_id=actor.id, created_dt=now or utcnow())
    db.session.add(key)
    db.session.flush()
    audit.record(actor, "case.api_key_issue", key,
                 f"签发 Open311 接口密钥 {key.prefix}…（{label}），持有人 {holder.name}", community)
    return key, token


def revoke(actor, key: CaseApiKey, now: datetime | None = None) -> bool:
    """Stop a key at once. False when it was already revoked (nothing changes)."""
    _check_community(actor, key.community)
    moved = db.session.execute(
        update(CaseApiKey).where(CaseApiKey.id == key.id, CaseApiKey.revoked_dt.is_(None))
        .values(revoked_dt=now or utcnow(), revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire(key)
    if moved != 1:
        return False
    audit.record(actor, "case.api_key_revoke", key,
                 f"停用 Open311 接口密钥 {key.prefix}…（{key.label}）", key.community)
    return True


def key_for(token: str | None) -> CaseApiKey | None:
    """The working key a client sent: not revoked, and its holder still may file matters in
    its community. None for anything else."""
    token = cleaned(token)
    if token is None:
        return None
    key = db.session.scalar(select(CaseApiKey).where(CaseApiKey.key_hash == hash_token(token),
                                                     CaseApiKey.revoked_dt.is_(None)))
    if key is None or not holder_works(key.holder, key.community):
        return None
    return key


def mark_used(key: CaseApiKey, now: datetime | None = None) -> None:
    db.session.execute(update(CaseApiKey).where(CaseApiKey.id == key.id)
                       .values(last_used_dt=now or utcnow())
                       .execution_options(synchronize_session=False))


def keys_in_scope(actor) -> list[CaseApiKey]:
    """The keys of the communities the admin looks after, working ones first, newest first."""
    return list(db.session.scalars(
        select(CaseApiKey).join(Zone, Zone.id == CaseApiKey.community_id)
        .where(policy.zone_filter(actor, ISSUER_PERMISSION))
        .options(joinedload(CaseApiKey.holder), joinedload(CaseApiKey.community),
                 joinedload(CaseApiKey.created_by))
        .order_by(CaseApiKey.revoked_dt.is_not(None), CaseApiKey.id.desc()).limit(200)))


def communities_in_scope(actor) -> list[Zone]:
    """The communities the admin may issue keys for."""
    return list(db.session.scalars(
        select(Zone).where(Zone.kind == "community", Zone.is_retired.is_(False),
                           policy.zone_filter(actor, ISSUER_PERMISSION))
        .order_by(Zone.code)))
