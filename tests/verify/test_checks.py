"""The check ids (openballot.verify.checks): declared once, documented exactly, used by name."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

import openballot.verify
from openballot.cli import demo
from openballot.verify.checks import Check
from openballot.verify.verifier import verify_record

DOCS = Path(__file__).resolve().parents[2] / "docs"
VERIFY = Path(openballot.verify.__file__).parent


def documented_ids() -> list[str]:
    """The first column of record.md's check table, in order."""
    text = (DOCS / "record.md").read_text(encoding="utf-8")
    section = text.split("### Check ids", 1)[1].split("\n### ", 1)[0]
    header = "| check id | meaning |\n| --- | --- |\n"
    assert section.count(header) == 1, "record.md's check table header has changed"
    rows = section.split(header, 1)[1].split("\n\n", 1)[0].splitlines()
    ids = []
    for row in rows:
        match = re.fullmatch(r"\| `([a-z]+\.[a-z-]+)` \| .+ \|", row)
        assert match, f"not a row of the check table: {row!r}"
        ids.append(match.group(1))
    return ids


def test_record_md_lists_exactly_the_registry_in_order() -> None:
    assert documented_ids() == [c.value for c in Check]


def test_record_md_says_how_many_ids_there_are() -> None:
    text = (DOCS / "record.md").read_text(encoding="utf-8")
    assert f"Every finding has one of these {len(Check)} stable ids" in text


def test_every_check_has_a_one_line_meaning() -> None:
    for check in Check:
        assert check.meaning and "\n" not in check.meaning, check


def test_findings_are_made_with_the_registry_not_with_literals() -> None:
    """A literal id in the verifier would be a check the registry does not know of."""
    ids = "|".join(re.escape(c.value) for c in Check)
    for path in VERIFY.glob("*.py"):
        if path.name == "checks.py":
            continue
        literal = re.search(rf"[\"']({ids})[\"']", path.read_text(encoding="utf-8"))
        assert literal is None, f"{path.name} spells the check id {literal.group(1)!r}"


def test_every_check_is_used_somewhere() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in VERIFY.glob("*.py"))
    unused = [c.name for c in Check if f"Check.{c.name}" not in source]
    assert not unused, f"declared but never reported: {unused}"


# --- the cases record.md once contradicted itself on ----------------------------------------


def _board_record(root: Path, heads: bool = True) -> None:
    """The board part of an exported record, by hand: one leaf (a trustee's verdict, which
    fills no file) and its signed tree head."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from openballot.board.signing import BoardKey
    from openballot.record.merkle import MerkleRoot
    from openballot.record.tree_head import SignedTreeHead

    key = BoardKey(Ed25519PrivateKey.generate())
    leaf = b'{"type":"ceremony-ok","trustee":1,"signature":{}}'
    merkle = MerkleRoot()
    merkle.append(leaf)
    message = SignedTreeHead.message_for("e", 1, merkle.root(), 1)
    head = SignedTreeHead("e", 1, merkle.root(), 1, key.sign(message))
    root.mkdir(exist_ok=True)
    (root / "board.json").write_text(json.dumps({"election": "e", "board_key": key.public.hex()}))
    (root / "board.jsonl").write_bytes(leaf + b"\n")
    if heads:
        (root / "tree-heads.jsonl").write_text(json.dumps(head.to_json()) + "\n")


def _board_findings(root: Path) -> list[tuple[str, str]]:
    from openballot.verify.board_check import check_board
    from openballot.verify.findings import Report

    report = Report()
    check_board(root, report)
    return [(f.check, f.where) for f in report.findings]


def test_a_board_record_without_tree_heads_is_a_finding(tmp_path: Path) -> None:
    _board_record(tmp_path)
    assert _board_findings(tmp_path) == []
    (tmp_path / "tree-heads.jsonl").unlink()
    assert _board_findings(tmp_path) == [(Check.BOARD_TREE_HEAD, "tree-heads.jsonl")]


def test_a_record_without_board_json_has_no_board_checks(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_text("{}")
    assert _board_findings(tmp_path) == []


def test_every_json_file_of_a_board_record_must_come_from_a_leaf(tmp_path: Path) -> None:
    _board_record(tmp_path)
    (tmp_path / "result.json").write_text("{}")
    (tmp_path / "decryptions").mkdir()
    (tmp_path / "decryptions" / "trustee-9.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("not JSON: not checked against the log")
    (tmp_path / "record.json").write_text("{}")
    assert sorted(_board_findings(tmp_path)) == [
        (Check.BOARD_CONTENT, "decryptions/trustee-9.json"),
        (Check.BOARD_CONTENT, "result.json"),
    ]


@pytest.fixture(scope="module")
def demo_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A record made on the command line: no board.json, no tree-heads.jsonl."""
    root = tmp_path_factory.mktemp("demo") / "record"
    demo.run_demo(voters=4, record=root, workers=1, out=Console(file=io.StringIO()))
    return root


@pytest.mark.parametrize(
    ("decrypted_by", "check"),
    [
        ([1, 3], None),
        ([1, 1], Check.RESULT_DECODE),  # not a result: its trustees are not distinct
        ([1, 4], Check.RESULT_DECODE),  # nor with a trustee the election does not have
        ([1, 2], Check.RESULT_DECRYPTED_BY),  # trustee 2 published no decryption
    ],
)
def test_which_check_a_bad_decrypted_by_is(
    demo_record: Path, tmp_path: Path, decrypted_by: list[int], check: Check | None
) -> None:
    root = tmp_path / "record"
    shutil.copytree(demo_record, root)
    result = json.loads((root / "result.json").read_text())
    assert result["decrypted_by"] == [1, 3]
    result["decrypted_by"] = decrypted_by
    (root / "result.json").write_text(json.dumps(result))
    report = verify_record(root, workers=1)
    assert [f.check for f in report.findings] == ([] if check is None else [check])
