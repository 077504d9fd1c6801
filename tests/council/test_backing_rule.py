"""Each community's backing rule: a number of residents, or one fifth of its known households
(as for calling a 居民会议); the portal's default where a community has set none."""

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
