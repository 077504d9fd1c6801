"""The optional points rule for signing a convention: the resident whose tap makes their
household's first signature of a convention earns the rule's points, once per household per
convention (amendments and later versions never credit again). Paper signatures credit
nobody: staff typed them in, no resident tapped."""

from __future__ import annotations

from sqlalchemy import select

from portal.conventions.models import ConventionVersion, Household, Signature
from portal.extensions import db
from portal.points import ledger
from portal.points.models import LedgerEntry, PointsRule

#: the rule's code in portal/points/rules.py; seeded switched off
RULE_CODE = "convention_signed"


def once_key(convention_id: int, household_id: int) -> str:
    """One credit per household per convention, whatever the version and whoever signs."""
    return f"convention_signed:{convention_id}:{household_id}"


def credit_signing(user, version: ConventionVersion, household: Household,
                   signature: Signature) -> LedgerEntry | None:
    """Credit `user` for their household's signature, if the rule is on and the household has
    not been credited for this convention yet."""
    rule = db.session.scalar(select(PointsRule).where(PointsRule.code == RULE_CODE,
                                                      PointsRule.is_active.is_(True)))
    if rule is None or rule.points_tenths <= 0:
        return None
    key = once_key(version.convention_id, household.id)
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.idempotency_key == key)):
        return None
    try:
        return ledger.post(user.id, rule.points_tenths, kind="earn", key=key,
                           source_type="convention_signature", source_id=signature.id,
                           rule=rule, actor=user,
                           memo=f"以户签署微公约：{version.convention.title}")
    except ledger.LedgerConflict:  # another member of the household was credited meanwhile
        return None
