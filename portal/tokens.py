"""Bearer secrets shown once and kept only as a sha256: the Open311 keys (cases/apikeys.py)
and the personal API tokens (api/tokens.py) make, store and find theirs the same way."""

from __future__ import annotations

import hashlib
import secrets

#: characters of a token kept in the clear, so people can tell their tokens apart
PREFIX_LENGTH = 8
#: no real token is longer; a longer one is refused before it is hashed
MAX_TOKEN_LENGTH = 100


def new_token() -> str:
    """40 URL-safe characters: 240 random bits, nothing to guess."""
    return secrets.token_urlsafe(30)


def hash_token(token: str) -> str:
    """sha256 hex: a stolen database yields no working token. A token has 240 random bits,
    so a fast hash is enough (no password-style stretching needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def cleaned(token: str | None) -> str | None:
    """The token a client sent, stripped, or None when it cannot be one (empty, too long)."""
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token
