"""Staff pages: issue a certificate for a resident in scope, revoke one with a reason, and the
art. 11 list of services still unrecorded after 10 working days."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.certificates import services, unrecorded
from portal.certificates.forms import IssueForm, RevokeForm
from portal.certificates.models import Certificate
from portal.certificates.views import period_from
from portal.errors import DomainError
from portal.extensions import db
from portal.web.loading import load_in_scope
from portal.web.transaction import committing
from portal.zones.models import Zone

bp = Blueprint("certificates_staff", __name__)


@bp.get("/")
@policy.require_permission("certificates.issue")
def index():
    certificates = db.session.scalars(
        select(Certificate).join(User, User.id == Certificate.user_id)
        .join(Zone, Zone.id == User.home_zone_id)
        .where(policy.zone_filter(current_user, "certificates.issue"))
        .options(joinedload(Certificate.user), joinedload(Certificate.issuer))
        .order_by(Certificate.id.desc()).limit(100)).all()
    return render_template("certificates/staff/index.html", certificates=certificates)


@bp.route("/new", methods=["GET", "POST"])
@policy.require_permission("certificates.issue")
def new():
    form = IssueForm()
    if form.validate_on_submit():
        with committing(once=True) as done:
            holder = db.session.scalar(select(User).where(
                User.phone == normalise_phone(form.phone.data)))
            if holder is None:
                raise DomainError("no_such_resident", _("没有找到这个手机号的居民。"))
            certificate = services.issue_for(current_user, holder, period_from(form),
                                             form.id_number.data)
            done.answer = url_for("certificates.show", certificate_id=certificate.id)
        if done:
            flash(_("证明已开具。"), "success")
            return redirect(done.answer)
    return render_template("certificates/staff/new.html", form=form)


@bp.route("/<int:certificate_id>/revoke", methods=["GET", "POST"])
@policy.require_permission("certificates.revoke")
def revoke(certificate_id: int):
    certificate = load_in_scope(Certificate, certificate_id, "certificates.revoke",
                                zone_of=lambda c: c.user.home_zone)
    form = RevokeForm()
    if form.validate_on_submit():
        back = url_for("certificates.show", certificate_id=certificate.id)
        with committing(once=back) as done:
            services.revoke(current_user, certificate, form.reason.data)
        if done:
            flash(_("证明已撤销，验证页会显示“已撤销”。"), "success")
            return redirect(back)
    return render_template("certificates/staff/revoke.html", form=form,
                           certificate=certificate)


@bp.get("/unrecorded")
@policy.require_permission("certificates.unrecorded")
def unrecorded_list():
    return render_template("certificates/staff/unrecorded.html",
                           rows=unrecorded.in_scope(current_user),
                           limit=unrecorded.LIMIT_WORKDAYS)
