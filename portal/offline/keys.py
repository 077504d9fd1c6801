"""The portal's Ed25519 signing key: codes a scanning device must check without the server
(a printed member card's QR) are signed with it, and the device holds only its public half.

The private key is never stored: it is derived from SECRET_KEY with HKDF-SHA256 (so every
host of one deployment derives the same key, and rotating SECRET_KEY rotates it), unless
OFFLINE_SIGNING_SEED gives a 32-byte seed (base64url) to rotate it on its own. Its key id
(`kid`) is the first 8 characters of the base64url SHA-256 of the public key."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app

#: what the derivation is for; a new purpose gets a new label, never this key
INFO = b"portal.offline.ed25519.v1"
#: a signature's length in base64url without padding (64 bytes)
SIGNATURE_CHARS = 86


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    public_raw: bytes

    def sign(self, message: str) -> str:
        return b64url(self.private.sign(message.encode()))


@lru_cache(maxsize=4)
def _derive(material: str, explicit: bool) -> SigningKey:
    if explicit:
        seed = unb64url(material)
        if len(seed) != 32:
            raise ValueError("OFFLINE_SIGNING_SEED must be 32 bytes in base64url")
    else:
        seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=INFO).derive(material.encode())
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return SigningKey(b64url(hashlib.sha256(public_raw).digest())[:8], private, public_raw)


def signing_key() -> SigningKey:
    seed = current_app.config.get("OFFLINE_SIGNING_SEED")
    if seed:
        return _derive(seed, True)
    return _derive(current_app.config["SECRET_KEY"], False)


def sign(message: str) -> str:
    """The signature of `message`, base64url (86 characters)."""
    return signing_key().sign(message)


def verify(message: str, signature: str) -> bool:
    """Whether `signature` is the portal key's signature of `message`. Never raises."""
    if len(signature) != SIGNATURE_CHARS:
        return False
    try:
        raw = unb64url(signature)
        Ed25519PublicKey.from_public_bytes(signing_key().public_raw).verify(raw,
                                                                            message.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def public_jwks() -> dict:
    """The public key as a JSON Web Key Set (RFC 8037): what a device downloads."""
    key = signing_key()
    return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64url(key.public_raw),
                      "kid": key.kid, "alg": "EdDSA", "use": "sig"}]}
