"""Categories and units (the community admin's), and the 街道's overdue board."""

import re

import pytest
from sqlalchemy import func, select

from portal.cases import services
from portal.cases.models import Case, CaseCategory, CaseUnit
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import once


def categories_of(zone):
    return {c.name: c for c in db.session.scalars(
        select(CaseCategory).where(CaseCategory.community_id == zone.id))}


# ------------------------------------------------------------------ categories


def test_default_categories_for_a_community_that_has_none(client, auth, admin, tree):
    auth.login(admin)
    html = client.get("/staff/cases/categories").get_data(as_text=True)
    assert "新安路社区" in html and "添加默认类别" in html
    response = client.post(f"/staff/cases/categories/defaults?community={tree.xinan.code}",
                           data=once(), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已添加 8 个默认类别" in html and "房屋漏水" in html and "限时办 5 个工作日" in html
    assert "群众点单" in html and "添加默认类别" not in html
    assert len(categories_of(tree.xinan)) == 8 and not categories_of(tree.dongmei)
    again = client.post(f"/staff/cases/categories/defaults?community={tree.xinan.code}",
                        data=once(), follow_redirects=True)
    assert "默认类别都已经有了" in again.get_data(as_text=True)
    assert len(categories_of(tree.xinan)) == 8


def test_add_and_edit_a_category(client, auth, admin, make_user, tree):
    auth.login(admin)
    unit = services.save_unit(admin, None, community=tree.xinan, name="桥头市场管理所",
                              contact=make_user(name="市场管理员"))
    db.session.commit()
    form = {"name": "占道经营", "track": "timed", "days": "2", "unit": str(unit.id),
            "claimable": "", "is_active": "y"}
    response = client.post(f"/staff/cases/categories/new?community={tree.xinan.code}",
                           data={**once(), **form}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "类别已保存" in html and "占道经营" in html and "默认：桥头市场管理所" in html
    category = categories_of(tree.xinan)["占道经营"]
    assert (category.track, category.days, category.unit_id) == ("timed", 2, unit.id)
    edit = client.get(f"/staff/cases/categories/{category.id}").get_data(as_text=True)
    assert 'value="占道经营"' in edit
    client.post(f"/staff/cases/categories/{category.id}", data={
        **once(), **form, "track": "instant", "days": "5", "unit": "0", "is_active": ""})
    db.session.refresh(category)
    assert (category.track, category.days, category.unit_id, category.is_active) == (
        "instant", 0, None, False)
    assert "已停用" in client.get("/staff/cases/categories").get_data(as_text=True)


@pytest.mark.parametrize("change, words", [
    ({"name": ""}, "这一项必须填写"),
    ({"name": "停"}, "类别名称 2 到 20 个字"),
    ({"name": "停车"}, "已经有同名的类别了"),
    ({"days": "61"}, "请填 0 到 60 之间的整数"),
    ({"days": "abc"}, "请填 0 到 60 之间的整数"),
    ({"days": "99999999999999999999"}, "请填 0 到 60 之间的整数"),
    ({"track": "slow"}, "请从列表中选择"),
])
def test_bad_category_input_changes_nothing(client, auth, admin, categories, tree, change,
                                            words):
    auth.login(admin)
    data = {"name": "占道经营", "track": "timed", "days": "2", "unit": "0", "is_active": "y"}
    data.update(change)
    response = client.post(f"/staff/cases/categories/new?community={tree.xinan.code}",
                           data={**once(), **data})
    assert response.status_code == 200 and words in response.get_data(as_text=True)
    assert len(categories_of(tree.xinan)) == 8


def test_a_unit_of_another_community_is_refused(client, auth, admin, categories, make_user,
                                                tree):
    elsewhere = services.save_unit(make_user("admin", zone=tree.dongmei), None,
                                   community=tree.dongmei, name="东梅物业",
                                   contact=make_user(home=tree.dongmei_building))
    db.session.commit()
    auth.login(admin)
    leak = categories["房屋漏水"]
    html = client.post(f"/staff/cases/categories/{leak.id}", data={
        **once(), "name": "房屋漏水", "track": "timed", "days": "5",
        "unit": str(elsewhere.id), "is_active": "y"}).get_data(as_text=True)
    assert "请选择本社区的辖区单位" in html
    db.session.refresh(leak)
    assert leak.unit_id is None


def test_categories_are_the_admins_own(client, auth, gridworker, categories, make_user, tree):
    leak = categories["房屋漏水"]
    auth.login(gridworker)  # a grid worker does not edit categories
    assert client.get("/staff/cases/categories").status_code == 403
    assert client.get("/staff/cases/units").status_code == 403
    auth.logout()
    auth.login(make_user("admin", zone=tree.dongmei))
    assert client.get(f"/staff/cases/categories/{leak.id}").status_code == 403
    response = client.post(f"/staff/cases/categories/{leak.id}", data={
        **once(), "name": "改名", "track": "timed", "days": "1", "unit": "0"})
    assert response.status_code == 403
    assert client.get(f"/staff/cases/categories?community={tree.xinan.code}").status_code == 404
    html = client.get("/staff/cases/categories").get_data(as_text=True)
    assert "东梅社区" in html and "新安路社区" not in html
    db.session.refresh(leak)
    assert leak.name == "房屋漏水"


def test_a_street_admin_switches_between_communities(client, auth, street_admin, categories,
                                                     tree):
    auth.login(street_admin)
    html = client.get("/staff/cases/categories").get_data(as_text=True)
    assert "东梅社区" in html and "新安路社区" in html
    dongmei = client.get(f"/staff/cases/categories?community={tree.dongmei.code}")
    assert "添加默认类别" in dongmei.get_data(as_text=True)
    assert client.get("/staff/cases/categories?community=NOPE").status_code == 404


# ------------------------------------------------------------------ units


def test_add_and_edit_a_unit(client, auth, admin, make_user, tree):
    contact = make_user(name="物业周经理")
    auth.login(admin)
    assert "还没有辖区单位" in client.get("/staff/cases/units").get_data(as_text=True)
    html = client.post(f"/staff/cases/units/new?community={tree.xinan.code}", data={
        **once(), "name": "新安物业公司", "contact_phone": contact.phone, "is_active": "y"},
        follow_redirects=True).get_data(as_text=True)
    assert "单位已保存" in html and "新安物业公司" in html and "物业周经理" in html
    unit = db.session.scalar(select(CaseUnit))
    assert unit.contact_id == contact.id and unit.community_id == tree.xinan.id
    assert contact.phone in client.get(f"/staff/cases/units/{unit.id}").get_data(as_text=True)
    client.post(f"/staff/cases/units/{unit.id}", data={
        **once(), "name": "新安物业服务中心", "contact_phone": contact.phone, "is_active": ""})
    db.session.refresh(unit)
    assert (unit.name, unit.is_active) == ("新安物业服务中心", False)


@pytest.mark.parametrize("change, words", [
    ({"contact_phone": "13800000000"}, "请填写联系人的手机号"),
    ({"contact_phone": ""}, "这一项必须填写"),
    ({"name": "x"}, "单位名称 2 到 40 个字"),
    ({"name": "x" * 41}, "最多 40 个字"),
])
def test_bad_unit_input_changes_nothing(client, auth, admin, make_user, tree, change, words):
    contact = make_user()
    auth.login(admin)
    data = {"name": "新安物业公司", "contact_phone": contact.phone, "is_active": "y"}
    data.update(change)
    response = client.post(f"/staff/cases/units/new?community={tree.xinan.code}",
                           data={**once(), **data})
    assert response.status_code == 200 and words in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CaseUnit.id))) == 0


