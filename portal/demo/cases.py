"""Demo 四单办结 in 新安路社区: a month of matters from the seeds, in every state. 桥头市场's
stalls blocking the road (with neighbours saying "me too"), a leaking roof reopened after a
不满意 and its 回访, two neighbours and a renovation drill, an e-bike shed that needed a
联席会议, a manhole cover fixed in 15 minutes, 赵桂兰's groceries and her kitchen pipe
claimed by a party member after door visits (the pipe at a visit portal/demo/contacts.py
logged), a policy question declined with a plain referral, a 12345 transfer, and
an overdue matter the 街道 was told of. 新安物业公司 takes its share; its contact logs in.

Idempotent: the people and the unit are made when missing, and the matters only while
新安路社区 has none.

Every step goes through the services, at a past time. Filing, 办结, 评单, 回访 and escalation
take that time as `now=`, so deadlines and marks are theirs; the other steps stamp the
present, so `Story` dates the rows each step wrote (timeline events, inbox messages, audit
entries, a decline's or withdrawal's closing time) to the step's time afterwards. The
escalation runs as cron would have, twice a day through the month and at every step, and
once more at the real time at the end: `flask cases escalate` right after seeding finds
nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.cases import services
from portal.cases.contact_models import DoorVisit
from portal.cases.models import Case, CaseCategory, CaseEvent, CaseUnit
from portal.cases.workdays import due_after, end_of_workday_after
from portal.clock import local_today, to_utc
from portal.demo import lookup
from portal.demo.community import DEMO_PASSWORD
from portal.extensions import db
from portal.inbox.models import Message
from portal.types import utcnow

UNIT_NAME = "新安物业公司"
#: (phone, name, home zone code, printed login label or None)
PEOPLE = [
    ("13900000006", "周建军", "DC-XA-02", "物业联系人 unit contact"),
    ("13900000016", "何建华", "DC-XA-02-03", None),
    ("13900000017", "孙丽娟", "DC-XA-03-06", None),
]
#: the services whose own `now=` dates what they write
TAKES_NOW = {"resolve", "rate", "revisit", "file_case"}
#: steps that close a matter at the present time
CLOSES = {"decline", "withdraw"}


def logins() -> list[tuple[str, str, str]]:
    return [(label, phone, name) for phone, name, _zone, label in PEOPLE if label]


def _people() -> None:
    password_hash = None
    for phone, name, zone_code, _label in PEOPLE:
        if lookup.user(phone) is None:
            password_hash = password_hash or generate_password_hash(DEMO_PASSWORD)
            db.session.add(User(phone=phone, name=name, home_zone=lookup.zone(zone_code),
                                password_hash=password_hash))
    db.session.flush()


def _unit(admin: User, community) -> CaseUnit:
    unit = db.session.scalar(select(CaseUnit).where(CaseUnit.community_id == community.id,
                                                    CaseUnit.name == UNIT_NAME))
    if unit is None:
        unit = services.save_unit(admin, None, community=community, name=UNIT_NAME,
                                  contact=lookup.user("13900000006"))
    return unit


@dataclass(order=True)
class _Step:
    when: datetime
    seq: int
    run: Callable[[datetime], object] = field(compare=False)


class Story:
    """The month's steps, run in time order with the escalation ticking between them."""

    def __init__(self, now: datetime):
        self.now, self.today = now, local_today(now)
        self.steps: list[_Step] = []
        self.cases: dict[str, Case] = {}
        self.categories = {c.name: c for c in db.session.scalars(
            select(CaseCategory).where(CaseCategory.community_id == lookup.zone("DC-XA").id))}

    def day(self, days_ago: int, at: str) -> datetime:
        hour, minute = map(int, at.split(":"))
        return to_utc(self.today - timedelta(days=days_ago), time(hour, minute))

    def _add(self, when: datetime, run) -> None:
        self.steps.append(_Step(when, len(self.steps), run))

    def file(self, name: str, when: datetime, actor: str, resident: str, category: str,
             zone: str, **fields) -> None:
        def run(at):
            self.cases[name] = services.file_case(
                lookup.user(actor), lookup.user(resident), category=self.categories[category],
                zone=lookup.zone(zone), now=at, **fields)
        self._add(when, run)

    def then(self, name: str, when: datetime, verb: str, actor: str, *args, **kwargs) -> None:
        def run(at):
            case = self.cases[name]
            extra = {"now": at} if verb in TAKES_NOW else {}
            people = [lookup.user(a) if a in PHONES else a for a in args]
            getattr(services, verb)(lookup.user(actor), case, *people, **kwargs, **extra)
            if verb in CLOSES:
                db.session.execute(update(Case).where(Case.id == case.id).values(closed_dt=at))
        self._add(when, run)

    def overdue_start(self, track_days: int, at_least: int) -> int:
        """Days ago to file a matter so that it is past its deadline and a working day more
        (escalated to the 街道) by now, whatever holidays fall in between."""
        days = at_least
        while end_of_workday_after(due_after(self.day(days, "08:10"), track_days)) \
                > self.now - timedelta(hours=12):
            days += 1
        return days

    def run(self) -> None:
        """Every step in time order, after the escalation at that moment; the escalation also
        at 08:00 and 18:00 each day, and at the end at the real time."""
        ticks = [self.day(d, at) for d in range(31, 0, -1) for at in ("08:00", "18:00")]
        for step in sorted(self.steps + [_Step(t, -1, lambda at: None) for t in ticks]):
            with _dated(step.when):
                services.escalate(step.when)
                step.run(step.when)
        services.escalate(self.now)
        db.session.flush()


