"""A board holds its signing key, so it can rewrite its log and re-sign a head for every size:
the log's heads then agree with it, and only the order of its leaves shows the rewrite.

Each attack below takes an honest exported record, rewrites `board.jsonl` as such a board
would (every file of the record still equals its leaf), re-signs `tree-heads.jsonl` with the
board's own key, and must be refused by `openballot verify` (exit 1) with the check of the
broken rule of the log's grammar (protocol.md 17.1.1, `openballot.record.log_grammar`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openballot.record.merkle import MerkleRoot
from openballot.record.tree_head import SignedTreeHead

Leaves = list[bytes]


def _tag(leaf: bytes) -> str:
    tag = json.loads(leaf)["type"]
    assert isinstance(tag, str)
    return tag


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory, kit: Any) -> tuple[Path, Any]:
    """An honest record exported from a board (3 trustees, 4 cast ballots, 1 audit, a
    result), and the board's signing key."""
    from openballot.cli.board_client import BoardClient

    base = tmp_path_factory.mktemp("honest")
    board, client = kit.in_process_board(f"sqlite:///{base / 'board.sqlite3'}", base / "data")
    e = kit.ElectionOnBoard(client, kit.make_ceremony(), board).setup()
    for voter in range(3):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    assert e.audit(*e.ceremony.ballot(3)).status_code == 201
    assert e.cast(e.ceremony.ballot(4)[0]).status_code == 201
    e.finish()
    record = base / "record"
    BoardClient(client, e.election_id).export(record)
    board.store.close()
    return record, board.key


def _rewrite(honest: tuple[Path, Any], tmp_path: Path, edit: Callable[[Leaves], Leaves]) -> Path:
    """A copy of the honest record whose board log is `edit(leaves)`, every tree head signed
    anew by the board's key for every size of the new log."""
    source, key = honest
    record = tmp_path / "record"
    shutil.copytree(source, record)
    leaves = edit((record / "board.jsonl").read_bytes().splitlines())
    election = json.loads((record / "board.json").read_text())["election"]
    merkle, heads = MerkleRoot(), []
    for size, leaf in enumerate(leaves, 1):
        merkle.append(leaf)
        root = merkle.root()
        signature = key.sign(SignedTreeHead.message_for(election, size, root, 1000 + size))
        heads.append(SignedTreeHead(election, size, root, 1000 + size, signature).to_json())
    (record / "board.jsonl").write_bytes(b"".join(leaf + b"\n" for leaf in leaves))
    (record / "tree-heads.jsonl").write_text("".join(json.dumps(h) + "\n" for h in heads))
    return record


def _move(leaves: Leaves, frm: int, to: int) -> Leaves:
    out = list(leaves)
    out.insert(to, out.pop(frm))
    return out


def tally_before_last_cast(leaves: Leaves) -> Leaves:
    """1. The tally says the ballot log has N lines, but only N-1 ballot leaves precede it:
    the N-th is cast after voting closed, and counted."""
    tags = [_tag(leaf) for leaf in leaves]
    last_cast = max(i for i, t in enumerate(tags) if t == "cast")
    return _move(leaves, tags.index("tally"), last_cast)


def verdict_of_trustee_nine(leaves: Leaves) -> Leaves:
    """2. A second `ceremony-ok` leaf, for trustee 9 of 3."""
    at = [_tag(leaf) for leaf in leaves].index("election")
    return [*leaves[:at], b'{"type":"ceremony-ok","trustee":9,"signature":{}}', *leaves[at:]]


def election_last(leaves: Leaves) -> Leaves:
    """3. The `election` leaf moved to the end: every ballot precedes the opening."""
    return _move(leaves, [_tag(leaf) for leaf in leaves].index("election"), len(leaves))


def manifest_not_first(leaves: Leaves) -> Leaves:
    """4. Leaf 0 is not the manifest."""
    return _move(leaves, 0, 1)


ATTACKS = {
    "tally-before-last-cast": (tally_before_last_cast, {"order.tally-size", "order.ballot"}),
    "verdict-of-trustee-9": (verdict_of_trustee_nine, {"order.trustee"}),
    "election-last": (election_last, {"order.ballot", "order.tally", "order.opening"}),
    "manifest-not-first": (manifest_not_first, {"order.manifest"}),
}


def _failed_checks(out: str) -> set[str]:
    return {
        line.split("]")[0][len("FAIL [") :]
        for line in out.splitlines()
        if line.startswith("FAIL [")
    }


def test_the_honest_record_verifies(honest: tuple[Path, Any], tmp_path: Path, kit: Any) -> None:
    record = _rewrite(honest, tmp_path, list)  # re-signed, unchanged: still honest
    checked = kit.cli("verify", str(record), "--workers", "1")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "record verified" in checked.stdout


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_reordered_log_is_refused_by_its_grammar(
    attack: str, honest: tuple[Path, Any], tmp_path: Path, kit: Any
) -> None:
    edit, expected = ATTACKS[attack]
    record = _rewrite(honest, tmp_path, edit)
    checked = kit.cli("verify", str(record), "--workers", "1")
    out = checked.stdout + checked.stderr
    assert checked.returncode == 1, out
    assert "record NOT verified" in checked.stdout
    assert "Traceback" not in out
    # Every head was re-signed and every file still says what its leaf says: only the order
    # of the log gives the rewrite away.
    assert _failed_checks(checked.stdout) == expected, out


def test_every_prefix_of_an_honest_board_log_is_grammatical(honest: tuple[Path, Any]) -> None:
    from openballot.record.board_entries import read_leaf
    from openballot.record.log_grammar import LogOrder

    order = LogOrder()
    for number, leaf in enumerate((honest[0] / "board.jsonl").read_bytes().splitlines(), 1):
        read = read_leaf(leaf, f"board.jsonl:{number}")
        assert order.breaches(read) == (), number
        order = order.after(read)
        assert order.finish() == ()
    assert order.decided and order.ballots == 5
