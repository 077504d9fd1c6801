"""Certificate numbers (80 random bits, readable) and the optional 18-digit ID number."""

from __future__ import annotations

import re
import secrets

#: Crockford's base32: no I, L, O or U, so a number read aloud or copied by hand survives
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 16 characters of 5 bits: 80 random bits from `secrets`
LENGTH = 16
#: what people type for the letters left out
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_NUMBER_RE = re.compile(rf"[{ALPHABET}]{{{LENGTH}}}")


def new_number() -> str:
    """'7K3M-Q9XD-2F8R-WB4N': unguessable (2^80), grouped by four."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalize(text: str | None) -> str | None:
    """A typed or scanned number in its stored form, or None when it cannot be one."""
    raw = re.sub(r"[\s-]", "", (text or "")[:64]).upper().translate(_READ_AS)
    if not _NUMBER_RE.fullmatch(raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """GB 11643-1999: 17 digits and a check character (ISO 7064 MOD 11-2)."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def mask_id_number(value: str | None) -> str:
    """110105********123X -> 1101**********123X: the region's first four and the last four."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
