"""Rank: a staff action on a person reaches only someone of lower standing inside the actor's
scope. Every actor role × target role × action, from one table written by hand, then each
service checked to call the rule, and the two takeovers the penetration test found."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from portal import policy
from portal.accounts import moves, services
from portal.accounts.models import RoleGrant, User
from portal.cases import services as cases
from portal.cases.models import CaseCategory
from portal.certificates import services as certificates
from portal.certificates.records import Period
from portal.errors import NotAllowed
from portal.extensions import db
from portal.members import cards
from portal.points import hours
from portal.shop import reservations
from portal.shop import services as shop_services
from portal.types import utcnow
from portal.web.formatting import mask_name
from portal.wishes import services as wishes
from tests.conftest import PASSWORD

#: every staff action on a person, listed by hand: an action added to policy without a row in
#: this file fails test_every_action_is_in_the_table
ACTIONS = ["act_for_wish", "cancel_reservation_for", "confirm_move", "counter_lookup",
           "file_case_for", "grant_role", "issue_card", "issue_certificate", "post_wish_for",
           "report_card_lost", "reset_password", "revoke_certificate", "revoke_role", "set_active"]
ALL = set(ACTIONS)
#: what a coordinator may do for a resident: reset a forgotten password, post and act on
#: wishes, file a matter after a door visit, issue a 志愿服务记录证明
COORDINATOR = {"reset_password", "post_wish_for", "act_for_wish", "file_case_for",
               "issue_certificate"}
#: what a clerk may do for a resident: passwords, member cards, the counter, reservations,
#: a 志愿服务记录证明
CLERK = {"reset_password", "issue_card", "report_card_lost", "counter_lookup",
         "cancel_reservation_for", "issue_certificate"}
NOTHING: set[str] = set()

ACTORS = ["resident", "coordinator", "clerk", "admin", "dongmei_admin", "superadmin"]
TARGETS = ["resident", "coordinator", "clerk", "admin", "superadmin", "dongmei_resident",
           "split_coordinator"]

#: (actor, target) -> the actions allowed. Roles are over 新安路社区 unless named 东梅; the
#: split coordinator lives in 新安 but coordinates in 东梅. Anything not listed is refused.
ALLOWED = {
    ("coordinator", "resident"): COORDINATOR,
    ("clerk", "resident"): CLERK,
    ("admin", "resident"): ALL,
    ("admin", "coordinator"): ALL,
    ("admin", "clerk"): ALL,
    ("dongmei_admin", "dongmei_resident"): ALL,
    **{("superadmin", target): ALL for target in TARGETS},
}


@pytest.fixture
def people(make_user, tree):
    xinan, dongmei = tree.xinan, tree.dongmei
    made = {
        "resident": make_user(name="王秀英"),
        "coordinator": make_user("coordinator", zone=xinan, name="陈志强"),
        "clerk": make_user("clerk", zone=xinan, name="林美华"),
        "admin": make_user("admin", zone=xinan, name="张丽"),
        "dongmei_admin": make_user("admin", zone=dongmei, home=tree.dongmei_building),
        # the street's superadmin lives in 新安: living somewhere gives nobody power over you
        "superadmin": make_user("superadmin", name="黄志永"),
        "dongmei_resident": make_user(home=tree.dongmei_building),
        "split_coordinator": make_user("coordinator", zone=dongmei),
    }
    made["other_superadmin"] = make_user("superadmin")
    return made


@pytest.mark.parametrize("actor", ACTORS)
def test_rank_table(people, actor):
    for target in TARGETS:
        person = people["other_superadmin" if (actor, target) == ("superadmin", "superadmin")
                        else target]
        allowed = {action for action in ACTIONS
                   if policy.may_act_on(people[actor], action, person)}
        assert allowed == ALLOWED.get((actor, target), NOTHING), (actor, target)


@pytest.mark.parametrize("actor", ACTORS)
def test_nobody_uses_a_staff_tool_on_themselves(people, actor):
    me = people[actor]
    assert not [a for a in ACTIONS if policy.may_act_on(me, a, me)]


def test_every_action_is_in_the_table():
    assert set(policy.ACTIONS_ON_PEOPLE) == ALL
    assert set(policy.ACTIONS_ON_PEOPLE.values()) <= set(policy.PERMISSIONS)


# ------------------------------------------------------------------ each service calls it


@pytest.fixture
def props(people, tree):
    """Something of the target's for each action: a card, a held reservation, a wish, a move."""

    def make(person):
        admin = people["superadmin"]
        card = cards.issue(admin, person)
        shop = shop_services.save_shop(admin, None, zone=tree.xinan, name="积分超市",
                                       open_days=list(range(7)), open_time=time(0),
                                       close_time=time(23, 59))
        good = shop_services.save_good(admin, shop, None, name="大米", category="粮油",
                                       price="1", monthly_limit=None, barcode="", low_stock=1)
        shop_services.restock(admin, good, 5, "入库")
        from portal.points import ledger

        ledger.earn(person.id, 50, source_type="award", source_id=person.id)
        booked = reservations.reserve(person, good, 1, key="k" * 22)
        wish = wishes.post_wish(person, person, title="想要一辆轮椅", description="",
                                kind="item", value_yuan=100,
                                deadline=utcnow().date() + timedelta(days=10))
        move = moves.request_move(person, tree.xinan_grid)
        hours.credit_hours(person.id, 120, source_type="import", source_id=person.id)
        certificate = certificates.request_own(person, Period("all"))
        db.session.commit()
        return {"card": card, "reservation": booked, "wish": wish, "move": move,
                "certificate": certificate}

    return make


