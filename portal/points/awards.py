"""Manual awards: record, approve (a second person above the threshold), notice, objections."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, policy
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.points import ledger
from portal.points.amounts import format_points, parse_points
from portal.points.award_models import Award, Objection
from portal.points.models import PointsRule
from portal.types import utcnow
from portal.web.formatting import mask_name


def approval_threshold_tenths() -> int:
    return parse_points(current_app.config["AWARD_APPROVAL_THRESHOLD"])


def _locked(award: Award) -> Award:
    """Re-read the award under a row lock, so two approvals cannot both pass the check."""
    return db.session.scalar(
        select(Award).where(Award.id == award.id).with_for_update().execution_options(
            populate_existing=True))


def _post(award: Award, actor) -> None:
    entry = ledger.earn(award.recipient_id, award.points_tenths, source_type="award",
                        source_id=award.id, rule=award.rule, actor=actor,
                        memo=f"积分奖励：{award.reason}")
    now = utcnow()
    award.status = "posted"
    award.entry_id = entry.id
    award.posted_dt = now
    award.notice_until_dt = now + timedelta(days=current_app.config["AWARD_NOTICE_DAYS"])


def record_award(actor, recipient, *, rule: PointsRule | None = None, points: str = "",
                 reason: str = "", evidence_note: str = "",
                 evidence_photo: str | None = None) -> Award:
    """A staff member awards points; above the threshold it waits for a second person."""
    policy.check(actor, "points.award", recipient.home_zone)
    policy.check_not_beneficiary(actor, recipient.id, _l(
        "不能给自己登记积分奖励，请让另一位工作人员登记。"))
    reason = (reason or "").strip()
    if rule is not None:
        if not rule.is_active or rule.mode != "fixed":
            raise DomainError("bad_rule", _l("这条规则不能用于奖励，请选择固定分值的规则。"), 400)
        points_tenths = rule.points_tenths
        reason = reason or rule.name
    else:
        if not reason:
            raise DomainError("needs_reason", _l("请写明奖励理由。"), 400)
        points_tenths = parse_points(points)
    evidence_note = (evidence_note or "").strip()
    if not evidence_note and not evidence_photo:
        raise DomainError("needs_evidence", _l("请填写事迹说明或上传一张照片作为依据。"), 400)
    award = Award(recipient_id=recipient.id, rule_id=rule.id if rule else None,
                  reason=reason[:200], points_tenths=points_tenths,
                  evidence_note=evidence_note[:2000], evidence_photo=evidence_photo,
                  created_by_id=actor.id, status="pending")
    db.session.add(award)
    db.session.flush()
    award.rule = rule
    if points_tenths <= approval_threshold_tenths():
        _post(award, actor)
    audit.record(actor, "award.record", award,
                 f"为 {recipient.name} 登记积分奖励 {format_points(points_tenths)} 分：{reason}",
                 recipient.home_zone)
    db.session.flush()
    return award


def _open_for_decision(actor, award: Award) -> Award:
    """The award, locked, once the actor may decide it: in scope, pending, not their own."""
    policy.check(actor, "points.approve", award.recipient.home_zone)
    policy.check_not_beneficiary(actor, award.recipient_id, _l(
        "不能审批给自己的奖励，请让另一位工作人员审批。"))
    award = _locked(award)
    if award.created_by_id == actor.id:
        raise DomainError("own_award", _l("不能审批自己登记的奖励，请让另一位工作人员审批。"))
    if award.status != "pending":
        raise DomainError("not_pending", _l("这条奖励已经处理过了。"))
    return award


def approve_award(actor, award: Award) -> Award:
    """The second person approves; nobody approves their own award."""
    award = _open_for_decision(actor, award)
    award.decided_by_id = actor.id
    award.decided_dt = utcnow()
    _post(award, actor)
    audit.record(actor, "award.approve", award, f"审批通过 {award.recipient.name} 的积分奖励",
                 award.recipient.home_zone)
    db.session.flush()
    return award


def reject_award(actor, award: Award, note: str) -> Award:
    award = _open_for_decision(actor, award)
    note = (note or "").strip()
    if not note:
        raise DomainError("needs_reason", _l("不通过时请写明原因。"), 400)
    award.status = "rejected"
    award.decided_by_id = actor.id
    award.decided_dt = utcnow()
    award.decision_note = note[:200]
    audit.record(actor, "award.reject", award, f"未通过 {award.recipient.name} 的积分奖励：{note}",
                 award.recipient.home_zone)
    db.session.flush()
    return award


def raise_objection(resident, award: Award, reason: str) -> Objection:
    """Any resident may question a posted award while it is on notice."""
    reason = (reason or "").strip()
    if award.status != "posted" or award.notice_until_dt is None \
            or award.notice_until_dt < utcnow():
        raise DomainError("notice_closed", _l("这条公示已经结束，不能再提出异议。"))
    if not reason:
        raise DomainError("needs_reason", _l("请写明异议的理由。"), 400)
    existing = db.session.scalar(select(Objection).where(
        Objection.award_id == award.id, Objection.raised_by_id == resident.id))
    if existing is not None:
        raise DomainError("already_objected", _l("您已经对这条公示提出过异议，请等待社区处理。"))
    objection = Objection(award=award, raised_by_id=resident.id, reason=reason[:300])
    db.session.add(objection)
    db.session.flush()
    audit.record(resident, "objection.raise", objection,
                 f"{resident.name} 对 {award.recipient.name} 的积分奖励提出异议",
                 award.recipient.home_zone)
    return objection


def resolve_objection(actor, objection: Objection, *, reverse: bool, note: str) -> Objection:
    """Keep the award, or reverse it through the ledger; either way with a written reason.

    The objector is told the decision and the reason (inbox and SMS); a reversal settles every
    open objection to the award, tells each of those objectors, and tells the recipient.
    """
    award = objection.award
    policy.check(actor, "points.approve", award.recipient.home_zone)
    if actor.id in (award.recipient_id, award.created_by_id, award.decided_by_id):
        raise policy.SelfDealing(_l(
            "这条奖励与您本人有关（您是受奖人、登记人或审批人），异议请让另一位管理员处理。"))
    note = (note or "").strip()
    if not note:
        raise DomainError("needs_reason", _l("请写明处理意见。"), 400)
    if objection.status != "open":
        raise DomainError("not_open", _l("这条异议已经处理过了。"))
    now, kept_note = utcnow(), note[:200]
    if reverse:
        award = _locked(award)
        was_posted = award.status == "posted"
        if was_posted:
            ledger.reverse(award.entry, actor=actor, memo=f"异议成立，撤销奖励：{award.reason}")
            award.status = "reversed"
        for other in award.objections:
            if other.status == "open":
                other.status, other.resolved_by_id = "reversed", actor.id
                other.resolution_note, other.resolved_dt = kept_note, now
                _tell_objector(other, award, kept_note)
        if was_posted:
            _tell_recipient_of_reversal(award, kept_note)
    else:
        objection.status = "kept"
        objection.resolved_by_id = actor.id
        objection.resolution_note = kept_note
        objection.resolved_dt = now
        _tell_objector(objection, award, kept_note)
    verb = "异议成立，撤销奖励" if reverse else "异议不成立，维持奖励"
    audit.record(actor, "objection.resolve", objection,
                 f"{verb}（{award.recipient.name}）：{note}", award.recipient.home_zone)
    db.session.flush()
    return objection


def _award_line(award: Award, *, masked: bool) -> str:
    name = mask_name(award.recipient.name) if masked else "您"
    return f"{name}的积分奖励（{award.reason}，{format_points(award.points_tenths)} 分）"


def _tell_objector(objection: Objection, award: Award, note: str) -> None:
    """The objector hears the decision and the note in full. The award page is private to
    the recipient and staff, so the message links nowhere: it says everything itself."""
    if objection.status == "reversed":
        title = f"异议成立，奖励已撤销：{award.reason}"
        outcome = "经社区核实，异议成立，这条奖励已撤销，积分已收回。"
    else:
        title = f"异议不成立，奖励维持：{award.reason}"
        outcome = "经社区核实，异议不成立，这条奖励维持不变。"
    notify(objection.raised_by_id, f"objection.{objection.status}", title,
           f"您对{_award_line(award, masked=True)}提出的异议已处理。{outcome}处理意见：{note}",
           None, dedupe_key=f"objection:{objection.id}:resolved", sms=True)


def _tell_recipient_of_reversal(award: Award, note: str) -> None:
    notify(award.recipient_id, "award.reversed", f"积分奖励已撤销：{award.reason}",
           f"{_award_line(award, masked=False)}在公示期间收到异议，经社区核实已撤销，"
           f"{format_points(award.points_tenths)} 分已从您的积分中扣回。处理意见：{note}",
           f"/points/awards/{award.id}", dedupe_key=f"award:{award.id}:reversed", sms=True)
