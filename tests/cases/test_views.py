"""四单办结 by form, as residents and handlers: filing in two steps (with "me too"), my
matters, a matter's page for each kind of viewer, its photos, and refusals."""

import io
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from portal.cases import services
from portal.cases.models import Case, CaseEvent, CaseFollower
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import once
from tests.helpers import jpeg_bytes


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _cases() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def _filing(categories, tree, **changes):
    data = {"category": str(categories["房屋漏水"].id), "zone": str(tree.xinan_building.id),
            "title": "5号楼楼顶漏水", "details": "下雨时顶楼卧室漏水，墙皮脱落。",
            "place": "5号楼 602", "public": "y"}
    data.update(changes)
    return data


def test_filing_in_two_steps_with_photos(client, auth, resident, categories, tree):
    auth.login(resident)
    first = _page(client.get("/cases/new"))
    assert "房屋漏水" in first and "助老助残" in first and "下一步" in first
    # the home building is chosen already
    assert f'<option selected value="{tree.xinan_building.id}"' in first \
        or f'value="{tree.xinan_building.id}" selected' in first
    second = _page(client.get("/cases/new", query_string={
        "category": categories["房屋漏水"].id, "zone": tree.xinan_building.id, "step": "2"}))
    assert "附近还没有同类的未办结事项" in second and "提交事项" in second
    assert "5 个工作日内办结" in second and "可以在社区晒账公示（隐去姓名）" in second

    response = client.post("/cases/new", data={
        **once(), **_filing(categories, tree),
        "photos": [(jpeg_bytes(), "roof.jpg"), (jpeg_bytes((600, 900)), "wall.jpg")]},
        content_type="multipart/form-data")
    case = db.session.scalar(select(Case))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert (case.title, case.status, case.public, case.resident_id) == (
        "5号楼楼顶漏水", "new", True, resident.id)
    assert len(case.photos) == 2 and case.zone_id == tree.xinan_building.id
    page = _page(client.get(f"/cases/{case.id}"))
    assert "事项已提交" in page and case.number in page and "待派单" in page
    assert "限时办" in page and "王秀英" in page and "5号楼 602" in page
    assert "提交事项" in page  # the timeline's first step
    for name in (case.photos[0], f"t_{case.photos[1]}"):
        shown = client.get(f"/cases/{case.id}/photos/{name}")
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
        assert "private" in shown.headers["Cache-Control"]
        shown.close()
    # "I filed it" is on my matters, with its deadline
    mine = _page(client.get("/cases/mine"))
    assert "5号楼楼顶漏水" in mine and "待派单" in mine and "时限" in mine


def test_the_same_form_twice_files_once(client, auth, resident, categories, tree):
    auth.login(resident)
    data = {**once(), **_filing(categories, tree)}
    first = client.post("/cases/new", data=data)
    again = client.post("/cases/new", data=data, follow_redirects=True)
    assert _cases() == 1
    case = db.session.scalar(select(Case))
    assert first.headers["Location"].endswith(f"/cases/{case.id}")
    assert "这张表单已经提交过了" in _page(again)


def test_similar_matters_come_first_and_a_neighbour_joins(client, auth, file, make_user,
                                                          categories, tree):
    case = file()  # 王秀英's leaking roof, in the same grid
    neighbour = make_user(name="李大爷")
    auth.login(neighbour)
    second = _page(client.get("/cases/new", query_string={
        "category": categories["房屋漏水"].id, "zone": tree.xinan_grid.id, "step": "2"}))
    assert "3号楼楼顶漏水" in second and "我也遇到了" in second
    assert "王秀英" not in second and "3号楼 601" not in second  # no name, no door number
    # another category shows nothing of it
    other = _page(client.get("/cases/new", query_string={
        "category": categories["停车"].id, "zone": tree.xinan_grid.id, "step": "2"}))
    assert "3号楼楼顶漏水" not in other

    joined = client.post(f"/cases/{case.id}/join", follow_redirects=True)
    page = _page(joined)
    assert "已加入" in page and "1 位邻居" in page
    # a follower reads the matter, with the resident masked and no phone
    assert "王**" in page and "王秀英" not in page and "tel:" not in page
    again = _page(client.post(f"/cases/{case.id}/join", follow_redirects=True))
    assert "您已经加入过这件事项了" in again
    db.session.refresh(case)
    assert case.metoo_count == 1
    assert "我也遇到了" in _page(client.get("/cases/mine"))
    # and the list before filing says they are in it
    second = _page(client.get("/cases/new", query_string={
        "category": categories["房屋漏水"].id, "zone": tree.xinan_grid.id, "step": "2"}))
    assert "这件您已经反映过了" in second


