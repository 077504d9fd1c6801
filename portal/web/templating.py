"""The globals and filters every template sees."""

from __future__ import annotations

from flask_babel import get_locale

from portal import policy
from portal.accounts.models import ROLE_LABELS
from portal.icons import icon
from portal.once import once_field
from portal.points.amounts import format_hours, format_points
from portal.web.assets import static_url
from portal.web.formatting import local_dt, mask_name, mask_phone
from portal.web.navigation import nav_tab


def register(app) -> None:
    app.jinja_env.globals.update(
        static_url=static_url, can=policy.can, may_act_on=policy.may_act_on,
        get_locale=get_locale, role_labels=ROLE_LABELS,
        icon=icon, nav_tab=nav_tab, once_field=once_field,
    )
    app.jinja_env.filters.update(local_dt=local_dt, mask_name=mask_name, mask_phone=mask_phone,
                                 points=format_points, hours=format_hours)