@contextmanager
def _dated(when: datetime):
    """Date what the block wrote to `when`: the steps that take no `now=` stamp the present."""
    models = (CaseEvent, Message, AuditEvent)
    last = [db.session.scalar(select(func.max(model.id))) or 0 for model in models]
    yield
    db.session.flush()
    for model, before in zip(models, last, strict=True):
        db.session.execute(update(model).where(model.id > before).values(created_dt=when)
                           .execution_options(synchronize_session=False))


def seed_cases() -> None:
    xinan = lookup.zone("DC-XA")
    for code in ("DC-XA", "DC-DM"):
        services.seed_categories(lookup.zone(code))
    _people()
    admin = lookup.user("13900000005")
    unit = _unit(admin, xinan)
    if db.session.scalar(select(Case.id).where(Case.community_id == xinan.id).limit(1)):
        return
    leak = db.session.scalar(select(CaseCategory).where(CaseCategory.community_id == xinan.id,
                                                        CaseCategory.name == "房屋漏水"))
    if leak.unit_id is None:  # leaks go to the property company by default
        services.save_category(admin, leak, community=xinan, name=leak.name, track=leak.track,
                               days=leak.days, unit=unit)
    story = Story(utcnow())
    _month(story, unit)
    story.run()
    db.session.expire_all()


# phones: 王秀英 001, 李建国 002 (party member), 陈志强 003 (grid worker), 张丽 005 (admin),
# 周建军 006 (新安物业公司), 赵桂兰 011, 刘强 012, 吴海燕 014, 何建华 016, 孙丽娟 017
WANG, LI, CHEN, ZHANG, ZHOU = "13900000001", "13900000002", "13900000003", "13900000005", \
    "13900000006"
ZHAO, LIU, WU, HE, SUN = "13900000011", "13900000012", "13900000014", "13900000016", \
    "13900000017"
#: a step's argument that names a person (a handler) rather than a note
PHONES = {WANG, LI, CHEN, ZHANG, ZHOU, ZHAO, LIU, WU, HE, SUN}