def test_joining_is_for_the_community_and_others_matters(client, auth, file, make_user, tree,
                                                         resident):
    case = file()
    auth.login(make_user(home=tree.dongmei_building))
    page = _page(client.post(f"/cases/{case.id}/join", follow_redirects=True))
    assert "只能加入本社区的事项" in page
    auth.logout()
    auth.login(resident)
    page = _page(client.post(f"/cases/{case.id}/join", follow_redirects=True))
    assert "这是您自己提交的事项" in page
    assert db.session.scalar(select(func.count(CaseFollower.id))) == 0


def test_bad_filing_changes_nothing(client, auth, resident, categories, tree):
    auth.login(resident)
    for change, words in (
            ({"title": ""}, "这一项必须填写"),
            ({"title": "x" * 41}, "最多 40 个字"),
            ({"title": "漏"}, "事项标题 2 到 40 个字"),
            ({"details": "很" * 2001}, "最多 2000 个字"),
            ({"place": "路" * 81}, "最多 80 个字"),
            ({"photos": [(jpeg_bytes(), f"{i}.jpg") for i in range(7)]}, "最多上传 6 张照片"),
            ({"photos": [(io.BytesIO(b"not an image"), "a.jpg")]}, "请上传照片")):
        response = client.post("/cases/new", data={**once(), **_filing(categories, tree),
                                                    **change},
                               content_type="multipart/form-data")
        assert response.status_code == 200, (change, response.headers.get("Location"))
        assert words in _page(response), change
    # a category or a place that was never offered: back to the first step
    for change in ({"category": str(categories["停车"].id + 999)}, {"category": "abc"},
                   {"zone": str(tree.dongmei_building.id)}, {"zone": "99999999999999999999"}):
        response = client.post("/cases/new", data={**once(), **_filing(categories, tree),
                                                   **change}, follow_redirects=True)
        assert "请先选择事项类别" in _page(response), change
    first = _page(client.get("/cases/new", query_string={"category": "x", "zone": "-1",
                                                          "step": "2"}))
    assert "请选择事项的类别" in first
    # no key: the form is stale, nothing is filed
    assert client.post("/cases/new", data=_filing(categories, tree)).status_code == 400
    assert _cases() == 0


def test_a_resident_without_categories_is_told_whom_to_call(client, auth, make_user, tree):
    auth.login(make_user(home=tree.dongmei_building))
    assert "本社区还没有设置事项类别" in _page(client.get("/cases/new"))


def _dispatched(file, admin, gridworker, **fields):
    case = file(**fields)
    services.dispatch(admin, case, gridworker)
    db.session.commit()
    return case


def test_the_handler_works_the_matter_by_form(client, auth, file, admin, gridworker, resident):
    case = _dispatched(file, admin, gridworker)
    auth.login(gridworker)
    tasks = _page(client.get("/cases/tasks"))
    assert "3号楼楼顶漏水" in tasks and "待接单" in tasks
    page = _page(client.get(f"/cases/{case.id}"))
    # the handler sees the resident's name and phone, and may accept or hand back
    assert "王秀英" in page and f"tel:{resident.phone}" in page
    assert "接单" in page and "不归我办，退回" in page and "标记办结" not in page
    assert 'data-testid="join-form"' not in page  # no "me too" on one's own task
    page = _page(client.post(f"/cases/{case.id}/accept", data=once(), follow_redirects=True))
    assert "已接单" in page and "标记办结" in page and "申请延期" in page
    page = _page(client.post(f"/cases/{case.id}/progress", data={
        **once(), "progress-note": "已联系物业，周六上楼顶查看。",
        "progress-photos": [(jpeg_bytes(), "roof.jpg")]},
        content_type="multipart/form-data", follow_redirects=True))
    assert "进展已记录" in page and "已联系物业，周六上楼顶查看。" in page
    progress = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "progress"))
    assert len(progress.photos) == 1 and f"t_{progress.photos[0]}" in page
    page = _page(client.post(f"/cases/{case.id}/extend", data={
        **once(), "extend-days": "2", "extend-reason": "防水材料要等两天"},
        follow_redirects=True))
    assert "已延期" in page and "（已延期）" in page
    page = _page(client.post(f"/cases/{case.id}/resolve", data={
        **once(), "resolve-reply": "楼顶防水层已修补。"}, follow_redirects=True))
    assert "已办结，等待居民评价" in page
    db.session.refresh(case)
    assert case.status == "resolved" and case.extended
    auth.logout()

    auth.login(resident)
    page = _page(client.get(f"/cases/{case.id}"))
    assert "请您评价" in page and "楼顶防水层已修补。" in page and "基本满意" in page
    assert "部分解决" in page
    # a photo of the progress is the resident's to see too
    shown = client.get(f"/cases/{case.id}/photos/{progress.photos[0]}")
    assert shown.status_code == 200
    shown.close()
    page = _page(client.post(f"/cases/{case.id}/rate", data={
        **once(), "rate-rating": "unsatisfied", "rate-resolution": "partly",
        "rate-comment": "卧室还在滴水"}, follow_redirects=True))
    assert "谢谢您的评价" in page and "待回访" in page and "卧室还在滴水" in page
    db.session.refresh(case)
    assert (case.status, case.rating, case.resolution) == ("revisit", "unsatisfied", "partly")


