"""The per-ballot part of verification, run on all local cores.

Lines of ballots.jsonl are handed out in chunks; each worker decodes and verifies its ballots
and multiplies the ciphertexts of its valid cast ballots into partial tallies. The main
process then applies the rules that need the whole log (eligibility, duplicates, re-votes,
audited ballots never counted) and takes back the partial-tally contributions of ballots that
do not count. Memory stays bounded by the number of credentials, never the number of ballots.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from openballot.crypto.elgamal import Ciphertext
from openballot.crypto.group import Element
from openballot.election.ballot import verify_ballot, verify_opening
from openballot.election.context import ElectionContext
from openballot.election.tally import Slot, TallyBuilder
from openballot.errors import OpenBallotError
from openballot.record.ballot_log import AuditEntry, CastEntry, Entry, parse_unverified_entry
from openballot.record.files import iter_lines
from openballot.record.merkle import MerkleRoot

__all__ = [
    "LineOutcome",
    "LineSource",
    "BallotLogSummary",
    "check_ballot_log",
    "check_ballot_lines",
]

CHUNK_LINES = 200
#: Opens the log afresh each time it is called: the ballot pass reads it twice.
LineSource = Callable[[], Iterator[tuple[int, bytes]]]
# A line is hostile input: whatever it makes a check raise is a finding about that line, not
# a crash of the whole verification (RecursionError: JSON nested thousands deep).
_UNTRUSTED_INPUT_ERRORS = (OpenBallotError, ValueError, TypeError, KeyError, RecursionError)


@dataclass(frozen=True, slots=True)
class LineOutcome:
    line: int
    kind: str  # "cast", "audit" or "invalid"
    tracker: bytes
    credential: bytes
    district: str
    error: str  # empty when the ballot is valid on its own


@dataclass
class BallotLogSummary:
    log_size: int
    log_root: bytes
    builder: TallyBuilder
    outcomes_with_errors: list[tuple[str, str, str]]  # (check id, where, message)
    cast: int
    audited: int
    counted: int
    superseded: int


_worker_ctx: ElectionContext | None = None


def _init_worker(ctx: ElectionContext) -> None:
    global _worker_ctx
    _worker_ctx = ctx


def _check_chunk(
    chunk: list[tuple[int, bytes]], file_name: str, ctx: ElectionContext | None = None
) -> tuple[list[LineOutcome], dict[Slot, tuple[bytes, bytes]], dict[str, int]]:
    ctx = ctx or _worker_ctx
    assert ctx is not None, "worker not initialised"
    outcomes = []
    partial: dict[Slot, Ciphertext] = {}
    counted: dict[str, int] = {}
    for number, line in chunk:
        where = f"{file_name}:{number}"
        try:
            entry = parse_unverified_entry(line, where)
        except _UNTRUSTED_INPUT_ERRORS as exc:
            outcomes.append(LineOutcome(number, "invalid", b"", b"", "", str(exc)))
            continue
        ballot = entry.ballot
        tracker = ballot.tracker()
        kind = "cast" if isinstance(entry, CastEntry) else "audit"
        try:
            verify_ballot(ctx, ballot)
            if isinstance(entry, AuditEntry):
                verify_opening(ctx, ballot, entry.opening)
        except _UNTRUSTED_INPUT_ERRORS as exc:
            outcomes.append(
                LineOutcome(
                    number, kind, tracker, ballot.credential.data, ballot.district, str(exc)
                )
            )
            continue
        outcomes.append(
            LineOutcome(number, kind, tracker, ballot.credential.data, ballot.district, "")
        )
        if kind == "cast":
            for contest in ballot.contests:
                for s in contest.selections:
                    slot = (contest.contest_id, ballot.district, s.option_id)
                    acc = partial.get(slot)
                    partial[slot] = s.ciphertext if acc is None else acc * s.ciphertext
            counted[ballot.district] = counted.get(ballot.district, 0) + 1
    # Raw bytes cross the process boundary; they were valid points when multiplied here.
    return outcomes, {k: (v.alpha.data, v.beta.data) for k, v in partial.items()}, counted


def _chunks(
    lines: Iterable[tuple[int, bytes]], merkle: MerkleRoot
) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for number, line in lines:
        merkle.append(line)
        chunk.append((number, line))
        if len(chunk) >= CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _results(
    ctx: ElectionContext, lines: LineSource, name: str, merkle: MerkleRoot, workers: int
) -> Iterator[tuple[list[LineOutcome], dict[Slot, tuple[bytes, bytes]], dict[str, int], int]]:
    """Chunk results in log order, with the number of lines each covered."""
    chunks = _chunks(lines(), merkle)
    if workers <= 1:
        for chunk in chunks:
            yield (*_check_chunk(chunk, name, ctx), len(chunk))
        return
    executor: Executor = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(ctx,))
    with executor:
        pending: deque[
            tuple[
                Future[tuple[list[LineOutcome], dict[Slot, tuple[bytes, bytes]], dict[str, int]]],
                int,
            ]
        ] = deque()
        for chunk in chunks:
            pending.append((executor.submit(_check_chunk, chunk, name), len(chunk)))
            # Bounded read-ahead keeps memory flat on a log of millions of lines.
            while len(pending) >= 4 * workers:
                fut, n = pending.popleft()
                yield (*fut.result(), n)
        while pending:
            fut, n = pending.popleft()
            yield (*fut.result(), n)


def check_ballot_log(
    ctx: ElectionContext,
    path: Path,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BallotLogSummary:
    """Verify every line of ballots.jsonl and compute the tally of the ballots that count.
    A missing file is an empty log: an election where nobody voted."""
    if not path.exists():
        return check_ballot_lines(ctx, lambda: iter(()), path.name, workers, on_progress)
    return check_ballot_lines(ctx, lambda: iter_lines(path), path.name, workers, on_progress)


def check_ballot_lines(
    ctx: ElectionContext,
    lines: LineSource,
    name: str,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BallotLogSummary:
    """Verify a ballot log given as a re-openable source of (line number, line bytes)."""
    workers = workers or os.cpu_count() or 1
    merkle = MerkleRoot()
    builder = TallyBuilder(ctx)
    district_of = ctx.credentials.district_of()
    errors: list[tuple[str, str, str]] = []
    # tracker -> line of its first appearance: positive for a cast ballot that went into the
    # partial tallies, 0 for a cast ballot that failed its checks, negative for an audit.
    seen: dict[bytes, int] = {}
    last_cast: dict[bytes, int] = {}  # credential -> line of its latest counting ballot
    remove: set[int] = set()  # lines whose contribution to the partial tallies is taken back
    cast = audited = superseded = 0
    for outcomes, partial, counted, n_lines in _results(ctx, lines, name, merkle, workers):
        builder.merge(
            {k: Ciphertext(Element(a), Element(b)) for k, (a, b) in partial.items()}, counted
        )
        for o in outcomes:
            where = f"{name}:{o.line}" + (f" ballot {o.tracker.hex()[:16]}" if o.tracker else "")
            if o.kind == "invalid":
                errors.append(("ballot.decode", where, o.error))
                continue
            first = seen.get(o.tracker)
            contributed = o.kind == "cast" and not o.error
            if first is None:
                seen[o.tracker] = -o.line if o.kind == "audit" else (o.line if contributed else 0)
            if o.kind == "audit":
                audited += 1
                if o.error:
                    errors.append(("audit.opening", where, o.error))
                elif district_of.get(o.credential) != o.district:
                    errors.append(
                        (
                            "audit.eligibility",
                            where,
                            f"credential {o.credential.hex()[:16]}… is not on the credential "
                            f"list of district {o.district!r}",
                        )
                    )
                if first is not None and first >= 0 and o.error:
                    errors.append(
                        (
                            "audit.cast",
                            where,
                            "an audit of a ballot cast earlier, with an opening that fails: "
                            "the ballot stays counted",
                        )
                    )
                elif first is not None and first >= 0:
                    errors.append(
                        (
                            "audit.cast",
                            where,
                            "this ballot was cast earlier in the log "
                            "and is now opened: it cannot count",
                        )
                    )
                    if first > 0:
                        remove.add(first)
                elif first is not None:
                    errors.append(("ballot.duplicate", where, "the same audit appears earlier"))
                continue
            if first is not None:
                if first < 0:
                    errors.append(
                        (
                            "audit.cast",
                            where,
                            "this ballot was audited (opened), so it can never be cast",
                        )
                    )
                else:
                    errors.append(
                        ("ballot.duplicate", where, "the same ballot appears earlier in the log")
                    )
                if contributed:
                    remove.add(o.line)
                continue
            cast += 1
            if o.error:
                errors.append(("ballot.proof", where, o.error))
                continue
            if district_of.get(o.credential) != o.district:
                errors.append(
                    (
                        "ballot.eligibility",
                        where,
                        f"credential {o.credential.hex()[:16]}… is not on the credential "
                        f"list of district {o.district!r}",
                    )
                )
                remove.add(o.line)
                continue
            previous = last_cast.get(o.credential)
            if previous is not None:
                remove.add(previous)  # a re-vote: the last valid ballot counts
                superseded += 1
            last_cast[o.credential] = o.line
        if on_progress:
            on_progress(n_lines)
    for number, line in lines() if remove else ():
        if number in remove:
            entry: Entry = parse_unverified_entry(line, f"{name}:{number}")
            builder.remove(entry.ballot)
    return BallotLogSummary(
        merkle.size,
        merkle.root(),
        builder,
        errors,
        cast,
        audited,
        builder.total_counted(),
        superseded,
    )
