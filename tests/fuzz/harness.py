"""Coverage-guided fuzzing (atheris) of every parser of untrusted records and JSON.

Each target takes raw bytes, as a board, a record or a voter's device would hand them over,
and runs one parser on them. The rule it checks: on any input, the only exception a parser
may raise is OpenBallotError (or a subclass), with a message that has a UTF-8 encoding; anything
else (TypeError, KeyError, RecursionError, UnicodeError, ...) is a crash.

    python tests/fuzz/harness.py TARGET [libFuzzer options] [corpus dirs]
    python tests/fuzz/harness.py receipt -max_total_time=60 /tmp/new tests/fuzz/corpus/receipt

`replay(target, data)` runs one input without atheris (tests/fuzz/test_fuzz.py replays the
corpus with it). The election context that some decoders need comes from the small record
in tests/fuzz/record/ (a demo election, ballots left out; a fresh demo record if that one
no longer loads).
"""

from __future__ import annotations

import atexit
import json
import random
import shutil
import subprocess
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
    from openballot.errors import OpenBallotError
    from openballot.jsonfields import loads
    from openballot.record.ballot_log import AuditEntry, parse_unverified_entry
    from openballot.record.files import read_json
    from openballot.record.from_board import record_files
    from openballot.record.layout import RecordLayout
    from openballot.record.tree_head import SignedTreeHead
    from openballot.verify.board_check import VoterReceipt
    from openballot.verify.verifier import load_context

    try:
        ctx = load_context(RecordLayout(RECORD))
    except OpenBallotError:
        # The record format changed since tests/fuzz/record/ was made (make_corpus.py
        # remakes it): fuzz against a fresh demo record rather than not at all.
        fresh = Path(tempfile.mkdtemp(prefix="openballot-fuzz-record-")) / "record"
        atexit.register(shutil.rmtree, fresh.parent, ignore_errors=True)
        demo = [str(Path(sys.executable).with_name("openballot")), "demo", "--voters", "4"]
        subprocess.run([*demo, "--record", str(fresh)], check=True, capture_output=True)
        ctx = load_context(RecordLayout(fresh))
    districts = ctx.manifest.district_ids()
    scratch = RecordLayout(Path(tempfile.mkdtemp(prefix="openballot-fuzz-")))
    atexit.register(shutil.rmtree, scratch.root, ignore_errors=True)
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
        "board-leaf": lambda data: record_files(
            data, RecordLayout(Path("record")), "board.jsonl:1"
        ),
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


#: Values a mutation may put in place of any part of a JSON document.
ODD_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1,
    2**63 - 1,
    2**63,
    2**64,
    -(2**63),
    1.5,
    "",
    "\ud800",
    "x" * 200,
    "00" * 32,
    "ff" * 32,
    "00" * 64,
    [],
    {},
    [[]],
)
FIELD_NAMES = (
    "type",
    "ballot",
    "opening",
    "contests",
    "selections",
    "proof",
    "signature",
    "districts",
    "index",
    "trustee",
    "shares",
    "tree_head",
    "receipt",
    "\udc00",
)


def _mutate_json(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """`value` with one part changed, as a hostile writer of a well-formed record would."""
    if isinstance(value, dict) and value and depth < 12 and rng.random() < 0.8:
        key = rng.choice(list(value))
        out = dict(value)
        roll = rng.random()
        if roll < 0.15:
            del out[key]
        elif roll < 0.3:
            out[rng.choice(FIELD_NAMES)] = rng.choice(ODD_VALUES)
        else:
            out[key] = _mutate_json(value[key], rng, depth + 1)
        return out
    if isinstance(value, list) and value and depth < 12 and rng.random() < 0.8:
        i = rng.randrange(len(value))
        out_list = list(value)
        roll = rng.random()
        if roll < 0.15:
            del out_list[i]
        elif roll < 0.3:
            out_list.insert(rng.randrange(len(value) + 1), value[i])
        elif roll < 0.4:
            rng.shuffle(out_list)
        else:
            out_list[i] = _mutate_json(value[i], rng, depth + 1)
        return out_list
    if isinstance(value, str) and value and rng.random() < 0.6:
        i = rng.randrange(len(value))
        return value[:i] + rng.choice("0f9aA \ud800") + value[i + 1 :]
    if isinstance(value, int) and not isinstance(value, bool) and rng.random() < 0.6:
        return value + rng.choice((-1, 1, 2**32, -(2**63)))
    return rng.choice(ODD_VALUES)


def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    """atheris' custom mutator: most of the time a change to the JSON structure of the
    input (after its first byte, for record-file), else libFuzzer's own byte mutations."""
    import atheris

    rng = random.Random(seed)
    prefix, body = (data[:1], data[1:]) if TARGET == "record-file" else (b"", data)
    if rng.random() < 0.25:
        return bytes(atheris.Mutate(data, max_size))
    try:
        value = json.loads(body)
    except ValueError:
        return bytes(atheris.Mutate(data, max_size))
    for _ in range(rng.choice((1, 1, 2, 3))):
        value = _mutate_json(value, rng)
    out = prefix + json.dumps(value, separators=(",", ":")).encode()
    return out if len(out) <= max_size else bytes(atheris.Mutate(data, max_size))


TARGET = ""


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: harness.py {{{','.join(TARGETS)}}} [libFuzzer options] [corpus...]")
    global TARGET
    target = TARGET = sys.argv.pop(1)
    import atheris

    with atheris.instrument_imports(include=["openballot"]):
        targets()
    atheris.Setup(sys.argv, lambda data: replay(target, data), custom_mutator=mutate)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
