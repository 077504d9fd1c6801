"""微心愿 by form: post, review, wall, claim, fulfil, confirm, publicity; who sees what."""

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser

from sqlalchemy import select

from portal.accounts.models import PartyMembership
from portal.clock import local_today
from portal.extensions import db
from portal.points import hours
from portal.types import utcnow
from portal.wishes import services
from portal.wishes.models import Wish
from tests.conftest import once
from tests.helpers import jpeg_bytes


def _form(**changes):
    data = {"title": "想要一辆轮椅", "kind": "item", "description": "腿脚不便，想要一辆折叠轮椅。",
            "value_yuan": "280", "deadline": (local_today(utcnow()) + timedelta(days=20))
            .isoformat(), "consent_name": "y"}
    data.update(changes)
    return data


def test_the_whole_path_by_form(client, auth, poster, member, coordinator):
    auth.login(poster)
    response = client.post("/wishes/new",
                           data={**once(), **_form(), "photo": (jpeg_bytes(), "chair.jpg")},
                           content_type="multipart/form-data")
    wish = db.session.scalar(select(Wish))
    assert response.headers["Location"].endswith(f"/wishes/{wish.id}")
    assert wish.status == "pending" and wish.photo
    auth.logout()

    auth.login(coordinator)
    assert "想要一辆轮椅" in client.get("/staff/wishes/").get_data(as_text=True)
    client.post(f"/staff/wishes/{wish.id}/review", data={**once(), "decision": "approve"})
    auth.logout()

    auth.login(member)
    wall = client.get("/wishes/").get_data(as_text=True)
    assert "想要一辆轮椅" in wall and "赵**" in wall and "新安小区网格" in wall
    assert poster.phone not in wall and "赵桂兰" not in wall and "新安小区1栋" not in wall
    page = client.get(f"/wishes/{wish.id}").get_data(as_text=True)
    assert "我来认领" in page and poster.phone not in page and "新安小区1栋" not in page
    shown = client.get(f"/wishes/{wish.id}/photos/t_{wish.photo}")
    assert shown.status_code == 200
    shown.close()
    claimed = client.post(f"/wishes/{wish.id}/claim", follow_redirects=True)
    html = claimed.get_data(as_text=True)
    assert "认领成功" in html and poster.phone in html and "7 天内" in html
    done = client.post(f"/wishes/{wish.id}/fulfil", data={
        "note": "11月20日把轮椅送到家里", "photos": [(jpeg_bytes(), "a.jpg"),
                                                    (jpeg_bytes(), "b.jpg")]},
        content_type="multipart/form-data", follow_redirects=True)
    assert "等待居民确认" in done.get_data(as_text=True)
    db.session.refresh(wish)
    evidence = wish.evidence[0].name
    auth.logout()

    auth.login(poster)
    page = client.get(f"/wishes/{wish.id}").get_data(as_text=True)
    assert "11月20日把轮椅送到家里" in page and f"t_{evidence}" in page
    client.post(f"/wishes/{wish.id}/confirm", data={"rating": "5", "comment": "谢谢李书记"})
    db.session.refresh(wish)
    assert (wish.status, wish.rating) == ("confirmed", 5)
    auth.logout()

    # 公示 is public: the masked name (consented), the thanks, but not the photos (no consent)
    thanks = client.get("/wishes/thanks").get_data(as_text=True)
    assert "想要一辆轮椅" in thanks and "赵**" in thanks and "谢谢李书记" in thanks
    assert "东川区税务局" in thanks and evidence not in thanks and poster.phone not in thanks
    # the claimer too is masked, unless they opted in to leaderboards
    assert "李**" in thanks and "李建国" not in thanks
    member.is_on_leaderboard = True
    db.session.commit()
    assert "李建国" in client.get("/wishes/thanks").get_data(as_text=True)
    assert client.get(f"/wishes/{wish.id}/photos/t_{evidence}").status_code == 404

    auth.login(member)
    record = client.get("/wishes/record").get_data(as_text=True)
    assert 'data-testid="record-wishes">1 件' in record


