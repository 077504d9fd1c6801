"""A state machine's step, as the wish and the matter tables write them: the statuses a step
starts from, the status it leads to (None: the status stays), and who may take it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    frm: frozenset[str]
    to: str | None
    by: frozenset[str]


def step(frm, to, by) -> Step:
    return Step(frozenset(frm), to, frozenset(by))


def sql_list(values) -> str:
    """'a', 'b', 'c': a CHECK constraint's list of the allowed statuses."""
    return ", ".join(f"'{v}'" for v in values)
