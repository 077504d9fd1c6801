"""A scanning device checks a printed card's QR with the portal's public key alone: Chromium's
WebCrypto Ed25519 imports the JWK from /offline/keys.json and verifies the card's signature,
and refuses a forged one, at 4x CPU throttling (a mid-range phone) within the 100 ms budget
of an offline scan result."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from portal.extensions import db
from portal.members import cards

pytestmark = pytest.mark.browser

CHECK = """async ([code]) => {
  const jwks = await (await fetch("/offline/keys.json")).json();
  const key = await crypto.subtle.importKey("jwk", jwks.keys[0], {name: "Ed25519"}, false,
                                            ["verify"]);
  const [prefix, number, signature] = code.split(".");
  const b64 = signature.replace(/-/g, "+").replace(/_/g, "/");
  const raw = Uint8Array.from(atob(b64 + "==".slice(0, (4 - b64.length % 4) % 4)),
                              c => c.charCodeAt(0));
  const message = new TextEncoder().encode(prefix + "." + number);
  const started = performance.now();
  const genuine = await crypto.subtle.verify({name: "Ed25519"}, key, raw, message);
  const took = performance.now() - started;
  const forged = await crypto.subtle.verify({name: "Ed25519"}, key, raw,
                                            new TextEncoder().encode("k.1234567890"));
  return {genuine, forged, took};
}"""


def test_webcrypto_checks_a_card_offline_with_the_public_key(page: Page, make_user, tree,
                                                              live_server):
    card = cards.issue(make_user("clerk", zone=tree.xinan), make_user(name="赵桂兰"))
    db.session.commit()
    page.goto(live_server + "/offline/keys.json")
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    result = page.evaluate(CHECK, [cards.card_code(card)])
    assert result["genuine"] is True and result["forged"] is False
    assert result["took"] < 100, result
