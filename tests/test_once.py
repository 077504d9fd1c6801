"""Once only: every form that creates or moves something takes effect once. A double tap or a
retry after a lost answer shows the first result; on PostgreSQL, 20 identical posts at once
make exactly one effect for each kind that moves points, stock or places."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.move_models import MoveRequest
from portal.checkin import services as checkin
from portal.checkin.models import Attendance, AttendanceCorrection
from portal.clock import local
from portal.extensions import db
from portal.members.models import MemberCard
from portal.once import FormSubmission
from portal.points import awards, ledger
from portal.points.award_models import Award, Objection
from portal.points.models import HoursEntry, LedgerEntry
from portal.points.rules import seed_default_rules
from portal.shifts import activities, signups
from portal.shifts.models import Activity, Shift, ShiftTemplate, SignUp
from portal.shop import services as shop_services
from portal.shop.models import Good, StockMovement
from portal.teams.models import Team
from portal.types import utcnow
from portal.wishes.models import Wish
from tests.conftest import once, pg_only


@dataclass
class Form:
    """A once-only form: who sends it, where, what, and how to count its effect."""

    actor: object
    url: str
    data: dict
    count: object  # () -> int, the effect
    moves_value: bool = False  # points, stock or places: raced 20 times on PostgreSQL


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def world(make_user, tree, coordinator, activity):
    """新安路社区 with a second coordinator and admin, a shop with rice, a live shift."""
    seed_default_rules()
    admin = make_user("admin", zone=tree.xinan, name="张丽")
    other_admin = make_user("admin", zone=tree.xinan, name="李红")
    clerk = make_user("clerk", zone=tree.xinan, name="林美华")
    resident = make_user(name="王秀英")
    shop = shop_services.save_shop(admin, None, zone=tree.xinan, name="积分超市",
                                   open_days=list(range(7)), open_time=time(0),
                                   close_time=time(23, 59))
    rice = shop_services.save_good(admin, shop, None, name="大米", category="粮油", price="3",
                                   monthly_limit=None, barcode="", low_stock=1)
    start = utcnow() + timedelta(minutes=10)  # check-in is open
    live = activities.add_shift(coordinator, activity, start_dt=start,
                                end_dt=start + timedelta(hours=4), capacity=30,
                                zone=tree.xinan_grid)
    db.session.commit()
    return {"admin": admin, "other_admin": other_admin, "clerk": clerk, "resident": resident,
            "coordinator": coordinator, "activity": activity, "shop": shop, "rice": rice,
            "live": live, "tree": tree, "make_user": make_user}


def _award_new(w):
    resident = w["resident"]
    return Form(w["coordinator"], "/staff/points/awards/new",
                {"phone": resident.phone, "rule": "0", "points": "2", "reason": "调解邻里纠纷",
                 "evidence_note": "楼道里调解了噪音纠纷"},
                lambda: _count(Award), moves_value=True)


def _award_approve(w):
    award = awards.record_award(w["coordinator"], w["resident"], points="8",
                                reason="扑灭楼道火情", evidence_note="消防站证明")
    db.session.commit()
    return Form(w["admin"], f"/staff/points/awards/{award.id}/decide", {"decision": "approve"},
                lambda: _count(LedgerEntry, LedgerEntry.source_type == "award"),
                moves_value=True)


def _objection_reverse(w):
    award = awards.record_award(w["coordinator"], w["resident"], points="2",
                                reason="好人好事", evidence_note="说明")
    objection = awards.raise_objection(w["make_user"](), award, "情况不属实")
    db.session.commit()
    return Form(w["admin"], f"/staff/points/objections/{objection.id}/resolve",
                {"decision": "reverse", "note": "核实后不属实"},
                lambda: _count(LedgerEntry, LedgerEntry.kind == "reversal"), moves_value=True)


def _restock(w):
    rice = w["rice"]
    return Form(w["clerk"], f"/staff/shop/goods/{rice.id}/restock",
                {"quantity": "20", "reason": "社区采购入库"},
                lambda: _count(StockMovement, StockMovement.good_id == rice.id),
                moves_value=True)


def _stocktake(w):
    rice = w["rice"]
    shop_services.restock(w["clerk"], rice, 10, "入库")
    db.session.commit()
    return Form(w["clerk"], f"/staff/shop/goods/{rice.id}/stocktake",
                {"quantity": "8", "reason": "盘点少了两袋"},
                lambda: _count(StockMovement, StockMovement.kind == "adjust"),
                moves_value=True)


def _walk_in(w):
    live = w["live"]
    return Form(w["coordinator"], f"/staff/checkin/{live.id}/walk-in",
                {"user_id": w["resident"].id},
                lambda: _count(SignUp, SignUp.shift_id == live.id)
                + _count(Attendance, Attendance.shift_id == live.id), moves_value=True)


def _correction_confirm(w):
    live, resident = w["live"], w["resident"]
    live.activity.credit_on = "confirmation"
    signups.sign_up(resident, live)
    checkin.check_in(resident, live, method="shift_code", now=live.start_dt)
    checkin.check_out(resident, live, method="shift_code",
                      now=live.start_dt + timedelta(hours=2))
    db.session.commit()
    attendance = db.session.scalar(select(Attendance))
    return Form(w["coordinator"], f"/staff/checkin/attendances/{attendance.id}/confirm", {},
                lambda: _count(HoursEntry) + _count(AttendanceCorrection), moves_value=True)


def _correction_times(w):
    live, resident = w["live"], w["resident"]
    signups.sign_up(resident, live)
    checkin.check_in(resident, live, method="shift_code")
    db.session.commit()
    attendance = db.session.scalar(select(Attendance))
    return Form(w["coordinator"], f"/staff/checkin/attendances/{attendance.id}/times",
                {"checkin": local(live.start_dt).strftime("%H:%M"), "checkout": "",
                 "reason": "忘记扫码"},
                lambda: _count(AttendanceCorrection))


def _shift_new(w):
    activity, tree = w["activity"], w["tree"]
    day = (local(utcnow()) + timedelta(days=3)).date().isoformat()
    return Form(w["coordinator"], f"/staff/shifts/activities/{activity.id}/shifts/new",
                {"day": day, "start": "07:00", "end": "11:00", "capacity": "5",
                 "zone": tree.xinan_grid.id, "place": "桥头市场东入口", "team": 0,
                 "points_rule": 0},
                lambda: _count(Shift), moves_value=True)


def _template_new(w):
    activity, tree = w["activity"], w["tree"]
    return Form(w["coordinator"], f"/staff/shifts/activities/{activity.id}/templates/new",
                {"weekday": 5, "start": "07:00", "end": "11:00", "weeks_ahead": 2,
                 "capacity": "5", "zone": tree.xinan_grid.id, "team": 0, "points_rule": 0},
                lambda: _count(ShiftTemplate), moves_value=True)


def _activity_new(w):
    tree = w["tree"]
    return Form(w["coordinator"], "/staff/shifts/activities/new",
                {"title": "锦绣花园垃圾分类督导", "zone": tree.xinan.id, "team": 0,
                 "points_rule": 0, "signup_window_days": 14, "cancel_cutoff_hours": 3,
                 "credit_on": "checkout"},
                lambda: _count(Activity))


def _team_new(w):
    return Form(w["coordinator"], "/teams/new",
                {"name": "七色花志愿服务队", "zone": w["tree"].xinan.id, "description": ""},
                lambda: _count(Team))


def _good_new(w):
    shop = w["shop"]
    return Form(w["clerk"], f"/staff/shop/{shop.id}/goods/new",
                {"name": "洗衣粉", "category": "日用", "price": "5", "low_stock": "3"},
                lambda: _count(Good))


def _card_issue(w):
    resident = w["resident"]
    return Form(w["clerk"], f"/staff/cards/{resident.id}/issue", {},
                lambda: _count(MemberCard))


def _wish_new(w):
    deadline = (local(utcnow()) + timedelta(days=20)).date().isoformat()
    return Form(w["resident"], "/wishes/new",
                {"title": "想要一辆轮椅", "description": "腿脚不便", "kind": "item",
                 "value_yuan": "280", "deadline": deadline},
                lambda: _count(Wish))


def _wish_for(w):
    deadline = (local(utcnow()) + timedelta(days=20)).date().isoformat()
    return Form(w["coordinator"], "/staff/wishes/new",
                {"phone": w["resident"].phone, "title": "屋顶漏水想请人修", "description": "",
                 "kind": "service", "value_yuan": "0", "deadline": deadline},
                lambda: _count(Wish))


def _party_declare(w):
    return Form(w["resident"], "/me/party",
                {"work_unit": "东川区税务局", "branch": "第二党支部"},
                lambda: _count(FormSubmission))


def _move_confirm(w):
    from portal.accounts import moves

    tree = w["tree"]
    mover = w["make_user"](home=tree.dongmei_building)
    ledger.earn(mover.id, 125, source_type="award", source_id=mover.id)
    move = moves.request_move(mover, tree.xinan_building)
    db.session.commit()
    return Form(w["admin"], f"/staff/moves/{move.id}/decide", {"decision": "approve"},
                lambda: _count(MoveRequest, MoveRequest.status == "confirmed"))


def _objection_kept(w):
    award = awards.record_award(w["coordinator"], w["resident"], points="2",
                                reason="好人好事", evidence_note="说明")
    objection = awards.raise_objection(w["make_user"](), award, "情况不属实")
    db.session.commit()
    return Form(w["admin"], f"/staff/points/objections/{objection.id}/resolve",
                {"decision": "keep", "note": "核实属实"},
                lambda: _count(Objection, Objection.status == "kept"))


FORMS = {
    "award": _award_new, "approval": _award_approve, "objection_reversed": _objection_reverse,
    "objection_kept": _objection_kept, "restock": _restock, "stocktake": _stocktake,
    "walk_in": _walk_in, "correction_confirm": _correction_confirm,
    "correction_times": _correction_times, "shift": _shift_new, "template": _template_new,
    "activity": _activity_new, "team": _team_new, "good": _good_new, "card": _card_issue,
    "wish": _wish_new, "wish_for_resident": _wish_for, "declaration": _party_declare,
    "move": _move_confirm,
}
#: forms whose effect has a natural unique key, so they carry no key of their own
NATURAL = {"walk_in"}
#: the kinds that move points, stock or places, raced 20 at once on PostgreSQL
VALUE_FORMS = ["approval", "award", "correction_confirm", "objection_reversed", "restock",
               "shift", "stocktake", "template", "walk_in"]


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_a_second_submit_shows_the_first_result(client, auth, world, kind):
    form = FORMS[kind](world)
    assert form.moves_value == (kind in VALUE_FORMS)
    before = form.count()
    auth.login(form.actor)
    data = {**form.data, **once()}
    first = client.post(form.url, data=data)
    assert first.status_code == (200 if kind in NATURAL else 302)
    done = form.count()
    assert done > before
    second = client.post(form.url, data=data)
    assert second.status_code in (200, 302)
    assert form.count() == done
    if kind not in NATURAL:
        assert second.headers["Location"] == first.headers["Location"]
        html = client.get(second.headers["Location"]).get_data(as_text=True)
        assert "这张表单已经提交过了" in html


@pytest.mark.parametrize("kind", sorted(set(FORMS) - NATURAL))
def test_a_form_without_its_key_changes_nothing(client, auth, world, kind):
    form = FORMS[kind](world)
    before = form.count()
    auth.login(form.actor)
    response = client.post(form.url, data=form.data, follow_redirects=True)
    assert response.status_code < 500
    assert "这张表单已过期" in response.get_data(as_text=True)
    assert form.count() == before


def test_a_refused_post_does_not_use_up_its_key(client, auth, world):
    form = _award_new(world)
    auth.login(form.actor)
    key = once()
    html = client.post(form.url, data={**form.data, **key, "phone": "13800000000"}) \
        .get_data(as_text=True)
    assert "没有找到这个手机号" in html and form.count() == 0
    assert client.post(form.url, data={**form.data, **key}).status_code == 302
    assert form.count() == 1


def test_keys_are_per_person(client, auth, world, make_user, tree):
    form = _award_new(world)
    key = once()
    auth.login(form.actor)
    client.post(form.url, data={**form.data, **key})
    auth.logout()
    auth.login(make_user("coordinator", zone=tree.xinan))
    assert client.post(form.url, data={**form.data, **key}).status_code == 302
    assert form.count() == 2


# ------------------------------------------------------------------ 20 at once (PostgreSQL)


def _post_together(app, client, url: str, data: dict, n: int = 20) -> list[int]:
    """n copies of one post (same session, same key) released at one instant."""
    cookie = client.get_cookie("session")
    remember = client.get_cookie("remember_token")
    barrier = threading.Barrier(n)
    codes: list = [None] * n

    def send(i):
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        if remember is not None:
            other.set_cookie("remember_token", remember.value)
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                codes[i] = other.post(url, data=data).status_code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return codes




@pg_only
@pytest.mark.parametrize("kind", VALUE_FORMS)
def test_twenty_identical_posts_at_once_take_effect_once(app, client, auth, world, kind):
    form = FORMS[kind](world)
    assert form.moves_value
    before = form.count()
    auth.login(form.actor)
    codes = _post_together(app, client, form.url, {**form.data, **once()})
    assert all(code is not None and code < 500 for code in codes), codes
    after = form.count()
    single = {"walk_in": 2, "correction_confirm": 2}.get(kind, 1)  # rows one effect makes
    assert after - before == single, (kind, before, after)
    if kind == "award":
        assert ledger.balance_of(world["resident"].id) == 20
    if kind == "restock":
        assert db.session.get(Good, world["rice"].id).stock == 20
    assert ledger.verify_balances() == [] and shop_services.verify_stock() == []
