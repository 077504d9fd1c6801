"""Every route × every role: allowed or denied, from one explicit table.

The table is written by hand, not derived from portal.policy, so a policy change that opens
or closes a door makes this test fail. A new route without a row fails it too.
"""

import pytest
from sqlalchemy import select

from portal.accounts.models import PartyMembership
from portal.extensions import db
from portal.points.models import PointsRule
from tests.access_roles import (
    ADMINS,
    AWARDERS,
    EVERYONE,
    LOGGED_IN,
    ROLES,
    SHIFT_STAFF,
    SHOP_STAFF,
    STAFF,
    WISH_STAFF,
)
from tests.api import routes as routes_api
from tests.api.targets import api_targets
from tests.cases import (
    routes_contacts,
    routes_ledger,
    routes_open311,
    routes_resident,
    routes_staff,
)
from tests.cases.targets import case_targets
from tests.certificates import routes as routes_certificates
from tests.certificates.targets import certificate_targets
from tests.conftest import once
from tests.conventions import routes as routes_conventions
from tests.conventions.targets import convention_targets
from tests.council import routes_meetings, routes_topics
from tests.council.meeting_targets import meeting_targets
from tests.council.targets import council_targets
from tests.dashboards import routes as routes_dashboards
from tests.exports import routes as routes_exports
from tests.offline import routes as routes_offline

