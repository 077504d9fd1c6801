"""The wish's state machine, written once (models.TRANSITIONS): what each person's page offers
at each status, and that every service takes exactly the steps the table allows."""

from datetime import timedelta

import pytest

from portal.clock import local_today
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from portal.wishes import services
from portal.wishes.models import STATUSES, TRANSITIONS, Wish

#: what the wish page offered each viewer before the table existed (its status literals),
#: written out by hand: status -> actions. Nobody else may do anything.
POSTER_OR_STAFF = {
    "pending": {"edit", "withdraw"},
    "rejected": {"resubmit", "withdraw"},
    "published": {"withdraw", "consent"},
    "claimed": {"withdraw", "consent"},
    "fulfilled": {"confirm", "send_back", "consent"},
    "confirmed": {"consent"},
    "withdrawn": set(),
}
CLAIMER = {"claimed": {"progress", "fulfil", "release"}}
#: a verified party member on the wall's view of a published wish
MEMBER = {"published": {"claim"}}
#: review happens on the staff queue, not the wish page, but it is a step like the others
REVIEW = {"pending": {"approve", "reject"}}


def _wish(poster, status: str, claimer=None) -> Wish:
    wish = Wish(poster_id=poster.id, created_by_id=poster.id, zone_id=poster.home_zone_id,
                title="想要一辆轮椅", kind="item", value_yuan=280, status=status,
                deadline=local_today(utcnow()) + timedelta(days=30),
                claimer_id=claimer.id if claimer else None, rating=5 if status == "confirmed"
                else None, progress_dt=utcnow() if claimer else None)
    db.session.add(wish)
    db.session.commit()
    return wish


@pytest.mark.parametrize("status", STATUSES)
def test_each_viewer_is_offered_what_the_page_always_offered(status, poster, member, coordinator,
                                                             make_user, tree):
    # a wish has had a claimer from its claim on (withdrawing a claimed wish keeps them)
    had_claimer = status in ("claimed", "fulfilled", "confirmed", "withdrawn")
    wish = _wish(poster, status, claimer=member if had_claimer else None)
    viewers = {
        "poster": (poster, POSTER_OR_STAFF[status]),
        "staff": (coordinator, POSTER_OR_STAFF[status] | REVIEW.get(status, set())),
        # before a claim, the member who will claim it is any other member
        "claimer": (member, CLAIMER.get(status, set()) if had_claimer
                    else MEMBER.get(status, set())),
        "member": (make_user(party="verified"), MEMBER.get(status, set())),
        "resident": (make_user(), set()),
        "pending member": (make_user(party="pending"), set()),
        "staff elsewhere": (make_user("coordinator", zone=tree.dongmei), set()),
    }
    for name, (viewer, expected) in viewers.items():
        assert wish.allowed_actions(viewer) == expected, (name, status)


def test_a_staff_member_who_claimed_a_wish_is_offered_only_the_claimers_steps(
        poster, make_user, tree):
    both = make_user("coordinator", zone=tree.xinan, party="verified")
    wish = _wish(poster, "fulfilled", claimer=both)
    assert wish.allowed_actions(both) == set()  # confirming one's own claim is refused
    assert _wish(poster, "claimed", claimer=both).allowed_actions(both) == CLAIMER["claimed"]


def test_staff_who_posted_a_wish_for_themselves_are_offered_no_review(make_user, tree):
    both = make_user("coordinator", zone=tree.xinan)
    assert _wish(both, "pending").allowed_actions(both) == POSTER_OR_STAFF["pending"]


@pytest.mark.parametrize("action", sorted(set(TRANSITIONS) - {"auto_release"}))
def test_every_service_takes_exactly_the_steps_the_table_allows(action, poster, member,
                                                                coordinator, make_user):
    """For each status: the step goes through when the table lists the status, and is
    refused with the service's own code otherwise."""
    other = make_user(party="verified")
    today = local_today(utcnow())
    calls = {
        "edit": (lambda w: services.edit_wish(
            poster, w, title="想要一辆折叠轮椅", description="", kind="item", value_yuan=280,
            deadline=today + timedelta(days=10), consent_name=False, consent_photo=False),
            {"not_editable"}),
        "approve": (lambda w: services.review(coordinator, w, approve=True), {"not_pending"}),
        "reject": (lambda w: services.review(coordinator, w, approve=False, note="写清楚些"),
                   {"not_pending"}),
        "withdraw": (lambda w: services.withdraw(poster, w), {"not_withdrawable"}),
        "consent": (lambda w: services.set_consent(poster, w, consent_name=True,
                                                   consent_photo=True), set()),
        "claim": (lambda w: services.claim(other, w), {"already_claimed", "not_open"}),
        "release": (lambda w: services.release(member, w, "临时出差"), {"not_claimed"}),
        "progress": (lambda w: services.add_progress(member, w, "已经电话联系"),
                     {"not_claimed"}),
        "fulfil": (lambda w: services.fulfil(member, w, "轮椅已送到"), {"not_claimed"}),
        "confirm": (lambda w: services.confirm(poster, w, 5),
                    {"already_confirmed", "not_fulfilled"}),
        "send_back": (lambda w: services.send_back(poster, w, "还没送到"), {"not_fulfilled"}),
    }
    calls["resubmit"] = calls["edit"]
    call, refusals = calls[action]
    # edit_wish takes both edit (pending) and resubmit (rejected); set_consent takes any
    # status (the poster may change consent at any time; the page offers it once the edit
    # form, which carries the same boxes, is closed)
    takes = {"edit": TRANSITIONS["edit"].frm | TRANSITIONS["resubmit"].frm,
             "resubmit": TRANSITIONS["edit"].frm | TRANSITIONS["resubmit"].frm,
             "consent": set(STATUSES)}.get(action, TRANSITIONS[action].frm)
    for status in STATUSES:
        wish = _wish(poster, status, claimer=member)
        try:
            call(wish)
        except DomainError as refused:
            assert status not in takes and refused.code in refusals, (status, refused.code)
        else:
            assert status in takes, status
            assert wish.status == (TRANSITIONS[action].to or status), status
        db.session.rollback()
