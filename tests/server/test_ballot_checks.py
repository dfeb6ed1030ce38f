"""Ballots checked in a pool of processes (`openballot.server.ballot_checks`): the answers are
those of a board that checks them in the request's thread, problem detail for problem detail,
and a worker learns each election's context once."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openballot.crypto.group import Scalar
from openballot.election.acceptance import BallotKind
from openballot.errors import DecodeError
from openballot.server.ballot_checks import BallotChecker, check_body


def _board(kit: Any, url: str, data: Path, workers: int) -> tuple[Any, Any]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from fastapi.testclient import TestClient

    from openballot.board.signing import BoardKey
    from openballot.board.store import BoardStore
    from openballot.server.app import create_app
    from openballot.server.service import Board

    board = Board(BoardStore(url), BoardKey.load_or_create(data / "board.key"), workers)
    return board, TestClient(create_app(board, kit.ADMIN_TOKEN), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def boards(kit: Any, ceremony: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The same election on a board with two checking processes and on one without."""
    made = []
    for workers in (2, 0):
        tmp = tmp_path_factory.mktemp(f"workers-{workers}")
        board, client = _board(kit, f"sqlite:///{tmp / 'board.sqlite3'}", tmp, workers)
        made.append((board, kit.ElectionOnBoard(client, ceremony, board).setup()))
    yield [e for _, e in made]
    for board, _ in made:
        board.close()
        board.store.close()


def _plus_one(h: str) -> str:
    return (Scalar.from_hex(h) + Scalar(1)).hex()


def _bodies(ceremony: Any, kit: Any) -> list[tuple[str, dict[str, Any] | str]]:
    ballot, opening = ceremony.ballot(2)
    good = ballot.to_json()
    bad_proof = json.loads(json.dumps(good))
    sel = bad_proof["contests"][0]["selections"][0]
    sel["proof"]["responses"][0] = _plus_one(sel["proof"]["responses"][0])
    # Signed again: the signature is checked before the range proofs (cheap checks first).
    bad_proof = kit.signed_again(ceremony, bad_proof, 2)
    bad_signature = json.loads(json.dumps(good))
    bad_signature["signature"]["response"] = _plus_one(bad_signature["signature"]["response"])
    bad_opening = opening.to_json()
    bad_opening[0][0]["vote"] = 1 - bad_opening[0][0]["vote"]
    return [
        ("/ballots", {"ballot": bad_proof}),
        ("/ballots", {"ballot": bad_signature}),
        ("/ballots", {"ballot": good, "extra": 1}),
        ("/ballots", '{"ballot": '),
        ("/audits", {"ballot": good, "opening": bad_opening}),
        ("/audits", {"ballot": bad_proof, "opening": opening.to_json()}),
    ]


def test_a_worker_refuses_what_the_writer_would(
    boards: list[Any], ceremony: Any, kit: Any
) -> None:
    pool, local = boards
    for path, body in _bodies(ceremony, kit):
        content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        answers = []
        for e in (pool, local):
            r = e.client.post(
                e.path(path), content=content, headers={"content-type": "application/json"}
            )
            answers.append((r.status_code, r.headers["content-type"], r.json()))
        assert answers[0] == answers[1], (path, answers)
        assert answers[0][0] in (400, 422), answers[0]


def test_a_bad_proof_is_refused_by_a_worker(boards: list[Any], kit: Any, ceremony: Any) -> None:
    pool, _ = boards
    path, body = _bodies(ceremony, kit)[0]
    r = pool.client.post(pool.path(path), json=body)
    kit.is_problem(r, 422, "president", "0 or 1", "fails")
    assert r.json()["type"].endswith("/proof-fails")


def test_ballots_checked_by_workers_are_cast(boards: list[Any], ceremony: Any) -> None:
    pool, _ = boards
    service = pool.board.elections[pool.election_id]
    assert service.checker.workers == 2
    for voter in range(4):
        r = pool.cast(ceremony.ballot(voter)[0])
        assert r.status_code == 201, r.text
    r = pool.cast(ceremony.ballot(3)[0])
    assert r.status_code == 201, r.text
    replay = ceremony.ballot(0)[0]
    assert pool.cast(replay).status_code == 201
    assert pool.cast(replay).json()["already_cast"] is True


def test_a_body_that_does_not_decode_raises(ceremony: Any) -> None:
    with pytest.raises(DecodeError, match="body: unexpected field 'x'"):
        check_body(ceremony.ctx, {"ballot": {}, "x": 1}, BallotKind.CAST)


def test_a_worker_is_sent_the_context_once(ceremony: Any) -> None:
    checker = BallotChecker(1)
    try:
        ballot, _ = ceremony.ballot(0)
        for _ in range(3):
            checked = checker.check(ceremony.ctx, {"ballot": ballot.to_json()}, BallotKind.CAST)
            assert checked.checked and checked.invalid_ballot is None
            assert checked.ref.tracker == ballot.tracker()
        assert list(checker._blobs) == [ceremony.ctx.fingerprint]
        # Without a context (the election is not open), a ballot is only decoded.
        unchecked = checker.check(None, {"ballot": ballot.to_json()}, BallotKind.CAST)
        assert not unchecked.checked
    finally:
        checker.close()


def test_a_dead_worker_fails_one_request_not_all(ceremony: Any) -> None:
    """A worker killed (the OOM killer, an operator): the request it had fails (a 500 the
    voter may send again), the worker is replaced, and the next ballots are checked."""
    import os
    import signal
    from concurrent.futures.process import BrokenProcessPool

    checker = BallotChecker(1)
    body = {"ballot": ceremony.ballot(0)[0].to_json()}
    try:
        assert checker.check(ceremony.ctx, body, BallotKind.CAST).checked
        [worker] = checker._pool
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(10)
        with pytest.raises(BrokenProcessPool, match="send it again"):
            checker.check(ceremony.ctx, body, BallotKind.CAST)
        assert checker._pool and checker._pool[0] is not worker
        # The new worker learns the context again, and checks.
        assert checker.check(ceremony.ctx, body, BallotKind.CAST).checked
    finally:
        checker.close()


def test_requests_go_to_the_least_busy_worker(ceremony: Any) -> None:
    """Two workers, two lanes each: the first two requests at once go to different workers
    (a second lane of a busy worker would wait behind its ballot while the other idles)."""
    checker = BallotChecker(2)
    try:
        first, second = checker._take_lane(), checker._take_lane()
        assert first.worker is not second.worker
        third = checker._take_lane()
        assert sorted(w.busy for w in checker._pool) == [1, 2]
        for lane in (first, second, third):
            checker._give_back(lane)
        assert [w.busy for w in checker._pool] == [0, 0]
    finally:
        checker.close()


def test_many_threads_share_the_workers(ceremony: Any) -> None:
    """More callers than lanes: each waits for a free lane, and every answer is its own."""
    from concurrent.futures import ThreadPoolExecutor

    checker = BallotChecker(2)
    ballots = [ceremony.ballot(k)[0] for k in range(6)]
    try:
        with ThreadPoolExecutor(8) as threads:
            out = list(
                threads.map(
                    lambda b: checker.check(ceremony.ctx, {"ballot": b.to_json()}, BallotKind.CAST),
                    ballots * 2,
                )
            )
        assert [c.ref.tracker for c in out] == [b.tracker() for b in ballots * 2]
        assert all(c.checked and c.invalid_ballot is None for c in out)
    finally:
        checker.close()
