"""Seat allocation (docs/seats.md): published examples, the threshold, ties and the public
draw, edge cases, and properties checked against a second, naive implementation."""

from __future__ import annotations

import hashlib
import random
import re
import struct
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openballot.election.seats import (
    Allocation,
    AllocationRule,
    Method,
    Tie,
    allocate,
    draw,
)
from openballot.errors import ProtocolError

SEED = bytes(range(32))
PLURALITY, DHONDT, SAINTE_LAGUE, HARE = Method


def seats(method: Method, n: int, totals: dict[str, int], threshold: int = 0) -> dict[str, int]:
    rule = AllocationRule(method, n, Fraction(threshold))
    return dict(allocate(rule, totals, SEED, contest_id="c").seats)


# -- published examples -----------------------------------------------------------------------

# Wikipedia, "D'Hondt method", section Example (230,000 voters, 8 seats, 4 parties); the
# Sainte-Laguë article works the same votes. Quotients v/1, v/3, v/5 …: 100k, 80k, 33.3k, 30k,
# 26.7k, then A's 20k and D's 20k both fit in the 8 seats.
PARTIES = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}


def test_dhondt_wikipedia_example() -> None:
    assert seats(DHONDT, 8, PARTIES) == {"A": 4, "B": 3, "C": 1, "D": 0}


def test_sainte_lague_wikipedia_example() -> None:
    assert seats(SAINTE_LAGUE, 8, PARTIES) == {"A": 3, "B": 3, "C": 1, "D": 1}


def test_sainte_lague_electowiki_35_seats() -> None:
    # electowiki.org, "Sainte-Laguë method", 35-seat example: final divisors 503/35, 304/23, 193/15.
    assert seats(SAINTE_LAGUE, 35, {"A": 503, "B": 304, "C": 193}) == {"A": 17, "B": 11, "C": 7}


def test_hare_wikipedia_example() -> None:
    # Wikipedia, "Largest remainder method", Examples (10 seats, 100,000 votes, Hare quota 10,000):
    # quotas 4.7, 1.6, 1.58, 1.2, 0.61, 0.21 -> 7 whole seats; remainders .7, .61, .6 win.
    totals = {"A": 47_000, "B": 16_000, "C": 15_800, "D": 12_000, "E": 6_100, "F": 2_100}
    assert seats(HARE, 10, totals) == {"A": 5, "B": 2, "C": 1, "D": 1, "E": 1, "F": 0}


def test_hare_alabama_paradox() -> None:
    # Wikipedia, "Apportionment paradox", Alabama paradox: sizes 6, 6, 2. With 10 seats C has
    # the largest remainder (1.43); with 11 seats A and B (4.71) beat C (1.57): C loses a seat
    # when the house grows. A known property of Hare, kept on purpose.
    assert seats(HARE, 10, {"A": 6, "B": 6, "C": 2}) == {"A": 4, "B": 4, "C": 2}
    assert seats(HARE, 11, {"A": 6, "B": 6, "C": 2}) == {"A": 5, "B": 5, "C": 1}


def test_plurality_one_seat_each() -> None:
    assert seats(PLURALITY, 2, {"A": 50, "B": 30, "C": 20}) == {"A": 1, "B": 1, "C": 0}


# -- threshold --------------------------------------------------------------------------------


def test_threshold_excludes_below_and_keeps_exactly_at() -> None:
    # 5 % of 1000 is 50: C (50) stays, D (49) goes. With 20 seats D wins the 11th quotient
    # (49); without D, the 21st quotient, A's 500/21 ≈ 23.8, beats B's 401/17 ≈ 23.6.
    totals = {"A": 500, "B": 401, "C": 50, "D": 49}
    assert seats(SAINTE_LAGUE, 10, totals) == {"A": 5, "B": 4, "C": 1, "D": 0}
    assert seats(SAINTE_LAGUE, 20, totals) == {"A": 10, "B": 8, "C": 1, "D": 1}
    rule = AllocationRule(SAINTE_LAGUE, 20, Fraction(5))
    result = allocate(rule, totals, SEED, contest_id="c")
    assert result.excluded == ("D",)
    assert dict(result.seats) == {"A": 11, "B": 8, "C": 1, "D": 0}


