"""Rows for tests/test_access.py (ACCESS, OUT_OF_SCOPE) and tests/test_fuzz.py (FUZZ) for the
志愿服务记录证明 pages. The certificate belongs to a resident of the target building."""

from tests.access_roles import ADMINS, EVERYONE, LOGGED_IN, STAFF

#: certificates.unrecorded: coordinators and admins (the art. 11 list)
UNRECORDED_STAFF = {"coordinator", "admin", "superadmin"}

ACCESS: dict = {
    ("certificates.mine", "GET", "/certificates/"): LOGGED_IN,
    ("certificates.new", "GET", "/certificates/new"): LOGGED_IN,
    ("certificates.new", "POST", "/certificates/new"): LOGGED_IN,
    # the holder, or staff who may issue for them
    ("certificates.show", "GET", "/certificates/{certificate_id}"): STAFF,
    ("certificates.pdf_file", "GET", "/certificates/{certificate_id}.pdf"): STAFF,
    # public: anyone who scans the QR
    ("certificates.verify", "GET", "/v/{certificate_number}"): EVERYONE,
    ("certificates_staff.index", "GET", "/staff/certificates/"): STAFF,
    ("certificates_staff.new", "GET", "/staff/certificates/new"): STAFF,
    ("certificates_staff.new", "POST", "/staff/certificates/new"): STAFF,
    ("certificates_staff.revoke", "GET", "/staff/certificates/{certificate_id}/revoke"): ADMINS,
    ("certificates_staff.revoke", "POST", "/staff/certificates/{certificate_id}/revoke"):
        ADMINS,
    ("certificates_staff.unrecorded_list", "GET", "/staff/certificates/unrecorded"):
        UNRECORDED_STAFF,
}

FUZZ: dict = {
    "certificates.mine": "",
    "certificates.new": "+period +year +first +last +id_number",
    "certificates.show": "",
    "certificates.pdf_file": "",
    "certificates.verify": "",
    "certificates_staff.index": "",
    "certificates_staff.new": "+phone +period +year +first +last +id_number",
    "certificates_staff.revoke": "+reason",
    "certificates_staff.unrecorded_list": "",
}

OUT_OF_SCOPE: list = [
    ("GET", "/certificates/{certificate_id}"),
    ("GET", "/certificates/{certificate_id}.pdf"),
    ("GET", "/staff/certificates/{certificate_id}/revoke"),
    ("POST", "/staff/certificates/{certificate_id}/revoke"),
]
