"""No self-dealing: nobody awards, approves, verifies, credits, sells or publishes anything for
their own benefit. Each case is refused with `self_dealing` (or its own older code), and
nothing changes; the same act by a colleague goes through."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts import party
from portal.accounts.models import PartyMembership
from portal.checkin import desk
from portal.checkin import services as checkin
from portal.checkin.models import Attendance, ScanLog
from portal.errors import DomainError
from portal.extensions import db
from portal.members import codes as members
from portal.points import awards, ledger
from portal.points.award_models import Award
from portal.points.rules import seed_default_rules
from portal.shifts import roster, signups
from portal.shop import counter, reservations
from portal.shop import services as shop_services
from portal.types import utcnow
from portal.wishes import services as wishes
from tests.conftest import once


def _refused(call, code="self_dealing"):
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code == code
    db.session.rollback()


# ------------------------------------------------------------------ points


def test_nobody_awards_themselves_any_amount(coordinator, make_user):
    for points in ("0.5", "5", "8"):
        _refused(lambda p=points: awards.record_award(coordinator, coordinator, points=p,
                                                      reason="好人好事", evidence_note="说明"))
    assert db.session.scalar(select(func.count(Award.id))) == 0
    assert ledger.balance_of(coordinator.id) == 0
    awards.record_award(coordinator, make_user(), points="1", reason="好人好事",
                        evidence_note="说明")  # a colleague's neighbour: fine


def test_the_self_award_form_of_the_penetration_test(client, auth, coordinator):
    auth.login(coordinator)
    for _ in range(3):
        html = client.post("/staff/points/awards/new", data={
            **once(), "phone": coordinator.phone, "rule": "0", "points": "5",
            "reason": "好人好事", "evidence_note": "扶老人过马路"}).get_data(as_text=True)
        assert "不能给自己登记积分奖励" in html
    assert db.session.scalar(select(func.count(Award.id))) == 0
    assert ledger.balance_of(coordinator.id) == 0


@pytest.fixture
def two_admins(make_user, tree):
    return make_user("admin", zone=tree.xinan, name="张丽"), make_user("admin", zone=tree.xinan,
                                                                      name="李红")


def test_nobody_approves_or_rejects_an_award_to_themselves(two_admins):
    zhang, li = two_admins
    award = awards.record_award(li, zhang, points="8", reason="扑灭楼道火情",
                                evidence_note="消防站证明")
    db.session.commit()
    _refused(lambda: awards.approve_award(zhang, award))
    _refused(lambda: awards.reject_award(zhang, award, "不算"))
    assert db.session.get(Award, award.id).status == "pending"
    assert ledger.balance_of(zhang.id) == 0


def test_nobody_resolves_an_objection_to_their_own_award(two_admins, make_user):
    zhang, li = two_admins
    resident = make_user()
    own = awards.record_award(li, zhang, points="1", reason="好人好事", evidence_note="说明")
    recorded = awards.record_award(zhang, resident, points="1", reason="好人好事",
                                   evidence_note="说明")
    db.session.commit()
    against_own = awards.raise_objection(resident, own, "不属实")
    against_recorded = awards.raise_objection(make_user(), recorded, "不属实")
    db.session.commit()
    _refused(lambda: awards.resolve_objection(zhang, against_own, reverse=False, note="维持"))
    _refused(lambda: awards.resolve_objection(zhang, against_recorded, reverse=False,
                                              note="维持"))
    awards.resolve_objection(li, against_recorded, reverse=False, note="情况属实，维持")


# ------------------------------------------------------------------ attendance and hours


@pytest.fixture
def coordinator_on_duty(make_shift, coordinator, make_user, tree):
    """A shift under way that the coordinator volunteers on too, and a second coordinator."""
    seed_default_rules()
    shift = make_shift(hours_from_now=10 / 60, length=4)
    signups.sign_up(coordinator, shift)
    colleague = make_user("coordinator", zone=tree.xinan, name="周平")
    db.session.commit()
    return shift, colleague


def test_nobody_walks_themselves_in_or_looks_themselves_up(coordinator_on_duty, coordinator,
                                                         make_shift):
    shift, _colleague = coordinator_on_duty
    other = make_shift(hours_from_now=10 / 60, length=4, capacity=5)
    _refused(lambda: desk.walk_in(coordinator, other, coordinator))
    _refused(lambda: desk.manual(coordinator, shift, coordinator.phone, "忘带手机"))
    _refused(lambda: roster.add_volunteer(coordinator, other, coordinator, reason="补位"))
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_scanning_ones_own_member_code_is_refused_and_logged(coordinator_on_duty, coordinator):
    shift, colleague = coordinator_on_duty
    code = members.member_code(coordinator)
    result = checkin.coordinator_scan(coordinator, shift, code)
    db.session.commit()
    assert result.outcome == "own_code"
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    assert db.session.scalar(select(ScanLog.outcome)) == "own_code"
    assert checkin.coordinator_scan(colleague, shift, code).outcome == "ok"


def test_nobody_corrects_confirms_or_reverses_their_own_attendance(coordinator_on_duty,
                                                                   coordinator):
    shift, colleague = coordinator_on_duty
    checkin.check_in(coordinator, shift, method="shift_code")
    checkin.check_out(coordinator, shift, method="shift_code")
    db.session.commit()
    attendance = db.session.scalar(select(Attendance))
    start = shift.start_dt
    _refused(lambda: desk.correct_times(coordinator, attendance, checkin_dt=start,
                                        checkout_dt=shift.end_dt, reason="多算一点"))
    _refused(lambda: desk.confirm(coordinator, attendance))
    _refused(lambda: desk.reverse(coordinator, attendance, "重新算"))
    desk.reverse(colleague, attendance, "时间记错了")  # a colleague may
    db.session.commit()


# ------------------------------------------------------------------ the counter


@pytest.fixture
def shop_with_rice(make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    shop = shop_services.save_shop(admin, None, zone=tree.xinan, name="新安路社区积分超市",
                                   open_days=list(range(7)), open_time=time(0),
                                   close_time=time(23, 59, 59))
    rice = shop_services.save_good(admin, shop, None, name="大米", category="粮油", price="3",
                                   monthly_limit=None, barcode="", low_stock=1)
    shop_services.restock(admin, rice, 10, "入库")
    db.session.commit()
    return shop, rice


def test_a_clerk_neither_sells_to_nor_voids_for_nor_hands_goods_to_themselves(
        shop_with_rice, make_user, tree):
    shop, rice = shop_with_rice
    lin = make_user("clerk", zone=tree.xinan, name="林美华")
    zhou = make_user("clerk", zone=tree.xinan, name="周敏")
    ledger.earn(lin.id, 100, source_type="award", source_id=lin.id)
    db.session.commit()
    _refused(lambda: counter.redeem(lin, shop, lin, {rice.id: 1}, key="a" * 22))
    _refused(lambda: counter.check_customer(shop, lin, clerk=lin))
    sale = counter.redeem(zhou, shop, lin, {rice.id: 1}, key="b" * 22)
    db.session.commit()
    _refused(lambda: counter.void(lin, sale, "拿错了"))
    booked = reservations.reserve(lin, rice, 1, key="c" * 22)
    db.session.commit()
    _refused(lambda: reservations.pick_up(lin, booked))
    assert ledger.balance_of(lin.id) == 40 and db.session.get(type(rice), rice.id).stock == 8
    counter.void(zhou, sale, "拿错了")
    reservations.pick_up(zhou, booked)
    db.session.commit()


# ------------------------------------------------------------------ party members and wishes


def test_nobody_verifies_their_own_party_declaration(make_user, tree):
    admin = make_user("admin", zone=tree.xinan, party="pending")
    membership = db.session.scalar(select(PartyMembership))
    _refused(lambda: party.review_party_membership(admin, membership, approve=True))
    assert db.session.get(PartyMembership, membership.id).status == "pending"
    party.review_party_membership(make_user("admin", zone=tree.xinan), membership,
                                     approve=True)


def test_nobody_publishes_their_own_wish(coordinator, make_user, tree):
    wish = wishes.post_wish(coordinator, coordinator, title="想要一辆轮椅", description="",
                            kind="item", value_yuan=100,
                            deadline=utcnow().date() + timedelta(days=10))
    db.session.commit()
    _refused(lambda: wishes.review(coordinator, wish, approve=True))
    assert db.session.get(type(wish), wish.id).status == "pending"
    wishes.review(make_user("coordinator", zone=tree.xinan), wish, approve=True)


def test_a_claimer_never_confirms_the_wish_they_claimed(coordinator, make_user, tree):
    coordinator.party = PartyMembership(work_unit="东川区税务局", branch="第二党支部",
                                        status="verified")
    poster = make_user()
    wish = wishes.post_wish(poster, poster, title="想修水龙头", description="", kind="service",
                            value_yuan=0, deadline=utcnow().date() + timedelta(days=10))
    wishes.review(make_user("coordinator", zone=tree.xinan), wish, approve=True)
    wishes.claim(coordinator, wish)
    wishes.fulfil(coordinator, wish, "已经修好了")
    db.session.commit()
    _refused(lambda: wishes.confirm(coordinator, wish, 5), code="own_claim")
