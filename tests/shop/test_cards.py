"""Printed member cards: issue, reissue, lost; the counter accepts them; check-in does not."""

from datetime import time

import pytest
from sqlalchemy import select

from portal.checkin import services as checkin
from portal.errors import NotAllowed
from portal.extensions import db
from portal.members import cards
from portal.members.models import MemberCard
from tests.conftest import once
from tests.helpers import code_of


def test_reissuing_revokes_the_old_card_and_lost_cards_are_refused(clerk, make_user):
    resident = make_user(name="赵桂兰")
    first = cards.issue(clerk, resident)
    second = cards.issue(clerk, resident)
    db.session.commit()
    assert (first.status, second.status) == ("revoked", "active")
    assert cards.holder_of(cards.card_code(second)).id == resident.id
    assert cards.holder_of(second.card_no).id == resident.id  # typed at the counter
    assert code_of(cards.holder_of, cards.card_code(first)) == "card_not_active"
    cards.report_lost(clerk, second, "老人说卡丢了")
    db.session.commit()
    assert code_of(cards.holder_of, second.card_no) == "card_not_active"
    assert code_of(cards.holder_of, "1234567890") == "invalid_card"
    assert code_of(cards.holder_of, "k.nonsense") == "invalid_card"


def test_a_clerk_of_another_community_cannot_issue(make_user, tree):
    with pytest.raises(NotAllowed):
        cards.issue(make_user("clerk", zone=tree.dongmei), make_user())


def test_a_card_checks_in_at_the_coordinators_desk_only(make_user, make_shift, coordinator,
                                                        clerk, tree):
    """An elderly resident without a smartphone shows the card at the desk: the coordinator
    sees them, as with a member code (issue: offline scanning, the desk scans cards). A card
    is still no shift code, so nobody checks themselves in with one."""
    from portal.shifts import signups

    resident = make_user()
    shift = make_shift(hours_from_now=10 / 60)
    signups.sign_up(resident, shift)
    card = cards.issue(clerk, resident)
    db.session.commit()
    first = checkin.coordinator_scan(coordinator, shift, cards.card_code(card))
    assert first.outcome == "ok" and first.attendance.checkin_method == "card"
    assert checkin.coordinator_scan(coordinator, shift, card.card_no).outcome == \
        "already_checked_in"
    assert checkin.coordinator_scan(coordinator, shift, "k.forged").outcome == "invalid_code"
    cards.report_lost(clerk, card)
    db.session.commit()
    assert checkin.coordinator_scan(coordinator, shift, card.card_no, mode="out").outcome == \
        "card_not_active"
    own = cards.issue(make_user("admin", zone=tree.xinan), coordinator)
    db.session.commit()
    assert checkin.coordinator_scan(coordinator, shift, cards.card_code(own)).outcome == \
        "own_code"


def test_the_counter_identifies_by_card_and_refuses_a_lost_one(client, auth, clerk, shop,
                                                               make_user):
    shop.open_days, shop.open_time, shop.close_time = list(range(7)), time(0), time(23, 59)
    resident = make_user(name="赵桂兰")
    card = cards.issue(clerk, resident)
    db.session.commit()
    auth.login(clerk)
    base = f"/staff/shop/{shop.id}/counter"
    client.post(base + "/identify", data={"code": cards.card_code(card)})
    assert "赵**" in client.get(base).get_data(as_text=True)
    client.post(base + "/cart", data={"action": "clear"})
    client.post(f"/staff/cards/card/{card.id}/lost", data={"reason": "丢了"})
    html = client.post(base + "/identify", data={"code": card.card_no},
                       follow_redirects=True).get_data(as_text=True)
    assert "已挂失" in html and "赵**" not in html


def test_card_pages(client, auth, clerk, make_user):
    resident = make_user(name="赵桂兰")
    auth.login(clerk)
    client.post(f"/staff/cards/{resident.id}/issue", data=once())
    card = db.session.scalar(select(MemberCard))
    html = client.get(f"/staff/cards/card/{card.id}/print").get_data(as_text=True)
    assert "赵**" in html and card.card_no[:4] in html and resident.phone not in html
    svg = client.get(f"/staff/cards/card/{card.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml"


def test_the_member_code_page_offers_a_printed_card(client, auth, clerk, make_user):
    resident = make_user(name="赵桂兰")
    auth.login(resident)
    assert "申领实体会员卡" in client.get("/me/code").get_data(as_text=True)
    card = cards.issue(clerk, resident)
    db.session.commit()
    html = client.get("/me/code").get_data(as_text=True)
    assert f"尾号 {card.card_no[-4:]}" in html and "申领实体会员卡" not in html
