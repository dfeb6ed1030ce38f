"""`verify_record`: every check of docs/record.md over a record directory, as findings.

A record that cannot be read at all (missing file, not JSON, wrong format version, a bad field
in the manifest, the trustee keys or the credential list) raises RecordError; everything else
that is wrong becomes a finding, and the verifier goes on to report all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openballot.crypto.encoding import Encodable
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey, check_public_keys
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import CredentialList
from openballot.election.decryption import (
    Result,
    TrusteeDecryption,
    compute_result,
    verify_decryption_signature,
    verify_trustee_decryption,
)
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.errors import DecodeError, OpenBallotError, RecordError
from openballot.jsonfields import get_int, loads, obj
from openballot.record.board_entries import CeremonyOkEntry
from openballot.record.files import iter_lines, open_regular, read_json
from openballot.record.layout import RecordLayout, decoded
from openballot.record.log_grammar import Phase
from openballot.record.receipt import Receipt
from openballot.verify.ballot_pass import check_ballot_log
from openballot.verify.board_check import check_board
from openballot.verify.checks import Check
from openballot.verify.cluster import check_ballot_log_on_cluster
from openballot.verify.findings import Report
from openballot.verify.outcome import compare_outcome
from openballot.verify.receipt_fate import receipt_fates

__all__ = ["verify_record", "load_context", "read_receipts"]


def load_context(layout: RecordLayout, report: Report | None = None) -> ElectionContext:
    """Read the election's fixed part and derive its context. With a report, failing ceremony
    checks become findings; without one, they raise."""
    layout.check_format()
    manifest = decoded(layout.manifest, read_json(layout.manifest), Manifest.from_json)
    trustees = layout.read_unverified_trustees()
    credentials = decoded(
        layout.credentials,
        read_json(layout.credentials),
        lambda v: CredentialList.from_json(v, manifest.district_ids()),
    )
    summary = read_json(layout.election)
    threshold = decoded(
        layout.election,
        summary,
        lambda v: get_int(obj(v, "election.json"), "threshold", "election.json", 1),
    )
    n, t = layout.read_parameters()
    if (n, t) != (len(trustees), threshold):
        message = (
            f"the election was set up for {n} trustees with threshold {t}; the record has "
            f"{len(trustees)} trustee keys and threshold {threshold}"
        )
        if report is None:
            raise RecordError(f"ceremony/parameters.json: {message}")
        report.add(Check.CEREMONY_PARAMETERS, "ceremony/parameters.json", message)
    _check_ceremony(layout, manifest, trustees, threshold, report)
    ctx = ElectionContext.create(manifest, threshold, trustees, credentials, check=False)
    try:
        ctx.check_summary(summary)
    except DecodeError as exc:
        if report is None:
            raise RecordError(str(exc)) from None
        report.add(Check.ELECTION_SUMMARY, "election.json", str(exc))
    return ctx


def _check_ceremony(
    layout: RecordLayout,
    manifest: Manifest,
    trustees: tuple[TrusteePublicKey, ...],
    threshold: int,
    report: Report | None,
) -> None:
    def fail(check: Check, where: str, message: str) -> None:
        if report is None:
            raise RecordError(f"{where}: {message}")
        report.add(check, where, message)

    n = len(trustees)
    try:
        check_public_keys(trustees, threshold)
    except OpenBallotError as exc:
        fail(Check.CEREMONY_TRUSTEES, "ceremony", str(exc))
        return
    context = ceremony_context(manifest, n, threshold)
    for t in trustees:
        try:
            t.verify(context, threshold)
        except OpenBallotError as exc:
            fail(Check.CEREMONY_TRUSTEE_PROOF, f"trustee {t.index}", str(exc))
    _check_commitments(layout, trustees, context, fail)
    board_verdicts = _board_verdicts(layout)
    shares_by_sender = {}
    for t in trustees:
        try:
            message = layout.read_unverified_shares(t.index)
        except RecordError as exc:
            fail(Check.CEREMONY_SHARES, f"trustee {t.index}", str(exc))
            continue
        shares = message.shares
        recipients = sorted(s.recipient for s in shares)
        expected = [j.index for j in trustees if j.index != t.index]
        if recipients != expected or any(s.sender != t.index for s in shares):
            fail(
                Check.CEREMONY_SHARES,
                f"trustee {t.index}",
                f"shares should go from trustee {t.index} to trustees {expected}, "
                f"found {recipients}",
            )
        _check_signed(message, trustees, context, fail)
        shares_by_sender[t.index] = {s.recipient: s for s in shares}
    try:
        verdicts = layout.read_unverified_complaints() + board_verdicts
    except (RecordError, DecodeError) as exc:
        fail(Check.CEREMONY_COMPLAINT, "ceremony", str(exc))
        return
    for verdict in verdicts:
        _check_signed(verdict, trustees, context, fail)
    for c in (c for v in verdicts for c in v.complaints):
        where = f"complaint by trustee {c.accuser} against trustee {c.accused}"
        share = shares_by_sender.get(c.accused, {}).get(c.accuser)
        if share is None:
            fail(Check.CEREMONY_COMPLAINT, where, "names a share that is not in the record")
            continue
        try:
            reason = c.verify(share, trustees, context)
        except OpenBallotError as exc:
            fail(Check.CEREMONY_COMPLAINT, where, f"invalid complaint: {exc}")
            continue
        fail(
            Check.CEREMONY_COMPLAINT,
            where,
            f"justified ({reason}): the key ceremony failed and the election key is not sound",
        )


def _check_signed(
    message: SharesMessage | Verdict,
    trustees: Sequence[TrusteePublicKey],
    context: Encodable,
    fail: Callable[[Check, str, str], None],
) -> None:
    try:
        message.verify(trustees, context)
    except OpenBallotError as exc:
        fail(Check.CEREMONY_SIGNATURE, "ceremony", str(exc))


def _check_commitments(
    layout: RecordLayout,
    trustees: Sequence[TrusteePublicKey],
    context: Encodable,
    fail: Callable[[Check, str, str], None],
) -> None:
    """Every trustee key matches the commitment its trustee published first (10.8)."""
    try:
        commitments = layout.read_unverified_commitments()
    except RecordError as exc:
        fail(Check.CEREMONY_COMMITMENT, "ceremony", str(exc))
        return
    for t in trustees:
        where = f"trustee {t.index}"
        if t.index not in commitments:
            fail(Check.CEREMONY_COMMITMENT, where, "revealed a key it never committed to")
            continue
        try:
            commitments[t.index].check(t, context)
        except OpenBallotError as exc:
            fail(Check.CEREMONY_COMMITMENT, where, str(exc))
    for index in sorted(set(commitments) - {t.index for t in trustees}):
        fail(Check.CEREMONY_COMMITMENT, f"trustee {index}", "a commitment without a trustee key")


def _board_verdicts(layout: RecordLayout) -> tuple[Verdict, ...]:
    """From a board's log: the signed "all good" verdicts (`ceremony-ok` leaves, which only
    the board has). Their order (after every key and share, once per trustee) is the log
    grammar's (`order.*`); a leaf that does not decode is `board.decode`, found by the board
    check.

    The ceremony's leaves all precede the `election` leaf (the log grammar checks that
    order), so the scan stops there rather than read every ballot.
    """
    if not layout.board_log.exists():
        return ()
    found = []
    for number, line in iter_lines(layout.board_log):
        where = f"board.jsonl:{number}"
        if line.startswith(_ELECTION_LEAF):
            break
        if line.startswith(_CEREMONY_OK_LEAF):
            try:
                leaf = CeremonyOkEntry.decode(obj(loads(line, where), where), where)
                verdict = {"complaints": [], "signature": leaf.signature}
                found.append(Verdict.from_json(verdict, leaf.trustee))
            except DecodeError:
                continue
    return tuple(found)


_ELECTION_LEAF = b'{"type":"election"'
_CEREMONY_OK_LEAF = b'{"type":"ceremony-ok"'


def verify_record(
    root: Path,
    workers: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    receipts: Sequence[Receipt] = (),
    receipt_files: Sequence[Path] = (),
    scheduler: str | None = None,
) -> Report:
    """Verify the record at `root`, with the voters' `receipts` and the receipts kept in
    `receipt_files`. `on_start(total_lines)` and `on_progress(lines)` let a caller draw a
    progress bar; nothing here prints. With `scheduler` (a Dask scheduler's address) the
    ballots are checked on that cluster instead of on local processes."""
    layout = RecordLayout(root)
    report = Report()
    ctx = load_context(layout, report)
    kept = [*receipts, *read_receipts(receipt_files, report)]
    phase = check_board(root, report, kept)

    if on_start:
        on_start(_count_lines(layout.ballots))
    if scheduler:
        summary = check_ballot_log_on_cluster(
            ctx, layout.ballots, scheduler, on_progress=on_progress
        )
    else:
        summary = check_ballot_log(ctx, layout.ballots, workers, on_progress)
    report.findings += summary.findings
    report.ballots_checked = summary.log_size
    report.cast, report.audited = summary.cast, summary.audited
    report.counted, report.superseded = summary.counted, summary.superseded
    mine = [r for r in kept if r.tree_head.election_id == ctx.manifest.election_id]
    try:
        report.fates = [
            (r.where, fate) for r, fate in receipt_fates(layout, ctx, summary.counting, mine)
        ]
    finally:
        summary.counting.close()
    tally = summary.builder.finish(summary.log_size, summary.log_root)

    if _still_open(layout, phase):
        report.still_open = True
        return report
    tally_value = _read_verified_part(
        layout.tally, "tally", report, Check.TALLY_MISSING, Check.TALLY_DECODE
    )
    if tally_value is None:
        return report
    _compare_tally(ctx, tally, tally_value, report)

    decryptions = _read_decryptions(ctx, tally, layout, report)
    result_value = _read_verified_part(
        layout.result, "result", report, Check.RESULT_MISSING, Check.RESULT_DECODE
    )
    if result_value is None:
        return report
    _compare_result(ctx, tally, decryptions, result_value, report)
    return report


def _still_open(layout: RecordLayout, phase: Phase | None) -> bool:
    """Voting is still open: no tally, and nothing that comes after one (a decryption, the
    result, or on a board's log a `tally` leaf). Then the missing tally is no finding; once
    any of those exists, the election was closed and its tally must be there."""
    if layout.tally.exists() or layout.result.exists():
        return False
    if layout.decryptions.exists() and any(layout.decryptions.iterdir()):
        return False
    return phase is None or phase in (Phase.SETUP, Phase.OPEN)


def _read_verified_part(
    path: Path, part: str, report: Report, missing: Check, garbled: Check
) -> Any | None:
    """tally.json or result.json: what is being verified, so a missing or garbled one is a
    finding (`missing`, `garbled`), not an unreadable record."""
    if not path.exists():
        report.add(missing, path.name, f"the record has no {part}")
        return None
    try:
        return read_json(path)
    except RecordError as exc:
        report.add(garbled, path.name, str(exc))
        return None


def read_receipts(paths: Sequence[Path], report: Report) -> list[Receipt]:
    """The receipts kept in these files. A file that does not hold a receipt is a finding
    that names it (a voter who kept the wrong file learns which); a file that cannot be
    opened at all is a RecordError, like a record that cannot be read."""
    kept = []
    for path in paths:
        with open_regular(path) as f:
            data = f.read()
        try:
            kept.append(Receipt.from_kept(loads(data, str(path)), str(path)))
        except DecodeError as exc:
            report.add(Check.BOARD_RECEIPT, str(path), f"is not a receipt: {exc}")
    return kept


def _count_lines(path: Path) -> int:
    if not path.is_file():
        return 0
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def _compare_tally(ctx: ElectionContext, mine: Tally, value: Any, report: Report) -> None:
    try:
        theirs = Tally.from_json(value, ctx)
    except DecodeError as exc:
        report.add(Check.TALLY_DECODE, "tally.json", str(exc))
        return
    if (theirs.log_size, theirs.log_root) != (mine.log_size, mine.log_root):
        report.add(
            Check.TALLY_BALLOT_LOG,
            "tally.json",
            f"tally is of a ballot log of {theirs.log_size} lines with root "
            f"{theirs.log_root.hex()[:16]}…, but ballots.jsonl has {mine.log_size} lines "
            f"with root {mine.log_root.hex()[:16]}…",
        )
    for (d, n_theirs), (_, n_mine) in zip(theirs.counted, mine.counted, strict=False):
        if n_theirs != n_mine:
            report.add(
                Check.TALLY_COUNTED,
                f"tally.json district {d!r}",
                f"says {n_theirs} ballots counted, the ballot log gives {n_mine}",
            )
    for (slot, ct_theirs), (_, ct_mine) in zip(theirs.ciphertexts, mine.ciphertexts, strict=False):
        if ct_theirs != ct_mine:
            report.add(
                Check.TALLY_AGGREGATE,
                f"tally.json contest {slot[0]!r} district {slot[1]!r} option {slot[2]!r}",
                "ciphertext is not the product of the counted ballots",
            )


def _read_decryptions(
    ctx: ElectionContext, tally: Tally, layout: RecordLayout, report: Report
) -> list[TrusteeDecryption]:
    good = []
    paths = sorted(layout.decryptions.glob("trustee-*.json")) if layout.decryptions.exists() else []
    for p in paths:
        where = f"decryptions/{p.name}"
        try:
            dec = TrusteeDecryption.from_json(read_json(p), ctx, where)
        except (DecodeError, RecordError) as exc:
            report.add(Check.DECRYPTION_DECODE, where, str(exc))
            continue
        if p.name != f"trustee-{dec.trustee}.json":
            report.add(Check.DECRYPTION_DECODE, where, f"holds trustee {dec.trustee}")
            continue
        try:
            verify_decryption_signature(ctx, tally, dec)
        except OpenBallotError as exc:
            report.add(Check.DECRYPTION_SIGNATURE, where, str(exc))
        try:
            verify_trustee_decryption(ctx, tally, dec)
        except OpenBallotError as exc:
            report.add(Check.DECRYPTION_PROOF, where, str(exc))
            continue
        good.append(dec)
    return good


def _compare_result(
    ctx: ElectionContext,
    tally: Tally,
    decryptions: list[TrusteeDecryption],
    value: Any,
    report: Report,
) -> None:
    try:
        theirs = Result.from_json(value, ctx)
    except DecodeError as exc:
        report.add(Check.RESULT_DECODE, "result.json", str(exc))
        return
    used = [d for d in decryptions if d.trustee in theirs.decrypted_by]
    if len(used) != len(theirs.decrypted_by):
        report.add(
            Check.RESULT_DECRYPTED_BY,
            "result.json",
            f"names trustees {list(theirs.decrypted_by)}, but valid decryptions exist only "
            f"from {[d.trustee for d in decryptions]}",
        )
        return
    try:
        mine = compute_result(ctx, tally, used)
    except OpenBallotError as exc:
        report.add(Check.RESULT_DECRYPTION, "result.json", str(exc))
        return
    for (slot, n_theirs), (_, n_mine) in zip(theirs.counts, mine.counts, strict=False):
        if n_theirs != n_mine:
            report.add(
                Check.RESULT_COUNT,
                f"result.json contest {slot[0]!r} district {slot[1]!r} option {slot[2]!r}",
                f"says {n_theirs}, the decryption gives {n_mine}",
            )
    compare_outcome(theirs, mine, report)
