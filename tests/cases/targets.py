"""Rows the route tables' URLs point at, in one community: a matter (dispatched to a grid
worker there), a category and a unit. Used by tests/test_access.py's _targets."""

from portal.cases import services
from portal.cases.models import CaseCategory
from portal.extensions import db


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
    db.session.flush()
    return {"case_id": case.id, "category_id": category.id, "unit_id": unit.id,
            "community_code": community.code}
