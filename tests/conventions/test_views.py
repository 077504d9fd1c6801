"""微公约 pages: a household signs in two taps, once; the household in the profile; staff draft,
amend (the changes shown), adopt, record paper signatures, see coverage and print; 劝导员 log
without names and without points."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.conventions import persuasion, services
from portal.conventions.models import Convention, ConventionVersion, HouseholdMember, Signature
from portal.conventions.persuasion_models import Persuasion
from portal.extensions import db
from portal.points.models import LedgerEntry, PointsRule
from portal.points.rules import seed_default_rules
from tests.conftest import once
from tests.helpers import jpeg_bytes

ITEMS = [{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"},
         {"kind": "dont", "text": "在楼道堆放杂物、停放电动车"}]


def _page(response) -> str:
    return response.get_data(as_text=True)


def _home(make_user, tree, room, name=None):
    person = make_user(home=tree.xinan_building, name=name)
    services.join_household(person, tree.xinan_building, "1", room)
    db.session.commit()
    return person


def _signatures() -> int:
    return db.session.scalar(select(func.count(Signature.id)))


# ------------------------------------------------------------------ residents


def test_resident_signs_for_the_household_in_two_taps(client, auth, make_user, tree, adopted):
    wang = _home(make_user, tree, "302", name="王秀英")
    auth.login(wang)
    convention_id = adopted.convention_id
    page = _page(client.get("/conventions/"))
    assert "新安路社区居民公约" in page and "本户未签署" in page
    page = _page(client.get(f"/conventions/{convention_id}"))
    assert "垃圾分类投放" in page and "在楼道堆放杂物" in page and "2026-11-20" in page
    assert "以户签署" in page
    page = _page(client.get(f"/conventions/{convention_id}/sign"))  # tap one
    assert "代表 新安小区1栋1单元302室 签署本公约" in page
    response = client.post(f"/conventions/{convention_id}/sign", data=once())  # tap two
    assert response.status_code == 302
    assert _signatures() == 1
    assert "本户已签署（王** 于" in _page(client.get(f"/conventions/{convention_id}"))


def test_second_member_sees_the_household_signed(client, auth, make_user, tree, adopted):
    wang, son = _home(make_user, tree, "302", name="王秀英"), _home(make_user, tree, "302")
    services.sign(wang, adopted)
    db.session.commit()
    auth.login(son)
    page = _page(client.get(f"/conventions/{adopted.convention_id}"))
    assert "本户已签署（王** 于" in page and "以户签署" not in page
    response = client.post(f"/conventions/{adopted.convention_id}/sign", data=once(),
                           follow_redirects=True)
    assert "本户已经签署过这份公约" in _page(response)
    assert _signatures() == 1


def test_signing_without_a_household_goes_to_set_it_and_back(client, auth, make_user, tree,
                                                             adopted):
    person = make_user(home=tree.xinan_building)
    db.session.commit()
    auth.login(person)
    sign_url = f"/conventions/{adopted.convention_id}/sign"
    response = client.get(sign_url)
    assert response.status_code == 302 and "/conventions/household" in response.location
    page = _page(client.get(response.location))
    assert "新安小区1栋" in page
    response = client.post(f"/conventions/household?next={sign_url}",
                           data={"building": tree.xinan_building.id, "unit": "2", "room": "501",
                                 **once()})
    assert response.status_code == 302 and response.location.endswith(sign_url)
    assert "代表 新安小区1栋2单元501室" in _page(client.get(sign_url))


def test_household_page_shows_a_member_count_not_names(client, auth, make_user, tree):
    _home(make_user, tree, "302", name="王秀英")
    me = _home(make_user, tree, "302", name="李建国")
    auth.login(me)
    page = _page(client.get("/conventions/household"))
    assert "本户已登记 2 人" in page and "王**" not in page and "王秀英" not in page
    assert "/conventions/household" in _page(client.get("/me"))


def test_bad_household_is_refused_in_chinese(client, auth, make_user, tree):
    person = make_user(home=tree.xinan_building)
    db.session.commit()
    auth.login(person)
    response = client.post("/conventions/household",
                           data={"building": tree.dongmei_building.id, "room": "1", **once()},
                           follow_redirects=True)
    assert "请选择所住的楼栋" in _page(response)
    response = client.post("/conventions/household",
                           data={"building": "abc", "room": "x" * 40, **once()})
    assert response.status_code in (200, 400) and "最多 10 个字" in _page(response)
    assert db.session.scalar(select(func.count(HouseholdMember.id))) == 0


def test_draft_is_not_shown_to_residents(client, auth, make_user, tree, admin):
    convention = services.create(admin, tree.xinan, title="草稿公约", preamble="", items=ITEMS)
    db.session.commit()
    auth.login(make_user())
    assert client.get(f"/conventions/{convention.id}").status_code == 404
    assert "草稿公约" not in _page(client.get("/conventions/"))


def test_tile_on_the_home_page(client, auth, make_user):
    auth.login(make_user())
    assert 'data-testid="tile-conventions"' in _page(client.get("/"))


# ------------------------------------------------------------------ points


def test_signing_credits_once_per_household_when_the_rule_is_on(make_user, tree, adopted,
                                                                admin):
    seed_default_rules()
    rule = db.session.scalar(select(PointsRule).where(PointsRule.code == "convention_signed"))
    assert rule is not None and rule.is_active is False  # seeded off
    wang = _home(make_user, tree, "302")
    services.sign(wang, adopted)
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 0
    rule.is_active = True
    other, her_son = _home(make_user, tree, "303"), _home(make_user, tree, "303")
    services.sign(other, adopted)
    services.sign(her_son, adopted)
    second = services.amend(admin, adopted.convention, preamble="", items=ITEMS[:1])
    services.adopt(admin, second, on=date(2026, 12, 1), minutes="居民会议修订通过。")
    services.sign(her_son, second)  # a new version: the household is not credited again
    services.record_paper(admin, second, services.find_or_make_household(
        tree.xinan_building, "1", "999"), photo="sheet.jpg")  # paper credits nobody
    db.session.commit()
    entries = db.session.scalars(select(LedgerEntry)).all()
    assert [(e.amount_tenths, e.account.user_id) for e in entries] == [(10, other.id)]


# ------------------------------------------------------------------ staff


def test_admin_drafts_amends_and_adopts(client, auth, admin, tree):
    auth.login(admin)
    response = client.post("/staff/conventions/new", data={
        "zone": tree.xinan.id, "title": "新安路社区居民公约", "preamble": "共建美好家园",
        "do_items": "1. 垃圾分类投放\n\n2、爱护公共绿地", "dont_items": "高空抛物", **once()})
    assert response.status_code == 302
    convention = db.session.scalar(select(Convention))
    assert [i["text"] for i in convention.versions[0].items] == ["垃圾分类投放", "爱护公共绿地",
                                                                  "高空抛物"]
    page = _page(client.get(f"/staff/conventions/{convention.id}/amend"))
    assert "爱护公共绿地" in page
    client.post(f"/staff/conventions/{convention.id}/amend", data={
        "preamble": "共建美好家园", "do_items": "垃圾分类投放\n文明养犬",
        "dont_items": "高空抛物", **once()})
    page = _page(client.get(f"/staff/conventions/{convention.id}"))
    assert "第 1 版到第 2 版的改动" in page and "文明养犬" in page and "爱护公共绿地" in page
    latest = db.session.scalar(select(ConventionVersion).where(ConventionVersion.number == 2))
    response = client.post(f"/staff/conventions/{convention.id}/versions/{latest.id}/adopt",
                           data={"how": "meeting", "on": "2026-11-20",
                                 "minutes": "居民会议到会 212 户，通过。", **once()})
    assert response.status_code == 302
    db.session.expire_all()
    assert latest.adopted_on == date(2026, 11, 20)


def test_adopting_without_minutes_is_refused(client, auth, admin, tree):
    convention = services.create(admin, tree.xinan, title="公约", preamble="", items=ITEMS)
    db.session.commit()
    auth.login(admin)
    version = convention.versions[0]
    response = client.post(f"/staff/conventions/{convention.id}/versions/{version.id}/adopt",
                           data={"how": "meeting", "on": "2026-11-20", **once()},
                           follow_redirects=True)
    assert "请附上居民会议的会议记录" in _page(response)
    response = client.post(f"/staff/conventions/{convention.id}/versions/{version.id}/adopt",
                           data={"how": "vote", "item": "9999", "on": "2026-11-20", **once()},
                           follow_redirects=True)
    assert "请选择已表决通过的议题" in _page(response)
    db.session.expire_all()
    assert version.adopted_on is None


def test_bad_convention_form_changes_nothing(client, auth, admin, tree):
    auth.login(admin)
    response = client.post("/staff/conventions/new", data={
        "zone": tree.xinan.id, "title": "公约", "do_items": "", "dont_items": "", **once()})
    assert response.status_code == 200 and "公约至少一条" in _page(response)
    response = client.post("/staff/conventions/new", data={
        "zone": tree.dongmei.id, "title": "公约", "do_items": "垃圾分类", **once()})
    assert "请选择公约适用的社区" in _page(response)
    assert db.session.scalar(select(func.count(Convention.id))) == 0


def test_paper_signature_needs_a_photo_and_is_marked(client, auth, make_user, tree, adopted):
    coordinator = make_user("coordinator", zone=tree.xinan_grid)
    db.session.commit()
    auth.login(coordinator)
    url = f"/staff/conventions/{adopted.convention_id}/paper"
    data = {"building": tree.xinan_building.id, "unit": "1", "room": "101"}
    response = client.post(url, data={**data, **once()})
    assert "请拍下纸质签名页的照片" in _page(response)
    assert _signatures() == 0
    response = client.post(url, data={**data, **once(), "photo": (jpeg_bytes(), "sheet.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    signature = db.session.scalar(select(Signature))
    assert signature.paper and signature.photo and signature.recorded_by_id == coordinator.id


def test_coverage_and_print(client, auth, make_user, tree, adopted, admin):
    services.sign(_home(make_user, tree, "101"), adopted)
    _home(make_user, tree, "102")
    db.session.commit()
    auth.login(admin)
    page = _page(client.get(f"/staff/conventions/{adopted.convention_id}/coverage"))
    assert "已签署 1 户 / 已知 2 户（50%）" in page and "新安小区网格" in page
    page = _page(client.get(f"/staff/conventions/{adopted.convention_id}/print?for=filing"))
    assert "第 1 版" in page and "2026-11-20" in page and "覆盖 50%" in page and "备案" in page


def test_staff_list_query_count_is_flat(client, auth, admin, tree, count_queries):
    """Conventions in different zones (each its own building), so a zone loaded per row
    would show."""
    from tests.conftest import make_zone

    def make(n):
        for i in range(n):
            zone = make_zone(f"新安小区{i + 10}栋", "building", tree.xinan_grid)
            c = services.create(admin, zone, title=f"公约{i}", preamble="", items=ITEMS)
            services.adopt(admin, c.versions[0], on=date(2026, 11, 20), minutes="通过。")
        db.session.commit()

    auth.login(admin)
    make(1)
    with count_queries() as few:
        client.get("/staff/conventions/")
    make(8)
    with count_queries() as many:
        assert _page(client.get("/staff/conventions/")).count("已签 0 户") == 9
    assert many.count == few.count


def test_resident_list_query_count_is_flat(client, auth, admin, make_user, tree,
                                           count_queries):
    """The community's, the compound's and the building's conventions: three zones."""
    person = _home(make_user, tree, "302")
    auth.login(person)

    def make(zone, title):
        c = services.create(admin, zone, title=title, preamble="", items=ITEMS)
        services.adopt(admin, c.versions[0], on=date(2026, 11, 20), minutes="通过。")
        db.session.commit()

    make(tree.xinan, "社区公约")
    with count_queries() as few:
        client.get("/conventions/")
    make(tree.xinan_grid, "小区公约")
    make(tree.xinan_building, "楼栋公约")
    with count_queries() as many:
        page = _page(client.get("/conventions/"))
    assert "社区公约" in page and "小区公约" in page and "楼栋公约" in page
    assert many.count == few.count