def test_a_rating_needs_both_answers(client, auth, file, admin, gridworker, resident):
    case = _dispatched(file, admin, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "已修补")
    db.session.commit()
    auth.login(resident)
    for data, words in (({"rate-resolution": "solved"}, "请选择满意、基本满意或不满意"),
                        ({"rate-rating": "great", "rate-resolution": "solved"}, "请从列表中选择"),
                        ({"rate-rating": "satisfied"}, "请选择问题是否解决"),
                        ({"rate-rating": "satisfied", "rate-resolution": "solved",
                          "rate-comment": "好" * 201}, "最多 200 个字")):
        page = _page(client.post(f"/cases/{case.id}/rate", data={**once(), **data}))
        assert words in page and "还没有提交" in page, data
    db.session.refresh(case)
    assert case.status == "resolved" and case.rating is None
    page = _page(client.post(f"/cases/{case.id}/rate", data={
        **once(), "rate-rating": "satisfied", "rate-resolution": "solved"},
        follow_redirects=True))
    assert "已结案" in page and "满意" in page


def test_hand_back_and_transfer(client, auth, file, admin, gridworker, make_user, tree):
    case = _dispatched(file, admin, gridworker)
    colleague = make_user("coordinator", zone=tree.xinan_grid, name="刘晓梅")
    auth.login(gridworker)
    page = _page(client.post(f"/cases/{case.id}/hand-back", data={**once(), "back-reason": ""}))
    assert "这一项必须填写" in page and "还没有提交" in page
    page = _page(client.get(f"/cases/{case.id}"))
    assert "刘晓梅" in page  # among those it may go to
    page = _page(client.post(f"/cases/{case.id}/transfer", data={
        **once(), "transfer-handler": "0", "transfer-reason": "不在我的网格"}))
    assert "请选择一位可以办理这件事项的人员" in page
    page = _page(client.post(f"/cases/{case.id}/transfer", data={  # no handler field at all
        **once(), "transfer-reason": "不在我的网格"}))
    assert "请选择一位可以办理这件事项的人员" in page
    page = _page(client.post(f"/cases/{case.id}/transfer", data={
        **once(), "transfer-handler": str(colleague.id), "transfer-reason": "刘晓梅负责这栋楼"},
        follow_redirects=True))
    # a coordinator still sees the matter; the step is in its record
    assert "已转办" in page and "转给 刘晓梅：刘晓梅负责这栋楼" in page
    db.session.refresh(case)
    assert case.handler_id == colleague.id
    auth.logout()
    auth.login(colleague)
    page = _page(client.post(f"/cases/{case.id}/hand-back", data={
        **once(), "back-reason": "应由物业公司办理"}, follow_redirects=True))
    assert "已退回" in page
    db.session.refresh(case)
    assert case.status == "new" and case.handler_id is None


def test_a_party_member_claims_from_the_pool(client, auth, file, make_user):
    case = file(category="助老助残", title="帮独居老人换灯泡")
    assert case.status == "pool"
    first, second = make_user(party="verified", name="李建国"), make_user(party="verified")
    auth.login(first)
    tasks = _page(client.get("/cases/tasks"))
    assert "等待认领" in tasks and "帮独居老人换灯泡" in tasks
    page = _page(client.get(f"/cases/{case.id}"))
    assert "抢单" in page and "tel:" not in page  # the phone comes with the claim
    page = _page(client.post(f"/cases/{case.id}/claim", data=once(), follow_redirects=True))
    assert "认领成功" in page and "tel:" in page and "办理中" in page
    auth.logout()
    auth.login(second)
    page = _page(client.post(f"/cases/{case.id}/claim", data=once(), follow_redirects=True))
    assert "这件事项刚刚被别人认领了" in page and "帮独居老人换灯泡" not in page
    assert client.get(f"/cases/{case.id}").status_code == 403
    db.session.refresh(case)
    assert case.handler_id == first.id


