"""劝导 for staff: the admin appoints and stands down 劝导员; staff see the persuasion counts
by item (this month and all time). Registered on the conventions_staff blueprint in
staff_views.py. No page here, or anywhere, takes points away."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.conventions import persuasion, queries
from portal.conventions.forms import AppointForm
from portal.conventions.models import Convention
from portal.conventions.persuasion_models import Persuader
from portal.extensions import db
from portal.forms import options
from portal.web.loading import load_or_404
from portal.web.transaction import committing
from portal.zones.models import Zone


def _communities() -> list[Zone]:
    return list(db.session.scalars(select(Zone).where(
        policy.zone_filter(current_user, "conventions.manage", Zone.path),
        Zone.kind == "community", Zone.is_retired.is_(False)).order_by(Zone.path).limit(100)))


@policy.require_permission("conventions.manage")
def persuaders():
    """The 劝导员 of the admin's communities, and the form to appoint one."""
    communities = _communities()
    form = AppointForm()
    form.community.choices = options((c.id, c.name) for c in communities)
    back = url_for("conventions_staff.persuaders")
    if form.validate_on_submit():
        community = next((c for c in communities if c.id == form.community.data), None)
        person = db.session.scalar(select(User).where(
            User.phone == normalise_phone(form.phone.data)))
        with committing(once=back) as done:
            persuasion.appoint(current_user, community, person)
        if done:
            flash(_("已聘任为劝导员。"), "success")
            return redirect(back)
    found = persuasion.persuaders_in(communities)
    rows = [(c, found[c.id]) for c in communities]
    return render_template("conventions/staff/persuaders.html", form=form, rows=rows)


@policy.require_permission("conventions.manage")
def end_persuader(persuader_id: int):
    row = load_or_404(Persuader, persuader_id)
    policy.check(current_user, "conventions.manage", row.community)
    back = url_for("conventions_staff.persuaders")
    with committing(once=back) as done:
        persuasion.end(current_user, row)
    if done:
        flash(_("已卸任。此前的劝导记录保留。"), "success")
    return redirect(back)


@policy.require_permission("conventions.record")
def persuasions(convention_id: int):
    """Counts by item, this month and all time; never names, never points."""
    convention = load_or_404(Convention, convention_id)
    if not queries.may_see(current_user, convention):
        abort(403)
    month = dict(persuasion.counts_by_item(convention, since=queries.month_start()))
    total = persuasion.counts_by_item(convention)
    return render_template("conventions/staff/persuasions.html", convention=convention,
                           rows=[(text, month.get(text, 0), n) for text, n in total])
