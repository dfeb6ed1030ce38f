"""The election record directory (docs/record.md): where each public message lives, and
loaders that decode them without verifying anything (`openballot.verify` does that)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey
from openballot.errors import DecodeError, RecordError
from openballot.jsonfields import get_int, get_str, obj, only_keys
from openballot.record.files import read_json, write_json

__all__ = ["FORMAT", "VERSION", "RecordLayout"]

FORMAT = "openballot-record"
VERSION = 1

T = TypeVar("T")


def decoded(path: Path, value: Any, decode: Callable[[Any], T]) -> T:
    """Run a decoder, reporting a bad field as a RecordError that names the file."""
    try:
        return decode(value)
    except DecodeError as exc:
        raise RecordError(f"{path.name}: {exc}") from None


@dataclass(frozen=True)
class RecordLayout:
    """Every path of a record: nothing else spells a record file's name."""

    root: Path

    def name(self, path: Path) -> str:
        """The path as findings and docs write it: relative to the record, with '/'."""
        return path.relative_to(self.root).as_posix()

    @property
    def record_file(self) -> Path:
        return self.root / "record.json"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def ceremony(self) -> Path:
        return self.root / "ceremony"

    @property
    def parameters(self) -> Path:
        return self.ceremony / "parameters.json"

    def key_commitment(self, index: int) -> Path:
        return self.ceremony / f"commitment-{index}.json"

    def trustee_key(self, index: int) -> Path:
        return self.ceremony / f"trustee-{index}.json"

    def shares(self, sender: int) -> Path:
        return self.ceremony / f"shares-{sender}.json"

    def complaints(self, accuser: int) -> Path:
        return self.ceremony / f"complaints-{accuser}.json"

    @property
    def credentials(self) -> Path:
        return self.root / "credentials.json"

    @property
    def election(self) -> Path:
        return self.root / "election.json"

    @property
    def ballots(self) -> Path:
        return self.root / "ballots.jsonl"

    @property
    def tally(self) -> Path:
        return self.root / "tally.json"

    @property
    def decryptions(self) -> Path:
        return self.root / "decryptions"

    def decryption(self, trustee: int) -> Path:
        return self.decryptions / f"trustee-{trustee}.json"

    @property
    def result(self) -> Path:
        return self.root / "result.json"

    # --- only in a record exported from a board (record.md) ------------------------------

    @property
    def board(self) -> Path:
        """board.json: the election and the key the board signs with."""
        return self.root / "board.json"

    @property
    def board_log(self) -> Path:
        """board.jsonl: every leaf of the board log, one a line."""
        return self.root / "board.jsonl"

    @property
    def tree_heads(self) -> Path:
        """tree-heads.jsonl: every tree head the board signed, one a line."""
        return self.root / "tree-heads.jsonl"

    @property
    def not_from_leaves(self) -> frozenset[Path]:
        """The JSON files of a board's record that no leaf fills."""
        return frozenset({self.record_file, self.board})

    # --- writing -------------------------------------------------------------------------

    def create(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        write_json(self.record_file, {"format": FORMAT, "version": VERSION})

    # --- reading (unverified) ------------------------------------------------------------

    def check_format(self) -> None:
        if not self.root.is_dir():
            raise RecordError(f"{self.root}: not a record directory")
        o = read_json(self.record_file)
        where = "record.json"
        try:
            o = obj(o, where)
            only_keys(o, {"format", "version"}, where)
            fmt = get_str(o, "format", where)
            version = get_int(o, "version", where)
        except DecodeError as exc:
            raise RecordError(str(exc)) from None
        if fmt != FORMAT:
            raise RecordError(f"record.json.format: expected {FORMAT!r}, got {fmt!r}")
        if version != VERSION:
            raise RecordError(
                f"record.json.version: this verifier reads version {VERSION}, got {version}"
            )

    def read_parameters(self) -> tuple[int, int]:
        """(trustees n, threshold t) as the election authority set them."""

        def decode(v: Any) -> tuple[int, int]:
            o = obj(v, "parameters")
            only_keys(o, {"trustees", "threshold"}, "parameters")
            n = get_int(o, "trustees", "parameters", 1)
            t = get_int(o, "threshold", "parameters", 1)
            if t > n:
                raise DecodeError(f"parameters: threshold {t} is more than the {n} trustees")
            return n, t

        return decoded(self.parameters, read_json(self.parameters), decode)

    def read_unverified_trustees(self) -> tuple[TrusteePublicKey, ...]:
        paths = sorted(self.ceremony.glob("trustee-*.json"), key=_index_of)
        if not paths:
            raise RecordError(f"{self.ceremony}: no trustee public keys (trustee-N.json)")
        keys = []
        for p in paths:
            key = decoded(p, read_json(p), TrusteePublicKey.from_json)
            if key.index != _index_of(p):
                raise RecordError(f"{p.name}: holds trustee {key.index}")
            keys.append(key)
        return tuple(keys)

    def read_unverified_commitments(self) -> dict[int, KeyCommitment]:
        """Every commitment-N.json, by trustee; RecordError if one is unreadable or misnamed."""
        found = {}
        for p in sorted(self.ceremony.glob("commitment-*.json"), key=_index_of):
            c = decoded(p, read_json(p), KeyCommitment.from_json)
            if c.index != _index_of(p):
                raise RecordError(f"{p.name}: holds trustee {c.index}")
            found[c.index] = c
        return found

    def read_unverified_shares(self, sender: int) -> SharesMessage:
        p = self.shares(sender)
        return decoded(p, read_json(p), lambda v: SharesMessage.from_json(v, sender))

    def read_unverified_complaints(self) -> tuple[Verdict, ...]:
        """Every complaints-N.json, by accuser: the verdicts that are not all good."""
        found = []
        for p in sorted(self.ceremony.glob("complaints-*.json"), key=_index_of):
            found.append(decoded(p, read_json(p), _complaints_decoder(_index_of(p))))
        return tuple(found)


def _index_of(path: Path) -> int:
    try:
        return int(path.stem.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        raise RecordError(f"{path.name}: file name does not end in a trustee number") from None


def _complaints_decoder(accuser: int) -> Callable[[Any], Verdict]:
    def decode(v: Any) -> Verdict:
        verdict = Verdict.from_json(v, accuser)
        for c in verdict.complaints:
            if c.accuser != accuser:
                raise DecodeError(f"complaints: a complaint by trustee {c.accuser}")
        return verdict

    return decode
