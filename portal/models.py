"""Imports every model so SQLAlchemy's metadata (and Alembic) see the whole schema."""

from portal.accounts.models import PartyMembership, RoleGrant, ServicePost, User
from portal.accounts.move_models import MoveRequest
from portal.accounts.sessions import LoginSession
from portal.api.models import ApiToken, IdempotentAnswer
from portal.audit import AuditEvent
from portal.cases.apikeys import CaseApiKey
from portal.cases.contact_models import DoorVisit, ReceptionBooking, ReceptionSlot
from portal.cases.models import Case, CaseCategory, CaseEvent, CaseFollower, CaseUnit
from portal.certificates.models import Certificate
from portal.checkin.models import Attendance, AttendanceCorrection, ScanLog
from portal.conventions.models import (
    Convention,
    ConventionVersion,
    Household,
    HouseholdMember,
    Signature,
)
from portal.conventions.persuasion_models import Persuader, Persuasion
from portal.council.meeting_models import (
    AgendaItem,
    Meeting,
    MeetingAttendance,
    TopicProgress,
    Vote,
    VoteLog,
)
from portal.council.models import Body, BodyMember, CouncilSetting
from portal.council.topic_models import Topic, TopicBacker, TopicComment, TopicDraft
from portal.inbox.models import Message
from portal.members.models import MemberCard
from portal.once import FormSubmission
from portal.points.award_models import Award, Objection
from portal.points.models import HoursEntry, LedgerEntry, PointsAccount, PointsRule
from portal.shifts.models import (
    Activity,
    CalendarFeed,
    Shift,
    ShiftPost,
    ShiftTemplate,
    SignUp,
)
from portal.shop.models import (
    Good,
    Redemption,
    RedemptionLine,
    Reservation,
    Shop,
    StockMovement,
)
from portal.teams.models import Team, TeamMember
from portal.wishes.models import Wish, WishEvent, WishPhoto
from portal.zones.models import Zone

__all__ = [
    "ApiToken", "IdempotentAnswer",
    "Body", "BodyMember", "CouncilSetting", "Topic", "TopicBacker", "TopicComment",
    "TopicDraft", "AgendaItem",
    "MeetingAttendance", "Meeting", "Vote", "VoteLog", "TopicProgress", "Convention",
    "ConventionVersion", "Household", "HouseholdMember", "Signature", "Persuader", "Persuasion",
    "Case", "CaseApiKey", "CaseCategory", "CaseEvent", "CaseFollower", "CaseUnit",
    "DoorVisit", "ReceptionBooking", "ReceptionSlot",
    "Reservation", "ServicePost", "Wish", "WishEvent", "WishPhoto",
    "Activity", "Attendance", "AttendanceCorrection", "AuditEvent", "Award", "CalendarFeed",
    "Certificate", "FormSubmission", "Good", "HoursEntry", "LedgerEntry", "MemberCard", "Message",
    "LoginSession", "MoveRequest", "Objection", "PartyMembership",
    "PointsAccount", "PointsRule", "Redemption", "RedemptionLine", "RoleGrant", "ScanLog",
    "Shift", "ShiftPost", "ShiftTemplate", "Shop", "SignUp", "StockMovement", "Team",
    "TeamMember", "User", "Zone",
]
