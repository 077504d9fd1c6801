"""Rows for tests/test_access.py and tests/test_fuzz.py: the public signing key and the
service worker."""

from tests.access_roles import EVERYONE

ACCESS: dict = {
    ("offline.public_keys", "GET", "/offline/keys.json"): EVERYONE,
    ("offline.worker", "GET", "/offline/sw.js"): EVERYONE,
}

OUT_OF_SCOPE: list = []

FUZZ: dict = {
    "offline.public_keys": "",
    "offline.worker": "",
}