def test_fractional_threshold_is_exact() -> None:
    # 2.5 % of 1000 is 25: a float 0.025 * 1000 could land either side; Fraction cannot.
    rule = AllocationRule(DHONDT, 3, Fraction(5, 2))
    result = allocate(rule, {"A": 950, "B": 25, "C": 24, "D": 1}, SEED, contest_id="c")
    assert result.excluded == ("C", "D")


def test_all_below_threshold_fills_nothing() -> None:
    rule = AllocationRule(DHONDT, 3, Fraction(50))
    result = allocate(rule, {"A": 5, "B": 5, "C": 5}, SEED, contest_id="c")
    assert result.excluded == ("A", "B", "C")
    assert result.winners == () and result.unfilled == 3 and result.ties == ()


# -- edge cases and refusals ------------------------------------------------------------------


@pytest.mark.parametrize("method", list(Method))
def test_no_votes_fills_no_seat(method: Method) -> None:
    result = allocate(AllocationRule(method, 2), {"A": 0, "B": 0}, SEED, contest_id="c")
    assert result.seats == (("A", 0), ("B", 0)) and result.unfilled == 2


def test_fewer_options_than_seats() -> None:
    assert seats(DHONDT, 5, {"A": 3, "B": 1, "C": 0}) == {"A": 4, "B": 1, "C": 0}
    result = allocate(AllocationRule(PLURALITY, 5), {"A": 3, "B": 1, "C": 0}, SEED, contest_id="c")
    assert result.winners == ("A", "B") and result.unfilled == 3


@pytest.mark.parametrize(
    ("method", "n", "threshold", "message"),
    [
        (DHONDT, 0, Fraction(0), "seats must be an integer >= 1, got 0"),
        (DHONDT, True, Fraction(0), "seats must be an integer >= 1, got True"),
        ("dhondt", 1, Fraction(0), "method must be one of plurality, dhondt, sainte-lague, hare"),
        (DHONDT, 1, 0.5, "threshold_percent must be a Fraction in [0, 100], got 0.5"),
        (DHONDT, 1, Fraction(101), "threshold_percent must be a Fraction in [0, 100]"),
        (DHONDT, 1, Fraction(-1, 2), "threshold_percent must be a Fraction in [0, 100]"),
    ],
)
def test_bad_rules_are_refused(method: object, n: object, threshold: object, message: str) -> None:
    with pytest.raises(ProtocolError, match="^allocation rule: " + re.escape(message)):
        AllocationRule(method, n, threshold)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("totals", "seed", "message"),
    [
        ({}, SEED, "contest 'c': no options to share seats among"),
        ({"A": -1}, SEED, "contest 'c': option 'A': votes must be >= 0, got -1"),
        ({"A": True}, SEED, "contest 'c': option 'A': votes must be >= 0, got True"),
        ({"": 1}, SEED, "contest 'c': option ids must be non-empty text"),
        ({"A": 1}, b"", "contest 'c': the draw seed must be non-empty bytes"),
        ({"A": 1}, "seed", "contest 'c': the draw seed must be non-empty bytes"),
    ],
)
def test_bad_inputs_are_refused(totals: dict[str, int], seed: bytes, message: str) -> None:
    with pytest.raises(ProtocolError, match="^" + re.escape(message)):
        allocate(AllocationRule(DHONDT, 1), totals, seed, contest_id="c")


def test_objects_check_themselves() -> None:
    with pytest.raises(ProtocolError, match="2 seats among 2 options is no tie"):
        Tie(1, 2, ("A", "B"), ("A", "B"))
    with pytest.raises(ProtocolError, match="not distinct and in canonical order"):
        Tie(1, 1, ("B", "A"), ("A", "B"))
    with pytest.raises(ProtocolError, match="no permutation"):
        Tie(1, 1, ("A", "B"), ("A", "C"))
    with pytest.raises(ProtocolError, match="1 seats given and 0 unfilled, expected 2 in all"):
        Allocation("c", AllocationRule(DHONDT, 2), (("A", 1),), (), (), 0)