#: (endpoint, method, URL template) -> roles allowed
ACCESS = {
    ("main.index", "GET", "/"): EVERYONE,
    ("main.healthz", "GET", "/healthz"): EVERYONE,
    ("main.ping", "GET", "/ping"): EVERYONE,
    ("main.privacy", "GET", "/privacy"): EVERYONE,
    ("main.text_size", "POST", "/prefs/text-size"): EVERYONE,
    ("main.language", "POST", "/prefs/lang"): EVERYONE,
    ("accounts.login", "GET", "/login"): EVERYONE,
    ("accounts.login", "POST", "/login"): EVERYONE,
    ("accounts.register", "GET", "/register"): EVERYONE,
    ("accounts.register", "POST", "/register"): EVERYONE,
    ("accounts.logout", "POST", "/logout"): EVERYONE,
    ("accounts.logout_everywhere", "POST", "/me/logout-all"): LOGGED_IN,
    ("accounts.profile", "GET", "/me"): LOGGED_IN,
    ("accounts.profile", "POST", "/me"): LOGGED_IN,
    ("accounts.change_password", "GET", "/me/password"): LOGGED_IN,
    ("accounts.change_password", "POST", "/me/password"): LOGGED_IN,
    ("accounts.party", "GET", "/me/party"): LOGGED_IN,
    ("accounts.party", "POST", "/me/party"): LOGGED_IN,
    ("staff.dashboard", "GET", "/staff/"): STAFF,
    ("staff.users", "GET", "/staff/users"): STAFF,
    ("staff.create_resident", "GET", "/staff/users/new"): STAFF,
    ("staff.create_resident", "POST", "/staff/users/new"): STAFF,
    ("staff.user_detail", "GET", "/staff/users/{user_id}"): STAFF,
    ("staff.reset_password", "POST", "/staff/users/{user_id}/password"): STAFF,
    ("staff.grant_role", "POST", "/staff/users/{user_id}/roles"): ADMINS,
    ("staff.revoke_role", "POST", "/staff/users/{staff_id}/roles/{grant_id}/revoke"): ADMINS,
    ("staff.set_active", "POST", "/staff/users/{user_id}/active"): ADMINS,
    ("staff.move_queue", "GET", "/staff/moves"): ADMINS,
    ("staff.move_decide", "POST", "/staff/moves/{move_id}/decide"): ADMINS,
    # only the resident who asked
    ("accounts.withdraw_move", "POST", "/me/move/{move_id}/withdraw"): set(),
    ("staff.party_queue", "GET", "/staff/party"): ADMINS,
    ("staff.party_review", "POST", "/staff/party/{membership_id}/review"): ADMINS,
    ("staff.audit_log", "GET", "/staff/audit"): ADMINS,
    ("zones.index", "GET", "/staff/zones/"): ADMINS,
    ("zones.create", "GET", "/staff/zones/new?parent={grid_id}"): ADMINS,
    ("zones.create", "POST", "/staff/zones/new?parent={grid_id}"): ADMINS,
    ("zones.edit", "GET", "/staff/zones/{grid_id}"): ADMINS,
    ("zones.edit", "POST", "/staff/zones/{grid_id}"): ADMINS,
    ("zones.move", "POST", "/staff/zones/{grid_id}/move"): ADMINS,
    ("zones.remove", "POST", "/staff/zones/{grid_id}/remove"): ADMINS,
    ("zones.restore", "POST", "/staff/zones/{grid_id}/restore"): ADMINS,
    ("points.passbook", "GET", "/points/"): LOGGED_IN,
    ("points.my_hours", "GET", "/points/hours"): LOGGED_IN,
    ("points.rules", "GET", "/points/rules"): EVERYONE,
    ("points.notice", "GET", "/points/notice"): LOGGED_IN,
    ("points.object_to", "GET", "/points/notice/{award_id}/object"): LOGGED_IN,
    ("points.object_to", "POST", "/points/notice/{award_id}/object"): LOGGED_IN,
    ("points.award_detail", "GET", "/points/awards/{award_id}"): STAFF,
    ("points.award_photo", "GET", "/points/awards/{award_id}/photo"): STAFF,
    ("points.leaderboard", "GET", "/points/leaderboard"): LOGGED_IN,
    ("points.leaderboard_opt", "POST", "/points/leaderboard/opt"): LOGGED_IN,
    ("points_staff.resident", "GET", "/staff/points/residents/{user_id}"): STAFF,
    ("points_staff.new_award", "GET", "/staff/points/awards/new"): AWARDERS,
    ("points_staff.new_award", "POST", "/staff/points/awards/new"): AWARDERS,
    ("points_staff.approvals", "GET", "/staff/points/approvals"): ADMINS,
    ("points_staff.decide", "POST", "/staff/points/awards/{award_id}/decide"): ADMINS,
    ("points_staff.objections", "GET", "/staff/points/objections"): ADMINS,
    ("points_staff.resolve", "POST", "/staff/points/objections/{objection_id}/resolve"): ADMINS,
    ("points_staff.rules", "GET", "/staff/points/rules"): ADMINS,
    ("points_staff.edit_rule", "GET", "/staff/points/rules/new"): ADMINS,
    ("points_staff.edit_rule", "POST", "/staff/points/rules/new"): ADMINS,
    ("points_staff.edit_rule", "GET", "/staff/points/rules/{rule_id}"): ADMINS,
    ("points_staff.edit_rule", "POST", "/staff/points/rules/{rule_id}"): ADMINS,
    ("shifts.index", "GET", "/shifts/"): EVERYONE,
    ("shifts.detail", "GET", "/shifts/{shift_id}"): EVERYONE,
    ("shifts.sign_up", "GET", "/shifts/{shift_id}/signup"): LOGGED_IN,
    ("shifts.sign_up", "POST", "/shifts/{shift_id}/signup"): LOGGED_IN,
    ("shifts.cancel", "POST", "/shifts/signups/{signup_id}/cancel"): LOGGED_IN,
    ("shifts.mine", "GET", "/shifts/mine"): LOGGED_IN,
    ("shifts_staff.index", "GET", "/staff/shifts/"): SHIFT_STAFF,
    ("shifts_staff.edit_activity", "GET", "/staff/shifts/activities/new"): SHIFT_STAFF,
    ("shifts_staff.edit_activity", "POST", "/staff/shifts/activities/new"): SHIFT_STAFF,
    ("shifts_staff.edit_activity", "GET",
     "/staff/shifts/activities/{activity_id}/edit"): SHIFT_STAFF,
    ("shifts_staff.edit_activity", "POST",
     "/staff/shifts/activities/{activity_id}/edit"): SHIFT_STAFF,
    ("shifts_staff.activity", "GET", "/staff/shifts/activities/{activity_id}"): SHIFT_STAFF,
    ("shifts_staff.new_shift", "GET",
     "/staff/shifts/activities/{activity_id}/shifts/new"): SHIFT_STAFF,
    ("shifts_staff.new_shift", "POST",
     "/staff/shifts/activities/{activity_id}/shifts/new"): SHIFT_STAFF,
    ("shifts_staff.edit_shift", "GET", "/staff/shifts/{shift_id}/edit"): SHIFT_STAFF,
    ("shifts_staff.edit_shift", "POST", "/staff/shifts/{shift_id}/edit"): SHIFT_STAFF,
    ("shifts_staff.cancel_shift", "POST", "/staff/shifts/{shift_id}/cancel"): SHIFT_STAFF,
    ("shifts_staff.new_template", "GET",
     "/staff/shifts/activities/{activity_id}/templates/new"): SHIFT_STAFF,
    ("shifts_staff.new_template", "POST",
     "/staff/shifts/activities/{activity_id}/templates/new"): SHIFT_STAFF,
    ("shifts_staff.edit_template", "GET",
     "/staff/shifts/templates/{template_id}/edit"): SHIFT_STAFF,
    ("shifts_staff.edit_template", "POST",
     "/staff/shifts/templates/{template_id}/edit"): SHIFT_STAFF,
    ("shifts_staff.roster_page", "GET", "/staff/shifts/{shift_id}/roster"): SHIFT_STAFF,
    ("shifts_staff.add_volunteer", "POST", "/staff/shifts/{shift_id}/roster/add"): SHIFT_STAFF,
    ("shifts_staff.remove_volunteer", "POST",
     "/staff/shifts/signups/{signup_id}/remove"): SHIFT_STAFF,
    ("shifts_staff.assign", "POST", "/staff/shifts/signups/{signup_id}/assign"): SHIFT_STAFF,
    ("shifts_staff.no_show", "POST", "/staff/shifts/signups/{signup_id}/no-show"): SHIFT_STAFF,
    ("shifts_calendar.shift_ics", "GET", "/shifts/{shift_id}.ics"): EVERYONE,
    ("shifts_calendar.feed", "GET", "/cal/{token}.ics"): EVERYONE,
    ("shifts_calendar.my_calendar", "GET", "/me/calendar"): LOGGED_IN,
    ("shifts_calendar.revoke", "POST", "/me/calendar/revoke"): LOGGED_IN,
    ("inbox.index", "GET", "/inbox/"): LOGGED_IN,
    ("inbox.read_all", "POST", "/inbox/read-all"): LOGGED_IN,
    ("teams.index", "GET", "/teams/"): LOGGED_IN,
    ("teams.detail", "GET", "/teams/{team_id}"): LOGGED_IN,
    ("teams.apply", "POST", "/teams/{team_id}/apply"): LOGGED_IN,
    ("teams.leave", "POST", "/teams/{team_id}/leave"): LOGGED_IN,
    ("teams.decide", "POST", "/teams/members/{member_id}/decide"): SHIFT_STAFF,
    ("teams.remove", "POST", "/teams/members/{member_id}/remove"): SHIFT_STAFF,
    ("teams.edit", "GET", "/teams/new"): SHIFT_STAFF,
    ("teams.edit", "POST", "/teams/new"): SHIFT_STAFF,
    ("teams.edit", "GET", "/teams/{team_id}/edit"): SHIFT_STAFF,
    ("teams.edit", "POST", "/teams/{team_id}/edit"): SHIFT_STAFF,
    ("checkin.scanned", "GET", "/c/{token}"): EVERYONE,
    ("checkin.confirm", "GET", "/checkin/{checkin_pass}"): LOGGED_IN,
    ("checkin.submit", "POST", "/checkin/{checkin_pass}"): LOGGED_IN,
    ("checkin.member_code", "GET", "/me/code"): LOGGED_IN,
    ("checkin.member_code_svg", "GET", "/me/code.svg"): LOGGED_IN,
    ("checkin.attendance", "GET", "/checkin/attendances/{attendance_id}"): SHIFT_STAFF,
    ("checkin_staff.code", "GET", "/staff/checkin/{shift_id}/code"): SHIFT_STAFF,
    ("checkin_staff.code_image", "GET", "/staff/checkin/{shift_id}/code.svg"): SHIFT_STAFF,
    ("checkin_staff.poster", "GET", "/staff/checkin/{shift_id}/poster"): SHIFT_STAFF,
    ("checkin_staff.poster_image", "GET", "/staff/checkin/{shift_id}/poster.png"): SHIFT_STAFF,
    ("checkin_staff.issue_poster", "POST", "/staff/checkin/{shift_id}/poster"): SHIFT_STAFF,
    ("checkin_staff.scan_page", "GET", "/staff/checkin/{shift_id}/scan"): SHIFT_STAFF,
    ("checkin_staff.scan", "POST", "/staff/checkin/{shift_id}/scan"): SHIFT_STAFF,
    ("checkin_staff.manual", "POST", "/staff/checkin/{shift_id}/manual"): SHIFT_STAFF,
    ("checkin_staff.walk_in", "POST", "/staff/checkin/{shift_id}/walk-in"): SHIFT_STAFF,
    ("checkin_staff.live", "GET", "/staff/checkin/{shift_id}/live"): SHIFT_STAFF,
    ("checkin_staff.correct", "POST",
     "/staff/checkin/attendances/{attendance_id}/confirm"): SHIFT_STAFF,
    ("shop.catalogue", "GET", "/shop/"): LOGGED_IN,
    ("shop.photo", "GET", "/shop/photos/{photo}"): LOGGED_IN,
    ("shop_staff.index", "GET", "/staff/shop/"): SHOP_STAFF,
    ("shop_staff.edit_shop", "GET", "/staff/shop/new"): ADMINS,
    ("shop_staff.edit_shop", "POST", "/staff/shop/new"): ADMINS,
    ("shop_staff.edit_shop", "GET", "/staff/shop/{shop_id}/edit"): SHOP_STAFF,
    ("shop_staff.edit_shop", "POST", "/staff/shop/{shop_id}/edit"): SHOP_STAFF,
    ("shop_staff.goods", "GET", "/staff/shop/{shop_id}/goods"): SHOP_STAFF,
    ("shop_staff.edit_good", "GET", "/staff/shop/{shop_id}/goods/new"): SHOP_STAFF,
    ("shop_staff.edit_good", "POST", "/staff/shop/{shop_id}/goods/new"): SHOP_STAFF,
    ("shop_staff.edit_good", "GET", "/staff/shop/{shop_id}/goods/{good_id}"): SHOP_STAFF,
    ("shop_staff.edit_good", "POST", "/staff/shop/{shop_id}/goods/{good_id}"): SHOP_STAFF,
    ("shop_staff.stock", "POST", "/staff/shop/goods/{good_id}/restock"): SHOP_STAFF,
    ("shop_staff.movements", "GET", "/staff/shop/{shop_id}/movements"): SHOP_STAFF,
    ("shop_counter.counter_page", "GET", "/staff/shop/{shop_id}/counter"): SHOP_STAFF,
    ("shop_counter.identify", "POST", "/staff/shop/{shop_id}/counter/identify"): SHOP_STAFF,
    ("shop_counter.cart", "POST", "/staff/shop/{shop_id}/counter/cart"): SHOP_STAFF,
    ("shop_counter.confirm", "POST", "/staff/shop/{shop_id}/counter/confirm"): SHOP_STAFF,
    ("shop_counter.receipt", "GET", "/staff/shop/redemptions/{redemption_id}"): SHOP_STAFF,
    ("shop_counter.void", "POST", "/staff/shop/redemptions/{redemption_id}/void"): SHOP_STAFF,
    ("shop_counter.sales_today", "GET", "/staff/shop/{shop_id}/redemptions"): SHOP_STAFF,
    ("shop.reserve", "GET", "/shop/goods/{good_id}/reserve"): LOGGED_IN,
    ("shop.reserve", "POST", "/shop/goods/{good_id}/reserve"): LOGGED_IN,
    ("shop.my_reservations", "GET", "/shop/reservations"): LOGGED_IN,
    # only the resident who reserved; staff use the counter's page for it
    ("shop.reservation", "GET", "/shop/reservations/{reservation_id}"): set(),
    ("shop.reservation_qr", "GET", "/shop/reservations/{reservation_id}/qr.svg"): set(),
    ("shop.cancel_reservation", "POST", "/shop/reservations/{reservation_id}/cancel"): set(),
    ("shop_staff.report", "GET", "/staff/shop/{shop_id}/report"): SHOP_STAFF,
    ("shop_staff.report_csv", "GET", "/staff/shop/{shop_id}/report.csv"): SHOP_STAFF,
    ("shop_counter.pickup_lookup", "POST", "/staff/shop/{shop_id}/counter/pickup"): SHOP_STAFF,
    ("shop_counter.reservations_list", "GET", "/staff/shop/{shop_id}/reservations"): SHOP_STAFF,
    ("shop_counter.reservation", "GET", "/staff/shop/reservations/{reservation_id}"):
        SHOP_STAFF,
    ("shop_counter.pick_up", "POST", "/staff/shop/reservations/{reservation_id}/pickup"):
        SHOP_STAFF,
    ("shop_counter.cancel_for", "POST", "/staff/shop/reservations/{reservation_id}/cancel"):
        SHOP_STAFF,
    ("wishes.wall", "GET", "/wishes/"): LOGGED_IN,
    ("wishes.new", "GET", "/wishes/new"): LOGGED_IN,
    ("wishes.new", "POST", "/wishes/new"): LOGGED_IN,
    ("wishes.mine", "GET", "/wishes/mine"): LOGGED_IN,
    ("wishes.claims", "GET", "/wishes/claims"): LOGGED_IN,
    # a published wish: every resident may read it (masked) and try to claim it
    ("wishes.detail", "GET", "/wishes/{wish_id}"): LOGGED_IN,
    ("wishes.claim", "POST", "/wishes/{wish_id}/claim"): LOGGED_IN,
    # the poster, or staff over the poster's zone
    ("wishes.edit", "GET", "/wishes/{wish_id}/edit"): WISH_STAFF,
    ("wishes.edit", "POST", "/wishes/{wish_id}/edit"): WISH_STAFF,
    ("wishes.withdraw", "POST", "/wishes/{wish_id}/withdraw"): WISH_STAFF,
    ("wishes.consent", "POST", "/wishes/{wish_id}/consent"): WISH_STAFF,
    ("wishes.confirm", "POST", "/wishes/{wish_id}/confirm"): WISH_STAFF,
    ("wishes.send_back", "POST", "/wishes/{wish_id}/send-back"): WISH_STAFF,
    # only the claimer, and nobody has claimed it
    ("wishes.release", "POST", "/wishes/{wish_id}/release"): set(),
    ("wishes.progress", "POST", "/wishes/{wish_id}/progress"): set(),
    ("wishes.fulfil", "POST", "/wishes/{wish_id}/fulfil"): set(),
    ("wishes.photo", "GET", "/wishes/{wish_id}/photos/{photo}"): EVERYONE,
    ("wishes.thanks", "GET", "/wishes/thanks"): EVERYONE,
    ("wishes.ranking", "GET", "/wishes/ranking"): LOGGED_IN,
    ("wishes.record", "GET", "/wishes/record"): LOGGED_IN,
    ("wishes.record_csv", "GET", "/wishes/record.csv"): LOGGED_IN,
    ("wishes_staff.queue", "GET", "/staff/wishes/"): WISH_STAFF,
    ("wishes_staff.review", "POST", "/staff/wishes/{wish_id}/review"): WISH_STAFF,
    ("wishes_staff.new", "GET", "/staff/wishes/new"): WISH_STAFF,
    ("wishes_staff.new", "POST", "/staff/wishes/new"): WISH_STAFF,
    ("wishes_staff.units", "GET", "/staff/wishes/units"): WISH_STAFF,
    ("wishes_staff.unit_cards", "GET", "/staff/wishes/units/cards?unit=x"): WISH_STAFF,
    ("wishes_staff.unit_csv", "GET", "/staff/wishes/units/cards.csv?unit=x"): WISH_STAFF,
    ("staff.service_posts", "GET", "/staff/party/posts"): ADMINS,
    ("staff.service_posts", "POST", "/staff/party/posts"): ADMINS,
    ("shop_cards.card_page", "GET", "/staff/cards/{user_id}"): SHOP_STAFF,
    ("shop_cards.issue", "POST", "/staff/cards/{user_id}/issue"): SHOP_STAFF,
    ("shop_cards.lost", "POST", "/staff/cards/card/{card_id}/lost"): SHOP_STAFF,
    ("shop_cards.print_card", "GET", "/staff/cards/card/{card_id}/print"): SHOP_STAFF,
    ("shop_cards.card_qr", "GET", "/staff/cards/card/{card_id}/qr.svg"): SHOP_STAFF,
    **routes_resident.ACCESS, **routes_staff.ACCESS, **routes_ledger.ACCESS,
    **routes_open311.ACCESS, **routes_contacts.ACCESS,
    **routes_topics.ACCESS, **routes_meetings.ACCESS, **routes_conventions.ACCESS,
    **routes_certificates.ACCESS,
    **routes_dashboards.ACCESS,
    **routes_exports.ACCESS,
    **routes_api.ACCESS,
    **routes_offline.ACCESS,
}

