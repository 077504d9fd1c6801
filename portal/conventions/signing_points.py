"""The optional points rule for signing a convention: the resident whose tap makes their
household's first signature of a convention earns the rule's points, once per household and
once per person per convention (amendments and later versions never credit again, and a
resident whose household changes is not credited again through the new one). Paper
signatures credit nobody: staff typed them in, no resident tapped."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.conventions.models import ConventionVersion, Household, Signature
from portal.extensions import db
from portal.points import ledger
from portal.points.models import LedgerEntry, PointsAccount, PointsRule

#: the rule's code in portal/points/rules.py; seeded switched off
RULE_CODE = "convention_signed"
SOURCE = "convention_signature"


def once_key(convention_id: int, household_id: int) -> str:
    """One credit per household per convention, whatever the version and whoever signs."""
    return f"convention_signed:{convention_id}:{household_id}"


def _person_credited(user_id: int, convention_id: int) -> bool:
    """Whether `user` was credited for a signature of this convention, from any household."""
    return db.session.scalar(
        select(LedgerEntry.id).join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
        .join(Signature, Signature.id == LedgerEntry.source_id)
        .join(ConventionVersion, ConventionVersion.id == Signature.version_id)
        .where(PointsAccount.user_id == user_id, LedgerEntry.source_type == SOURCE,
               ConventionVersion.convention_id == convention_id).limit(1)) is not None


def credit_signing(user, version: ConventionVersion, household: Household,
                   signature: Signature) -> LedgerEntry | None:
    """Credit `user` for their household's signature, if the rule is on and neither the
    household nor the person has been credited for this convention yet."""
    rule = db.session.scalar(select(PointsRule).where(PointsRule.code == RULE_CODE,
                                                      PointsRule.is_active.is_(True)))
    if rule is None or rule.points_tenths <= 0:
        return None
    key = once_key(version.convention_id, household.id)
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.idempotency_key == key)):
        return None
    # The person's row lock serialises two of their signatures (through two households) on
    # PostgreSQL, so the second one sees the first one's credit; the household's credit is
    # once-only through the ledger's unique key.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    if _person_credited(user.id, version.convention_id):
        return None
    try:
        return ledger.post(user.id, rule.points_tenths, kind="earn", key=key,
                           source_type=SOURCE, source_id=signature.id,
                           rule=rule, actor=user,
                           memo=f"以户签署微公约：{version.convention.title}")
    except ledger.LedgerConflict:  # another member of the household was credited meanwhile
        return None
