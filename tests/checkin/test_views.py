"""Check-in pages: scan → (log in) → 签到成功; forged codes; the coordinator's desk; posters."""

import io
import json
import re
from datetime import timedelta

import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from portal.checkin import codes
from portal.checkin.models import Attendance, ScanLog
from portal.extensions import db
from portal.members import codes as members
from portal.types import utcnow
from tests.conftest import PASSWORD


def code_path(shift) -> str:
    return f"/c/{codes.shift_token(shift.id, utcnow())}"


def test_anonymous_scan_logs_in_and_lands_back_on_the_check_in(client, live_shift, volunteer):
    response = client.get(code_path(live_shift))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    back = client.post(response.headers["Location"],
                       data={"phone": volunteer.phone, "password": PASSWORD})
    assert back.status_code == 302 and "/checkin/" in back.headers["Location"]
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "确认签到" in page and "桥头市场周六执勤" in page
    html = client.post(back.headers["Location"]).get_data(as_text=True)
    assert "签到成功" in html
    assert db.session.scalar(select(func.count(Attendance.id))) == 1


def test_scanning_again_shows_the_record_then_checks_out(client, auth, live_shift, volunteer):
    auth.login(volunteer)
    target = client.get(code_path(live_shift)).headers["Location"]
    assert "签到成功" in client.post(target).get_data(as_text=True)
    second = client.get(code_path(live_shift)).headers["Location"]
    page = client.get(second).get_data(as_text=True)
    assert "您已于" in page and 'value="out"' in page and "data-auto-checkin" not in page
    assert "已经签到过了" in client.post(second).get_data(as_text=True)  # no accidental out
    assert "签退成功" in client.post(second, data={"action": "out"}).get_data(as_text=True)


def test_forged_and_garbage_codes_are_refused_in_chinese_and_logged(client, auth, live_shift,
                                                                   volunteer):
    auth.login(volunteer)
    token = codes.shift_token(live_shift.id, utcnow())
    forged = token.replace(f"s.{live_shift.id}.", f"s.{live_shift.id + 1}.")
    old = codes.shift_token(live_shift.id, utcnow() - timedelta(minutes=5))
    for path, words in ((f"/c/{forged}", "二维码无效"), (f"/c/{old}", "二维码已过期"),
                        ("/c/" + "A" * 3000, "二维码无效"), ("/c/%00%ff", "二维码无效"),
                        ("/c/../../etc/passwd", None)):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        if words:
            assert words in response.get_data(as_text=True)
    outcomes = db.session.scalars(select(ScanLog.outcome)).all()
    assert outcomes.count("invalid_code") >= 3 and "expired_code" in outcomes
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    assert client.get("/checkin/not-a-pass").status_code == 404


def test_coordinator_desk_answers_json_for_the_camera_and_usb(client, auth, live_shift,
                                                              volunteer, coordinator):
    token = members.member_code(volunteer)
    db.session.commit()
    auth.login(coordinator)
    url = f"/staff/checkin/{live_shift.id}/scan"
    first = client.post(url, data={"code": token}, headers={"Accept": "application/json"})
    again = client.post(url, data={"code": token}, headers={"Accept": "application/json"})
    assert json.loads(first.data)["title"] == "签到成功"
    assert json.loads(again.data)["outcome"] == "already_checked_in"
    html = client.post(url, data={"code": "junk\x00"}).get_data(as_text=True)
    assert "二维码无效" in html  # without JavaScript: the page itself shows it
    out = client.post(url + "?mode=out", data={"code": token},
                      headers={"Accept": "application/json"})
    assert json.loads(out.data)["title"] == "签退成功"


def test_manual_look_up_without_a_reason_changes_nothing(client, auth, live_shift, volunteer,
                                                         coordinator):
    auth.login(coordinator)
    html = client.post(f"/staff/checkin/{live_shift.id}/manual",
                       data={"phone": volunteer.phone, "reason": ""}).get_data(as_text=True)
    assert "请写明原因" in html
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_shift_code_image_decodes_to_the_permanent_path(client, auth, live_shift, coordinator,
                                                        app):
    auth.login(coordinator)
    png = client.get(f"/staff/checkin/{live_shift.id}/code.png").data
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found.text.startswith(f"{app.config['BASE_URL']}/c/s.{live_shift.id}.")
    svg = client.get(f"/staff/checkin/{live_shift.id}/code.svg")
    assert svg.mimetype == "image/svg+xml" and svg.headers["Cache-Control"] == \
        "private, no-store"