def test_units_of_another_community_are_out_of_reach(client, auth, admin, make_user, tree):
    unit = services.save_unit(admin, None, community=tree.xinan, name="新安物业公司",
                              contact=make_user())
    db.session.commit()
    auth.login(make_user("admin", zone=tree.dongmei))
    assert client.get(f"/staff/cases/units/{unit.id}").status_code == 403
    assert client.post(f"/staff/cases/units/{unit.id}", data={
        **once(), "name": "改名", "contact_phone": "13900000000"}).status_code == 403
    assert "新安物业公司" not in client.get("/staff/cases/units").get_data(as_text=True)


# ------------------------------------------------------------------ the overdue board


@pytest.fixture
def escalated(file, categories, make_user, tree):
    """escalated(title, community="xinan", open=True): a matter moved up to the 街道."""
    services.seed_categories(tree.dongmei)
    db.session.commit()

    def factory(title, community="xinan", still_open=True, days_late=2):
        if community == "xinan":
            case = file(title=title, now=utcnow())
        else:
            person = make_user(home=tree.dongmei_building)
            case = services.file_case(person, person, zone=tree.dongmei_building, title=title,
                                      category=categories_of(tree.dongmei)["环境卫生"])
        row = db.session.get(Case, case.id)
        from datetime import timedelta

        row.due_dt = utcnow() - timedelta(days=days_late)
        row.overdue_dt = row.escalated_dt = utcnow() - timedelta(days=days_late - 1)
        if not still_open:
            row.status = "withdrawn"
        db.session.commit()
        return row

    return factory


def test_the_street_sees_every_community_oldest_first(client, auth, street_admin, escalated):
    escalated("新安楼顶漏水", days_late=2)
    escalated("新安市场占道", days_late=5)
    escalated("东梅垃圾清运", community="dongmei")
    escalated("已经撤回的事项", still_open=False)
    auth.login(street_admin)
    html = client.get("/staff/cases/overdue").get_data(as_text=True)
    assert "东梅社区" in html and "新安路社区" in html and "已经撤回的事项" not in html
    assert html.index("东梅垃圾清运") < html.index("新安市场占道") < html.index("新安楼顶漏水")
    assert re.search(r"已超期 \d+ 天 · 时限", html) and "2 件" in html


def test_a_community_admin_sees_only_theirs(client, auth, admin, escalated, make_user, tree):
    escalated("新安楼顶漏水")
    escalated("东梅垃圾清运", community="dongmei")
    auth.login(admin)
    html = client.get("/staff/cases/overdue").get_data(as_text=True)
    assert "新安楼顶漏水" in html and "东梅垃圾清运" not in html
    auth.logout()
    auth.login(make_user("superadmin"))
    html = client.get("/staff/cases/overdue").get_data(as_text=True)
    assert "新安楼顶漏水" in html and "东梅垃圾清运" in html
    auth.logout()
    auth.login(make_user())
    assert client.get("/staff/cases/overdue").status_code == 403
