"""Rows the route tables' URLs point at, in one community: a matter (dispatched to a grid
worker there), a category and a unit. Used by tests/test_access.py's _targets."""

from datetime import timedelta

from portal.cases import apikeys, services
from portal.cases.models import CaseCategory
from portal.extensions import db
from portal.types import utcnow


def case_targets(make_user, community, grid, building, resident) -> dict:
    services.seed_categories(community)
    category = db.session.scalar(db.select(CaseCategory).where(
        CaseCategory.community_id == community.id, CaseCategory.name == "房屋漏水"))
    case = services.file_case(resident, resident, category=category, zone=building,
                              title="3号楼楼顶漏水", public=True)
    dispatcher = make_user("admin", zone=community, home=building)
    worker = make_user("coordinator", zone=grid, home=building)
    services.dispatch(dispatcher, case, worker)
    unit = services.save_unit(dispatcher, None, community=community, name="物业公司",
                              contact=make_user(home=building))
    start = utcnow() + timedelta(days=2)
    slot = services.save_slot(dispatcher, None, community=community, start_dt=start,
                              end_dt=start + timedelta(hours=2), place="党群服务中心",
                              hosts="书记", capacity=5)
    booking = services.book(resident, slot, "楼顶漏水")
    key, _token = apikeys.issue(dispatcher, community=community, holder=dispatcher,
                                label="12345 热线转办")
    db.session.flush()
    return {"case_id": case.id, "category_id": category.id, "unit_id": unit.id,
            "community_code": community.code, "slot_id": slot.id, "booking_id": booking.id,
            "api_key_id": key.id}
