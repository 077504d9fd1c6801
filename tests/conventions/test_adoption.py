"""Adopting a convention "by vote" cites a passed vote of its own community that no other
adoption cites; the staff page and the A4 print name the meeting and the topic (review 20,
S5)."""

from datetime import date, timedelta

from sqlalchemy import select

from portal.conventions import services
from portal.conventions.models import ConventionVersion
from portal.council import meetings, topics
from portal.council import services as council
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import once
from tests.helpers import code_of

ITEMS = [{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"}]


def passed_item(admin, make_user, community, building, title, *, passed=True):
    reviewer = make_user("admin", zone=community, home=building)
    body = council.save_body(admin, None, community=community, name=f"议事会{title[:4]}")
    members = [council.add_member(admin, body, make_user(home=building), zone=building,
                                  term_start=utcnow().date() - timedelta(days=30))
               for _ in range(3)]
    topic = topics.raise_directly(admin, community, source="staff", title=title,
                                  problem="居民反映的问题。")
    topics.review(reviewer, topic, "accept")
    meeting = meetings.schedule(admin, body, title="居民议事会例会",
                                start_dt=utcnow() + timedelta(minutes=30), place="党群服务中心",
                                topics=[topic])
    [item] = meeting.items
    for member in members:
        meetings.attend(member.user, meeting, member)
    meetings.open_vote(admin, item)
    for member in members:
        meetings.cast(member.user, item, "yes" if passed else "no")
    meetings.close_vote(admin, item)
    db.session.commit()
    return item


def _draft(admin, tree, title="居民公约"):
    convention = services.create(admin, tree.xinan, title=title, preamble="", items=ITEMS)
    db.session.commit()
    return convention.versions[0]


def test_one_vote_adopts_one_convention(admin, make_user, tree):
    item = passed_item(admin, make_user, tree.xinan, tree.xinan_building, "订立居民公约")
    first, second = _draft(admin, tree), _draft(admin, tree, "养犬公约")
    services.adopt(admin, first, on=date(2026, 11, 20), item=item)
    db.session.commit()
    assert code_of(services.adopt, admin, second, on=date(2026, 11, 20), item=item) == \
        "item_used"
    assert db.session.get(ConventionVersion, second.id).adopted_on is None
    amended = services.amend(admin, first.convention, preamble="", items=ITEMS * 2)
    db.session.commit()
    assert code_of(services.adopt, admin, amended, on=date(2026, 12, 1), item=item) == \
        "item_used"  # a later version needs its own vote (or a 居民会议)


def test_a_failed_or_other_communitys_vote_adopts_nothing(admin, make_user, tree):
    failed = passed_item(admin, make_user, tree.xinan, tree.xinan_building, "订立居民公约",
                         passed=False)
    version = _draft(admin, tree)
    assert code_of(services.adopt, admin, version, on=date(2026, 11, 20), item=failed) == \
        "not_passed"
    theirs = passed_item(make_user("admin", zone=tree.dongmei), make_user, tree.dongmei,
                         tree.dongmei_building, "东梅停车公约")
    assert code_of(services.adopt, admin, version, on=date(2026, 11, 20), item=theirs) == \
        "other_community"


def test_staff_page_and_print_name_the_vote(client, auth, admin, make_user, tree):
    item = passed_item(admin, make_user, tree.xinan, tree.xinan_building, "订立居民公约")
    used = passed_item(admin, make_user, tree.xinan, tree.xinan_building, "订立停车公约")
    services.adopt(admin, _draft(admin, tree, "停车公约"), on=date(2026, 11, 1), item=used)
    version = _draft(admin, tree)
    db.session.commit()
    auth.login(admin)
    url = f"/staff/conventions/{version.convention_id}"
    page = client.get(url).get_data(as_text=True)
    assert "订立居民公约" in page and "订立停车公约" not in page  # a used vote is not offered
    response = client.post(f"{url}/versions/{version.id}/adopt",
                           data={"how": "vote", "item": str(used.id), **once()},
                           follow_redirects=True)
    assert "请选择已表决通过的议题" in response.get_data(as_text=True)
    client.post(f"{url}/versions/{version.id}/adopt",
                data={"how": "vote", "item": str(item.id), **once()})
    db.session.expire_all()
    assert db.session.scalar(select(ConventionVersion.agenda_item_id).where(
        ConventionVersion.id == version.id)) == item.id
    said = "依据 居民议事会例会 议题“订立居民公约”表决通过"
    assert said in client.get(url).get_data(as_text=True)
    assert said in client.get(f"{url}/print").get_data(as_text=True)
