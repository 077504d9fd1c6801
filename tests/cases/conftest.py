"""Matter fixtures in 新安路社区: 王秀英 who files, 张丽 the admin who dispatches, 陈志强 the grid
worker, 黄志永 the 街道's admin, and the seeds' default categories."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.cases import services
from portal.cases.models import CaseCategory
from portal.extensions import db

#: a Tuesday morning in Shanghai (2026-11-10 09:00 +08:00): no holiday near it
TUESDAY = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def resident(make_user):
    return make_user(name="王秀英")


@pytest.fixture
def admin(make_user, tree):
    return make_user("admin", zone=tree.xinan, name="张丽")


@pytest.fixture
def gridworker(make_user, tree):
    return make_user("coordinator", zone=tree.xinan_grid, name="陈志强")


@pytest.fixture
def street_admin(make_user, tree):
    return make_user("admin", zone=tree.street, name="黄志永")


@pytest.fixture
def categories(tree):
    services.seed_categories(tree.xinan)
    db.session.commit()
    return {c.name: c for c in db.session.scalars(
        select(CaseCategory).where(CaseCategory.community_id == tree.xinan.id))}


@pytest.fixture
def file(resident, categories, tree):
    """file(name="房屋漏水", **fields): a matter 王秀英 files online, committed."""

    def factory(category="房屋漏水", who=None, now=TUESDAY, **fields):
        values = {"title": "3号楼楼顶漏水", "details": "下雨时顶楼卧室漏水。",
                  "zone": tree.xinan_building, "place": "3号楼 601", "public": True}
        values.update(fields)
        person = who or resident
        case = services.file_case(person, person, category=categories[category], now=now,
                                  **values)
        db.session.commit()
        return case

    return factory
