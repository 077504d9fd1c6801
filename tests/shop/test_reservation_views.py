"""预约兑换 by form (resident and clerk) and the daily reconciliation report."""

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.clock import local_today
from portal.extensions import db
from portal.points import ledger
from portal.shop import counter, report, reservations
from portal.shop.models import Good, Reservation
from portal.types import utcnow


def test_a_resident_reserves_and_a_clerk_hands_it_over(client, auth, clerk, open_always,
                                                       make_good, resident):
    rice = make_good(name="金龙鱼大米 5kg", price="15", stock=5, limit=2)
    auth.login(resident)
    shelf = client.get("/shop/").get_data(as_text=True)
    assert "本月还可兑 2 件" in shelf and f"/shop/goods/{rice.id}/reserve" in shelf
    form = client.get(f"/shop/goods/{rice.id}/reserve").get_data(as_text=True)
    assert "领取期限" in form and '<option value="2">' in form and '<option value="3">' not in form
    response = client.post(f"/shop/goods/{rice.id}/reserve", data={"quantity": "2"})
    booked = db.session.scalar(select(Reservation))
    assert response.headers["Location"].endswith(f"/shop/reservations/{booked.id}")
    page = client.get(f"/shop/reservations/{booked.id}").get_data(as_text=True)
    assert f"{booked.pickup_code[:3]} {booked.pickup_code[3:]}" in page and "待取货" in page
    qr = client.get(f"/shop/reservations/{booked.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert "本月还可兑 0 件" in client.get("/shop/").get_data(as_text=True)
    assert ledger.balance_of(resident.id) == 200

    auth.logout()
    auth.login(clerk)
    base = f"/staff/shop/{open_always.id}"
    listed = client.get(base + "/reservations").get_data(as_text=True)
    assert "王**" in listed and booked.pickup_code in listed
    # a USB scanner reads the QR ("p.123456") into the counter's one field
    found = client.post(base + "/counter/identify", data={"code": f"p.{booked.pickup_code}"})
    assert found.headers["Location"].endswith(f"/staff/shop/reservations/{booked.id}")
    typed = client.post(base + "/counter/pickup", data={"code": booked.pickup_code})
    assert typed.headers["Location"] == found.headers["Location"]
    html = client.get(found.headers["Location"]).get_data(as_text=True)
    assert "确认交付" in html and "金龙鱼大米 5kg × 2" in html
    done = client.post(f"/staff/shop/reservations/{booked.id}/pickup", follow_redirects=True)
    assert "已交付" in done.get_data(as_text=True)
    db.session.refresh(booked)
    assert booked.status == "picked_up"
    again = client.post(f"/staff/shop/reservations/{booked.id}/pickup", follow_redirects=True)
    assert "已经取过货" in again.get_data(as_text=True)


def test_the_clerk_cancels_for_a_resident_by_form(client, auth, clerk, open_always, make_good,
                                                   resident):
    rice = make_good(name="金龙鱼大米 5kg", price="15", stock=5)
    booked = reservations.reserve(resident, rice, 1)
    db.session.commit()
    auth.login(clerk)
    page = f"/staff/shop/reservations/{booked.id}"
    assert "代居民取消预约" in client.get(page).get_data(as_text=True)
    for bad in ({}, {"reason": " "}, {"reason": "x" * 500}):
        html = client.post(page + "/cancel", data=bad, follow_redirects=True).get_data(
            as_text=True)
        assert "请写明取消的原因" in html
    db.session.refresh(booked)
    assert booked.status == "held" and ledger.balance_of(resident.id) == 350

    done = client.post(page + "/cancel", data={"reason": "居民来电说不要了"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已为居民取消预约，15 分和商品库存都已退回" in done
    assert "已取消" in done and "工作人员代为取消：居民来电说不要了" in done
    assert "15 分（已退回）" in done and "预约时已扣" not in done
    assert "代居民取消预约" not in done and "确认交付" not in done
    db.session.refresh(booked)
    assert booked.status == "cancelled" and ledger.balance_of(resident.id) == 500
    assert db.session.get(Good, rice.id).stock == 5
    again = client.post(page + "/cancel", data={"reason": "再点一次"}, follow_redirects=True)
    assert "这份预约已经取消了" in again.get_data(as_text=True)
    assert ledger.balance_of(resident.id) == 500
    auth.logout()
    auth.login(resident)
    mine = client.get(f"/shop/reservations/{booked.id}").get_data(as_text=True)
    assert "已取消" in mine and "居民来电说不要了" in mine
    assert "预约已取消：金龙鱼大米 5kg×1" in client.get("/inbox/").get_data(as_text=True)


def test_the_resident_cancels_from_the_code_page(client, auth, open_always, make_good,
                                                 resident):
    rice = make_good(price="15", stock=5)
    auth.login(resident)
    client.post(f"/shop/goods/{rice.id}/reserve", data={"quantity": "1"})
    booked = db.session.scalar(select(Reservation))
    html = client.post(f"/shop/reservations/{booked.id}/cancel",
                       follow_redirects=True).get_data(as_text=True)
    assert "预约已取消，积分已退回" in html and "已取消" in html
    assert ledger.balance_of(resident.id) == 500 and db.session.get(Good, rice.id).stock == 5
    assert client.get(f"/shop/reservations/{booked.id}/qr.svg").status_code == 404


def test_bad_input_and_other_peoples_reservations(client, auth, open_always, make_good,
                                                  resident, make_user, clerk, tree):
    rice = make_good(price="15", stock=5)
    auth.login(resident)
    for junk in ("", "abc", "0", "-3", "99999999999999999999", "11"):
        response = client.post(f"/shop/goods/{rice.id}/reserve", data={"quantity": junk},
                               follow_redirects=True)
        assert response.status_code == 200 and "每次预约 1 到 10 件" in \
            response.get_data(as_text=True)
    assert db.session.scalar(select(Reservation)) is None
    client.post(f"/shop/goods/{rice.id}/reserve", data={"quantity": "1"})
    booked = db.session.scalar(select(Reservation))
    assert client.get("/shop/goods/999999/reserve").status_code == 404
    auth.logout()
    auth.login(make_user(name="周敏"))
    assert client.get(f"/shop/reservations/{booked.id}").status_code == 403
    assert client.get(f"/shop/reservations/{booked.id}/qr.svg").status_code == 403
    assert client.post(f"/shop/reservations/{booked.id}/cancel").status_code == 403
    auth.logout()
    auth.login(make_user("clerk", zone=tree.dongmei))
    assert client.get(f"/staff/shop/reservations/{booked.id}").status_code == 403
    assert client.post(f"/staff/shop/reservations/{booked.id}/pickup").status_code == 403
    auth.logout()
    auth.login(clerk)
    for junk in ("12", "abcdef", "x" * 5000):
        html = client.post(f"/staff/shop/{open_always.id}/counter/pickup", data={"code": junk},
                           follow_redirects=True).get_data(as_text=True)
        assert "取货码" in html
    db.session.refresh(booked)
    assert booked.status == "held" and ledger.balance_of(resident.id) == 350


def test_reservation_lists_do_not_grow_queries(client, auth, clerk, open_always, make_good,
                                               resident, count_queries):
    goods = [make_good(name=f"商品 {i}", price="1", stock=5) for i in range(6)]
    reservations.reserve(resident, goods[0], 1)
    db.session.commit()
    auth.login(resident)
    urls = ["/shop/reservations", "/shop/"]
    with count_queries() as few:
        for url in urls:
            client.get(url)
    for good in goods[1:]:
        reservations.reserve(resident, good, 1)
    db.session.commit()
    with count_queries() as many:
        for url in urls:
            client.get(url)
    assert many.count == few.count
    auth.logout()
    auth.login(clerk)
    base = f"/staff/shop/{open_always.id}"
    with count_queries() as staff_many:
        listed = client.get(base + "/reservations").get_data(as_text=True)
        client.get(base + "/report")
    assert listed.count("商品 ") == 6
    reservations.reserve(resident, goods[0], 1)
    counter.redeem(clerk, open_always, resident, {goods[1].id: 1})
    db.session.commit()
    with count_queries() as staff_more:
        client.get(base + "/reservations")
        client.get(base + "/report")
    assert staff_more.count == staff_many.count


def _day_with_everything(clerk, shop, make_good, resident, make_user):
    ledger.earn(resident.id, 1000, source_type="award", source_id=resident.id + 1000)
    rice = make_good(name="大米", price="30", stock=10)
    soap = make_good(name="香皂", price="2.5", stock=20)
    kept = counter.redeem(clerk, shop, resident, {rice.id: 1, soap.id: 2})   # 35
    voided = counter.redeem(clerk, shop, resident, {soap.id: 1})            # 2.5, voided
    counter.void(clerk, voided, "拿错了")
    picked = reservations.reserve(resident, soap, 2)                        # 5
    reservations.pick_up(clerk, picked)
    cancelled = reservations.reserve(resident, rice, 1)                     # 30, cancelled
    reservations.cancel(resident, cancelled)
    waiting = reservations.reserve(resident, soap, 1)                       # 2.5, held
    db.session.commit()
    return rice, soap, kept, waiting


def test_the_daily_report_reconciles_three_records(clerk, open_always, make_good, resident,
                                                   make_user):
    rice, soap, _kept, _waiting = _day_with_everything(clerk, open_always, make_good, resident,
                                                       make_user)
    today = report.daily_report(open_always, local_today(utcnow()))
    assert today.counts == {"redemptions": (2, 375), "voids": (1, 25),
                            "reservations": (3, 375), "pickups": (1, 50),
                            "cancellations": (1, 300), "expiries": (0, 0)}
    # 35 + 5 + 2.5 net: the kept sale, the collected and the waiting reservation
    assert today.records_net == today.ledger_net == today.goods_net == 425
    assert today.mismatches == []
    items = {item.name: item for item in today.items}
    assert (items["大米"].opening, items["大米"].closing) == (0, 9)
    assert items["大米"].moves == {"restock": 10, "redemption": -1, "reservation": -1,
                                   "release": 1}
    assert items["香皂"].moves == {"restock": 20, "redemption": -3, "void": 1,
                                   "reservation": -3}
    assert items["香皂"].closing == 15 and all(item.chain_ok for item in today.items)
    yesterday = report.daily_report(open_always, local_today(utcnow()) - timedelta(days=1))
    assert yesterday.items == [] and yesterday.records_net == 0 and yesterday.mismatches == []


def test_a_ledger_entry_without_a_sale_is_highlighted(client, auth, clerk, open_always,
                                                      make_good, resident, make_user):
    _rice, _soap, kept, _waiting = _day_with_everything(clerk, open_always, make_good,
                                                        resident, make_user)
    # someone posts a spend against the sale by hand, outside the counter
    ledger.post(resident.id, -10, kind="spend", key="stray", source_type="redemption",
                source_id=kept.id)
    db.session.commit()
    found = report.daily_report(open_always, local_today(utcnow())).mismatches
    assert len(found) == 1 and "积分流水净支出 43.5 分，兑换记录为 42.5 分" in found[0]
    auth.login(clerk)
    html = client.get(f"/staff/shop/{open_always.id}/report").get_data(as_text=True)
    assert 'data-testid="mismatches"' in html and "43.5" in html and "reconciled" not in html


def test_report_page_and_csv(client, auth, clerk, open_always, make_good, resident, make_user):
    _day_with_everything(clerk, open_always, make_good, resident, make_user)
    auth.login(clerk)
    html = client.get(f"/staff/shop/{open_always.id}/report").get_data(as_text=True)
    assert 'data-testid="reconciled"' in html and "香皂" in html
    response = client.get(f"/staff/shop/{open_always.id}/report.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers[
        "Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["积分超市日对账", open_always.name]
    assert ["柜台兑换", "2", "37.5"] in rows and ["差异", "无差异"] in rows
    assert ["净支出（积分流水）", "", "42.5"] in rows
    header = next(r for r in rows if r and r[0] == "商品")
    soap = next(r for r in rows if r and r[0] == "香皂")
    assert dict(zip(header, soap, strict=True))["期末"] == "15"
    for junk in ("2026-13-45", "yesterday", "9999-01-01", "'; drop table goods"):
        page = client.get(f"/staff/shop/{open_always.id}/report?day={junk}")
        assert page.status_code == 200
        assert re.search(r'data-testid="report-day">\d{4}-\d\d-\d\d<', page.get_data(as_text=True))


def test_a_double_tapped_reserve_form_reserves_once(client, auth, open_always, make_good,
                                                    resident):
    import re

    rice = make_good(price="15", stock=5)
    auth.login(resident)
    form = client.get(f"/shop/goods/{rice.id}/reserve").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', form).group(1)
    first = client.post(f"/shop/goods/{rice.id}/reserve", data={"quantity": "1",
                                                               "request_key": key})
    again = client.post(f"/shop/goods/{rice.id}/reserve", data={"quantity": "1",
                                                               "request_key": key})
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.scalar(select(func.count(Reservation.id))) == 1
    assert ledger.balance_of(resident.id) == 350 and db.session.get(Good, rice.id).stock == 4
    fresh = re.search(r'name="request_key" value="([^"]+)"',
                      client.get(f"/shop/goods/{rice.id}/reserve").get_data(as_text=True))
    assert fresh.group(1) != key  # a new form is a new reservation
