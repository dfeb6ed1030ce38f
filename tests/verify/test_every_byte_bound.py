"""No byte of a record's values can change unnoticed (docs/record.md, "What binds each byte").

A small honest record is made on the command line (no board, so nothing but the record's own
signatures, proofs and hashes binds it). Every leaf of it — every JSON file and every line of
ballots.jsonl — is then changed, once in each of `ROUNDS` rounds, at a value chosen by a
seeded random draw, in a way that
keeps the JSON readable: one hex digit or letter of a text replaced by another, or an integer
changed by one. The verifier must either refuse the record (RecordError: a structural field)
or report at least one finding. Formatting (spacing, key order) of the .json files is not
bound, by design: the files are compared and read as JSON values.
"""

from __future__ import annotations

import io
import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from openballot.cli import demo
from openballot.errors import RecordError
from openballot.verify.verifier import verify_record

pytestmark = pytest.mark.slow

HEX = "0123456789abcdef"
ROUNDS = 6
Path_ = tuple[str | int, ...]


@pytest.fixture(scope="module")
def small_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bound") / "record"
    demo.run_demo(voters=3, record=root, workers=1, out=Console(file=io.StringIO()))
    report = verify_record(root, workers=1)
    assert report.ok, [str(f) for f in report.findings]
    return root


def _values(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every scalar of a JSON value, with its path."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _values(v, (*path, k))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _values(v, (*path, k))
    else:
        yield path, value


def _changed(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1 if value < 2**62 else value - 1
    assert isinstance(value, str) and value, value
    k = rng.randrange(len(value))
    c = value[k]
    if c in HEX:
        other = rng.choice([h for h in HEX if h != c])
    elif c.isupper():
        other = "A" if c != "A" else "B"
    else:
        other = "a" if c != "a" else "b"
    return value[:k] + other + value[k + 1 :]


def _mutated(value: Any, rng: random.Random) -> tuple[Any, Path_]:
    candidates = [(p, v) for p, v in _values(value) if v is not None and v != ""]
    path, old = rng.choice(candidates)
    holder = value
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = _changed(old, rng)
    return value, path


def _mutate(target: Path, line: int | None, rng: random.Random) -> Path_:
    """Change one value of a JSON file, or of line `line` of a JSON-lines file (written
    compact, as the board writes its lines); returns the value's path."""
    if line is None:
        value, path = _mutated(json.loads(target.read_text(encoding="utf-8")), rng)
        target.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
        return path
    lines = target.read_bytes().splitlines()
    value, path = _mutated(json.loads(lines[line]), rng)
    lines[line] = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    target.write_bytes(b"".join(x + b"\n" for x in lines))
    return path


def _leaves(root: Path) -> list[tuple[str, int | None]]:
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.json"))
    lines = (root / "ballots.jsonl").read_bytes().splitlines()
    return [(f, None) for f in files] + [("ballots.jsonl", n) for n in range(len(lines))]


def _noticed(root: Path) -> bool:
    try:
        report = verify_record(root, workers=1)
    except RecordError:
        return True
    return bool(report.findings)


def test_every_leaf_of_a_small_record_is_bound(small_record: Path, tmp_path: Path) -> None:
    rng = random.Random(20261129)
    leaves = _leaves(small_record)
    assert any(name.startswith("ceremony/shares-") for name, _ in leaves)
    unnoticed = []
    for number, (name, line) in enumerate(leaves * ROUNDS):
        copy = tmp_path / f"r{number}"
        shutil.copytree(small_record, copy)
        path = _mutate(copy / name, line, rng)
        if not _noticed(copy):
            unnoticed.append(f"{name}{'' if line is None else f':{line + 1}'} at {path}")
        shutil.rmtree(copy)
    assert not unnoticed, unnoticed


def test_every_leaf_of_a_small_board_record_is_bound(
    make_election: Any, sqlite_url: str, tmp_path: Path
) -> None:
    """The same for a record exported from a board: its files, its ballot lines and every
    line of board.jsonl and tree-heads.jsonl."""
    from openballot.record.from_board import write_record

    e = make_election(sqlite_url)
    for voter in range(2):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    e.finish()
    store = e.board.store
    leaves = [entry.data for entry in store.entries(e.election_id)]
    heads = list(store.tree_heads(e.election_id))
    record = tmp_path / "board-record"
    write_record(record, e.election_id, e.board.key.public, leaves, heads)
    assert verify_record(record, workers=1).ok
    rng = random.Random(7)
    targets = _leaves(record) + [
        (name, n)
        for name in ("board.jsonl", "tree-heads.jsonl")
        for n in range(len((record / name).read_bytes().splitlines()))
    ]
    unnoticed = []
    for number, (name, line) in enumerate(targets):
        copy = tmp_path / f"b{number}"
        shutil.copytree(record, copy)
        path = _mutate(copy / name, line, rng)
        if not _noticed(copy):
            unnoticed.append(f"{name}{'' if line is None else f':{line + 1}'} at {path}")
        shutil.rmtree(copy)
    assert not unnoticed, unnoticed


def test_a_flipped_byte_in_an_encrypted_share_is_a_signature_finding(
    small_record: Path, tmp_path: Path
) -> None:
    """The case issue 7 found: nobody but its recipient checked a share."""
    copy = tmp_path / "record"
    shutil.copytree(small_record, copy)
    path = copy / "ceremony" / "shares-1.json"
    value = json.loads(path.read_text(encoding="utf-8"))
    ct = value["shares"][0]["ciphertext"]
    value["shares"][0]["ciphertext"] = ("0" if ct[0] != "0" else "1") + ct[1:]
    path.write_text(json.dumps(value, indent=2))
    report = verify_record(copy, workers=1)
    assert [(f.check, f.where) for f in report.findings] == [("ceremony.signature", "ceremony")]
