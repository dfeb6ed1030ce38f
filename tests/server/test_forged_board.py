"""A board that rewrites or drops history after handing out receipts is caught: by a monitor
that remembers the last tree head it saw, and by the verifier given the voters' receipts.

The forger is the server's operator: it stops the server, edits the database directly and,
holding the board's signing key, re-signs tree heads so that the log and its heads agree again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openballot.board.signing import BoardKey
from openballot.record.ballot_log import CastEntry, entry_line
from openballot.record.merkle import MerkleTree, leaf_hash
from openballot.record.tree_head import SignedTreeHead


@pytest.fixture
def board_db(request: pytest.FixtureRequest, tmp_path: Path, kit: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'board.sqlite3'}"
        return
    with kit.fresh_postgres_database(kit.postgres_base_url()) as url:
        yield url


class Forger:
    """Direct access to the board's tables, as the operator of its database has."""

    def __init__(self, kit: Any, url: str) -> None:
        self.kit = kit
        self.url = url
        self.pg = url.startswith("postgresql")

    def run(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.kit.raw_connection(self.url) as conn:
            cur = conn.cursor()
            cur.execute(sql.replace("?", "%s") if self.pg else sql, params)
            rows = cur.fetchall() if cur.description else []
            conn.commit()
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]

    def entries(self, eid: str) -> list[tuple[int, str, bytes]]:
        return self.run(
            "SELECT seq, type, data FROM entries WHERE election_id = ? ORDER BY seq", eid
        )

    def drop_last_ballot(self, eid: str) -> int:
        """Delete the last ballot and the tree head that covered it."""
        seq = max(s for s, t, _ in self.entries(eid) if t == "cast")
        assert seq == len(self.entries(eid)) - 1, "the last entry is a ballot"
        self.run("DELETE FROM entries WHERE election_id = ? AND seq = ?", eid, seq)
        self.run("DELETE FROM tree_heads WHERE election_id = ? AND size = ?", eid, seq + 1)
        return seq

    def rewrite(self, eid: str, seq: int, data: bytes, tracker: bytes, key: BoardKey) -> None:
        """Replace entry `seq` and sign every tree head from there on anew with `key`."""
        self.run(
            "UPDATE entries SET data = ?, leaf_hash = ?, tracker = ? "
            "WHERE election_id = ? AND seq = ?",
            data,
            leaf_hash(data),
            tracker,
            eid,
            seq,
        )
        self.run("DELETE FROM tree_heads WHERE election_id = ? AND size >= ?", eid, seq + 1)
        [(last_ts,)] = self.run(
            "SELECT timestamp_ms FROM tree_heads WHERE election_id = ? AND size = ?", eid, seq
        )
        tree = MerkleTree()
        for _, _, d in self.entries(eid):
            tree.append(d)
        for size in range(seq + 1, tree.size + 1):
            root, ts = tree.root(size), last_ts + size
            signature = key.sign(SignedTreeHead.message_for(eid, size, root, ts))
            self.run(
                "INSERT INTO tree_heads (election_id, size, root, timestamp_ms, signature) "
                "VALUES (?, ?, ?, ?, ?)",
                eid,
                size,
                root,
                ts,
                signature,
            )


