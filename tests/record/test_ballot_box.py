"""The ballot box: verify, then append; identical re-casts are idempotent; audited ballots are
never cast; ineligible credentials, bad ballots and a closed election are refused, and a
refusal leaves ballots.jsonl exactly as it was."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from openballot.crypto.group import Scalar
from openballot.election.ballot import BallotOpening
from openballot.election.credentials import credential_secret, new_code
from openballot.errors import DecodeError, ProofError, ProtocolError, RecordError
from openballot.record.ballot_box import BallotBox, Recorded
from openballot.record.ballot_log import (
    AuditEntry,
    CastEntry,
    entry_line,
    parse_unverified_entry,
)
from openballot.record.files import iter_lines, write_json
from openballot.record.layout import RecordLayout

# Fixtures (conftest.py): `election` (ctx and the voters' codes), `ballots` (honest ballots),
# `layout` (an empty record directory per test).

NORTH = {"president": ["bashir"], "council-north": ["n5"], "referendum": ["yes"]}


def _box(layout: RecordLayout, election: Any) -> BallotBox:
    return BallotBox(layout, election.ctx)


def _entries(layout: RecordLayout) -> list[Any]:
    return [
        parse_unverified_entry(line, f"ballots.jsonl:{n}") for n, line in iter_lines(layout.ballots)
    ]


class Bad:
    """Ballots the box must refuse, each otherwise well made."""

    def __init__(self, election: Any, ballots: Any) -> None:
        stranger = credential_secret(election.ctx.manifest.election_id, new_code())
        self.unlisted, _ = election.vote("north", NORTH, secret=stranger)
        # a southern voter's credential on a northern ballot
        self.wrong_district, _ = election.vote("north", NORTH, secret=election.secret("south", 1))
        sig = ballots.north2.signature
        self.bad_signature = replace(
            ballots.north2, signature=replace(sig, response=sig.response + Scalar(1))
        )
        self.other_election = replace(ballots.north2, election=bytes(64))


@pytest.fixture(scope="module")
def bad(election: Any, ballots: Any) -> Bad:
    return Bad(election, ballots)


# --- casting --------------------------------------------------------------------------------


def test_cast_verifies_and_appends(layout: RecordLayout, election: Any, ballots: Any) -> None:
    box = _box(layout, election)
    assert not layout.ballots.exists()
    r1 = box.cast(ballots.north)
    assert r1 == Recorded(ballots.north.tracker(), 1, already_cast=False)
    assert layout.ballots.read_bytes() == entry_line(CastEntry(ballots.north)) + b"\n"
    r2 = box.cast(ballots.south)
    r3 = box.cast(ballots.revote)  # a re-vote of the first voter is a new ballot
    assert (r2.line, r3.line) == (2, 3)
    assert not r2.already_cast and not r3.already_cast
    entries = _entries(layout)
    assert all(isinstance(e, CastEntry) for e in entries)
    assert [e.ballot for e in entries] == [ballots.north, ballots.south, ballots.revote]


def test_identical_recast_is_idempotent(layout: RecordLayout, election: Any, ballots: Any) -> None:
    box = _box(layout, election)
    box.cast(ballots.north)
    box.cast(ballots.south)
    before = layout.ballots.read_bytes()
    again = box.cast(ballots.north)
    assert again == Recorded(ballots.north.tracker(), 1, already_cast=True)
    assert layout.ballots.read_bytes() == before
    # a box opened later on the same log knows it too
    reopened = _box(layout, election)
    assert reopened.cast(ballots.south) == Recorded(ballots.south.tracker(), 2, already_cast=True)
    assert reopened.cast(ballots.north).line == 1
    assert layout.ballots.read_bytes() == before
    assert reopened.cast(ballots.north2).line == 3


def test_audit_appends_an_audit_entry(layout: RecordLayout, election: Any, ballots: Any) -> None:
    box = _box(layout, election)
    r = box.audit(ballots.north, ballots.north_opening)
    assert r == Recorded(ballots.north.tracker(), 1)
    (entry,) = _entries(layout)
    assert isinstance(entry, AuditEntry)
    assert entry.ballot == ballots.north
    assert entry.opening == ballots.north_opening


def test_audited_ballot_can_never_be_cast(
    layout: RecordLayout, election: Any, ballots: Any
) -> None:
    box = _box(layout, election)
    box.audit(ballots.north, ballots.north_opening)
    before = layout.ballots.read_bytes()
    message = f"ballot {ballots.north.tracker().hex()} was audited and can never be cast"
    with pytest.raises(ProtocolError, match="^" + re.escape(message)):
        box.cast(ballots.north)
    with pytest.raises(ProtocolError, match="^" + re.escape(message)):
        _box(layout, election).cast(ballots.north)
    assert layout.ballots.read_bytes() == before
    # the voter casts a fresh ballot instead
    assert box.cast(ballots.revote).line == 2


def test_cast_ballot_cannot_be_audited(layout: RecordLayout, election: Any, ballots: Any) -> None:
    box = _box(layout, election)
    box.cast(ballots.north)
    box.audit(ballots.revote, ballots.revote_opening)
    before = layout.ballots.read_bytes()
    for b, o in ((ballots.north, ballots.north_opening), (ballots.revote, ballots.revote_opening)):
        with pytest.raises(ProtocolError, match=r"^ballot [0-9a-f]{64} is already on the ballot"):
            box.audit(b, o)
    assert layout.ballots.read_bytes() == before


# --- refusals leave the log unchanged -------------------------------------------------------


def _close(layout: RecordLayout) -> None:
    write_json(layout.tally, {"placeholder": True})


Refusal = Callable[[BallotBox, RecordLayout, Any, Bad], object]

REFUSED: dict[str, tuple[Refusal, type[Exception], str]] = {
    "unlisted credential": (
        lambda box, _l, b, bad: box.cast(bad.unlisted),
        ProtocolError, "credential is not on the credential list of district 'north'"),
    "credential of another district": (
        lambda box, _l, b, bad: box.cast(bad.wrong_district),
        ProtocolError, "credential is not on the credential list of district 'north'"),
    "bad signature": (
        lambda box, _l, b, bad: box.cast(bad.bad_signature),
        ProofError, "credential signature fails"),
    "another election": (
        lambda box, _l, b, bad: box.cast(bad.other_election),
        ProtocolError, "ballot is for another election"),
    "audit with a wrong opening": (
        lambda box, _l, b, bad: box.audit(b.north2, b.north_opening),
        ProtocolError, "contest 'president', option 'amal': audit opening does not match"),
    "audit of an unlisted credential": (
        lambda box, _l, b, bad: box.audit(bad.unlisted, BallotOpening(())),
        ProtocolError, "credential is not on the credential list of district 'north'"),
    "closed: cast": (
        lambda box, layout, b, bad: (_close(layout), box.cast(b.north2)),
        ProtocolError, "the election is closed: the tally has been computed"),
    "closed: identical re-cast": (
        lambda box, layout, b, bad: (_close(layout), box.cast(b.south)),
        ProtocolError, "the election is closed"),
    "closed: audit": (
        lambda box, layout, b, bad: (_close(layout), box.audit(b.revote, b.revote_opening)),
        ProtocolError, "the election is closed"),
}  # fmt: skip


CASES = [(name, True) for name in REFUSED] + [
    (name, False)
    for name in REFUSED
    if "re-cast" not in name  # a re-cast needs a log
]


@pytest.mark.parametrize(
    ("name", "log_exists"), CASES, ids=[f"{n}, {'log' if e else 'no log'}" for n, e in CASES]
)
def test_refused_cast_leaves_the_log_unchanged(
    layout: RecordLayout, election: Any, ballots: Any, bad: Bad, name: str, log_exists: bool
) -> None:
    refuse, error, message = REFUSED[name]
    box = _box(layout, election)
    before = b""
    if log_exists:
        box.cast(ballots.south)
        before = layout.ballots.read_bytes()
    # A refusal by the acceptance policy names the ballot first.
    with pytest.raises(error, match="^(ballot [0-9a-f]{64}: )?" + re.escape(message)):
        refuse(box, layout, ballots, bad)
    if log_exists:
        assert layout.ballots.read_bytes() == before
        assert [n for n, _ in iter_lines(layout.ballots)] == [1]
    else:
        assert not layout.ballots.exists()


def test_refused_ballot_can_be_cast_after_a_valid_one(
    layout: RecordLayout, election: Any, ballots: Any, bad: Bad
) -> None:
    box = _box(layout, election)
    with pytest.raises(ProtocolError):
        box.cast(bad.wrong_district)
    assert box.cast(ballots.north).line == 1


# --- opening a box on an existing log -------------------------------------------------------


def test_box_refuses_a_truncated_log(layout: RecordLayout, election: Any, ballots: Any) -> None:
    _box(layout, election).cast(ballots.north)
    with layout.ballots.open("ab") as f:
        f.write(b'{"type":"cast"')
    with pytest.raises(RecordError, match=r"line 2 is truncated"):
        _box(layout, election)


def test_box_refuses_an_unreadable_line(layout: RecordLayout, election: Any, ballots: Any) -> None:
    _box(layout, election).cast(ballots.north)
    with layout.ballots.open("ab") as f:
        f.write(b'{"type":"vote"}\n')
    with pytest.raises(DecodeError, match=r"^ballots\.jsonl:2\.type: expected 'cast' or 'audit'"):
        _box(layout, election)
