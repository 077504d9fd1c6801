"""The quorum and pass rules at their edges: exactly two thirds, one short, abstentions."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.council.rules import Tally, decide, quorum_needed, yes_needed


@pytest.mark.parametrize("members, needed", [(1, 1), (2, 2), (9, 5), (10, 6), (25, 13)])
def test_quorum_is_more_than_half(members, needed):
    assert quorum_needed(members) == needed


def test_one_short_of_a_quorum_decides_nothing():
    # 25 representatives: 12 present is not more than half, even if all agree
    outcome = decide(Tally(members=25, present=12, yes=12, no=0, abstain=0))
    assert not outcome.quorate and not outcome.passed and outcome.quorum == 13
    assert decide(Tally(members=25, present=13, yes=13, no=0, abstain=0)).passed


@pytest.mark.parametrize("present, yes, passed", [
    (15, 10, True),   # exactly two thirds: 三分之二以上 includes it
    (15, 9, False),   # one short
    (13, 9, True),    # 9/13 ≥ 2/3 (8.67 rounds up to 9)
    (13, 8, False),
    (14, 10, True),   # 2 × 14 / 3 = 9.33: 10 needed
    (14, 9, False),
])
def test_two_thirds_at_its_edge(present, yes, passed):
    tally = Tally(members=25, present=present, yes=yes, no=present - yes, abstain=0)
    assert decide(tally).passed is passed


def test_abstentions_count_as_present_not_for():
    # 15 present, 9 for, 6 abstain: 9 < 10, fails although nobody voted against
    assert not decide(Tally(members=25, present=15, yes=9, no=0, abstain=6)).passed
    # the same under a simple majority passes (9 > 7.5)
    assert decide(Tally(members=25, present=15, yes=9, no=0, abstain=6),
                  pass_rule="majority").passed


def test_present_members_who_did_not_vote_count_against_the_threshold():
    assert not decide(Tally(members=25, present=15, yes=9, no=0, abstain=0)).passed


@pytest.mark.parametrize("present, yes, passed", [(10, 6, True), (10, 5, False),
                                                   (9, 5, True), (9, 4, False)])
def test_simple_majority_is_more_than_half(present, yes, passed):
    tally = Tally(members=15, present=present, yes=yes, no=present - yes, abstain=0)
    assert decide(tally, pass_rule="majority").passed is passed


@pytest.mark.parametrize("counts", [
    dict(members=5, present=6, yes=0, no=0, abstain=0),
    dict(members=5, present=3, yes=2, no=2, abstain=0),
    dict(members=5, present=3, yes=-1, no=0, abstain=0),
    dict(members=5, present=3, yes=1.5, no=0, abstain=0),
])
def test_impossible_tallies_are_refused(counts):
    with pytest.raises(ValueError):
        Tally(**counts)


def test_unknown_rules_are_refused():
    with pytest.raises(ValueError):
        yes_needed(10, "unanimous")
    with pytest.raises(ValueError):
        quorum_needed(10, "third")


@given(st.integers(1, 500), st.data())
def test_the_rules_match_exact_fractions(members, data):
    present = data.draw(st.integers(0, members))
    yes = data.draw(st.integers(0, present))
    outcome = decide(Tally(members=members, present=present, yes=yes, no=0,
                           abstain=present - yes))
    quorate = Fraction(present, members) > Fraction(1, 2)
    assert outcome.quorate is quorate
    assert outcome.passed is (quorate and present > 0 and
                              Fraction(yes, present) >= Fraction(2, 3))
