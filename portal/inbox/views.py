"""In-app inbox (站内消息) pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.inbox import services
from portal.web import attempt

bp = Blueprint("inbox", __name__)


@bp.app_context_processor
def _unread():
    """`inbox_unread()` in templates: the count, queried only when a template asks."""

    def inbox_unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return services.unread_count(current_user.id)

    return {"inbox_unread": inbox_unread}


@bp.get("/")
@login_required
def index():
    page = request.args.get("page", 1, type=int)
    return render_template("inbox/index.html",
                           pagination=services.messages_page(current_user.id, page))


@bp.post("/read-all")
@login_required
def read_all():
    ok, _n = attempt(services.mark_all_read, current_user)
    if ok:
        flash(_("已全部标为已读。"), "success")
    return redirect(url_for("inbox.index"))
