"""微议事: a body's quorum and pass rules, as exact integer arithmetic (never floats).

居委会组织法 art. 9–10: a meeting is held when more than half of its members are present, and a
居民会议 decides by a majority of those present; the seeds' 微议事 carries a matter out only
with 三分之二以上同意. "以上" includes the number itself: exactly two thirds passes, one vote
short does not. Abstentions, and present members who did not vote, count as present and not
for. A member present through a recorded proxy (委托) counts as present.
"""

from __future__ import annotations

from dataclasses import dataclass

#: quorum rules: more than half of the members present (the law's 过半数出席)
QUORUM_RULES = ("majority",)
#: pass rules: two thirds or more of those present (三分之二以上), or more than half (过半数)
PASS_RULES = ("two_thirds", "majority")


@dataclass(frozen=True)
class Tally:
    members: int
    present: int
    yes: int
    no: int
    abstain: int

    def __post_init__(self):
        counts = (self.members, self.present, self.yes, self.no, self.abstain)
        if any(not isinstance(n, int) or n < 0 for n in counts):
            raise ValueError(f"counts must be whole and not negative: {counts}")
        if self.present > self.members or self.yes + self.no + self.abstain > self.present:
            raise ValueError(f"more present or voting than there can be: {counts}")


@dataclass(frozen=True)
class Outcome:
    quorate: bool
    passed: bool
    #: the 同意 votes the pass rule needed with this many present
    needed: int
    #: members needed present for a quorum
    quorum: int


def quorum_needed(members: int, rule: str = "majority") -> int:
    """The fewest present that make a quorum: more than half (5 of 9, 6 of 10)."""
    if rule not in QUORUM_RULES:
        raise ValueError(rule)
    return members // 2 + 1


def yes_needed(present: int, rule: str = "two_thirds") -> int:
    """The fewest 同意 that pass: two thirds or more (ceil(2p/3)), or more than half."""
    if rule == "two_thirds":
        return -(-2 * present // 3)
    if rule == "majority":
        return present // 2 + 1
    raise ValueError(rule)


def decide(tally: Tally, *, quorum_rule: str = "majority", pass_rule: str = "two_thirds") \
        -> Outcome:
    """Whether the meeting was quorate and the motion passed. Without a quorum nothing passes,
    and with nobody present nothing passes either."""
    quorum = quorum_needed(tally.members, quorum_rule)
    needed = yes_needed(tally.present, pass_rule)
    quorate = tally.members > 0 and tally.present >= quorum
    return Outcome(quorate=quorate,
                   passed=quorate and tally.present > 0 and tally.yes >= needed,
                   needed=needed, quorum=quorum)
