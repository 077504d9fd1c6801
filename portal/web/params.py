"""Integers from paths, query strings and forms, bounded before they reach the database."""

from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

#: the largest id or number a URL or form field may carry: a bigger one would overflow the
#: database's integers (a 500 on SQLite, an error on PostgreSQL), so it is treated as junk
MAX_INT = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route, capped at MAX_INT: /wishes/99999999999999999999 is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(url_map, *args, **kwargs)


def bounded_int(value) -> int:
    """For `request.args.get(name, type=bounded_int)`: junk and huge numbers give the default."""
    number = int(value)
    if not -MAX_INT <= number <= MAX_INT:
        raise ValueError(value)
    return number


#: no list has this many pages; a bigger ?page= would overflow SQLite's OFFSET
MAX_PAGE = 10_000


def page_arg() -> int:
    """?page= as a page number between 1 and MAX_PAGE; junk and huge numbers are clamped."""
    return min(max(request.args.get("page", 1, type=bounded_int), 1), MAX_PAGE)