def test_a_plain_resident_has_no_pool(client, auth, file, make_user):
    file(category="助老助残", title="帮独居老人换灯泡")
    auth.login(make_user())
    tasks = _page(client.get("/cases/tasks"))
    assert "现在没有派给您的事项" in tasks and "帮独居老人换灯泡" not in tasks
    assert 'data-testid="pool"' not in tasks


def test_withdraw_by_form(client, auth, file, resident):
    case = file()
    auth.login(resident)
    page = _page(client.get(f"/cases/{case.id}"))
    assert "撤回事项" in page and "我也遇到了" not in page
    page = _page(client.post(f"/cases/{case.id}/withdraw", data={
        **once(), "withdraw-reason": "已自行解决"}, follow_redirects=True))
    assert "事项已撤回" in page and "已撤回" in page and "撤回事项" not in page


def test_who_may_see_a_matter(client, auth, file, admin, gridworker, make_user, tree, resident):
    case = _dispatched(file, admin, gridworker, photos=[])
    neighbour = make_user()
    auth.login(neighbour)
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert client.post(f"/cases/{case.id}/withdraw", data=once()).status_code == 403
    assert client.get(f"/cases/{case.id}/photos/t_x.jpg").status_code == 403
    assert client.get("/cases/99999").status_code == 404
    assert client.get("/cases/99999999999999999999").status_code == 404
    auth.logout()
    # the photo route never answers a guest
    response = client.get(f"/cases/{case.id}/photos/t_x.jpg")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # the resident may not take the handler's steps, nor the handler the resident's
    auth.login(resident)
    assert client.post(f"/cases/{case.id}/accept", data=once()).status_code == 403
    assert client.get(f"/cases/{case.id}/photos/t_x.jpg").status_code == 404
    auth.logout()
    auth.login(gridworker)
    assert client.post(f"/cases/{case.id}/withdraw", data=once()).status_code == 403
    auth.logout()
    # staff see the way to the staff page; a grid worker is no dispatcher
    auth.login(admin)
    page = _page(client.get(f"/cases/{case.id}"))
    assert f'href="/staff/cases/{case.id}"' in page and "王秀英" in page
    auth.logout()
    auth.login(gridworker)
    assert "/staff/cases/" not in _page(client.get(f"/cases/{case.id}"))


def test_a_step_on_a_matter_that_moved_on_says_so(client, auth, file, admin, gridworker):
    case = _dispatched(file, admin, gridworker)
    services.accept(gridworker, case)
    db.session.commit()
    auth.login(gridworker)
    page = _page(client.post(f"/cases/{case.id}/accept", data=once(), follow_redirects=True))
    assert "刷新页面" in page


def test_overdue_matters_are_marked(client, auth, file, resident):
    case = file(now=utcnow() - timedelta(days=30))
    auth.login(resident)
    assert "已超期" in _page(client.get(f"/cases/{case.id}"))
    assert "已超期" in _page(client.get("/cases/mine"))


def test_my_matters_newest_first(client, auth, file, resident):
    older = file(title="2号楼路灯不亮", category="安全隐患")
    newer = file(title="菜市场门口占道", category="市场秩序")
    services.withdraw(resident, older)
    db.session.commit()
    auth.login(resident)
    page = _page(client.get("/cases/mine"))
    assert page.index(newer.title) < page.index(older.title) and "已撤回" in page


def test_entry_points(client, auth, resident, make_user):
    auth.login(resident)
    home = _page(client.get("/"))
    assert "/cases/new" in home and "/cases/mine" in home and "/cases/tasks" not in home
    me = _page(client.get("/me"))
    assert "/cases/mine" in me and "/cases/tasks" in me
    auth.logout()
    auth.login(make_user(party="verified"))
    assert "/cases/tasks" in _page(client.get("/"))


