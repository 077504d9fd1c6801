"""Staff pages: query counts stay flat as rows grow; review and role flows through the UI."""

from sqlalchemy import select

from portal.accounts.models import PartyMembership, User
from portal.extensions import db
from tests.conftest import once


def _count_page(client, count_queries, url):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_user_list_query_count_does_not_grow_with_rows(client, auth, make_user, tree,
                                                       count_queries):
    admin = make_user("admin", zone=tree.street)
    auth.login(admin)
    make_user(home=tree.xinan_building, party="verified")
    few = _count_page(client, count_queries, "/staff/users")
    for i in range(25):
        home = tree.xinan_building if i % 2 else tree.dongmei_building
        make_user(home=home, party="pending" if i % 3 else None,
                  role="clerk" if i % 5 == 0 else None, zone=tree.xinan)
    many = _count_page(client, count_queries, "/staff/users")
    assert many == few


def test_party_queue_and_audit_query_counts_are_flat(client, auth, make_user, tree,
                                                     count_queries):
    admin = make_user("admin", zone=tree.street)
    auth.login(admin)
    make_user(party="pending")
    queue_few = _count_page(client, count_queries, "/staff/party")
    audit_few = _count_page(client, count_queries, "/staff/audit")
    for _ in range(15):
        user = make_user(party="pending")
        client.post(f"/staff/users/{user.id}/password", data={"password": "another-pass1"})
    assert _count_page(client, count_queries, "/staff/party") == queue_few
    assert _count_page(client, count_queries, "/staff/audit") == audit_few


def test_admin_verifies_party_member_from_the_queue(client, auth, make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    member = make_user(party="pending", name="李建国")
    auth.login(admin)
    assert "李建国" in client.get("/staff/party").get_data(as_text=True)
    membership_id = db.session.scalar(select(PartyMembership.id)
                                      .where(PartyMembership.user_id == member.id))
    response = client.post(f"/staff/party/{membership_id}/review",
                           data={**once(), "decision": "reject", "note": ""},
                           follow_redirects=True)
    assert "退回时请写明原因" in response.get_data(as_text=True)
    client.post(f"/staff/party/{membership_id}/review", data={**once(), "decision": "approve"})
    db.session.expire_all()
    assert db.session.get(User, member.id).is_verified_party_member


def test_admin_grants_and_revokes_a_role(client, auth, make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    target = make_user()
    auth.login(admin)
    client.post(f"/staff/users/{target.id}/roles", data={"role": "clerk",
                                                         "zone": tree.xinan.id})
    db.session.expire_all()
    target = db.session.get(User, target.id)
    assert [(g.role, g.zone_id) for g in target.grants] == [("clerk", tree.xinan.id)]
    client.post(f"/staff/users/{target.id}/roles/{target.grants[0].id}/revoke")
    db.session.expire_all()
    assert db.session.get(User, target.id).grants == []


def test_granting_superadmin_as_admin_is_refused(client, auth, make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    target = make_user()
    auth.login(admin)
    response = client.post(f"/staff/users/{target.id}/roles", data={"role": "superadmin",
                                                                    "zone": tree.xinan.id})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).grants == []


def test_staff_reset_password_then_resident_logs_in(client, auth, make_user, tree):
    coordinator = make_user("coordinator", zone=tree.xinan)
    resident = make_user()
    auth.login(coordinator)
    client.post(f"/staff/users/{resident.id}/password", data={"password": "brand-new-1"})
    auth.logout()
    assert auth.login(resident, "brand-new-1").status_code == 302


def test_zone_admin_pages_create_move_retire(client, auth, make_user, tree):
    admin = make_user("admin", zone=tree.street)
    auth.login(admin)
    response = client.post(f"/staff/zones/new?parent={tree.xinan.id}",
                           data={"name": "锦绣花园网格", "code": "dc-xa-03", "kind": "grid"})
    assert response.status_code == 302
    html = client.get("/staff/zones/").get_data(as_text=True)
    assert "锦绣花园网格" in html and "DC-XA-03" in html
    response = client.post(f"/staff/zones/new?parent={tree.xinan.id}",
                           data={"name": "重复", "code": "DC-XA-03", "kind": "grid"})
    assert "已被使用" in response.get_data(as_text=True)
    make_user(home=tree.xinan_building)
    response = client.post(f"/staff/zones/{tree.xinan_grid.id}/remove", follow_redirects=True)
    assert "已停用" in response.get_data(as_text=True)
