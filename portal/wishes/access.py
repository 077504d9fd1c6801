"""Who sees what of a wish, and who may act on it: the wish's own access decisions, built on
portal.policy's permissions and trust rules. Views and services only call these.

It reads a wish through its own attributes (has_claimer, is_open, ...), never by importing
models.py, which imports this module for Wish.allowed_actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import policy
from portal.errors import DomainError, NotAllowed
from portal.web.formatting import mask_name

if TYPE_CHECKING:
    from portal.wishes.models import Wish

#: who a viewer is to a wish (role()); TRANSITIONS names them as who may take each step
POSTER, CLAIMER, STAFF, MEMBER, PUBLIC = "poster", "claimer", "staff", "member", "public"
#: the wall's view: a masked name and the grid; no history, no contact, no evidence
WALL_VIEW = frozenset({MEMBER, PUBLIC})


def is_staff_for(user, wish: Wish) -> bool:
    return policy.can(user, "wishes.review", wish.zone)


def _is_verified_member(user) -> bool:
    membership = getattr(user, "party", None)
    return membership is not None and membership.status == "verified"


def role(viewer, wish: Wish) -> str | None:
    """poster | claimer (while claimed or after) | staff over the wish's zone | member or
    public (the wall's view of a published wish; a member is a verified party member, who may
    claim it) — or None: the wish is not theirs to see."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    if wish.poster_id == viewer.id:
        return POSTER
    if wish.claimer_id == viewer.id and wish.has_claimer:
        return CLAIMER
    if is_staff_for(viewer, wish):
        return STAFF
    if wish.is_open:
        return MEMBER if _is_verified_member(viewer) else PUBLIC
    return None


def sees_private(role: str | None) -> bool:
    """Full names, who posted it for whom, the fulfilment and the record of every step."""
    return role is not None and role not in WALL_VIEW


def shows_contact(role: str | None, wish: Wish) -> bool:
    """The poster's phone and address: for the claimer and staff, once there is a claimer."""
    return role in (CLAIMER, STAFF) and wish.has_claimer


def photo_visible(viewer, wish: Wish, name: str) -> bool:
    """The wish's own photo: whoever may see the wish. Evidence: poster, claimer and staff;
    anyone once confirmed, if the poster consented to photos."""
    is_evidence = name.removeprefix("t_") in {p.name for p in wish.evidence}
    if not is_evidence and name.removeprefix("t_") != wish.photo:
        return False
    if wish.is_confirmed and wish.consent_photo:
        return True
    if not getattr(viewer, "is_authenticated", False):
        return False
    if wish.poster_id == viewer.id or wish.claimer_id == viewer.id \
            or is_staff_for(viewer, wish):
        return True
    return not is_evidence and wish.is_open


def poster_label(wish: Wish) -> str:
    """How the publicity page names the recipient: masked, and only with consent."""
    return mask_name(wish.poster.name) if wish.consent_name else _("一位居民")


def claimer_label(wish: Wish) -> str:
    """How the publicity page names the claimer: in full only if they opted in to leaderboards."""
    claimer = wish.claimer
    return claimer.name if claimer.is_on_leaderboard else mask_name(claimer.name)


# ------------------------------------------------------------------ who may act (services)


def check_poster_or_acting_for(actor, wish: Wish) -> None:
    """The poster, or staff over the wish acting for them (never for an equal or higher)."""
    if actor.id == wish.poster_id:
        return
    if not is_staff_for(actor, wish):
        raise NotAllowed()
    policy.check_action_on(actor, "act_for_wish", wish.poster)


def check_signs_off(actor, wish: Wish) -> None:
    """Confirming or sending back: the poster or staff for them, never the claimer."""
    check_poster_or_acting_for(actor, wish)
    if actor.id == wish.claimer_id:  # a staff member who claimed it cannot sign off their own
        raise DomainError("own_claim", _l(
            "不能确认或退回自己认领的心愿，请由发布人或其他工作人员处理。"), 403)


def check_claimer(member, wish: Wish) -> None:
    if wish.claimer_id != member.id:
        raise NotAllowed(_l("这不是您认领的心愿。"))
