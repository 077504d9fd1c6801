"""The models of the volunteer shift endpoints (portal/api/shift_views.py): the list and a
shift's detail, signing up and cancelling, and the volunteer's own check-in by code."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from portal.api.schemas import Strict


class MySignUp(BaseModel):
    """The token holder's own sign-up on the shift."""

    id: int
    status: str = Field(description="confirmed | waitlisted | cancelled | …")
    post_id: int | None
    waitlist_position: int | None = Field(description="候补第几位（仅候补时）")


class ShiftPostOut(BaseModel):
    id: int
    name: str
    capacity: int
    places_taken: int
    places_left: int


class ShiftOut(BaseModel):
    id: int
    activity_id: int
    title: str
    zone_id: int
    zone_name: str
    place: str
    team_id: int | None
    starts_at: datetime
    ends_at: datetime
    status: str = Field(description="open | cancelled")
    capacity: int
    places_taken: int
    places_left: int
    mine: MySignUp | None


class ShiftDetail(ShiftOut):
    description: str
    cancel_cutoff_hours: int
    posts: list[ShiftPostOut]


class Shifts(BaseModel):
    items: list[ShiftOut]
    next_cursor: str | None


class SignUpBody(Strict):
    post_id: int | None = Field(None, ge=1, le=2**31 - 1,
                                description="岗位（班次设有岗位时必填）")


class SignUpOut(BaseModel):
    id: int
    shift_id: int
    status: str = Field(description="confirmed | waitlisted | cancelled")
    post_id: int | None
    waitlist_position: int | None


class CheckinBody(Strict):
    code: str = Field(min_length=1, max_length=300, description=(
        "扫到的班次码（s.）、海报码（p.），或它们的 /c/ 链接"))
    action: Literal["in", "out"] | None = Field(None, description=(
        "in 签到 | out 签退；不填时与页面的按钮相同：已签到未签退则签退，否则签到"))
    lat: float | None = Field(None, ge=-90, le=90, description="纬度（设了电子围栏的地点需要）")
    lng: float | None = Field(None, ge=-180, le=180, description="经度")


class CheckinOut(BaseModel):
    outcome: str = Field(description="ok，或拒绝的原因代码（invalid_code、expired、"
                                     "not_signed_up、too_early、outside_area、…）")
    ok: bool
    action: str
    title: str
    detail: str
    shift_id: int | None
    attendance_id: int | None
