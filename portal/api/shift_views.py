"""Volunteer shifts (scope read for the list and a shift, volunteer for the writes): the web's
shift list and detail (shifts/queries), signing up and cancelling (shifts/signups, exactly as
the web's buttons), and the volunteer's own check-in by a scanned shift or poster code
(checkin/services.open_link then self_scan, the web's /c/<token> → /checkin/<pass> path).
A refused check-in is a scan outcome there, logged: here too a 200 with ok false."""

from __future__ import annotations

from flask import abort, request
from flask_babel import lazy_gettext as _l
from spectree import Response

from portal.api import shift_schemas as ss
from portal.api.core import (
    Error,
    bp,
    commit_read,
    decode_cursor,
    documented,
    holder,
    idempotent,
    needs,
    page_of,
)
from portal.api.schemas import IdempotencyHeaders, PageQuery
from portal.checkin import services
from portal.checkin.outcomes import describe_result
from portal.errors import DomainError
from portal.shifts import queries, signups
from portal.types import utcnow

AUTH = {"HTTP_401": Error, "HTTP_403": Error, "HTTP_422": Error, "HTTP_429": Error}
ROW = {**AUTH, "HTTP_404": Error}
WRITE = {**ROW, "HTTP_400": Error, "HTTP_409": Error}


def _mine(row: queries.ShiftRow, position: bool) -> dict | None:
    mine = row.mine
    if mine is None:
        return None
    waiting = signups.waitlist_position(mine) if position and mine.status == "waitlisted" else None
    return {"id": mine.id, "status": mine.status, "post_id": mine.post_id,
            "waitlist_position": waiting}


def _shift(row: queries.ShiftRow, position: bool = False) -> dict:
    shift = row.shift
    return {"id": shift.id, "activity_id": shift.activity_id, "title": shift.activity.title,
            "zone_id": shift.zone_id, "zone_name": shift.zone.name, "place": shift.place,
            "team_id": shift.team_id, "starts_at": shift.start_dt, "ends_at": shift.end_dt,
            "status": shift.status, "capacity": shift.capacity, "places_taken": row.confirmed,
            "places_left": row.free, "mine": _mine(row, position)}


def _row(shift_id: int) -> queries.ShiftRow:
    """The shift as the web's detail shows it (every shift is public), or 404."""
    row = queries.shift_detail(shift_id, holder().id)
    if row is None:
        abort(404)
    return row


def _signup(found) -> dict:
    waiting = signups.waitlist_position(found) if found.status == "waitlisted" else None
    return {"id": found.id, "shift_id": found.shift_id, "status": found.status,
            "post_id": found.post_id, "waitlist_position": waiting}


@bp.get("/shifts")
@needs("read")
@documented(query=PageQuery, resp=Response(HTTP_200=ss.Shifts, HTTP_400=Error, **AUTH),
            tags=["志愿岗位"])
def shifts(query: PageQuery):
    """即将开始的志愿班次

    权限范围：read。与“志愿岗位”页同样的班次（开放、未结束），按开始时间排序，按游标翻页；
    每个班次带已报名人数、剩余名额和持有人自己的报名（候补位次见详情）。"""
    rows = queries.shift_keyset(now=utcnow(), viewer_id=holder().id,
                                after_id=decode_cursor(query.cursor), limit=query.limit)
    page, cursor = page_of([row.shift for row in rows], query.limit)
    items = [_shift(row) for row in rows[:len(page)]]  # before the commit expires the rows
    commit_read()
    return {"items": items, "next_cursor": cursor}


@bp.get("/shifts/<int:shift_id>")
@needs("read")
@documented(resp=Response(HTTP_200=ss.ShiftDetail, **ROW), tags=["志愿岗位"])
def shift(shift_id: int):
    """一个班次

    权限范围：read。名额（总数、各岗位）、已报名、剩余，以及持有人自己的报名和候补位次。"""
    row = _row(shift_id)
    shift = row.shift
    answer = {**_shift(row, position=True), "description": shift.activity.description,
              "cancel_cutoff_hours": shift.activity.cancel_cutoff_hours,
              "posts": [{"id": post.id, "name": post.name, "capacity": post.capacity,
                         "places_taken": row.per_post.get(post.id, 0),
                         "places_left": row.post_free(post)} for post in shift.posts]}
    commit_read()
    return answer


