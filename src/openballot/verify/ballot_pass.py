"""The ballot pass: every line of ballots.jsonl checked on all local cores, and counted.

Lines are handed out in chunks; each worker decodes and checks its ballots on their own
(protocol.md 12.7, 12.8) and adds its valid cast ballots into a partial tally. The main process
merges the partial tallies and feeds the lines, in log order, to the counting rules
(`Counting`, 13.2). A second pass over the log takes back the contributions of the lines that
do not count after all. The log is streamed, twice, and never held in memory.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from openballot.crypto.elgamal import Ciphertext
from openballot.election.acceptance import AcceptancePolicy, BallotKind, BallotRef, check_valid
from openballot.election.context import ElectionContext
from openballot.election.tally import Slot, TallyBuilder
from openballot.errors import OpenBallotError
from openballot.record.ballot_log import AuditEntry, Entry, parse_unverified_entry
from openballot.record.files import iter_lines
from openballot.record.merkle import MerkleRoot
from openballot.verify.checks import Check
from openballot.verify.counting import CheckedLine, Counting
from openballot.verify.findings import Finding

__all__ = [
    "ChunkResult",
    "LineSource",
    "BallotLogSummary",
    "check_ballot_log",
    "check_ballot_lines",
    "check_chunk",
    "count_results",
]

CHUNK_LINES = 200
#: Opens the log afresh each time it is called: the ballot pass reads it twice.
LineSource = Callable[[], Iterator[tuple[int, bytes]]]
# A line is hostile input: whatever it makes a check raise is a finding about that line, not
# a crash of the whole verification (RecursionError: JSON nested thousands deep).
_UNTRUSTED_INPUT_ERRORS = (OpenBallotError, ValueError, TypeError, KeyError, RecursionError)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What a worker returns for a chunk of lines, in log order: a `ballot.decode` finding
    for a line that does not decode, a `CheckedLine` for every other; and the partial tally
    of the chunk's valid cast ballots."""

    lines: list[CheckedLine | Finding]
    products: dict[Slot, Ciphertext]
    counted: dict[str, int]
    size: int  # lines covered, for the progress bar


@dataclass(frozen=True, slots=True)
class BallotLogSummary:
    log_size: int
    log_root: bytes
    builder: TallyBuilder
    findings: list[Finding]
    cast: int
    audited: int
    counted: int
    superseded: int
    counting: Counting  # its final state: what became of each ballot (receipt_fate)


_worker_ctx: ElectionContext | None = None


def _init_worker(ctx: ElectionContext) -> None:
    global _worker_ctx
    _worker_ctx = ctx


def _check_line(
    ctx: ElectionContext, number: int, line: bytes, where: str
) -> tuple[CheckedLine, Entry]:
    """Decode and check one line on its own; raises only if it does not decode."""
    entry = parse_unverified_entry(line, where)
    ballot = BallotRef.of(entry.ballot)
    where = f"{where} ballot {ballot.tracker.hex()[:16]}"
    problem = None
    try:
        check_valid(ctx, entry.ballot, entry.opening if isinstance(entry, AuditEntry) else None)
    except _UNTRUSTED_INPUT_ERRORS as exc:
        check = Check.AUDIT_OPENING if entry.kind is BallotKind.AUDIT else Check.BALLOT_PROOF
        problem = Finding(check, where, str(exc))
    return CheckedLine(number, entry.kind, ballot, where, problem), entry


def check_chunk(
    chunk: list[tuple[int, bytes]], file_name: str, ctx: ElectionContext | None = None
) -> ChunkResult:
    ctx = ctx or _worker_ctx
    assert ctx is not None, "worker not initialised"
    lines: list[CheckedLine | Finding] = []
    partial = TallyBuilder.partial(ctx)
    for number, line in chunk:
        where = f"{file_name}:{number}"
        try:
            checked, entry = _check_line(ctx, number, line, where)
        except _UNTRUSTED_INPUT_ERRORS as exc:
            lines.append(Finding(Check.BALLOT_DECODE, where, str(exc)))
            continue
        lines.append(checked)
        if checked.kind is BallotKind.CAST and checked.problem is None:
            partial.add(entry.ballot)
    products, counted = partial.part()
    return ChunkResult(lines, products, counted, len(chunk))


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
) -> Iterator[ChunkResult]:
    """Chunk results in log order."""
    chunks = _chunks(lines(), merkle)
    if workers <= 1:
        for chunk in chunks:
            yield check_chunk(chunk, name, ctx)
        return
    executor: Executor = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(ctx,))
    with executor:
        pending: deque[Future[ChunkResult]] = deque()
        for chunk in chunks:
            pending.append(executor.submit(check_chunk, chunk, name))
            # Bounded read-ahead keeps memory flat on a log of millions of lines.
            while len(pending) >= 4 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
    results = _results(ctx, lines, name, merkle, workers)
    return count_results(ctx, results, lines, name, merkle, on_progress)


def count_results(
    ctx: ElectionContext,
    results: Iterable[ChunkResult],
    lines: LineSource,
    name: str,
    merkle: MerkleRoot,
    on_progress: Callable[[int], None] | None = None,
) -> BallotLogSummary:
    """The ordered part of the ballot pass, wherever the chunks were checked (local processes,
    a cluster): merge the partial tallies, apply the counting rules to the lines in log order,
    then take back what does not count. `results` must come in log order and fill `merkle`
    with every line by the time they are exhausted."""
    builder = TallyBuilder(ctx)
    counting = Counting(AcceptancePolicy(ctx))
    findings: list[Finding] = []
    try:
        for result in results:
            builder.merge(result.products, result.counted)
            counting.prefetch(x for x in result.lines if isinstance(x, CheckedLine))
            for line in result.lines:
                findings += [line] if isinstance(line, Finding) else counting.add(line)
            if on_progress:
                on_progress(result.size)
        _take_back(builder, lines, name, counting.taken_back())
    except BaseException:
        counting.close()
        raise
    # The counting state stays open for what became of each receipted ballot
    # (receipt_fate); the caller closes it (`summary.counting.close()`), or it goes with
    # the summary.
    return BallotLogSummary(
        merkle.size,
        merkle.root(),
        builder,
        findings,
        counting.cast,
        counting.audited,
        builder.total_counted(),
        counting.superseded,
        counting,
    )


def _take_back(builder: TallyBuilder, lines: LineSource, name: str, out: Iterator[int]) -> None:
    """The second pass: remove from the tally the lines a worker added that do not count.
    `out` is ascending, so it is merged with the log without holding either."""
    wanted = next(out, None)
    if wanted is None:
        return
    for number, line in lines():
        if number == wanted:
            builder.remove(parse_unverified_entry(line, f"{name}:{number}").ballot)
            wanted = next(out, None)
            if wanted is None:
                return
