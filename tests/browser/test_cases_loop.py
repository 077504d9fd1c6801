"""四单办结 in a real browser at 390x844, the whole loop on three phones and a fourth for the
public: a resident files a matter with a photo (提单), the community's admin dispatches it from
the desk (派单) to the grid worker, who accepts it (接单), writes a progress note and marks it
办结 (办单); the resident is not satisfied (评单), so it reopens, the admin (not the handler)
makes the follow-up visit (回访) and dispatches it again; the grid worker resolves it again and
the resident is satisfied, so it closes, and anyone sees it, masked, on the community's public
台账. The matter's pages (resident's, handler's, staff's) pass axe in normal and large text
and never scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.cases import services
from portal.cases.models import Case, CaseEvent
from portal.extensions import db
from tests.browser.a11y import axe_violations
from tests.browser.helpers import assert_no_horizontal_overflow, flash, log_in, submit
from tests.helpers import jpeg_bytes

pytestmark = pytest.mark.browser

TITLE = "3号楼楼顶漏水"


@pytest.fixture
def people(make_user, tree):
    """王秀英 who lives in 新安小区1栋, 张丽 the community's admin, 陈志强 the grid worker (a
    coordinator over 新安小区网格), and the seeds' default categories in 新安路社区."""
    services.seed_categories(tree.xinan)
    db.session.commit()
    return {"resident": make_user(name="王秀英"),
            "admin": make_user("admin", zone=tree.xinan, name="张丽"),
            "gridworker": make_user("coordinator", zone=tree.xinan_grid, name="陈志强")}


def check_both_text_sizes(page: Page) -> None:
    """axe finds nothing and nothing scrolls sideways on the current URL, in large and then
    normal text; the page is left in normal text."""
    url = page.url
    for size in ("large", "normal"):
        page.context.add_cookies([{"name": "text_size", "value": size, "url": url}])
        page.goto(url)
        expect(page.locator("html")).to_have_class(f"{size}-text")
        assert_no_horizontal_overflow(page)
        found = axe_violations(page)
        assert found == [], f"axe, {size} text, {url}:\n" + "\n".join(found)


def status(page: Page):
    return expect(page.get_by_test_id("case-status"))


def photo_loaded(page: Page, alt: str) -> bool:
    image = page.get_by_role("img", name=alt)
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def open_from_desk(office: Page, case_id: int) -> None:
    """The admin picks the matter on the desk's 待派单 tab."""
    office.goto("/staff/cases/")
    expect(office.get_by_test_id("desk-tabs").locator("[aria-current=page]")).to_contain_text(
        "待派单")
    row = office.get_by_test_id("desk").locator("li").filter(has_text=TITLE)
    with office.expect_navigation():
        row.get_by_role("link").click()
    expect(office).to_have_url(re.compile(rf"/staff/cases/{case_id}$"))


def dispatch_to(office: Page, name: str) -> None:
    """The admin sends the matter on the page to `name`, a grid worker."""
    office.get_by_label("派给", exact=True).select_option(label=f"{name}（网格员）")
    office.get_by_label("派单说明（可不填）").fill("请今天上门查看")
    submit(office, "派单")
    expect(flash(office)).to_contain_text("已派单")
    expect(office.get_by_test_id("case-handler")).to_have_text(name)


def accept_and_resolve(worker: Page, reply: str, progress: str | None = None) -> None:
    """The grid worker finds the matter in 我的任务, accepts it, and marks it 办结."""
    worker.goto("/cases/tasks")
    with worker.expect_navigation():
        worker.get_by_test_id("my-tasks").get_by_role("link").filter(has_text=TITLE).click()
    status(worker).to_have_text("待接单")
    submit(worker, "接单")
    expect(flash(worker)).to_contain_text("已接单")
    status(worker).to_have_text("办理中")
    if progress:
        worker.get_by_test_id("progress-form").locator("summary").click()
        worker.get_by_label("办理进展", exact=True).fill(progress)
        submit(worker, "保存进展")
        expect(flash(worker)).to_contain_text("进展已记录")
    worker.get_by_label("办理结果", exact=True).fill(reply)
    submit(worker, "标记办结")
    expect(flash(worker)).to_contain_text("已办结")
    status(worker).to_have_text("已办结，待评价")