def test_refusals_by_form(client, auth, make_wish, make_user, member, poster):
    wish = make_wish()
    pending = make_wish(published=False, title="审核中的心愿")
    auth.login(make_user(name="普通居民"))
    html = client.post(f"/wishes/{wish.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "只有报到并核验的在职党员" in html
    assert client.get(f"/wishes/{pending.id}").status_code == 403
    assert client.post(f"/wishes/{pending.id}/withdraw").status_code == 403
    assert client.get(f"/wishes/{wish.id}/edit").status_code == 403
    auth.logout()
    auth.login(member)
    html = client.post(f"/wishes/{pending.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "现在不能认领" in html
    services.claim(make_user(party="verified"), db.session.get(Wish, wish.id))
    db.session.commit()
    html = client.post(f"/wishes/{wish.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "已被认领" in html
    assert client.get(f"/wishes/{wish.id}").status_code == 403  # another member's claim
    assert client.post(f"/wishes/{wish.id}/fulfil", data={"note": "冒充完成"}).status_code == 403
    assert client.get("/wishes/999999").status_code == 404
    db.session.refresh(wish)
    assert wish.status == "claimed" and wish.claimer_id != member.id


def test_bad_input_changes_nothing(client, auth, poster):
    auth.login(poster)
    for change in ({"title": ""}, {"value_yuan": "9999"}, {"value_yuan": "abc"},
                   {"deadline": "2020-01-01"}, {"deadline": "not-a-date"}, {"kind": "cash"},
                   {"title": "x" * 5000}):
        response = client.post("/wishes/new", data={**_form(**change), **once()})
        assert response.status_code == 200
    bad_photo = client.post("/wishes/new", data={**once(), **_form(),
                                                 "photo": (io.BytesIO(b"<?php"), "x.jpg")},
                            content_type="multipart/form-data", follow_redirects=True)
    assert "请上传照片" in bad_photo.get_data(as_text=True)
    assert db.session.scalar(select(Wish)) is None


def test_a_deadline_that_does_not_exist_is_called_invalid(client, auth, poster):
    auth.login(poster)
    html = client.post("/wishes/new", data={**_form(deadline="2026-02-30"), **once()}) \
        .get_data(as_text=True)
    assert "请填写一个有效的日期。" in html and "请选择日期" not in html
    html = client.post("/wishes/new", data={**_form(deadline=""), **once()}).get_data(as_text=True)
    assert "请选择日期。" in html and "请填写一个有效的日期" not in html
    assert db.session.scalar(select(Wish)) is None


def test_pages_do_not_grow_queries(client, auth, make_wish, member, coordinator,
                                   count_queries, make_user):
    def confirmed(wish):
        claimer = make_user(party="verified")
        services.claim(claimer, wish)
        services.fulfil(claimer, wish, "已经办好", [f"ev{wish.id}.jpg"])
        services.confirm(wish.poster, wish, 5, "谢谢")

    make_wish(title="心愿 0")
    confirmed(make_wish(title="心愿 00", poster=make_user(name="居民甲")))
    db.session.commit()
    auth.login(member)
    urls = ["/wishes/", "/wishes/thanks"]
    with count_queries() as few:
        for url in urls:
            client.get(url)
    for i in range(1, 8):
        wish = make_wish(title=f"心愿 {i}", poster=make_user(name=f"居民{i}"))
        if i % 2:
            confirmed(wish)
    db.session.commit()
    with count_queries() as many:
        wall = client.get("/wishes/").get_data(as_text=True)
        client.get("/wishes/thanks")
    assert wall.count('class="list-item wish-card"') == 4
    assert many.count == few.count
    auth.logout()
    auth.login(coordinator)
    with count_queries() as staff_few:
        client.get("/staff/wishes/?status=")
    make_wish(title="再来一个")
    with count_queries() as staff_many:
        client.get("/staff/wishes/?status=")
    assert staff_many.count == staff_few.count


def test_admins_edit_the_service_posts(client, auth, make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    auth.login(admin)
    page = client.get("/staff/party/posts").get_data(as_text=True)
    assert "助老助残" in page and "法律服务" in page
    client.post("/staff/party/posts", data={"name": "垃圾分类督导", "is_active": "y"})
    from portal.accounts.models import ServicePost

    legal = db.session.scalar(select(ServicePost).where(ServicePost.name == "法律服务"))
    client.post("/staff/party/posts", data={"post_id": legal.id, "name": "法律服务"})
    html = client.post("/staff/party/posts", data={"name": "助老助残", "is_active": "y"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已经有这个岗位了" in html
    resident = make_user()
    auth.logout()
    auth.login(resident)
    form = client.get("/me/party").get_data(as_text=True)
    assert "垃圾分类督导" in form and "法律服务" not in form
    client.post("/me/party", data={**once(), "work_unit": "东川区税务局", "branch": "第二党支部",
                                   "service_posts": ["垃圾分类督导"]})
    membership = db.session.scalar(select(PartyMembership).where(
        PartyMembership.user_id == resident.id))
    assert membership.service_posts == ["垃圾分类督导"]
    auth.logout()
    auth.login(make_user("coordinator", zone=tree.xinan))
    assert client.get("/staff/party/posts").status_code == 403


def test_work_unit_feedback_cards(client, auth, make_wish, member, coordinator, make_user, tree):
    wish = make_wish()
    services.claim(member, wish)
    services.fulfil(member, wish, "已经送到")
    services.confirm(wish.poster, wish, 4)
    hours.credit_hours(member.id, 150, source_type="attendance", source_id=4242)
    hours.credit_hours(member.id, 600, source_type="import", source_id=member.id)  # not counted
    db.session.commit()
    auth.login(coordinator)
    units = client.get("/staff/wishes/units").get_data(as_text=True)
    assert "东川区税务局" in units
    cards = client.get("/staff/wishes/units/cards?unit=东川区税务局").get_data(as_text=True)
    assert "李建国" in cards and 'data-testid="record-wishes">1 件' in cards
    response = client.get("/staff/wishes/units/cards.csv?unit=东川区税务局&quarter=junk")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[2][:4] == ["李建国", "东川区税务局", "第二党支部", "1"]
    assert rows[2][7] == "2.5"
    assert client.get("/staff/wishes/units/cards?unit=不存在的单位").status_code == 404
    auth.logout()
    auth.login(make_user("coordinator", zone=tree.dongmei))
    assert client.get("/staff/wishes/units/cards?unit=东川区税务局").status_code == 404


def test_the_dashboard_counts_wishes_to_review_and_fulfilled(client, auth, make_wish,
                                                             coordinator, tree, make_user):
    make_wish(published=False)
    make_wish(published=False, title="第二个心愿")
    done = make_wish(title="已经圆梦的心愿")
    claimer = make_user(party="verified")
    services.claim(claimer, done)
    services.fulfil(claimer, done, "已经办好")
    services.confirm(done.poster, done, 4)
    db.session.commit()
    auth.login(coordinator)
    html = client.get("/staff/").get_data(as_text=True)
    assert "<strong>2</strong><span>待审核微心愿" in html
    assert 'data-testid="fulfilled-wishes">1</strong><span>已圆梦心愿 · 平均 4.0 星' in html
    auth.logout()
    auth.login(make_user("coordinator", zone=tree.dongmei))
    assert "<strong>0</strong><span>待审核微心愿" in client.get("/staff/").get_data(as_text=True)


def test_the_wall_filters_by_grid_never_by_building(client, auth, make_wish, member, tree):
    """A building filter would tell which building a poster lives in."""
    make_wish()  # 赵桂兰 lives in tree.xinan_building
    auth.login(member)
    assert "想要一辆轮椅" in client.get(f"/wishes/?zone={tree.xinan_grid.id}").get_data(
        as_text=True)
    elsewhere = client.get(f"/wishes/?zone={tree.dongmei_grid.id}").get_data(as_text=True)
    assert "想要一辆轮椅" not in elsewhere
    # a building id is ignored: the whole wall, not a building's wishes
    other_building = client.get(f"/wishes/?zone={tree.dongmei_building.id}")
    assert "想要一辆轮椅" in other_building.get_data(as_text=True)


def test_csv_exports_never_carry_a_formula(client, auth, make_wish, make_user, coordinator):
    from portal.web.csv_export import csv_cell

    assert [csv_cell(v) for v in ("=HYPERLINK(1)", "+1+1", "@SUM(A1)", "-1.5", "12", "李建国")] \
        == ["'=HYPERLINK(1)", "'+1+1", "'@SUM(A1)", "-1.5", "12", "李建国"]
    sly = make_user(name="=HYPERLINK(\"http://x\")", party="verified")
    wish = make_wish(title="-2+3 帮忙买菜")
    services.claim(sly, wish)
    services.fulfil(sly, wish, "已经买好")
    services.confirm(wish.poster, wish, 5)
    db.session.commit()
    auth.login(coordinator)
    body = client.get("/staff/wishes/units/cards.csv?unit=东川区税务局").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[2][0] == "'=HYPERLINK(\"http://x\")" and rows[2][4] == "'-2+3 帮忙买菜"


def test_the_poster_takes_back_consent_after_the_wish_is_done(client, auth, make_wish, member,
                                                              poster, make_user):
    wish = make_wish(consent_name=True, consent_photo=True)
    services.claim(member, wish)
    services.fulfil(member, wish, "轮椅已送到", ["e1.jpg"])
    services.confirm(poster, wish, 5, "谢谢")
    db.session.commit()
    assert "赵**" in client.get("/wishes/thanks").get_data(as_text=True)
    auth.login(make_user())
    assert client.post(f"/wishes/{wish.id}/consent", data={}).status_code == 403
    auth.logout()
    auth.login(poster)
    page = client.get(f"/wishes/{wish.id}").get_data(as_text=True)
    assert 'data-testid="consent"' in page
    done = client.post(f"/wishes/{wish.id}/consent", data={"consent_photo": "y"},
                       follow_redirects=True).get_data(as_text=True)
    assert "公示设置已保存" in done and "修改公示设置" in done
    db.session.refresh(wish)
    assert (wish.consent_name, wish.consent_photo) == (False, True)
    auth.logout()
    thanks = client.get("/wishes/thanks").get_data(as_text=True)
    assert "想要一辆轮椅" in thanks and "赵**" not in thanks and "一位居民" in thanks


def test_the_wall_puts_the_most_urgent_first_and_filters_by_kind(client, auth, make_wish,
                                                                 member):
    today = local_today(utcnow())
    make_wish(title="想要一个新书包", deadline=today + timedelta(days=20))
    make_wish(title="陪同去医院复查", kind="service", value_yuan=0,
              deadline=today + timedelta(days=3))
    make_wish(title="想要一辆轮椅", deadline=today + timedelta(days=10))
    auth.login(member)
    html = client.get("/wishes/").get_data(as_text=True)
    order = [html.index(t) for t in ("陪同去医院复查", "想要一辆轮椅", "想要一个新书包")]
    assert order == sorted(order)
    items = client.get("/wishes/?kind=item").get_data(as_text=True)
    assert "陪同去医院复查" not in items and "想要一辆轮椅" in items


def test_a_refused_edit_leaves_no_photo_file(client, auth, make_wish, app):
    """The photo is saved before the service refuses the edit (the wish is already on the
    wall); the refusal must not leave the file, or its thumbnail, on disk."""
    from pathlib import Path

    wish = make_wish()  # approved: no longer editable
    folder = Path(app.config["UPLOAD_FOLDER"]) / "wishes"
    before = set(folder.iterdir()) if folder.exists() else set()
    auth.login(wish.poster)
    response = client.post(f"/wishes/{wish.id}/edit",
                           data={**_form(), "photo": (jpeg_bytes(), "chair.jpg")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "不能再修改" in response.get_data(as_text=True)
    assert (set(folder.iterdir()) if folder.exists() else set()) == before
    db.session.refresh(wish)
    assert wish.photo is None


def test_the_claimer_sees_when_a_quiet_claim_would_be_released(client, auth, make_wish,
                                                               member, app):
    """The deadline on the claimer's page is the one release_stale uses, and a progress note
    moves it; in English it is a date in English."""
    from portal.clock import local

    wish = make_wish()
    services.claim(member, wish, now=utcnow() - timedelta(days=12))
    db.session.commit()
    due = local(wish.progress_dt + timedelta(days=14))
    auth.login(member)
    page = client.get(f"/wishes/{wish.id}").get_data(as_text=True)
    assert f"现在的期限是 {due.month}月{due.day}日 {due:%H:%M}" in page
    client.post(f"/wishes/{wish.id}/progress", data={"note": "已经电话联系，周六送过去"})
    db.session.refresh(wish)
    assert wish.progress_dt > utcnow() - timedelta(minutes=5)  # the note was taken
    due = local(wish.progress_dt + timedelta(days=14))
    page = client.get(f"/wishes/{wish.id}").get_data(as_text=True)
    assert f"现在的期限是 {due.month}月{due.day}日 {due:%H:%M}" in page
    client.set_cookie("lang", "en")
    page = client.get(f"/wishes/{wish.id}").get_data(as_text=True)
    assert f"the current deadline is {due:%b} {due.day}, {due:%H:%M}" in page


class _Ids(HTMLParser):
    """Every element id on a page, and every label's for=."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_for: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_for.append(attrs["for"])


def _ids_of(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def test_each_page_of_a_wish_has_unique_ids_and_labels_that_point_at_them(
        client, auth, make_wish, member, poster, coordinator):
    """The claimer's page has the fulfil form and the progress form, each with a note: two
    inputs with one id, so tapping the label 进展 focused 完成情况's box instead."""
    def ids_of(user, wish) -> tuple[str, _Ids]:
        auth.login(user)
        html = client.get(f"/wishes/{wish.id}").get_data(as_text=True)
        auth.logout()
        return html, _ids_of(html)

    wish = make_wish()
    services.claim(member, wish)
    db.session.commit()
    html, found = ids_of(member, wish)
    assert 'data-testid="fulfil-form"' in html and "记录进展" in html and "放弃认领" in html
    assert len(found.ids) == len(set(found.ids)), sorted(found.ids)
    assert set(found.label_for) <= set(found.ids)
    # every other page of the wish's life, for whoever sees its forms
    pending = make_wish(published=False, title="审核中的心愿")
    services.fulfil(member, wish, "轮椅已送到")
    db.session.commit()
    for user, shown in ((poster, pending), (coordinator, pending), (poster, wish),
                        (coordinator, wish)):
        html, found = ids_of(user, shown)
        assert len(found.ids) == len(set(found.ids)), sorted(found.ids)
        assert set(found.label_for) <= set(found.ids)
