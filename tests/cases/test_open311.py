"""Open311 GeoReport v2: the spec's field names and status values, its error format, what the
public reads (only matters the resident allowed, masked), and filing with an API key."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import RoleGrant, User
from portal.cases import apikeys, services
from portal.cases.models import STATUSES, Case, CaseEvent
from portal.extensions import db
from portal.types import utcnow

#: the fields of a request (GET) and a service, as the GeoReport v2 specification names them
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "zipcode"}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


@pytest.fixture
def now_file(file):
    """file(...) at the real time, so the default 90-day window holds the matter."""
    def factory(category="房屋漏水", **fields):
        return file(category, now=utcnow(), **fields)
    return factory


@pytest.fixture
def key(admin, categories):
    """A working key held by 张丽 (the community admin); its token."""
    _key, token = apikeys.issue(admin, community=categories["房屋漏水"].community, holder=admin,
                                label="12345 热线转办")
    db.session.commit()
    return token


def is_error(response, status: int) -> str:
    """The Open311 error list, checked; returns its description."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, list) and len(body) == 1 and body[0]["code"] == status
    assert body[0]["description"]
    return body[0]["description"]


def post(client, token, **fields):
    data = {"api_key": token, "service_code": "", "phone": "",
            "description": "菜市场门口的井盖松了，踩上去会翻。", "address_string": "桥头市场东口",
            **fields}
    return client.post("/open311/v2/requests.json", data=data)


# ---------------------------------------------------------------- services.json


def test_services_are_the_communitys_active_categories(client, categories, tree, admin):
    services.save_category(admin, categories["政策咨询"], community=tree.xinan, name="政策咨询",
                           track="instant", days=0, is_active=False)
    services.seed_categories(tree.dongmei)
    db.session.commit()
    response = client.get("/open311/v2/services.json?jurisdiction_id=DC-XA")
    assert response.status_code == 200 and response.mimetype == "application/json"
    found = response.get_json()
    assert [s["service_name"] for s in found] == ["环境卫生", "市场秩序", "停车", "邻里纠纷",
                                                  "房屋漏水", "安全隐患", "助老助残"]
    for service in found:
        assert set(service) == SERVICE_FIELDS
        assert service["metadata"] is False and service["type"] == "realtime"
        assert isinstance(service["service_code"], str)
    leak = next(s for s in found if s["service_name"] == "房屋漏水")
    assert leak["service_code"] == str(categories["房屋漏水"].id)
    assert leak["group"] == "限时办" and "5 个工作日" in leak["description"]
    helping = next(s for s in found if s["service_name"] == "助老助残")
    assert "群众点单" in helping["keywords"]


@pytest.mark.parametrize("query", ["", "?jurisdiction_id=", "?jurisdiction_id=XX",
                                   "?jurisdiction_id=DC", "?jurisdiction_id=DC-XA-02"])
def test_services_need_a_community_code(client, categories, query):
    is_error(client.get(f"/open311/v2/services.json{query}"), 400)


# ---------------------------------------------------------------- reading requests


def test_only_public_matters_are_listed_and_they_are_masked(client, now_file, resident,
                                                            categories):
    shown = now_file(title="1栋顶楼漏水 13812345678", place="新安小区1栋602",
                     details="王秀英家卧室漏水，电话13900000001")
    now_file(title="不公开的事项", public=False)
    body = client.get("/open311/v2/requests.json?jurisdiction_id=DC-XA").get_json()
    assert [r["service_request_id"] for r in body] == [shown.number]
    row = body[0]
    assert set(row) == REQUEST_FIELDS
    assert row["status"] == "open" and row["status_notes"] == "已受理，等待派单"
    assert row["service_code"] == str(categories["房屋漏水"].id)
    assert row["service_name"] == "房屋漏水"
    assert row["address"] == "新安小区网格" and row["zipcode"] == ""
    assert row["agency_responsible"] == "新安路社区"
    assert row["description"] == "1栋顶楼漏水 ***********"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO.match(row[name]), row[name]
    text = str(body)
    for private in (resident.name, resident.phone, "602", "电话", "13812345678"):
        assert private not in text


