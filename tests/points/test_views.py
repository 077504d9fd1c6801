"""Points pages: passbook, privacy of awards and photos, award forms, notice, leaderboard."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.extensions import db
from portal.points import awards, hours, ledger
from portal.points.award_models import Award, Objection
from portal.points.rules import seed_default_rules
from tests.conftest import once


@pytest.fixture
def coordinator(make_user, tree):
    return make_user("coordinator", zone=tree.xinan)


def award(coordinator, resident, points="1.5", reason="调处纠纷"):
    result = awards.record_award(coordinator, resident, points=points, reason=reason,
                                 evidence_note="调解漏水纠纷")
    db.session.commit()
    return result


def test_passbook_shows_entries_with_running_balance(client, auth, make_user, coordinator):
    resident = make_user()
    award(coordinator, resident, "1.5", "调处纠纷")
    award(coordinator, resident, "3", "救灾救人")
    ledger.spend(resident.id, 10, source_type="redemption", source_id=1, memo="兑换大米 1 袋")
    db.session.commit()
    auth.login(resident)
    html = client.get("/points/").get_data(as_text=True)
    assert '<span class="balance-number" data-testid="balance">3.5</span>' in html
    assert html.index("兑换大米 1 袋") < html.index("积分奖励：救灾救人") \
        < html.index("积分奖励：调处纠纷")  # newest first
    assert "-1 分" in html and "+3 分" in html and "余额 3.5" in html and "余额 1.5" in html


def test_passbook_query_count_does_not_grow_with_entries(client, auth, make_user, coordinator,
                                                         count_queries):
    resident = make_user()
    award(coordinator, resident, "1", "好事 0")
    auth.login(resident)
    with count_queries() as few:
        client.get("/points/")
    for i in range(1, 19):
        entry = awards.record_award(coordinator, resident, points="1", reason=f"好事 {i}",
                                    evidence_note="x").entry
        if i % 3 == 0:
            ledger.reverse(entry)
    db.session.commit()
    with count_queries() as many:
        response = client.get("/points/")
    assert response.get_data(as_text=True).count('class="list-item entry') == 20
    assert many.count == few.count


def test_resident_sees_own_award_but_not_a_neighbours(client, auth, make_user, coordinator):
    resident, neighbour = make_user(), make_user()
    mine = award(coordinator, resident)
    theirs = award(coordinator, neighbour)
    auth.login(resident)
    assert client.get(f"/points/awards/{mine.id}").status_code == 200
    assert client.get(f"/points/awards/{theirs.id}").status_code == 403
    assert client.get(f"/points/awards/{theirs.id}/photo").status_code == 403
    assert client.get("/points/awards/999999").status_code == 404


def test_staff_in_another_community_cannot_see_a_passbook(client, auth, make_user, tree,
                                                          coordinator):
    resident = make_user()
    award(coordinator, resident)
    auth.login(make_user("clerk", zone=tree.dongmei))
    assert client.get(f"/staff/points/residents/{resident.id}").status_code == 403
    auth.logout()
    auth.login(make_user("clerk", zone=tree.xinan))
    assert "1.5" in client.get(f"/staff/points/residents/{resident.id}").get_data(as_text=True)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(buffer, "JPEG")
    return buffer.getvalue()


def test_award_form_with_photo_then_photo_is_private(app, client, auth, make_user, coordinator,
                                                     tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    resident = make_user()
    auth.login(coordinator)
    response = client.post("/staff/points/awards/new", data={**once(),
        "phone": resident.phone, "rule": "0", "points": "2", "reason": "帮独居老人买药",
        "evidence_note": "", "photo": (io.BytesIO(_jpeg()), "scene.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    created = db.session.scalar(select(Award))
    assert created.status == "posted" and created.evidence_photo
    photo = client.get(f"/points/awards/{created.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert photo.get_data()[:2] == b"\xff\xd8"
    photo.close()
    auth.logout()
    auth.login(make_user())
    assert client.get(f"/points/awards/{created.id}/photo").status_code == 403


@pytest.mark.parametrize("data, message", [
    ({"phone": "13000000000", "points": "1", "reason": "好事", "evidence_note": "x"},
     "没有找到这个手机号对应的居民"),
    ({"points": "abc", "reason": "好事", "evidence_note": "x"}, "积分请填写数字"),
    ({"points": "1.25", "reason": "好事", "evidence_note": "x"}, "积分请填写数字"),
    ({"points": "2", "reason": "", "evidence_note": "x"}, "请写明奖励理由"),
    ({"points": "2", "reason": "好事", "evidence_note": ""}, "请填写事迹说明或上传一张照片"),
    ({"points": "2", "reason": "好事", "evidence_note": "x", "rule": "abc"}, None),
])
def test_bad_award_input_gets_chinese_message_and_changes_nothing(client, auth, make_user,
                                                                 coordinator, data, message):
    resident = make_user()
    auth.login(coordinator)
    form = {"phone": resident.phone, "rule": "0", **data}
    response = client.post("/staff/points/awards/new", data={**form, **once()})
    if message is None:  # a tampered rule id is treated as "custom": still a valid award
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Award.id))) == 0
    assert ledger.balance_of(resident.id) == 0


def test_non_image_upload_is_refused(app, client, auth, make_user, coordinator, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    resident = make_user()
    auth.login(coordinator)
    response = client.post("/staff/points/awards/new", data={**once(),
        "phone": resident.phone, "rule": "0", "points": "2", "reason": "好事",
        "evidence_note": "", "photo": (io.BytesIO(b"%PDF-1.4 not a photo"), "x.jpg")},
        content_type="multipart/form-data")
    assert "请上传照片" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Award.id))) == 0


def test_two_person_approval_through_the_pages(client, auth, make_user, tree, coordinator):
    admin = make_user("admin", zone=tree.xinan)
    resident = make_user()
    auth.login(coordinator)
    client.post("/staff/points/awards/new", data={**once(),
        "phone": resident.phone, "rule": "0", "points": "8", "reason": "扑灭楼道火情",
        "evidence_note": "消防站证明"})
    pending = db.session.scalar(select(Award))
    assert pending.status == "pending" and ledger.balance_of(resident.id) == 0
    assert client.post(f"/staff/points/awards/{pending.id}/decide",
                       data={**once(), "decision": "approve"}).status_code == 403
    auth.logout()
    auth.login(admin)
    assert "扑灭楼道火情" in client.get("/staff/points/approvals").get_data(as_text=True)
    client.post(f"/staff/points/awards/{pending.id}/decide", data={**once(), "decision": "approve"})
    db.session.rollback()
    assert ledger.balance_of(resident.id) == 80


def test_notice_masks_names_and_hides_phones(client, auth, make_user, coordinator):
    resident = make_user(name="王秀英")
    award(coordinator, resident, "1", "参与志愿活动")
    auth.login(make_user())
    html = client.get("/points/notice").get_data(as_text=True)
    assert "王**" in html and "王秀英" not in html and resident.phone not in html


def test_objection_through_the_page(client, auth, make_user, coordinator):
    neighbour = make_user()
    posted = award(coordinator, make_user())
    auth.login(neighbour)
    response = client.post(f"/points/notice/{posted.id}/object", data={"reason": ""})
    assert "这一项必须填写" in response.get_data(as_text=True)
    client.post(f"/points/notice/{posted.id}/object", data={"reason": "我在现场，情况不属实"})
    assert db.session.scalar(select(Objection.reason)) == "我在现场，情况不属实"


def test_the_objector_reads_the_outcome_in_the_inbox(client, auth, make_user, coordinator,
                                                     tree):
    admin = make_user("admin", zone=tree.xinan)
    neighbour, resident = make_user(), make_user()
    posted = award(coordinator, resident, reason="救灾救人")
    auth.login(neighbour)
    client.post(f"/points/notice/{posted.id}/object", data={"reason": "我在现场，情况不属实"})
    objection_id = db.session.scalar(select(Objection.id))
    auth.logout()
    auth.login(admin)
    client.post(f"/staff/points/objections/{objection_id}/resolve",
                data={"decision": "reverse", "note": "复核后情况不属实", **once()})
    auth.logout()
    auth.login(neighbour)
    html = client.get("/inbox/").get_data(as_text=True)
    assert "复核后情况不属实" in html and "救灾救人" in html and "撤销" in html
    # every link the objector is given opens for them (the award page itself stays private)
    assert client.get(f"/points/awards/{posted.id}").status_code == 403
    assert f"/points/awards/{posted.id}" not in html
    auth.logout()
    auth.login(resident)
    html = client.get("/inbox/").get_data(as_text=True)
    assert "复核后情况不属实" in html and f"/points/awards/{posted.id}" in html
    assert "复核后情况不属实" in client.get(f"/points/awards/{posted.id}").get_data(as_text=True)


def test_leaderboard_is_opt_in_and_masked(client, auth, make_user):
    shy, keen = make_user(name="赵桂兰"), make_user(name="李建国")
    hours.credit_hours(shy.id, 600, source_type="import", source_id=shy.id)
    hours.credit_hours(keen.id, 120, source_type="import", source_id=keen.id)
    db.session.commit()
    auth.login(keen)
    assert "还没有人加入排行榜" in client.get("/points/leaderboard").get_data(as_text=True)
    client.post("/points/leaderboard/opt", data={"join": "1"})
    html = client.get("/points/leaderboard").get_data(as_text=True)
    assert "李**" in html and "赵" not in html and keen.phone not in html


def test_hours_page_shows_stars_and_progress(client, auth, make_user):
    resident = make_user()
    hours.credit_hours(resident.id, 130 * 60, source_type="import", source_id=resident.id)
    db.session.commit()
    auth.login(resident)
    html = client.get("/points/hours").get_data(as_text=True)
    assert "130" in html and "1 星志愿者" in html and 'max="100" value="15"' in html


def test_rules_page_lists_active_rules(client):
    seed_default_rules()
    db.session.commit()
    html = client.get("/points/rules").get_data(as_text=True)
    for words in ("参与志愿活动", "调处纠纷", "救灾救人", "每次 1.5 分", "每小时 1 分"):
        assert words in html


def test_rule_form_refuses_bad_points(client, auth, make_user, tree):
    auth.login(make_user("admin", zone=tree.xinan))
    response = client.post("/staff/points/rules/new", data={
        "code": "clean_up", "name": "环境整治", "mode": "fixed", "points": "0.05"})
    assert "积分请填写数字" in response.get_data(as_text=True)
    client.post("/staff/points/rules/new", data={
        "code": "clean_up", "name": "环境整治", "mode": "fixed", "points": "0.5",
        "is_active": "y"})
    assert "环境整治" in client.get("/points/rules").get_data(as_text=True)