def test_poster_is_issued_reissued_and_old_ones_refused(client, auth, live_shift, coordinator,
                                                       volunteer):
    auth.login(coordinator)
    blank = client.get(f"/staff/checkin/{live_shift.id}/poster").get_data(as_text=True)
    assert "还没有生成海报" in blank and "打印海报（A4）" not in blank  # nothing to print yet
    client.post(f"/staff/checkin/{live_shift.id}/poster", data={"action": "issue"})
    assert "打印海报（A4）" in client.get(f"/staff/checkin/{live_shift.id}/poster").get_data(
        as_text=True)
    first = zxingcpp.read_barcodes(Image.open(io.BytesIO(
        client.get(f"/staff/checkin/{live_shift.id}/poster.png").data)))[0].text
    client.post(f"/staff/checkin/{live_shift.id}/poster", data={"action": "issue"})
    second = zxingcpp.read_barcodes(Image.open(io.BytesIO(
        client.get(f"/staff/checkin/{live_shift.id}/poster.png").data)))[0].text
    assert first != second and "/c/p." in second
    auth.logout()
    auth.login(volunteer)
    path = first.split("portal.test", 1)[1]
    target = client.get(path).headers["Location"]
    assert "二维码无效" in client.post(target).get_data(as_text=True)
    target = client.get(second.split("portal.test", 1)[1]).headers["Location"]
    assert "签到成功" in client.post(target).get_data(as_text=True)


def test_the_passbook_links_the_credit_to_the_shift(client, auth, live_shift, volunteer):
    from portal.checkin import services

    start = live_shift.start_dt
    services.check_in(volunteer, live_shift, method="shift_code", now=start)
    result = services.check_out(volunteer, live_shift, method="shift_code",
                                now=start + timedelta(hours=2))
    db.session.commit()
    auth.login(volunteer)
    html = client.get("/points/").get_data(as_text=True)
    assert "志愿服务：桥头市场周六执勤" in html and "+2 分" in html
    assert f'href="/checkin/attendances/{result.attendance.id}"' in html
    record = client.get(f"/checkin/attendances/{result.attendance.id}").get_data(as_text=True)
    assert "2 小时" in record and f'href="/shifts/{live_shift.id}"' in record
    assert "2" in client.get("/points/hours").get_data(as_text=True)


def test_live_board_query_count_does_not_grow(client, auth, live_shift, coordinator, make_user,
                                              volunteer, count_queries):
    from portal.checkin import services
    from portal.shifts import signups

    services.check_in(volunteer, live_shift, method="shift_code")
    db.session.commit()
    auth.login(coordinator)
    with count_queries() as few:
        client.get(f"/staff/checkin/{live_shift.id}/live")
    for _ in range(8):
        user = make_user()
        signups.sign_up(user, live_shift)
        services.check_in(user, live_shift, method="shift_code")
    db.session.commit()
    with count_queries() as many:
        html = client.get(f"/staff/checkin/{live_shift.id}/live").get_data(as_text=True)
    assert html.count('data-testid="live-row"') == 9
    assert many.count == few.count


def test_close_shifts_command_is_idempotent(runner, live_shift, volunteer):
    from portal.checkin import services

    services.check_in(volunteer, live_shift, method="shift_code", now=live_shift.start_dt)
    live_shift.end_dt = utcnow() - timedelta(minutes=1)
    live_shift.start_dt = live_shift.end_dt - timedelta(hours=2)
    db.session.commit()
    assert "closed: 1" in runner.invoke(args=["close-shifts"]).output
    assert "closed: 0" in runner.invoke(args=["close-shifts"]).output


