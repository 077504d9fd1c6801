"""The staff pages for matters, by form: the dispatch desk, a matter's staff page and the
community's steps on it (派单, 开放认领, 改派, 不予受理, 回访, 联席会议决定, 电话评价); who
is refused; bad input changes nothing; the desk keeps a flat query count."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.cases import services
from portal.cases.models import Case, CaseEvent
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import once
from tests.helpers import jpeg_bytes, messages


@pytest.fixture
def fresh(file):
    """file(...), filed now: deadlines lie ahead, so nothing is overdue by itself."""

    def factory(*args, **kwargs):
        kwargs.setdefault("now", utcnow())
        return file(*args, **kwargs)

    return factory


@pytest.fixture
def dongmei_case(make_user, tree):
    """A matter of 东梅社区, filed by one of its residents."""
    services.seed_categories(tree.dongmei)
    db.session.commit()
    from portal.cases.models import CaseCategory

    category = db.session.scalar(select(CaseCategory).where(
        CaseCategory.community_id == tree.dongmei.id, CaseCategory.name == "环境卫生"))
    person = make_user(home=tree.dongmei_building, name="东梅居民")
    case = services.file_case(person, person, category=category, zone=tree.dongmei_building,
                              title="东梅8栋垃圾清运不及时")
    db.session.commit()
    return case


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def step(client, case, path, **data):
    return client.post(f"/staff/cases/{case.id}/{path}", data={**once(), **data},
                       follow_redirects=True)


def events_of(case, kind):
    return db.session.scalar(select(func.count(CaseEvent.id)).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == kind))


# ------------------------------------------------------------------ the desk


def test_the_desk_lists_each_tab_in_scope(client, auth, admin, gridworker, fresh, dongmei_case):
    leak = fresh()
    help_out = fresh("助老助残", title="帮独居老人换灯泡")
    sent = fresh("环境卫生", title="楼道堆放杂物")
    services.dispatch(admin, sent, gridworker)
    db.session.commit()
    auth.login(admin)
    html = page(client, "/staff/cases/")  # 待派单 first
    assert "3号楼楼顶漏水" in html and leak.number in html and "房屋漏水" in html
    assert "新安小区网格" in html and "还没有办理人" in html and "今天登记" in html
    assert "帮独居老人换灯泡" not in html and "楼道堆放杂物" not in html
    assert "东梅8栋垃圾清运不及时" not in html  # another community's
    assert "帮独居老人换灯泡" in page(client, "/staff/cases/?tab=pool")
    handling = page(client, "/staff/cases/?tab=handling")
    assert "楼道堆放杂物" in handling and "办理：陈志强" in handling
    everything = page(client, "/staff/cases/?tab=all")
    assert all(t in everything for t in ("3号楼楼顶漏水", "帮独居老人换灯泡", "楼道堆放杂物"))
    assert "东梅8栋垃圾清运不及时" not in everything
    assert help_out.number in everything
    # junk tabs and pages fall back, never a 500
    assert "3号楼楼顶漏水" in page(client, "/staff/cases/?tab=nope&page=99999999999999")


def test_overdue_is_said_in_words_and_escalated_has_its_tab(client, auth, admin, fresh):
    late = fresh(title="楼顶漏水已超期")
    fresh(title="刚刚登记的事项")
    late_row = db.session.get(Case, late.id)
    late_row.due_dt = utcnow() - timedelta(days=2)
    late_row.overdue_dt = late_row.escalated_dt = utcnow() - timedelta(days=1)
    db.session.commit()
    auth.login(admin)
    overdue = page(client, "/staff/cases/?tab=overdue")
    assert "楼顶漏水已超期" in overdue and "刚刚登记的事项" not in overdue
    assert re.search(r"已超期 2 天 · 时限", overdue)  # words, not only the red
    assert "楼顶漏水已超期" in page(client, "/staff/cases/?tab=escalated")
    assert "已上报街道" in page(client, f"/staff/cases/{late.id}")


def test_the_desk_is_for_staff_in_scope(client, auth, make_user, gridworker, fresh, tree):
    fresh()
    auth.login(make_user(name="普通居民"))
    assert client.get("/staff/cases/").status_code == 403
    auth.logout()
    auth.login(make_user("clerk", zone=tree.xinan))
    assert client.get("/staff/cases/").status_code == 403
    auth.logout()
    auth.login(gridworker)  # a grid worker sees the desk of their grid
    assert "3号楼楼顶漏水" in page(client, "/staff/cases/")
    auth.logout()
    auth.login(make_user("coordinator", zone=tree.dongmei))
    assert "3号楼楼顶漏水" not in page(client, "/staff/cases/?tab=all")


def test_the_dashboard_links_the_desk(client, auth, gridworker, make_user, tree):
    auth.login(gridworker)
    assert "/staff/cases/" in page(client, "/staff/")
    auth.logout()
    auth.login(make_user("clerk", zone=tree.xinan))
    assert "/staff/cases/" not in page(client, "/staff/")


@pytest.mark.parametrize("path", ["/staff/cases/?tab=all", "/staff/cases/overdue"])
def test_lists_keep_a_flat_query_count(client, auth, admin, gridworker, fresh, count_queries,
                                       path):
    def add(n):
        for i in range(n):
            case = fresh(title=f"事项{i:02d}")
            if i % 2:
                services.dispatch(admin, case, gridworker)
            row = db.session.get(Case, case.id)
            row.overdue_dt = row.escalated_dt = utcnow()
        db.session.commit()

    auth.login(admin)
    add(3)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add(27)
    with count_queries() as many:
        html = client.get(path).get_data(as_text=True)
    assert "事项20" in html or "事项00" in html
    assert many.count == few.count, many.statements


# ------------------------------------------------------------------ a matter's staff page


def test_the_staff_page_shows_the_whole_record(client, auth, admin, resident, fresh):
    case = fresh(details="下雨时顶楼卧室漏水。")
    auth.login(admin)
    html = page(client, f"/staff/cases/{case.id}")
    assert "王秀英" in html and resident.phone in html and "下雨时顶楼卧室漏水" in html
    assert "新安小区1栋" in html and "3号楼 601" in html and "居民网上提交" in html
    assert 'data-testid="dispatch-form"' in html and "开放认领" in html and "不予受理" in html
    assert "联席会议" not in html  # 房屋漏水 is 限时办, not 商办
    assert "办理记录" in html and "登记" in html


def test_a_grid_worker_sees_it_but_takes_no_community_step(client, auth, gridworker, fresh):
    case = fresh()
    auth.login(gridworker)
    html = page(client, f"/staff/cases/{case.id}")
    assert "王秀英" in html and 'data-testid="dispatch-form"' not in html
    assert "派单、回访和电话评价由社区管理员办理" in html
    response = client.post(f"/staff/cases/{case.id}/dispatch",
                           data={**once(), "to": f"user-{gridworker.id}"})
    assert response.status_code == 403
    assert client.post(f"/staff/cases/{case.id}/decline",
                       data={**once(), "reason": "不归社区管，请打12345"}).status_code == 403
    assert db.session.get(Case, case.id).status == "new"


def test_another_community_cannot_open_or_dispatch(client, auth, make_user, fresh, gridworker,
                                                   tree):
    case = fresh()
    auth.login(make_user("admin", zone=tree.dongmei))
    assert client.get(f"/staff/cases/{case.id}").status_code == 403
    response = client.post(f"/staff/cases/{case.id}/dispatch",
                           data={**once(), "to": f"user-{gridworker.id}"})
    assert response.status_code == 403
    assert db.session.get(Case, case.id).status == "new"
    assert client.get("/staff/cases/999999").status_code == 404


def test_dispatch_to_a_person_and_to_a_unit(client, auth, admin, gridworker, make_user, fresh,
                                            tree):
    case = fresh()
    auth.login(admin)
    html = step(client, case, "dispatch", to=f"user-{gridworker.id}",
                note="请周三前上门查看").get_data(as_text=True)
    assert "已派单" in html
    row = db.session.get(Case, case.id)
    assert row.status == "dispatched" and row.handler_id == gridworker.id
    assert messages(gridworker, "case.dispatched")
    assert "请周三前上门查看" in html  # in the record

    contact = make_user(name="物业周经理")
    unit = services.save_unit(admin, None, community=tree.xinan, name="新安物业公司",
                              contact=contact)
    db.session.commit()
    other = fresh(title="2号楼漏水")
    html = page(client, f"/staff/cases/{other.id}")
    assert "新安物业公司（物业周经理）" in html and f'value="unit-{unit.id}"' in html
    step(client, other, "dispatch", to=f"unit-{unit.id}")
    row = db.session.get(Case, other.id)
    assert (row.handler_id, row.unit_id) == (contact.id, unit.id)


@pytest.mark.parametrize("target", ["", "user-abc", "user-99999999999999999999", "unit-999",
                                    "unit-0", "robot-1", "user-", "-1"])
def test_a_bad_dispatch_changes_nothing(client, auth, admin, fresh, target):
    case = fresh()
    auth.login(admin)
    response = step(client, case, "dispatch", to=target)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "flash-error" in html
    assert "请选择一位可以办理" in html or "请选择本社区的辖区单位" in html
    assert db.session.get(Case, case.id).status == "new"


def test_dispatch_to_someone_who_may_not_handle_it(client, auth, admin, resident, make_user,
                                                   fresh, tree):
    case = fresh()
    auth.login(admin)
    for person in (resident, make_user(home=tree.dongmei_building),
                   make_user("coordinator", zone=tree.dongmei)):
        html = step(client, case, "dispatch", to=f"user-{person.id}").get_data(as_text=True)
        assert "请选择一位可以办理这件事项的人员" in html
    assert db.session.get(Case, case.id).status == "new"


def test_a_double_tap_dispatches_once(client, auth, admin, gridworker, fresh):
    case = fresh()
    auth.login(admin)
    key = once()
    first = client.post(f"/staff/cases/{case.id}/dispatch",
                        data={**key, "to": f"user-{gridworker.id}"})
    second = client.post(f"/staff/cases/{case.id}/dispatch",
                         data={**key, "to": f"user-{gridworker.id}"}, follow_redirects=True)
    assert first.status_code == 302
    assert "已经提交过了" in second.get_data(as_text=True)
    assert events_of(case, "dispatched") == 1
    # without a key the form has expired: nothing happens
    other = client.post(f"/staff/cases/{case.id}/pool")
    assert other.status_code == 400


def test_pool_transfer_and_what_each_status_offers(client, auth, admin, gridworker, make_user,
                                                   fresh, tree):
    case = fresh()
    auth.login(admin)
    assert "已开放认领" in step(client, case, "pool").get_data(as_text=True)
    assert db.session.get(Case, case.id).status == "pool"
    html = page(client, f"/staff/cases/{case.id}")
    assert 'data-testid="pool-form"' not in html and 'data-testid="dispatch-form"' in html
    step(client, case, "dispatch", to=f"user-{gridworker.id}")
    html = page(client, f"/staff/cases/{case.id}")
    assert "改派给别人" in html and 'data-testid="dispatch-form"' not in html
    other = make_user("coordinator", zone=tree.xinan, name="刘网格")
    assert "改派原因" in step(client, case, "transfer", handler=str(other.id),
                              reason="").get_data(as_text=True)
    assert db.session.get(Case, case.id).handler_id == gridworker.id
    html = step(client, case, "transfer", handler=str(other.id),
                reason="原办理人病假").get_data(as_text=True)
    assert "已改派" in html
    assert db.session.get(Case, case.id).handler_id == other.id


def test_decline_says_why_and_where_to_turn(client, auth, admin, resident, fresh):
    case = fresh()
    auth.login(admin)
    html = page(client, f"/staff/cases/{case.id}")
    assert "居民可以去哪里反映" in html  # the form tells staff what to write
    assert "这一项必须填写" in step(client, case, "decline", reason="").get_data(as_text=True)
    too_long = step(client, case, "decline", reason="很" * 201).get_data(as_text=True)
    assert "最多 200 个字" in too_long
    assert db.session.get(Case, case.id).status == "new"
    reason = "属于购房合同纠纷，不在社区受理范围；请向区住建局信访科反映。"
    assert "已不予受理" in step(client, case, "decline", reason=reason).get_data(as_text=True)
    row = db.session.get(Case, case.id)
    assert row.status == "declined" and row.decline_reason == reason
    assert messages(resident, "case.declined")
    # over: no more steps are offered, and a late post is refused in words
    html = page(client, f"/staff/cases/{case.id}")
    assert 'data-testid="dispatch-form"' not in html and reason in html
    assert "不能进行这项操作" in step(client, case, "dispatch",
                                      to="user-1").get_data(as_text=True)


def _resolved(admin, handler, fresh, **fields):
    case = fresh(**fields)
    services.dispatch(admin, case, handler)
    services.accept(handler, case)
    services.resolve(handler, case, "楼顶防水层已修补。")
    db.session.commit()
    return case


def test_a_rating_by_phone(client, auth, admin, gridworker, fresh):
    case = _resolved(admin, gridworker, fresh)
    auth.login(admin)
    html = page(client, f"/staff/cases/{case.id}")
    assert 'data-testid="phone-rating-form"' in html and "楼顶防水层已修补" in html
    bad = step(client, case, "phone-rating", rating="great", resolution="solved")
    assert bad.status_code == 200 and "请从列表中选择" in bad.get_data(as_text=True)
    assert db.session.get(Case, case.id).status == "resolved"
    assert '<option value="">' in html  # the first choice is none: one tap never says 满意
    unchosen = step(client, case, "phone-rating", rating="", resolution="")
    assert "请选择满意、基本满意或不满意" in unchosen.get_data(as_text=True)
    assert db.session.get(Case, case.id).status == "resolved"
    html = step(client, case, "phone-rating", rating="basic", resolution="partly",
                comment="基本不漏了").get_data(as_text=True)
    assert "电话评价已录入" in html and "工作人员录入的电话评价" in html
    row = db.session.get(Case, case.id)
    assert (row.status, row.rating, row.rated_by_id) == ("closed", "basic", admin.id)


def test_unsatisfied_by_phone_then_a_revisit_by_someone_else(client, auth, admin, make_user,
                                                             fresh, tree):
    handler = make_user("admin", zone=tree.xinan, name="赵主任")
    case = _resolved(admin, handler, fresh)
    auth.login(handler)
    html = step(client, case, "phone-rating", rating="satisfied",
                resolution="solved").get_data(as_text=True)
    assert "不能为自己办理的事项录入评价" in html  # no self-dealing
    auth.logout()
    auth.login(admin)
    step(client, case, "phone-rating", rating="unsatisfied", resolution="unsolved",
         comment="还在漏")
    assert db.session.get(Case, case.id).status == "revisit"
    assert "3号楼楼顶漏水" in page(client, "/staff/cases/?tab=revisit")
    auth.logout()
    auth.login(handler)
    html = step(client, case, "revisit", note="上门看过").get_data(as_text=True)
    assert "回访须由另一位工作人员进行" in html
    assert db.session.get(Case, case.id).status == "revisit"
    auth.logout()
    auth.login(admin)
    html = step(client, case, "revisit", note="上门查看：卧室窗边仍渗水。").get_data(as_text=True)
    assert "回访已记录" in html
    assert db.session.get(Case, case.id).status == "new"


def test_a_joint_decision_only_for_joint_matters(client, auth, admin, resident, fresh):
    parking = fresh("停车", title="小区停车位不够")
    leak = fresh()
    auth.login(admin)
    assert "记录联席会议决定" in page(client, f"/staff/cases/{parking.id}")
    assert "联席会议的决定" in step(client, parking, "joint-decision",
                                    note="").get_data(as_text=True)
    html = step(client, parking, "joint-decision",
                note="物业、业委会、社区商定：腾出东侧空地划 20 个车位，月底完成。")
    assert "联席会议的决定已记录" in html.get_data(as_text=True)
    assert events_of(parking, "joint_decision") == 1
    assert messages(resident, "case.progress")
    refused = step(client, leak, "joint-decision", note="商定由物业修补")
    assert "协调商办" in refused.get_data(as_text=True)
    assert events_of(leak, "joint_decision") == 0


def test_photos_are_served_to_staff_in_scope_only(client, auth, gridworker, resident,
                                                  categories, make_user, tree):
    auth.login(gridworker)
    client.post("/staff/cases/new", data={
        **once(), "phone": resident.phone, "source": "visit",
        "category": str(categories["房屋漏水"].id), "zone": "0", "title": "楼道灯坏了",
        "photos": [(jpeg_bytes(), "a.jpg")]}, content_type="multipart/form-data")
    case = db.session.scalar(select(Case).where(Case.title == "楼道灯坏了"))
    name = case.photos[0]
    assert f"t_{name}" in page(client, f"/staff/cases/{case.id}")
    for shown_name in (name, f"t_{name}"):
        shown = client.get(f"/staff/cases/{case.id}/photos/{shown_name}")
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
        # a resident's photo, as on the resident's page: never kept in a shared cache
        cache = shown.headers["Cache-Control"]
        assert "private" in cache and "public" not in cache, cache
        shown.close()
    assert client.get(f"/staff/cases/{case.id}/photos/other.jpg").status_code == 404
    assert client.get(f"/staff/cases/{case.id}/photos/..%2F..%2Fetc").status_code == 404
    auth.logout()
    auth.login(make_user("admin", zone=tree.dongmei))
    assert client.get(f"/staff/cases/{case.id}/photos/{name}").status_code == 403


def test_a_default_unit_is_no_handler_until_dispatched(client, auth, admin, categories,
                                                       make_user, fresh, tree):
    contact = make_user(name="物业周经理")
    unit = services.save_unit(admin, None, community=tree.xinan, name="新安物业公司",
                              contact=contact)
    categories["房屋漏水"].unit_id = unit.id
    db.session.commit()
    case = fresh()
    auth.login(admin)
    desk = page(client, "/staff/cases/")
    assert "还没有办理人" in desk and "办理：新安物业公司" not in desk
    html = page(client, f"/staff/cases/{case.id}")
    assert "类别的默认单位：新安物业公司" in html
    assert f'<option selected value="unit-{unit.id}">' in html  # chosen to start with
    step(client, case, "dispatch", to=f"unit-{unit.id}")
    assert "办理：新安物业公司" in page(client, "/staff/cases/?tab=handling")
