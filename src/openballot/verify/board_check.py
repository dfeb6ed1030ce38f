"""Checks of a record exported from a bulletin board (board.json, board.jsonl,
tree-heads.jsonl): every signed tree head matches the log at its size, every record file
says what the log says, and every voter receipt given is still honoured by the log.

Since each tree head is checked against the one log, a board that dropped or rewrote an entry
after signing a head is caught by that head, and by any receipt a voter kept. A board that
rewrote its log and signed every head anew is caught by the order of its leaves: the log is
replayed through its grammar (`record.log_grammar`), and each broken rule is a finding.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from openballot.errors import DecodeError, OpenBallotError, RecordError
from openballot.jsonfields import loads
from openballot.record.board_entries import LeafRead, read_leaf
from openballot.record.files import iter_lines, read_json
from openballot.record.from_board import BoardInfo, leaf_files
from openballot.record.layout import RecordLayout
from openballot.record.leaf import Place
from openballot.record.log_grammar import Breach, LogOrder, Phase
from openballot.record.merkle import MerkleRoot, leaf_hash
from openballot.record.receipt import Receipt
from openballot.record.tree_head import SignedTreeHead
from openballot.verify.checks import Check, order_check
from openballot.verify.findings import Report

__all__ = ["VoterReceipt", "check_board"]


#: A receipt as a voter kept it (the board's answer or the booth's download), named by where it
#: came from: `VoterReceipt(value, "mine.json")`.
VoterReceipt = Receipt.from_kept


def _heads(layout: RecordLayout, report: Report) -> Iterator[SignedTreeHead]:
    path = layout.tree_heads
    if not path.exists():
        return
    last = 0
    for number, line in iter_lines(path):
        where = f"{layout.name(path)}:{number}"
        try:
            head = SignedTreeHead.from_json(loads(line, where), where)
        except (DecodeError, ValueError, RecursionError) as exc:
            report.add(Check.BOARD_TREE_HEAD, where, f"cannot be read: {exc}")
            continue
        if head.size <= last:
            report.add(Check.BOARD_TREE_HEAD, where, "tree heads are not in increasing size order")
            continue
        last = head.size
        yield head


def check_board(root: Path, report: Report, receipts: Sequence[Receipt] = ()) -> Phase | None:
    """Check an exported board's log; returns the phase its leaves reached (None: the record
    has no board log), so that the verifier can tell an open election from a closed one."""
    layout = RecordLayout(root)
    board_file = layout.board
    board_name = layout.name(board_file)
    if not board_file.exists():
        if receipts:
            report.add(
                Check.BOARD_RECEIPT,
                board_name,
                "receipts were given but the record has no board log to check them on",
            )
        return None
    try:
        info = BoardInfo.from_json(read_json(board_file), board_name)
    except DecodeError as exc:
        raise RecordError(str(exc)) from None
    election_id, board_key = info.election_id, info.board_key
    heads = _heads(layout, report)
    head = next(heads, None)
    by_size: dict[int, list[Receipt]] = {}
    mine = []
    for r in receipts:
        if r.tree_head.election_id != election_id:
            # A genuine receipt of another election of the same board says nothing about
            # this log: checking it here would accuse the board of a rewrite it never made.
            report.add(
                Check.BOARD_RECEIPT,
                f"{r.where} (ballot {r.tracker.hex()[:16]})",
                f"is a receipt of election {r.tree_head.election_id!r}, not {election_id!r}",
            )
            continue
        mine.append(r)
        by_size.setdefault(r.tree_head.size, []).append(r)
    wanted_leaves = {r.index: r for r in mine}
    ballot_lines = iter_lines(layout.ballots) if layout.ballots.exists() else iter(())
    merkle = MerkleRoot()
    leaf_hashes: dict[int, bytes] = {}
    if not layout.board_log.exists():
        raise RecordError(f"{layout.board_log}: file is missing ({board_name} names a board)")
    if not layout.tree_heads.exists():
        report.add(
            Check.BOARD_TREE_HEAD,
            layout.name(layout.tree_heads),
            "missing: nothing the board signed can be checked",
        )
    named: set[Path] = set(layout.not_from_leaves)
    order = LogOrder()
    for number, leaf in iter_lines(layout.board_log):
        where = f"{layout.name(layout.board_log)}:{number}"
        merkle.append(leaf)
        if number - 1 in wanted_leaves:
            leaf_hashes[number - 1] = leaf_hash(leaf)
        try:
            read = read_leaf(leaf, where)
        except DecodeError as exc:
            report.add(Check.BOARD_DECODE, where, str(exc))
        else:
            named |= _check_leaf_files(layout, read, leaf, where, ballot_lines, report)
            _report_order(order.breaches(read), where, report)
            order = order.after(read)
        size = merkle.size
        while head is not None and head.size == size:
            _check_head(head, election_id, board_key, merkle.root(), report)
            head = next(heads, None)
        for r in by_size.get(size, ()):
            _check_receipt(r, board_key, merkle.root(), leaf_hashes, report)
    _report_order(order.finish(), layout.name(layout.board_log), report)
    while head is not None:
        report.add(
            Check.BOARD_TREE_HEAD,
            f"tree head of size {head.size}",
            f"signed by the board, but the log has only {merkle.size} entries: "
            "entries were dropped",
        )
        head = next(heads, None)
    for size, rs in by_size.items():
        if size > merkle.size:
            for r in rs:
                report.add(
                    Check.BOARD_RECEIPT,
                    r.where,
                    f"receipt's tree head has size {size}, the log only {merkle.size} "
                    "entries: the board dropped entries after issuing it",
                )
    ballots_name = layout.name(layout.ballots)
    for number, _ in ballot_lines:
        report.add(Check.BOARD_CONTENT, f"{ballots_name}:{number}", "line is not on the board log")
    for path in sorted(root.rglob("*.json")):
        if path not in named:
            report.add(Check.BOARD_CONTENT, layout.name(path), "is not on the board log")
    return order.phase


def _check_head(
    head: SignedTreeHead, election_id: str, board_key: bytes, root: bytes, report: Report
) -> None:
    where = f"tree head of size {head.size}"
    if head.election_id != election_id:
        report.add(Check.BOARD_TREE_HEAD, where, f"is for election {head.election_id!r}")
    try:
        head.verify(board_key)
    except OpenBallotError as exc:
        report.add(Check.BOARD_SIGNATURE, where, str(exc))
        return
    if head.root != root:
        report.add(
            Check.BOARD_TREE_HEAD,
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
        report.add(Check.BOARD_RECEIPT, where, f"the receipt itself does not check out: {exc}")
        return
    if r.tree_head.root != root:
        report.add(
            Check.BOARD_RECEIPT,
            where,
            f"the board signed root {r.tree_head.root.hex()[:16]}… at size "
            f"{r.tree_head.size}, but the log's root there is {root.hex()[:16]}…: "
            "history was rewritten after this receipt was issued",
        )
    elif leaf_hashes.get(r.index) != leaf_hash(r.entry):
        report.add(Check.BOARD_RECEIPT, where, f"log entry {r.index} is not the receipted ballot")


def _report_order(breaches: Sequence[Breach], where: str, report: Report) -> None:
    for breach in breaches:
        report.add(order_check(breach.rule), where, breach.message)


def _check_leaf_files(
    layout: RecordLayout,
    read: LeafRead,
    leaf: bytes,
    where: str,
    ballot_lines: Iterator[tuple[int, bytes]],
    report: Report,
) -> set[Path]:
    """Compare the files the leaf fills with the record's; returns their paths."""
    place, files = leaf_files(read, layout)
    if place is Place.BALLOT:
        ballots_name = layout.name(layout.ballots)
        line = next(ballot_lines, None)
        if line is None:
            report.add(Check.BOARD_CONTENT, where, f"ballot entry is missing from {ballots_name}")
        elif line[1] != leaf:
            report.add(
                Check.BOARD_CONTENT,
                f"{ballots_name}:{line[0]}",
                f"differs from the board's entry ({where})",
            )
        return set()
    for file in files:
        name = layout.name(file.path)
        try:
            found = file.read()
        except RecordError as exc:
            report.add(Check.BOARD_CONTENT, name, f"{exc} (the board log has it at {where})")
            continue
        if found != file.value:
            report.add(Check.BOARD_CONTENT, name, f"differs from the board's entry ({where})")
    return {file.path for file in files}