def test_a_good_link_logs_nothing_yet_and_a_stale_one_is_logged_for_who_opened_it(
        client, auth, live_shift, volunteer):
    auth.login(volunteer)
    assert client.get(code_path(live_shift)).status_code == 302
    assert db.session.scalars(select(ScanLog)).all() == []  # the check-in behind it logs
    old = codes.shift_token(live_shift.id, utcnow() - timedelta(minutes=5))
    page = client.get(f"/c/{old}").get_data(as_text=True)
    assert "二维码已过期" in page and "王**" not in page
    (row,) = db.session.scalars(select(ScanLog)).all()
    assert (row.outcome, row.method, row.user_id, row.actor_id, row.shift_id) == \
        ("expired_code", "shift_code", volunteer.id, None, None)


def test_only_a_poster_that_existed_is_said_to_be_void(client, auth, live_shift, coordinator):
    auth.login(coordinator)
    url = f"/staff/checkin/{live_shift.id}/poster"

    def issue() -> str:
        """What the flash says after 生成海报."""
        html = client.post(url, data={"action": "issue"}, follow_redirects=True).get_data(
            as_text=True)
        return " ".join(re.findall(r'<p class="flash flash-success">.*?<span>(.*?)</span>', html))

    assert issue() == "已生成海报，可以打印了。"  # the first: nothing printed to void
    assert issue() == "已生成新海报。之前打印的海报已作废。"
    client.post(url, data={"action": "revoke"}, follow_redirects=True)
    assert issue() == "已生成海报，可以打印了。"  # the printed ones died with the revoke


def test_every_scan_answer_carries_the_desks_tally_with_that_scan(client, auth, live_shift,
                                                                  volunteer, coordinator,
                                                                  make_user):
    """The desk's 已签到 n / m 人 must move with each scan: the JSON the page's script reads
    carries it, and the page a scan posts to without JavaScript shows it."""
    from portal.shifts import signups

    other = make_user(name="郑晓东")
    signups.sign_up(other, live_shift)
    token, other_token = members.member_code(volunteer), members.member_code(other)
    db.session.commit()
    auth.login(coordinator)
    url = f"/staff/checkin/{live_shift.id}/scan"
    page = client.get(url).get_data(as_text=True)
    assert "已签到 0 / 2 人，已签退 0 人" in page
    first = client.post(url, data={"code": token}, headers={"Accept": "application/json"})
    assert json.loads(first.data)["counts"] == "已签到 1 / 2 人，已签退 0 人"
    html = client.post(url, data={"code": other_token}).get_data(as_text=True)  # no JS
    assert "已签到 2 / 2 人，已签退 0 人" in html
    out = client.post(url + "?mode=out", data={"code": token},
                      headers={"Accept": "application/json"})
    assert json.loads(out.data)["counts"] == "已签到 2 / 2 人，已签退 1 人"
    refused = client.post(url, data={"code": "junk"}, headers={"Accept": "application/json"})
    assert json.loads(refused.data)["counts"] == "已签到 2 / 2 人，已签退 1 人"


def test_the_walk_in_form_shows_only_for_a_resident_who_did_not_sign_up(client, auth,
                                                                       live_shift, make_user,
                                                                       coordinator):
    """Without JavaScript the page the scan posts to offers 现场补位 for that resident; the
    desk as first drawn, and after any other answer, keeps the form hidden (scan.js shows it
    after a JSON answer whose walk_in is true)."""
    neighbour = make_user(name="孙大海")
    token = members.member_code(neighbour)
    db.session.commit()
    auth.login(coordinator)
    url = f"/staff/checkin/{live_shift.id}/scan"
    form = re.compile(r"<form[^>]*data-walk-in([^>]*)>.*?name=\"user_id\" value=\"(\d*)\"", re.S)
    hidden, user_id = form.search(client.get(url).get_data(as_text=True)).groups()
    assert "hidden" in hidden and user_id == ""
    hidden, user_id = form.search(client.post(url, data={"code": token})
                                  .get_data(as_text=True)).groups()
    assert "hidden" not in hidden and user_id == str(neighbour.id)
    answer = json.loads(client.post(url, data={"code": token},
                                    headers={"Accept": "application/json"}).data)
    assert answer["walk_in"] is True and answer["user_id"] == neighbour.id
    hidden, _id = form.search(client.post(url, data={"code": "junk"})
                              .get_data(as_text=True)).groups()
    assert "hidden" in hidden
