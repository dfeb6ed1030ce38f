"""The registry of board leaf kinds: each kind builds exactly the bytes the board has always
written, decodes them strictly, and fills the record files docs/protocol.md 17.1 and
docs/record.md say; the registry and those two tables cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from openballot.errors import DecodeError
from openballot.record.ballot_log import AuditEntry, CastEntry, entry_line, parse_unverified_entry
from openballot.record.board_entries import (
    BALLOT_TAGS,
    FIXED_TAGS,
    LEAF_KINDS,
    BoardEntry,
    CeremonyOkEntry,
    ComplaintsEntry,
    CredentialsEntry,
    DecryptionEntry,
    ElectionEntry,
    KeyCommitmentEntry,
    ManifestEntry,
    ResultEntry,
    SharesEntry,
    TallyEntry,
    TrusteeKeyEntry,
    leaf_kind,
    parse_leaf,
)
from openballot.record.files import json_bytes
from openballot.record.layout import RecordLayout
from openballot.record.leaf import Place

DOCS = Path(__file__).resolve().parents[2] / "docs"

# Values with the shapes the board puts in its leaves (the arabic text checks that the leaf
# keeps non-ASCII characters as UTF-8, as json_bytes always has).
KEY = {"index": 2, "name": "الأمم المتحدة", "commitments": ["ab" * 32]}
SHARES = [{"sender": 2, "recipient": 1, "ciphertext": "cd" * 40}]
COMPLAINTS = [{"accuser": 3, "accused": 1, "proof": {"c": "01" * 32}}]
DECRYPTION = {"trustee": 3, "shares": [{"share": "ef" * 32}]}
COMMITMENT = {"index": 2, "commitment": "ab" * 64}
SIGNATURE = {"challenge": "01" * 32, "response": "02" * 32}
TALLY = {"log_size": 4, "counted": {"north": 3}}
RESULT = {"decrypted_by": [1, 3], "counts": [{"count": 2}]}


def old_leaf(value: dict[str, Any]) -> bytes:
    """How the board wrote a leaf before the registry: `json_bytes` of a dict literal."""
    return json_bytes(value, pretty=False)


def examples(election: Any, ballots: Any) -> list[tuple[BoardEntry, bytes]]:
    """One leaf of every kind, built with its type, next to the dict literal the board used
    to write for it (fields in the order of protocol.md 17.1)."""
    ctx = election.ctx
    manifest = ctx.manifest.to_json()
    credentials = ctx.credentials.to_json()
    summary = ctx.summary_json()
    ballot, opening = ballots.north.to_json(), ballots.north_opening.to_json()
    return [
        (
            ManifestEntry(manifest, 3, 2),
            old_leaf({"type": "manifest", "manifest": manifest, "trustees": 3, "threshold": 2}),
        ),
        (
            KeyCommitmentEntry(COMMITMENT),
            old_leaf({"type": "trustee-key-commitment", "commitment": COMMITMENT}),
        ),
        (TrusteeKeyEntry(KEY), old_leaf({"type": "trustee-key", "key": KEY})),
        (
            SharesEntry(2, SHARES, SIGNATURE),
            old_leaf({"type": "shares", "sender": 2, "shares": SHARES, "signature": SIGNATURE}),
        ),
        (
            CeremonyOkEntry(1, SIGNATURE),
            old_leaf({"type": "ceremony-ok", "trustee": 1, "signature": SIGNATURE}),
        ),
        (
            ComplaintsEntry(3, COMPLAINTS, SIGNATURE),
            old_leaf(
                {
                    "type": "complaints",
                    "accuser": 3,
                    "complaints": COMPLAINTS,
                    "signature": SIGNATURE,
                }
            ),
        ),
        (
            CredentialsEntry(credentials),
            old_leaf({"type": "credentials", "credentials": credentials}),
        ),
        (ElectionEntry(summary), old_leaf({"type": "election", "election": summary})),
        (CastEntry(ballots.north), old_leaf({"type": "cast", "ballot": ballot})),
        (
            AuditEntry(ballots.north, ballots.north_opening),
            old_leaf({"type": "audit", "ballot": ballot, "opening": opening}),
        ),
        (TallyEntry(TALLY), old_leaf({"type": "tally", "tally": TALLY})),
        (DecryptionEntry(DECRYPTION), old_leaf({"type": "decryption", "decryption": DECRYPTION})),
        (ResultEntry(RESULT), old_leaf({"type": "result", "result": RESULT})),
    ]


def test_every_kind_builds_the_bytes_the_board_always_wrote(election: Any, ballots: Any) -> None:
    built = examples(election, ballots)
    assert [type(leaf) for leaf, _ in built] == list(LEAF_KINDS), "an example of every kind"
    for leaf, old in built:
        assert leaf.leaf() == old, leaf.TAG
        again = parse_leaf(old, "leaf")
        assert type(again) is type(leaf)
        assert again.leaf() == old, leaf.TAG


def test_leaf_bytes_are_compact_utf8_json_in_field_order() -> None:
    assert CeremonyOkEntry(1, {}).leaf() == b'{"type":"ceremony-ok","trustee":1,"signature":{}}'
    assert SharesEntry(2, [], {}).leaf() == (
        b'{"type":"shares","sender":2,"shares":[],"signature":{}}'
    )
    assert TrusteeKeyEntry({"index": 1, "name": "الأمم"}).leaf() == (
        b'{"type":"trustee-key","key":{"index":1,"name":"' + "الأمم".encode() + b'"}}'
    )


def test_ballot_lines_are_ballot_leaves(ballots: Any) -> None:
    """ballots.jsonl and the board log hold the very same bytes for a ballot."""
    for entry in (CastEntry(ballots.north), AuditEntry(ballots.revote, ballots.revote_opening)):
        assert entry_line(entry) == entry.leaf()
        assert parse_unverified_entry(entry.leaf(), "line").leaf() == entry.leaf()


def test_where_each_kind_goes() -> None:
    assert FIXED_TAGS == (
        "manifest",
        "trustee-key-commitment",
        "trustee-key",
        "shares",
        "ceremony-ok",
        "complaints",
        "credentials",
        "election",
        "tally",
        "decryption",
        "result",
    )
    assert BALLOT_TAGS == ("cast", "audit")
    assert [k.TAG for k in LEAF_KINDS if k.PLACE is Place.BOARD] == ["ceremony-ok"]
    assert leaf_kind("tally", "leaf") is TallyEntry


def _table(doc: str, heading: str) -> list[list[str]]:
    """The rows of the first table after `heading` in docs/`doc`, as lists of cells."""
    text = (DOCS / doc).read_text(encoding="utf-8")
    text = text[text.index(heading) :]
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # without the header and its rule


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_protocol_md_lists_every_kind_with_its_fields_in_order() -> None:
    """protocol.md 17.1: the board writes the fields in the table's order."""
    documented = {}
    for tag_cell, fields_cell, *_ in _table("protocol.md", "### 17.1 Leaves"):
        [tag] = _ticked(tag_cell)
        documented[tag] = _ticked(re.sub(r"\([^)]*\)", "", fields_cell))
    assert documented == {k.TAG: [f.name for f in fields(k)] for k in LEAF_KINDS}
    assert list(documented) == [k.TAG for k in LEAF_KINDS]


