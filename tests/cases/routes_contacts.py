"""Rows for tests/test_access.py and tests/test_fuzz.py for the 社区工作日 reception pages
(cases_reception) and the door-visit page (cases_visits)."""

from tests.access_roles import CASE_STAFF, LOGGED_IN

ACCESS: dict = {
    ("cases_reception.index", "GET", "/cases/reception"): LOGGED_IN,
    # any resident may try to book; the service refuses other communities' slots
    ("cases_reception.book", "POST", "/cases/reception/{slot_id}/book"): LOGGED_IN,
    ("cases_reception.cancel_booking", "POST",
     "/cases/reception/bookings/{booking_id}/cancel"): LOGGED_IN,
    ("cases_reception.staff_index", "GET", "/staff/cases/reception"): CASE_STAFF,
    # only an admin (of a community, or the superadmin) publishes
    ("cases_reception.staff_index", "POST", "/staff/cases/reception"): {"admin", "superadmin"},
    ("cases_reception.slot", "GET", "/staff/cases/reception/{slot_id}"): CASE_STAFF,
    ("cases_reception.cancel_slot", "POST", "/staff/cases/reception/{slot_id}/cancel"):
        {"admin", "superadmin"},
    ("cases_reception.receive", "POST", "/staff/cases/reception/bookings/{booking_id}/receive"):
        CASE_STAFF,
    ("cases_visits.index", "GET", "/staff/cases/visits"): CASE_STAFF,
    ("cases_visits.index", "POST", "/staff/cases/visits"): CASE_STAFF,
}

FUZZ: dict = {
    "cases_reception.index": "",
    "cases_reception.book": "",
    "cases_reception.cancel_booking": "",
    "cases_reception.staff_index": "",
    "cases_reception.slot": "",
    "cases_reception.cancel_slot": "",
    "cases_reception.receive": "",
    "cases_visits.index": "page",
}
