"""Account rules: registration, passwords, staff-created accounts, roles, party review."""

import pytest
from sqlalchemy import func, select

from portal.accounts import party, services
from portal.accounts.models import PartyMembership, RoleGrant, User
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.extensions import db


def user_count():
    return db.session.scalar(select(func.count(User.id)))


def test_register_normalises_phone_and_hashes_password(tree):
    user = services.register(phone="+86 139-1234-5678", password="secret123", name=" 王秀英 ",
                             home_zone=tree.xinan_building)
    db.session.commit()
    assert user.phone == "13912345678"
    assert user.name == "王秀英"
    assert user.password_hash.startswith("scrypt:")
    assert "secret123" not in user.password_hash


@pytest.mark.parametrize(
    "phone, password, name, zone_attr, code",
    [
        ("12345", "secret123", "王秀英", "xinan_building", "bad_phone"),
        ("23912345678", "secret123", "王秀英", "xinan_building", "bad_phone"),
        ("1391234567a", "secret123", "王秀英", "xinan_building", "bad_phone"),
        ("13912345678", "short", "王秀英", "xinan_building", "weak_password"),
        ("13912345678", "x" * 129, "王秀英", "xinan_building", "long_password"),
        ("13912345678", "secret123", "王", "xinan_building", "bad_name"),
        ("13912345678", "secret123", "王秀英", "xinan", "bad_zone"),
        ("13912345678", "secret123", "王秀英", None, "bad_zone"),
    ],
)
def test_bad_registration_is_refused_and_changes_nothing(app, tree, phone, password, name,
                                                         zone_attr, code):
    before = user_count()
    with pytest.raises(DomainError) as error:
        services.register(phone=phone, password=password, name=name,
                          home_zone=getattr(tree, zone_attr) if zone_attr else None)
    db.session.rollback()
    assert error.value.code == code
    with app.test_request_context():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error.value.message))
    assert user_count() == before


def test_phone_registers_once(tree):
    services.register(phone="13912345678", password="secret123", name="王秀英",
                      home_zone=tree.xinan_building)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        services.register(phone="139 1234 5678", password="secret123", name="王秀英",
                          home_zone=tree.xinan_building)
    assert error.value.code == "phone_taken"


def test_retired_zone_cannot_be_a_new_home(tree):
    tree.xinan_building.is_retired = True
    db.session.commit()
    with pytest.raises(DomainError) as error:
        services.register(phone="13912345678", password="secret123", name="王秀英",
                          home_zone=tree.xinan_building)
    assert error.value.code == "bad_zone"


def test_authenticate(tree, make_user):
    user = make_user()
    assert services.authenticate(user.phone, "password123") == user
    assert services.authenticate(user.phone, "wrong-password") is None
    assert services.authenticate("13900009999", "password123") is None
    user.is_active_account = False
    db.session.commit()
    assert services.authenticate(user.phone, "password123") is None


def test_change_password_logs_out_other_sessions(make_user):
    user = make_user()
    version = user.session_version
    with pytest.raises(DomainError) as error:
        services.change_password(user, current="nope", new="newsecret1")
    assert error.value.code == "wrong_password"
    services.change_password(user, current="password123", new="newsecret1")
    db.session.commit()
    assert user.session_version == version + 1
    assert services.authenticate(user.phone, "newsecret1") == user


def test_staff_create_account_for_resident_records_who_acted(tree, make_user):
    clerk = make_user("clerk", zone=tree.xinan)
    resident = services.create_for_resident(clerk, phone="13912345678", password="first-pass1",
                                            name="赵桂兰", home_zone=tree.xinan_building)
    db.session.commit()
    assert resident.created_by_id == clerk.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == resident.id,
                                                       AuditEvent.subject_type == "users"))
    assert event.actor_id == clerk.id and event.action == "user.create_for_resident"


def test_staff_cannot_create_account_outside_their_zones(tree, make_user):
    coordinator = make_user("coordinator", zone=tree.xinan)
    with pytest.raises(DomainError) as error:
        services.create_for_resident(coordinator, phone="13912345678", password="first-pass1",
                                     name="周敏", home_zone=tree.dongmei_building)
    assert error.value.code == "forbidden"
    resident = make_user()
    with pytest.raises(DomainError):
        services.create_for_resident(resident, phone="13912345679", password="first-pass1",
                                     name="周敏", home_zone=tree.xinan_building)