def test_record_md_says_which_files_each_kind_fills(election: Any, ballots: Any) -> None:
    layout = RecordLayout(Path("/record"))
    documented: dict[str, set[str]] = {}
    for tags_cell, files_cell in _table("record.md", "| leaf `type` | written to |"):
        for tag in _ticked(tags_cell):
            documented[tag] = {f for f in _ticked(files_cell) if f.endswith((".json", ".jsonl"))}
    numbers = {
        KeyCommitmentEntry: 2,
        TrusteeKeyEntry: 2,
        SharesEntry: 2,
        ComplaintsEntry: 3,
        DecryptionEntry: 3,
    }
    for leaf, _ in examples(election, ballots):
        names = {layout.name(f.path) for f in leaf.files(layout)}
        if leaf.PLACE is Place.BALLOT:
            names = {layout.name(layout.ballots)}
        n = numbers.get(type(leaf))
        expected = {f.replace("N", str(n)) for f in documented.pop(leaf.TAG)}
        assert names == expected, leaf.TAG
    assert documented == {}


BAD: list[tuple[str, bytes, str]] = [
    ("unknown type", b'{"type":"vote","ballot":1}', "unknown board entry type 'vote'"),
    ("no type", b'{"tally":1}', "missing field 'type'"),
    ("not an object", b"[1]", "expected an object"),
    ("not JSON", b'{"type":"tally"', "not valid JSON"),
    ("repeated key", b'{"type":"tally","tally":1,"tally":2}', "appears twice"),
    ("missing field", b'{"type":"shares","sender":1}', "missing field 'shares'"),
    ("unknown field", b'{"type":"tally","tally":1,"x":0}', "unexpected field 'x'"),
    (
        "zero trustee",
        b'{"type":"ceremony-ok","trustee":0,"signature":{}}',
        "ceremony-ok.trustee: expected at",
    ),
    (
        "text number",
        b'{"type":"shares","sender":"1","shares":[],"signature":{}}',
        "shares.sender: expected an",
    ),
    ("bool number", b'{"type":"manifest","manifest":{},"trustees":true,"threshold":1}', "integer"),
    ("key not an object", b'{"type":"trustee-key","key":[]}', "trustee-key.key: expected an"),
    ("key without index", b'{"type":"trustee-key","key":{}}', "missing field 'index'"),
    ("decryption by 0", b'{"type":"decryption","decryption":{"trustee":0}}', "trustee: expected"),
    ("cast extra", b'{"type":"cast","ballot":{},"opening":{}}', "unexpected field 'opening'"),
]


@pytest.mark.parametrize(("data", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_leaf_is_decoded_strictly(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        parse_leaf(data, "board.jsonl:7")
    assert str(caught.value).startswith("board.jsonl:7")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "build",
    [
        lambda: ManifestEntry({}, 0, 1),
        lambda: TrusteeKeyEntry({"index": "1"}),
        lambda: SharesEntry(-1, [], {}),
        lambda: DecryptionEntry({}),
    ],
)
def test_a_leaf_is_checked_when_built(build: Callable[[], object]) -> None:
    with pytest.raises(DecodeError):
        build()


def test_a_kind_decodes_only_its_own_type() -> None:
    with pytest.raises(DecodeError, match="expected 'tally', got 'result'"):
        TallyEntry.decode({"type": "result", "result": 1}, "leaf")
