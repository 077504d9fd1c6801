"""微心愿 rules, called directly: posting, review, claiming, fulfilment, confirmation."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.clock import local, local_today
from portal.errors import NotAllowed
from portal.extensions import db
from portal.inbox.models import Message
from portal.points import ledger
from portal.points.models import LedgerEntry
from portal.points.rules import seed_default_rules
from portal.types import utcnow
from portal.wishes import services
from portal.wishes.models import Wish, WishEvent
from tests.conftest import pg_only, run_concurrently
from tests.helpers import code_of


def kinds(wish) -> list[str]:
    return [e.kind for e in db.session.scalars(
        select(WishEvent).where(WishEvent.wish_id == wish.id).order_by(WishEvent.id))]


def messages(user, kind) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(Message.user_id == user.id,
                                                                  Message.kind == kind))


def test_posting_validates_and_waits_for_review(poster, make_wish):
    today = local_today(utcnow())
    good = {"title": "想要一辆轮椅", "description": "", "kind": "item", "value_yuan": 280,
            "deadline": today + timedelta(days=10)}
    for change, code in [({"title": "轮"}, "bad_title"), ({"kind": "money"}, "bad_kind"),
                         ({"value_yuan": 301}, "bad_value"), ({"value_yuan": -1}, "bad_value"),
                         ({"deadline": today - timedelta(days=1)}, "bad_deadline"),
                         ({"deadline": today + timedelta(days=400)}, "bad_deadline")]:
        assert code_of(services.post_wish, poster, poster, **{**good, **change}) == code
    assert db.session.scalar(select(func.count(Wish.id))) == 0
    wish = make_wish(published=False)
    assert wish.status == "pending" and wish.created_by_id == poster.id


def test_staff_post_on_behalf_and_the_record_shows_who(coordinator, poster, make_user, tree):
    wish = services.post_wish(coordinator, poster, title="帮忙修水龙头", description="厨房漏水",
                              kind="service", value_yuan=0,
                              deadline=local_today(utcnow()) + timedelta(days=7))
    db.session.commit()
    assert (wish.poster_id, wish.created_by_id) == (poster.id, coordinator.id)
    assert "代为发布" in db.session.scalar(select(WishEvent.note))
    outsider = make_user("coordinator", zone=tree.dongmei)
    with pytest.raises(NotAllowed):
        services.post_wish(outsider, poster, title="越权代发", description="", kind="item",
                           value_yuan=0, deadline=local_today(utcnow()))
    with pytest.raises(NotAllowed):
        services.post_wish(make_user(), poster, title="居民代发", description="", kind="item",
                           value_yuan=0, deadline=local_today(utcnow()))


def test_rejection_needs_a_reason_then_edit_and_resubmit(coordinator, poster, make_wish):
    wish = make_wish(published=False)
    assert code_of(services.review, coordinator, wish, approve=False) == "needs_reason"
    services.review(coordinator, wish, approve=False, note="请写清楚需要哪种轮椅")
    db.session.commit()
    assert wish.status == "rejected" and messages(poster, "wish.rejected") == 1
    services.edit_wish(poster, wish, title="想要一辆折叠轮椅", description="手动折叠的就行",
                       kind="item", value_yuan=250, deadline=wish.deadline, consent_name=True,
                       consent_photo=False)
    db.session.commit()
    assert wish.status == "pending"
    services.review(coordinator, wish, approve=True)
    db.session.commit()
    assert code_of(services.review, coordinator, wish, approve=True) == "not_pending"
    assert kinds(wish) == ["posted", "rejected", "resubmitted", "approved"]


def test_who_may_claim(make_wish, make_user, member, poster):
    wish = make_wish()
    assert code_of(services.claim, make_user(), wish) == "not_party_member"
    assert code_of(services.claim, make_user(party="pending"), wish) == "not_verified"
    assert code_of(services.claim, make_user(party="rejected"), wish) == "not_verified"
    unpublished = make_wish(published=False, title="还在审核的心愿")
    assert code_of(services.claim, member, unpublished) == "not_open"
    mine = make_wish(poster=member, title="党员自己的心愿")
    assert code_of(services.claim, member, mine) == "own_wish"
    services.claim(member, wish)
    db.session.commit()
    assert code_of(services.claim, make_user(party="verified"), wish) == "already_claimed"
    assert messages(poster, "wish.claimed") == 1


def test_at_most_three_open_claims(make_wish, member):
    wishes = [make_wish(title=f"心愿 {i}") for i in range(4)]
    for wish in wishes[:3]:
        services.claim(member, wish)
    db.session.commit()
    assert code_of(services.claim, member, wishes[3]) == "too_many_claims"
    services.fulfil(member, db.session.get(Wish, wishes[0].id), "已经送到家里")
    db.session.commit()
    services.claim(member, db.session.get(Wish, wishes[3].id))  # a fulfilled one frees a place


def test_release_returns_the_wish_and_tells_the_poster(make_wish, member, poster, make_user):
    wish = make_wish()
    services.claim(member, wish)
    db.session.commit()
    assert code_of(services.release, member, wish, "") == "needs_reason"
    with pytest.raises(NotAllowed):
        services.release(make_user(party="verified"), wish, "不是我的")
    services.release(member, wish, "单位临时出差")
    db.session.commit()
    assert (wish.status, wish.claimer_id) == ("published", None)
    assert messages(poster, "wish.released") == 1


def test_stale_claims_are_released_once_and_both_sides_told(make_wish, member, poster):
    wish = make_wish()
    fresh = make_wish(title="另一个心愿")
    services.claim(member, wish, now=utcnow() - timedelta(days=15))
    services.claim(member, fresh, now=utcnow() - timedelta(days=15))
    services.add_progress(member, fresh, "已经电话联系，周六送过去",
                          now=utcnow() - timedelta(days=2))
    db.session.commit()
    assert services.release_stale() == 1
    db.session.commit()
    assert services.release_stale() == 0
    db.session.commit()
    assert db.session.get(Wish, wish.id).status == "published"
    assert db.session.get(Wish, fresh.id).status == "claimed"
    assert messages(member, "wish.auto_released") == 1
    assert messages(poster, "wish.auto_released") == 1


def test_a_claim_nearing_release_reminds_its_claimer_once(make_wish, member, poster):
    """WISH_STALE_WARN_DAYS (3) before the 14-day release, the claimer is told the date; a
    rerun sends nothing new, and progress starts a fresh period with a fresh reminder."""
    now = utcnow()
    near = make_wish(title="想要一辆轮椅")
    early = make_wish(title="帮忙换灯泡")
    overdue = make_wish(title="陪同去医院")
    services.claim(member, near, now=now - timedelta(days=12))
    services.claim(member, early, now=now - timedelta(days=10))
    services.claim(member, overdue, now=now - timedelta(days=15))
    db.session.commit()
    assert services.warn_stale(now) == 1
    db.session.commit()
    assert services.warn_stale(now) == 0
    db.session.commit()
    reminder = db.session.scalar(select(Message).where(Message.user_id == member.id,
                                                       Message.kind == "wish.stale_warning"))
    due = local(near.progress_dt + timedelta(days=14))
    assert reminder.title == "认领即将自动释放：想要一辆轮椅"
    assert f"{due.month}月{due.day}日" in reminder.body and reminder.link == f"/wishes/{near.id}"
    assert messages(poster, "wish.stale_warning") == 0  # the resident is not alarmed

    services.add_progress(member, near, "已经电话联系，周六送过去", now=now)
    db.session.commit()
    assert services.warn_stale(now) == 0  # progress keeps the claim alive
    assert services.warn_stale(now + timedelta(days=2)) == 1  # early, now 12 days quiet
    db.session.commit()
    assert services.warn_stale(now + timedelta(days=12)) == 1  # near's new quiet period
    db.session.commit()
    assert messages(member, "wish.stale_warning") == 3
    assert db.session.get(Wish, near.id).status == "claimed"  # a reminder releases nothing


def test_stale_reminders_can_be_turned_off(app, make_wish, member, monkeypatch):
    services.claim(member, make_wish(), now=utcnow() - timedelta(days=12))
    db.session.commit()
    monkeypatch.setitem(app.config, "WISH_STALE_WARN_DAYS", 0)
    assert services.warn_stale() == 0


def test_remind_stale_claims_command(app, make_wish, member):
    services.claim(member, make_wish(), now=utcnow() - timedelta(days=12))
    db.session.commit()
    runner = app.test_cli_runner()
    assert "claim reminders sent: 1" in runner.invoke(args=["remind-stale-claims"]).output
    assert "claim reminders sent: 0" in runner.invoke(args=["remind-stale-claims"]).output


def test_fulfil_confirm_credits_once_and_send_back(make_wish, member, poster, coordinator,
                                                   make_user):
    seed_default_rules()
    wish = make_wish()
    services.claim(member, wish)
    db.session.commit()
    assert code_of(services.confirm, poster, wish, 5) == "not_fulfilled"
    assert code_of(services.fulfil, member, wish, "") == "bad_note"
    services.fulfil(member, wish, "轮椅已送到，教会了使用", ["e1.jpg"])
    db.session.commit()
    assert code_of(services.claim, make_user(party="verified"), wish) == "already_claimed"
    assert code_of(services.send_back, poster, wish, "") == "needs_reason"
    services.send_back(poster, wish, "轮椅刹车坏了")
    db.session.commit()
    assert wish.status == "claimed" and messages(member, "wish.sent_back") == 1
    services.fulfil(member, wish, "换了一辆新的")
    db.session.commit()
    assert code_of(services.confirm, poster, wish, 6) == "bad_rating"
    with pytest.raises(NotAllowed):
        services.confirm(member, wish, 5)
    services.confirm(coordinator, wish, 5, "谢谢李书记")  # staff, for the poster
    db.session.commit()
    assert wish.status == "confirmed" and wish.rating == 5
    assert ledger.balance_of(member.id) == 20
    assert code_of(services.confirm, poster, wish, 5) == "already_confirmed"
    assert ledger.balance_of(member.id) == 20 and ledger.verify_balances() == []
    assert code_of(services.withdraw, poster, wish) == "not_withdrawable"
    assert kinds(wish) == ["posted", "approved", "claimed", "fulfilled", "sent_back",
                           "fulfilled", "confirmed"]


def test_no_points_without_an_active_rule(make_wish, member, poster):
    wish = make_wish()
    services.claim(member, wish)
    services.fulfil(member, wish, "已经办好")
    services.confirm(poster, wish, 4)
    db.session.commit()
    assert ledger.balance_of(member.id) == 0


def test_withdraw_a_claimed_wish_tells_the_claimer(make_wish, member, poster, make_user):
    wish = make_wish()
    services.claim(member, wish)
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.withdraw(make_user(), wish)
    services.withdraw(poster, wish, "家里人已经买了")
    db.session.commit()
    assert wish.status == "withdrawn" and messages(member, "wish.withdrawn") == 1


def test_release_stale_claims_command(app, make_wish, member):
    services.claim(member, make_wish(), now=utcnow() - timedelta(days=30))
    db.session.commit()
    runner = app.test_cli_runner()
    assert "claims released: 1" in runner.invoke(args=["release-stale-claims"]).output
    assert "claims released: 0" in runner.invoke(args=["release-stale-claims"]).output


@pg_only
def test_20_party_members_claiming_one_wish_make_one_claim(app, make_wish, make_user):
    wish_id = make_wish().id
    members = [make_user(party="verified").id for _ in range(20)]
    results = run_concurrently(app, 20, lambda i: services.claim(
        db.session.get(User, members[i]), db.session.get(Wish, wish_id)).status)
    assert results.count("claimed") == 1 and results.count("already_claimed") == 19, results
    db.session.rollback()
    wish = db.session.get(Wish, wish_id)
    assert wish.claimer_id == members[results.index("claimed")]
    assert db.session.scalar(select(func.count(WishEvent.id)).where(
        WishEvent.kind == "claimed")) == 1


@pg_only
def test_one_member_racing_for_five_wishes_holds_at_most_three(app, make_wish, member):
    wish_ids = [make_wish(title=f"心愿 {i}").id for i in range(5)]
    member_id = member.id
    results = run_concurrently(app, 5, lambda i: services.claim(
        db.session.get(User, member_id), db.session.get(Wish, wish_ids[i])).status)
    assert results.count("claimed") == 3 and results.count("too_many_claims") == 2, results
    assert services.open_claims(member_id) == 3


@pg_only
def test_concurrent_confirmations_credit_once(app, make_wish, member, poster):
    seed_default_rules()
    wish = make_wish()
    services.claim(member, wish)
    services.fulfil(member, wish, "已经送到")
    db.session.commit()
    wish_id, poster_id = wish.id, poster.id
    results = run_concurrently(app, 10, lambda i: services.confirm(
        db.session.get(User, poster_id), db.session.get(Wish, wish_id), 5).status)
    assert results.count("confirmed") == 1 and results.count("already_confirmed") == 9, results
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.source_type == "wish")) == 1


@pg_only
def test_overlapping_reminder_runs_send_one_reminder(app, make_wish, member):
    """Two cron hosts, or a rerun that overlaps the first: still one reminder per claim."""
    services.claim(member, make_wish(), now=utcnow() - timedelta(days=12))
    db.session.commit()
    results = run_concurrently(app, 8, lambda i: services.warn_stale())
    assert sorted(results) == [0] * 7 + [1], results
    assert messages(member, "wish.stale_warning") == 1


def test_a_staff_member_cannot_sign_off_their_own_claim(make_wish, make_user, tree, poster):
    """A coordinator who is also a verified party member claims and fulfils a wish: the
    resident (or another staff member) confirms it, never the claimer, so no points without
    the resident."""
    seed_default_rules()
    both = make_user("coordinator", zone=tree.xinan, party="verified")
    wish = make_wish()
    services.claim(both, wish)
    services.fulfil(both, wish, "轮椅已送到")
    db.session.commit()
    assert code_of(services.confirm, both, wish, 5) == "own_claim"
    assert code_of(services.send_back, both, wish, "再看看") == "own_claim"
    assert wish.status == "fulfilled" and ledger.balance_of(both.id) == 0
    services.confirm(poster, wish, 5)
    db.session.commit()
    assert ledger.balance_of(both.id) == 20


def test_an_edit_racing_a_review_is_refused_not_published_unreviewed(make_wish, coordinator,
                                                                      poster):
    wish = make_wish(published=False)
    assert wish.status == "pending"  # what the poster's edit request read
    db.session.execute(Wish.__table__.update().where(Wish.id == wish.id).values(
        status="published", reviewed_by_id=coordinator.id))  # staff approve it meanwhile
    db.session.commit()
    set_committed_value(wish, "status", "pending")  # the poster's request still holds that
    assert code_of(services.edit_wish, poster, wish, title="想要一辆电动轮椅",
                   description="改成电动的", kind="item", value_yuan=280,
                   deadline=wish.deadline, consent_name=True, consent_photo=False) == \
        "not_editable"
    db.session.expire(wish)
    assert (wish.status, wish.title) == ("published", "想要一辆轮椅")


def test_a_withdrawal_tells_a_claimer_who_claimed_a_moment_before(make_wish, member, poster):
    wish = make_wish()
    assert wish.claimer_id is None  # what the poster's request read
    db.session.execute(Wish.__table__.update().where(Wish.id == wish.id).values(
        status="claimed", claimer_id=member.id, claimed_dt=utcnow()))  # a claim lands
    services.withdraw(poster, wish, "家里人已经买了")
    db.session.commit()
    assert wish.status == "withdrawn" and messages(member, "wish.withdrawn") == 1


def test_smaller_rules_past_deadline_photos_and_who_is_told(make_wish, member, poster):
    wish = make_wish()
    later = utcnow() + timedelta(days=31)  # the deadline was 30 days out
    assert code_of(services.claim, member, wish, now=later) == "past_deadline"
    services.claim(member, wish)
    db.session.commit()
    assert messages(poster, "wish.claimed") == 1
    assert code_of(services.fulfil, member, wish, "送到了", [f"p{i}.jpg" for i in range(7)]) \
        == "too_many_photos"
    services.fulfil(member, wish, "送到了", [f"p{i}.jpg" for i in range(6)])
    db.session.commit()
    assert messages(poster, "wish.fulfilled") == 1
    services.confirm(poster, wish, 4)
    db.session.commit()
    assert messages(member, "wish.confirmed") == 1


def test_rankings_count_confirmed_wishes_only_and_members_who_opted_in(make_wish, member,
                                                                       poster, make_user):
    from portal.wishes import queries

    done, claimed = make_wish(), make_wish(title="想学用智能手机")
    services.claim(member, done)
    services.fulfil(member, done, "送到了")
    services.confirm(poster, done, 5)
    services.claim(make_user(party="verified"), claimed)  # a claim alone never ranks
    db.session.commit()
    units, members = queries.rankings()
    assert [(u.work_unit, u.n) for u in units] == [("东川区税务局", 1)] and members == []
    member.is_on_leaderboard = True
    db.session.commit()
    assert [(m.name, m.n) for m in queries.rankings()[1]] == [("李建国", 1)]
