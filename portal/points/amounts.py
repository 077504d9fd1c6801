"""Points are integers in tenths (1.5 分 is 15). Parsing and showing them, never via float."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from portal.errors import DomainError

MAX_TENTHS = 100_000  # 10,000 分: far above any real award, small enough to catch a typo
BAD_POINTS = _l("积分请填写数字，最多一位小数，例如 1.5。")


def parse_points(text) -> int:
    """'1.5' -> 15. Refuses floats' cousins: more than one decimal, zero, negatives, junk."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("bad_points", BAD_POINTS, 400) from None
    if not value.is_finite():
        raise DomainError("bad_points", BAD_POINTS, 400)
    # The range first: quantize() itself fails on a number as big as 1e400.
    if value <= 0 or value > Decimal(MAX_TENTHS) / 10:
        raise DomainError("points_out_of_range", _l("积分必须大于 0，且不超过 10000。"), 400)
    if value != value.quantize(Decimal("0.1")):
        raise DomainError("bad_points", BAD_POINTS, 400)
    return int(value * 10)


def format_points(tenths: int | None, signed: bool = False) -> str:
    """15 -> '1.5', 10 -> '1', -15 -> '-1.5'; with signed=True, 15 -> '+1.5'."""
    tenths = tenths or 0
    sign = "-" if tenths < 0 else ("+" if signed and tenths > 0 else "")
    whole, tenth = divmod(abs(tenths), 10)
    return f"{sign}{whole}" if tenth == 0 else f"{sign}{whole}.{tenth}"


def format_hours(minutes: int | None) -> str:
    """Credited minutes are whole half hours: 90 -> '1.5'."""
    return format_points((minutes or 0) // 6)
