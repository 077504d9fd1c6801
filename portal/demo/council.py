"""Demo 微议事 in 新安路社区: its 居民代表会议 of 25 representatives, one for each grid or
building, and topics at each step. The Saturday parking at 桥头市场, raised by 王秀英 and
backed by 20 neighbours, went through the branch, a week of comment (two versions of its
draft) and the representatives' meeting three days ago, where it passed with one paper ballot;
the draft 文明公约 passed at the same meeting (portal/demo/conventions.py adopts it). An
e-bike charging point is in comment now, a roof repair fund is collecting backers, a noise
complaint waits on the branch past its two working days, and a bus stop was moved up to the
街道.

Idempotent: the people are made when missing, the topics only while 新安路社区 has none. Every
step goes through the services at a past time (`now=`); the rows a step stamps with the
present (votes, their log, inbox messages) are dated afterwards."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from portal.accounts.models import User
from portal.clock import local_today, to_utc
from portal.council import drafts, meetings, outcomes, services, topics
from portal.council.meeting_models import Meeting, MeetingAttendance, Vote, VoteLog
from portal.council.models import Body
from portal.council.topic_models import Topic
from portal.demo import lookup
from portal.demo.community import DEMO_PASSWORD
from portal.extensions import db
from portal.inbox.models import Message
from portal.types import utcnow

COMMUNITY = "DC-XA"
BODY = "居民代表会议"
#: the 24 representatives besides 李建国 (13900000002): (phone, name, grid or building code)
REPRESENTATIVES = [
    ("13900000201", "马德福", "DC-XA-01"), ("13900000202", "杨淑芬", "DC-XA-01"),
    ("13900000203", "朱国庆", "DC-XA-01"), ("13900000204", "胡秀兰", "DC-XA-02-01"),
    ("13900000205", "郭建平", "DC-XA-02-01"), ("13900000206", "何玉梅", "DC-XA-02-01"),
    ("13900000207", "高志明", "DC-XA-02-02"), ("13900000208", "罗桂英", "DC-XA-02-02"),
    ("13900000209", "梁文华", "DC-XA-02-02"), ("13900000210", "宋春燕", "DC-XA-02-03"),
    ("13900000211", "谢国栋", "DC-XA-02-03"), ("13900000212", "韩秀珍", "DC-XA-02-03"),
    ("13900000213", "唐建新", "DC-XA-03-05"), ("13900000214", "冯丽萍", "DC-XA-03-05"),
    ("13900000215", "于海涛", "DC-XA-03-05"), ("13900000216", "董翠兰", "DC-XA-03-05"),
    ("13900000217", "萧永康", "DC-XA-03-06"), ("13900000218", "程玉兰", "DC-XA-03-06"),
    ("13900000219", "曹德明", "DC-XA-03-06"), ("13900000220", "袁素芳", "DC-XA-03-06"),
    ("13900000221", "邓卫东", "DC-XA-02"), ("13900000222", "许凤英", "DC-XA-03"),
    ("13900000223", "傅国强", "DC-XA-02-01"), ("13900000224", "沈桂芝", "DC-XA-02-02"),
]
PARTY_REP = ("13900000002", "DC-XA-02-02")  # 李建国, the demo's party member, is one of them
TERM_START = date(2024, 7, 1)
TERM_END = date(2027, 6, 30)

PARKING_DRAFT = [
    "桥头市场周六早市期间（6:00—12:00），市场东侧的新安路辅道设为临时停车区，"
    "划线停放约 30 个车位。",
    "电动车统一停放在市场北门的集中停放点，由七色花志愿服务队安排 2 名志愿者引导。",
    "市场管理方在入口设置告示牌，早市结束后 30 分钟内清空临时车位，恢复通行。",
    "试行三个月，由网格员收集居民意见，期满后提交居民代表会议评估。",
]
PARKING_REVISED = [
    PARKING_DRAFT[0],
    "电动车统一停放在市场北门的集中停放点，由七色花志愿服务队安排 2 名志愿者引导，"
    "志愿者参加执勤按规定记积分。",
    PARKING_DRAFT[2],
    "临时停车区两端各留出 3 米消防通道，任何时候不得占用。",
    PARKING_DRAFT[3],
]
PARKING_COMMENTS = [
    (0, "13900000011", "早上 6 点太早了，能不能 6 点半以后再划临时车位？"),
    (1, "13900000204", "志愿者引导很好，建议给参加执勤的志愿者记积分。"),
    (2, "13900000012", "消防通道一定要留出来，上次救护车就进不来。"),
]
CHARGING_DRAFT = [
    "在锦绣花园 5 栋和 6 栋之间的空地建设电动车集中充电棚，设 40 个充电口。",
    "充电按实际用电计费，由物业代收，价格在公示栏公布。",
    "充电棚建成后，楼道内一律不得停放电动车、不得飞线充电。",
]
CHARGING_COMMENTS = [
    (0, "13900000214", "空地旁边是儿童游乐区，充电棚要离远一点，装上防火隔断。"),
    (2, "13900000001", "老人的代步车也请一起考虑，别一刀切。"),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return to_utc(day, time(hour, minute))


def _people() -> list:
    password_hash = None
    for phone, name, zone_code in REPRESENTATIVES:
        if lookup.user(phone) is None:
            password_hash = password_hash or generate_password_hash(DEMO_PASSWORD)
            db.session.add(User(phone=phone, name=name, home_zone=lookup.zone(zone_code),
                                password_hash=password_hash))
    db.session.flush()
    return [(lookup.user(phone), code) for phone, _n, code in REPRESENTATIVES]


def seed_council() -> None:
    community = lookup.zone(COMMUNITY)
    admin, coordinator = lookup.user("13900000005"), lookup.user("13900000003")
    for code in (COMMUNITY, "DC-DM"):
        services.seed_bodies(lookup.zone(code))
    body = db.session.scalar(select(Body).where(Body.community_id == community.id,
                                                Body.name == BODY))
    reps = _people() + [(lookup.user(PARTY_REP[0]), PARTY_REP[1])]
    for person, code in reps:
        services.add_member(admin, body, person, zone=lookup.zone(code),
                            term_start=TERM_START, term_end=TERM_END)
    if db.session.scalar(select(Topic.id).where(Topic.community_id == community.id)):
        return
    today = local_today(utcnow())
    parking, convention = _parking(community, admin, [p for p, _c in reps], today)
    _meeting(body, admin, coordinator, [parking, convention], today)
    _charging(community, admin, today)
    _waiting(community, admin, [p for p, _c in reps], today)


def _parking(community, admin, reps, today) -> tuple[Topic, Topic]:
    """王秀英's topic, from proposal to the meeting's agenda, and the convention's draft."""
    start = today - timedelta(days=35)
    resident = lookup.user("13900000001")
    topic = topics.propose(
        resident, title="桥头市场周六早市临时停车", now=_at(start, 9),
        problem="每周六早市，桥头市场门口的新安路被买菜的车停满，电动车堵住人行道，"
                "上周救护车进不来，老人过马路很危险。",
        proposal="\n".join(PARKING_DRAFT))
    backers = reps[:19] + [lookup.user("13900000011")]
    for n, person in enumerate(backers):
        topics.back(person, topic, now=_at(start + timedelta(days=1 + n // 8), 8 + n % 8))
    topics.review(admin, topic, "accept", "涉及居民出行和市场秩序，属于社区可以协商解决的事项。",
                  now=_at(start + timedelta(days=4), 10))
    draft = drafts.open_comment(admin, topic, 7, now=_at(start + timedelta(days=5), 9))
    for n, (paragraph, phone, text) in enumerate(PARKING_COMMENTS):
        drafts.comment(lookup.user(phone), draft, paragraph, text,
                       now=_at(start + timedelta(days=6 + n), 20))
    revised = drafts.revise(admin, topic, "\n".join(PARKING_REVISED))
    revised.created_dt = _at(start + timedelta(days=13), 10)
    convention = topics.raise_directly(
        admin, community, source="staff", title="《新安路社区文明公约》草案",
        problem="社区议事会经三次讨论，形成 24 项应当做到、27 项不得去做的文明公约草案，"
                "提请居民代表会议表决，通过后由居民以户签署生效。",
        proposal="表决通过《新安路社区文明公约》，在各小区公示栏张贴，并组织居民以户签署。",
        now=_at(start + timedelta(days=20), 9))
    topics.review(lookup.user("13900000009"), convention, "accept",
                  now=_at(start + timedelta(days=21), 9))
    return topic, convention


def _meeting(body, admin, clerk, agenda, today) -> None:
    """Three days ago at 19:00 in the 党群服务中心: 21 of 25 present (one by proxy), the
    parking passed 17 for, 2 against, 2 abstaining; the convention passed 19 for."""
    day = today - timedelta(days=3)
    start = _at(day, 19)
    meeting = meetings.schedule(admin, body, title=f"{day.month}月居民代表会议", start_dt=start,
                                place="新安路社区党群服务中心二楼会议室", topics=agenda,
                                now=start - timedelta(days=10))
    members = services.serving(body, day)
    present = members[:21]
    for member in present[:18]:
        meetings.attend(member.user, meeting, member)
    meetings.attend(clerk, meeting, present[18], method="clerk")
    meetings.attend(clerk, meeting, present[19], method="clerk")
    meetings.attend(clerk, meeting, present[20], method="proxy",
                    note=f"{present[20].user.name}住院，书面委托邻居马德福代为出席表决")
    parking, convention = meeting.items
    choices = ["yes"] * 17 + ["no"] * 2 + ["abstain"] * 2
    _vote(admin, clerk, parking, present, choices, changed=present[3])
    _vote(admin, clerk, convention, present, ["yes"] * 19 + ["abstain"] * 2)
    for n, item in enumerate((parking, convention)):
        meetings.close_vote(clerk, item, now=start + timedelta(minutes=50 + 30 * n))
    for n, row in enumerate(db.session.scalars(select(MeetingAttendance).where(
            MeetingAttendance.meeting_id == meeting.id).order_by(MeetingAttendance.id))):
        row.created_dt = start - timedelta(minutes=25 - n)  # at the door, 18:35 to 18:55
    later = start + timedelta(minutes=40)
    db.session.execute(update(Vote).where(Vote.item_id.in_([parking.id, convention.id]))
                       .values(updated_dt=later))
    db.session.execute(update(VoteLog).where(VoteLog.item_id.in_([parking.id, convention.id]))
                       .values(created_dt=later))
    outcomes.add_progress(admin, parking.topic,
                          "网格员和市场管理方在新安路辅道划出 30 个临时车位，两端留出消防通道，"
                          "七色花志愿服务队排好了周六引导班次，本周六起试行三个月。",
                          now=start + timedelta(days=2))
    invited = Message.dedupe_key.like(f"council:meeting:{meeting.id}:%")
    db.session.execute(update(Message).where(invited).values(created_dt=start - timedelta(days=10)))
    db.session.flush()


def _vote(admin, clerk, item, present, choices, changed=None) -> None:
    """Each present member votes on the phone, but the last, whose paper ballot the clerk enters
    and the admin confirms; `changed` first voted against, then for."""
    meetings.open_vote(clerk, item)
    for member, choice in zip(present[:-1], choices[:-1], strict=True):
        if member is changed:
            meetings.cast(member.user, item, "no")
        meetings.cast(member.user, item, choice)
    paper = meetings.enter_paper(clerk, item, present[-1], choices[-1])
    meetings.confirm_paper(admin, paper)


def _charging(community, admin, today) -> None:
    """In comment now: the e-bike charging shed, its draft open for five more days."""
    start = today - timedelta(days=6)
    raiser = lookup.user("13900000214")
    topic = topics.raise_directly(
        raiser, community, source="representative", title="锦绣花园建设电动车集中充电棚",
        problem="锦绣花园 5、6 栋楼道里停满电动车，晚上飞线充电，上个月 5 栋楼道起过火。",
        proposal="\n".join(CHARGING_DRAFT), now=_at(start, 10))
    topics.review(admin, topic, "accept", now=_at(start + timedelta(days=1), 9))
    draft = drafts.open_comment(admin, topic, 7, now=_at(today - timedelta(days=2), 9))
    for n, (paragraph, phone, text) in enumerate(CHARGING_COMMENTS):
        drafts.comment(lookup.user(phone), draft, paragraph, text,
                       now=_at(today - timedelta(days=1), 19 + n))


def _waiting(community, admin, reps, today) -> None:
    """A topic collecting backers, one overdue at the branch, one moved up to the 街道."""
    roof = topics.propose(
        lookup.user("13900000016"), title="新安小区3栋楼顶防水维修",
        problem="3栋楼顶防水层老化，顶楼四户每逢下雨就漏水，维修资金怎么出需要大家商量。",
        proposal="申请使用住宅专项维修资金，不足部分由受益户分摊。", now=_at(today, 8))
    for n, person in enumerate(reps[9:17]):
        topics.back(person, roof, now=_at(today, 9 + n // 2))
    noise = topics.propose(
        lookup.user("13900000017"), title="桥头市场凌晨卸货噪音",
        problem="凌晨四点货车在市场门口卸货、鸣喇叭，锦绣花园临街住户睡不好。",
        proposal="与市场协商卸货时间改到 5 点半以后，卸货区移到市场西门。",
        now=_at(today - timedelta(days=9), 20))
    for n, person in enumerate(reps[:20]):
        topics.back(person, noise, now=_at(today - timedelta(days=8), 8 + n // 4))
    bus = topics.raise_directly(
        lookup.user("13900000002"), community, source="representative",
        title="东川路公交站台迁移", problem="东川路公交站台离小区门口 600 米，老人走过去很吃力。",
        proposal="建议把站台往东迁 300 米，靠近新安小区北门。",
        now=_at(today - timedelta(days=14), 9))
    topics.review(admin, bus, "move_up", "公交站点设置由区交通部门决定，已报东川街道协调。",
                  now=_at(today - timedelta(days=13), 15))


def first_meeting() -> Meeting | None:
    community = lookup.zone(COMMUNITY)
    return db.session.scalar(select(Meeting).join(Body).where(Body.community_id == community.id)
                             .order_by(Meeting.start_dt).limit(1))
