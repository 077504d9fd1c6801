"""`flask api token`: a token from the command line, for a device set up by the operator and
for the schemathesis run (scripts/test_api.sh). The secret is printed once."""

from __future__ import annotations

import click
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.api import tokens
from portal.errors import DomainError
from portal.extensions import db


def register(app) -> None:
    @app.cli.group("api")
    def api_group():
        """The JSON API (/api/v1)."""

    @api_group.command("token")
    @click.option("--phone", required=True, help="the holder's login (mobile number)")
    @click.option("--name", required=True, help="what the token is for")
    @click.option("--scopes", default="read", show_default=True,
                  help="space-separated: read checkin counter volunteer exports")
    def token_command(phone: str, name: str, scopes: str):
        """Issue a token held by (and acting as) the user; print its secret once."""
        user = db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))
        if user is None:
            raise click.ClickException(f"no user with phone {phone}")
        try:
            _token, secret = tokens.issue(user, holder=user, name=name, scopes=scopes.split())
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        db.session.commit()
        click.echo(secret)