def rate(page: Page, rating: str, resolution: str, comment: str = "") -> None:
    form = page.get_by_test_id("rate-form")
    form.get_by_label(rating, exact=True).check()
    form.get_by_label(resolution, exact=True).check()
    if comment:
        form.get_by_label("想说的话（可不填）").fill(comment)
    submit(page, "提交评价")
    expect(flash(page)).to_contain_text("谢谢您的评价")


def test_file_dispatch_handle_rate_revisit_and_close(page: Page, new_phone, people, tree,
                                                     live_server, tmp_path):
    resident, admin, gridworker = people["resident"], people["admin"], people["gridworker"]
    photo = tmp_path / "roof.jpg"
    photo.write_bytes(jpeg_bytes().getvalue())

    # 提单: the resident picks the kind of matter and where (her building by default), then
    # fills in the rest with a photo, and agrees to the public 晒账.
    log_in(page, resident.phone, live_server)
    page.goto("/cases/new")
    page.get_by_label("房屋漏水", exact=True).check()
    expect(page.get_by_label("在哪个网格或楼栋")).to_have_value(str(tree.xinan_building.id))
    assert_no_horizontal_overflow(page)
    submit(page, "下一步")
    expect(page.get_by_test_id("similar")).to_contain_text("附近还没有同类的未办结事项")
    page.get_by_label("事项标题").fill(TITLE)
    page.get_by_label("情况说明（可不填）").fill("下雨时顶楼卧室漏水，墙皮已经脱落。")
    page.get_by_label("具体位置（可不填）").fill("3号楼 601")
    page.get_by_label("照片（可不传）").set_input_files(str(photo))
    page.get_by_label("可以在社区晒账公示（隐去姓名）").check()
    assert_no_horizontal_overflow(page)
    submit(page, "提交事项")
    expect(flash(page)).to_contain_text("事项已提交")
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_id = int(page.url.rsplit("/", 1)[1])
    status(page).to_have_text("待派单")
    assert photo_loaded(page, "事项照片 1")
    check_both_text_sizes(page)

    # 派单: the admin finds it on the desk, sees the photo and the resident's phone, and sends
    # it to the grid worker.
    office = new_phone()
    log_in(office, admin.phone, live_server)
    open_from_desk(office, case_id)
    expect(office.get_by_test_id("contact")).to_contain_text(resident.phone)
    expect(office.get_by_test_id("case")).to_contain_text("居民同意公开")
    assert photo_loaded(office, "事项照片 1")
    check_both_text_sizes(office)  # with the 派单 form
    dispatch_to(office, gridworker.name)

    # 接单 and 办单: the grid worker accepts it, writes what he found, and marks it done. His
    # page (the resident's page with a handler's forms) holds up in both text sizes too.
    worker = new_phone()
    log_in(worker, gridworker.phone, live_server)
    worker.goto("/cases/tasks")
    expect(worker.get_by_test_id("my-tasks")).to_contain_text(TITLE)
    assert_no_horizontal_overflow(worker)
    worker.get_by_test_id("my-tasks").get_by_role("link").filter(has_text=TITLE).click()
    expect(worker.get_by_test_id("case-phone")).to_have_text(resident.phone)
    check_both_text_sizes(worker)
    accept_and_resolve(worker, "已请物业重新铺设楼顶防水层。",
                       progress="已联系物业，周六上楼顶查看防水层。")

    # 评单, not satisfied: she still sees a damp patch; the matter reopens for a follow-up visit.
    page.goto(f"/cases/{case_id}")
    status(page).to_have_text("已办结，待评价")
    expect(page.get_by_test_id("case-reply")).to_contain_text("重新铺设楼顶防水层")
    check_both_text_sizes(page)  # with the rating form's radios
    rate(page, "不满意", "部分解决", "卧室窗边还在渗水。")
    status(page).to_have_text("待回访")
    expect(page.get_by_test_id("rate-form")).to_have_count(0)

    # 回访 by the admin (not the handler), and it goes back to the desk to be dispatched again.
    office.goto("/staff/cases/?tab=revisit")
    with office.expect_navigation():
        office.get_by_test_id("desk").get_by_role("link").filter(has_text=TITLE).click()
    expect(office.get_by_test_id("case-status")).to_have_text("待回访")
    expect(office.get_by_test_id("outcome")).to_contain_text("不满意（部分解决）：卧室窗边还在渗水。")
    check_both_text_sizes(office)  # with the 回访 form
    office.get_by_label("回访情况").fill("上门查看：卧室窗边仍渗水，需要重新修补窗台。")
    submit(office, "回访完成")
    expect(flash(office)).to_contain_text("回访已记录")
    expect(office.get_by_test_id("case-status")).to_have_text("待派单")
    expect(office.get_by_test_id("case-handler")).to_have_text("还没有")
    open_from_desk(office, case_id)
    dispatch_to(office, gridworker.name)

    accept_and_resolve(worker, "窗台重新打胶修补，雨后复查不再渗水。")

    # 评单, satisfied: the matter is closed, and its timeline tells the whole story in order.
    page.goto(f"/cases/{case_id}")
    expect(page.get_by_test_id("case-reply")).to_contain_text("窗台重新打胶修补")
    rate(page, "满意", "已解决", "谢谢陈师傅。")
    status(page).to_have_text("已结案")
    expect(page.get_by_test_id("case-rating")).to_contain_text("满意（已解决）：谢谢陈师傅。")
    steps = page.get_by_test_id("case-events").locator("li > strong")
    expect(steps).to_have_text(["提交事项", "派单", "接单", "办理进展", "办结", "评价",
                                "重新打开", "回访", "派单", "接单", "办结", "评价"])
    check_both_text_sizes(page)

    # 晒账: anyone, not logged in, finds it on the community's public 台账 with its category,
    # grid, her surname, the outcome and her rating; never its title, place, photo or her phone.
    visitor = new_phone()
    visitor.goto("/cases/public")
    community = visitor.get_by_test_id("communities").get_by_role("link").filter(
        has_text="新安路社区")
    expect(community).to_contain_text("本月公示 1 件")
    with visitor.expect_navigation():
        community.click()
    expect(visitor).to_have_url(f"{live_server}/cases/public/{tree.xinan.code}")
    row = visitor.get_by_test_id("public-matter")
    expect(row).to_have_count(1)
    for shown in ("房屋漏水", "已结案", "新安小区网格", "反映人：王**", "窗台重新打胶修补",
                  "居民评价：满意（已解决）"):
        expect(row).to_contain_text(shown)
    # the month's ratings count, as the page explains: her 不满意 and then her 满意
    expect(visitor.get_by_test_id("satisfaction")).to_have_text("50%")
    expect(visitor.get_by_test_id("public-figures")).to_contain_text("满意率 （1/2）")
    body = visitor.locator("main").inner_text()
    for private in (TITLE, "3号楼 601", "顶楼卧室", resident.phone, resident.name):
        assert private not in body
    expect(visitor.locator("main img")).to_have_count(0)
    assert_no_horizontal_overflow(visitor)

    db.session.rollback()  # the server thread wrote it
    case = db.session.get(Case, case_id)
    assert (case.status, case.rating, case.resolution, case.reopen_count, case.public) == (
        "closed", "satisfied", "solved", 1, True)
    assert (case.handler_id, case.resident_id) == (gridworker.id, resident.id)
    assert len(case.photos) == 1
    revisit = db.session.query(CaseEvent).filter_by(case_id=case_id, kind="revisited").one()
    assert revisit.actor_id == admin.id
