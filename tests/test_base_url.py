"""Links that leave the page (check-in QR codes, posters, calendar links) name the address the
portal is really served on, unless BASE_URL says otherwise."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from icalendar import Calendar
from PIL import Image
from sqlalchemy import select

from portal.extensions import db
from portal.shifts.models import CalendarFeed
from portal.web.navigation import FALLBACK_BASE_URL, base_url
from tests.conftest import PASSWORD

SERVED_ON = "http://127.0.0.1:5102"
PUBLIC = "https://portal.example.gov.cn"


@pytest.fixture
def unset(app, monkeypatch):
    """BASE_URL left unset, as `make run PORT=5102` leaves it."""
    monkeypatch.setitem(app.config, "BASE_URL", "")


def _log_in(client, user, at: str) -> None:
    # the session cookie belongs to the host it was set on, so log in on that host
    response = client.post("/login", data={"phone": user.phone, "password": PASSWORD},
                           base_url=at)
    assert response.status_code == 302


def _decoded(png: bytes) -> str:
    # one code per image; the decoder may report the same symbol twice, so compare texts
    (text,) = {found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))}
    return text


def _links(client, shift, at: str) -> dict[str, str]:
    """Every outside link the portal hands out for a shift, fetched through host `at`."""
    client.post(f"/staff/checkin/{shift.id}/poster", data={"action": "issue"}, base_url=at)
    (event,) = Calendar.from_ical(
        client.get(f"/shifts/{shift.id}.ics", base_url=at).data).walk("VEVENT")
    page = client.get("/me/calendar", base_url=at).get_data(as_text=True)
    token = db.session.scalar(select(CalendarFeed.token))
    return {
        "code": _decoded(client.get(f"/staff/checkin/{shift.id}/code.png", base_url=at).data),
        "code page": client.get(f"/staff/checkin/{shift.id}/code", base_url=at)
        .get_data(as_text=True),
        "poster": _decoded(client.get(f"/staff/checkin/{shift.id}/poster.png",
                                      base_url=at).data),
        "event": str(event["url"]),
        "event uid": str(event["uid"]),
        "feed": page if f"/cal/{token}.ics" in page else "",
    }


def test_without_base_url_links_follow_the_served_address(client, make_shift, coordinator,
                                                          unset):
    shift = make_shift(hours_from_now=10 / 60)
    _log_in(client, coordinator, SERVED_ON)
    links = _links(client, shift, SERVED_ON)
    assert links["code"].startswith(f"{SERVED_ON}/c/s.{shift.id}.")
    assert f"{SERVED_ON}/c/s.{shift.id}." in links["code page"]
    assert links["poster"].startswith(f"{SERVED_ON}/c/p.{shift.id}.")
    assert links["event"] == f"{SERVED_ON}/shifts/{shift.id}"
    assert links["event uid"] == f"shift-{shift.id}@127.0.0.1"
    assert f"{SERVED_ON}/cal/" in links["feed"] and "webcal://127.0.0.1:5102/cal/" in links["feed"]
    for text in links.values():
        assert "127.0.0.1:5000" not in text and "localhost" not in text


def test_an_explicit_base_url_wins_over_the_request(client, app, make_shift, coordinator,
                                                    monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", PUBLIC)
    shift = make_shift(hours_from_now=10 / 60)
    _log_in(client, coordinator, SERVED_ON)
    links = _links(client, shift, SERVED_ON)
    assert links["code"].startswith(f"{PUBLIC}/c/s.{shift.id}.")
    assert links["poster"].startswith(f"{PUBLIC}/c/p.{shift.id}.")
    assert links["event"] == f"{PUBLIC}/shifts/{shift.id}"
    assert links["event uid"] == f"shift-{shift.id}@portal.example.gov.cn"
    assert f"{PUBLIC}/cal/" in links["feed"]
    for text in links.values():
        assert "127.0.0.1" not in text


def test_outside_a_request_the_setting_or_the_documented_fallback(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", PUBLIC + "/")
    assert base_url() == PUBLIC
    monkeypatch.setitem(app.config, "BASE_URL", "")
    assert base_url() == FALLBACK_BASE_URL == "http://127.0.0.1:5000"
    monkeypatch.setitem(app.config, "SERVER_NAME", "portal.example.gov.cn")
    monkeypatch.setitem(app.config, "PREFERRED_URL_SCHEME", "https")
    assert base_url() == PUBLIC  # what Flask's own url_for would use outside a request
    with app.test_request_context("/", base_url="http://192.168.1.20:8080"):
        monkeypatch.setitem(app.config, "SERVER_NAME", None)
        assert base_url() == "http://192.168.1.20:8080"


def test_config_leaves_base_url_empty_unless_it_is_set():
    env = {k: v for k, v in os.environ.items() if k != "BASE_URL"}
    root = Path(__file__).resolve().parent.parent
    code = "import config; print(repr(config.Config.BASE_URL))"
    unset = subprocess.run([sys.executable, "-c", code], cwd=root, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    given = subprocess.run([sys.executable, "-c", code], cwd=root,
                           env={**env, "BASE_URL": PUBLIC + "/"},
                           capture_output=True, text=True, check=True).stdout.strip()
    assert (unset, given) == ("''", repr(PUBLIC))
