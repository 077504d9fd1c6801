"""The optional convention_signed rule on PostgreSQL: ten members of one household signing at
once make one signature and at most one credit."""

from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.conventions import services
from portal.conventions.models import ConventionVersion, Signature
from portal.extensions import db
from portal.points.models import LedgerEntry, PointsRule
from portal.points.rules import seed_default_rules
from tests.conftest import pg_only, run_concurrently

ITEMS = [{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"}]


@pg_only
def test_ten_members_signing_at_once_make_one_signature_and_one_credit(app, make_user, tree):
    seed_default_rules()
    db.session.scalar(select(PointsRule).where(PointsRule.code == "convention_signed")) \
        .is_active = True
    admin = make_user("admin", zone=tree.xinan)
    convention = services.create(admin, tree.xinan, title="居民公约", preamble="", items=ITEMS)
    version = convention.versions[0]
    services.adopt(admin, version, on=date(2026, 11, 20), minutes="居民会议通过。")
    people = []
    for _ in range(10):
        person = make_user(home=tree.xinan_building)
        services.join_household(person, tree.xinan_building, "1", "602")
        people.append(person.id)
    db.session.commit()
    version_id = version.id
    results = run_concurrently(app, 10, lambda i: services.sign(
        db.session.get(User, people[i]), db.session.get(ConventionVersion, version_id))[1])
    assert results.count(True) == 1 and results.count(False) == 9, results
    assert db.session.scalar(select(func.count(Signature.id))) == 1
    entries = db.session.scalars(select(LedgerEntry)).all()
    assert len(entries) == 1 and entries[0].amount_tenths == 10
    signer = db.session.scalar(select(Signature.user_id))
    assert entries[0].account.user_id == signer


@pg_only
def test_one_person_credited_through_two_households_at_once_is_credited_once(app, make_user,
                                                                           tree):
    """A resident whose household changed between two signatures (the old one still being
    credited when the new one signs): the person's row lock lets only one credit through."""
    from portal.conventions.models import Household
    from portal.conventions.signing_points import credit_signing

    seed_default_rules()
    db.session.scalar(select(PointsRule).where(PointsRule.code == "convention_signed")) \
        .is_active = True
    admin = make_user("admin", zone=tree.xinan)
    convention = services.create(admin, tree.xinan, title="居民公约", preamble="", items=ITEMS)
    version = convention.versions[0]
    services.adopt(admin, version, on=date(2026, 11, 20), minutes="居民会议通过。")
    hopper = make_user(home=tree.xinan_building)
    pairs = []
    for room in ("701", "702"):
        home = services.find_or_make_household(tree.xinan_building, "1", room)
        signature, _made = services._insert(version, home, user_id=hopper.id)
        pairs.append((home.id, signature.id))
    db.session.commit()
    ids = (hopper.id, version.id)
    results = run_concurrently(app, 2, lambda i: credit_signing(
        db.session.get(User, ids[0]), db.session.get(ConventionVersion, ids[1]),
        db.session.get(Household, pairs[i][0]), db.session.get(Signature, pairs[i][1]))
        is not None)
    assert sorted(results) == [False, True], results
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 1
