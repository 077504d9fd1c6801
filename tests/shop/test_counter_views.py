"""The counter by form: identify by member code or phone (with a reason), cart, confirm,
receipt, void."""

from datetime import time

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.members import codes as members
from portal.points import ledger
from portal.shop.models import Good, Redemption


@pytest.fixture
def open_shop(shop):
    shop.open_days, shop.open_time, shop.close_time = list(range(7)), time(0), time(23, 59, 59)
    db.session.commit()
    return shop


@pytest.fixture
def resident(make_user):
    user = make_user(name="王秀英")
    ledger.earn(user.id, 500, source_type="award", source_id=user.id)
    db.session.commit()
    return user


def test_sell_two_items_by_member_code_then_void(client, auth, clerk, open_shop, make_good,
                                                 resident):
    rice = make_good(name="金龙鱼大米 5kg", price="30", stock=5)
    soap = make_good(name="舒肤佳香皂", price="2.5", stock=10, barcode="6901234567892")
    token = members.member_code(resident)
    db.session.commit()
    auth.login(clerk)
    base = f"/staff/shop/{open_shop.id}/counter"
    client.post(base + "/identify", data={"code": token})
    html = client.get(base).get_data(as_text=True)
    assert "王**" in html and 'data-testid="counter-balance">50<' in html
    client.post(base + "/cart", data={"good_id": rice.id, "action": "more"})
    client.post(base + "/cart", data={"barcode": "6901234567892", "action": "more"})
    client.post(base + "/cart", data={"barcode": "6901234567892", "action": "more"})
    assert 'data-testid="cart-total">35 分<' in client.get(base).get_data(as_text=True)
    response = client.post(base + "/confirm")
    assert response.status_code == 302
    sale = db.session.scalar(select(Redemption))
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert sale.receipt_no in receipt and "金龙鱼大米 5kg × 1" in receipt and "撤销兑换" in receipt
    assert ledger.balance_of(resident.id) == 150
    client.post(f"/staff/shop/redemptions/{sale.id}/void", data={"reason": "居民改主意"})
    db.session.refresh(sale)
    assert sale.status == "voided" and ledger.balance_of(resident.id) == 500
    assert [db.session.get(Good, g).stock for g in (rice.id, soap.id)] == [5, 10]


def test_phone_look_up_needs_a_reason_and_is_audited(client, auth, clerk, open_shop, resident):
    auth.login(clerk)
    base = f"/staff/shop/{open_shop.id}/counter"
    html = client.post(base + "/identify", data={"phone": resident.phone},
                       follow_redirects=True).get_data(as_text=True)
    assert "需要写明原因" in html and "王**" not in html
    client.post(base + "/identify", data={"phone": resident.phone, "reason": "老人没带手机"})
    assert "王**" in client.get(base).get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "counter.lookup")) == 1


def test_bad_codes_and_insufficient_points_change_nothing(client, auth, clerk, open_shop,
                                                          make_good, make_user):
    poor = make_user(name="刘强")
    rice = make_good(price="30", stock=5)
    token = members.member_code(poor)
    db.session.commit()
    auth.login(clerk)
    base = f"/staff/shop/{open_shop.id}/counter"
    html = client.post(base + "/identify", data={"code": "junk"},
                       follow_redirects=True).get_data(as_text=True)
    assert "二维码无效" in html
    client.post(base + "/identify", data={"code": token})
    client.post(base + "/cart", data={"good_id": rice.id, "action": "more"})
    html = client.post(base + "/confirm", follow_redirects=True).get_data(as_text=True)
    assert "积分不足" in html
    assert db.session.scalar(select(func.count(Redemption.id))) == 0
    assert db.session.get(Good, rice.id).stock == 5


