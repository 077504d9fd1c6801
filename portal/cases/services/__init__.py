"""四单办结's services, one module per stage: filing (提单), handling (派单、办单), rating
(评单、回访), escalation (the scheduled command), categories (the admin's settings), and
contacts (社区工作日 receptions and door visits, where matters are heard in person).
They flush, never commit: the request (or the command) commits once."""

from portal.cases.services.categories import save_category, save_unit, seed_categories
from portal.cases.services.contacts import (
    book,
    cancel_booking,
    cancel_slot,
    log_visit,
    places_taken,
    receive,
    save_slot,
)
from portal.cases.services.escalation import escalate
from portal.cases.services.filing import file_case, join, similar_open, withdraw
from portal.cases.services.handling import (
    accept,
    claim,
    decline,
    dispatch,
    extend,
    hand_back,
    joint_decision,
    progress,
    resolve,
    send_to_pool,
    transfer,
)
from portal.cases.services.rating import close_unrated, rate, revisit

__all__ = [
    "accept", "book", "cancel_booking", "cancel_slot", "claim", "log_visit", "places_taken",
    "receive",
    "save_slot", "close_unrated", "decline", "dispatch", "escalate", "extend",
    "file_case", "hand_back", "join", "joint_decision", "progress", "rate", "resolve",
    "revisit", "save_category", "save_unit", "seed_categories", "send_to_pool",
    "similar_open", "transfer", "withdraw",
]
