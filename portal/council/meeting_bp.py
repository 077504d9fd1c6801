"""The one blueprint of the meeting pages ("council_meetings", no URL prefix: each route gives
its full path), shared by its modules: meeting_views (a member's phone, the public outcome,
the rotating code), meeting_desk (the staff desk, votes and minutes) and body_views (bodies
and their members)."""

from flask import Blueprint

bp = Blueprint("council_meetings", __name__)
#: what the staff pages need over the body's community: keeping bodies and scheduling
#: meetings is the admin's; running one on the day (the desk, the door, votes, paper ballots,
#: the minutes) is any coordinator's or admin's, so a coordinator clerks and the admin confirms
PERMISSION = "council.bodies"
RUN = "council.run"
