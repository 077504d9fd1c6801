"""Staff pages for printed member cards: issue or reissue, report lost, print."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy, qr
from portal.extensions import db
from portal.members import cards
from portal.members.models import MemberCard
from portal.staff.queries import user_in_scope_or_abort
from portal.web.loading import load_or_404
from portal.web.transaction import committing

bp = Blueprint("shop_cards", __name__)


@bp.get("/<int:user_id>")
@policy.require_permission("cards.manage")
def card_page(user_id: int):
    user = user_in_scope_or_abort(current_user, user_id, "cards.manage")
    history = list(db.session.scalars(select(MemberCard).where(MemberCard.user_id == user.id)
                                      .order_by(MemberCard.id.desc())))
    return render_template("shop/staff/cards.html", user=user, history=history,
                           card=next((c for c in history if c.status == "active"), None))


@bp.post("/<int:user_id>/issue")
@policy.require_permission("cards.manage")
def issue(user_id: int):
    user = user_in_scope_or_abort(current_user, user_id, "cards.manage")
    with committing(once=url_for("shop_cards.card_page", user_id=user.id)) as done:
        card = cards.issue(current_user, user)
    if done:
        flash(_("已办理新卡 %(no)s，请打印交给居民。旧卡已停用。", no=card.card_no), "success")
    return redirect(url_for("shop_cards.card_page", user_id=user.id))


def _card(card_id: int) -> MemberCard:
    card = load_or_404(MemberCard, card_id)
    user_in_scope_or_abort(current_user, card.user_id, "cards.manage")
    return card


@bp.post("/card/<int:card_id>/lost")
@policy.require_permission("cards.manage")
def lost(card_id: int):
    card = _card(card_id)
    with committing() as done:
        cards.report_lost(current_user, card, request.form.get("reason", ""))
    if done:
        flash(_("已挂失，这张卡不能再用。可以补办新卡。"), "success")
    return redirect(url_for("shop_cards.card_page", user_id=card.user_id))


@bp.get("/card/<int:card_id>/print")
@policy.require_permission("cards.manage")
def print_card(card_id: int):
    card = _card(card_id)
    if card.status != "active":
        abort(404)
    return render_template("shop/staff/card_print.html", card=card)


@bp.get("/card/<int:card_id>/qr.svg")
@policy.require_permission("cards.manage")
def card_qr(card_id: int):
    card = _card(card_id)
    return Response(qr.svg(cards.card_code(card)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})
