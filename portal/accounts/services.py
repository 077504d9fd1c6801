"""Accounts: registration, passwords, profiles, staff-created accounts, activation, roles."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit, policy
from portal.accounts import moves
from portal.accounts.models import RoleGrant, User
from portal.accounts.move_models import MoveRequest
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from portal.zones.models import Zone
from portal.zones.services import same_community

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
MIN_PASSWORD = 8
#: a hash to compare against when the phone is unknown, so timing does not reveal accounts
_DUMMY_HASH = generate_password_hash("not-a-real-password")

#: role names as written into the audit log (records stay in Chinese whatever the UI language)
ROLE_NAMES_ZH = {"coordinator": "协调员", "clerk": "积分超市管理员", "admin": "社区管理员",
                 "superadmin": "超级管理员"}


def normalise_phone(phone: str) -> str:
    """Accept '138 0013 8000', '+86 13800138000', '138-0013-8000'."""
    digits = re.sub(r"[\s\-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def _check_phone(phone: str) -> str:
    phone = normalise_phone(phone)
    if not PHONE_RE.match(phone):
        raise DomainError("bad_phone", _l("请输入 11 位大陆手机号码。"), 400)
    if db.session.scalar(select(User.id).where(User.phone == phone)) is not None:
        raise DomainError("phone_taken", _l("这个手机号已经注册过了，请直接登录。"))
    return phone


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise DomainError("weak_password", _l("密码至少 8 位。"), 400)
    if len(password) > 128:
        raise DomainError("long_password", _l("密码最多 128 位。"), 400)
    return password


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not 2 <= len(name) <= 40:
        raise DomainError("bad_name", _l("请填写真实姓名（2 到 40 个字）。"), 400)
    return name


def _check_home(zone: Zone | None) -> Zone:
    if zone is None or zone.is_retired or zone.kind not in ("grid", "building"):
        raise DomainError("bad_zone", _l("请选择您居住的网格或楼栋。"), 400)
    return zone


def register(*, phone: str, password: str, name: str, home_zone: Zone | None) -> User:
    """A resident signs themselves up."""
    user = User(
        phone=_check_phone(phone),
        password_hash=generate_password_hash(_check_password(password)),
        name=_check_name(name),
        home_zone=_check_home(home_zone),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(user, "user.register", user, f"居民 {user.name} 注册", user.home_zone)
    return user


def create_for_resident(actor, *, phone: str, password: str, name: str,
                        home_zone: Zone | None) -> User:
    """Staff open an account for a resident who cannot register themselves."""
    home_zone = _check_home(home_zone)
    policy.check(actor, "users.create_resident", home_zone)
    user = User(
        phone=_check_phone(phone),
        password_hash=generate_password_hash(_check_password(password)),
        name=_check_name(name),
        home_zone=home_zone,
        created_by_id=actor.id,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create_for_resident", user, f"为居民 {user.name} 创建账号", home_zone)
    return user


def authenticate(phone: str, password: str) -> User | None:
    """The user for these credentials, or None. Deactivated accounts do not log in."""
    user = db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        return None
    user.last_login_dt = utcnow()
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise DomainError("wrong_password", _l("当前密码不正确。"), 400)
    user.password_hash = generate_password_hash(_check_password(new))
    user.session_version += 1  # log out other devices
    audit.record(user, "user.change_password", user, f"{user.name} 修改了密码", user.home_zone)
    db.session.flush()


def reset_password(actor, user: User, new: str) -> None:
    """Staff set a new password for a resident who forgot theirs (in person, at the office).
    Never for someone of equal or higher standing: that would be taking over their account."""
    policy.check_action_on(actor, "reset_password", user)
    user.password_hash = generate_password_hash(_check_password(new))
    user.session_version += 1
    audit.record(actor, "user.reset_password", user, f"重置了 {user.name} 的密码", user.home_zone)
    db.session.flush()


def update_profile(user: User, *, name: str, home_zone: Zone | None) -> MoveRequest | None:
    """A resident edits their name and home. A home in another community is a request that
    its admin confirms (moves.py); it is returned, and until then the home stays."""
    user.name = _check_name(name)
    home_zone = _check_home(home_zone)
    move = None
    if home_zone.id != user.home_zone_id:
        if same_community(user.home_zone, home_zone):
            user.home_zone = home_zone
        else:
            move = moves.request_move(user, home_zone)
    audit.record(user, "user.update_profile", user, f"{user.name} 更新了个人资料", user.home_zone)
    db.session.flush()
    return move


def set_leaderboard_opt_in(user: User, join: bool) -> None:
    """Leaderboards are opt-in only (no compulsory rankings); the resident decides."""
    user.is_on_leaderboard = bool(join)
    db.session.flush()


def set_active(actor, user: User, is_active: bool) -> None:
    if user.id == actor.id:
        raise DomainError("self_deactivate", _l("不能停用自己的账号。"))
    policy.check_action_on(actor, "set_active", user)
    user.is_active_account = is_active
    user.session_version += 1
    verb = "启用" if is_active else "停用"
    audit.record(actor, "user.set_active", user, f"{verb}了 {user.name} 的账号", user.home_zone)
    db.session.flush()


def grant_role(actor, user: User, role: str, zone: Zone | None) -> RoleGrant:
    if role not in ("coordinator", "clerk", "admin", "superadmin"):
        raise DomainError("bad_role", _l("请选择角色。"), 400)
    if role == "superadmin":
        zone = None
    elif zone is None:
        raise DomainError("needs_zone", _l("请选择这个角色负责的区域。"), 400)
    elif zone.is_retired:
        raise DomainError("zone_retired", _l("该区域已停用。"))
    if not policy.can_grant(actor, role, zone):
        raise policy.NotAllowed()
    policy.check_action_on(actor, "grant_role", user)
    for existing in user.grants:
        if existing.role == role and existing.zone_id == (zone.id if zone else None):
            return existing  # granting twice is a no-op
    grant = RoleGrant(user=user, role=role, zone=zone, granted_by_id=actor.id)
    db.session.add(grant)
    db.session.flush()
    where = zone.name if zone else "全部区域"
    audit.record(actor, "role.grant", user,
                 f"授予 {user.name} {ROLE_NAMES_ZH[role]}角色（{where}）", zone or user.home_zone)
    return grant


def revoke_role(actor, grant: RoleGrant) -> None:
    """Take a role back. Giving up a lesser role of one's own is allowed; an admin's own
    admin role, and anyone of equal or higher standing, only another (higher) person."""
    user = grant.user
    if user.id == actor.id and grant.role in ("admin", "superadmin"):
        raise DomainError("self_revoke", _l("不能撤销自己的管理员角色，请让另一位管理员操作。"))
    if not policy.can_grant(actor, grant.role, grant.zone):
        raise policy.NotAllowed()
    if user.id != actor.id:
        policy.check_action_on(actor, "revoke_role", user)
    where = grant.zone.name if grant.zone else "全部区域"
    audit.record(actor, "role.revoke", user,
                 f"撤销 {user.name} 的{ROLE_NAMES_ZH[grant.role]}角色（{where}）",
                 grant.zone or user.home_zone)
    user.grants.remove(grant)
    db.session.flush()
