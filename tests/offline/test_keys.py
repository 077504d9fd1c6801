"""The portal's Ed25519 key: derived from SECRET_KEY (or a seed of its own), its public half
published as a JWK set, and printed cards' QRs signed with it: a device holding only the
public key can tell a genuine card from a forged one; cards printed before still scan."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from portal.extensions import db
from portal.members import cards
from portal.members.models import MemberCard
from portal.offline import keys
from tests.helpers import code_of, tamper


def _public(jwks: dict) -> Ed25519PublicKey:
    x = jwks["keys"][0]["x"]
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))


def test_the_key_is_derived_from_the_secret_key_or_its_own_seed(app, monkeypatch):
    first = keys.public_jwks()
    assert first == keys.public_jwks()  # every host of one deployment derives the same key
    assert first["keys"][0]["crv"] == "Ed25519" and len(first["keys"][0]["kid"]) == 8
    monkeypatch.setitem(app.config, "SECRET_KEY", "another deployment")
    assert keys.public_jwks() != first
    seed = base64.urlsafe_b64encode(bytes(range(32))).decode().rstrip("=")
    monkeypatch.setitem(app.config, "OFFLINE_SIGNING_SEED", seed)
    seeded = keys.public_jwks()
    monkeypatch.setitem(app.config, "SECRET_KEY", "a third")
    assert keys.public_jwks() == seeded != first


def test_the_public_key_is_public_and_checks_a_card(client, make_user, tree):
    answer = client.get("/offline/keys.json")
    assert answer.status_code == 200 and "public" in answer.headers["Cache-Control"]
    public = _public(answer.get_json())
    card = cards.issue(make_user("clerk", zone=tree.xinan), make_user(name="赵桂兰"))
    db.session.commit()
    code = cards.card_code(card)
    prefix, number, signature = code.split(".")
    assert (prefix, number) == ("k", card.card_no) and len(code) <= 100
    raw = base64.urlsafe_b64decode(signature + "==")
    public.verify(raw, f"k.{number}".encode())  # raises if not genuine


@pytest.mark.parametrize("forge", [
    lambda code, other: tamper(code),
    lambda code, other: f"k.{other}.{code.split('.')[2]}",  # another number, this signature
    lambda code, other: code + "A",
    lambda code, other: "k.12345.abc",
])
def test_a_forged_card_is_refused_and_the_old_ones_still_scan(make_user, tree, forge):
    clerk = make_user("clerk", zone=tree.xinan)
    holder, other = make_user(name="赵桂兰"), make_user(name="钱芳")
    card, others = cards.issue(clerk, holder), cards.issue(clerk, other)
    db.session.commit()
    code = cards.card_code(card)
    assert cards.holder_of(code).id == holder.id
    assert code_of(cards.holder_of, forge(code, others.card_no)) == "invalid_card"
    # a card printed before the signatures: its QR carried the card's random secret
    old = db.session.get(MemberCard, card.id)
    assert cards.holder_of(f"k.{old.secret}").id == holder.id
    assert cards.holder_of(old.card_no).id == holder.id
    cards.report_lost(clerk, old)
    db.session.commit()
    assert code_of(cards.holder_of, code) == "card_not_active"
