"""In-app inbox (站内消息) pages: the list and "mark all read"."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.inbox import services
from portal.web.navigation import safe_next
from portal.web.params import page_arg
from portal.web.transaction import committing

bp = Blueprint("inbox", __name__)


@bp.app_context_processor
def _inbox_unread():
    """`inbox_unread()` in any template: the current user's unread count, 0 when anonymous.

    A callable, so only pages that show the count query it; the count is kept for the rest
    of the request, so the bottom bar and the page share one query.
    """

    def inbox_unread() -> int:
        if not current_user.is_authenticated:
            return 0
        counts = g.setdefault("inbox_unread_counts", {})
        if current_user.id not in counts:
            counts[current_user.id] = services.unread_count(current_user.id)
        return counts[current_user.id]

    return {"inbox_unread": inbox_unread}


@bp.get("/")
@login_required
def index():
    page = page_arg()
    # same_site: a message's link is shown only as a same-site path (never an outside URL)
    return render_template("inbox/index.html", same_site=safe_next,
                           pagination=services.messages_page(current_user.id, page))


@bp.post("/read-all")
@login_required
def read_all():
    with committing() as done:
        services.mark_all_read(current_user)
    if done:
        flash(_("已全部标为已读。"), "success")
    return redirect(safe_next(request.form.get("next"), url_for("inbox.index")))