def test_every_status_maps_to_open_or_closed(client, now_file, admin, gridworker, resident):
    def moved(*steps, category="房屋漏水"):
        case = now_file(category)
        for step in steps:
            step(case)
        db.session.commit()
        return case

    def dispatch(c):
        services.dispatch(admin, c, gridworker)

    def accept(c):
        services.accept(gridworker, c)

    def resolve(c):
        services.resolve(gridworker, c, "已修好")

    def unhappy(c):
        services.rate(resident, c, rating="unsatisfied", resolution="unsolved")

    def happy(c):
        services.rate(resident, c, rating="satisfied", resolution="solved")

    cases = {
        "new": moved(), "pool": moved(category="助老助残"), "dispatched": moved(dispatch),
        "accepted": moved(dispatch, accept), "resolved": moved(dispatch, accept, resolve),
        "revisit": moved(dispatch, accept, resolve, unhappy),
        "closed": moved(dispatch, accept, resolve, happy),
        "declined": moved(lambda c: services.decline(admin, c, "请到街道便民服务中心办理")),
        "withdrawn": moved(lambda c: services.withdraw(resident, c)),
    }
    assert {c.status for c in cases.values()} == set(STATUSES)
    body = {r["service_request_id"]: r for r in client.get(
        "/open311/v2/requests.json?jurisdiction_id=DC-XA").get_json()}
    for status, case in cases.items():
        row = body[case.number]
        expected = "open" if status in ("new", "pool", "dispatched", "accepted",
                                        "revisit") else "closed"
        assert row["status"] == expected, status
    assert body[cases["declined"].number]["status_notes"] == "不予受理：请到街道便民服务中心办理"
    assert body[cases["closed"].number]["status_notes"] == "已结案，居民评价：满意（已解决）"
    assert gridworker.name not in str(body)
    opened = client.get("/open311/v2/requests.json?jurisdiction_id=DC-XA&status=open").get_json()
    assert {r["status"] for r in opened} == {"open"} and len(opened) == 5
    closed = client.get("/open311/v2/requests.json?jurisdiction_id=DC-XA&status=closed")
    assert len(closed.get_json()) == 4
    both = client.get("/open311/v2/requests.json?jurisdiction_id=DC-XA&status=open,closed")
    assert len(both.get_json()) == 9


def test_a_unit_is_the_agency_responsible(client, now_file, admin, make_user, tree):
    unit = services.save_unit(admin, None, community=tree.xinan, name="新安物业公司",
                              contact=make_user(home=tree.xinan_building))
    case = now_file()
    services.dispatch(admin, case, None, unit=unit)
    db.session.commit()
    row = client.get(f"/open311/v2/requests/{case.id}.json").get_json()[0]
    assert row["agency_responsible"] == "新安物业公司" and row["status_notes"] == "已派单，等待接单"


def test_filters_by_id_code_and_dates(client, now_file, file, categories):
    leak, noise = now_file(), now_file("邻里纠纷", title="楼上装修噪音")
    hidden = now_file(public=False)
    old = file()  # 2026-11-10, the fixture's Tuesday
    base = "/open311/v2/requests.json?jurisdiction_id=DC-XA"
    ids = client.get(f"{base}&service_request_id={leak.number},{hidden.id},{old.id}").get_json()
    assert {r["service_request_id"] for r in ids} == {leak.number, old.number}
    code = categories["邻里纠纷"].id
    assert [r["service_request_id"] for r in client.get(
        f"{base}&service_code={code}").get_json()] == [noise.number]
    window = client.get(f"{base}&start_date=2026-11-09&end_date=2026-11-11T23:00:00%2B08:00")
    assert [r["service_request_id"] for r in window.get_json()] == [old.number]
    assert client.get(f"{base}&page_size=1").get_json()[0]["service_request_id"] == noise.number
    assert client.get(f"{base}&page_size=1&page=2").get_json()[0]["service_request_id"] == \
        leak.number


@pytest.mark.parametrize("query", [
    "start_date=yesterday", "end_date=2026-13-01", "start_date=1999-12-31",
    "start_date=2026-01-01&end_date=2026-06-01", "start_date=2026-06-01&end_date=2026-05-01",
    "status=fixed", "status=open,bogus", "service_code=abc", "service_request_id=1;2",
    "service_request_id=99999999999", "page=0", "page=abc", "page_size=1001",
    "service_request_id=" + ",".join(["1"] * 101)])
