"""Demo 微公约: 《新安路社区文明公约》, the seed's 24 things to do and 27 not to do (003: "约定了
24项正面导向和27项禁止类事项，由社区居民签字生效"), adopted by the 居民代表会议's vote three
days ago (portal/demo/council.py) and signed since, household by household: most on a phone,
four on the paper sheet the grid worker carried round, recorded with its photo. Residents of
新安路's buildings each live in a household; coverage differs by building.

Idempotent: households are joined when missing, the convention made only while 新安路 has none."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from portal import uploads
from portal.accounts.models import User
from portal.conventions import persuasion, services
from portal.conventions.models import Convention, Signature
from portal.council.meeting_models import AgendaItem
from portal.council.topic_models import Topic
from portal.demo import lookup
from portal.extensions import db
from portal.types import utcnow
from portal.zones.models import Zone

TITLE = "新安路社区文明公约"
PREAMBLE = ("为建设文明、和谐、美丽的新安路社区，经社区议事会协商、居民代表会议表决通过，"
            "制定本公约。本公约由居民以户签署后生效，全体居民共同遵守，"
            "由各小区推选的文明劝导员劝导提醒。")
DO = [
    "热爱祖国，遵守法律法规和社区各项规定。", "尊老爱幼，孝敬父母，关爱空巢和独居老人。",
    "邻里互助，见面问好，有事好商量。", "积极参加社区志愿服务和公益活动。",
    "垃圾分类投放，做到定时定点。", "爱护楼道、电梯、健身器材等公共设施。",
    "文明饲养宠物，外出牵绳，及时清理粪便。", "电动车在集中停放点停放、充电。",
    "机动车在划定车位内有序停放。", "装修提前向物业报备，在规定时间内施工。",
    "节约用水用电，倡导绿色出行。", "爱护花草树木，维护小区绿化。",
    "保持楼道整洁畅通，杂物及时清理。", "遵守消防规定，保持消防通道畅通。",
    "发现安全隐患及时向网格员或物业反映。", "参加居民会议和议事协商，理性表达诉求。",
    "按时缴纳物业费等应缴费用。", "移风易俗，婚丧事简办，文明祭扫。",
    "诚实守信，文明用语，礼让他人。", "依法出租房屋，及时登记租住人员信息。",
    "关心帮助残疾人和困难家庭。", "支持配合应急处置和防灾演练。",
    "文明上网，不信谣、不传谣。", "教育子女遵守公共秩序，爱护公共环境。",
]
DONT = [
    "不得高空抛物。", "不得在楼道、消防通道堆放杂物。",
    "不得将电动车推入楼道、电梯，不得飞线充电。", "不得占用消防通道和他人车位停车。",
    "不得乱扔垃圾、随地吐痰。", "不得毁坏绿化、在公共绿地种菜。",
    "不得私搭乱建、违规改变房屋结构。", "不得在公共区域乱贴乱画小广告。",
    "不得在22时至次日6时制造噪音扰民。", "不得在小区内燃放烟花爆竹。", "不得焚烧垃圾和纸钱。",
    "不得占道经营、乱摆摊点。", "不得饲养烈性犬等禁养犬只。", "不得任由宠物在公共区域便溺不清理。",
    "不得聚众赌博、搞封建迷信活动。", "不得酗酒滋事、打架斗殴。", "不得在楼道、电梯内吸烟。",
    "不得侵占、损坏公共设施。", "不得在窗台、阳台外沿摆放易坠物品。", "不得私拉电线、私接水管。",
    "不得将房屋出租给不登记身份的人员。", "不得在公共区域晾晒、堆放私人物品。",
    "不得虐待老人和儿童，不得家庭暴力。", "不得散布谣言、恶意诋毁他人。",
    "不得在小区内超速行车、乱鸣喇叭。", "不得参与传销和非法集资。",
    "不得阻挠社区公共事务的正常开展。",
]
#: households whose signature is on the paper sheet (elderly neighbours without a smartphone)
PAPER = {"13900000011", "13900000205", "13900000213", "13900000217"}
#: 劝导员, as the seed has it: 乡贤或老党员 chosen in each compound (phone)
PERSUADERS = ["13900000201", "13900000204"]
#: (劝导员's phone, index into DONT, place, note, days ago): no one persuaded is named
PERSUASIONS = [
    ("13900000204", 2, "锦绣花园5栋一楼楼道", "有人推电动车进楼道充电，劝导后推去集中停放点。", 2),
    ("13900000204", 2, "新安小区2栋电梯口", "电动车进电梯，劝导后退出。", 1),
    ("13900000201", 11, "桥头市场东侧人行道", "早市摊位摆到人行道上，劝导后收回到划线以内。", 1),
    ("13900000201", 3, "新安路辅道消防通道", "两辆车停在消防通道上，电话联系车主挪走。", 0),
    ("13900000204", 13, "新安小区中心花园", "遛狗未牵绳，提醒后牵上了。", 0),
]
#: households that have not signed yet
UNSIGNED = {"13900000016", "13900000207", "13900000214", "13900000215", "13900000219",
            "13900000220", "13900000224"}


def _households(community: Zone) -> list[User]:
    """Every resident of 新安路's buildings joins a household: (building, unit, room)."""
    people = list(db.session.scalars(
        select(User).join(Zone, Zone.id == User.home_zone_id)
        .where(Zone.kind == "building", Zone.path.startswith(community.path))
        .order_by(User.phone)))
    for n, person in enumerate(people):
        if services.household_of(person) is None:
            services.join_household(person, person.home_zone, str(1 + n % 2),
                                    f"{1 + n % 6}0{1 + n % 3}")
    return people


