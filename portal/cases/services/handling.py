"""派单 and 办单: the community dispatches a matter to a handler (or opens it to claim, 抢单);
the handler accepts it or hands it back, writes progress, transfers it, asks for more time
once, and marks it 办结 with a reply. Each step is one guarded UPDATE: of two people taking
the same step at once, exactly one wins."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal import audit
from portal.accounts.models import User
from portal.cases.access import check_handler, check_step, may_claim
from portal.cases.models import JOINT, Case, CaseUnit
from portal.cases.services.steps import MAX_PHOTOS, event, link, take, tell_resident
from portal.cases.workdays import due_after
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.inbox.services import notify
from portal.types import utcnow

MAX_EXTENSION_DAYS = 10


def _moved_on():
    return DomainError("wrong_status", _l("这件事项刚刚有了新进展，请刷新页面查看。"))


def _reason(text: str, what) -> str:
    text = (text or "").strip()
    if not 2 <= len(text) <= 500:
        raise DomainError("needs_reason", what, 400)
    return text


def _photos(photos) -> list[str]:
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise DomainError("too_many_photos", _l("最多上传 6 张照片。"), 400)
    return photos


def dispatch(actor, case: Case, handler: User | None, *, unit: CaseUnit | None = None,
             note: str = "") -> Case:
    """派单: to a grid worker, a coordinator, a unit (its contact person) or a party member."""
    check_step(actor, case, "dispatch")
    if unit is not None:
        if unit.community_id != case.community_id or not unit.is_active:
            raise DomainError("bad_unit", _l("请选择本社区的辖区单位。"), 400)
        handler = unit.contact
    handler = check_handler(case, handler)
    if not take(case, "dispatch", handler_id=handler.id, dispatcher_id=actor.id,
                unit_id=unit.id if unit is not None else None):
        raise _moved_on()
    where = unit.name if unit is not None else handler.name
    event(case, actor, "dispatched", f"派给 {where}" + (f"：{note.strip()[:200]}" if note else ""))
    notify(handler.id, "case.dispatched", f"新派单：{case.title}",
           "请尽快接单办理，或说明原因退回。", link(case))
    tell_resident(case, "case.dispatched", f"事项已派单：{case.title}", f"由 {where} 办理。")
    audit.record(actor, "case.dispatch", case, f"事项“{case.title}”派给 {where}", case.zone)
    return case


def send_to_pool(actor, case: Case) -> Case:
    """群众点单: open the matter to claim by party members and grid workers in scope."""
    check_step(actor, case, "pool")
    if not take(case, "pool"):
        raise _moved_on()
    event(case, actor, "pooled", "开放认领（抢单）")
    return case


def claim(actor, case: Case) -> Case:
    """抢单: the first claimer wins; everyone else is told it is taken."""
    if not may_claim(actor, case):
        raise NotAllowed()
    if not take(case, "claim", handler_id=actor.id):
        raise DomainError("already_claimed", _l("这件事项刚刚被别人认领了。"))
    event(case, actor, "claimed", f"{actor.name} 认领办理")
    tell_resident(case, "case.accepted", f"事项有人认领了：{case.title}",
                  f"{actor.name} 正在办理。")
    return case


def accept(actor, case: Case) -> Case:
    check_step(actor, case, "accept")
    if not take(case, "accept", Case.handler_id == actor.id):
        raise _moved_on()
    event(case, actor, "accepted")
    tell_resident(case, "case.accepted", f"事项已接单：{case.title}", f"{actor.name} 正在办理。")
    return case


def hand_back(actor, case: Case, reason: str) -> Case:
    """Not mine to handle: back to 派单, with the reason for the dispatcher."""
    check_step(actor, case, "hand_back")
    reason = _reason(reason, _l("退回时请写明原因（2 到 500 字），派单人会看到。"))
    dispatcher_id = case.dispatcher_id
    if not take(case, "hand_back", Case.handler_id == actor.id, handler_id=None, unit_id=None):
        raise _moved_on()
    event(case, actor, "handed_back", reason)
    if dispatcher_id:
        notify(dispatcher_id, "case.handed_back", f"事项被退回：{case.title}", reason, link(case))
    return case


def transfer(actor, case: Case, handler: User | None, reason: str) -> Case:
    """Hand it on to someone else, with the reason kept in the record."""
    check_step(actor, case, "transfer")
    reason = _reason(reason, _l("转办时请写明原因（2 到 500 字）。"))
    handler = check_handler(case, handler)
    before = case.handler_id
    if handler.id == before:
        raise DomainError("same_handler", _l("请选择另一位办理人。"), 400)
    if not take(case, "transfer", Case.handler_id == before, handler_id=handler.id,
                unit_id=None):
        raise _moved_on()
    event(case, actor, "transferred", f"转给 {handler.name}：{reason}")
    notify(handler.id, "case.dispatched", f"转办给您：{case.title}", reason, link(case))
    return case


def progress(actor, case: Case, note: str, photos=()) -> Case:
    check_step(actor, case, "progress")
    note = _reason(note, _l("请写下办理进展（2 到 500 字）。"))
    event(case, actor, "progress", note, _photos(photos))
    tell_resident(case, "case.progress", f"事项有新进展：{case.title}", note)
    return case


def extend(actor, case: Case, days, reason: str) -> Case:
    """Ask for more time, once, with a reason the resident is told."""
    check_step(actor, case, "extend")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise DomainError("bad_days", _l("延期天数请填 1 到 10 个工作日。"), 400)
    reason = _reason(reason, _l("申请延期时请写明原因（2 到 500 字），居民会看到。"))
    due = due_after(max(case.due_dt or utcnow(), utcnow()), days)
    if case.extended or not take(case, "extend", Case.extended.is_(False),
                                 Case.handler_id == actor.id, extended=True, due_dt=due,
                                 reminded_dt=None, overdue_dt=None):
        raise DomainError("already_extended", _l("每件事项只能延期一次。"))
    event(case, actor, "extended", f"延期 {days} 个工作日：{reason}")
    tell_resident(case, "case.extended", f"事项延期办理：{case.title}",
                  f"延期 {days} 个工作日。原因：{reason}")
    return case


def resolve(actor, case: Case, reply: str, photos=(), now: datetime | None = None) -> Case:
    """办结: the reply and evidence go to the resident, who rates the outcome."""
    now = now or utcnow()
    check_step(actor, case, "resolve")
    reply = _reason(reply, _l("请写下办理结果（2 到 500 字），居民会看到。"))
    photos = _photos(photos)
    if not take(case, "resolve", Case.handler_id == actor.id, resolved_dt=now, reply=reply):
        raise _moved_on()
    event(case, actor, "resolved", reply, photos, at=now)
    tell_resident(case, "case.resolved", f"事项已办结，请评价：{case.title}", reply)
    return case


def joint_decision(actor, case: Case, note: str) -> Case:
    """商办: the joint meeting's (联席会议) decision on the matter, kept in its record."""
    check_step(actor, case, "joint_decision")
    if case.track != JOINT:
        raise DomainError("not_joint", _l("只有“协调商办”的事项需要记录联席会议决定。"), 400)
    note = _reason(note, _l("请写下联席会议的决定（2 到 500 字）。"))
    event(case, actor, "joint_decision", note)
    tell_resident(case, "case.progress", f"联席会议已研究：{case.title}", note)
    return case


def decline(actor, case: Case, reason: str) -> Case:
    """不予受理, with the reason and where to turn instead, said plainly (FixMyStreet #4457)."""
    check_step(actor, case, "decline")
    reason = _reason(reason, _l("不予受理时请写明原因和可以去哪里办理，居民会看到。"))
    if len(reason) > 200:  # kept whole on the matter: the resident reads all of it
        raise DomainError("needs_reason", _l("不予受理的原因最多 200 字。"), 400)
    if not take(case, "decline", decline_reason=reason, closed_dt=utcnow()):
        raise _moved_on()
    event(case, actor, "declined", reason)
    tell_resident(case, "case.declined", f"事项未受理：{case.title}", reason)
    db.session.flush()
    return case
