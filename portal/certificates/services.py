"""Issuing, revoking and verifying 志愿服务记录证明. Free (art. 14); a resident asks for their
own, staff issue one for a resident in their scope (rank, never for themselves)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, policy
from portal.certificates import codes, records
from portal.certificates.models import Certificate
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import FIRST_DAY, LAST_DAY
from portal.types import utcnow
from portal.zones.services import community_of

log = logging.getLogger(__name__)


def period_of(kind: str, year: int | None = None, first: date | None = None,
              last: date | None = None) -> records.Period:
    """The period a resident chose, checked: all time, a calendar year, or a date range."""
    if kind == "all":
        return records.Period("all")
    if kind == "year":
        if year is None or not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise DomainError("bad_year", _l("请选择 2000 年到 2099 年之间的年份。"))
        return records.Period("year", date(year, 1, 1), date(year, 12, 31))
    if kind == "range":
        if first is None or last is None:
            raise DomainError("range_missing", _l("请填写开始日期和结束日期。"))
        if first > last:
            raise DomainError("range_reversed", _l("开始日期不能晚于结束日期。"))
        return records.Period("range", first, last)
    raise DomainError("bad_period", _l("请选择证明的时间范围。"))


def period_of_certificate(certificate: Certificate) -> records.Period:
    return records.Period(certificate.period, certificate.first_day, certificate.last_day)


def _checked_id_number(id_number: str | None) -> str | None:
    value = (id_number or "").strip().upper()
    if not value:
        return None
    if not codes.id_number_valid(value):
        raise DomainError("bad_id_number", _l(
            "身份证号码不正确：请填写 18 位号码（最后一位可能是 X），或者不填。"))
    return value


def _issue(actor, holder, period: records.Period, id_number: str | None) -> Certificate:
    community = community_of(holder.home_zone)
    if community is None:
        raise DomainError("no_community", _l("您的住址不在任何社区内，无法出具证明。"))
    rows = records.services(holder.id, period)
    minutes = sum(s.minutes for s in rows)
    if minutes <= 0:
        raise DomainError("no_hours", _l("这段时间内没有已记录的志愿时长，无法出具证明。"))
    certificate = Certificate(
        user_id=holder.id, community_id=community.id, period=period.kind,
        first_day=period.first, last_day=period.last, minutes=minutes,
        content=records.content_of(rows), id_number=_checked_id_number(id_number),
        issuer_id=actor.id, issued_dt=utcnow())
    for _attempt in range(3):  # 2^80 numbers: a clash is a test's bad luck, not a real event
        certificate.number = codes.new_number()
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
            break
        except IntegrityError:
            continue
    audit.record(actor, "certificate.issue", certificate,
                 f"出具志愿服务记录证明 {certificate.number}（{holder.name}，{minutes} 分钟）",
                 zone=community)
    return certificate


def request_own(resident, period: records.Period, id_number: str | None = None) -> Certificate:
    """我的 → 志愿时长 → 开具证明: the resident issues their own, from their own record."""
    return _issue(resident, resident, period, id_number)


def issue_for(actor, holder, period: records.Period, id_number: str | None = None
              ) -> Certificate:
    """Staff issue one for a resident in their scope; never for themselves."""
    policy.check_not_beneficiary(actor, holder.id, _l(
        "不能为自己出具证明：请在“我的 → 志愿时长”里自己申请，或请另一位工作人员办理。"))
    policy.check_action_on(actor, "issue_certificate", holder)
    return _issue(actor, holder, period, id_number)


def revoke(actor, certificate: Certificate, reason: str) -> Certificate:
    """Staff over the holder revoke with a reason; verification then says so."""
    policy.check_not_beneficiary(actor, certificate.user_id)
    policy.check_action_on(actor, "revoke_certificate", certificate.user)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _l("请写明撤销原因。"))
    if certificate.is_revoked:
        raise DomainError("already_revoked", _l("这份证明已经撤销。"))
    certificate.revoked_dt, certificate.revoked_by_id = utcnow(), actor.id
    certificate.revoke_reason = reason[:200]
    db.session.flush()
    audit.record(actor, "certificate.revoke", certificate,
                 f"撤销志愿服务记录证明 {certificate.number}：{reason}"[:255],
                 zone=certificate.community)
    return certificate


def by_number(text: str | None) -> Certificate | None:
    number = codes.normalize(text)
    if number is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


@dataclass(frozen=True)
class Verdict:
    """What /v/<number> says: genuine, revoked, or genuine but with hours since reversed."""

    certificate: Certificate | None
    #: credited minutes in the period today
    current_minutes: int = 0

    @property
    def genuine(self) -> bool:
        return self.certificate is not None

    @property
    def reversed_minutes(self) -> int:
        if self.certificate is None:
            return 0
        return max(self.certificate.minutes - self.current_minutes, 0)

    @property
    def status(self) -> str:
        if self.certificate is None:
            return "unknown"
        if self.certificate.is_revoked:
            return "revoked"
        return "reversed" if self.reversed_minutes else "valid"


def verify(text: str | None, remote: str = "") -> Verdict:
    """The public check. An unknown or malformed number is logged (a forgery, a typo, or
    someone guessing) and answers "not genuine", revealing nothing."""
    certificate = by_number(text)
    if certificate is None:
        log.warning("certificate verification failed: %r from %s", (text or "")[:40], remote)
        return Verdict(None)
    return Verdict(certificate, records.period_minutes(
        certificate.user_id, period_of_certificate(certificate)))


def of_user(user_id: int) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id)
        .order_by(Certificate.id.desc())))
