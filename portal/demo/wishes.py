"""Demo 微心愿: a wheelchair for 赵桂兰 posted after a home visit, a tap to fix, a hospital
visit already done and thanked, and a school bag waiting for review."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.clock import local_today
from portal.demo import lookup
from portal.extensions import db
from portal.types import utcnow
from portal.wishes import services
from portal.wishes.models import Wish


def seed_wishes() -> None:
    if db.session.scalar(select(Wish.id).limit(1)) is not None:
        return
    today = local_today(utcnow())
    coordinator, member = lookup.user("13900000003"), lookup.user("13900000002")
    elderly, resident, liu, wu = (lookup.user(p) for p in ("13900000011", "13900000001",
                                                     "13900000012", "13900000014"))

    def wish(actor, poster, title, kind, value, days, description, **consent):
        return services.post_wish(actor, poster, title=title, kind=kind, value_yuan=value,
                                  deadline=today + timedelta(days=days), description=description,
                                  **consent)

    chair = wish(coordinator, elderly, "想要一辆折叠轮椅", "item", 280, 30,
                 "独居老人，腿脚不便，下楼去菜市场很吃力。希望有一辆能折叠、放得进电梯的轮椅。",
                 consent_name=True)
    services.review(coordinator, chair, approve=True)
    phone = wish(resident, resident, "想学用智能手机视频通话", "service", 0, 14,
                 "孙子在外地上学，想学会用微信视频和他聊天。周末下午都在家。")
    services.review(coordinator, phone, approve=True)
    tap = wish(resident, resident, "帮忙修一下厨房水龙头", "service", 30, 10,
               "厨房水龙头一直滴水，关不紧。", consent_name=True)
    services.review(coordinator, tap, approve=True)
    services.claim(member, tap)
    services.add_progress(member, tap, "已电话联系王阿姨，周六上午带工具上门。")
    visit = wish(coordinator, liu, "陪同去社区医院复查", "service", 0, 7,
                 "腰伤复查，需要有人陪同挂号、取药。", consent_name=True, consent_photo=False)
    services.review(coordinator, visit, approve=True)
    services.claim(member, visit)
    services.fulfil(member, visit, "11月20日上午陪同到社区医院复查，帮忙挂号、取药，已送回家。")
    services.confirm(liu, visit, 5, "谢谢李书记，耐心又细心。")
    wish(wu, wu, "孩子的书包坏了，想要一个新书包", "item", 80, 20,
         "孩子上小学三年级，书包带子断了。")
