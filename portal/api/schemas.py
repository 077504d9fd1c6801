"""The API's request and response models, declared once: spectree validates each request and
response against them and writes them into the OpenAPI 3.1 spec."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: the most rows one page of a list gives
MAX_LIMIT = 100


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IdempotencyHeaders(BaseModel):
    """Every POST that creates or moves something names itself, so a retry is safe."""

    model_config = ConfigDict(populate_by_name=True)
    idempotency_key: str = Field(alias="Idempotency-Key", pattern=r"^[A-Za-z0-9_-]{16,32}$",
                                 description="本次请求的唯一键；重试时用同一个")


class PageQuery(Strict):
    cursor: str | None = Field(None, max_length=64, description="上一页返回的 next_cursor")
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="每页条数")


class Balance(BaseModel):
    user_id: int
    name: str
    balance_tenths: int = Field(description="积分余额，单位 0.1 分")
    balance: str = Field(description="积分余额，按页面的写法，例如 12.5")


class PassbookEntry(BaseModel):
    id: int
    amount_tenths: int
    balance_after_tenths: int
    kind: str
    memo: str
    created_at: datetime
    reversal_of_id: int | None
    reversed: bool


class Passbook(BaseModel):
    items: list[PassbookEntry]
    next_cursor: str | None


class CodeBody(Strict):
    code: str = Field(min_length=1, max_length=200, description=(
        "会员码（m.）、会员卡（k. 或 10 位卡号）或取货码（p. 或 6 位数字）"))


class Member(BaseModel):
    id: int
    name: str
    balance_tenths: int


class ReservationOut(BaseModel):
    id: int
    status: str
    good_id: int
    good_name: str
    quantity: int
    total_tenths: int
    user_id: int
    expires_at: datetime


class Lookup(BaseModel):
    how: str = Field(description="member_code | card | pickup")
    member: Member | None
    reservation: ReservationOut | None


class SaleLine(Strict):
    good_id: int = Field(ge=1, le=2**31 - 1)
    quantity: int = Field(ge=1, le=99)


class SaleBody(Strict):
    code: str = Field(min_length=1, max_length=200, description="居民出示的会员码或会员卡")
    lines: list[SaleLine] = Field(min_length=1, max_length=50)


class SaleLineOut(BaseModel):
    good_id: int
    quantity: int
    unit_tenths: int


class Sale(BaseModel):
    id: int
    receipt_no: str | None
    shop_id: int
    user_id: int
    total_tenths: int
    status: str = Field(description="done | voided")
    identified_by: str
    created_at: datetime
    lines: list[SaleLineOut]


class VoidBody(Strict):
    reason: str = Field(min_length=1, max_length=200)


class Good(BaseModel):
    id: int
    name: str
    category: str
    price_tenths: int
    stock: int
    monthly_limit: int | None


class Goods(BaseModel):
    items: list[Good]
    next_cursor: str | None


class ScanBody(Strict):
    code: str = Field(min_length=1, max_length=200, description="志愿者出示的会员码（m.）")
    mode: Literal["in", "out"] = Field("in", description="in 签到 | out 签退")


class ScanOut(BaseModel):
    outcome: str = Field(description="ok，或拒绝的原因代码（not_signed_up、too_early、…）")
    ok: bool
    action: str
    title: str
    detail: str
    user_id: int | None
    walk_in: bool
    shift_id: int
    attendance_id: int | None
