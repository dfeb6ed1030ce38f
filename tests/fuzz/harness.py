"""Coverage-guided fuzzing (atheris) of every parser of untrusted records and JSON.

Each target takes raw bytes, as a board, a record or a voter's device would hand them over,
and runs one parser on them. The rule it checks: on any input, the only exception a parser
may raise is OpenBallotError (or a subclass), with a message that has a UTF-8 encoding; anything
else (TypeError, KeyError, RecursionError, UnicodeError, ...) is a crash.

    python tests/fuzz/harness.py TARGET [libFuzzer options] [corpus dirs]
    python tests/fuzz/harness.py receipt -max_total_time=60 /tmp/new tests/fuzz/corpus/receipt

`replay(target, data)` runs one input without atheris (tests/fuzz/test_fuzz.py replays the
corpus with it). The election context that some decoders need comes from the small record
in tests/fuzz/record/ (a demo election, ballots left out).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
RECORD = HERE / "record"

#: The target names, in the order the slow test runs them.
TARGETS = (
    "json",
    "manifest",
    "credentials",
    "ballot-line",
    "tree-head",
    "receipt",
    "board-leaf",
    "record-file",
)

#: record-file: the first byte of an input picks the file it is written to and its reader.
RECORD_FILES = (
    "record.json",
    "ceremony/parameters.json",
    "ceremony/trustee-1.json",
    "ceremony/shares-1.json",
    "ceremony/complaints-1.json",
    "election.json",
    "tally.json",
    "decryptions/trustee-1.json",
    "result.json",
)


@cache
def targets() -> dict[str, Callable[[bytes], None]]:
    """Each target's function. openballot is imported here, not at the top, so that atheris
    can instrument it as it is imported."""
    from openballot.election.ballot import verify_ballot, verify_opening
    from openballot.election.credentials import CredentialList
    from openballot.election.decryption import Result, TrusteeDecryption
    from openballot.election.manifest import Manifest
    from openballot.election.tally import Tally
    from openballot.jsonfields import loads
    from openballot.record.ballot_log import AuditEntry, parse_unverified_entry
    from openballot.record.files import read_json
    from openballot.record.from_board import record_files
    from openballot.record.layout import RecordLayout
    from openballot.record.tree_head import SignedTreeHead
    from openballot.verify.board_check import VoterReceipt
    from openballot.verify.verifier import load_context

    ctx = load_context(RecordLayout(RECORD))
    districts = ctx.manifest.district_ids()
    scratch = RecordLayout(Path(tempfile.mkdtemp(prefix="openballot-fuzz-")))
    for d in ("ceremony", "decryptions"):
        (scratch.root / d).mkdir()

    def ballot_line(data: bytes) -> None:
        # The verifier's ballot pass: decode the line, then check it against the election.
        entry = parse_unverified_entry(data, "ballots.jsonl:1")
        entry.ballot.tracker()
        verify_ballot(ctx, entry.ballot)
        if isinstance(entry, AuditEntry):
            verify_opening(ctx, entry.ballot, entry.opening)

    def record_file(data: bytes) -> None:
        if not data:
            return
        name = RECORD_FILES[data[0] % len(RECORD_FILES)]
        path = scratch.root / name
        path.write_bytes(data[1:])
        readers: dict[str, Callable[[], object]] = {
            "record.json": scratch.check_format,
            "ceremony/parameters.json": scratch.read_parameters,
            "ceremony/trustee-1.json": scratch.read_unverified_trustees,
            "ceremony/shares-1.json": lambda: scratch.read_unverified_shares(1),
            "ceremony/complaints-1.json": scratch.read_unverified_complaints,
            "election.json": lambda: ctx.check_summary(read_json(path)),
            "tally.json": lambda: Tally.from_json(read_json(path), ctx),
            "decryptions/trustee-1.json": lambda: TrusteeDecryption.from_json(read_json(path), ctx),
            "result.json": lambda: Result.from_json(read_json(path), ctx),
        }
        readers[name]()

    def json_value(data: bytes) -> Any:
        return loads(data, "fuzz")

    return {
        "json": json_value,
        "manifest": lambda data: Manifest.from_json(json_value(data)),
        "credentials": lambda data: CredentialList.from_json(json_value(data), districts),
        "ballot-line": ballot_line,
        "tree-head": lambda data: SignedTreeHead.from_json(json_value(data)),
        "receipt": lambda data: VoterReceipt(json_value(data), "receipt"),
        "board-leaf": lambda data: record_files(data, "board.jsonl:1"),
        "record-file": record_file,
    }


def replay(target: str, data: bytes) -> None:
    """Run `target` on `data`: returns, or raises what the parser raised if it is not an
    OpenBallotError (a crash)."""
    from openballot.errors import OpenBallotError

    try:
        targets()[target](data)
    except OpenBallotError as exc:
        # The message is shown by the command line and sent by the server: it must have a
        # UTF-8 encoding (a lone surrogate copied from the input has none).
        str(exc).encode("utf-8")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: harness.py {{{','.join(TARGETS)}}} [libFuzzer options] [corpus...]")
    target = sys.argv.pop(1)
    import atheris

    with atheris.instrument_imports(include=["openballot"]):
        targets()
    atheris.Setup(sys.argv, lambda data: replay(target, data))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
