"""微心愿 rules, one module per job; this package lists the verbs the rest of the portal calls
(`from portal.wishes import services; services.claim(...)`). Services flush, never commit;
every refusal is a DomainError. A wish moves only along models.TRANSITIONS, each step a
guarded UPDATE (steps.take), so of two racing writers exactly one moves it and the other
re-reads and gets a clear message.

    posting.py   post (or for a resident), review, edit/resubmit, withdraw, consent
    claims.py    claim, progress, release, fulfil, confirm (credits once), send back
    stale.py     the quiet-claim reminder and release (crons)
    steps.py     the guarded step, the event it leaves, the link messages carry
"""

from portal.wishes.services.claims import (
    add_progress,
    claim,
    confirm,
    fulfil,
    open_claims,
    release,
    send_back,
)
from portal.wishes.services.posting import (
    edit_wish,
    post_wish,
    review,
    set_consent,
    withdraw,
)
from portal.wishes.services.stale import release_stale, stale_release_dt, warn_stale

__all__ = [
    "add_progress", "claim", "confirm", "edit_wish", "fulfil", "open_claims", "post_wish",
    "release", "release_stale", "review", "send_back", "set_consent", "stale_release_dt",
    "warn_stale", "withdraw",
]
