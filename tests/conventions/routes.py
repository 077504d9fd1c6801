"""Rows for tests/test_access.py (ACCESS: who may open each route; OUT_OF_SCOPE: scoped URLs a
新安路 admin is refused for 东梅) and tests/test_fuzz.py (FUZZ: what each view reads that no form
or link shows)."""

from tests.access_roles import (  # noqa: F401
    ADMINS,
    EVERYONE,
    LOGGED_IN,
    STAFF,
)

#: conventions.record: coordinators (grid workers) and admins
RECORDERS = {"coordinator", "admin", "superadmin"}

ACCESS: dict = {
    ("conventions.index", "GET", "/conventions/"): LOGGED_IN,
    ("conventions.detail", "GET", "/conventions/{convention_id}"): LOGGED_IN,
    ("conventions.sign", "GET", "/conventions/{convention_id}/sign"): LOGGED_IN,
    ("conventions.sign", "POST", "/conventions/{convention_id}/sign"): LOGGED_IN,
    ("conventions.household", "GET", "/conventions/household"): LOGGED_IN,
    ("conventions.household", "POST", "/conventions/household"): LOGGED_IN,
    # only an appointed 劝导员 of the convention's community (no role gives it)
    ("conventions.persuade", "GET", "/conventions/{convention_id}/persuade"): set(),
    ("conventions.persuade", "POST", "/conventions/{convention_id}/persuade"): set(),
    ("conventions_staff.index", "GET", "/staff/conventions/"): RECORDERS,
    ("conventions_staff.new", "GET", "/staff/conventions/new"): ADMINS,
    ("conventions_staff.new", "POST", "/staff/conventions/new"): ADMINS,
    ("conventions_staff.detail", "GET", "/staff/conventions/{convention_id}"): RECORDERS,
    ("conventions_staff.amend", "GET", "/staff/conventions/{convention_id}/amend"): ADMINS,
    ("conventions_staff.amend", "POST", "/staff/conventions/{convention_id}/amend"): ADMINS,
    ("conventions_staff.adopt", "POST",
     "/staff/conventions/{convention_id}/versions/{convention_version_id}/adopt"): ADMINS,
    ("conventions_staff.paper", "GET", "/staff/conventions/{convention_id}/paper"): RECORDERS,
    ("conventions_staff.paper", "POST", "/staff/conventions/{convention_id}/paper"): RECORDERS,
    # the sheet's photo (none is on disk in the tests: a 404 past the door)
    ("conventions_staff.paper_photo", "GET",
     "/staff/conventions/signatures/{paper_signature_id}/photo"): RECORDERS,
    ("conventions_staff.coverage", "GET",
     "/staff/conventions/{convention_id}/coverage"): RECORDERS,
    ("conventions_staff.print_sheet", "GET",
     "/staff/conventions/{convention_id}/print"): RECORDERS,
    ("conventions_staff.persuasions", "GET",
     "/staff/conventions/{convention_id}/persuasions"): RECORDERS,
    ("conventions_staff.persuaders", "GET", "/staff/conventions/persuaders"): ADMINS,
    ("conventions_staff.persuaders", "POST", "/staff/conventions/persuaders"): ADMINS,
    ("conventions_staff.end_persuader", "POST",
     "/staff/conventions/persuaders/{persuader_id}/end"): ADMINS,
    # clearing a resident's self-declared household (found by phone, checked in the service)
    ("conventions_staff.households", "GET", "/staff/conventions/households"): RECORDERS,
    ("conventions_staff.households", "POST", "/staff/conventions/households"): RECORDERS,
}

FUZZ: dict = {
    "conventions.index": "",
    "conventions.detail": "",
    "conventions.sign": "",
    "conventions.household": "next +building +unit +room",
    "conventions.persuade": "+item +place +note",
    "conventions_staff.index": "",
    "conventions_staff.new": "+zone +title +preamble +do_items +dont_items",
    "conventions_staff.detail": "",
    "conventions_staff.amend": "",
    "conventions_staff.adopt": "+how +item +on +minutes",
    "conventions_staff.paper": "+building +unit +room +photo",
    "conventions_staff.paper_photo": "",
    "conventions_staff.coverage": "",
    "conventions_staff.print_sheet": "for",
    "conventions_staff.persuasions": "",
    "conventions_staff.persuaders": "+community +phone",
    "conventions_staff.end_persuader": "",
    "conventions_staff.households": "+phone",
}

OUT_OF_SCOPE: list = [
    ("GET", "/staff/conventions/{convention_id}"),
    ("GET", "/staff/conventions/{convention_id}/amend"),
    ("POST", "/staff/conventions/{convention_id}/amend"),
    ("POST", "/staff/conventions/{convention_id}/versions/{convention_version_id}/adopt"),
    ("GET", "/staff/conventions/{convention_id}/paper"),
    ("POST", "/staff/conventions/{convention_id}/paper"),
    ("GET", "/staff/conventions/signatures/{paper_signature_id}/photo"),
    ("GET", "/staff/conventions/{convention_id}/coverage"),
    ("GET", "/staff/conventions/{convention_id}/print"),
    ("GET", "/staff/conventions/{convention_id}/persuasions"),
    ("POST", "/staff/conventions/persuaders/{persuader_id}/end"),
]