def test_persuaders_page_query_count_is_flat(client, auth, make_user, tree, count_queries):
    """A street admin's communities, each with its 劝导员: one query for them all."""
    from tests.conftest import make_zone

    street_admin = make_user("admin", zone=tree.street)
    auth.login(street_admin)

    def appoint(community, n):
        for _ in range(n):
            persuasion.appoint(street_admin, community, make_user(home=community))
        db.session.commit()

    appoint(tree.xinan, 1)
    with count_queries() as few:
        client.get("/staff/conventions/persuaders")
    appoint(tree.dongmei, 3)
    for i in range(3):
        appoint(make_zone(f"第{i}社区", "community", tree.street), 2)
    with count_queries() as many:
        page = _page(client.get("/staff/conventions/persuaders"))
    assert page.count("卸任") >= 10
    assert many.count == few.count


# ------------------------------------------------------------------ 劝导


def test_persuader_logs_without_names_and_no_points(client, auth, make_user, tree, adopted,
                                                    admin):
    seed_default_rules()
    volunteer = make_user(home=tree.xinan_building)
    db.session.commit()
    auth.login(volunteer)
    url = f"/conventions/{adopted.convention_id}/persuade"
    assert client.get(url).status_code == 403  # not appointed
    auth.logout()
    auth.login(admin)
    response = client.post("/staff/conventions/persuaders",
                           data={"community": tree.xinan.id, "phone": volunteer.phone, **once()})
    assert response.status_code == 302
    auth.logout()
    auth.login(volunteer)
    page = _page(client.get(url))
    assert "不记被劝导人的姓名" in page and "不扣任何人的积分" in page
    response = client.post(url, data={"item": "2", "place": "3号楼楼道", "note": "已劝离",
                                      **once()})
    assert response.status_code == 302
    row = db.session.scalar(select(Persuasion))
    assert row.item_text == "在楼道堆放杂物、停放电动车" and row.place == "3号楼楼道"
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 0  # never a deduction
    response = client.post(url, data={"item": "abc", "place": "x", **once()})
    assert db.session.scalar(select(func.count(Persuasion.id))) == 1
    auth.logout()
    auth.login(admin)
    page = _page(client.get(f"/staff/conventions/{adopted.convention_id}/persuasions"))
    assert "在楼道堆放杂物" in page and "张" not in page.split("persuasion-counts")[1][:400]


