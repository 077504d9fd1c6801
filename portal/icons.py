# ruff: noqa: E501  (SVG path data reads best one icon per line)
"""Small inline SVG icons (no icon font, no extra request), always paired with visible text.

`icon(name)` is a Jinja global: one dict look-up instead of a template macro, since every
page draws a dozen of them in its navigation."""

from __future__ import annotations

from markupsafe import Markup

#: name -> the SVG shapes inside a 24x24 view box
SHAPES = {
    "home": '<path d="M3 11 12 3l9 8v10h-6v-6H9v6H3z"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7z"/>',
    "tools": '<path d="M4 5h16v3H4zm0 5.5h16v3H4zM4 16h16v3H4z"/>',
    "plus": '<path d="M10.5 4h3v6.5H20v3h-6.5V20h-3v-6.5H4v-3h6.5z"/>',
    "text": '<path d="M3 6h11v3H10v11H7V9H3zm11 5h8v2.5h-2.7V20h-2.6v-6.5H14z"/>',
    "ok": '<path d="M9.5 16.2 5 11.7l-2 2 6.5 6.5L21 8.7l-2-2z"/>',
    "alert": '<path d="M12 2 1 21h22zm-1.3 7h2.6v6h-2.6zm0 7.5h2.6V19h-2.6z"/>',
    "info": '<circle cx="12" cy="12" r="10"/><path fill="#fff" d="M10.8 10h2.4v8h-2.4zm0-4h2.4v2.4h-2.4z"/>',
    "zone": '<path d="M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z"/>',
    "badge": '<path d="M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5z"/>',
    "key": '<path d="M7 14a3 3 0 1 1 0-6 3 3 0 0 1 0 6zm5.6-4A6 6 0 1 0 12.6 14H16v3h3v-3h2v-4z"/>',
    "coin": '<circle cx="12" cy="12" r="10"/><path fill="#fff" d="M8 7h2.6l1.4 2.6L13.4 7H16l-2.6 4H15v2h-2v1.3h2v2h-2V19h-2v-2.7H9v-2h2V13H9v-2h1.6z"/>',
    "star": '<path d="m12 2 3 6.5 7 .8-5.2 4.8 1.5 7L12 17.6 5.7 21l1.5-7L2 9.3l7-.8z"/>',
    "chart": '<path d="M3 19h18v2H3zM5 11h3v7H5zm5.5-6h3v13h-3zM16 8h3v10h-3z"/>',
    "list": '<path d="M4 5h3v3H4zm5 0h11v3H9zM4 10.5h3v3H4zm5 0h11v3H9zM4 16h3v3H4zm5 0h11v3H9z"/>',
    "calendar": '<path d="M7 2h2.5v2h5V2H17v2h3.5v17h-17V4H7zm-1 7v9.5h12V9z"/><path d="M8 11h3v3H8z"/>',
    "bell": '<path d="M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-5V11a7 7 0 0 0-5.5-6.8V3a1.5 1.5 0 0 0-3 0v1.2A7 7 0 0 0 5 11v6l-2 2v.5h18V19z"/>',
    "team": '<circle cx="8" cy="8" r="3.2"/><circle cx="16.5" cy="8.5" r="2.7"/><path d="M1.5 19c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6zm13.6 0c0-2-.7-3.7-1.9-5 .9-.6 2-.9 3.3-.9 3 0 5.5 2 5.5 5.1V19z"/>',
}

_OPEN = ('<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" '
         'width="24" height="24">')
_RENDERED = {name: Markup(f"{_OPEN}{shapes}</svg>") for name, shapes in SHAPES.items()}
_EMPTY = Markup(f"{_OPEN}</svg>")


def icon(name: str) -> Markup:
    return _RENDERED.get(name, _EMPTY)
