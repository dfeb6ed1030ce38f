"""Checks of a record exported from a bulletin board (board.json, board.jsonl,
tree-heads.jsonl): every signed tree head matches the log at its size, every record file
says what the log says, and every voter receipt given is still honoured by the log.

Since each tree head is checked against the one log, a board that dropped or rewrote an entry
after signing a head is caught by that head, and by any receipt a voter kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from openballot.errors import DecodeError, OpenBallotError, RecordError
from openballot.jsonfields import get_str, hex_bytes, loads, obj
from openballot.record.files import iter_lines, read_json
from openballot.record.from_board import BALLOT_TYPES, record_files
from openballot.record.merkle import MerkleRoot, leaf_hash
from openballot.record.receipt import Receipt
from openballot.record.tree_head import SignedTreeHead
from openballot.verify.findings import Report

__all__ = ["VoterReceipt", "check_board"]


#: A receipt as a voter kept it (the board's answer or the booth's download), named by where it
#: came from: `VoterReceipt(value, "mine.json")`.
VoterReceipt = Receipt.from_kept


def _heads(path: Path, report: Report) -> Iterator[SignedTreeHead]:
    if not path.exists():
        return
    last = 0
    for number, line in iter_lines(path):
        where = f"tree-heads.jsonl:{number}"
        try:
            head = SignedTreeHead.from_json(loads(line, where), where)
        except (DecodeError, ValueError, RecursionError) as exc:
            report.add("board.tree-head", where, f"cannot be read: {exc}")
            continue
        if head.size <= last:
            report.add("board.tree-head", where, "tree heads are not in increasing size order")
            continue
        last = head.size
        yield head


def check_board(root: Path, report: Report, receipts: Sequence[Receipt] = ()) -> None:
    board_file = root / "board.json"
    if not board_file.exists():
        if receipts:
            report.add(
                "board.receipt",
                "board.json",
                "receipts were given but the record has no board log to check them on",
            )
        return
    info = obj(read_json(board_file), "board.json")
    try:
        election_id = get_str(info, "election", "board.json")
        board_key = hex_bytes(info.get("board_key"), 32, "board.json.board_key")
    except DecodeError as exc:
        raise RecordError(str(exc)) from None
    heads = _heads(root / "tree-heads.jsonl", report)
    head = next(heads, None)
    by_size: dict[int, list[Receipt]] = {}
    mine = []
    for r in receipts:
        if r.tree_head.election_id != election_id:
            # A genuine receipt of another election of the same board says nothing about
            # this log: checking it here would accuse the board of a rewrite it never made.
            report.add(
                "board.receipt",
                f"{r.where} (ballot {r.tracker.hex()[:16]})",
                f"is a receipt of election {r.tree_head.election_id!r}, not {election_id!r}",
            )
            continue
        mine.append(r)
        by_size.setdefault(r.tree_head.size, []).append(r)
    wanted_leaves = {r.index: r for r in mine}
    ballot_lines = (
        iter_lines(root / "ballots.jsonl") if (root / "ballots.jsonl").exists() else iter(())
    )
    merkle = MerkleRoot()
    leaf_hashes: dict[int, bytes] = {}
    if not (root / "board.jsonl").exists():
        raise RecordError(f"{root / 'board.jsonl'}: file is missing (board.json names a board)")
    if not (root / "tree-heads.jsonl").exists():
        report.add(
            "board.tree-head",
            "tree-heads.jsonl",
            "missing: nothing the board signed can be checked",
        )
    named: set[str] = set()
    for number, leaf in iter_lines(root / "board.jsonl"):
        where = f"board.jsonl:{number}"
        merkle.append(leaf)
        if number - 1 in wanted_leaves:
            leaf_hashes[number - 1] = leaf_hash(leaf)
        named |= _check_leaf_files(root, leaf, where, ballot_lines, report)
        size = merkle.size
        while head is not None and head.size == size:
            _check_head(head, election_id, board_key, merkle.root(), report)
            head = next(heads, None)
        for r in by_size.get(size, ()):
            _check_receipt(r, board_key, merkle.root(), leaf_hashes, report)
    while head is not None:
        report.add(
            "board.tree-head",
            f"tree head of size {head.size}",
            f"signed by the board, but the log has only {merkle.size} entries: "
            "entries were dropped",
        )
        head = next(heads, None)
    for size, rs in by_size.items():
        if size > merkle.size:
            for r in rs:
                report.add(
                    "board.receipt",
                    r.where,
                    f"receipt's tree head has size {size}, the log only {merkle.size} "
                    "entries: the board dropped entries after issuing it",
                )
    for number, _ in ballot_lines:
        report.add("board.content", f"ballots.jsonl:{number}", "line is not on the board log")
    for path in sorted(root.rglob("*.json")):
        relative = path.relative_to(root).as_posix()
        if relative not in named and relative not in _NOT_FROM_LEAVES:
            report.add("board.content", relative, "is not on the board log")


def _check_head(
    head: SignedTreeHead, election_id: str, board_key: bytes, root: bytes, report: Report
) -> None:
    where = f"tree head of size {head.size}"
    if head.election_id != election_id:
        report.add("board.tree-head", where, f"is for election {head.election_id!r}")
    try:
        head.verify(board_key)
    except OpenBallotError as exc:
        report.add("board.signature", where, str(exc))
        return
    if head.root != root:
        report.add(
            "board.tree-head",
            where,
            "signed root differs from the log's root at that size: the board rewrote "
            "or dropped entries after signing it",
        )


def _check_receipt(
    r: Receipt, board_key: bytes, root: bytes, leaf_hashes: dict[int, bytes], report: Report
) -> None:
    where = f"{r.where} (ballot {r.tracker.hex()[:16]})"
    try:
        r.verify_signed(board_key)
    except OpenBallotError as exc:
        report.add("board.receipt", where, f"the receipt itself does not check out: {exc}")
        return
    if r.tree_head.root != root:
        report.add(
            "board.receipt",
            where,
            f"the board signed root {r.tree_head.root.hex()[:16]}… at size "
            f"{r.tree_head.size}, but the log's root there is {root.hex()[:16]}…: "
            "history was rewritten after this receipt was issued",
        )
    elif leaf_hashes.get(r.index) != leaf_hash(r.entry):
        report.add("board.receipt", where, f"log entry {r.index} is not the receipted ballot")


#: Files of a board-exported record that no leaf fills.
_NOT_FROM_LEAVES = {"record.json", "board.json"}


def _check_leaf_files(
    root: Path,
    leaf: bytes,
    where: str,
    ballot_lines: Iterator[tuple[int, bytes]],
    report: Report,
) -> set[str]:
    """Compare the files the leaf fills with the record's; returns their paths."""
    try:
        kind, files = record_files(leaf, where)
    except DecodeError as exc:
        report.add("board.decode", where, str(exc))
        return set()
    if kind in BALLOT_TYPES:
        line = next(ballot_lines, None)
        if line is None:
            report.add("board.content", where, "ballot entry is missing from ballots.jsonl")
        elif line[1] != leaf:
            report.add(
                "board.content",
                f"ballots.jsonl:{line[0]}",
                f"differs from the board's entry ({where})",
            )
        return set()
    for path, value in files:
        try:
            found = read_json(root / path)
        except RecordError as exc:
            report.add("board.content", path, f"{exc} (the board log has it at {where})")
            continue
        if found != value:
            report.add("board.content", path, f"differs from the board's entry ({where})")
    return {path for path, _ in files}