#: scoped pages: a community admin of 新安路 asking about 东梅 is refused
OUT_OF_SCOPE = [
    ("GET", "/staff/users/{user_id}"),
    ("POST", "/staff/users/{user_id}/password"),
    ("POST", "/staff/users/{user_id}/roles"),
    ("POST", "/staff/users/{user_id}/active"),
    ("POST", "/staff/party/{membership_id}/review"),
    ("POST", "/staff/moves/{move_id}/decide"),
    ("GET", "/staff/zones/{grid_id}"),
    ("POST", "/staff/zones/{grid_id}"),
    ("POST", "/staff/zones/{grid_id}/move"),
    ("POST", "/staff/zones/{grid_id}/remove"),
    ("POST", "/staff/zones/{grid_id}/restore"),
    ("GET", "/staff/zones/new?parent={grid_id}"),
    ("GET", "/staff/points/residents/{user_id}"),
    ("GET", "/points/awards/{award_id}"),
    ("POST", "/staff/points/awards/{award_id}/decide"),
    ("POST", "/staff/points/objections/{objection_id}/resolve"),
    ("GET", "/staff/shifts/activities/{activity_id}"),
    ("GET", "/staff/shifts/activities/{activity_id}/edit"),
    ("POST", "/staff/shifts/activities/{activity_id}/shifts/new"),
    ("GET", "/staff/shifts/{shift_id}/edit"),
    ("POST", "/staff/shifts/{shift_id}/cancel"),
    ("GET", "/staff/shifts/{shift_id}/roster"),
    ("POST", "/staff/shifts/{shift_id}/roster/add"),
    ("GET", "/staff/shifts/templates/{template_id}/edit"),
    ("POST", "/staff/shifts/signups/{signup_id}/remove"),
    ("POST", "/staff/shifts/signups/{signup_id}/assign"),
    ("POST", "/staff/shifts/signups/{signup_id}/no-show"),
    ("POST", "/teams/members/{member_id}/decide"),
    ("POST", "/teams/members/{member_id}/remove"),
    ("GET", "/teams/{team_id}/edit"),
    ("POST", "/teams/{team_id}/edit"),
    ("GET", "/staff/checkin/{shift_id}/code"),
    ("GET", "/staff/checkin/{shift_id}/code.svg"),
    ("POST", "/staff/checkin/{shift_id}/scan"),
    ("POST", "/staff/checkin/{shift_id}/manual"),
    ("GET", "/staff/checkin/{shift_id}/live"),
    ("POST", "/staff/checkin/{shift_id}/poster"),
    ("POST", "/staff/checkin/attendances/{attendance_id}/confirm"),
    ("GET", "/checkin/attendances/{attendance_id}"),
    ("GET", "/staff/shop/{shop_id}/goods"),
    ("POST", "/staff/shop/{shop_id}/goods/{good_id}"),
    ("POST", "/staff/shop/goods/{good_id}/restock"),
    ("GET", "/staff/shop/{shop_id}/movements"),
    ("GET", "/staff/shop/{shop_id}/counter"),
    ("POST", "/staff/shop/{shop_id}/counter/identify"),
    ("POST", "/staff/shop/{shop_id}/counter/confirm"),
    ("GET", "/staff/shop/redemptions/{redemption_id}"),
    ("POST", "/staff/shop/redemptions/{redemption_id}/void"),
    ("GET", "/staff/shop/{shop_id}/redemptions"),
    ("GET", "/staff/shop/{shop_id}/report"),
    ("GET", "/staff/shop/{shop_id}/report.csv"),
    ("POST", "/staff/shop/{shop_id}/counter/pickup"),
    ("GET", "/staff/shop/{shop_id}/reservations"),
    ("GET", "/staff/shop/reservations/{reservation_id}"),
    ("POST", "/staff/shop/reservations/{reservation_id}/pickup"),
    ("POST", "/staff/shop/reservations/{reservation_id}/cancel"),
    ("POST", "/staff/wishes/{wish_id}/review"),
    ("GET", "/wishes/{wish_id}/edit"),
    ("POST", "/wishes/{wish_id}/confirm"),
    ("POST", "/wishes/{wish_id}/withdraw"),
    ("GET", "/staff/cards/{user_id}"),
    ("POST", "/staff/cards/{user_id}/issue"),
    ("GET", "/staff/cards/card/{card_id}/print"),
    ("POST", "/staff/cards/card/{card_id}/lost"),
    *routes_topics.OUT_OF_SCOPE, *routes_meetings.OUT_OF_SCOPE, *routes_conventions.OUT_OF_SCOPE,
    *routes_certificates.OUT_OF_SCOPE,
    *routes_dashboards.OUT_OF_SCOPE,
    *routes_exports.OUT_OF_SCOPE,
    *routes_api.OUT_OF_SCOPE,
    *routes_offline.OUT_OF_SCOPE,
]


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(endpoint, method) for endpoint, method, _url in ACCESS}