@pytest.mark.slow
@pytest.mark.parametrize(
    "forgery, board_db",
    [("none", "sqlite"), ("drop", "sqlite"), ("rewrite", "sqlite"), ("rewrite", "postgresql")],
    indirect=["board_db"],
)
def test_a_forged_board_is_caught(
    forgery: str, board_db: str, server_process: Any, kit: Any, tmp_path: Path
) -> None:
    ceremony = kit.make_ceremony()
    server = server_process(board_db)
    state = tmp_path / "monitor-state.json"
    receipt_files: list[Path] = []
    with httpx.Client(base_url=server.url, timeout=30) as client:
        e = kit.ElectionOnBoard(client, ceremony).setup()
        eid = e.election_id
        for voter in range(4):
            r = e.cast(ceremony.ballot(voter)[0])
            assert r.status_code == 201, r.text
            path = tmp_path / f"r{voter + 1}.json"
            path.write_text(json.dumps(r.json()))
            receipt_files.append(path)
    receipts = [json.loads(p.read_text()) for p in receipt_files]

    monitor = ["monitor", server.url, "--election", eid, "--rounds", "1", "--state", str(state)]
    first = kit.cli(*monitor)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "signed and consistent" in first.stdout
    assert json.loads(state.read_text())["last"]["size"] == receipts[-1]["tree_head"]["size"]

    server.stop()
    forger = Forger(kit, board_db)
    if forgery == "drop":
        dropped = forger.drop_last_ballot(eid)
        assert dropped == receipts[-1]["index"]
        tampered = [receipt_files[-1]]
    elif forgery == "rewrite":
        victim = receipts[1]  # an earlier ballot: r2
        other, _ = ceremony.ballot(1)  # a valid ballot of the same voter, never cast
        key = BoardKey.load_or_create(server.data / "board.key")
        forger.rewrite(eid, victim["index"], entry_line(CastEntry(other)), other.tracker(), key)
        tampered = receipt_files[1:]  # r2, and the later receipts whose roots it changed
    else:
        tampered = []

    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        e.client = client
        if forgery == "rewrite":
            # The forged board is self-consistent: its own heads verify against its log.
            entries = client.get(e.path("/board/entries")).json()["entries"]
            assert entries[receipts[1]["index"]]["data"] != receipts[1]["entry"]
        r = e.cast(ceremony.ballot(5)[0])
        assert r.status_code == 201, r.text

        second = kit.cli(*monitor)
        if forgery == "none":
            assert second.returncode == 0, second.stdout + second.stderr
            assert "signed and consistent" in second.stdout
        else:
            assert second.returncode == 1, second.stdout + second.stderr
            assert "ALERT" in second.stdout
            assert "rewrote history" in second.stdout or "dropped" in second.stdout
            # The alert does not go away on the next round: the state still holds the
            # last honest head.
            third = kit.cli(*monitor)
            assert third.returncode == 1 and "ALERT" in third.stdout

        e.finish()
        record = tmp_path / "record"
        exported = kit.cli("export", server.url, "--election", eid, "--record", str(record))
        assert exported.returncode == 0, exported.stdout + exported.stderr

    args = ["verify", str(record), "--workers", "1"]
    for p in receipt_files:
        args += ["--receipt", str(p)]
    checked = kit.cli(*args)
    out = checked.stdout
    fails = [line for line in out.splitlines() if line.startswith("FAIL ")]
    if forgery == "none":
        assert checked.returncode == 0, out + checked.stderr
        assert "record verified" in out
        assert not fails
        return
    assert checked.returncode == 1, out + checked.stderr
    assert "record NOT verified" in out
    for p in tampered:
        assert any("[board.receipt]" in f and str(p) in f for f in fails), (p, fails)
    for p in set(receipt_files) - set(tampered):
        assert not any(str(p) in f for f in fails), (p, fails)
    assert all(f.startswith(("FAIL [board.receipt]", "FAIL [board.tree-head]")) for f in fails)
    if forgery == "drop":
        assert any("history was rewritten" in f or "dropped" in f for f in fails), fails
    else:
        # The operator re-signed every head: only the receipts voters kept show the rewrite.
        assert all(f.startswith("FAIL [board.receipt]") for f in fails), fails
        assert any("history was rewritten" in f for f in fails), fails
    assert "Traceback" not in server.errors()


def test_a_receipt_of_another_election_is_not_evidence_against_this_one(
    sqlite_url: str, tmp_path: Path, kit: Any
) -> None:
    """A board runs several elections under one key. A genuine receipt of election B, given
    when checking election A's record, must be reported as belonging to B, not as proof that
    A's board rewrote history: anyone could otherwise 'prove' a fraud that did not happen."""
    from openballot.cli.board_client import BoardClient
    from openballot.verify.board_check import VoterReceipt
    from openballot.verify.verifier import verify_record

    board, client = kit.in_process_board(sqlite_url, tmp_path / "data")
    ours = kit.ElectionOnBoard(client, kit.make_ceremony(), board).setup()
    theirs = kit.ElectionOnBoard(
        client, kit.make_ceremony(kit.demo_manifest("other-2026")), board
    ).setup()
    mine = ours.cast(ours.ceremony.ballot(0)[0]).json()
    other = theirs.cast(theirs.ceremony.ballot(0)[0]).json()
    assert mine["tree_head"]["size"] == other["tree_head"]["size"]  # same position, other log
    for voter in range(1, 7):
        for _ in range(2):
            later = theirs.cast(theirs.ceremony.ballot(voter)[0]).json()
    ours.finish()
    record = tmp_path / "record"
    BoardClient(client, ours.election_id).export(record)
    board.store.close()

    assert verify_record(record, 1, receipts=[VoterReceipt(mine, "mine.json")]).ok
    size = len((record / "board.jsonl").read_bytes().splitlines())
    assert later["tree_head"]["size"] > size  # beyond the end of our log
    report = verify_record(
        record,
        1,
        receipts=[
            VoterReceipt(mine, "mine.json"),
            VoterReceipt(other, "other.json"),
            VoterReceipt(later, "later.json"),
        ],
    )
    findings = [str(f) for f in report.findings]
    assert not report.ok
    assert len(findings) == 2, findings
    assert any("other.json" in f for f in findings) and any("later.json" in f for f in findings)
    assert not any("rewritten" in f or "dropped" in f for f in findings), findings
    assert all("other-2026" in f for f in findings), findings
