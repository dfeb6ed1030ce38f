"""The counting rules of protocol.md 13.2 (openballot.verify.counting), without any crypto:
lines are made up, each already checked on its own, and fed in log order.

The property tests compare the state machine with a reference written the other way round:
for each line, it looks at the whole log at once (which line first had this tracker, which
valid eligible cast of this credential comes last, which audit opens it later)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.election.acceptance import AcceptancePolicy, BallotKind, BallotRef
from openballot.verify.checks import Check
from openballot.verify.counting import CheckedLine, Counting, First
from openballot.verify.findings import Finding

CAST, AUDIT = BallotKind.CAST, BallotKind.AUDIT
# Credentials 0..3 vote in district "d"; credential 4 is on the list of "e" only; 5 on none.
DISTRICT_OF = {bytes([c]) * 32: "d" for c in range(4)} | {bytes([4]) * 32: "e"}


def policy() -> AcceptancePolicy:
    # The order and eligibility rules never read the election context.
    return AcceptancePolicy(None, DISTRICT_OF)  # type: ignore[arg-type]


def ref(tracker: int, credential: int = 0, district: str = "d") -> BallotRef:
    return BallotRef(bytes([tracker]) * 32, bytes([credential]) * 32, district)


def line(number: int, kind: BallotKind, ballot: BallotRef, ok: bool = True) -> CheckedLine:
    where = f"ballots.jsonl:{number} ballot {ballot.tracker.hex()[:16]}"
    check = Check.BALLOT_PROOF if kind is CAST else Check.AUDIT_OPENING
    return CheckedLine(number, kind, ballot, where, None if ok else Finding(check, where, "bad"))


def run(*lines: CheckedLine) -> tuple[Counting, list[list[Check]]]:
    counting = Counting(policy())
    return counting, [[f.check for f in counting.add(x)] for x in lines]


# --- one rule at a time ---------------------------------------------------------------------


def test_the_last_valid_eligible_ballot_of_a_credential_counts() -> None:
    counting, checks = run(line(1, CAST, ref(1)), line(2, CAST, ref(2)), line(3, CAST, ref(3)))
    assert checks == [[], [], []]
    assert counting.counted_lines() == {3}
    assert counting.out == {1, 2}
    assert (counting.cast, counting.superseded) == (3, 2)
    assert counting.state(ref(1).tracker) == 1  # a valid cast: its line


def test_an_invalid_or_ineligible_later_ballot_supersedes_nothing() -> None:
    counting, checks = run(
        line(1, CAST, ref(1)),
        line(2, CAST, ref(2), ok=False),
        line(3, CAST, ref(3, district="e")),  # credential 0 is not on the list of "e"
    )
    assert checks == [[], [Check.BALLOT_PROOF], [Check.BALLOT_ELIGIBILITY]]
    assert counting.counted_lines() == {1}
    assert counting.out == {3}  # the ineligible one was added by its worker; line 2 was not
    assert counting.state(ref(2).tracker) is First.INVALID_CAST
    assert counting.superseded == 0


def test_a_repeated_cast_line_is_a_duplicate_and_never_supersedes() -> None:
    counting, checks = run(line(1, CAST, ref(1)), line(2, CAST, ref(2)), line(3, CAST, ref(1)))
    assert checks == [[], [], [Check.BALLOT_DUPLICATE]]
    assert counting.counted_lines() == {2}
    assert counting.out == {1, 3}
    assert counting.cast == 2


def test_a_repeat_of_an_invalid_first_cast_is_a_duplicate_too() -> None:
    counting, checks = run(line(1, CAST, ref(1), ok=False), line(2, CAST, ref(1)))
    assert checks == [[Check.BALLOT_PROOF], [Check.BALLOT_DUPLICATE]]
    assert counting.counted_lines() == set()
    assert counting.out == {2}


def test_an_audited_ballot_can_never_be_cast() -> None:
    for audit_ok in (True, False):
        counting, checks = run(line(1, AUDIT, ref(1), ok=audit_ok), line(2, CAST, ref(1)))
        first = [] if audit_ok else [Check.AUDIT_OPENING]
        assert checks == [first, [Check.AUDIT_CAST]]
        assert counting.counted_lines() == set()
        assert counting.out == {2}
        assert counting.state(ref(1).tracker) is First.AUDIT
        assert (counting.cast, counting.audited) == (0, 1)


def test_a_valid_opening_of_a_cast_ballot_stops_it_counting_without_reviving_earlier_ones() -> None:
    counting, checks = run(line(1, CAST, ref(1)), line(2, CAST, ref(2)), line(3, AUDIT, ref(2)))
    assert checks == [[], [], [Check.AUDIT_CAST]]
    assert counting.counted_lines() == set()
    assert counting.out == {1, 2}


def test_a_failing_opening_of_a_cast_ballot_cancels_nothing() -> None:
    counting, checks = run(line(1, CAST, ref(1)), line(2, AUDIT, ref(1), ok=False))
    assert checks == [[], [Check.AUDIT_OPENING, Check.AUDIT_CAST]]
    assert counting.counted_lines() == {1}
    assert counting.out == set()


def test_an_audit_repeated_is_a_duplicate_and_an_ineligible_audit_is_reported() -> None:
    counting, checks = run(line(1, AUDIT, ref(1, credential=5)), line(2, AUDIT, ref(1, 5)))
    assert checks == [
        [Check.AUDIT_ELIGIBILITY],
        [Check.AUDIT_ELIGIBILITY, Check.BALLOT_DUPLICATE],
    ]
    assert counting.audited == 2


def test_findings_name_the_line_and_say_what_the_rule_does_to_the_count() -> None:
    counting = Counting(policy())
    counting.add(line(1, CAST, ref(1)))
    (f,) = counting.add(line(7, AUDIT, ref(1)))
    assert f.where == f"ballots.jsonl:7 ballot {ref(1).tracker.hex()[:16]}"
    assert "opened and stops counting" in f.message
    (f,) = counting.add(line(8, CAST, ref(9, credential=5)))
    assert f.check is Check.BALLOT_ELIGIBILITY
    assert "not on the credential list of district 'd'" in f.message


# --- against a reference model --------------------------------------------------------------

# A ballot (tracker) has one credential and district; its lines may cast or audit it.
BALLOTS = [ref(t, credential=t % 6, district="e" if t % 7 == 3 else "d") for t in range(10)]


@dataclass(frozen=True)
class Event:
    kind: BallotKind
    ballot: BallotRef
    ok: bool


events = st.lists(
    st.builds(Event, st.sampled_from([CAST, AUDIT]), st.sampled_from(BALLOTS), st.booleans()),
    max_size=40,
)


def reference(log: list[Event]) -> dict[str, Any]:
    """13.2 read declaratively, over the whole log at once."""

    def first(n: int) -> int:  # the first line (1-based) with line n's tracker
        return next(i for i in range(1, n + 1) if log[i - 1].ballot == log[n - 1].ballot)

    def eligible(e: Event) -> bool:
        return DISTRICT_OF.get(e.ballot.credential) == e.ballot.district

    def candidate(n: int) -> bool:  # a first-seen, valid, eligible cast ballot
        e = log[n - 1]
        return e.kind is CAST and e.ok and eligible(e) and first(n) == n

    lines = range(1, len(log) + 1)
    candidates = [n for n in lines if candidate(n)]
    last = {log[n - 1].ballot.credential: n for n in candidates}
    opened = {
        first(n)
        for n in lines
        if log[n - 1].kind is AUDIT and log[n - 1].ok and log[first(n) - 1].kind is CAST
    }
    checks: list[list[Check]] = []
    for n in lines:
        e, f = log[n - 1], log[first(n) - 1]
        mine: list[Check] = []
        if e.kind is AUDIT:
            if not e.ok:
                mine.append(Check.AUDIT_OPENING)
            elif not eligible(e):
                mine.append(Check.AUDIT_ELIGIBILITY)
            if first(n) != n:
                mine.append(Check.AUDIT_CAST if f.kind is CAST else Check.BALLOT_DUPLICATE)
        elif first(n) != n:
            mine.append(Check.AUDIT_CAST if f.kind is AUDIT else Check.BALLOT_DUPLICATE)
        elif not e.ok:
            mine.append(Check.BALLOT_PROOF)
        elif not eligible(e):
            mine.append(Check.BALLOT_ELIGIBILITY)
        checks.append(mine)
    return {
        "counted": set(last.values()) - opened,
        "checks": checks,
        "cast": sum(1 for n in lines if log[n - 1].kind is CAST and first(n) == n),
        "audited": sum(1 for e in log if e.kind is AUDIT),
        "superseded": len(candidates) - len(last),
    }


@settings(max_examples=300, deadline=None)
@given(events)
def test_counting_matches_the_reference_model(log: list[Event]) -> None:
    counting, checks = run(*(line(n, e.kind, e.ballot, e.ok) for n, e in enumerate(log, 1)))
    want = reference(log)
    assert counting.counted_lines() == want["counted"]
    assert checks == want["checks"]
    assert (counting.cast, counting.audited, counting.superseded) == (
        want["cast"],
        want["audited"],
        want["superseded"],
    )


@settings(max_examples=300, deadline=None)
@given(events)
def test_only_lines_a_worker_added_are_taken_back_and_the_rest_count(log: list[Event]) -> None:
    """The tally is the workers' sum (every valid cast line) minus `out`: so `out` must hold
    only valid cast lines, and what remains must be exactly the counted lines."""
    counting, _ = run(*(line(n, e.kind, e.ballot, e.ok) for n, e in enumerate(log, 1)))
    added = {n for n, e in enumerate(log, 1) if e.kind is CAST and e.ok}
    assert counting.out <= added
    assert added - counting.out == counting.counted_lines()
    # at most one counted ballot per credential
    credentials = [log[n - 1].ballot.credential for n in counting.counted_lines()]
    assert len(credentials) == len(set(credentials))


@pytest.mark.parametrize("kind", [CAST, AUDIT])
def test_the_state_of_a_tracker_is_fixed_by_its_first_line(kind: BallotKind) -> None:
    counting, _ = run(
        line(1, kind, ref(1), ok=False), line(2, CAST, ref(1)), line(3, AUDIT, ref(1))
    )
    assert counting.state(ref(1).tracker) is (First.AUDIT if kind is AUDIT else First.INVALID_CAST)
    assert counting.state(ref(2).tracker) is None
