"""A receipt is only handed out for a ballot that is durably on the board: `openballot serve`
is killed with SIGKILL while ballots are being cast from several clients, restarted on the same
data, and every receipt handed out before the kill is still honoured by the board.

(A killed process loses nothing the kernel already holds, so this catches a receipt given
before the commit, not a missing fsync: that needs a power cut, a VM or a fault-injecting file
system.) The other tests here are storage failures at awkward moments, in process."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from openballot.cli.board_client import BoardClient
from openballot.election.ballot import EncryptedBallot
from openballot.record.merkle import leaf_hash, verify_consistency, verify_inclusion
from openballot.record.tree_head import SignedTreeHead
from openballot.verify.board_check import VoterReceipt
from openballot.verify.verifier import verify_record

VOTERS = 50
BALLOTS = 150
CLIENTS = 4
KILL_AFTER = 40
TIME_LIMIT = 60.0


@pytest.fixture(scope="module")
def many_voters(kit: Any) -> Any:
    return kit.make_ceremony(north=VOTERS // 2, south=VOTERS - VOTERS // 2)


@pytest.fixture(scope="module")
def ballots(many_voters: Any) -> list[EncryptedBallot]:
    """BALLOTS ballots of VOTERS voters: each voter votes about three times (re-votes)."""
    return [many_voters.ballot(k % VOTERS)[0] for k in range(BALLOTS)]


class Load:
    """CLIENTS threads casting `ballots` in order on 127.0.0.1 until they run out, a client
    sees the server gone (a connection error), or the time limit."""

    def __init__(self, url: str, election_id: str, ballots: list[EncryptedBallot]) -> None:
        assert url.startswith("http://127.0.0.1:")
        self.url = url
        self.path = f"/api/elections/{election_id}/ballots"
        self.ballots = ballots
        self.next = 0
        self.lock = threading.Lock()
        self.receipts: dict[int, dict[str, Any]] = {}  # ballot number -> receipt
        self.errors: list[str] = []
        self.cut_off: list[int] = []  # ballots in flight when the connection broke
        self.deadline = time.monotonic() + TIME_LIMIT
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(CLIENTS)]

    def start(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def take(self) -> int | None:
        with self.lock:
            if self.next >= len(self.ballots) or time.monotonic() > self.deadline:
                return None
            self.next += 1
            return self.next - 1

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=20) as client:
            while (k := self.take()) is not None:
                body = json.dumps({"ballot": self.ballots[k].to_json()}).encode()
                try:
                    r = client.post(
                        self.path, content=body, headers={"content-type": "application/json"}
                    )
                except httpx.TransportError:
                    with self.lock:
                        self.cut_off.append(k)
                    return
                with self.lock:
                    if r.status_code in (200, 201):
                        self.receipts[k] = r.json()
                    else:
                        self.errors.append(f"ballot {k}: {r.status_code} {r.text[:300]}")

    def received(self) -> int:
        with self.lock:
            return len(self.receipts)

    def join(self) -> None:
        for t in self.threads:
            t.join(timeout=max(1.0, self.deadline - time.monotonic() + 25))
            assert not t.is_alive(), "a load thread did not stop"


@pytest.mark.slow
def test_receipts_survive_a_kill(
    database_url: str,
    server_process: Any,
    many_voters: Any,
    ballots: list[EncryptedBallot],
    kit: Any,
    tmp_path: Path,
) -> None:
    server = server_process(database_url)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        e = kit.ElectionOnBoard(client, many_voters).setup()
        board_key = bytes.fromhex(client.get("/api/board").json()["board_key"])
        eid = e.election_id

    load = Load(server.url, eid, ballots).start()
    while load.received() < KILL_AFTER and time.monotonic() < load.deadline:
        assert all(t.is_alive() for t in load.threads) or load.received() >= KILL_AFTER
        time.sleep(0.005)
    assert load.received() >= KILL_AFTER, f"only {load.received()} receipts in {TIME_LIMIT} s"
    server.kill()
    load.join()
    assert not load.errors, load.errors
    assert len(load.cut_off) == CLIENTS, "every client was cut off by the kill"
    receipts = dict(load.receipts)
    assert len(receipts) < BALLOTS

    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        e.client = client
        assert client.get("/api/board").json()["board_key"] == board_key.hex()
        latest = SignedTreeHead.from_json(client.get(e.path("/board/tree-head")).json())
        latest.verify(board_key)
        assert latest.election_id == eid
        assert latest.size >= 12 + len(receipts)

        for k, receipt in receipts.items():
            where = f"ballot {k} (receipt index {receipt['index']})"
            tracker = ballots[k].tracker()
            assert receipt["tracker"] == tracker.hex(), where
            entry = receipt["entry"].encode()
            index = receipt["index"]
            head = SignedTreeHead.from_json(receipt["tree_head"])
            head.verify(board_key)
            proof = [bytes.fromhex(h) for h in receipt["inclusion_proof"]]
            verify_inclusion(leaf_hash(entry), index, head.size, proof, head.root)

            # The entry is on the board, byte for byte, where the receipt says.
            page = client.get(e.path("/board/entries"), params={"start": index, "limit": 1})
            [stored] = page.json()["entries"]
            assert stored["index"] == index, where
            assert stored["type"] == "cast", where
            assert stored["data"].encode() == entry, where
            assert json.loads(entry)["ballot"] == ballots[k].to_json(), where

            # ... and in the board's new latest tree head.
            r = client.get(e.path("/board/inclusion"), params={"index": index, "size": latest.size})
            assert r.status_code == 200, r.text
            proof = [bytes.fromhex(h) for h in r.json()["proof"]]
            verify_inclusion(leaf_hash(entry), index, latest.size, proof, latest.root)

            # The tree head of the receipt is still the board's, and the latest extends it.
            r = client.get(e.path("/board/tree-head"), params={"size": head.size})
            assert SignedTreeHead.from_json(r.json()) == head, where
            r = client.get(
                e.path("/board/consistency"), params={"first": head.size, "second": latest.size}
            )
            assert r.status_code == 200, r.text
            proof = [bytes.fromhex(h) for h in r.json()["proof"]]
            verify_consistency(head.size, latest.size, head.root, latest.root, proof)

        # The restarted board takes ballots again: those cut off may have been committed
        # before the kill (then they come back as already cast, with their receipt).
        more = sorted(set(range(BALLOTS)) - set(receipts))[:12]
        for k in more:
            r = e.cast(ballots[k])
            assert r.status_code in (200, 201), r.text
            assert r.json()["already_cast"] is (r.status_code == 200)
            assert r.json()["tracker"] == ballots[k].tracker().hex()
            receipts[k] = r.json()

        e.finish()
        record = tmp_path / "record"
        BoardClient(client, eid).export(record)

    kept = [VoterReceipt(r, f"receipt of ballot {k}") for k, r in sorted(receipts.items())]
    report = verify_record(record, 1, receipts=kept)
    assert report.ok, [str(f) for f in report.findings][:10]
    lines = (record / "ballots.jsonl").read_bytes().splitlines()
    assert report.cast == len(lines) >= len(receipts)
    assert report.counted == len({json.loads(x)["ballot"]["credential"] for x in lines})
    assert "Traceback" not in server.errors(), server.errors()[-3000:]


def _create_failing_half_way(kit: Any, url: str, data: Path, mp: pytest.MonkeyPatch) -> Any:
    board, client = kit.in_process_board(url, data)
    e = kit.ElectionOnBoard(client, kit.make_ceremony(), board)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    with mp.context() as m:
        m.setattr(board.store, "append", fail)
        r = e.create()
    assert r.status_code == 500
    assert e.election_id not in client.get("/api/board").json()["elections"]
    return e


def test_a_create_that_failed_half_way_can_be_made_again(
    database_url: str, tmp_path: Path, kit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Creating an election writes the election, its token hashes and its first entry (the
    manifest). When the first entry cannot be written, the election must not half-exist:
    the admin retries and gets it."""
    e = _create_failing_half_way(kit, database_url, tmp_path / "data", monkeypatch)
    r = e.create()
    assert r.status_code == 201, r.text
    e.board.store.close()


