"""Scanning without a signal (see "Offline" in docs/ARCHITECTURE.md). Today: the portal's
Ed25519 signing key (keys.py), whose public half a scanning device downloads
(/offline/keys.json) to check signed codes, such as a printed member card's QR, without
the server."""
