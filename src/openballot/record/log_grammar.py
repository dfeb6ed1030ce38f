"""The order of the board log (protocol.md 17.1.1): which leaf may come next, defined once.

`LogOrder` is the state of a log read so far, reduced to what its grammar needs: a frozen
value, so that checking a leaf (`breaches`) changes nothing, and stepping over it (`after`)
makes a new one. The board checks every leaf with it before appending it, and the verifier
replays an exported log through it and reports each broken rule.

A leaf that breaks a rule still moves the state on as its kind says (a tally out of place
still closes the election), so one misplaced leaf is reported where it is, and the leaves
after it are judged against the log as it is.

Ballot leaves are taken by kind (`CastEntry`, `AuditEntry`), since their place is all the
grammar needs; the verifier then need not decode them here, and the board can step over
many at once (`after_ballots`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum, StrEnum
from typing import Any, assert_never

from openballot.record.ballot_log import AuditEntry, CastEntry
from openballot.record.board_entries import (
    BoardEntry,
    CeremonyOkEntry,
    ComplaintsEntry,
    CredentialsEntry,
    DecryptionEntry,
    ElectionEntry,
    KeyCommitmentEntry,
    LeafRead,
    ManifestEntry,
    ResultEntry,
    SharesEntry,
    TallyEntry,
    TrusteeKeyEntry,
)

__all__ = ["Rule", "Phase", "Breach", "LogOrder"]


class Rule(StrEnum):
    """A rule of the log's grammar (protocol.md 17.1.1). Its id is the verifier's check id
    for a breach of it, so it is stable; `verify.checks.Check` says what each means."""

    MANIFEST = "order.manifest"
    TRUSTEE = "order.trustee"
    ONCE = "order.once"
    COMMITMENT = "order.commitment"
    SETUP = "order.setup"
    SHARES = "order.shares"
    VERDICT = "order.verdict"
    OPENING = "order.opening"
    BALLOT = "order.ballot"
    TALLY = "order.tally"
    TALLY_SIZE = "order.tally-size"
    DECRYPTION = "order.decryption"
    RESULT = "order.result"


class Phase(Enum):
    """Where a log is: each kind of leaf but the manifest belongs to one phase."""

    EMPTY = "empty"  # no leaf yet: only the manifest may come
    SETUP = "setup"  # keys, shares, verdicts, credentials; the election leaf ends it
    OPEN = "open"  # ballots; the tally ends it
    CLOSED = "closed"  # decryptions; the result ends it
    DECRYPTED = "decrypted"  # nothing may follow the result


@dataclass(frozen=True, slots=True)
class Breach:
    """A rule the next leaf would break, and how."""

    rule: Rule
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass(frozen=True, slots=True)
class LogOrder:
    """A log read so far, as its grammar sees it. `LogOrder()` is the empty log."""

    size: int = 0  # leaves stepped over
    trustees: int | None = None  # n, from the manifest (unknown without one)
    manifest: bool = False
    commitments: frozenset[int] = frozenset()
    keys: frozenset[int] = frozenset()
    shares: frozenset[int] = frozenset()
    verdicts: frozenset[int] = frozenset()  # ceremony-ok or complaints
    complaints: bool = False
    credentials: bool = False
    opened: bool = False
    ballots: int = 0  # ballot leaves stepped over
    closed: bool = False
    decryptions: frozenset[int] = frozenset()
    decided: bool = False  # the result is on the log

    @property
    def phase(self) -> Phase:
        # The latest phase reached: a leaf out of place has moved the log on all the same.
        if self.decided:
            return Phase.DECRYPTED
        if self.closed:
            return Phase.CLOSED
        if self.opened:
            return Phase.OPEN
        return Phase.SETUP if self.size else Phase.EMPTY

    # --- what a leaf would break ----------------------------------------------------------

    def breaches(self, leaf: LeafRead) -> tuple[Breach, ...]:
        """Every rule the leaf would break as the next leaf of this log (none: it may come)."""
        if isinstance(leaf, type | CastEntry | AuditEntry):  # a ballot, or its kind
            return self._ballot_breaches(leaf.TAG)
        found: list[Breach] = []
        trustee = _trustee_of(leaf)
        if trustee is not None:
            found += self._trustee_breaches(leaf.TAG, trustee)
        match leaf:
            case ManifestEntry():
                if self.size:
                    found.append(Breach(Rule.MANIFEST, f"a manifest at leaf {self.size}"))
            case KeyCommitmentEntry():
                found += self._setup_breaches(leaf.TAG, trustee in self.commitments)
                if self.keys:
                    found.append(Breach(Rule.COMMITMENT, "a key commitment after a revealed key"))
            case TrusteeKeyEntry():
                found += self._setup_breaches(leaf.TAG, trustee in self.keys)
                if not self._all(self.commitments):
                    found.append(
                        Breach(Rule.COMMITMENT, self._missing("key commitments", self.commitments))
                    )
            case SharesEntry():
                found += self._setup_breaches(leaf.TAG, trustee in self.shares)
                if not self._all(self.keys):
                    found.append(Breach(Rule.SHARES, self._missing("keys", self.keys)))
            case CeremonyOkEntry() | ComplaintsEntry():
                found += self._setup_breaches(leaf.TAG, trustee in self.verdicts)
                if not self._all(self.shares):
                    found.append(Breach(Rule.VERDICT, self._missing("shares", self.shares)))
            case CredentialsEntry():
                found += self._setup_breaches(leaf.TAG, self.credentials)
            case ElectionEntry():
                found += self._opening_breaches()
            case TallyEntry():
                found += self._tally_breaches(leaf.tally)
            case DecryptionEntry():
                if trustee in self.decryptions:
                    found.append(Breach(Rule.ONCE, f"trustee {trustee} decrypts again"))
                if self.phase is not Phase.CLOSED:
                    found.append(Breach(Rule.DECRYPTION, f"a decryption {self._where()}"))
            case ResultEntry():
                if self.decided:
                    found.append(Breach(Rule.ONCE, "a second result"))
                elif not self.closed:
                    found.append(Breach(Rule.RESULT, f"the result {self._where()}"))
            case CastEntry() | AuditEntry():  # pragma: no cover - taken above
                pass
            case _:
                assert_never(leaf)
        if not self.size and not isinstance(leaf, ManifestEntry):
            found.insert(0, Breach(Rule.MANIFEST, f"leaf 0 is a {leaf.TAG!r} leaf"))
        return tuple(found)

    def _ballot_breaches(self, tag: str) -> tuple[Breach, ...]:
        found = []
        if not self.size:
            found.append(Breach(Rule.MANIFEST, f"leaf 0 is a {tag!r} leaf"))
        if self.phase is not Phase.OPEN:
            found.append(Breach(Rule.BALLOT, f"a {tag!r} leaf {self._where()}"))
        return tuple(found)

    def _trustee_breaches(self, tag: str, trustee: int) -> list[Breach]:
        if self.trustees is None or 1 <= trustee <= self.trustees:
            return []
        return [Breach(Rule.TRUSTEE, f"a {tag!r} leaf of trustee {trustee} of {self.trustees}")]

    def _setup_breaches(self, tag: str, again: bool) -> list[Breach]:
        """A leaf of the setup: once (per trustee), and before the election leaf."""
        found = []
        if again:
            found.append(Breach(Rule.ONCE, f"a {tag!r} leaf repeats an earlier one"))
        if self.phase not in (Phase.EMPTY, Phase.SETUP):
            found.append(Breach(Rule.SETUP, f"a {tag!r} leaf {self._where()}"))
        return found

    def _opening_breaches(self) -> list[Breach]:
        if self.opened:
            return [Breach(Rule.ONCE, "a second election leaf")]
        if self.phase not in (Phase.EMPTY, Phase.SETUP):
            return [Breach(Rule.OPENING, f"the election leaf {self._where()}")]
        found = []
        if not self._all(self.verdicts):
            found.append(Breach(Rule.OPENING, self._missing("verdicts", self.verdicts)))
        if self.complaints:
            found.append(Breach(Rule.OPENING, "the election opens after a complaint"))
        if not self.credentials:
            found.append(Breach(Rule.OPENING, "the election opens before the credential list"))
        return found

    def _tally_breaches(self, tally: Any) -> list[Breach]:
        if self.closed:
            return [Breach(Rule.ONCE, "a second tally")]
        found = []
        if self.phase is not Phase.OPEN:
            found.append(Breach(Rule.TALLY, f"the tally {self._where()}"))
        size = _tally_size(tally)
        if size is not None and size != self.ballots:
            found.append(
                Breach(
                    Rule.TALLY_SIZE,
                    f"the tally is of a ballot log of {size} lines, but "
                    f"{self.ballots} ballot leaves precede it",
                )
            )
        return found

    def _all(self, done: frozenset[int]) -> bool:
        """Whether every trustee 1..n is in `done` (true when n is unknown: the missing
        manifest is the breach then)."""
        return self.trustees is None or done >= frozenset(range(1, self.trustees + 1))

    def _missing(self, what: str, done: frozenset[int]) -> str:
        assert self.trustees is not None
        have = len(done & frozenset(range(1, self.trustees + 1)))
        return f"only {have} of the {self.trustees} trustees' {what} precede it"

    def _where(self) -> str:
        return {
            Phase.EMPTY: "at leaf 0",
            Phase.SETUP: "before the election leaf",
            Phase.OPEN: "while the election is open",
            Phase.CLOSED: "after the tally",
            Phase.DECRYPTED: "after the result",
        }[self.phase]

    # --- stepping over a leaf -------------------------------------------------------------

    def after(self, leaf: LeafRead) -> LogOrder:
        """The log with `leaf` appended, whether or not it breaks a rule."""
        if isinstance(leaf, type | CastEntry | AuditEntry):  # a ballot, or its kind
            return self.after_ballots(1)
        trustee = _trustee_of(leaf)
        mine = frozenset[int]() if trustee is None else frozenset({trustee})
        new = replace(self, size=self.size + 1)
        match leaf:
            case ManifestEntry():
                if self.manifest:
                    return new
                return replace(new, manifest=True, trustees=leaf.trustees)
            case KeyCommitmentEntry():
                return replace(new, commitments=self.commitments | mine)
            case TrusteeKeyEntry():
                return replace(new, keys=self.keys | mine)
            case SharesEntry():
                return replace(new, shares=self.shares | mine)
            case CeremonyOkEntry():
                return replace(new, verdicts=self.verdicts | mine)
            case ComplaintsEntry():
                return replace(new, verdicts=self.verdicts | mine, complaints=True)
            case CredentialsEntry():
                return replace(new, credentials=True)
            case ElectionEntry():
                return replace(new, opened=True)
            case TallyEntry():
                return replace(new, closed=True)
            case DecryptionEntry():
                return replace(new, decryptions=self.decryptions | mine)
            case ResultEntry():
                return replace(new, decided=True)
            case CastEntry() | AuditEntry():  # pragma: no cover - taken above
                return self.after_ballots(1)
            case _:
                assert_never(leaf)

    def after_ballots(self, count: int) -> LogOrder:
        """The log with `count` ballot leaves appended (the board steps over the ballots
        appended since its last other leaf at once: `breaches(CastEntry)` says whether they
        may come)."""
        if count < 0:
            raise ValueError(f"cannot step over {count} ballot leaves")
        return replace(self, size=self.size + count, ballots=self.ballots + count)

    def finish(self) -> tuple[Breach, ...]:
        """What the whole log breaks once its last leaf is read: an empty log has no
        manifest. (Every prefix of an honest log is grammatical: a log may end anywhere.)"""
        if self.size:
            return ()
        return (Breach(Rule.MANIFEST, "the log is empty: leaf 0 must be the manifest"),)


def _trustee_of(leaf: BoardEntry) -> int | None:
    """The trustee a leaf is of (checked to be an integer from 1 when the leaf was built)."""
    match leaf:
        case KeyCommitmentEntry():
            return int(leaf.commitment["index"])
        case TrusteeKeyEntry():
            return int(leaf.key["index"])
        case SharesEntry():
            return leaf.sender
        case CeremonyOkEntry():
            return leaf.trustee
        case ComplaintsEntry():
            return leaf.accuser
        case DecryptionEntry():
            return int(leaf.decryption["trustee"])
        case _:
            return None


def _tally_size(tally: Any) -> int | None:
    """The tally's `ballot_log.size`, or None when it has none to read (the verifier's
    `tally.decode` reports that, the board never writes such a tally)."""
    log = tally.get("ballot_log") if isinstance(tally, dict) else None
    size = log.get("size") if isinstance(log, dict) else None
    return size if isinstance(size, int) and not isinstance(size, bool) else None
