"""What the verifier found: one finding per failed check, each with a stable check id."""

from __future__ import annotations

from dataclasses import dataclass, field

from openballot.record.ballot_fate import BallotFate
from openballot.verify.checks import Check

__all__ = ["Finding", "Report"]


@dataclass(frozen=True, slots=True)
class Finding:
    check: Check  # a stable id of openballot.verify.checks, listed in docs/record.md
    where: str  # the object: file, line, tracker, trustee, contest
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.where}: {self.message}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    ballots_checked: int = 0
    cast: int = 0
    audited: int = 0
    counted: int = 0
    superseded: int = 0
    #: Voting is still open (no tally yet): what exists was verified, and no count can be.
    still_open: bool = False
    #: What became of the ballot of each receipt given (its `where`, its fate), in order.
    fates: list[tuple[str, BallotFate]] = field(default_factory=list)

    def add(self, check: Check, where: str, message: str) -> None:
        self.findings.append(Finding(check, where, message))

    @property
    def ok(self) -> bool:
        return not self.findings