def test_a_create_that_failed_half_way_does_not_stop_the_server_from_starting(
    database_url: str, tmp_path: Path, kit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """... nor is an election left without a manifest, which the next start cannot load (the
    same happens when the server is killed between the two writes)."""
    from openballot.board.signing import BoardKey
    from openballot.board.store import BoardStore
    from openballot.server.service import Board

    e = _create_failing_half_way(kit, database_url, tmp_path / "data", monkeypatch)
    e.board.store.close()
    store = BoardStore(database_url)
    try:
        again = Board(store, BoardKey.load_or_create(tmp_path / "data" / "board.key"))
        assert e.election_id not in again.elections
        again.create({"manifest": e.ceremony.manifest.to_json(), "trustees": 3, "threshold": 2})
        assert e.election_id in again.elections
    finally:
        store.close()


def test_a_kill_between_creating_an_election_and_its_manifest(
    database_url: str, tmp_path: Path, kit: Any
) -> None:
    """The state a SIGKILL leaves between the election's row (with its token hashes) and its
    first entry: nothing can undo it but the next start, which must come up, serve the other
    elections, and let the admin create that election again."""
    from openballot.board.signing import BoardKey
    from openballot.board.store import BoardStore
    from openballot.server.service import Board

    data = tmp_path / "data"
    board, client = kit.in_process_board(database_url, data)
    kept = kit.ElectionOnBoard(client, kit.make_ceremony(kit.demo_manifest("kept-2026")), board)
    kept.setup()
    # The first of the two writes of a create, then the process dies.
    board.store.create_election("demo-2026", 1, {"credential-authority": b"\0" * 32})
    board.store.close()

    store = BoardStore(database_url)
    try:
        again = Board(store, BoardKey.load_or_create(data / "board.key"))
        assert sorted(again.elections) == ["kept-2026"]
        again.create({"manifest": kit.demo_manifest().to_json(), "trustees": 3, "threshold": 2})
        assert sorted(again.elections) == ["demo-2026", "kept-2026"]
    finally:
        store.close()


@pytest.mark.slow
def test_a_second_server_on_the_same_database(
    database_url: str, server_process: Any, kit: Any
) -> None:
    """Each server keeps the Merkle tree in memory and serialises appends with a lock of its
    own, so a second `openballot serve` on the same data (a restart while the old process
    still runs, two replicas, uvicorn workers) must either refuse to start, or work: never
    answer 500s or refuse valid ballots with a misleading error."""
    first = server_process(database_url)
    ceremony = kit.make_ceremony()
    with httpx.Client(base_url=first.url, timeout=30) as client:
        e = kit.ElectionOnBoard(client, ceremony).setup()
        assert e.cast(ceremony.ballot(0)[0]).status_code == 201

    second = server_process(database_url, data=first.data, wait=False)
    if not second.try_start():
        assert second.proc is not None and second.proc.returncode not in (None, 0)
        return  # refused: the first one keeps the board
    with httpx.Client(base_url=second.url, timeout=30) as client:
        e.client = client
        for voter in (1, 2):
            r = e.cast(ceremony.ballot(voter)[0])
            assert r.status_code == 201, r.text
    with httpx.Client(base_url=first.url, timeout=30) as client:
        e.client = client
        r = e.cast(ceremony.ballot(3)[0])
        assert r.status_code == 201, r.text


def test_a_storage_failure_during_a_cast(
    database_url: str, election_on_board: Any, kit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database fails while a ballot is being committed: the voter gets a problem detail
    (5xx: not the voter's fault, try again), no receipt, and the board is as it was; the same
    ballot is accepted once storage works again."""
    e = election_on_board
    ballot, _ = e.ceremony.ballot(0)
    before = e.snapshot()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("no space left on device")

    with monkeypatch.context() as m:
        m.setattr(e.board.store, "append", fail)
        r = e.cast(ballot)
    assert r.status_code >= 500
    assert r.headers["content-type"].startswith(kit.PROBLEM_TYPE), (r.status_code, r.text)
    assert r.json()["status"] == r.status_code
    assert "no space left" not in r.text  # internals stay in the server's log
    assert e.snapshot() == before

    r = e.cast(ballot)
    assert r.status_code == 201, r.text
    assert r.json()["index"] == before["head_size"]


def test_a_commit_whose_acknowledgement_is_lost(
    database_url: str, election_on_board: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database commits a ballot but the connection drops before it says so (a network
    blip at COMMIT with PostgreSQL): the server reports an error, yet the entry is stored.
    The board must stay usable: the ballot, cast again, gets its receipt (200), and the next
    ballots are accepted, without a restart."""
    e = election_on_board
    ballot, _ = e.ceremony.ballot(0)
    store = e.board.store
    real_append = store.append

    def commit_then_fail(*args: Any, **kwargs: Any) -> None:
        real_append(*args, **kwargs)
        raise OSError("server closed the connection unexpectedly")

    with monkeypatch.context() as m:
        m.setattr(store, "append", commit_then_fail)
        r = e.cast(ballot)
    assert r.status_code >= 500

    r = e.cast(ballot)
    assert r.status_code == 200, r.text
    assert r.json()["already_cast"] is True
    for voter in (1, 2):
        r = e.cast(e.ceremony.ballot(voter)[0])
        assert r.status_code == 201, r.text