def test_admin_grants_roles_inside_scope_only(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    target = make_user()
    grant = services.grant_role(admin, target, "coordinator", tree.xinan_grid)
    again = services.grant_role(admin, target, "coordinator", tree.xinan_grid)
    db.session.commit()
    assert grant is again
    assert db.session.scalar(select(func.count(RoleGrant.id))
                             .where(RoleGrant.user_id == target.id)) == 1
    for role, zone in [("clerk", tree.dongmei), ("superadmin", None), ("admin", tree.street)]:
        with pytest.raises(DomainError) as error:
            services.grant_role(admin, target, role, zone)
        assert error.value.code == "forbidden"


def test_grant_needs_a_zone_and_a_real_role(tree, make_user):
    boss = make_user("superadmin")
    target = make_user()
    with pytest.raises(DomainError) as error:
        services.grant_role(boss, target, "clerk", None)
    assert error.value.code == "needs_zone"
    with pytest.raises(DomainError) as error:
        services.grant_role(boss, target, "king", tree.xinan)
    assert error.value.code == "bad_role"


def test_admin_cannot_revoke_own_admin_role(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    with pytest.raises(DomainError) as error:
        services.revoke_role(admin, admin.grants[0])
    assert error.value.code == "self_revoke"


def test_revoke_removes_the_grant(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    clerk = make_user("clerk", zone=tree.xinan)
    services.revoke_role(admin, clerk.grants[0])
    db.session.commit()
    assert db.session.get(User, clerk.id).grants == []


def test_party_declaration_and_review(tree, make_user):
    resident = make_user()
    admin = make_user("admin", zone=tree.xinan)
    membership = party.declare_party_membership(
        resident, work_unit="东川区税务局", branch="第二党支部", skills="懂税法",
        service_posts=["政策宣传", "助老助残"])
    db.session.commit()
    assert membership.status == "pending" and not resident.is_verified_party_member
    with pytest.raises(DomainError) as error:
        party.review_party_membership(admin, membership, approve=False, note="")
    assert error.value.code == "needs_reason"
    party.review_party_membership(admin, membership, approve=False, note="支部名称不完整")
    db.session.commit()
    assert membership.status == "rejected" and membership.review_note == "支部名称不完整"
    # the resident fixes it and declares again
    party.declare_party_membership(resident, work_unit="东川区税务局",
                                      branch="东川区税务局第二党支部", skills="",
                                      service_posts=[])
    party.review_party_membership(admin, membership, approve=True)
    db.session.commit()
    assert db.session.get(User, resident.id).is_verified_party_member
    with pytest.raises(DomainError) as error:
        party.review_party_membership(admin, membership, approve=True)
    assert error.value.code == "not_pending"
    with pytest.raises(DomainError) as error:
        party.declare_party_membership(resident, work_unit="x", branch="y", skills="",
                                          service_posts=[])
    assert error.value.code == "already_verified"


def test_party_review_is_scoped(tree, make_user):
    resident = make_user(home=tree.dongmei_building, party="pending")
    admin = make_user("admin", zone=tree.xinan)
    coordinator = make_user("coordinator", zone=tree.dongmei)
    membership = db.session.scalar(select(PartyMembership).where(
        PartyMembership.user_id == resident.id))
    for actor in (admin, coordinator):
        with pytest.raises(DomainError) as error:
            party.review_party_membership(actor, membership, approve=True)
        assert error.value.code == "forbidden"


@pytest.mark.parametrize("field, value, code", [
    ("work_unit", "", "bad_work_unit"),
    ("branch", "   ", "bad_branch"),
    ("service_posts", ["打麻将"], "bad_post"),
])
def test_bad_party_declaration(make_user, field, value, code):
    resident = make_user()
    data = dict(work_unit="单位", branch="支部", skills="", service_posts=[])
    data[field] = value
    with pytest.raises(DomainError) as error:
        party.declare_party_membership(resident, **data)
    assert error.value.code == code


def test_deactivate_is_scoped_and_not_for_self(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    resident = make_user()
    outsider = make_user(home=tree.dongmei_building)
    services.set_active(admin, resident, False)
    assert not resident.is_active
    with pytest.raises(DomainError):
        services.set_active(admin, outsider, False)
    with pytest.raises(DomainError) as error:
        services.set_active(admin, admin, False)
    assert error.value.code == "self_deactivate"
