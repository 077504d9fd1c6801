"""志愿队伍: staff create teams; residents apply; the leader (or staff) approves."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, policy
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.teams.models import Team, TeamMember
from portal.types import utcnow


def _check_name(name: str, zone, exclude_id: int | None = None) -> str:
    name = (name or "").strip()
    if not 2 <= len(name) <= 60:
        raise DomainError("bad_name", _l("队伍名称 2 到 60 个字。"), 400)
    clash = db.session.scalar(select(Team.id).where(Team.zone_id == zone.id, Team.name == name))
    if clash is not None and clash != exclude_id:
        raise DomainError("name_taken", _l("这个社区已经有一支叫“%(name)s”的队伍。", name=name))
    return name


def _make_active_member(team: Team, user_id: int, actor) -> None:
    row = db.session.scalar(select(TeamMember).where(
        TeamMember.team_id == team.id, TeamMember.user_id == user_id))
    if row is None:
        row = TeamMember(team_id=team.id, user_id=user_id)
        db.session.add(row)
    row.status, row.decided_by_id, row.decided_dt = "active", actor.id, utcnow()
    db.session.flush()


def create_team(actor, *, name: str, zone, leader=None, description: str = "") -> Team:
    if zone is None or zone.is_retired or zone.kind not in ("community", "grid"):
        raise DomainError("bad_zone", _l("请选择队伍所属的社区或网格。"), 400)
    policy.check(actor, "teams.manage", zone)
    team = Team(name=_check_name(name, zone), zone_id=zone.id,
                leader_id=leader.id if leader else None,
                description=(description or "").strip()[:1000], created_by_id=actor.id)
    db.session.add(team)
    db.session.flush()
    if leader is not None:
        _make_active_member(team, leader.id, actor)
    audit.record(actor, "team.create", team, f"新建志愿队伍 {team.name}", zone)
    return team


def update_team(actor, team: Team, *, name: str, description: str, leader,
                is_active: bool) -> Team:
    policy.check(actor, "teams.manage", team.zone)
    team.name = _check_name(name, team.zone, exclude_id=team.id)
    team.description = (description or "").strip()[:1000]
    team.is_active = bool(is_active)
    if leader is not None and leader.id != team.leader_id:
        team.leader_id = leader.id
        _make_active_member(team, leader.id, actor)
        notify(leader.id, "team.leader", f"您已成为{team.name}队长",
               "请及时审核入队申请。", f"/teams/{team.id}")
    db.session.flush()
    audit.record(actor, "team.update", team, f"修改志愿队伍 {team.name}", team.zone)
    return team


def _lock(member_id: int) -> TeamMember:
    return db.session.scalar(select(TeamMember).where(TeamMember.id == member_id)
                             .with_for_update().execution_options(populate_existing=True))


def apply(user, team: Team, note: str = "") -> TeamMember:
    """A resident asks to join; the leader is told. A rejected or former member may re-apply."""
    if not team.is_active:
        raise DomainError("team_inactive", _l("这支队伍已停止招募。"))
    row = db.session.scalar(select(TeamMember).where(
        TeamMember.team_id == team.id, TeamMember.user_id == user.id))
    if row is None:
        try:
            with db.session.begin_nested():
                row = TeamMember(team_id=team.id, user_id=user.id, status="pending",
                                 note=(note or "").strip()[:200])
                db.session.add(row)
                db.session.flush()
        except IntegrityError:  # a concurrent twin applied first: same outcome
            return db.session.scalar(select(TeamMember).where(
                TeamMember.team_id == team.id, TeamMember.user_id == user.id))
    else:
        row = _lock(row.id)
        if row.status == "active":
            raise DomainError("already_member", _l("您已经是这支队伍的队员了。"))
        if row.status == "pending":
            return row  # applying twice changes nothing
        row.status, row.note, row.applied_dt = "pending", (note or "").strip()[:200], utcnow()
        row.decision_note, row.decided_by_id, row.decided_dt = "", None, None
        db.session.flush()
    if team.leader_id:
        notify(team.leader_id, "team.application", f"{user.name} 申请加入{team.name}",
               row.note, f"/teams/{team.id}")
    return row


def can_decide(actor, team: Team) -> bool:
    return policy.is_own(actor, team.leader_id) or policy.can(actor, "teams.manage", team.zone)


def decide(actor, member: TeamMember, *, approve: bool, note: str = "") -> TeamMember:
    """The leader, or staff over the team's zone, approves or turns down an application."""
    team = member.team
    if not can_decide(actor, team):
        raise policy.NotAllowed()
    member = _lock(member.id)
    if member.status != "pending":
        raise DomainError("not_pending", _l("这条申请已经处理过了。"))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError("needs_reason", _l("不通过时请写明原因。"), 400)
    member.status = "active" if approve else "rejected"
    member.decision_note, member.decided_by_id, member.decided_dt = note[:200], actor.id, utcnow()
    db.session.flush()
    if approve:
        notify(member.user_id, "team.approved", f"欢迎加入{team.name}",
               "现在可以报名本队伍的专属班次了。", f"/teams/{team.id}")
    else:
        notify(member.user_id, "team.rejected", f"{team.name}暂未通过您的申请",
               f"原因：{note}", f"/teams/{team.id}")
    return member


def leave(user, team: Team) -> TeamMember:
    if team.leader_id == user.id:
        raise DomainError("leader_cannot_leave", _l("队长不能直接退出，请先请社区更换队长。"))
    row = db.session.scalar(select(TeamMember).where(
        TeamMember.team_id == team.id, TeamMember.user_id == user.id))
    if row is None or row.status not in ("active", "pending"):
        raise DomainError("not_member", _l("您不在这支队伍里。"))
    row.status = "left"
    db.session.flush()
    return row


def remove_member(actor, member: TeamMember, reason: str) -> TeamMember:
    team = member.team
    if not can_decide(actor, team):
        raise policy.NotAllowed()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明原因。"), 400)
    if member.user_id == team.leader_id:
        raise DomainError("leader_cannot_leave", _l("不能移出队长。"))
    if member.status != "active":
        raise DomainError("not_member", _l("此人不是在队队员。"))
    member.status, member.decision_note = "left", reason[:200]
    member.decided_by_id, member.decided_dt = actor.id, utcnow()
    db.session.flush()
    notify(member.user_id, "team.removed", f"您已离开{team.name}", f"原因：{reason}",
           f"/teams/{team.id}")
    audit.record(actor, "team.remove_member", member, f"将 {member.user.name} 移出{team.name}："
                 f"{reason}", team.zone)
    return member


def member_team_ids(user_id: int) -> set[int]:
    return set(db.session.scalars(select(TeamMember.team_id).where(
        TeamMember.user_id == user_id, TeamMember.status == "active")))