def _actor(role, make_user, tree):
    if role == "anonymous":
        return None
    if role == "resident":
        return make_user()
    if role == "party_member":
        return make_user(party="verified")
    return make_user(role, zone=tree.xinan)


def _targets(make_user, tree, community):
    """A resident, a staff member with a grant, and a pending declaration in `community`."""
    building = tree.xinan_building if community == "xinan" else tree.dongmei_building
    grid = tree.xinan_grid if community == "xinan" else tree.dongmei_grid
    resident = make_user(home=building, party="pending")
    staff = make_user("coordinator", zone=grid, home=building)
    membership = db.session.scalar(
        select(PartyMembership).where(PartyMembership.user_id == resident.id))
    from portal.points import awards
    from portal.points.rules import seed_default_rules

    seed_default_rules()
    awarder = make_user("admin", zone=grid, home=building)
    award = awards.record_award(awarder, resident, points="6", reason="好人好事",
                                evidence_note="说明")  # above the threshold: pending
    posted = awards.record_award(awarder, resident, points="1", reason="好人好事",
                                 evidence_note="说明")
    objection = awards.raise_objection(staff, posted, "情况不属实")
    shift_ids = _shift_targets(awarder, grid, resident)
    from portal.accounts import moves

    elsewhere = tree.dongmei_building if community == "xinan" else tree.xinan_building
    move = moves.request_move(make_user(home=elsewhere), building)  # moving in
    cases = case_targets(make_user, grid.parent, grid, building, make_user(home=building))
    for more in (council_targets, meeting_targets, convention_targets, certificate_targets,
                 api_targets):
        cases.update(more(make_user, grid.parent, grid, building, make_user(home=building)))
    db.session.commit()
    return {**shift_ids, **cases, "user_id": resident.id, "staff_id": staff.id, "move_id": move.id,
            "grant_id": staff.grants[0].id,
            "membership_id": membership.id, "grid_id": grid.id, "award_id": award.id,
            "objection_id": objection.id,
            "rule_id": db.session.scalar(select(PointsRule.id).limit(1))}


