"""Issuing, revoking and verifying certificates; numbers; the ID number's checksum."""

from datetime import date

import pytest

from portal.certificates import codes, records, services
from portal.checkin.credit import reverse_credit
from portal.extensions import db
from portal.points import hours
from tests.helpers import code_of

ALL = records.Period("all")
VALID_ID = "11010519491231002X"


def test_numbers_are_80_random_bits_grouped_and_readable():
    number = codes.new_number()
    assert len(number) == 19 and number.count("-") == 3
    raw = number.replace("-", "")
    assert len(raw) * 5 == 80 and set(raw) <= set(codes.ALPHABET)
    assert not set("ILOU") & set(codes.ALPHABET)
    assert len({codes.new_number() for _ in range(200)}) == 200
    assert codes.normalize(number.lower().replace("-", " ")) == number
    assert codes.normalize("O" * 16) == "0000-0000-0000-0000"
    for bad in ("", "ABC", "U" * 16, "1" * 17, "<script>", None):
        assert codes.normalize(bad) is None


def test_id_number_checksum_and_mask():
    assert codes.id_number_valid(VALID_ID)
    assert not codes.id_number_valid("110105194912310021")
    assert not codes.id_number_valid("1101051949123100")
    assert codes.mask_id_number(VALID_ID) == "1101**********002X"


def test_resident_certificate_snapshots_hours_content_and_community(volunteer, serve, tree):
    serve(volunteer, days_ago=40, hours=2)
    serve(volunteer, days_ago=20, hours=3)
    certificate = services.request_own(volunteer, ALL, id_number=VALID_ID.lower())
    db.session.commit()
    assert certificate.minutes == 300 == hours.credited_minutes_of(volunteer.id)
    assert certificate.community_id == tree.xinan.id
    assert certificate.content == "桥头市场周六执勤"
    assert certificate.id_number == VALID_ID and certificate.self_requested
    assert codes.normalize(certificate.number) == certificate.number
    verdict = services.verify(certificate.number)
    assert verdict.status == "valid" and verdict.current_minutes == 300


def test_table_rows_carry_the_art7_fields(volunteer, serve, coordinator):
    serve(volunteer, days_ago=15, hours=2)
    [row] = records.services(volunteer.id, ALL)
    assert (row.name, row.place, row.content, row.minutes) == (
        "桥头市场周六执勤", "桥头市场东入口", "维护市场秩序", 120)
    assert row.organiser == "新安路社区" and row.leader == coordinator.name


def test_table_query_count_is_flat(volunteer, serve, count_queries):
    serve(volunteer, days_ago=10)
    with count_queries() as one:
        records.services(volunteer.id, ALL)
    for days in range(11, 31):
        serve(volunteer, days_ago=days)
    with count_queries() as many:
        assert len(records.services(volunteer.id, ALL)) == 21
    assert many.count == one.count <= 3  # one SELECT (and the connection's own set-up)


def test_periods_year_and_range(volunteer, serve):
    attendance = serve(volunteer, days_ago=3)
    day = attendance.shift.start_dt.date()
    year = services.period_of("year", day.year)
    assert records.period_minutes(volunteer.id, year) == 120
    assert records.period_minutes(volunteer.id, services.period_of("year", day.year - 1)) == 0
    outside = services.period_of("range", first=date(2001, 1, 1), last=date(2001, 2, 1))
    assert code_of(services.request_own, volunteer, outside) == "no_hours"


@pytest.mark.parametrize("args, code", [
    (("year", None), "bad_year"), (("year", 1999), "bad_year"), (("range",), "range_missing"),
    (("range", None, date(2026, 2, 1), date(2026, 1, 1)), "range_reversed"),
    (("week",), "bad_period")])
def test_bad_periods(args, code):
    assert code_of(services.period_of, *args) == code


def test_bad_id_number_and_no_hours(volunteer, serve, make_user):
    assert code_of(services.request_own, make_user(), ALL) == "no_hours"
    serve(volunteer)
    assert code_of(services.request_own, volunteer, ALL, "110105194912310021") == \
        "bad_id_number"


def test_reversal_after_issue_shows_on_verification(volunteer, serve, coordinator):
    attendance = serve(volunteer, days_ago=2, hours=2)
    serve(volunteer, days_ago=5, hours=1)
    certificate = services.request_own(volunteer, ALL)
    db.session.commit()
    reverse_credit(attendance, actor=coordinator, reason="签到有误")
    db.session.commit()
    verdict = services.verify(certificate.number)
    assert verdict.status == "reversed" and verdict.reversed_minutes == 120
    assert verdict.current_minutes == 60


def test_staff_issue_and_revoke_with_rank_and_no_self_dealing(volunteer, serve, make_user,
                                                              tree):
    serve(volunteer)
    clerk = make_user("clerk", zone=tree.xinan)
    admin = make_user("admin", zone=tree.xinan)
    serve(clerk)
    assert code_of(services.issue_for, clerk, clerk, ALL) == "self_dealing"
    outsider = make_user("clerk", zone=tree.dongmei)
    from portal.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.issue_for(outsider, volunteer, ALL)
    certificate = services.issue_for(clerk, volunteer, ALL)
    db.session.commit()
    assert certificate.issuer_id == clerk.id and not certificate.self_requested
    assert code_of(services.revoke, admin, certificate, "  ") == "reason_required"
    services.revoke(admin, certificate, "重复开具")
    db.session.commit()
    assert services.verify(certificate.number).status == "revoked"
    assert code_of(services.revoke, admin, certificate, "再来") == "already_revoked"
    with pytest.raises(NotAllowed):
        services.revoke(clerk, certificate, "无权")


def test_unknown_number_is_not_genuine_and_logged(caplog):
    verdict = services.verify("ABCD-EFGH-JKMN-PQRS", "203.0.113.9")
    assert not verdict.genuine and verdict.status == "unknown"
    assert "203.0.113.9" in caplog.text
