"""门牌 for staff: a resident sets their household once; when they move or typed the wrong
room, staff whose scope covers the household's building clear it (audited), and the resident
sets it again. Registered on the conventions_staff blueprint in staff_views.py."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.conventions import services
from portal.conventions.forms import ClearHouseholdForm
from portal.extensions import db
from portal.web.transaction import committing


@policy.require_permission("conventions.record")
def households():
    """Clear a resident's household, found by phone, so that they can set it again."""
    form = ClearHouseholdForm()
    back = url_for("conventions_staff.households")
    if form.validate_on_submit():
        with committing(once=back) as done:
            resident = db.session.scalar(select(User).where(
                User.phone == normalise_phone(form.phone.data)))
            household = services.clear_household(current_user, resident)
        if done:
            unit = _("%(unit)s单元", unit=household.unit) if household.unit else ""
            flash(_("已清除这位居民的门牌（原为%(place)s），居民可以重新填写。",
                    place=_("%(building)s%(unit)s%(room)s室", building=household.building.name,
                            unit=unit, room=household.room)), "success")
            return redirect(back)
    return render_template("conventions/staff/households.html", form=form)