def test_bad_filters_are_refused_in_open311s_format(client, categories, query):
    is_error(client.get(f"/open311/v2/requests.json?jurisdiction_id=DC-XA&{query}"), 400)


def test_one_request_by_its_number(client, now_file):
    case, private = now_file(), now_file(public=False)
    for ident in (case.number, str(case.id)):
        body = client.get(f"/open311/v2/requests/{ident}.json").get_json()
        assert len(body) == 1 and body[0]["service_request_id"] == case.number
    assert client.get(f"/open311/v2/requests/{case.id}.json?jurisdiction_id=DC-XA").status_code \
        == 200
    for ident in (private.id, 999999, "abc", "99999999999999999999", "-1"):
        is_error(client.get(f"/open311/v2/requests/{ident}.json"), 404)
    is_error(client.get(f"/open311/v2/requests/{case.id}.json?jurisdiction_id=DC-DM"), 404)


def test_the_reads_stay_a_fixed_number_of_queries(client, now_file, count_queries):
    now_file()
    url = "/open311/v2/requests.json?jurisdiction_id=DC-XA"
    with count_queries() as few:
        assert len(client.get(url).get_json()) == 1
    for i in range(12):
        now_file("邻里纠纷" if i % 2 else "房屋漏水", title=f"事项 {i}")
    with count_queries() as many:
        assert len(client.get(url).get_json()) == 13
    assert many.count == few.count


# ---------------------------------------------------------------- addresses and formats


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/open311/v2/services.xml?jurisdiction_id=DC-XA", 404),
    ("GET", "/open311/v2/requests.xml?jurisdiction_id=DC-XA", 404),
    ("GET", "/open311/v2/discovery.json", 404),
    ("GET", "/open311/", 404),
    ("PUT", "/open311/v2/requests.json", 405),
    ("POST", "/open311/v2/services.json", 405),
    ("GET", "/open311/v2/services.json?jurisdiction_id=DC%00XA", 400),
])
def test_every_answer_under_open311_is_json(client, categories, method, url, status):
    is_error(client.open(url, method=method), status)


# ---------------------------------------------------------------- filing


def test_a_key_files_a_matter_for_a_registered_resident(client, key, admin, resident,
                                                        categories, tree):
    response = post(client, key, service_code=categories["安全隐患"].id, phone=resident.phone,
                    lat="30.27", long="120.15", media_url="http://example.invalid/a.jpg",
                    first_name="王", last_name="秀英", email="w@example.invalid")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert len(body) == 1 and set(body[0]) == {"service_request_id", "service_notice"}
    assert "即办" in body[0]["service_notice"]
    case = db.session.scalar(select(Case))
    assert body[0]["service_request_id"] == case.number
    assert case.source == "api" and case.filed_by_id == admin.id
    assert case.resident_id == resident.id and case.zone_id == tree.xinan_building.id
    assert case.title == "菜市场门口的井盖松了，踩上去会翻。" and case.place == "桥头市场东口"
    assert case.details == "菜市场门口的井盖松了，踩上去会翻。" and case.public is False
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id))
    assert "Open311" in event.note and resident.name not in event.note  # neighbours read it
    assert db.session.scalar(select(apikeys.CaseApiKey.last_used_dt)) is not None
    # not public: the reads do not show it
    is_error(client.get(f"/open311/v2/requests/{case.id}.json"), 404)


def test_a_title_address_id_and_public_flag(client, key, resident, categories, tree):
    response = post(client, key, service_code=categories["房屋漏水"].id, phone=resident.phone,
                    title="1栋顶楼漏水", description="下雨时卧室漏水。\n已经一周了。",
                    address_string="", address_id=tree.xinan_grid.code, public="true")
    assert response.status_code == 200
    case = db.session.scalar(select(Case))
    assert case.title == "1栋顶楼漏水" and case.zone_id == tree.xinan_grid.id and case.public
    assert client.get(f"/open311/v2/requests/{case.id}.json").status_code == 200
    post(client, key, service_code=categories["房屋漏水"].id, phone=resident.phone,
         description="卧室漏水\n第二行")
    assert db.session.scalars(select(Case.title).order_by(Case.id)).all()[-1] == "卧室漏水"