# -- ties and the draw ------------------------------------------------------------------------


def test_tie_for_the_last_seat_is_reported_and_drawn() -> None:
    # D'Hondt: A's 200 takes seat 1; A's 200/2, B's 100 and C's 100 tie for seat 2.
    totals = {"A": 200, "B": 100, "C": 100}
    result = allocate(AllocationRule(DHONDT, 2), totals, SEED, contest_id="c")
    (tie,) = result.ties
    assert (tie.first_seat, tie.seats, tie.options) == (2, 1, ("A", "B", "C"))
    assert tie.order == draw(SEED, "c", ["C", "B", "A"], 2, 1)
    assert result.seats_of(tie.winners[0]) == 1 + (tie.winners[0] == "A")
    assert sum(n for _, n in result.seats) == 2 and result.unfilled == 0
    # Reproducible, and the seed (and the contest) decide it.
    assert allocate(AllocationRule(DHONDT, 2), dict(totals), SEED, contest_id="c") == result
    drawn = {draw(bytes([i]), "c", "ABC", 2, 1)[0] for i in range(40)}
    assert drawn == {"A", "B", "C"}
    assert len({draw(SEED, f"contest {i}", "ABC", 2, 1) for i in range(40)}) > 1


@pytest.mark.parametrize(("first", "k"), [(1, 1), (3, 2), (7, 5)])
def test_draw_bytes_follow_docs(first: int, k: int) -> None:
    # Written out from docs/seats.md byte by byte; 8 options, so that a wrong key gives the
    # same order only by a 1 in 40320 chance.
    tied = ["A", "B", "C", "D", "E", "F", "Ω", "🗳"]

    def frame(b: bytes) -> bytes:
        return struct.pack(">Q", len(b)) + b

    def key(option: str) -> bytes:
        parts = [b"OpenBallot/1", b"seats/draw", SEED, b"c"]
        body = b"".join(frame(p) for p in parts)
        body += frame(b"".join(frame(o.encode("utf-8")) for o in tied))
        body += frame(struct.pack(">Q", first)) + frame(struct.pack(">Q", k))
        return hashlib.sha512(body + frame(option.encode("utf-8"))).digest()

    assert draw(SEED, "c", list(reversed(tied)), first, k) == tuple(sorted(tied, key=key))


@pytest.mark.parametrize(
    ("method", "n", "totals", "first", "tied"),
    [
        (PLURALITY, 2, {"A": 9, "B": 5, "C": 5, "D": 5}, 2, ("B", "C", "D")),
        (SAINTE_LAGUE, 2, {"A": 30, "B": 10, "C": 10}, 2, ("A", "B", "C")),
        (HARE, 2, {"A": 3, "B": 1, "C": 1}, 2, ("B", "C")),  # A 1 whole; remainders 2/5 tie
        (HARE, 1, {"A": 1, "B": 1}, 1, ("A", "B")),
    ],
)
def test_ties_in_every_method(
    method: Method, n: int, totals: dict[str, int], first: int, tied: tuple[str, ...]
) -> None:
    result = allocate(AllocationRule(method, n), totals, SEED, contest_id="c")
    (tie,) = result.ties
    assert (tie.first_seat, tie.seats, tie.options) == (first, 1, tied)
    assert sum(n for _, n in result.seats) == n


# -- properties -------------------------------------------------------------------------------

IDS = st.sampled_from(["A", "B", "C", "D", "E", "F", "Ω", "🗳"])
# Small counts as often as large ones, so that ties are common.
VOTES = st.one_of(st.integers(0, 12), st.integers(0, 10_000))
TOTALS = st.dictionaries(IDS, VOTES, min_size=1, max_size=6)
N = st.integers(1, 30)
THRESHOLD = st.fractions(min_value=0, max_value=30, max_denominator=8)


def naive_divisor(totals: dict[str, int], n: int, first: int, step: int) -> Counter[str] | None:
    """The textbook table: every quotient v/d for d = first, first+step, …, the n largest
    win. None when the n-th and (n+1)-th are equal (a tie the draw decides)."""
    table = sorted(
        ((Fraction(v, first + step * k), o) for o, v in totals.items() if v for k in range(n)),
        reverse=True,
    )
    if len(table) > n and table[n - 1][0] == table[n][0]:
        return None
    return Counter(o for _, o in table[:n])


