"""微议事's bodies and their representatives, and each community's backing rule for topics: a
community's admin keeps them. Flushes, never commits: the request (or the command) commits
once."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import audit, policy
from portal.accounts.models import User
from portal.conventions.models import Household, HouseholdMember
from portal.council.models import Body, BodyMember, CouncilSetting
from portal.council.rules import PASS_RULES, QUORUM_RULES
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from portal.zones.models import Zone

#: the bodies a community starts with (seed 004's 五会 and the 居委会组织法's 居民代表会议)
DEFAULT_BODIES = ("居民代表会议", "居民议事会", "党群联席会")
#: a representative's term, at most (a 居委会's term is five years)
MAX_TERM_YEARS = 5


def seed_bodies(community: Zone) -> int:
    """Add the default bodies a community lacks; returns how many were added."""
    have = set(db.session.scalars(select(Body.name).where(Body.community_id == community.id)))
    added = [Body(community_id=community.id, name=name) for name in DEFAULT_BODIES
             if name not in have]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


def save_body(actor, body: Body | None, *, community: Zone | None, name: str,
              quorum_rule: str = "majority", pass_rule: str = "two_thirds",
              roll_call: bool = False, is_active: bool = True) -> Body:
    community = body.community if body is not None else community
    if community is None or community.kind != "community":
        raise DomainError("bad_zone", _l("请选择社区。"), 400)
    policy.check(actor, "council.bodies", community)
    name = (name or "").strip()
    if not 2 <= len(name) <= 30:
        raise DomainError("bad_name", _l("议事机构名称 2 到 30 个字。"), 400)
    if quorum_rule not in QUORUM_RULES or pass_rule not in PASS_RULES:
        raise DomainError("bad_rule", _l("请选择开会人数和表决通过的规则。"), 400)
    taken = db.session.scalar(select(Body.id).where(Body.community_id == community.id,
                                                    Body.name == name))
    if taken is not None and (body is None or taken != body.id):
        raise DomainError("name_taken", _l("本社区已经有同名的议事机构了。"), 400)
    if body is not None and (body.quorum_rule, body.pass_rule, body.roll_call) != (
            quorum_rule, pass_rule, bool(roll_call)) and _voting(body):
        raise DomainError("voting_open", _l("表决进行中，不能修改表决规则。"))
    if body is None:
        body = Body(community_id=community.id)
        db.session.add(body)
    body.name, body.quorum_rule, body.pass_rule = name, quorum_rule, pass_rule
    body.roll_call, body.is_active = bool(roll_call), bool(is_active)
    db.session.flush()
    rules = f"{'三分之二以上' if pass_rule == 'two_thirds' else '过半数'}通过" + \
        ("，记名表决" if body.roll_call else "")
    audit.record(actor, "council.body", body, f"保存议事机构“{name}”：{rules}", community)
    return body


def _voting(body: Body) -> bool:
    from portal.council.meeting_models import AgendaItem, Meeting

    return db.session.scalar(select(AgendaItem.id).join(Meeting).where(
        Meeting.body_id == body.id, AgendaItem.vote == "open").limit(1)) is not None


def add_member(actor, body: Body, person: User | None, *, zone: Zone | None,
               term_start: date, term_end: date | None = None,
               households: int | None = None) -> BodyMember:
    """Add a representative for a grid or building, or give a member a new term."""
    community = body.community
    policy.check(actor, "council.bodies", community)
    if person is None or not person.is_active_account or person.home_zone is None \
            or not community.contains(person.home_zone):
        raise DomainError("not_resident", _l("代表须是本社区的居民（请先为其开户）。"), 400)
    if zone is None or zone.kind not in ("grid", "building") or not community.contains(zone):
        raise DomainError("bad_zone", _l("请选择代表所代表的本社区网格或楼栋。"), 400)
    if not isinstance(term_start, date) or (term_end is not None and (
            not isinstance(term_end, date) or term_end < term_start
            or term_end > term_start + timedelta(days=366 * MAX_TERM_YEARS))):
        raise DomainError("bad_term", _l("任期结束日期要在开始之后，最长五年。"), 400)
    if households is not None and (not isinstance(households, int)
                                   or not 1 <= households <= 500):
        raise DomainError("bad_households", _l("联户代表所代表的户数请填 1 到 500。"), 400)
    member = db.session.scalar(select(BodyMember).where(BodyMember.body_id == body.id,
                                                        BodyMember.user_id == person.id))
    if member is None:
        member = BodyMember(body_id=body.id, user_id=person.id, added_by_id=actor.id)
        db.session.add(member)
    member.zone_id, member.term_start, member.term_end = zone.id, term_start, term_end
    member.households = households
    db.session.flush()
    audit.record(actor, "council.member", member,
                 f"{person.name} 任“{body.name}”代表（{zone.name}）", community)
    return member


def end_term(actor, member: BodyMember, day: date) -> BodyMember:
    policy.check(actor, "council.bodies", member.body.community)
    if not isinstance(day, date) or day < member.term_start:
        raise DomainError("bad_term", _l("任期结束日期要在开始之后。"), 400)
    member.term_end = day
    db.session.flush()
    audit.record(actor, "council.member_end", member,
                 f"{member.user.name} 的“{member.body.name}”代表任期结束", member.body.community)
    return member


def serving(body: Body, day: date) -> list[BodyMember]:
    """The members serving on `day`: those a quorum and a vote are counted against."""
    return list(db.session.scalars(
        select(BodyMember).where(BodyMember.body_id == body.id, BodyMember.term_start <= day,
                                 (BodyMember.term_end.is_(None)) | (BodyMember.term_end >= day))
        .order_by(BodyMember.id)))


def setting_of(community: Zone) -> CouncilSetting | None:
    return db.session.scalar(select(CouncilSetting).where(
        CouncilSetting.community_id == community.id))


def backing_threshold(community: Zone) -> int:
    return backing_rule(community)[0]


def backing_rule(community: Zone) -> tuple[int, bool]:
    """How many backers take a resident's topic to the party branch in `community`, and
    whether they count by household: its own number of residents, or one fifth of its known
    households (rounded up, at least 1; one backer per household), or the portal's
    COUNCIL_BACKING_THRESHOLD (0: straight to review)."""
    setting = setting_of(community)
    if setting is None:
        return max(int(current_app.config["COUNCIL_BACKING_THRESHOLD"]), 0), False
    if setting.households_fifth:
        known = db.session.scalar(
            select(func.count(func.distinct(Household.id)))
            .join(HouseholdMember, HouseholdMember.household_id == Household.id)
            .join(Zone, Zone.id == Household.building_id)
            .where(Zone.path.startswith(community.path, autoescape=True)))
        return max(-(-known // 5), 1), True
    return setting.backing_threshold, False


def save_setting(actor, community: Zone, *, threshold, households_fifth: bool) -> CouncilSetting:
    """The community's admin sets its backing rule; topics already collecting keep theirs."""
    policy.check(actor, "council.bodies", community)
    if not households_fifth and (not isinstance(threshold, int) or not 1 <= threshold <= 10000):
        raise DomainError("bad_threshold", _l("联署人数请填 1 到 10000。"), 400)
    setting = setting_of(community)
    if setting is None:
        setting = CouncilSetting(community_id=community.id, updated_by_id=actor.id)
        db.session.add(setting)
    if not households_fifth:
        setting.backing_threshold = threshold
    setting.households_fifth = bool(households_fifth)
    setting.updated_by_id, setting.updated_dt = actor.id, utcnow()
    db.session.flush()
    rule = "已知户数的五分之一" if households_fifth else f"{setting.backing_threshold} 人"
    audit.record(actor, "council.setting", community, f"议题联署门槛改为{rule}", community)
    return setting