def test_a_confirm_retried_with_the_old_cookie_is_not_charged_twice(client, auth, clerk,
                                                                    open_shop, make_good,
                                                                    resident):
    """The clerk taps 确认 on a weak connection: the sale goes through but the answer (and the
    cookie that empties the cart) is lost, so the browser sends the same cart again."""
    rice = make_good(name="金龙鱼大米 5kg", price="30", stock=5)
    token = members.member_code(resident)
    db.session.commit()
    auth.login(clerk)
    base = f"/staff/shop/{open_shop.id}/counter"
    client.post(base + "/identify", data={"code": token})
    client.post(base + "/cart", data={"good_id": rice.id, "action": "more"})
    stale = client.get_cookie("session").value
    first = client.post(base + "/confirm")
    client.set_cookie("session", stale)
    again = client.post(base + "/confirm")
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.scalar(select(func.count(Redemption.id))) == 1
    assert ledger.balance_of(resident.id) == 200
    client.set_cookie("session", stale)  # or the clerk reloads the counter with the old cart
    page = client.get(base, follow_redirects=True).get_data(as_text=True)
    assert "这一单已经兑换成功" in page and "没有重复扣积分" in page
    assert ledger.balance_of(resident.id) == 200
    assert 'data-testid="counter-balance"' not in client.get(base).get_data(as_text=True)


