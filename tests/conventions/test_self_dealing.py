"""Self-dealing and small refusals in 微公约 (review 20 nits): an admin does not appoint
themselves 劝导员, staff do not record their own household's paper signature, a phone typed
with +86 finds the volunteer, and a second appointment is a Chinese refusal, not a 500."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.conventions import persuasion, services
from portal.conventions.models import Signature
from portal.conventions.persuasion_models import Persuader
from portal.extensions import db
from portal.zones.models import Zone
from tests.conftest import once, pg_only, run_concurrently
from tests.helpers import code_of, text

ITEMS = [{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"}]


@pytest.fixture
def admin(make_user, tree):
    return make_user("admin", zone=tree.xinan, home=tree.xinan_building, name="张丽")


@pytest.fixture
def adopted(admin, tree):
    convention = services.create(admin, tree.xinan, title="居民公约", preamble="", items=ITEMS)
    version = convention.versions[0]
    services.adopt(admin, version, on=date(2026, 11, 20), minutes="居民会议通过。")
    db.session.commit()
    return version


def test_an_admin_does_not_appoint_themselves(admin, tree):
    from portal.errors import DomainError

    with pytest.raises(DomainError) as caught:
        persuasion.appoint(admin, tree.xinan, admin)
    assert caught.value.code == "self_dealing" and "另一位管理员" in text(caught.value.message)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Persuader.id))) == 0


def test_a_second_appointment_is_refused(admin, make_user, tree):
    volunteer = make_user(home=tree.xinan_building)
    persuasion.appoint(admin, tree.xinan, volunteer)
    db.session.commit()
    assert code_of(persuasion.appoint, admin, tree.xinan, volunteer) == "already_persuader"


def test_staff_do_not_record_their_own_households_paper(admin, make_user, tree, adopted):
    services.join_household(admin, tree.xinan_building, "1", "302")
    db.session.commit()
    own = services.household_of(admin)
    assert code_of(services.record_paper, admin, adopted, own, photo="sheet.jpg") == \
        "self_dealing"
    other = services.find_or_make_household(tree.xinan_building, "1", "303")
    assert code_of(services.record_paper, admin, adopted, other, photo="sheet.jpg",
                   signer=admin) == "self_dealing"
    coordinator = make_user("coordinator", zone=tree.xinan)
    own = services.household_of(admin)
    assert services.record_paper(coordinator, adopted, own, photo="sheet.jpg")[1]


def test_own_paper_refused_on_the_page(client, auth, admin, tree, adopted):
    services.join_household(admin, tree.xinan_building, "1", "302")
    db.session.commit()
    auth.login(admin)
    from tests.helpers import jpeg_bytes

    response = client.post(f"/staff/conventions/{adopted.convention_id}/paper", data={
        "building": tree.xinan_building.id, "unit": "1", "room": "302", **once(),
        "photo": (jpeg_bytes(), "sheet.jpg")}, content_type="multipart/form-data")
    assert "不能为自己家录入纸质签名" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Signature.id))) == 0


def test_appointing_by_a_phone_typed_with_86(client, auth, admin, make_user, tree):
    volunteer = make_user(home=tree.xinan_building)
    auth.login(admin)
    response = client.post("/staff/conventions/persuaders", data={
        "community": tree.xinan.id, "phone": f"+86 {volunteer.phone[:3]} {volunteer.phone[3:]}",
        **once()})
    assert response.status_code == 302
    assert db.session.scalar(select(Persuader.user_id)) == volunteer.id
    response = client.post("/staff/conventions/persuaders", data={
        "community": tree.xinan.id, "phone": admin.phone, **once()})
    assert "不能聘任自己为劝导员" in response.get_data(as_text=True)


@pg_only
def test_two_admins_appointing_at_once_make_one_persuader(app, make_user, tree):
    admins = [make_user("admin", zone=tree.xinan).id for _ in range(2)]
    volunteer = make_user(home=tree.xinan_building).id
    community = tree.xinan.id
    results = run_concurrently(app, 2, lambda i: persuasion.appoint(
        db.session.get(User, admins[i]), db.session.get(Zone, community),
        db.session.get(User, volunteer)).id)
    assert sorted(map(str, results))[1] == "already_persuader", results
    assert db.session.scalar(select(func.count(Persuader.id))) == 1