def _month(s: Story, unit: CaseUnit) -> None:
    d = s.day
    # 桥头市场: stalls on the road every morning; neighbours join; closed, 满意
    s.file("market", d(27, "07:40"), LIU, LIU, "市场秩序", "DC-XA-01", public=True,
           title="桥头市场摊位占道，早高峰堵路", place="桥头市场东口",
           details="早上七点到九点，菜摊摆到了马路上，电动车和行人挤在一起，孩子上学很危险。")
    s.then("market", d(27, "12:05"), "join", WANG)
    s.then("market", d(27, "15:00"), "dispatch", ZHANG, CHEN, note="会同市场管理办处理")
    s.then("market", d(27, "15:20"), "accept", CHEN)
    s.then("market", d(26, "08:30"), "progress", CHEN,
           "早高峰会同市场管理办现场劝导，占道的 6 个摊主已挪回市场内。")
    s.then("market", d(26, "19:30"), "join", WU)
    s.then("market", d(26, "20:10"), "join", HE)
    s.then("market", d(25, "10:00"), "resolve", CHEN,
           "划了临时摊位线，周六早市由七色花志愿服务队在东口值守，劝导不占道。")
    s.then("market", d(24, "21:00"), "rate", LIU, rating="satisfied", resolution="solved",
           comment="早上终于能顺利过路了。")

    # the leaking roof: 新安物业公司 fixes it, 不满意, 回访 by 张丽, fixed again, 基本满意
    s.file("roof", d(25, "20:30"), WANG, WANG, "房屋漏水", "DC-XA-02-01", public=True,
           title="1栋顶楼卧室漏水", place="新安小区1栋顶楼",
           details="连续下雨后，顶楼卧室天花板渗水，墙皮起鼓，床头要放盆接水。")
    s.then("roof", d(24, "09:10"), "dispatch", ZHANG, None, unit=unit)
    s.then("roof", d(24, "09:40"), "accept", ZHOU)
    s.then("roof", d(23, "14:00"), "progress", ZHOU, "已上楼顶查看，防水层开裂，约定周六修补。")
    s.then("roof", d(21, "16:00"), "resolve", ZHOU, "楼顶开裂处已重新做了防水。")
    s.then("roof", d(20, "19:00"), "rate", WANG, rating="unsatisfied", resolution="partly",
           comment="卧室窗边还在滴水。")
    s.then("roof", d(19, "10:00"), "revisit", ZHANG,
           "上门回访：卧室窗边仍渗水，是窗框缝隙进水，需物业重新打胶。")
    s.then("roof", d(19, "10:30"), "dispatch", ZHANG, None, unit=unit, note="回访后重新派单")
    s.then("roof", d(19, "11:00"), "accept", ZHOU)
    s.then("roof", d(17, "15:00"), "resolve", ZHOU,
           "窗框外侧重新打胶，连续两天下雨观察，已经不漏。")
    s.then("roof", d(16, "20:00"), "rate", WANG, rating="basic", resolution="solved",
           comment="不漏了，墙皮还没补。")

    # renovation noise between neighbours: mediated, 办结, waiting for the rating
    s.file("noise", d(8, "21:40"), SUN, SUN, "邻里纠纷", "DC-XA-03-06", public=True,
           title="楼上装修噪音，周末一早就开钻", place="锦绣花园6栋",
           details="楼上在装修，周六周日早上七点就开始电钻，家里有老人和上网课的孩子。")
    s.then("noise", d(7, "09:00"), "dispatch", ZHANG, CHEN)
    s.then("noise", d(7, "09:30"), "accept", CHEN)
    s.then("noise", d(6, "19:00"), "progress", CHEN,
           "晚上上门分别听了两家的想法，约好周四一起坐下来谈。")
    s.then("noise", d(3, "20:00"), "resolve", CHEN,
           "两家在网格员调解下约定：工作日 8:30—12:00、14:00—18:00 施工，周末不用电钻；"
           "装修队留了负责人电话。")

    # the e-bike shed, raised at the 社区工作日 reception: 商办, the 联席会议 decides
    s.file("shed", d(15, "10:00"), ZHANG, WANG, "停车", "DC-XA-02", public=True,
           source="reception", title="想在小区建一个电动车充电车棚",
           place="新安小区1栋与2栋之间空地",
           details="社区工作日接待：1栋、2栋的电动车都推进楼道充电，晚上很危险，"
                   "希望建一个带充电桩的车棚。")
    s.then("shed", d(14, "19:20"), "join", LI)
    s.then("shed", d(12, "16:00"), "joint_decision", ZHANG,
           "联席会议（社区、新安物业公司、业委会、派出所）决定：在1栋与2栋之间空地建充电车棚，"
           "物业出资建设，费用从公共收益列支；施工前在小区公示 7 天。")
    s.then("shed", d(12, "16:30"), "dispatch", ZHANG, None, unit=unit, note="按联席会议决定实施")
    s.then("shed", d(11, "09:00"), "accept", ZHOU)
    s.then("shed", d(5, "10:00"), "progress", ZHOU,
           "公示期满无异议，车棚基础已浇筑，充电桩已订货。")
    s.then("shed", d(2, "11:00"), "extend", ZHOU, 5, "充电桩到货推迟，需要延期 5 个工作日安装。")

    # a broken manhole cover: 即办, fixed within 15 minutes, 满意
    s.file("manhole", d(13, "10:05"), HE, HE, "安全隐患", "DC-XA-02-03", public=True,
           title="3栋门口井盖破损", place="新安小区3栋单元门口",
           details="单元门口的井盖裂了一半，晚上看不清，容易踩空。")
    s.then("manhole", d(13, "10:07"), "dispatch", ZHANG, CHEN, note="安全隐患，即办")
    s.then("manhole", d(13, "10:09"), "accept", CHEN)
    s.then("manhole", d(13, "10:20"), "resolve", CHEN,
           "已设警示锥，市政抢修换上新井盖，15 分钟内处理完毕。")
    s.then("manhole", d(13, "18:00"), "rate", HE, rating="satisfied", resolution="solved",
           comment="处理得真快。")

    # 赵桂兰, living alone: a door visit files it, a party member claims it (抢单); never rated
    s.file("groceries", d(18, "10:30"), CHEN, ZHAO, "助老助残", "DC-XA-02-01", public=True,
           source="visit", title="独居老人需要帮忙买米、换灯泡",
           details="入户走访：赵阿姨独居，腿脚不便，厨房灯泡坏了，家里的米快吃完了。")
    s.then("groceries", d(18, "12:20"), "claim", LI)
    s.then("groceries", d(17, "18:30"), "progress", LI,
           "下班后上门换了厨房灯泡，约好周六带米过来。")
    s.then("groceries", d(15, "11:00"), "resolve", LI,
           "周六送来一袋大米和一桶油，留了电话，有事随时找。")

    # 陈志强's door visit of the past week (portal/demo/contacts.py): 赵桂兰's kitchen pipe
    # becomes a matter there, and a party member takes it on
    visit = db.session.scalar(select(DoorVisit).where(DoorVisit.household.contains("赵桂兰")))
    if visit is not None:
        ago = (s.today - visit.visited_on).days
        s.file("pipe", d(ago, "10:40"), CHEN, ZHAO, "助老助残", "DC-XA-02-01", public=True,
               source="visit", visit=visit, title="独居老人厨房水管渗水，想请人更换",
               details="入户走访：厨房水管老化渗水，老人自己弄不了，女儿每周才来一次。")
        s.then("pipe", d(ago, "12:10"), "claim", LI)
        s.then("pipe", d(max(ago - 1, 1), "19:00"), "progress", LI,
               "约了周六和水电师傅一起上门换水管，先关了厨房的总阀。")

    # a policy question the community cannot handle: declined, saying where to go
    s.file("allowance", d(10, "09:20"), WANG, WANG, "政策咨询", "DC-XA-02-01", public=True,
           title="母亲的高龄津贴怎么申请",
           details="母亲今年 80 岁，听说有高龄津贴，想问问怎么申请、要带什么材料。")
    s.then("allowance", d(10, "10:05"), "decline", ZHANG,
           "高龄津贴由东川街道民政办受理，社区不能办理。请带老人身份证、户口本和银行卡，"
           "到东川街道便民服务中心 3 号窗口申请（工作日 9:00—17:00）；"
           "老人行动不便的，可请网格员上门代收材料。")

    # a 12345 hotline transfer: 办结, rated 不满意 by phone, waiting for its 回访
    s.file("smoke", d(9, "09:00"), ZHANG, LIU, "市场秩序", "DC-XA-01", public=True,
           source="hotline", title="桥头市场夜市油烟扰民", place="桥头市场西侧临街",
           details="12345 热线转办：夜市烧烤摊的油烟飘进临街住户家里，晚上开不了窗。")
    s.then("smoke", d(9, "10:00"), "dispatch", ZHANG, CHEN)
    s.then("smoke", d(9, "10:30"), "accept", CHEN)
    s.then("smoke", d(6, "21:00"), "resolve", CHEN,
           "已劝导烧烤摊加装油烟净化器，摊位往西挪了十米。")
    s.then("smoke", d(5, "10:00"), "rate", ZHANG, rating="unsatisfied", resolution="partly",
           comment="油烟小了，但还是会飘进家里。", by_phone=True)

    # the stairwell full of old furniture: accepted, never finished: overdue, up to the 街道
    late = s.overdue_start(3, 12)
    s.file("stairs", d(late, "08:10"), LI, LI, "环境卫生", "DC-XA-02-02", public=True,
           title="2栋楼道堆满杂物，堵了消防通道", place="新安小区2栋楼道",
           details="2—5 楼楼道堆了旧家具和纸箱，消防通道被堵，老人上下楼不方便。")
    s.then("stairs", d(late, "09:00"), "dispatch", ZHANG, CHEN)
    s.then("stairs", d(late, "09:30"), "accept", CHEN)
    s.then("stairs", d(late - 1, "17:00"), "progress", CHEN,
           "已张贴限期清理通知，部分住户不同意搬走，需物业和消防一起上门。")

    # the latest: waiting for the handler, for a claimer, for dispatch; one withdrawn
    s.file("wall", d(2, "19:00"), HE, HE, "房屋漏水", "DC-XA-02-03", public=True,
           title="3栋外墙渗水", place="新安小区3栋西侧外墙",
           details="西侧外墙一下雨就往屋里渗水，墙角发霉。")
    s.then("wall", d(1, "09:00"), "dispatch", ZHANG, None, unit=unit)
    s.file("wheelchair", d(1, "20:00"), LIU, LIU, "助老助残", "DC-XA-01",
           title="请人陪母亲去社区医院复查",
           details="母亲坐轮椅，周四上午要去社区医院复查，我要上班，想请志愿者帮忙推一下轮椅。")
    s.file("bins", d(1, "07:50"), SUN, SUN, "环境卫生", "DC-XA-03-06", public=True,
           title="锦绣花园6栋垃圾桶满溢", place="锦绣花园6栋北侧垃圾站",
           details="垃圾桶两天没清运，已经满出来了，有异味。")
    s.file("gate", d(6, "08:00"), WU, WU, "停车", "DC-XA-03", public=True,
           title="锦绣花园门口车辆占消防通道", place="锦绣花园南门",
           details="南门消防通道上每天晚上都停着几辆私家车。")
    s.then("gate", d(5, "12:00"), "withdraw", WU, "物业已经协调车主挪走了，先撤回。")