def _shift_targets(coordinator, grid, resident) -> dict[str, int]:
    """An activity, a weekly template, a shift and a resident's sign-up in `grid`."""
    from datetime import time, timedelta

    from portal.shifts import activities, recurring, signups
    from portal.types import utcnow

    activity = activities.create_activity(coordinator, title="桥头市场周六执勤", zone=grid)
    start = utcnow() + timedelta(days=2)
    shift = activities.add_shift(coordinator, activity, start_dt=start,
                                 end_dt=start + timedelta(hours=4), capacity=5)
    template, _shifts = recurring.create_template(coordinator, activity, weekday=5,
                                                  start_time=time(7), end_time=time(11),
                                                  capacity=3, weeks_ahead=1)
    signup = signups.sign_up(resident, shift)
    from portal.teams import services as teams

    team = teams.create_team(coordinator, name="七色花志愿服务队", zone=grid)
    member = teams.apply(resident, team, "周六有空")
    from portal.checkin import codes
    from portal.checkin.models import Attendance

    attendance = Attendance(signup_id=signup.id, shift_id=shift.id, user_id=resident.id,
                            checkin_dt=start, checkin_method="manual")
    db.session.add(attendance)
    db.session.flush()
    from portal.shop.models import Good, Shop

    community = grid.parent
    shop = Shop(zone_id=community.id, name="积分超市", open_days=[1], open_time=time(9),
                close_time=time(11))
    db.session.add(shop)
    db.session.flush()
    good = Good(shop_id=shop.id, name="大米", price_tenths=300, stock=0)
    db.session.add(good)
    db.session.flush()
    from portal.shop.models import Redemption

    sale = Redemption(shop_id=shop.id, user_id=resident.id, clerk_id=coordinator.id,
                      total_tenths=300, receipt_no=f"R-TEST-{shop.id}")
    db.session.add(sale)
    from portal.members.models import MemberCard

    card = MemberCard(user_id=resident.id, card_no=f"{9000000000 + shop.id}",
                      secret=f"secret-{shop.id}")
    db.session.add(card)
    from portal.shop.models import Reservation

    booked = Reservation(shop_id=shop.id, user_id=resident.id, good_id=good.id, quantity=1,
                         unit_tenths=300, pickup_code=f"{shop.id:06d}",
                         expires_dt=utcnow() + timedelta(days=7))
    db.session.add(booked)
    from portal.wishes.models import Wish

    wish = Wish(poster_id=resident.id, created_by_id=resident.id, zone_id=resident.home_zone_id,
                title="想要一辆轮椅", kind="item", value_yuan=200, status="published",
                deadline=utcnow().date() + timedelta(days=10))
    db.session.add(wish)
    db.session.flush()
    return {"attendance_id": attendance.id, "card_id": card.id, "shop_id": shop.id,
            "good_id": good.id,
            "redemption_id": sale.id, "reservation_id": booked.id, "wish_id": wish.id,
            "photo": "t_none.jpg",
            "checkin_pass": codes.make_pass(codes.ShiftCode(shift.id, "shift_code")),
            "activity_id": activity.id, "shift_id": shift.id, "template_id": template.id,
            "signup_id": signup.id, "team_id": team.id, "member_id": member.id,
            "token": "x" * 30}


