"""Outcome codes as people read them: a title, a detail, and whether it is good news; and
CheckInError, the refusal that carries one.

Every scan shows one of these, so the words are kept marked but untranslated (`N_`), and
only the ones a result needs are translated, with Flask-Babel's gettext.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import gettext as _

from portal.errors import DomainError
from portal.i18n import N_
from portal.web.formatting import local_dt, mask_name

TITLES = {
    "already_checked_in": N_("已经签到过了"),
    "not_signed_up": N_("没有报名这个班次"),
    "too_early": N_("还没到签到时间"),
    "too_late": N_("班次已结束，不能再签到"),
    "expired_code": N_("二维码已过期"),
    "invalid_code": N_("二维码无效"),
    "shift_cancelled": N_("班次已取消"),
    "checked_out": N_("已经签退过了"),
    "not_checked_in": N_("还没有签到，不能签退"),
    "outside_area": N_("不在签到范围内"),
    "own_code": N_("不能给自己扫码"),
    "card_not_active": N_("这张会员卡已停用"),
}

DETAILS = {
    "not_signed_up": N_("请先在“排班”里报名。如果现场还有名额，协调员可以为您现场补位。"),
    "too_early": N_("班次开始前 30 分钟开放签到，请稍后再扫。"),
    "expired_code": N_("请重新扫描协调员手机上的二维码，它每 30 秒更新一次。"),
    "invalid_code": N_("这个二维码不是本平台的签到码，或者已经作废。"),
    "outside_area": N_("请到活动地点后再扫码，并允许浏览器获取位置。也可以请协调员帮您签到。"),
    "own_code": N_("请让另一位协调员扫您的会员码，或扫班次签到码自助签到。"),
    "card_not_active": N_("这张卡已挂失或补办。请用新卡，或按手机号查找。"),
}


class CheckInError(DomainError):
    """A scan refused, as pretix's `CheckInError`: `code` is the stable outcome that the scan
    log records and the pages word; `attendance` is the record a repeat scan shows. Raised by
    the steps in `services`, caught in one place (`services.perform`), which logs it."""

    def __init__(self, code: str, attendance=None):
        # lazy: a repeat scan raises this on the hot path, and nothing reads the message
        super().__init__(code, LazyString(outcome_title, code))
        self.attendance = attendance


def _word(table: dict, outcome: str, default: str) -> str:
    return _(table[outcome]) if outcome in table else default


def outcome_title(outcome: str) -> str:
    return _("成功") if outcome == "ok" else _word(TITLES, outcome, outcome)


def describe_result(result) -> dict:
    """The JSON the scan page shows, and the words the result page prints."""
    outcome = result.outcome
    attendance = result.attendance
    name = mask_name(result.user.name) if result.user is not None else ""
    if outcome == "ok":
        when = attendance.checkout_dt if result.action == "out" else attendance.checkin_dt
        title = _("签退成功") if result.action == "out" else _("签到成功")
        detail = _("%(name)s · %(time)s", name=name, time=local_dt(when, "HH:mm"))
    else:
        title = _word(TITLES, outcome, outcome)
        detail = _word(DETAILS, outcome, "")
        if attendance is not None:
            detail = _("%(name)s 已于 %(time)s 签到", name=name,
                       time=local_dt(attendance.checkin_dt, "HH:mm"))
            if attendance.checkout_dt is not None:
                detail += " · " + _("%(time)s 签退", time=local_dt(attendance.checkout_dt,
                                                                 "HH:mm"))
        elif name:
            detail = f"{name} · {detail}" if detail else name
    return {"outcome": outcome, "ok": result.ok, "action": result.action, "title": title,
            "detail": detail, "user_id": getattr(result.user, "id", None),
            "walk_in": outcome == "not_signed_up" and result.user is not None}


def describe_counts(counts: dict[str, int]) -> str:
    """The scan desk's tally: on the page, and in every scan's answer, so the page keeps it
    current without a reload."""
    return _("已签到 %(checked_in)d / %(total)d 人，已签退 %(out)d 人",
             checked_in=counts["in"], total=counts["confirmed"], out=counts["out"])