def test_the_counter_refuses_a_resident_of_another_community(client, auth, clerk, open_shop,
                                                              make_user, tree):
    outsider = make_user(name="赵东梅", home=tree.dongmei_building)
    token = members.member_code(outsider)
    db.session.commit()
    auth.login(clerk)
    base = f"/staff/shop/{open_shop.id}/counter"
    page = client.post(base + "/identify", data={"code": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "不是本社区的" in page and "赵**" not in page


def test_an_expired_member_code_the_limits_line_and_the_a4_receipt(client, auth, clerk,
                                                                   open_shop, make_good,
                                                                   resident):
    from datetime import timedelta

    from portal.types import utcnow

    oil = make_good(name="鲁花花生油 1.8L", price="25", stock=5, limit=1)
    old = members.member_code(resident, utcnow() - timedelta(minutes=5))  # a screenshot
    db.session.commit()
    auth.login(clerk)
    base = f"/staff/shop/{open_shop.id}/counter"
    html = client.post(base + "/identify", data={"code": old},
                       follow_redirects=True).get_data(as_text=True)
    assert "二维码已过期，请让居民刷新会员码" in html and "王**" not in html
    client.post(base + "/identify", data={"code": members.member_code(resident)})
    assert "本月已兑 0 / 1" in client.get(base).get_data(as_text=True)
    client.post(base + "/cart", data={"good_id": oil.id, "action": "more"})
    sale = client.post(base + "/confirm").headers["Location"]
    a4 = client.get(sale + "?paper=a4").get_data(as_text=True)
    assert "receipt-a4.css" in a4 and "58 毫米小票" in a4
    assert "receipt-58.css" in client.get(sale).get_data(as_text=True)
    client.post(base + "/identify", data={"code": members.member_code(resident)})
    assert "本月已兑 1 / 1" in client.get(base).get_data(as_text=True)


def test_the_counter_leads_back_to_todays_sales_and_a_receipt_to_void(client, auth, clerk,
                                                                       open_shop, make_good,
                                                                       resident, make_user):
    """The clerk has moved on to the next resident; the first one comes back to return the
    rice. 今日兑换记录 on the counter page finds the sale, and its receipt still voids it."""
    from datetime import timedelta

    from portal.shop import counter
    from portal.types import utcnow

    rice = make_good(name="金龙鱼大米 5kg", price="20", stock=9)
    other = make_user(name="刘强")
    ledger.earn(other.id, 300, source_type="award", source_id=other.id)
    db.session.commit()
    yesterday = counter.redeem(clerk, open_shop, resident, {rice.id: 1},
                               now=utcnow() - timedelta(days=1))
    first = counter.redeem(clerk, open_shop, resident, {rice.id: 1})
    second = counter.redeem(clerk, open_shop, other, {rice.id: 1},
                            now=utcnow() + timedelta(seconds=1))
    db.session.commit()
    auth.login(clerk)
    listing = f"/staff/shop/{open_shop.id}/redemptions"
    page = client.get(f"/staff/shop/{open_shop.id}/counter").get_data(as_text=True)
    assert f'href="{listing}"' in page and "今日兑换记录" in page

    html = client.get(listing).get_data(as_text=True)
    assert yesterday.receipt_no not in html
    assert html.index(second.receipt_no) < html.index(first.receipt_no)  # newest first
    assert "王**" in html and "刘*" in html and resident.name not in html
    assert html.count('data-testid="sale"') == 2 and "20 分" in html and "可撤销至" in html
    assert f'href="/staff/shop/redemptions/{first.id}"' in html  # a plain link: no JavaScript

    receipt = client.get(f"/staff/shop/redemptions/{first.id}").get_data(as_text=True)
    assert f'action="/staff/shop/redemptions/{first.id}/void"' in receipt
    assert f'href="{listing}"' in receipt  # and back to the day's list
    client.post(f"/staff/shop/redemptions/{first.id}/void", data={"reason": "居民退回大米"})
    assert ledger.balance_of(resident.id) == 300  # 50 - 20 yesterday - 20 today + 20 back
    html = client.get(listing).get_data(as_text=True)
    row = html[html.index(first.receipt_no):html.index("</li>", html.index(first.receipt_no))]
    assert "已撤销" in row and "可撤销至" not in row


def test_the_day_is_the_shanghai_day(clerk, open_shop, make_good, resident):
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from portal.shop import counter, queries

    rice = make_good(price="1", stock=9)
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=2)

    def at(hour, minute, on=day):
        return datetime.combine(on, time(hour, minute),
                                tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)

    late = counter.redeem(clerk, open_shop, resident, {rice.id: 1},
                          now=at(23, 30, on=day - timedelta(days=1)))
    early = counter.redeem(clerk, open_shop, resident, {rice.id: 1}, now=at(0, 30))
    noon = counter.redeem(clerk, open_shop, resident, {rice.id: 1}, now=at(12, 0))
    db.session.commit()
    assert early.created_dt.astimezone(UTC).date() < day  # in UTC it is still the day before
    listed = queries.sales_of_day(open_shop, at(10, 0)).items
    assert listed == [noon, early] and late not in listed


def test_todays_sales_page_query_count_is_flat(client, auth, clerk, open_shop, make_good,
                                               make_user, count_queries):
    from portal.shop import counter

    rice = make_good(price="1", stock=20)

    def sell():
        buyer = make_user()
        ledger.earn(buyer.id, 100, source_type="award", source_id=buyer.id)
        counter.redeem(clerk, open_shop, buyer, {rice.id: 1})
        db.session.commit()

    sell()
    auth.login(clerk)
    listing = f"/staff/shop/{open_shop.id}/redemptions"
    client.get(listing)  # warm: the login's first page
    with count_queries() as few:
        client.get(listing)
    for _ in range(8):
        sell()
    counter.void(clerk, db.session.scalar(select(Redemption).limit(1)), "拿错了")
    db.session.commit()
    with count_queries() as many:
        html = client.get(listing).get_data(as_text=True)
    assert html.count('data-testid="sale"') == 9 and "已撤销" in html
    assert many.count == few.count, many.statements


def test_the_receipt_and_the_list_ask_the_one_void_rule(client, auth, clerk, open_shop,
                                                        make_good, resident, monkeypatch):
    """Move the deadline in counter.void_deadline alone: the receipt, the list and the void
    itself all follow."""
    from portal.shop import counter

    sale = counter.redeem(clerk, open_shop, resident, {make_good(price="30", stock=5).id: 1})
    db.session.commit()
    auth.login(clerk)
    receipt = f"/staff/shop/redemptions/{sale.id}"
    assert "撤销兑换" in client.get(receipt).get_data(as_text=True)
    monkeypatch.setattr(counter, "void_deadline", lambda sale: sale.created_dt)
    assert "撤销兑换" not in client.get(receipt).get_data(as_text=True)
    html = client.get(f"/staff/shop/{open_shop.id}/redemptions").get_data(as_text=True)
    assert sale.receipt_no in html and "可撤销至" not in html
    html = client.post(receipt + "/void", data={"reason": "拿错了"},
                       follow_redirects=True).get_data(as_text=True)
    assert "不能撤销" in html
    assert ledger.balance_of(resident.id) == 200
