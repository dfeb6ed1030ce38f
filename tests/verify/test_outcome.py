"""The verifier agrees with the writer: for any counts, the result written (`Result.of`) and
read back compares clean against the verifier's own recomputation, every seat is accounted
for (seats + unfilled = N), and one changed seat, tie or figure is exactly one finding."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openballot.election.context import ElectionContext
from openballot.election.result import Result
from openballot.election.tally import Slot, Tally, tally_slots
from openballot.testing import honest_election
from openballot.verify.checks import Check
from openballot.verify.findings import Report
from openballot.verify.outcome import compare_outcome


@pytest.fixture(scope="module")
def ctx() -> ElectionContext:
    """The demo manifest (seats in three contests), 5 credentials per district."""
    return honest_election(voters=5).ctx


@st.composite
def outcomes(draw: Any, ctx: ElectionContext) -> tuple[Tally, list[tuple[Slot, int]]]:
    """Ballots counted per district (up to its credentials), and counts each contest's
    ballots can hold (at most max_selections per ballot, at most one per option)."""
    counted = {d: draw(st.integers(0, 5)) for d in ctx.manifest.district_ids()}
    counts = []
    for contest in ctx.manifest.contests:
        for d in contest.districts:
            room = counted[d] * contest.max_selections
            for option in contest.options:
                n = min(draw(st.integers(0, counted[d])), room)
                room -= n
                counts.append(((contest.id, d, option.id), n))
    assert [slot for slot, _ in counts] == list(tally_slots(ctx))
    root = draw(st.binary(min_size=32, max_size=32))
    return Tally(sum(counted.values()), root, tuple(counted.items()), ()), counts


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=st.data())
def test_writer_and_verifier_agree(ctx: ElectionContext, data: st.DataObject) -> None:
    tally, counts = data.draw(outcomes(ctx))
    written = Result.of(ctx, tally, (1, 2), counts)
    read = Result.from_json(written.to_json(), ctx)
    report = Report()
    compare_outcome(read, Result.of(ctx, tally, (1, 2), counts), report)
    assert report.findings == []
    for contest in ctx.manifest.contests:
        if contest.seats is None:
            continue
        given_ = sum(n for c, _, n in read.outcome.seats if c == contest.id)
        unfilled = sum(n for c, n in read.outcome.unfilled if c == contest.id)
        assert given_ + unfilled == contest.seats.seats
    for f in read.contests:
        assert f.blank >= 0


@SETTINGS
@given(data=st.data())
def test_one_changed_entry_is_one_finding(ctx: ElectionContext, data: st.DataObject) -> None:
    tally, counts = data.draw(outcomes(ctx))
    mine = Result.of(ctx, tally, (1, 2), counts)
    seats = list(mine.outcome.seats)
    i = data.draw(st.integers(0, len(seats) - 1))
    c, o, n = seats[i]
    seats[i] = (c, o, n + data.draw(st.integers(1, 3)))
    theirs = dataclasses.replace(
        mine, outcome=dataclasses.replace(mine.outcome, seats=tuple(seats))
    )
    report = Report()
    compare_outcome(theirs, mine, report)
    assert [f.check for f in report.findings] == [Check.RESULT_SEATS]
    assert repr(c) in report.findings[0].where and repr(o) in report.findings[0].where

    districts = list(mine.districts)
    k = data.draw(st.integers(0, len(districts) - 1))
    districts[k] = dataclasses.replace(districts[k], credentials=districts[k].credentials + 1)
    report = Report()
    compare_outcome(dataclasses.replace(mine, districts=tuple(districts)), mine, report)
    assert [f.check for f in report.findings] == [Check.RESULT_FIGURES]
