"""Trust in a real browser at 390x844: a move into another community waits for that
community's admin, and 退出所有设备 ends the login on the other phone too. The pages this
touches pass axe in normal and large text."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import User
from portal.extensions import db
from portal.points import ledger
from tests.browser.a11y import assert_accessible_in_both_modes
from tests.browser.helpers import assert_no_horizontal_overflow, log_in

pytestmark = pytest.mark.browser


def _home_of(user_id: int) -> int:
    db.session.rollback()  # the server thread wrote it
    return db.session.get(User, user_id).home_zone_id


def test_a_move_waits_for_the_new_communitys_admin(page: Page, new_phone, make_user, tree,
                                                   live_server):
    resident = make_user(name="郑晓东")
    admin = make_user("admin", zone=tree.dongmei, home=tree.dongmei_building, name="刘芳")
    ledger.earn(resident.id, 125, source_type="award", source_id=0)
    db.session.commit()

    # He picks a building in 东梅 at 我的: a request, his home stays for now.
    log_in(page, resident.phone, live_server)
    page.goto("/me")
    page.get_by_label("居住的网格或楼栋").select_option(value=str(tree.dongmei_building.id))
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("已提交迁居申请")
    expect(page.get_by_test_id("pending-move")).to_contain_text("东梅小区8栋")
    assert _home_of(resident.id) == tree.xinan_building.id
    assert_no_horizontal_overflow(page)
    assert_accessible_in_both_modes(page)

    # The admin of 东梅 sees him with the balance he brings, and confirms.
    office = new_phone()
    log_in(office, admin.phone, live_server)
    office.goto("/staff/moves")
    card = office.get_by_test_id("move-request").filter(has_text="郑晓东")
    expect(card).to_contain_text("12.5")
    assert_no_horizontal_overflow(office)
    assert_accessible_in_both_modes(office)
    card = office.get_by_test_id("move-request").filter(has_text="郑晓东")
    with office.expect_navigation():
        card.get_by_role("button", name="确认迁入").click()
    expect(office.locator(".flashes")).to_contain_text("已确认迁入")
    expect(office.get_by_test_id("move-request")).to_have_count(0)
    assert _home_of(resident.id) == tree.dongmei_building.id

    page.goto("/me")
    expect(page.get_by_test_id("pending-move")).to_have_count(0)


def test_logging_out_everywhere_ends_the_other_phones_login(page: Page, new_phone, make_user,
                                                             live_server):
    resident = make_user(name="王秀英")
    other = new_phone()
    log_in(page, resident.phone, live_server)
    log_in(other, resident.phone, live_server)
    other.goto("/me")
    expect(other).to_have_url(re.compile(r"/me$"))

    page.goto("/me")
    with page.expect_navigation():
        page.get_by_test_id("logout-everywhere").get_by_role("button").click()
    expect(page.locator(".flashes")).to_contain_text("已在所有设备上退出登录")

    other.goto("/me")  # the other phone's cookies are still there, but name an ended login
    expect(other).to_have_url(re.compile(r"/login"))
