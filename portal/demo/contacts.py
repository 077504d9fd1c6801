"""Demo 社区工作日 and door visits in 新安路社区: a reception at the 党群服务中心 every Tuesday
morning for the next three weeks (王秀英 has booked the first), and 陈志强's visits of the past
week."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from portal.cases import services
from portal.cases.contact_models import DoorVisit, ReceptionSlot
from portal.clock import local_today, to_utc
from portal.demo import lookup
from portal.extensions import db
from portal.types import utcnow

#: (days ago, building code, household, note)
VISITS = (
    (6, "DC-XA-02-01", "1栋 302 赵桂兰家",
     "独居老人，腿脚不便，厨房水管老化渗水，想请人更换；平时女儿每周来一次。"),
    (3, "DC-XA-02-03", "3栋 楼道",
     "楼道堆放旧家具和纸箱，挡住消防通道，已提醒住户三天内清走。"),
    (1, "DC-XA-01", "桥头市场东入口",
     "周六早市摊贩占道，电动车停到路中间；和市场办约好下周一起劝导。"),
)


def seed_contacts() -> None:
    admin, worker = lookup.user("13900000005"), lookup.user("13900000003")
    community = lookup.zone("DC-XA")
    now = utcnow()
    today = local_today(now)
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    for week in range(3):
        day = tuesday + timedelta(weeks=week)
        start = to_utc(day, time(9))
        slot = db.session.scalar(select(ReceptionSlot).where(
            ReceptionSlot.community_id == community.id, ReceptionSlot.start_dt == start))
        if slot is None:
            slot = services.save_slot(admin, None, community=community, start_dt=start,
                                      end_dt=to_utc(day, time(11, 30)),
                                      place="党群服务中心一楼接待室",
                                      hosts="书记 张丽、网格长 陈志强", capacity=10)
            if week == 0:
                services.book(lookup.user("13900000001"), slot, "3栋楼道灯不亮，晚上上楼看不见")
    if db.session.scalar(select(DoorVisit.id).where(DoorVisit.worker_id == worker.id)) is None:
        for days_ago, code, household, note in VISITS:
            services.log_visit(worker, zone=lookup.zone(code), household=household,
                               visited_on=today - timedelta(days=days_ago), note=note,
                               now=now)
    db.session.flush()
