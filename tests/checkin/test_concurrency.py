"""Concurrent scans on PostgreSQL: one attendance, one credit, whatever the retries."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.checkin import codes, services
from portal.checkin.models import Attendance, ScanLog
from portal.extensions import db
from portal.members import codes as members
from portal.points import hours, ledger
from portal.points.models import HoursEntry, LedgerEntry
from portal.shifts.models import Shift
from tests.conftest import pg_only, run_concurrently


@pg_only
def test_50_concurrent_scans_by_one_volunteer_make_one_attendance_and_one_credit(
        app, live_shift, volunteer, coordinator):
    shift_id, user_id, coordinator_id = live_shift.id, volunteer.id, coordinator.id
    token = members.member_code(volunteer)
    db.session.commit()

    def scan_in(i):
        if i % 2:  # half scan the shift's code themselves, half are scanned by the coordinator
            return services.self_scan(db.session.get(User, user_id),
                                      codes.ShiftCode(shift_id, "shift_code")).outcome
        return services.coordinator_scan(db.session.get(User, coordinator_id),
                                         db.session.get(Shift, shift_id), token).outcome

    results = run_concurrently(app, 50, scan_in)
    assert results.count("ok") == 1 and results.count("already_checked_in") == 49, results

    later = live_shift.start_dt + timedelta(hours=2)
    results = run_concurrently(app, 50, lambda i: services.check_out(
        db.session.get(User, user_id), db.session.get(Shift, shift_id), method="shift_code",
        now=later).outcome)
    assert results.count("ok") == 1 and results.count("checked_out") == 49, results

    db.session.rollback()
    assert db.session.scalar(select(func.count(Attendance.id))) == 1
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 1
    assert db.session.scalar(select(func.count(HoursEntry.id))) == 1
    assert ledger.balance_of(user_id) == 20 and hours.credited_minutes_of(user_id) == 120
    assert db.session.scalar(select(func.count(ScanLog.id))) == 100  # every scan logged
    assert ledger.verify_balances() == []
