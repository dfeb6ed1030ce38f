"""The ballot pass on a Dask cluster (`openballot verify RECORD --scheduler tcp://HOST:PORT`).

The client reads the log once, as the local pass does, to index it: it cuts it into segments
(a byte range, its first line number, its line count and the SHA-256 of its bytes) and feeds
every line into the log's Merkle root. It sends only these segment descriptions. Each worker
reads its byte range itself, from the same path (a shared file system) or an fsspec URL, checks
that the bytes are the ones the client hashed, and checks its ballots exactly as a local worker
does (`check_chunk`). The results come back in log order and go through the same ordered
counting (`count_results`) as a local run, so findings and summary are the same.

A worker that dies loses nothing: its segments are pure, and the scheduler runs them again
elsewhere. If a segment fails too often, or no worker is left, this raises `ClusterError`
(the CLI's exit 2): a cluster verification never passes on part of the log.

`dask.distributed` is imported only here, and only when a scheduler is given, so a plain
install (without the `cluster` extra) verifies on local cores.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openballot.election.context import ElectionContext
from openballot.errors import OpenBallotError
from openballot.record.files import iter_lines
from openballot.record.merkle import MerkleRoot
from openballot.verify.ballot_pass import (
    CHUNK_LINES,
    BallotLogSummary,
    ChunkResult,
    check_ballot_lines,
    check_chunk,
    count_results,
)

__all__ = ["ClusterError", "Segment", "check_ballot_log_on_cluster", "check_segment"]

CONNECT_SECONDS = 10
#: How long the cluster may have no worker at all before the verification gives up.
NO_WORKER_SECONDS = 60


class ClusterError(OpenBallotError):
    """The cluster cannot be reached, or cannot finish the ballot pass."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the ballot log, as a worker finds it: whole lines, newlines included."""

    offset: int
    length: int
    first: int  # number of its first line
    lines: int
    sha256: bytes


def _segments(path: Path, merkle: MerkleRoot, lines_per_segment: int) -> Iterator[Segment]:
    """Index the log, streaming, and fill `merkle` with its lines on the way."""
    offset = start = first = count = 0
    digest = hashlib.sha256()
    for number, line in iter_lines(path):
        if count == 0:
            start, first = offset, number
        merkle.append(line)
        digest.update(line + b"\n")
        offset += len(line) + 1
        count += 1
        if count == lines_per_segment:
            yield Segment(start, offset - start, first, count, digest.digest())
            count, digest = 0, hashlib.sha256()
    if count:
        yield Segment(start, offset - start, first, count, digest.digest())


def _read_range(url: str, offset: int, length: int) -> bytes:
    if "://" in url:
        import fsspec  # a dependency of dask, so present wherever a worker runs

        with fsspec.open(url, "rb") as f:
            f.seek(offset)
            data: bytes = f.read(length)
            return data
    with open(url, "rb") as f:
        f.seek(offset)
        return f.read(length)


def check_segment(url: str, segment: Segment, name: str, ctx: ElectionContext) -> ChunkResult:
    """On a worker: read one segment of the log and check its lines on their own."""
    data = _read_range(url, segment.offset, segment.length)
    if hashlib.sha256(data).digest() != segment.sha256:
        raise ClusterError(
            f"{url}: bytes {segment.offset}-{segment.offset + segment.length} differ from the "
            "log the client read (the worker sees another file, or it changed)"
        )
    raw = data.split(b"\n")[:-1]  # the segment ends with a newline
    return check_chunk(list(enumerate(raw, start=segment.first)), name, ctx)


def check_ballot_log_on_cluster(
    ctx: ElectionContext,
    path: Path,
    scheduler: str,
    url: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    lines_per_segment: int = CHUNK_LINES,
) -> BallotLogSummary:
    """`check_ballot_log` with the chunks checked on the cluster at `scheduler`. Workers read
    the log at `url` (default: `path`, made absolute), which must hold the same bytes."""
    if not path.exists():  # an empty log: nothing for a cluster to do
        return check_ballot_lines(ctx, lambda: iter(()), path.name, 1, on_progress)
    url = url or str(path.resolve())
    client = _connect(scheduler)
    try:
        merkle = MerkleRoot()
        results = _results(client, ctx, path, url, merkle, lines_per_segment)
        return count_results(ctx, results, lambda: iter_lines(path), path.name, merkle, on_progress)
    finally:
        client.close()


def _connect(scheduler: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "--scheduler needs dask.distributed: pip install 'openballot[cluster]'"
        ) from None
    try:
        return Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {reason}") from None


def _results(
    client: Any, ctx: ElectionContext, path: Path, url: str, merkle: MerkleRoot, size: int
) -> Iterator[ChunkResult]:
    """Segment results in log order, with a bounded number of segments in flight."""
    with _as_cluster_error():
        ctx_on_workers = client.scatter(ctx, broadcast=True, hash=False)
        in_flight = 4 * max(1, sum(client.nthreads().values()))
    pending: deque[Any] = deque()
    for segment in _segments(path, merkle, size):  # a bad log is a RecordError, as locally
        with _as_cluster_error():
            future = client.submit(
                check_segment, url, segment, path.name, ctx_on_workers, pure=False
            )
        pending.append(future)
        while len(pending) >= in_flight:
            yield _result(client, pending.popleft())
    while pending:
        yield _result(client, pending.popleft())


def _result(client: Any, future: Any) -> ChunkResult:
    """Wait for one segment; give up (ClusterError) if it fails or no worker is left."""
    alone_since: float | None = None
    while True:
        with _as_cluster_error():
            try:
                result: ChunkResult = future.result(timeout=2)
                return result
            except TimeoutError:
                pass  # not yet: is there still a worker to run it?
            if client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > NO_WORKER_SECONDS:
                raise ClusterError(f"the Dask cluster has had no worker for {NO_WORKER_SECONDS} s")


@contextmanager
def _as_cluster_error() -> Iterator[None]:
    """Whatever a call to the cluster raises (a task failed on too many workers, a lost
    connection, a cancelled future) ends the verification with one line, not a traceback."""
    try:
        yield
    except ClusterError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else ""
        raise ClusterError(f"the Dask cluster failed: {type(exc).__name__}: {reason}") from None
