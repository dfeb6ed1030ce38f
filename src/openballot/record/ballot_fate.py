"""What became of a ballot (protocol.md 17.7): one definition for the board and the verifier.

The counting rules (13.2) decide which ballots count; a voter holding a receipt wants the
answer for hers. The board works it out from its store and the verifier from its counting
state, and both hand what they know to `decide_fate`, so that the two cannot disagree on the
order of the rules (an ineligible ballot is "not counted", not "superseded"; a ballot cast
after the tally is "not counted" even when nothing came after it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from openballot.errors import DecodeError
from openballot.jsonfields import get_str, obj

__all__ = ["Fate", "BallotFacts", "BallotFate", "decide_fate"]


class Fate(Enum):
    """The values of the status answer's `fate` field."""

    RECORDED = "recorded"  # on the board, voting open, the credential's last ballot
    AUDITED = "audited"  # opened by the voter's challenge: it never counts
    SUPERSEDED = "superseded"  # a later ballot of the same credential counts instead
    COUNTED = "counted"  # in the tally
    NOT_COUNTED = "not-counted"  # for `reason`


@dataclass(frozen=True, slots=True)
class BallotFacts:
    """What the counting rules know of the first line that holds a tracker.

    `refused`: why that line, a cast ballot, can never count (it fails its checks, its
    credential is not on its district's list, it was cast after the tally); `superseded_by`:
    the board-log index of the credential's last valid, eligible cast ballot, when that is a
    later line; `opened`: a later audit whose opening holds opened the cast ballot."""

    audited: bool
    tallied: bool
    refused: str | None = None
    superseded_by: int | None = None
    opened: bool = False


@dataclass(frozen=True, slots=True)
class BallotFate:
    fate: Fate
    superseded_by: int | None = None  # only for SUPERSEDED: a board-log leaf index
    reason: str | None = None  # only for NOT_COUNTED

    def __post_init__(self) -> None:
        if (self.superseded_by is not None) != (self.fate is Fate.SUPERSEDED):
            raise DecodeError(f"fate {self.fate.value!r}: superseded_by goes with 'superseded'")
        if (self.reason is not None) != (self.fate is Fate.NOT_COUNTED):
            raise DecodeError(f"fate {self.fate.value!r}: a reason goes with 'not-counted'")

    def __str__(self) -> str:
        """As the command line prints it."""
        if self.fate is Fate.SUPERSEDED:
            return f"superseded by a re-vote (leaf {self.superseded_by})"
        if self.fate is Fate.NOT_COUNTED:
            return f"not counted ({self.reason})"
        return str(self.fate.value)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fate": self.fate.value}
        if self.superseded_by is not None:
            out["superseded_by"] = self.superseded_by
        if self.reason is not None:
            out["reason"] = self.reason
        return out

    @classmethod
    def from_json(cls, value: Any, where: str = "status") -> BallotFate:
        """The fate fields of a status answer (others, the receipt's, are ignored)."""
        o = obj(value, where)
        name = get_str(o, "fate", where)
        try:
            fate = Fate(name)
        except ValueError:
            raise DecodeError(f"{where}.fate: unknown fate {name!r}") from None
        later = o.get("superseded_by")
        if later is not None and (
            not isinstance(later, int) or isinstance(later, bool) or later < 0
        ):
            raise DecodeError(f"{where}.superseded_by: expected a leaf index")
        reason = o.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise DecodeError(f"{where}.reason: expected text")
        return cls(fate, later, reason)


def decide_fate(facts: BallotFacts) -> BallotFate:
    """Protocol.md 17.7, in its order: the first rule that applies decides."""
    if facts.audited:
        return BallotFate(Fate.AUDITED)
    if facts.refused is not None:
        return BallotFate(Fate.NOT_COUNTED, reason=facts.refused)
    if facts.superseded_by is not None:
        return BallotFate(Fate.SUPERSEDED, superseded_by=facts.superseded_by)
    if facts.opened:
        return BallotFate(Fate.NOT_COUNTED, reason="a later audit opened it")
    return BallotFate(Fate.COUNTED if facts.tallied else Fate.RECORDED)
