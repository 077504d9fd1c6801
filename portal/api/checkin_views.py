"""Check-in by code (scope checkin): the coordinator's scan desk, as the camera page sends it,
through `checkin/services.coordinator_scan`. A refused scan (not signed up, too early, …) is a
scan outcome there, logged and kept: here too it is a 200 with ok false and its outcome code."""

from __future__ import annotations

from flask import abort, request
from spectree import Response

from portal import policy
from portal.api import schemas as s
from portal.api.core import Error, bp, documented, holder, idempotent, needs
from portal.checkin import queries, services
from portal.checkin.outcomes import describe_result

AUTH = {"HTTP_400": Error, "HTTP_401": Error, "HTTP_403": Error, "HTTP_404": Error,
        "HTTP_409": Error, "HTTP_422": Error, "HTTP_429": Error}


@bp.post("/checkin/shifts/<int:shift_id>/scan")
@needs("checkin")
@idempotent
@documented(json=s.ScanBody, headers=s.IdempotencyHeaders,
            resp=Response(HTTP_200=s.ScanOut, **AUTH), tags=["签到"])
def scan(shift_id: int, json: s.ScanBody):
    """扫码签到、签退（协调员扫码台）

    权限范围：checkin。令牌持有人须管理这个岗位（shifts.manage）。需要 Idempotency-Key。
    与扫码台页面相同（checkin/services.coordinator_scan）：签到被拒时回答 200、ok 为 false，
    outcome 是原因代码。"""
    shift = queries.shift_with_place(shift_id)
    if shift is None:
        abort(404)
    if not policy.can(holder(), "shifts.manage", shift.zone):
        abort(403)
    result = services.coordinator_scan(holder(), shift, json.code, mode=json.mode,
                                       user_agent=request.headers.get("User-Agent", "")[:255])
    return {**describe_result(result), "shift_id": shift.id,
            "attendance_id": result.attendance.id if result.attendance else None}, 200
