"""The models of the 微心愿 endpoints (portal/api/wish_views.py): the wall, one wish as its
viewer may see it, a party member's claims, claiming and reporting progress."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from portal.api.schemas import Strict


class WishOut(BaseModel):
    """A wish as the wall shows it: the poster's name masked, the place no finer than a
    grid."""

    id: int
    title: str
    description: str
    kind: str = Field(description="item 物品 | service 服务")
    value_yuan: int = Field(description="约值（元），服务类可为 0")
    deadline: date
    status: str = Field(description="published | claimed | fulfilled | confirmed | …")
    place: str = Field(description="所在网格（或社区），不到楼栋")
    poster: str = Field(description="发布人，姓名已遮蔽，例如 王*英")


class Wishes(BaseModel):
    items: list[WishOut]
    next_cursor: str | None


class WishEventOut(BaseModel):
    kind: str = Field(description="claimed | progress | released | fulfilled | confirmed | …")
    note: str
    created_at: datetime


class Contact(BaseModel):
    """The poster's contact: for the claimer and staff, once the wish is claimed."""

    name: str
    phone: str
    address: str


class WishDetail(WishOut):
    role: str = Field(description="持有人与心愿的关系：poster | claimer | staff | member | public")
    actions: list[str] = Field(description="持有人现在可做的步骤，例如 claim、progress、release")
    claimed_at: datetime | None
    progress_at: datetime | None
    release_due_at: datetime | None = Field(description="没有新进展时，认领在此时自动退回心愿墙")
    fulfilled_at: datetime | None
    contact: Contact | None
    events: list[WishEventOut] = Field(description="办理记录（发布人、认领人和工作人员可见）")


class ProgressBody(Strict):
    note: str = Field(min_length=2, max_length=500, description="进展说明，2 到 500 字")