def _denied(response, role) -> bool:
    if role == "anonymous" and response.status_code == 302:
        return "/login" in response.headers["Location"]
    # 401: the API (/api/v1) takes bearer tokens, never a session; its refusal says so
    return response.status_code in (401, 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint, method, url", sorted(ACCESS), ids=lambda v: str(v))
def test_route_access(client, auth, make_user, tree, role, endpoint, method, url):
    actor = _actor(role, make_user, tree)
    ids = _targets(make_user, tree, "xinan")
    if actor is not None:
        assert auth.login(actor).status_code == 302
    response = client.open(url.format(**ids), method=method)
    assert response.status_code < 500
    expected = role in ACCESS[(endpoint, method, url)]
    assert _denied(response, role) is not expected, (role, method, url, response.status_code)


@pytest.mark.parametrize("method, url", OUT_OF_SCOPE)
def test_community_admin_is_refused_outside_their_community(client, auth, make_user, tree,
                                                             method, url):
    admin = make_user("admin", zone=tree.xinan)
    ids = _targets(make_user, tree, "dongmei")
    auth.login(admin)
    response = client.open(url.format(**ids), method=method,
                           data={"role": "clerk", "zone": tree.dongmei.id, **once()})
    assert response.status_code == 403


def test_staff_list_shows_only_residents_in_scope(client, auth, make_user, tree):
    coordinator = make_user("coordinator", zone=tree.xinan)
    make_user(name="新安居民", home=tree.xinan_building)
    make_user(name="东梅居民", home=tree.dongmei_building)
    auth.login(coordinator)
    html = client.get("/staff/users").get_data(as_text=True)
    assert "新安居民" in html and "东梅居民" not in html


def test_grant_cannot_be_revoked_through_another_users_url(client, auth, make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    clerk = make_user("clerk", zone=tree.xinan)
    other = make_user()
    auth.login(admin)
    response = client.post(f"/staff/users/{other.id}/roles/{clerk.grants[0].id}/revoke")
    assert response.status_code == 404
    db.session.expire_all()
    assert clerk.grants
