"""Command-line tools: seed-demo, create-admin, ledger verify, and the cron jobs
(send-reminders, generate-shifts, close-shifts, expire-reservations,
release-stale-claims, cases escalate)."""

from __future__ import annotations

import importlib

import click
from flask import Flask
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from portal.accounts.models import RoleGrant, User
from portal.accounts.services import PHONE_RE, normalise_phone
from portal.api.cli import register as register_api_cli
from portal.cases.services import escalate
from portal.demo import DEMO_PASSWORD, seed_demo
from portal.extensions import db
from portal.i18n import compile_catalogs
from portal.points.amounts import format_points
from portal.points.ledger import verify_balances
from portal.shop.services import verify_stock
from portal.zones.models import Zone


def register_cli(app: Flask) -> None:
    register_api_cli(app)

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo community (idempotent: safe to run again)."""

        logins = seed_demo()
        db.session.commit()
        click.echo("演示数据已就绪 / demo data ready. 演示账号 (demo logins), 密码 password: "
                   f"{DEMO_PASSWORD}")
        for role, phone, name in logins:
            click.echo(f"  {role:<24} {phone}  {name}")

    @app.cli.group("ledger")
    def ledger_group():
        """The points ledger."""

    @ledger_group.command("verify")
    def ledger_verify_command():
        """Recompute every balance from its entries; exit 1 and name any mismatch."""

        mismatches = verify_balances()
        for user_id, cached, computed in mismatches:
            user = db.session.get(User, user_id)
            click.echo(f"MISMATCH user {user_id} {user.phone} {user.name}: cached "
                       f"{format_points(cached)}, entries sum to {format_points(computed)}")
        if mismatches:
            raise SystemExit(1)
        click.echo("ledger ok: every balance equals the sum of its entries")

    def cron(name: str, job: str, label: str, doc: str) -> None:
        """A cron command: run `module:function`, commit once, say how many rows it touched."""

        def command():


            module, _sep, function = job.partition(":")
            count = getattr(importlib.import_module(module), function)()
            db.session.commit()
            click.echo(f"{label}: {count}")

        command.__doc__ = doc
        app.cli.command(name)(command)

    cron("send-reminders", "portal.shifts.reminders:send_reminders", "reminders sent",
         "Remind volunteers of tomorrow's shifts (cron; each reminder goes out once).")
    cron("generate-shifts", "portal.shifts.recurring:generate_all", "shifts generated",
         "Top up every weekly template's shifts (cron, daily; idempotent).")
    cron("close-shifts", "portal.checkin.credit:close_shifts", "attendances closed",
         "Close forgotten check-outs of ended shifts and flag them for review (cron).")
    cron("release-stale-claims", "portal.wishes.services:release_stale", "claims released",
         "Give back wish claims with no progress for WISH_STALE_CLAIM_DAYS (cron; idempotent).")
    cron("remind-stale-claims", "portal.wishes.services:warn_stale", "claim reminders sent",
         "Remind claimers WISH_STALE_WARN_DAYS before a claim with no progress is released "
         "(cron, daily; each reminder goes out once).")
    cron("expire-reservations", "portal.shop.reservations:expire_due", "reservations expired",
         "Return the points and stock of reservations not picked up in time (cron; idempotent).")

    cron("flag-unrecorded", "portal.certificates.unrecorded:flag_unrecorded",
         "coordinators told",
         "Tell coordinators of services unrecorded 10 working days after they ended "
         "(art. 11; cron, daily; each shift is told once).")

    @app.cli.group("cases")
    def cases_group():
        """四单办结: residents' matters."""

    @cases_group.command("escalate")
    def cases_escalate_command():
        """Remind handlers, flag overdue matters, move them up to the 街道 a working day later,
        close matters left unrated for 7 days (cron, every 10 minutes; idempotent)."""

        counts = escalate()
        db.session.commit()
        click.echo(" ".join(f"{name}: {count}" for name, count in counts.items()))

    @app.cli.group("shop")
    def shop_group():
        """The points supermarket."""

    @shop_group.command("verify")
    def shop_verify_command():
        """Check every good's stock equals the sum of its movements; exit 1 on a mismatch."""

        mismatches = verify_stock()
        for good_id, name, cached, computed in mismatches:
            click.echo(f"MISMATCH good {good_id} {name}: stock {cached}, movements sum to "
                       f"{computed}")
        if mismatches:
            raise SystemExit(1)
        click.echo("stock ok: every good's stock equals the sum of its movements")

    @app.cli.command("compile-translations")
    def compile_translations_command():
        """Compile translations/*/LC_MESSAGES/messages.po into .mo files."""

        for path in compile_catalogs(force=True):
            click.echo(f"compiled {path}")

    @app.cli.command("create-admin")
    @click.option("--phone", required=True, help="11-digit mobile number, the login")
    @click.option("--name", required=True, help="real name")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--street-code", default="STREET", show_default=True,
                  help="code of the street (top zone); created if missing")
    @click.option("--street-name", default="街道", show_default=True)
    def create_admin_command(phone, name, password, street_code, street_name):
        """Create a superadmin (the first account of a new installation)."""


        phone = normalise_phone(phone)
        if not PHONE_RE.match(phone):
            raise click.BadParameter("请输入 11 位大陆手机号码", param_hint="--phone")
        if len(password) < 8:
            raise click.BadParameter("密码至少 8 位", param_hint="--password")
        street = db.session.scalar(select(Zone).where(Zone.code == street_code.upper()))
        if street is None:
            street = Zone(code=street_code.upper(), name=street_name, kind="street")
            db.session.add(street)
            db.session.flush()
            street.path = f"/{street.id}/"
        user = db.session.scalar(select(User).where(User.phone == phone))
        if user is None:
            user = User(phone=phone, name=name, home_zone=street,
                        password_hash=generate_password_hash(password))
            db.session.add(user)
        else:
            user.password_hash = generate_password_hash(password)
            user.session_version += 1
        db.session.flush()
        if not any(g.role == "superadmin" for g in user.grants):
            db.session.add(RoleGrant(user=user, role="superadmin", zone=None))
        db.session.commit()
        click.echo(f"超级管理员 {name}（{phone}）已就绪。")