def _do(action, actor, person, things):
    """Run the real service behind `action` for `actor` on `person`."""
    if action == "reset_password":
        return services.reset_password(actor, person, "a-new-password-1")
    if action == "set_active":
        return services.set_active(actor, person, False)
    if action == "grant_role":
        return services.grant_role(actor, person, "clerk", person.home_zone.parent.parent)
    if action == "revoke_role":
        return services.revoke_role(actor, person.grants[0])
    if action == "confirm_move":
        return moves.decide_move(actor, things["move"], approve=True)
    if action == "issue_card":
        return cards.issue(actor, person)
    if action == "report_card_lost":
        return cards.report_lost(actor, things["card"], "丢了")
    if action == "cancel_reservation_for":
        return reservations.cancel_for(actor, things["reservation"], "电话说不要了")
    if action == "post_wish_for":
        return wishes.post_wish(actor, person, title="代发的心愿", description="", kind="item",
                                value_yuan=10, deadline=utcnow().date() + timedelta(days=5))
    if action == "act_for_wish":
        return wishes.withdraw(actor, things["wish"], "不需要了")
    if action == "file_case_for":
        community = person.home_zone.parent.parent
        cases.seed_categories(community)
        category = db.session.scalar(select(CaseCategory).where(
            CaseCategory.community_id == community.id, CaseCategory.name == "房屋漏水"))
        return cases.file_case(actor, person, category=category, zone=person.home_zone,
                               title="楼顶漏水", source="visit")
    if action == "issue_certificate":
        return certificates.issue_for(actor, person, Period("all"))
    if action == "revoke_certificate":
        return certificates.revoke(actor, things["certificate"], "重复开具")
    raise AssertionError(action)


#: actions whose check lives in a service (counter_lookup is the counter page's, tested there)
SERVICE_ACTIONS = [a for a in ACTIONS if a != "counter_lookup"]


@pytest.mark.parametrize("action", SERVICE_ACTIONS)
def test_the_service_refuses_an_equal(people, props, tree, action):
    """An admin on another admin of the same community: refused, and nothing changes."""
    target = people["admin"]
    db.session.add(RoleGrant(user=target, role="clerk", zone=tree.xinan))  # for revoke_role
    db.session.commit()
    things = props(target)
    colleague = User(phone="13900009999", name="李红", password_hash="x",
                     home_zone=tree.xinan_building)
    db.session.add(colleague)
    db.session.add(RoleGrant(user=colleague, role="admin", zone=tree.xinan))
    db.session.commit()
    with pytest.raises(NotAllowed):
        _do(action, colleague, target, things)
    db.session.rollback()
    target = db.session.get(User, target.id)
    assert target.is_active_account and len(target.grants) == 2
    assert check_password_hash(target.password_hash, PASSWORD)


@pytest.mark.parametrize("action", SERVICE_ACTIONS)
def test_the_service_allows_a_higher_one(people, props, tree, action):
    """The superadmin on a coordinator: each service goes through."""
    target = people["coordinator"]
    things = props(target)
    _do(action, people["superadmin"], target, things)
    db.session.commit()


# ------------------------------------------------------------------ the findings, by HTTP


def test_a_clerk_cannot_reset_an_admins_password(client, auth, people):
    admin = people["admin"]
    auth.login(people["clerk"])
    response = client.post(f"/staff/users/{admin.id}/password",
                           data={"password": "taken-over-1"})
    assert response.status_code == 403
    assert "同级或更高级别" in response.get_data(as_text=True)
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, admin.id).password_hash, PASSWORD)
    auth.logout()
    assert auth.login(admin, "taken-over-1").status_code == 200  # the form again: refused


def test_the_detail_page_offers_no_reset_for_a_higher_account(client, auth, people):
    auth.login(people["clerk"])
    html = client.get(f"/staff/users/{people['admin'].id}").get_data(as_text=True)
    assert "/password" not in html and "同级或更高级别" in html


def test_the_superadmin_living_in_a_community_is_out_of_its_staffs_reach(client, auth, people,
                                                                         tree):
    boss = people["superadmin"]
    boss.home_zone = tree.dongmei_building
    db.session.commit()
    auth.login(people["dongmei_admin"])
    assert client.post(f"/staff/users/{boss.id}/active",
                       data={"active": "0"}).status_code == 403
    assert client.post(f"/staff/users/{boss.id}/password",
                       data={"password": "taken-over-1"}).status_code == 403
    db.session.expire_all()
    boss = db.session.get(User, boss.id)
    assert boss.is_active_account and check_password_hash(boss.password_hash, PASSWORD)


def test_an_admin_grants_only_lower_roles(people, tree):
    target = people["resident"]
    with pytest.raises(NotAllowed):
        services.grant_role(people["admin"], target, "admin", tree.xinan_grid)
    services.grant_role(people["superadmin"], target, "admin", tree.xinan_grid)
    db.session.commit()
    assert [g.role for g in target.grants] == ["admin"]


def test_the_counter_looks_up_only_residents_by_phone(client, auth, people, tree):
    admin = people["admin"]
    shop = shop_services.save_shop(people["superadmin"], None, zone=tree.xinan, name="积分超市",
                                   open_days=list(range(7)), open_time=time(0),
                                   close_time=time(23, 59))
    db.session.commit()
    auth.login(people["clerk"])
    html = client.post(f"/staff/shop/{shop.id}/counter/identify",
                       data={"phone": admin.phone, "reason": "没带手机"},
                       follow_redirects=True).get_data(as_text=True)
    assert "工作人员请出示会员码" in html and mask_name(admin.name) not in html
    html = client.post(f"/staff/shop/{shop.id}/counter/identify",
                       data={"phone": people["resident"].phone, "reason": "没带手机"},
                       follow_redirects=True).get_data(as_text=True)
    assert mask_name(people["resident"].name) in html and "工作人员请出示会员码" not in html
