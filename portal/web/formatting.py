"""The Jinja filters that show people's data: local times, masked names and phones."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime


def local_dt(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC datetime shown in the configured time zone (Asia/Shanghai by default), in a
    CLDR pattern formatted by Babel for the request's locale."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])), fmt)


def mask_name(name: str) -> str:
    """张三丰 -> 张**: other residents never see a full name."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "***"
