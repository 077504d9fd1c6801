""".ics for one shift and for a resident's private feed, with icalendar (RFC 5545)."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event, vDuration
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.extensions import db
from portal.shifts.models import CalendarFeed, Shift, SignUp
from portal.types import utcnow
from portal.web.navigation import base_url

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
FEED_PAST_DAYS = 30
#: how often subscribed calendars are asked to refresh (Apple reads X-PUBLISHED-TTL)
FEED_REFRESH = timedelta(hours=1)


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//portal//社区微平台//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # PUBLISH: a plain published calendar, not a meeting invitation (Outlook asks otherwise)
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def shift_event(shift: Shift, signup: SignUp | None = None) -> Event:
    base = base_url()
    event = Event()
    event.add("uid", f"shift-{shift.id}@{urlsplit(base).hostname or 'portal'}")
    title = shift.activity.title
    if signup is not None and signup.post is not None:
        title += f" · {signup.post.name}"
    event.add("summary", title)
    event.add("dtstart", shift.start_dt)
    event.add("dtend", shift.end_dt)
    event.add("dtstamp", utcnow())
    event.add("location", shift.zone.name + (f" {shift.place}" if shift.place else ""))
    lines = [shift.activity.description] if shift.activity.description else []
    if signup is not None and signup.duty_area:
        lines.append(f"责任区：{signup.duty_area}")
    if shift.is_cancelled:
        lines.insert(0, f"班次已取消：{shift.cancel_reason}" if shift.cancel_reason
                     else "班次已取消")
    if lines:
        event.add("description", "\n".join(lines))
    event.add("url", f"{base}/shifts/{shift.id}")
    event.add("status", "CANCELLED" if shift.is_cancelled else "CONFIRMED")
    if not shift.is_cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(hours=-12))
        event.add_component(alarm)
    return event


def shift_ics(shift: Shift, signup: SignUp | None = None) -> bytes:
    cal = _calendar(shift.activity.title)
    cal.add_component(shift_event(shift, signup))
    return cal.to_ical()


def feed_ics(user_id: int) -> bytes:
    """The resident's confirmed shifts from a month back, in one query; shifts cancelled after
    they signed up stay in as CANCELLED so subscribed calendars drop them."""
    rows = db.session.scalars(
        select(SignUp).join(Shift, Shift.id == SignUp.shift_id)
        .where(SignUp.user_id == user_id, SignUp.status == "confirmed",
               Shift.end_dt >= utcnow() - timedelta(days=FEED_PAST_DAYS))
        .options(joinedload(SignUp.shift).joinedload(Shift.activity),
                 joinedload(SignUp.shift).joinedload(Shift.zone), joinedload(SignUp.post))
        .order_by(Shift.start_dt))
    cal = _calendar("社区志愿排班")
    cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(FEED_REFRESH))
    for row in rows:
        cal.add_component(shift_event(row.shift, row))
    return cal.to_ical()


def feed_for(user, create: bool = True) -> CalendarFeed | None:
    """The resident's feed, made on first use (the unique user_id settles a race)."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is not None or not create:
        return feed
    try:
        with db.session.begin_nested():
            feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
            db.session.add(feed)
            db.session.flush()
    except IntegrityError:
        feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return feed


def revoke_feed(user) -> CalendarFeed:
    """A new secret: the old link stops working at once."""
    feed = feed_for(user)
    feed.token = secrets.token_urlsafe(32)
    feed.created_dt = utcnow()
    db.session.flush()
    return feed


def user_id_for_token(token: str) -> int | None:
    """The feed's owner, or None: junk never reaches the database, and a deactivated
    account's feed stops with its login."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    return db.session.scalar(
        select(CalendarFeed.user_id).join(User, User.id == CalendarFeed.user_id)
        .where(CalendarFeed.token == token, User.is_active_account))