@bp.post("/shifts/<int:shift_id>/signup")
@needs("volunteer")
@idempotent
@documented(json=ss.SignUpBody, headers=IdempotencyHeaders,
            resp=Response(HTTP_200=ss.SignUpOut, **WRITE), tags=["志愿岗位"])
def signup(shift_id: int, json: ss.SignUpBody):
    """报名

    权限范围：volunteer。需要 Idempotency-Key。与班次页的报名按钮相同（shifts/signups.sign_up）：
    满员进入候补；设有岗位的班次须给 post_id。拒绝时的 code：window_not_open、overlap、
    needs_post、bad_post、team_only、no_show_pause、shift_started、shift_cancelled。"""
    row = _row(shift_id)
    return _signup(signups.sign_up(holder(), row.shift, post_id=json.post_id)), 200


@bp.post("/shifts/<int:shift_id>/cancel")
@needs("volunteer")
@idempotent
@documented(headers=IdempotencyHeaders, resp=Response(HTTP_200=ss.SignUpOut, **WRITE),
            tags=["志愿岗位"])
def cancel(shift_id: int):
    """取消报名

    权限范围：volunteer。需要 Idempotency-Key。与“我的排班”的取消相同
    （shifts/signups.cancel_signup）：开始前规定小时内 cancel_closed，已开始 shift_started；
    没有报名 not_your_signup（404）。候补第一位自动转正。"""
    row = _row(shift_id)
    if row.mine is None:
        raise DomainError("not_your_signup", _l("找不到您的这条报名记录。"), 404)
    return _signup(signups.cancel_signup(holder(), row.mine.id)), 200


def _token(code: str) -> str:
    """A shift or poster code, or the /c/ link that carries one."""
    code = code.strip()
    marker = code.find("/c/")
    return code[marker + 3:].split("?")[0].split("#")[0] if marker >= 0 else code


def _action(user_id: int, shift_id: int) -> str:
    """What the confirm page's button offers: 签退 once checked in, else 确认签到."""
    signup_row = services.confirmed_signup(user_id, shift_id)
    attendance = services.attendance_of(signup_row.id) if signup_row else None
    return "out" if attendance is not None and attendance.checkout_dt is None else "in"


@bp.post("/checkin")
@needs("volunteer")
@idempotent
@documented(json=ss.CheckinBody, headers=IdempotencyHeaders,
            resp=Response(HTTP_200=ss.CheckinOut, HTTP_400=Error, **AUTH), tags=["签到"])
def checkin(json: ss.CheckinBody):
    """志愿者扫码签到、签退

    权限范围：volunteer。需要 Idempotency-Key。与手机扫码 /c/… 再点按钮相同
    （checkin/services.open_link、self_scan）：code 是班次码 s.、海报码 p. 或 /c/ 链接；
    设了电子围栏的地点须给 lat、lng。签到被拒时回答 200、ok 为 false，outcome 是原因代码。"""
    user, agent = holder(), request.headers.get("User-Agent", "")[:255]
    result = services.open_link(_token(json.code), opener_id=user.id, user_agent=agent)
    if result.ok:
        location = (json.lat, json.lng) if json.lat is not None and json.lng is not None else None
        action = json.action or _action(user.id, result.code.shift_id)
        result = services.self_scan(user, result.code, action=action, location=location,
                                    user_agent=agent)
    described = describe_result(result)
    return {key: described[key] for key in ("outcome", "ok", "action", "title", "detail")} | {
        "shift_id": result.shift.id if result.shift else None,
        "attendance_id": result.attendance.id if result.attendance else None}, 200
