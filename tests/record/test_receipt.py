"""A voter's receipt: parsed strictly from the board's answer or the booth's download, and
checked against the board key, the election and the ballot, with an error naming what is
wrong."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from openballot.errors import DecodeError, ProofError
from openballot.record.ballot_log import AuditEntry, CastEntry, entry_line
from openballot.record.merkle import MerkleTree
from openballot.record.receipt import Receipt
from openballot.record.tree_head import SignedTreeHead


@dataclass(frozen=True)
class Signed:
    board_key: bytes
    cast: Receipt
    audit: Receipt


def _head(key: Ed25519PrivateKey, election: str, tree: MerkleTree) -> SignedTreeHead:
    root = tree.root()
    message = SignedTreeHead.message_for(election, tree.size, root, 1_795_606_237_245)
    return SignedTreeHead(election, tree.size, root, 1_795_606_237_245, key.sign(message))


@pytest.fixture(scope="module")
def signed(ballots: Any) -> Signed:
    key = Ed25519PrivateKey.generate()
    cast = entry_line(CastEntry(ballots.north))
    audit = entry_line(AuditEntry(ballots.revote, ballots.revote_opening))
    tree = MerkleTree()
    for leaf in (b'{"type":"manifest"}', cast, audit, b'{"type":"tally"}'):
        tree.append(leaf)
    head = _head(key, "demo-2026", tree)

    def receipt(index: int, leaf: bytes, tracker: bytes) -> Receipt:
        return Receipt(tracker, index, leaf, head, tuple(tree.inclusion_proof(index, tree.size)))

    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return Signed(
        public,
        receipt(1, cast, ballots.north.tracker()),
        receipt(2, audit, ballots.revote.tracker()),
    )


def test_the_json_form_is_the_boards_answer(signed: Signed) -> None:
    value = signed.cast.to_json()
    assert list(value) == ["tracker", "index", "entry", "tree_head", "inclusion_proof"]
    assert value["entry"] == signed.cast.entry.decode()
    answer = json.loads(json.dumps({**value, "already_cast": False}))
    assert Receipt.from_json(answer) == signed.cast


def test_the_booths_download_is_read_too(signed: Signed) -> None:
    download = {"format": "openballot-receipt/1", "receipt": signed.cast.to_json()}
    kept = Receipt.from_kept(download, "mine.json")
    assert kept == signed.cast
    assert kept.where == "mine.json.receipt"


def test_an_honest_receipt_verifies(signed: Signed, ballots: Any) -> None:
    signed.cast.verify(signed.board_key, "demo-2026", ballots.north.tracker())
    signed.cast.verify(signed.board_key, "demo-2026", ballots.north.tracker(), "cast")
    signed.audit.verify(signed.board_key, "demo-2026", ballots.revote.tracker(), "audit")


def test_each_check_names_what_is_wrong(signed: Signed, ballots: Any) -> None:
    key, r = signed.board_key, signed.cast
    with pytest.raises(ProofError, match=r"^receipt: is for ballot .*, not "):
        r.verify(key, "demo-2026", ballots.south.tracker())
    with pytest.raises(ProofError, match=r"^receipt: the board logged the ballot, but not as"):
        r.verify(key, "demo-2026", ballots.north.tracker(), "audit")
    with pytest.raises(ProofError, match=r"tree head is for election 'demo-2026', not 'other'"):
        r.verify(key, "other", ballots.north.tracker())
    other_key = Ed25519PrivateKey.generate().public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw
    )
    with pytest.raises(ProofError, match=r"the board's signature does not verify"):
        r.verify(other_key, "demo-2026", ballots.north.tracker())
    moved = replace(r, index=2)
    with pytest.raises(ProofError, match=r"inclusion proof"):
        moved.verify_signed(key)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"index": -1}, r"^receipt\.index: expected a leaf index"),
        ({"index": True}, r"^receipt\.index: expected a leaf index"),
        ({"tracker": "AB" * 32}, r"^receipt\.tracker: expected 64 lowercase hex"),
        ({"inclusion_proof": "00"}, r"^receipt\.inclusion_proof: expected a list"),
        ({"inclusion_proof": ["00"]}, r"^receipt\.inclusion_proof\[0\]: expected 64"),
        ({"entry": '{"type":"tally"}'}, r"^receipt\.entry: not a ballot entry"),
        ({"tree_head": {}}, r"^receipt\.tree_head: missing field"),
    ],
)
def test_a_malformed_receipt_is_refused(signed: Signed, change: dict[str, Any], message: str):
    with pytest.raises(DecodeError, match=message):
        Receipt.from_json({**signed.cast.to_json(), **change})


def test_the_entry_must_be_the_receipted_ballot(signed: Signed) -> None:
    value = {**signed.cast.to_json(), "entry": signed.audit.entry.decode()}
    with pytest.raises(DecodeError, match=r"^receipt: the entry is not the ballot with this"):
        Receipt.from_json(value)