def _sheet_photo() -> str:
    """A photo of the signed paper sheet, as staff would upload it."""
    image = Image.new("RGB", (480, 640), "white")
    draw = ImageDraw.Draw(image)
    for y in range(80, 600, 40):
        draw.line((40, y, 440, y), fill=(120, 120, 120), width=2)
        draw.line((300, y - 30, 420, y - 8), fill=(20, 40, 140), width=3)  # a signature
    data = io.BytesIO()
    image.save(data, "JPEG")
    data.seek(0)
    return uploads.save_photo(FileStorage(data, "sheet.jpg", content_type="image/jpeg"),
                              "conventions", thumb=240)


def seed_conventions() -> None:
    community = lookup.zone("DC-XA")
    people = _households(community)
    if db.session.scalar(select(Convention.id).where(Convention.zone_id == community.id)):
        return
    admin, clerk = lookup.user("13900000005"), lookup.user("13900000003")
    items = [{"kind": "do", "text": t} for t in DO] + [{"kind": "dont", "text": t} for t in DONT]
    convention = services.create(admin, community, title=TITLE, preamble=PREAMBLE, items=items)
    version = convention.versions[0]
    passed = db.session.scalar(select(AgendaItem).join(Topic).where(
        Topic.community_id == community.id, Topic.title.like("《新安路社区文明公约》%"),
        AgendaItem.passed.is_(True)))
    if passed is not None:
        services.adopt(admin, version, on=passed.closed_dt.date(), item=passed)
    else:
        services.adopt(admin, version, on=utcnow().date(),
                       minutes="居民会议表决通过《新安路社区文明公约》，到会居民过半数同意。")
    photo = _sheet_photo()
    signed_at = utcnow() - timedelta(days=2)
    for n, person in enumerate(people):
        if person.phone in UNSIGNED:
            continue
        household = services.household_of(person)
        if person.phone in PAPER:
            services.record_paper(clerk, version, household, photo=photo, signer=person)
        else:
            services.sign(person, version)
        db.session.execute(update(Signature).where(
            Signature.version_id == version.id, Signature.household_id == household.id)
            .values(created_dt=signed_at + timedelta(hours=3 * n)))
    _persuasion(admin, community, version)
    db.session.flush()


def _persuasion(admin, community: Zone, version) -> None:
    """Two 劝导员 and what they logged since the convention took effect: the item, the place
    and what happened; never who, and never a point taken away."""
    for phone in PERSUADERS:
        persuasion.appoint(admin, community, lookup.user(phone))
    for phone, dont, place, note, days_ago in PERSUASIONS:
        row = persuasion.log(lookup.user(phone), version, item_index=len(DO) + dont,
                             place=place, note=note)
        row.created_dt = utcnow() - timedelta(days=days_ago, hours=3)
