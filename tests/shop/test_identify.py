"""counter.identify: the counter's one field tells a member code, a printed card, a pickup code
and a phone look-up (with a reason, audited) apart, and refuses with a Chinese message."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.errors import NotAllowed
from portal.extensions import db
from portal.members import cards
from portal.members import codes as members
from portal.shop import counter, reservations
from portal.types import utcnow
from tests.helpers import code_of


def lookups() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "counter.lookup"))


def test_a_member_code_names_the_resident(clerk, shop, resident):
    found = counter.identify(clerk, shop, code=members.member_code(resident))
    assert (found.user, found.how, found.reservation) == (resident, "member_code", None)


def test_a_card_by_its_qr_or_its_typed_number(clerk, shop, resident):
    card = cards.issue(clerk, resident)
    db.session.commit()
    assert counter.identify(clerk, shop, code=cards.card_code(card)).how == "card"
    spaced = f"{card.card_no[:4]} {card.card_no[4:]}"
    found = counter.identify(clerk, shop, code=spaced)
    assert (found.user, found.how) == (resident, "card")
    cards.report_lost(clerk, card, "丢了")
    db.session.commit()
    assert code_of(counter.identify, clerk, shop, code=card.card_no) == "card_not_active"


def test_a_pickup_code_names_the_reservation_not_a_resident(clerk, open_always, make_good,
                                                            resident):
    booked = reservations.reserve(resident, make_good(price="15", stock=5), 1)
    db.session.commit()
    for typed in (booked.pickup_code, f"p.{booked.pickup_code}"):
        found = counter.identify(clerk, open_always, code=typed)
        assert (found.how, found.reservation, found.user) == ("pickup", booked, None)


def test_bad_and_expired_member_codes(clerk, shop, resident):
    assert code_of(counter.identify, clerk, shop, code="junk") == "invalid_code"
    old = members.member_code(resident, utcnow() - timedelta(minutes=5))
    assert code_of(counter.identify, clerk, shop, code=old) == "expired_code"


def test_nothing_typed_is_a_clear_refusal(clerk, shop):
    assert code_of(counter.identify, clerk, shop, code="  ", phone="") == "nothing_to_identify"


def test_a_phone_look_up_needs_a_reason_finds_a_resident_and_is_audited(clerk, shop,
                                                                         resident):
    assert code_of(counter.identify, clerk, shop, phone=resident.phone) == "needs_reason"
    assert code_of(counter.identify, clerk, shop, phone="13012345678",
                   reason="老人没带手机") == "phone_not_found"
    assert lookups() == 0
    spaced = f"{resident.phone[:3]} {resident.phone[3:7]} {resident.phone[7:]}"
    found = counter.identify(clerk, shop, phone=spaced, reason="老人没带手机")
    db.session.commit()
    assert (found.user, found.how) == (resident, "phone")
    assert lookups() == 1


def test_a_phone_look_up_reaches_only_residents(clerk, shop, make_user, tree):
    colleague = make_user("clerk", zone=tree.xinan)
    assert code_of(counter.identify, clerk, shop, phone=colleague.phone,
                   reason="没带手机") == "lookup_not_allowed"
    assert code_of(counter.identify, clerk, shop, phone=clerk.phone,
                   reason="没带手机") == "lookup_not_allowed"
    assert lookups() == 0


def test_a_code_wins_over_a_phone(clerk, shop, resident, make_user):
    other = make_user(name="刘强")
    found = counter.identify(clerk, shop, code=members.member_code(resident),
                             phone=other.phone, reason="没带手机")
    assert (found.user, found.how) == (resident, "member_code")
    assert lookups() == 0


def test_the_customer_checks_apply_to_every_way_in(clerk, shop, make_user, tree):
    outsider = make_user(name="赵东梅", home=tree.dongmei_building)
    assert code_of(counter.identify, clerk, shop,
                   code=members.member_code(outsider)) == "not_your_shop"
    # by phone the rank rule answers first: the clerk acts for no one outside their scope
    assert code_of(counter.identify, clerk, shop, phone=outsider.phone,
                   reason="没带手机") == "lookup_not_allowed"
    stopped = make_user(name="孙丽")
    stopped.is_active_account = False
    db.session.commit()
    assert code_of(counter.identify, clerk, shop, phone=stopped.phone,
                   reason="没带手机") == "account_disabled"
    assert code_of(counter.identify, clerk, shop,
                   code=members.member_code(clerk)) == "self_dealing"
    assert lookups() == 0  # a refused look-up showed the clerk nobody


def test_a_clerk_of_another_community_cannot_identify_here(shop, make_user, tree, resident):
    dongmei_clerk = make_user("clerk", zone=tree.dongmei)
    with pytest.raises(NotAllowed):
        counter.identify(dongmei_clerk, shop, code=members.member_code(resident))
