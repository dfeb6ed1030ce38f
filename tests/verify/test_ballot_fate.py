"""What became of a ballot (protocol.md 17.7): `decide_fate`, its JSON, and the verifier's
answer from its counting state (`Counting.fate_of`), one fate at a time and against the
counting rules' own list of the lines that count."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from test_counting import AUDIT, CAST, Event, events, line, ref, run

from openballot.errors import DecodeError
from openballot.record.ballot_fate import BallotFacts, BallotFate, Fate, decide_fate
from openballot.verify.counting import Counting


def leaf_of(number: int) -> int:
    return number + 100  # as if 100 leaves preceded the ballot log


def fate(
    counting: Counting, tracker: int, credential: int = 0, district: str = "d", tally: int = 99
) -> str:
    return str(counting.fate_of(ref(tracker, credential, district), tally, leaf_of))


def test_each_fate_of_a_cast_ballot() -> None:
    counting, _ = run(
        line(1, CAST, ref(1)),  # superseded by line 3
        line(2, CAST, ref(2, 1), ok=False),  # fails its checks
        line(3, CAST, ref(3)),  # counts
        line(4, CAST, ref(4, 4, "e")),  # counts: credential 4 votes in "e"
        line(5, CAST, ref(5, 5)),  # credential 5 is on no list
        line(6, CAST, ref(6, 2)),
        line(7, AUDIT, ref(6, 2)),  # opens line 6
        line(8, AUDIT, ref(8, 3)),
        line(9, CAST, ref(8, 3)),  # never counts: its tracker was audited
    )
    assert fate(counting, 1) == "superseded by a re-vote (leaf 103)"
    assert fate(counting, 2, 1) == "not counted (it fails its checks)"
    assert fate(counting, 3) == "counted"
    assert str(counting.fate_of(ref(3), None, leaf_of)) == "recorded"
    assert fate(counting, 3, tally=2) == "not counted (it was cast after the tally)"
    assert fate(counting, 4, 4, "e") == "counted"
    assert fate(counting, 5, 5).startswith("not counted (")
    assert fate(counting, 6, 2) == "not counted (a later audit opened it)"
    assert fate(counting, 8, 3) == "audited"
    assert fate(counting, 9) == "not counted (it is not on the ballot log)"


@settings(max_examples=300, deadline=None)
@given(events)
def test_a_ballot_is_counted_exactly_when_the_counting_rules_count_its_line(
    log: list[Event],
) -> None:
    counting, _ = run(*(line(n, e.kind, e.ballot, e.ok) for n, e in enumerate(log, 1)))
    first: dict[bytes, int] = {}
    for n, e in enumerate(log, 1):
        first.setdefault(e.ballot.tracker, n)
    counted = set()
    for n in first.values():
        got = counting.fate_of(log[n - 1].ballot, len(log), leaf_of)
        if got.fate is Fate.COUNTED:
            counted.add(n)
        if got.fate is Fate.SUPERSEDED:
            assert got.superseded_by is not None
            later = got.superseded_by - 100
            assert later > n and later in counting.counted_lines() | counting.out
            assert log[later - 1].ballot.credential == log[n - 1].ballot.credential
        assert (got.fate is Fate.AUDITED) == (log[n - 1].kind is AUDIT)
    assert counted == counting.counted_lines()


def test_the_rules_apply_in_order() -> None:
    facts = BallotFacts(False, True, refused="r", superseded_by=7, opened=True)
    assert decide_fate(facts) == BallotFate(Fate.NOT_COUNTED, reason="r")
    assert decide_fate(BallotFacts(True, True, "r", 7, True)).fate is Fate.AUDITED
    assert decide_fate(BallotFacts(False, False, None, 7, True)).superseded_by == 7
    assert decide_fate(BallotFacts(False, False, opened=True)).fate is Fate.NOT_COUNTED
    assert decide_fate(BallotFacts(False, False)).fate is Fate.RECORDED
    assert decide_fate(BallotFacts(False, True)).fate is Fate.COUNTED


@pytest.mark.parametrize(
    "value",
    [
        BallotFate(Fate.COUNTED),
        BallotFate(Fate.SUPERSEDED, superseded_by=12),
        BallotFate(Fate.NOT_COUNTED, reason="it was cast after the tally"),
    ],
)
def test_json_round_trip(value: BallotFate) -> None:
    assert BallotFate.from_json({**value.to_json(), "index": 3}) == value


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"fate": "lost"},
        {"fate": "superseded"},
        {"fate": "counted", "superseded_by": 3},
        {"fate": "superseded", "superseded_by": True},
        {"fate": "superseded", "superseded_by": -1},
        {"fate": "not-counted"},
        {"fate": "not-counted", "reason": 3},
        {"fate": "audited", "reason": "x"},
    ],
)
def test_bad_fates_are_refused(value: object) -> None:
    with pytest.raises(DecodeError):
        BallotFate.from_json(value)
