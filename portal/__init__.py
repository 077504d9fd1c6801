"""The portal's application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l

from config import INSTANCE_PATH, config_from_env
from portal import models  # noqa: F401  (every model registered before Alembic looks)
from portal.accounts.loader import load_user
from portal.accounts.views import bp as accounts_bp
from portal.api import bp as api_bp
from portal.api.token_views import bp as api_tokens_bp
from portal.cases.ledger_views import bp as cases_ledger_bp
from portal.cases.open311_views import bp as cases_open311_bp
from portal.cases.reception_views import bp as cases_reception_bp
from portal.cases.settings_views import bp as cases_settings_bp
from portal.cases.staff_views import bp as cases_staff_bp
from portal.cases.views import bp as cases_bp
from portal.cases.visit_views import bp as cases_visits_bp
from portal.certificates.staff_views import bp as certificates_staff_bp
from portal.certificates.views import bp as certificates_bp
from portal.checkin.staff_views import bp as checkin_staff_bp
from portal.checkin.views import bp as checkin_bp
from portal.cli import register_cli
from portal.conventions.staff_views import bp as conventions_staff_bp
from portal.conventions.views import bp as conventions_bp
from portal.council.meeting_views import bp as council_meetings_bp
from portal.council.staff_views import bp as council_staff_bp
from portal.council.views import bp as council_bp
from portal.dashboards.views import bp as dashboards_bp
from portal.errors import register_errorhandlers
from portal.exports.views import bp as exports_bp
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.inbox.views import bp as inbox_bp
from portal.main.views import bp as main_bp
from portal.offline.views import bp as offline_bp
from portal.points.staff_views import bp as points_staff_bp
from portal.points.views import bp as points_bp
from portal.shifts.calendar_views import bp as calendar_bp
from portal.shifts.staff_views import bp as shifts_staff_bp
from portal.shifts.views import bp as shifts_bp
from portal.shop.cards_views import bp as shop_cards_bp
from portal.shop.counter_views import bp as shop_counter_bp
from portal.shop.staff_views import bp as shop_staff_bp
from portal.shop.views import bp as shop_bp
from portal.sqlite import enable_sqlite_pragmas
from portal.staff.views import bp as staff_bp
from portal.teams.views import bp as teams_bp
from portal.web.locale import select_locale
from portal.web.params import BoundedIntConverter
from portal.web.register import register_web
from portal.wishes.staff_views import bp as wishes_staff_bp
from portal.wishes.views import bp as wishes_bp
from portal.zones.views import bp as zones_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None) -> Flask:
    config = config or config_from_env()
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config)
    config.ensure_secret_key(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    register_extensions(app)
    register_blueprints(app)

    register_errorhandlers(app)
    register_web(app)

    @app.teardown_request
    def _discard_uncommitted(_exc):
        # A request never leaks half-done work: what a view did not commit is rolled back here.
        db.session.rollback()

    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        enable_sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_timezone=app.config["TIMEZONE"])
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("请先登录。")
    login_manager.user_loader(load_user)


#: (blueprint, URL prefix): each domain's resident pages, then its staff pages
BLUEPRINTS = [
    (main_bp, None), (accounts_bp, None), (staff_bp, "/staff"), (zones_bp, "/staff/zones"),
    (points_bp, "/points"), (points_staff_bp, "/staff/points"),
    (shifts_bp, "/shifts"), (shifts_staff_bp, "/staff/shifts"), (calendar_bp, None),
    (teams_bp, "/teams"), (inbox_bp, "/inbox"),
    (checkin_bp, None), (checkin_staff_bp, "/staff/checkin"),
    (shop_bp, "/shop"), (shop_staff_bp, "/staff/shop"), (shop_counter_bp, "/staff/shop"),
    (shop_cards_bp, "/staff/cards"),
    (wishes_bp, "/wishes"), (wishes_staff_bp, "/staff/wishes"),
    (cases_bp, "/cases"), (cases_staff_bp, "/staff/cases"),
    (cases_settings_bp, "/staff/cases"), (cases_ledger_bp, None),
    (cases_open311_bp, None), (cases_reception_bp, None), (cases_visits_bp, None),
    (council_bp, "/council"), (council_staff_bp, "/staff/council"), (council_meetings_bp, None),
    (conventions_bp, "/conventions"), (conventions_staff_bp, "/staff/conventions"),
    (certificates_bp, None), (certificates_staff_bp, "/staff/certificates"),
    (dashboards_bp, "/staff/dashboards"),
    (exports_bp, "/staff/exports"),
    (api_bp, "/api/v1"), (api_tokens_bp, None),
    (offline_bp, "/offline"),
]


def register_blueprints(app: Flask) -> None:
    for blueprint, prefix in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=prefix)
