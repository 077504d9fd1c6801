"""Each community's backing rule: a number of residents, or one fifth of its known households
(as for calling a 居民会议); the portal's default where a community has set none."""

from datetime import date

from flask import current_app
from sqlalchemy import select

from portal.conventions import services as conventions
from portal.council import services, topics
from portal.council.models import CouncilSetting
from portal.extensions import db
from tests.conftest import once
from tests.helpers import code_of


def test_the_default_then_a_number_then_a_fifth_of_households(make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    assert services.backing_threshold(tree.xinan) == current_app.config[
        "COUNCIL_BACKING_THRESHOLD"]
    services.save_setting(admin, tree.xinan, threshold=3, households_fifth=False)
    topic = topics.propose(make_user(), title="楼道灯坏了", problem="三楼的灯不亮。")
    assert topic.threshold == 3
    for room in ("101", "102", "103", "104", "105", "106"):  # 6 households: a fifth is 2
        conventions.join_household(make_user(), tree.xinan_building, "1", room)
    services.save_setting(admin, tree.xinan, threshold=None, households_fifth=True)
    assert services.backing_threshold(tree.xinan) == 2
    assert topic.threshold == 3  # a topic keeps the rule it was raised under
    assert services.backing_threshold(tree.dongmei) == current_app.config[
        "COUNCIL_BACKING_THRESHOLD"]  # another community keeps the default
    assert db.session.scalar(select(CouncilSetting.backing_threshold)) == 3


def test_only_the_communitys_admin_sets_it_and_within_bounds(make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    for bad in (0, 10001, None, "20"):
        assert code_of(services.save_setting, admin, tree.xinan, threshold=bad,
                       households_fifth=False) == "bad_threshold"
    assert code_of(services.save_setting, make_user("coordinator", zone=tree.xinan),
                   tree.xinan, threshold=5, households_fifth=False) == "forbidden"
    assert code_of(services.save_setting, admin, tree.dongmei, threshold=5,
                   households_fifth=False) == "forbidden"


def test_the_bodies_page_sets_the_rule(client, auth, make_user, tree):
    auth.login(make_user("admin", zone=tree.xinan))
    url = f"/staff/council/settings?community={tree.xinan.code}"
    bad = client.post(url, data={"threshold": "abc", **once()})
    assert bad.status_code == 400 and "请填 1 到 10000 之间的整数" in bad.get_data(as_text=True)
    assert db.session.scalar(select(CouncilSetting.id)) is None
    answer = client.post(url, data={"threshold": "8", **once()})
    assert answer.status_code == 302
    page = client.get(f"/staff/council/bodies?community={tree.xinan.code}")
    assert "联署满 8 人" in page.get_data(as_text=True)


def test_under_the_one_fifth_rule_a_household_backs_once(make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    raiser = make_user()
    neighbours = [make_user() for _ in range(3)]
    conventions.join_household(neighbours[0], tree.xinan_building, "1", "201")
    conventions.join_household(neighbours[1], tree.xinan_building, "1", "201")  # same flat
    for room in ("301", "302", "303", "304", "305", "306", "307", "308"):
        conventions.join_household(make_user(), tree.xinan_building, "1", room)
    services.save_setting(admin, tree.xinan, threshold=None, households_fifth=True)
    topic = topics.propose(raiser, title="加装电梯", problem="老楼没有电梯。")
    assert (topic.threshold, topic.by_household) == (2, True)  # 9 households: a fifth is 2
    assert topics.back(neighbours[0], topic) is True
    assert topics.back(neighbours[0], topic) is False  # once each, as always
    assert code_of(topics.back, neighbours[1], topic) == "household_backed"
    assert code_of(topics.back, neighbours[2], topic) == "no_household"
    assert topic.backers == 1 and topic.status == "backing"


def test_a_representative_may_stand_for_a_group_of_households(make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    body = services.save_body(admin, None, community=tree.xinan, name="居民代表会议")
    member = services.add_member(admin, body, make_user(), zone=tree.xinan_building,
                                 term_start=date(2026, 1, 1), households=12)
    assert member.households == 12
    for bad in (0, 501, "12"):
        assert code_of(services.add_member, admin, body, make_user(), zone=tree.xinan_building,
                       term_start=date(2026, 1, 1), households=bad) == "bad_households"


def test_the_body_page_adds_a_member_for_a_group_of_households(client, auth, make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    body = services.save_body(admin, None, community=tree.xinan, name="居民代表会议")
    person = make_user(name="联户代表老周")
    db.session.commit()
    auth.login(admin)
    answer = client.post(f"/staff/council/bodies/{body.id}/members", data={
        **once(), "phone": person.phone, "zone": str(tree.xinan_building.id),
        "term_start": "2026-01-01", "households": "12"}, follow_redirects=True)
    assert "联户代表老周" in answer.get_data(as_text=True)
    assert "代表 12 户" in answer.get_data(as_text=True)