@pytest.mark.parametrize("fields, words", [
    ({"service_code": ""}, "service_code"),
    ({"service_code": "abc"}, "service_code"),
    ({"service_code": "99999999999"}, "service_code"),
    ({"description": "", "title": ""}, "description"),
    ({"description": "x"}, "description"),
    ({"description": "测" * 2001}, "description"),
    ({"title": "测" * 41}, "title"),
    ({"address_string": "", "address_id": ""}, "位置"),
    ({"address_string": "测" * 81}, "address_string"),
    ({"address_id": "DC-DM-01"}, "address_id"),
    ({"address_id": "DC"}, "address_id"),
    ({"lat": "30.2"}, "lat"),
    ({"lat": "91", "long": "120"}, "lat"),
    ({"lat": "nan", "long": "120"}, "lat"),
    ({"lat": "1e400", "long": "120"}, "lat"),
    ({"phone": ""}, "phone"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "13911112222"}, "没有登记"),
    ({"jurisdiction_id": "DC-DM"}, "jurisdiction_id"),
])
def test_bad_fields_are_refused_and_change_nothing(client, key, resident, categories, fields,
                                                   words):
    data = {"service_code": categories["房屋漏水"].id, "phone": resident.phone, **fields}
    users = db.session.scalar(select(func.count(User.id)))
    assert words in is_error(post(client, key, **data), 400)
    assert db.session.scalar(select(func.count(Case.id))) == 0
    assert db.session.scalar(select(func.count(User.id))) == users


def test_residents_elsewhere_and_the_holder_themselves_are_refused(client, key, admin,
                                                                  categories, make_user, tree):
    other = make_user(home=tree.dongmei_building)
    code = categories["房屋漏水"].id
    assert "没有登记" in is_error(post(client, key, service_code=code, phone=other.phone), 400)
    assert "自己" in is_error(post(client, key, service_code=code, phone=admin.phone), 400)
    peer = make_user("admin", zone=tree.xinan)  # rank: an admin files for no other admin
    is_error(post(client, key, service_code=code, phone=peer.phone), 403)
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_a_key_stops_working_when_revoked_or_its_holder_loses_the_role(
        client, admin, resident, categories, make_user, tree):
    code = categories["房屋漏水"].id
    is_error(post(client, "", service_code=code, phone=resident.phone), 403)
    is_error(post(client, "not-a-key", service_code=code, phone=resident.phone), 403)
    is_error(post(client, "x" * 5000, service_code=code, phone=resident.phone), 403)
    worker = make_user("coordinator", zone=tree.xinan)
    key, token = apikeys.issue(admin, community=tree.xinan, holder=worker, label="热线")
    db.session.commit()
    assert post(client, token, service_code=code, phone=resident.phone).status_code == 200
    db.session.execute(RoleGrant.__table__.delete().where(RoleGrant.user_id == worker.id))
    db.session.commit()
    assert "api_key" in is_error(post(client, token, service_code=code, phone=resident.phone),
                                 403)
    db.session.add(RoleGrant(user_id=worker.id, role="coordinator", zone_id=tree.xinan.id))
    db.session.commit()
    assert post(client, token, service_code=code, phone=resident.phone).status_code == 200
    worker = db.session.get(User, worker.id)
    worker.is_active_account = False
    db.session.commit()
    is_error(post(client, token, service_code=code, phone=resident.phone), 403)
    worker.is_active_account = True
    db.session.commit()
    apikeys.revoke(admin, db.session.get(apikeys.CaseApiKey, key.id))
    db.session.commit()
    is_error(post(client, token, service_code=code, phone=resident.phone), 403)
    assert db.session.scalar(select(func.count(Case.id))) == 2


def test_the_post_needs_no_csrf_token_but_the_staff_page_does(app, client, key, resident,
                                                             categories, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = post(client, key, service_code=categories["房屋漏水"].id, phone=resident.phone)
    assert response.status_code == 200
    assert client.post("/staff/cases/api-keys").status_code == 400


def test_posting_is_rate_limited_in_open311s_format(app, client, key, resident, categories,
                                                    monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT", "2 per minute")
    code = categories["房屋漏水"].id
    for _ in range(2):
        assert post(client, key, service_code=code, phone=resident.phone).status_code == 200
    is_error(post(client, key, service_code=code, phone=resident.phone), 429)
    assert db.session.scalar(select(func.count(Case.id))) == 2
