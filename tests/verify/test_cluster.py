"""What a Dask worker does with its segment of the log (openballot.verify.cluster), without a
cluster: the client's index covers the log exactly, a worker checks a segment as a local
worker checks the same lines, and bytes other than the ones the client read are refused.
The real cluster is in test_dask.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openballot.record.ballot_log import CastEntry, entry_line
from openballot.record.files import iter_lines
from openballot.record.merkle import MerkleRoot
from openballot.verify.ballot_pass import check_chunk
from openballot.verify.cluster import ClusterError, Segment, _segments, check_segment


@pytest.fixture(scope="module")
def log(ceremony: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cluster") / "ballots.jsonl"
    lines = [entry_line(CastEntry(ceremony.ballot(i % 3)[0])) for i in range(5)]
    path.write_bytes(b"".join(x + b"\n" for x in [*lines[:2], b"{not json", *lines[2:]]))
    return path


@pytest.mark.parametrize("size", [1, 2, 4, 200])
def test_the_segments_cover_the_log_in_order_and_feed_the_merkle_root(log: Path, size: int) -> None:
    merkle, expected = MerkleRoot(), MerkleRoot()
    segments = list(_segments(log, merkle, size))
    data = log.read_bytes()
    assert b"".join(data[s.offset : s.offset + s.length] for s in segments) == data
    assert [s.first for s in segments] == list(range(1, 7, size))
    assert sum(s.lines for s in segments) == 6
    for _, line in iter_lines(log):
        expected.append(line)
    assert (merkle.size, merkle.root()) == (expected.size, expected.root())


def test_a_segment_is_checked_as_a_local_worker_checks_its_lines(log: Path, ceremony: Any) -> None:
    for segment in _segments(log, MerkleRoot(), 4):
        mine = check_segment(str(log), segment, "ballots.jsonl", ceremony.ctx)
        lines = list(iter_lines(log))[segment.first - 1 : segment.first - 1 + segment.lines]
        local = check_chunk(lines, "ballots.jsonl", ceremony.ctx)
        assert mine == local


def test_a_worker_refuses_bytes_the_client_did_not_read(log: Path, ceremony: Any) -> None:
    segment = next(_segments(log, MerkleRoot(), 2))
    changed = Segment(segment.offset, segment.length, 1, segment.lines, bytes(32))
    with pytest.raises(ClusterError, match="differ from the log the client read"):
        check_segment(str(log), changed, "ballots.jsonl", ceremony.ctx)
