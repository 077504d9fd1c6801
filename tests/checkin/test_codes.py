"""Signed codes: rotation with one step of skew, posters, member codes, forgeries, QR images."""

import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from portal import qr
from portal.checkin import codes
from portal.members import codes as members
from portal.types import utcnow
from tests.helpers import tamper


def code_error(call, *args) -> str:
    with pytest.raises(codes.CodeError) as caught:
        call(*args)
    return caught.value.code


def test_a_shift_code_reads_back_within_one_step_either_way(app):
    now = utcnow()
    token = codes.shift_token(42, now)
    for offset in (-30, 0, 30):
        assert codes.read_shift_code(token, now + timedelta(seconds=offset)).shift_id == 42
    assert code_error(codes.read_shift_code, token, now + timedelta(seconds=95)) == \
        "expired_code"
    assert code_error(codes.read_shift_code, token, now - timedelta(seconds=95)) == \
        "invalid_code"  # a code from the future is not clock skew


def test_forged_and_garbage_codes_are_invalid(app):
    now = utcnow()
    token = codes.shift_token(42, now)
    prefix, shift_id, step, sig = token.split(".")
    forged = ".".join([prefix, "43", step, sig])
    for bad in (forged, tamper(token), "", "s", "s.1.2.3", "p." + token[2:], "x" * 5000,
                "../../etc/passwd", "s.42.9999999999.AAAAAAAAAAAAAAAAAAAAAAAA", "\x00" * 30,
                members.member_token("abc", now)):
        assert code_error(codes.read_shift_code, bad, now) == "invalid_code", bad


def test_a_poster_code_is_static_and_bound_to_its_nonce(app):
    token = codes.poster_token(7, "nonce123456")
    later = utcnow() + timedelta(days=30)
    code = codes.read_shift_code(token, later)
    assert (code.shift_id, code.method, code.nonce) == (7, "poster", "nonce123456")


def test_member_codes_rotate_every_minute_and_carry_no_personal_data(app, make_user):
    now = utcnow()
    token = members.member_token("k3y-Random_01", now)
    assert members.read_member_code(token, now + timedelta(seconds=60)) == "k3y-Random_01"
    assert code_error(members.read_member_code, token, now + timedelta(seconds=200)) == \
        "expired_code"
    user = make_user(name="王秀英")
    token = members.member_code(user, now)
    key = token.split(".")[1]
    assert key == user.member_key and len(key) == 16  # random, not the id
    assert user.phone not in token and user.name not in token and key != str(user.id)
    assert code_error(members.read_member_code, codes.shift_token(1, now), now) == "invalid_code"


def test_a_pass_survives_a_login_but_not_a_forgery(app):
    value = codes.make_pass(codes.ShiftCode(9, "shift_code"))
    assert codes.read_pass(value) == codes.ShiftCode(9, "shift_code", "")
    assert codes.read_pass(tamper(value)) is None
    assert codes.read_pass("nonsense") is None


def test_qr_images_decode_to_the_check_in_url(app):
    url = f"{app.config['BASE_URL']}/c/{codes.shift_token(42, utcnow())}"
    image = Image.open(io.BytesIO(qr.png(url)))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]
    assert qr.svg(url).startswith(b"<svg")


def test_printable_keeps_plain_text_and_strips_control_characters():
    assert codes.printable("Mozilla/5.0 (Linux; Android 8.1) MicroMessenger/8.0", 255) \
        == "Mozilla/5.0 (Linux; Android 8.1) MicroMessenger/8.0"
    assert codes.printable("王秀英" * 100, 10) == "王秀英王秀英王秀英王"
    assert codes.printable("a\x00b\nc\x1bd", 255) == "abcd"
    assert codes.printable("\x00" * 5 + "x" * 30, 20) == "x" * 20
    assert codes.printable(None, 5) == ""
    assert codes.excerpt("s.42.123.abcdefghijklmnopqrstuvwxyz") == "s.42.123.abcdefghijk"
