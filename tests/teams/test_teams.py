"""Teams: staff create, residents apply, the leader approves; pages and concurrency."""

import pytest
from sqlalchemy import func, select

from portal.errors import NotAllowed
from portal.extensions import db
from portal.inbox.models import Message
from portal.teams import services
from portal.teams.models import Team, TeamMember
from tests.conftest import pg_only, run_concurrently
from tests.helpers import code_of


@pytest.fixture
def team(coordinator, make_user, tree):
    leader = make_user(name="李建国")
    result = services.create_team(coordinator, name="七色花志愿服务队", zone=tree.xinan,
                                  leader=leader, description="送服务进市场、进摊位")
    db.session.commit()
    return result


def test_the_leader_is_a_member_and_names_are_unique(team, coordinator, tree):
    assert services.member_team_ids(team.leader_id) == {team.id}
    assert code_of(services.create_team, coordinator, name="七色花志愿服务队",
                   zone=tree.xinan) == "name_taken"
    assert code_of(services.create_team, coordinator, name="x", zone=tree.xinan) == "bad_name"


def test_staff_outside_the_zone_cannot_create(make_user, tree):
    with pytest.raises(NotAllowed):
        services.create_team(make_user("coordinator", zone=tree.dongmei), name="东梅巡逻队",
                             zone=tree.xinan)


def test_apply_approve_and_the_leader_is_told(team, make_user):
    resident = make_user(name="王秀英")
    row = services.apply(resident, team, "周六上午有空")
    assert services.apply(resident, team).id == row.id  # twice: no change
    db.session.commit()
    leader_messages = db.session.scalars(select(Message.title).where(
        Message.user_id == team.leader_id)).all()
    assert any("王秀英 申请加入" in t for t in leader_messages)
    services.decide(team.leader, row, approve=True)
    db.session.commit()
    assert services.member_team_ids(resident.id) == {team.id}
    assert code_of(services.decide, team.leader, row, approve=True) == "not_pending"
    assert code_of(services.apply, resident, team) == "already_member"


def test_rejection_needs_a_reason_and_a_rejected_resident_may_reapply(team, make_user):
    resident = make_user()
    row = services.apply(resident, team)
    db.session.commit()
    assert code_of(services.decide, team.leader, row, approve=False) == "needs_reason"
    services.decide(team.leader, row, approve=False, note="队伍满员")
    db.session.commit()
    assert services.apply(resident, team).status == "pending"


def test_a_resident_cannot_approve(team, make_user):
    row = services.apply(make_user(), team)
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.decide(make_user(), row, approve=True)


def test_the_leader_cannot_leave(team):
    assert code_of(services.leave, team.leader, team) == "leader_cannot_leave"


def test_team_pages(client, auth, team, make_user, count_queries):
    resident = make_user(name="赵桂兰")
    auth.login(resident)
    html = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "申请加入" in html and team.leader.phone not in html and "李**" in html
    client.post(f"/teams/{team.id}/apply", data={"note": "会理发"})
    row = db.session.scalar(select(TeamMember).where(TeamMember.user_id == resident.id))
    assert row.status == "pending"
    # Another resident posting a decision is refused, and nothing changes.
    auth.logout()
    auth.login(make_user())
    assert client.post(f"/teams/members/{row.id}/decide",
                       data={"decision": "approve"}).status_code == 403
    db.session.refresh(row)
    assert row.status == "pending"
    # The leader sees the phone number and approves.
    auth.logout()
    auth.login(team.leader)
    html = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert resident.phone in html and "会理发" in html
    client.post(f"/teams/members/{row.id}/decide", data={"decision": "approve"})
    db.session.refresh(row)
    assert row.status == "active"


def test_team_list_query_count_does_not_grow(client, auth, team, coordinator, make_user, tree,
                                             count_queries):
    auth.login(make_user())
    with count_queries() as few:
        client.get("/teams/")
    for i in range(6):
        other = services.create_team(coordinator, name=f"桥头市场巡逻队{i}", zone=tree.xinan,
                                     leader=make_user())
        services.apply(make_user(), other)
    db.session.commit()
    with count_queries() as many:
        html = client.get("/teams/").get_data(as_text=True)
    assert html.count("桥头市场巡逻队") == 6
    assert many.count == few.count


@pg_only
def test_20_concurrent_applications_make_one_row(app, team, make_user):
    from portal.accounts.models import User

    resident_id, team_id = make_user().id, team.id
    results = run_concurrently(app, 20, lambda i: services.apply(
        db.session.get(User, resident_id), db.session.get(Team, team_id)).id)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count(TeamMember.id)).where(
        TeamMember.user_id == resident_id)) == 1


@pg_only
def test_concurrent_decisions_on_one_application_decide_once(app, team, coordinator, make_user):
    from portal.accounts.models import User

    row = services.apply(make_user(), team)
    db.session.commit()
    deciders = [team.leader_id, coordinator.id] * 5
    row_id = row.id
    results = run_concurrently(app, 10, lambda i: services.decide(
        db.session.get(User, deciders[i]), db.session.get(TeamMember, row_id),
        approve=True).status)
    assert results.count("active") == 1 and results.count("not_pending") == 9, results
