"""Working days come from chinese_calendar: holidays, and the 调休 Saturdays that are worked."""

from datetime import UTC, date, datetime

from portal.cases import workdays


def test_a_make_up_saturday_is_a_working_day():
    # 2026-02-14 is a Saturday worked before the Spring Festival (调休)
    assert date(2026, 2, 14).weekday() == 5
    assert workdays.is_workday(date(2026, 2, 14))
    assert not workdays.is_workday(date(2026, 2, 21))  # a Saturday inside the holiday


def test_national_day_is_not_a_working_day():
    assert not workdays.is_workday(date(2026, 10, 1))
    assert workdays.is_workday(date(2026, 10, 9))


def test_counting_skips_the_holiday_and_counts_the_make_up_saturday():
    # Friday 2026-02-13, + 1 working day: Saturday the 14th is worked
    assert workdays.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    # from Saturday the 14th, + 1: the holiday runs to the 23rd; the next working day
    assert workdays.add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_a_matter_filed_on_a_holiday_counts_from_the_next_working_day(app):
    # filed during National Day (2026-10-03 10:00 in Shanghai), 即办: the next working day
    due = workdays.due_after(datetime(2026, 10, 3, 2, 0, tzinfo=UTC), 0)
    assert due == datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)  # 10-08 23:59:59 +08:00


def test_three_working_days_over_a_weekend(app):
    # filed Thursday 2026-11-12: Fri, Mon, Tue
    due = workdays.due_after(datetime(2026, 11, 12, 2, 0, tzinfo=UTC), 3)
    assert due.astimezone(UTC).date() == date(2026, 11, 17)


def test_a_year_the_library_does_not_know_counts_weekdays(caplog):
    assert workdays.is_workday(date(2031, 3, 3))  # a Monday
    assert not workdays.is_workday(date(2031, 3, 1))  # a Saturday
    assert "no holiday schedule for 2031" in caplog.text


def test_the_reminder_comes_one_working_day_before(app):
    # due Monday 2026-11-16 end of day: the reminder from Friday the 13th, 00:00 local
    due = datetime(2026, 11, 16, 15, 59, 59, tzinfo=UTC)
    assert workdays.reminder_from(due) == datetime(2026, 11, 12, 16, 0, tzinfo=UTC)
    # and it goes up at the end of Tuesday the 17th
    assert workdays.end_of_workday_after(due) == datetime(2026, 11, 17, 15, 59, 59, tzinfo=UTC)
