"""The roles tests/test_access.py logs in as, and the sets of them its tables name."""

ROLES = ["anonymous", "resident", "party_member", "coordinator", "clerk", "admin", "superadmin"]
EVERYONE = set(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
STAFF = {"coordinator", "clerk", "admin", "superadmin"}
ADMINS = {"admin", "superadmin"}
AWARDERS = {"coordinator", "admin", "superadmin"}
SHIFT_STAFF = {"coordinator", "admin", "superadmin"}
SHOP_STAFF = {"clerk", "admin", "superadmin"}
WISH_STAFF = {"coordinator", "admin", "superadmin"}
#: 四单办结: staff who see matters (grid workers are coordinators), and who dispatch them
CASE_STAFF = {"coordinator", "admin", "superadmin"}
DISPATCHERS = ADMINS
#: 微议事: staff who run a meeting on the day (council.run): the desk, the door, the votes
MEETING_STAFF = {"coordinator", "admin", "superadmin"}