def test_list_queries_stay_flat(client, auth, file, admin, gridworker, make_user, count_queries):
    member = make_user(party="verified")

    def fill(n):
        for i in range(n):
            case = file(title=f"第{i}号事项")
            services.dispatch(admin, case, gridworker)
            file(title=f"认领{i}号", category="助老助残")
            services.join(member, case)
        db.session.commit()

    def counted(url):
        with count_queries() as counter:
            _page(client.get(url))
        return counter.count

    fill(3)
    auth.login(gridworker)
    few = {"tasks": counted("/cases/tasks")}
    auth.logout()
    auth.login(member)
    few |= {"mine": counted("/cases/mine"), "pool": counted("/cases/tasks")}
    auth.logout()
    fill(27)
    auth.login(gridworker)
    many = {"tasks": counted("/cases/tasks")}
    assert _page(client.get("/cases/tasks")).count("号事项") == 30
    auth.logout()
    auth.login(member)
    many |= {"mine": counted("/cases/mine"), "pool": counted("/cases/tasks")}
    assert _page(client.get("/cases/tasks")).count("认领") >= 30
    assert many == few


def test_bad_handler_input_changes_nothing(client, auth, file, admin, gridworker, app):
    case = _dispatched(file, admin, gridworker)
    services.accept(gridworker, case)
    db.session.commit()
    auth.login(gridworker)
    uploads = Path(app.config["UPLOAD_FOLDER"]) / "cases"
    before = set(uploads.glob("*")) if uploads.exists() else set()
    for url, data, words in (
            ("extend", {"extend-days": "99", "extend-reason": "等材料"}, "请从列表中选择"),
            ("extend", {"extend-days": "abc", "extend-reason": "等材料"}, "请从列表中选择"),
            ("extend", {"extend-days": "3", "extend-reason": ""}, "这一项必须填写"),
            ("extend", {"extend-days": "3", "extend-reason": "等"}, "申请延期时请写明原因"),
            ("progress", {"progress-note": "已上门", "progress-photos": [
                (jpeg_bytes(), f"{i}.jpg") for i in range(7)]}, "最多上传 6 张照片"),
            # a good photo, then a bad one: the good one is not kept either
            ("progress", {"progress-note": "已上门", "progress-photos": [
                (jpeg_bytes(), "a.jpg"), (io.BytesIO(b"GIF89a"), "b.gif")]}, "请上传照片"),
            ("resolve", {"resolve-reply": "好" * 501}, "最多 500 个字")):
        page = _page(client.post(f"/cases/{case.id}/{url}", data={**once(), **data},
                                 content_type="multipart/form-data"))
        assert words in page, (url, data)
    db.session.refresh(case)
    assert case.status == "accepted" and not case.extended
    assert [e.kind for e in case.events] == ["filed", "dispatched", "accepted"]
    assert (set(uploads.glob("*")) if uploads.exists() else set()) == before


def test_the_same_progress_note_twice_is_written_once(client, auth, file, admin, gridworker):
    case = _dispatched(file, admin, gridworker)
    services.accept(gridworker, case)
    db.session.commit()
    auth.login(gridworker)
    data = {**once(), "progress-note": "已联系物业"}
    client.post(f"/cases/{case.id}/progress", data=data)
    page = _page(client.post(f"/cases/{case.id}/progress", data=data, follow_redirects=True))
    assert "这张表单已经提交过了" in page
    assert db.session.scalar(select(func.count(CaseEvent.id)).where(
        CaseEvent.kind == "progress")) == 1


def test_a_map_point_from_the_phone_reaches_the_handler_not_the_public(
        client, auth, resident, categories, tree, admin, make_user):
    auth.login(resident)
    page = _page(client.get("/cases/new", query_string={
        "category": categories["房屋漏水"].id, "zone": tree.xinan_building.id, "step": "2"}))
    assert "data-locate" in page and "locate.js" in page  # the button shows with JavaScript
    client.post("/cases/new", data={**once(), **_filing(categories, tree),
                                    "lat": "30.274085", "lng": "120.155070"})
    case = db.session.scalar(select(Case))
    assert (case.geo_lat, case.geo_lng) == (30.274085, 120.15507)
    assert "geo:30.274085,120.155070" in _page(client.get(f"/cases/{case.id}"))
    auth.logout()
    auth.login(admin)
    assert "geo:30.274085,120.155070" in _page(client.get(f"/staff/cases/{case.id}"))
    auth.logout()
    auth.login(make_user())
    neighbour = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "geo:" not in neighbour


def test_a_forged_map_point_changes_nothing(client, auth, resident, categories, tree):
    auth.login(resident)
    response = client.post("/cases/new", data={**once(), **_filing(categories, tree),
                                               "lat": "999", "lng": "1"})
    assert response.status_code == 200 and "地图位置无效" in _page(response)
    assert _cases() == 0