def test_ended_persuader_may_no_longer_log(make_user, tree, adopted, admin):
    from portal.errors import NotAllowed

    volunteer = make_user(home=tree.xinan_building)
    row = persuasion.appoint(admin, tree.xinan, volunteer)
    persuasion.end(admin, row)
    with pytest.raises(NotAllowed):
        persuasion.log(volunteer, adopted, item_index=0, place="楼道")


def test_a_household_elsewhere_cannot_sign(client, auth, make_user, tree, adopted):
    person = make_user(home=tree.dongmei_building)
    services.join_household(person, tree.dongmei_building, "1", "101")
    db.session.commit()
    auth.login(person)
    url = f"/conventions/{adopted.convention_id}/sign"
    assert "不适用于您家所在的楼栋" in _page(client.get(url, follow_redirects=True))
    client.post(url, data=once())
    assert _signatures() == 0


def test_staff_see_the_photo_of_a_paper_sheet_in_their_scope(client, auth, make_user, tree,
                                                            adopted):
    """The paper page lists what was recorded; each links to its sheet's photo, which staff
    of another community cannot open."""
    coordinator = make_user("coordinator", zone=tree.xinan)
    auth.login(coordinator)
    url = f"/staff/conventions/{adopted.convention_id}/paper"
    data = {"building": str(tree.xinan_building.id), "unit": "2", "room": "501"}
    client.post(url, data={**data, **once(), "photo": (jpeg_bytes(), "sheet.jpg")},
                content_type="multipart/form-data")
    signature = db.session.scalar(select(Signature).where(Signature.paper.is_(True)))
    page = client.get(url).get_data(as_text=True)
    photo = f"/staff/conventions/signatures/{signature.id}/photo"
    assert photo in page and "2单元501室" in page
    answer = client.get(photo)
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
    assert "private" in answer.headers["Cache-Control"]
    answer.close()
    auth.logout()
    auth.login(make_user("coordinator", zone=tree.dongmei))
    assert client.get(photo).status_code == 403
