"""Fixtures the 微公约 tests share: the community's admin, and a convention of two items
adopted by the 居民会议's minutes (a file may keep its own variant)."""

from datetime import date

import pytest

from portal.conventions import services
from portal.extensions import db

ITEMS = [{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"},
         {"kind": "dont", "text": "在楼道堆放杂物、停放电动车"}]


@pytest.fixture
def admin(make_user, tree):
    return make_user("admin", zone=tree.xinan, name="张丽")


@pytest.fixture
def adopted(admin, tree):
    convention = services.create(admin, tree.xinan, title="新安路社区居民公约",
                                 preamble="为了共建美好家园……", items=ITEMS)
    version = convention.versions[0]
    services.adopt(admin, version, on=date(2026, 11, 20), minutes="居民会议到会 212 户，通过。")
    db.session.commit()
    return version
