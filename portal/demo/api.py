"""Demo API tokens: the 新安路 supermarket counter's tablet, held by the clerk 林美华 and made
by the admin 张丽, and 王秀英's own token for a mini-program (read, and volunteer: her sign-ups
and check-ins, her claims), and the 街道 reporting system's token for the exports, held by
张丽. Their secrets are never shown (only the hashes are kept); `flask api token`
makes one that can be used."""

from __future__ import annotations

from sqlalchemy import select

from portal.api import tokens
from portal.api.models import ApiToken
from portal.demo import lookup
from portal.extensions import db

TOKENS = [  # (holder phone, made by phone, name, scopes)
    ("13900000004", "13900000005", "超市柜台平板", ["read", "counter"]),
    ("13900000001", "13900000001", "社区小程序", ["read", "volunteer"]),
    ("13900000005", "13900000005", "街道报表系统", ["exports"]),
]


def seed_api_tokens() -> None:
    for holder_phone, actor_phone, name, scopes in TOKENS:
        holder, actor = lookup.user(holder_phone), lookup.user(actor_phone)
        if holder is None or actor is None or db.session.scalar(
                select(ApiToken.id).where(ApiToken.holder_id == holder.id,
                                          ApiToken.name == name)):
            continue
        tokens.issue(actor, holder=holder, name=name, scopes=scopes)
