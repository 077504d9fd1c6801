"""Filing a matter for a resident (/staff/cases/new): found by phone, once only, photos,
rank and scope; bad input changes nothing."""

import pytest
from sqlalchemy import func, select

from portal.cases.models import Case
from portal.extensions import db
from tests.conftest import once
from tests.helpers import jpeg_bytes


@pytest.fixture
def form(resident, categories):
    def data(**changes):
        values = {"phone": resident.phone, "source": "visit",
                  "category": str(categories["邻里纠纷"].id), "zone": "0",
                  "title": "楼上装修噪音", "details": "每天早上七点开始电钻。",
                  "place": "1栋 302", "public": "y"}
        values.update(changes)
        return values

    return data


def count():
    return db.session.scalar(select(func.count(Case.id)))


def test_a_grid_worker_files_after_a_door_visit(client, auth, gridworker, resident, form, tree):
    auth.login(gridworker)
    html = client.get("/staff/cases/new").get_data(as_text=True)
    assert "入户走访" in html and "12345 热线转办" in html and "Open311" not in html
    assert "邻里纠纷 · 限时办 3 个工作日" in html and "居民家所在的楼栋" in html
    assert "请当面或在电话里问居民本人" in html
    response = client.post("/staff/cases/new", data={
        **once(), **form(), "photos": [(jpeg_bytes(), "a.jpg"), (jpeg_bytes(), "b.jpg")]},
        content_type="multipart/form-data")
    case = db.session.scalar(select(Case))
    assert response.headers["Location"].endswith(f"/staff/cases/{case.id}")
    assert (case.resident_id, case.filed_by_id, case.source) == (resident.id, gridworker.id,
                                                                 "visit")
    assert case.zone_id == tree.xinan_building.id and case.public and len(case.photos) == 2
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已代居民登记" in html and "陈志强 代为登记" in html and "入户走访" in html


def test_filing_is_once_only(client, auth, gridworker, form):
    auth.login(gridworker)
    key = once()
    first = client.post("/staff/cases/new", data={**key, **form()})
    second = client.post("/staff/cases/new", data={**key, **form()}, follow_redirects=True)
    assert first.status_code == 302 and count() == 1
    assert "已经提交过了" in second.get_data(as_text=True)
    assert client.post("/staff/cases/new", data=form()).status_code == 400  # no key: expired
    assert count() == 1


def test_a_zone_and_a_source_of_the_form(client, auth, admin, form, tree):
    auth.login(admin)
    client.post("/staff/cases/new", data={**once(), **form(zone=str(tree.xinan_grid.id),
                                                          source="hotline", public="")})
    case = db.session.scalar(select(Case))
    assert (case.zone_id, case.source, case.public) == (tree.xinan_grid.id, "hotline", False)


@pytest.mark.parametrize("change, words", [
    ({"phone": "13800000000"}, "没有找到这个手机号的居民"),
    ({"phone": ""}, "这一项必须填写"),
    ({"title": ""}, "这一项必须填写"),
    ({"title": "漏"}, "事项标题 2 到 40 个字"),
    ({"title": "x" * 41}, "最多 40 个字"),
    ({"details": "很" * 2001}, "最多 2000 个字"),
    ({"place": "号" * 81}, "最多 80 个字"),
    ({"category": "0"}, "请选择事项的类别"),
    ({"category": "99999999999999999999"}, "请选择事项的类别"),
    ({"category": "abc"}, "请选择事项的类别"),
    ({"source": "api"}, "请从列表中选择"),
    ({"source": "online"}, "请从列表中选择"),
    ({"zone": "999999"}, "请选择事项所在的网格或楼栋"),
])
def test_bad_input_changes_nothing(client, auth, gridworker, form, change, words):
    auth.login(gridworker)
    response = client.post("/staff/cases/new", data={**once(), **form(**change)})
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)
    assert count() == 0


def test_a_zone_of_another_community_is_refused(client, auth, admin, form, tree):
    auth.login(admin)
    html = client.post("/staff/cases/new", data={
        **once(), **form(zone=str(tree.dongmei_building.id))}).get_data(as_text=True)
    assert "请选择事项所在的网格或楼栋" in html and count() == 0


def test_photos_at_most_six_and_only_images(client, auth, gridworker, form):
    auth.login(gridworker)
    seven = [(jpeg_bytes(), f"{i}.jpg") for i in range(7)]
    html = client.post("/staff/cases/new", data={**once(), **form(), "photos": seven},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "最多上传 6 张照片" in html
    import io

    html = client.post("/staff/cases/new", data={
        **once(), **form(), "photos": [(io.BytesIO(b"not an image"), "a.jpg")]},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "请上传照片" in html and count() == 0


def test_rank_and_scope(client, auth, gridworker, admin, form, make_user, tree):
    auth.login(gridworker)
    colleague = make_user("coordinator", zone=tree.xinan)
    html = client.post("/staff/cases/new", data={
        **once(), **form(phone=colleague.phone)}).get_data(as_text=True)
    assert "同级或更高级别" in html
    html = client.post("/staff/cases/new", data={
        **once(), **form(phone=gridworker.phone)}).get_data(as_text=True)
    assert "这是您自己的手机号" in html
    faraway = make_user(home=tree.dongmei_building)
    html = client.post("/staff/cases/new", data={
        **once(), **form(phone=faraway.phone)}).get_data(as_text=True)
    assert "不住在您负责的范围内" in html
    assert count() == 0
    auth.logout()
    auth.login(make_user(name="普通居民"))
    assert client.get("/staff/cases/new").status_code == 403
    assert client.post("/staff/cases/new", data={**once(), **form()}).status_code == 403
    assert count() == 0
