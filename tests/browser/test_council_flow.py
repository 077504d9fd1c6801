"""微议事 in a real browser at 390x844, a topic from proposal to published result on phones:
a resident proposes a topic on /council/new; two neighbours back it (联署) until the
community's threshold; the community's admin, for the party branch, accepts it (定议题) and
opens its draft to comment (定内容); a resident taps "评论这一段" on a paragraph and comments
on it. The admin schedules a meeting of the 居民代表会议; its four representatives scan the
rotating code at the door (decoded from the screen with zxing) and the desk's live count
shows the quorum reached without a reload. The admin opens the vote; three members vote on
their phones (one changes her vote), the fourth hands in a paper ballot which the coordinator
enters and the admin (a second staff member) confirms; the vote closes with its counts; and
anyone, not logged in, sees the result on the public 公示 page. The key pages pass axe in
normal and large text and never scroll sideways."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.clock import local
from portal.council import services
from portal.council.meeting_models import AgendaItem, MeetingAttendance, Vote, VoteLog
from portal.council.topic_models import Topic, TopicBacker, TopicComment
from portal.extensions import db
from portal.types import utcnow
from tests.browser.a11y import axe_violations
from tests.browser.helpers import (
    assert_no_horizontal_overflow,
    flash,
    log_in,
    read_qr,
    submit,
)

pytestmark = pytest.mark.browser

TITLE = "桥头市场周六早市停车"
PROPOSAL = ("周六早上7点到11点，市场东侧划出临时停车区。\n"
            "电动车统一停到2号楼北面的车棚。\n"
            "请志愿者在路口引导。")


@pytest.fixture
def people(make_user, tree, live_app, monkeypatch):
    """王秀英 who proposes, 张丽 the community's admin (for the party branch, and who keeps
    the bodies), 陈志强 a coordinator who clerks the meeting, and the 居民代表会议 with four
    representatives of 新安小区1栋 (two of whom back the topic). Backing needs two residents
    here: the live server reads COUNCIL_BACKING_THRESHOLD when a topic is proposed."""
    monkeypatch.setitem(live_app.config, "COUNCIL_BACKING_THRESHOLD", 2)
    admin = make_user("admin", zone=tree.xinan, name="张丽")
    body = services.save_body(admin, None, community=tree.xinan, name="居民代表会议")
    names = ("李桂芳", "赵建国", "孙秀兰", "周海涛")
    members = [make_user(name=name) for name in names]
    for person in members:
        services.add_member(admin, body, person, zone=tree.xinan_building,
                            term_start=date.today() - timedelta(days=30))
    db.session.commit()
    return {"resident": make_user(name="王秀英"), "admin": admin,
            "clerk": make_user("coordinator", zone=tree.xinan, name="陈志强"),
            "members": members}


def check_both_text_sizes(page: Page) -> None:
    """axe finds nothing and nothing scrolls sideways on the current URL, in large and then
    normal text; the page is left in normal text. (Without its #fragment: going to the same
    URL with one only scrolls, it does not load the page again.)"""
    url = page.url.split("#", 1)[0]
    for size in ("large", "normal"):
        page.context.add_cookies([{"name": "text_size", "value": size, "url": url}])
        page.goto(url)
        expect(page.locator("html")).to_have_class(f"{size}-text")
        assert_no_horizontal_overflow(page)
        found = axe_violations(page)
        assert found == [], f"axe, {size} text, {url}:\n" + "\n".join(found)


def stage(page: Page):
    return expect(page.get_by_test_id("topic-stage"))


def scan_in(door: Page, phone: Page, meeting_id: int) -> None:
    """The member's camera reads the code on the door's screen (shown fresh) and opens it."""
    door.goto(f"/staff/council/meetings/{meeting_id}/code")
    url = read_qr(door, "meeting-qr")
    expect(door.get_by_test_id("code-url")).to_have_text(url)  # what is typed if no camera
    assert re.match(rf"^http://portal\.test/council/meetings/a/a\.{meeting_id}\.\d+\.", url), url
    phone.goto(url.removeprefix("http://portal.test"))
    expect(flash(phone)).to_contain_text("签到成功")
    expect(phone.get_by_test_id("present")).to_be_visible()


def vote(phone: Page, choice: str) -> None:
    with phone.expect_navigation():
        phone.get_by_test_id("agenda-item").get_by_role("button", name=choice,
                                                       exact=True).click()
    expect(flash(phone)).to_contain_text(f"已记下您的表决：{choice}")
    expect(phone.get_by_test_id("my-choice")).to_contain_text(f"您现在的选择：{choice}")


def test_a_topic_from_proposal_through_the_meeting_to_the_published_result(
        page: Page, new_phone, people, tree, live_server):
    resident, admin, clerk, members = (people["resident"], people["admin"], people["clerk"],
                                       people["members"])

    # 提议题: the resident writes the topic, one suggestion a line (the draft's paragraphs).
    log_in(page, resident.phone, live_server)
    page.goto("/council/new")
    page.get_by_label("议题标题").fill(TITLE)
    page.get_by_label("遇到的问题").fill("周六早市电动车和汽车停满路边，救护车进不来。")
    page.get_by_label("建议的办法（可不填）").fill(PROPOSAL)
    assert_no_horizontal_overflow(page)
    submit(page, "提出议题")
    expect(flash(page)).to_contain_text("议题已提出")
    expect(page).to_have_url(re.compile(r"/council/\d+$"))
    topic_id = int(page.url.rsplit("/", 1)[1])
    stage(page).to_have_text("联署中")
    expect(page.get_by_test_id("backing")).to_contain_text("已有 0 位居民联署，需要 2 位")
    check_both_text_sizes(page)

    # 联署: two neighbours (who happen to be representatives too) back it on its page; the
    # second backing reaches the threshold and sends it to the party branch.
    phones = []
    for member in members:
        phone = new_phone()
        log_in(phone, member.phone, live_server)
        phones.append(phone)
    for phone in phones[:2]:
        phone.goto(f"/council/{topic_id}")
        with phone.expect_navigation():
            phone.get_by_test_id("back").click()
        expect(flash(phone)).to_contain_text("已联署，谢谢您的支持")
    stage(phones[1]).to_have_text("待立项")
    expect(phones[1].get_by_test_id("backing")).to_contain_text("已有 2 位居民联署，需要 2 位")

    # 定议题: the admin accepts it for the branch, then opens the draft to comment.
    office = new_phone()
    log_in(office, admin.phone, live_server)
    office.goto(f"/staff/council/{topic_id}")
    expect(office.get_by_test_id("topic")).to_contain_text("2 / 2")
    check_both_text_sizes(office)  # with the review form
    office.get_by_test_id("review-form").get_by_label("立项", exact=True).check()
    submit(office, "保存审核结果")
    expect(flash(office)).to_contain_text("审核结果已保存")
    office.get_by_label("征求意见几天").fill("7")
    submit(office, "开始征求意见")
    expect(flash(office)).to_contain_text("草案已公开征求意见")

    # 定内容: the resident taps the second paragraph (no text selection) and comments on it.
    page.goto(f"/council/{topic_id}")
    stage(page).to_have_text("征求意见")
    paragraphs = page.get_by_test_id("paragraph-link")
    expect(paragraphs).to_have_count(3)
    with page.expect_navigation():
        paragraphs.nth(1).get_by_text("评论这一段").click()
    form = page.get_by_test_id("comment-form")
    expect(form).to_be_visible()
    check_both_text_sizes(page)  # with the comment form open under the paragraph
    page.get_by_label("对这一段的意见").fill("车棚晚上要有灯，不然老人不敢去停。")
    submit(page, "提交对第 2 段的意见")
    expect(flash(page)).to_contain_text("意见已提交")
    expect(page.get_by_role("list", name="第 2 段的意见")).to_contain_text(
        "车棚晚上要有灯，不然老人不敢去停。")
    expect(paragraphs.nth(1)).to_contain_text("评论这一段（1 条意见）")

    # 开会: the admin schedules the 居民代表会议 for now, with the topic on its agenda.
    office.goto("/staff/council/meetings/new")
    now = local(utcnow())
    office.get_by_label("议事机构").select_option(label="居民代表会议")
    office.get_by_label("会议名称").fill("十二月居民代表会议")
    office.get_by_label("日期").fill(now.strftime("%Y-%m-%d"))
    office.get_by_label("开始时间").fill(now.strftime("%H:%M"))
    office.get_by_label("地点").fill("党群服务中心二楼会议室")
    office.get_by_label(TITLE).check()
    assert_no_horizontal_overflow(office)
    submit(office, "安排会议")
    expect(flash(office)).to_contain_text("会议已安排")
    expect(office).to_have_url(re.compile(r"/staff/council/meetings/\d+$"))
    meeting_id = int(office.url.rsplit("/", 1)[1])
    quorum = office.get_by_test_id("quorum")
    expect(quorum).to_contain_text("到会 0 / 应到 4，法定 3 人")
    expect(quorum).to_contain_text("未达到法定人数，还差 3 人")

    # 扫码签到: the coordinator shows the rotating code at the door; each member's phone
    # reads it. The admin's desk, left open, counts them without a reload.
    door = new_phone()
    log_in(door, clerk.phone, live_server)
    for phone in phones:
        scan_in(door, phone, meeting_id)
    assert_no_horizontal_overflow(door)
    office.evaluate("window.sameDesk = true")  # gone if the page reloads
    expect(quorum).to_contain_text("到会 4 / 应到 4，法定 3 人", timeout=15_000)
    expect(quorum).to_contain_text("已达到法定人数，可以表决")
    assert office.evaluate("window.sameDesk") is True
    office.reload()
    expect(office.get_by_test_id("attendance").locator("li")).to_have_count(4)
    check_both_text_sizes(office)  # the desk with its attendance list

    # 表决: the admin opens the vote; three members vote on their phones, one of them
    # changing her mind before the close.
    submit(office, "开始表决")
    expect(flash(office)).to_contain_text("表决已开始")
    for phone in phones:
        phone.goto(f"/council/meetings/{meeting_id}")
    check_both_text_sizes(phones[0])  # the member's page with its vote buttons
    vote(phones[0], "同意")
    vote(phones[1], "反对")
    vote(phones[1], "同意")  # a vote is changed until the close
    vote(phones[2], "弃权")

    # 纸质票: 周海涛 votes on paper; the coordinator enters it, the admin confirms it.
    desk = door
    desk.goto(f"/staff/council/meetings/{meeting_id}")
    desk.get_by_text("录入纸质票").click()
    desk.get_by_label("投纸质票的成员").select_option(label="周海涛")
    desk.get_by_label("表决意见").select_option(label="同意")
    submit(desk, "录入")
    expect(flash(desk)).to_contain_text("纸质票已录入")
    ballots = desk.get_by_test_id("ballots")
    expect(ballots).to_contain_text("周海涛：同意")
    expect(ballots).to_contain_text("您录入的，请另一位工作人员确认")
    expect(ballots.get_by_role("button", name="核对无误")).to_have_count(0)
    office.goto(f"/staff/council/meetings/{meeting_id}")
    expect(office.get_by_test_id("live-count")).to_contain_text(
        "同意 3 · 反对 0 · 弃权 1 · 纸质票待确认 1")
    submit(office, "核对无误")
    expect(flash(office)).to_contain_text("纸质票已核对确认")
    expect(office.get_by_test_id("ballots")).to_have_count(0)

    # 计票: the admin closes the vote; three of four present agree, two thirds and more.
    submit(office, "结束表决并计票")
    expect(flash(office)).to_contain_text("表决结束：通过")
    result = office.get_by_test_id("result")
    expect(result).to_contain_text("通过")
    expect(result).to_contain_text("同意 3 · 反对 0 · 弃权 1")
    expect(result).to_contain_text("到会 4 / 应到 4")
    expect(result).to_contain_text("需同意 3 票")
    phones[1].goto(f"/council/meetings/{meeting_id}")
    expect(phones[1].get_by_test_id("result")).to_contain_text("通过")
    expect(phones[1].get_by_role("button", name="反对")).to_have_count(0)  # a closed vote

    # 公示: anyone, not logged in, sees the result and its counts, and no names (the body
    # does not vote by roll call).
    visitor = new_phone()
    visitor.goto(f"/council/outcomes/{topic_id}")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    public = visitor.get_by_test_id("result")
    expect(public.locator(".result-word")).to_have_text("通过")
    expect(public).to_contain_text("同意 3 · 反对 0 · 弃权 1")
    expect(public).to_contain_text("到会 4 / 应到 4")
    expect(visitor.get_by_test_id("roll-call")).to_have_count(0)
    body = visitor.locator("main").inner_text()
    for private in (resident.name, *(m.name for m in members)):
        assert private not in body
    check_both_text_sizes(visitor)

    # the resident's topic page links to it
    page.goto(f"/council/{topic_id}")
    expect(page.get_by_test_id("meeting").get_by_test_id("result")).to_have_text("通过")
    with page.expect_navigation():
        page.get_by_test_id("outcome-link").click()
    expect(page).to_have_url(f"{live_server}/council/outcomes/{topic_id}")

    db.session.rollback()  # the server thread wrote it
    topic = db.session.get(Topic, topic_id)
    assert (topic.status, topic.backers, topic.threshold) == ("accepted", 2, 2)
    assert db.session.scalar(select(func.count(TopicBacker.id))) == 2
    comment = db.session.scalars(select(TopicComment)).one()
    assert (comment.paragraph, comment.user_id) == (1, resident.id)
    item = db.session.scalars(select(AgendaItem).where(AgendaItem.topic_id == topic_id)).one()
    assert (item.vote, item.passed, item.quorate) == ("closed", True, True)
    assert (item.members, item.present, item.yes, item.no, item.abstain) == (4, 4, 3, 0, 1)
    assert db.session.scalar(select(func.count(MeetingAttendance.id)).where(
        MeetingAttendance.method == "scan")) == 4
    assert db.session.scalar(select(func.count(Vote.id))) == 4  # one current vote each
    paper = db.session.scalars(select(Vote).where(Vote.paper.is_(True))).one()
    assert (paper.entered_by_id, paper.confirmed_by_id) == (clerk.id, admin.id)
    # the log keeps the changed vote: 4 from phones (one a change), the paper entry, its check
    assert db.session.scalar(select(func.count(VoteLog.id))) == 6
