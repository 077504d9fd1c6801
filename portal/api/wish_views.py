"""微心愿 (scope read for the wall, a wish and one's claims; volunteer for claiming and
reporting progress): the web's wall (wishes/queries), what one viewer may see of a wish
(wishes/access, as the wish's page decides it) and the web's claim and progress buttons
(wishes/services). A wish that is not the holder's to see is a 404 here."""

from __future__ import annotations

from flask import abort
from spectree import Response

from portal.api import wish_schemas as ws
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
from portal.extensions import db
from portal.web.formatting import mask_name
from portal.wishes import access, queries, services
from portal.wishes.models import Wish

AUTH = {"HTTP_401": Error, "HTTP_403": Error, "HTTP_422": Error, "HTTP_429": Error}
ROW = {**AUTH, "HTTP_404": Error}
WRITE = {**ROW, "HTTP_400": Error, "HTTP_409": Error}
TAGS = ["微心愿"]


def _wish(wish: Wish, places: dict[int, str]) -> dict:
    return {"id": wish.id, "title": wish.title, "description": wish.description,
            "kind": wish.kind, "value_yuan": wish.value_yuan, "deadline": wish.deadline,
            "status": wish.status, "place": places.get(wish.id, ""),
            "poster": mask_name(wish.poster.name)}


def _page(wishes: list[Wish], limit: int) -> dict:
    page, cursor = page_of(wishes, limit)
    places = queries.grid_names(page)
    items = [_wish(wish, places) for wish in page]  # before the commit expires the rows
    commit_read()
    return {"items": items, "next_cursor": cursor}


def _visible(wish_id: int) -> tuple[Wish, str]:
    """The wish and the holder's role on it (wishes/access.role), or 404."""
    wish = db.session.get(Wish, wish_id)
    role = access.role(holder(), wish) if wish is not None else None
    if role is None:
        abort(404)
    return wish, role


def _detail(wish: Wish, role: str) -> dict:
    user = holder()
    private = access.sees_private(role)
    contact = None
    if access.shows_contact(role, wish):
        poster = wish.poster
        contact = {"name": poster.name, "phone": poster.phone or "",
                   "address": poster.home_zone.name if poster.home_zone else ""}
    return {**_wish(wish, queries.grid_names([wish])), "role": role,
            "actions": sorted(wish.allowed_actions(user)),
            "claimed_at": wish.claimed_dt if private else None,
            "progress_at": wish.progress_dt if private else None,
            "release_due_at": services.stale_release_dt(wish) if private else None,
            "fulfilled_at": wish.fulfilled_dt if private else None,
            "contact": contact,
            "events": [{"kind": e.kind, "note": e.note, "created_at": e.created_dt}
                       for e in wish.events] if private else []}


@bp.get("/wishes")
@needs("read")
@documented(query=PageQuery, resp=Response(HTTP_200=ws.Wishes, HTTP_400=Error, **AUTH),
            tags=TAGS)
def wishes(query: PageQuery):
    """心愿墙

    权限范围：read。与“心愿墙”页同样的心愿（已发布、未过截止日期），最急的在前
    （截止日期，再按编号），按游标翻页。发布人姓名已遮蔽，地点只到网格。"""
    return _page(queries.wall_keyset(after_id=decode_cursor(query.cursor), limit=query.limit),
                 query.limit)


@bp.get("/me/claims")
@needs("read")
@documented(query=PageQuery, resp=Response(HTTP_200=ws.Wishes, HTTP_400=Error, **AUTH),
            tags=TAGS)
def my_claims(query: PageQuery):
    """我认领的心愿

    权限范围：read。持有人认领过的心愿，新的在前，按游标翻页；详情见 /wishes/{wish_id}。"""
    return _page(queries.claims_keyset(holder().id, after_id=decode_cursor(query.cursor),
                                       limit=query.limit), query.limit)


@bp.get("/wishes/<int:wish_id>")
@needs("read")
@documented(resp=Response(HTTP_200=ws.WishDetail, **ROW), tags=TAGS)
def wish(wish_id: int):
    """一个心愿

    权限范围：read。与心愿页看到的相同（wishes/access）：心愿墙上的心愿人人可见；
    发布人、认领人和管辖的工作人员还看到办理记录，认领后认领人和工作人员看到联系方式。
    actions 是持有人现在可做的步骤。看不到的心愿回答 404。"""
    answer = _detail(*_visible(wish_id))
    commit_read()
    return answer


@bp.post("/wishes/<int:wish_id>/claim")
@needs("volunteer")
@idempotent
@documented(headers=IdempotencyHeaders, resp=Response(HTTP_200=ws.WishDetail, **WRITE),
            tags=TAGS)
def claim(wish_id: int):
    """认领心愿

    权限范围：volunteer。需要 Idempotency-Key。与心愿页的认领按钮相同
    （wishes/services.claim）：只有核验通过的在职党员可认领，每个心愿一人。拒绝时的 code：
    not_party_member、not_verified（403）、own_wish、too_many_claims、past_deadline、
    already_claimed、not_open（409）。"""
    found = db.session.get(Wish, wish_id)
    # a wish the holder may not see is a 404, unless it is claimed: then the service says so
    if found is None or (access.role(holder(), found) is None and not found.has_claimer):
        abort(404)
    services.claim(holder(), found)
    return _detail(found, access.role(holder(), found)), 200


@bp.post("/wishes/<int:wish_id>/progress")
@needs("volunteer")
@idempotent
@documented(json=ws.ProgressBody, headers=IdempotencyHeaders,
            resp=Response(HTTP_200=ws.WishDetail, **WRITE), tags=TAGS)
def progress(wish_id: int, json: ws.ProgressBody):
    """报告进展

    权限范围：volunteer。需要 Idempotency-Key。认领人说明进展（wishes/services.add_progress），
    认领因此保持有效。拒绝时的 code：forbidden（403，不是您认领的）、bad_note（400）、
    not_claimed（409）。"""
    found, role = _visible(wish_id)
    services.add_progress(holder(), found, json.note)
    return _detail(found, role), 200