@given(TOTALS, N, THRESHOLD, st.sampled_from(list(Method)))
def test_seats_add_up(totals: dict[str, int], n: int, t: Fraction, method: Method) -> None:
    result = allocate(AllocationRule(method, n, t), totals, SEED, contest_id="c")
    voted = [o for o, v in totals.items() if v and o not in result.excluded]
    expected = min(n, len(voted)) if method is PLURALITY else (n if voted else 0)
    assert sum(k for _, k in result.seats) == expected == n - result.unfilled
    assert all(result.seats_of(o) == 0 for o in result.excluded)
    total = sum(totals.values())
    assert set(result.excluded) == {o for o, v in totals.items() if v * 100 < t * total}


@given(TOTALS, N)
def test_divisor_methods_match_the_table(totals: dict[str, int], n: int) -> None:
    for method, first, step in ((DHONDT, 1, 1), (SAINTE_LAGUE, 1, 2)):
        expected = naive_divisor(totals, n, first, step)
        result = allocate(AllocationRule(method, n), totals, SEED, contest_id="c")
        assert (expected is None) == bool(result.ties)
        if expected is not None:
            assert {o: k for o, k in result.seats if k} == dict(expected)


@given(TOTALS, N)
def test_hare_stays_within_quota(totals: dict[str, int], n: int) -> None:
    result = allocate(AllocationRule(HARE, n), totals, SEED, contest_id="c")
    total = sum(totals.values())
    for option, k in result.seats:
        quota = Fraction(totals[option] * n, total) if total else Fraction(0)
        assert quota - 1 < k < quota + 1


@given(TOTALS, N, IDS, st.integers(1, 5_000))
def test_divisor_methods_are_monotone_in_votes(
    totals: dict[str, int], n: int, option: str, more: int
) -> None:
    richer = {**totals, option: totals.get(option, 0) + more}
    for method in (DHONDT, SAINTE_LAGUE):
        before = dict(seats(method, n, {**totals, option: totals.get(option, 0)}))
        assert seats(method, n, richer)[option] >= before[option]


@given(TOTALS, N, THRESHOLD, st.sampled_from(list(Method)), st.randoms(use_true_random=False))
def test_order_of_the_totals_does_not_matter(
    totals: dict[str, int], n: int, t: Fraction, method: Method, rnd: random.Random
) -> None:
    items = list(totals.items())
    rnd.shuffle(items)
    rule = AllocationRule(method, n, t)
    assert allocate(rule, dict(items), SEED, contest_id="c") == allocate(
        rule, totals, SEED, contest_id="c"
    )


@given(TOTALS, N, st.sampled_from(list(Method)), st.permutations(["A", "B", "C", "D", "E", "F"]))
def test_renaming_moves_seats_with_names_unless_drawn(
    totals: dict[str, int], n: int, method: Method, names: list[str]
) -> None:
    rename = dict(zip(["A", "B", "C", "D", "E", "F", "Ω", "🗳"], [*names, "Ω", "🗳"], strict=True))
    result = allocate(AllocationRule(method, n), totals, SEED, contest_id="c")
    renamed = allocate(
        AllocationRule(method, n), {rename[o]: v for o, v in totals.items()}, SEED, contest_id="c"
    )
    if not result.ties:
        assert {rename[o]: k for o, k in result.seats} == dict(renamed.seats)
    else:  # only the draw may differ: the same tie, renamed
        (a,), (b,) = result.ties, renamed.ties
        assert sorted(rename[o] for o in a.options) == list(b.options)


@given(st.lists(IDS, min_size=2, unique=True), st.binary(min_size=1, max_size=32), N)
def test_draw_is_a_permutation_of_the_tied_set(options: list[str], seed: bytes, n: int) -> None:
    order = draw(seed, "c", options, n, 1)
    assert sorted(order) == sorted(options)
    assert order == draw(seed, "c", [*reversed(options), options[0]], n, 1)
