"""Write tests/vectors/protocol.json: known answers of the OpenBallot protocol, made by the
Python reference code, for a second implementation (the web booth in web/) to reproduce.

Run from the repository root:

    .venv/bin/python tests/vectors/make_protocol_vectors.py [--check] [--file PATH]

Everything is built with openballot's own functions. The randomness of the key ceremony,
the proofs and the ballots comes from a counter-mode hash seeded by a constant, so that running
the script twice writes the same bytes; this script swaps it in for the operating system's
generator, and nothing outside it ever should. With --check, the file is regenerated in memory
and compared with the one on disk (exit status 1 if they differ); tests/vectors/
test_vectors_current.py runs that check in the test suite.

Typed values (inputs of `encode`, `digest`, `hash_to_scalar`) are written as
``{"type": "bytes" | "element" | "scalar", "hex": ...}``, ``{"type": "str", "value": ...}``,
``{"type": "int", "value": "<decimal>"}`` (a string, so no JSON reader loses precision) or
``{"type": "list", "items": [...]}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import openballot.crypto.keyceremony as keyceremony_module
import openballot.crypto.proofs as proofs_module
import openballot.election.ballot as ballot_module
from openballot.crypto.elgamal import encrypt
from openballot.crypto.encoding import PROTOCOL_ID, Encodable, digest, encode, hash_to_scalar
from openballot.crypto.group import Element, G, L, Scalar, g_pow
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.keyceremony import generate_trustee
from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.ballot import (
    EncryptedBallot,
    encrypt_ballot,
    verify_ballot,
    verify_opening,
)
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import (
    ALPHABET,
    CredentialList,
    credential_secret,
    normalize_code,
    public_credential,
)
from openballot.election.manifest import Manifest
from openballot.errors import ProtocolError
from openballot.record.merkle import MerkleTree, leaf_hash, merkle_root, verify_inclusion
from openballot.testing import demo_manifest_json

OUT = Path(__file__).resolve().parent / "protocol.json"
SEED = "OpenBallot protocol vectors, version 1"
TRUSTEES = (("UN electoral assistance", 1), ("Civil society coalition", 2), ("Party A", 3))
THRESHOLD = 2


# -- deterministic randomness -------------------------------------------------------------------


class _Counter:
    def __init__(self, label: str) -> None:
        self.label = label
        self.n = 0

    def scalar(self) -> Scalar:
        while True:
            self.n += 1
            s = hash_to_scalar("vectors/random", SEED, self.label, self.n)
            if s.value:
                return s

    def chars(self, count: int) -> str:
        self.n += 1
        d = digest("vectors/code", SEED, self.label, self.n)
        return "".join(ALPHABET[b % 32] for b in d[:count])


@contextmanager
def deterministic(label: str) -> Iterator[_Counter]:
    """Replace `random_scalar` where the ceremony, the proofs and the ballots look it up."""
    counter = _Counter(label)
    modules = (proofs_module, keyceremony_module, ballot_module)
    saved = [m.random_scalar for m in modules]
    try:
        for m in modules:
            m.random_scalar = counter.scalar  # type: ignore[attr-defined]
        yield counter
    finally:
        for m, f in zip(modules, saved, strict=True):
            m.random_scalar = f  # type: ignore[attr-defined]


def make_code(counter: _Counter) -> str:
    """A valid credential code, found through the public API only: of the 32 possible check
    characters exactly one is accepted by `normalize_code`."""
    body = counter.chars(19)
    valid = []
    for c in ALPHABET:
        with suppress(ProtocolError):
            valid.append(normalize_code(body + c))
    assert len(valid) == 1
    full = valid[0]
    return "-".join(full[i : i + 5] for i in range(0, 20, 5))


# -- typed values ---------------------------------------------------------------------------------


def typed(value: Encodable) -> dict[str, Any]:
    if isinstance(value, bytes):
        return {"type": "bytes", "hex": value.hex()}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    if isinstance(value, bool):
        raise TypeError("booleans are not encodable")
    if isinstance(value, int):
        return {"type": "int", "value": str(value)}
    if isinstance(value, Element):
        return {"type": "element", "hex": value.hex()}
    if isinstance(value, Scalar):
        return {"type": "scalar", "hex": value.hex()}
    if isinstance(value, (list, tuple)):
        return {"type": "list", "items": [typed(v) for v in value]}
    raise TypeError(type(value).__name__)


def encode_examples() -> list[dict[str, Any]]:
    values: list[Encodable] = [
        b"",
        b"\x00",
        bytes(range(40)),
        "",
        "OpenBallot/1",
        "président",
        "الانتخابات ٢٠٢٦",
        "Herêma bakur",
        "🗳",
        0,
        1,
        255,
        256,
        2**32,
        2**53 + 1,
        2**64 - 1,
        G,
        g_pow(Scalar(2)),
        Scalar(0),
        Scalar(1),
        Scalar(L - 1),
        [],
        [[]],
        [b""],
        ["a", "b"],
        [["a"], "b"],
        ["a", ["b"]],
        ["ballot", 3, G, Scalar(7), [b"\x01\x02", ["x", 2**40]]],
    ]
    return [{"value": typed(v), "hex": encode(v).hex()} for v in values]


def digest_examples(ctx: ElectionContext) -> list[dict[str, Any]]:
    cases: list[tuple[str, tuple[Encodable, ...]]] = [
        ("test", ()),
        ("test", (b"",)),
        ("test", ("",)),
        ("test", ([],)),
        ("credential/code-check", ("7KQ2MX0HVAPD3RT9WZ4",)),
        ("credential/secret", ("demo-2026", "7KQ2MX0HVAPD3RT9WZ4E")),
        ("ballot/selection", (ctx.fingerprint, G, "president", "amal")),
        ("mixed", (1, "two", b"\x03", G, Scalar(5), [6, ["seven"]])),
        ("unicode/الاستفتاء", ("Referandûma destûrê",)),
    ]
    out = []
    for tag, values in cases:
        out.append(
            {
                "tag": tag,
                "values": [typed(v) for v in values],
                "digest": digest(tag, *values).hex(),
                "hash_to_scalar": hash_to_scalar(tag, *values).hex(),
            }
        )
    return out


# -- the election ---------------------------------------------------------------------------------


#: The optional fields of protocol.md 8: the election's vectors are made without them (so they
#: are those of every manifest that declares none), and `manifest_seats` shows them.
_SEAT_FIELDS = ("seats", "allocation", "threshold_percent", "registered")


def manifest_seats_json() -> dict[str, Any]:
    """The demo manifest with its seats and registered voters, and a threshold with decimals
    (2.5 %: encoded [5, 2])."""
    value = demo_manifest_json()
    value["election_id"] = "vectors-seats-2026"
    value["contests"][2]["threshold_percent"] = 2.5
    return value


def manifest_json() -> dict[str, Any]:
    """The demo manifest, with extra languages on a few labels so that sorting them matters
    (labels are hashed sorted by language code: ar, de, en, fa, ku, tr), without the optional
    seat fields."""
    value = demo_manifest_json()
    for item in [*value["districts"], *value["contests"]]:
        for key in _SEAT_FIELDS:
            item.pop(key, None)
    value["election_id"] = "vectors-2026"
    value["title"]["tr"] = "Deneme seçimi 2026"
    value["title"]["de"] = "Testwahl 2026"
    value["contests"][0]["options"][2]["labels"]["fa"] = "دیلان شیخو"
    assert isinstance(value, dict)
    return value


def build_context(counter: _Counter) -> tuple[ElectionContext, dict[str, list[str]]]:
    manifest = Manifest.from_json(manifest_json())
    context = ceremony_context(manifest, len(TRUSTEES), THRESHOLD)
    public_keys: list[TrusteePublicKey] = []
    for name, index in TRUSTEES:
        _secret, public = generate_trustee(index, name, THRESHOLD, context)
        public_keys.append(public)
    codes = {d: [make_code(counter) for _ in range(3)] for d in manifest.district_ids()}
    credentials = CredentialList.of(
        {d: [public_credential(manifest.election_id, c) for c in ds] for d, ds in codes.items()}
    )
    # Trustees listed out of index order: the context sorts them.
    ctx = ElectionContext.create(manifest, THRESHOLD, list(reversed(public_keys)), credentials)
    return ctx, codes


def credential_examples(counter: _Counter) -> dict[str, Any]:
    election_id = "vectors-2026"
    valid = []
    for k in range(6):
        code = make_code(counter)
        normalized = normalize_code(code)
        typed_forms = [code]
        if k == 1:
            typed_forms.append(code.lower())
        if k == 2:
            typed_forms.append(" " + normalized.lower().replace("0", "o").replace("1", "l") + "\t")
        if k == 3:
            typed_forms.append(
                " ".join(normalized[i : i + 4] for i in range(0, 20, 4)).replace("1", "I")
            )
        if k == 4:
            typed_forms.append(normalized.replace("V", "u"))
        if k == 5:
            typed_forms.append("--" + normalized + "-")
            # Pasted from a document: direction isolates, a zero-width space, a minus sign.
            typed_forms.append("\u2066" + code[:12] + "\u200b" + code[12:] + "\u2069")
            typed_forms.append("\u2212".join(code.split("-")))
        # Typed on an Arabic or a Persian keyboard, groups separated as a document might.
        typed_forms.append(in_digits(code, 0x0660).replace("-", "\u2013"))
        typed_forms.append(in_digits(code, 0x06F0).replace("-", "\u00a0"))
        secret = credential_secret(election_id, code)
        for form in typed_forms:
            assert normalize_code(form) == normalized
        valid.append(
            {
                "election_id": election_id,
                "typed": typed_forms,
                "normalized": normalized,
                "check_digest": digest("credential/code-check", normalized[:19]).hex(),
                "secret": secret.hex(),
                "public": g_pow(secret).hex(),
            }
        )
    typed_digits = {c for v in valid for form in v["typed"] for c in form if not c.isascii()}
    assert all(chr(base + d) in typed_digits for base in (0x0660, 0x06F0) for d in range(10))
    good = valid[0]["normalized"]
    wrong_check = good[:19] + next(c for c in ALPHABET if c != good[19])
    invalid: list[dict[str, str]] = [
        {"code": wrong_check, "reason": "check"},
        {"code": good[:5] + good[6] + good[5] + good[7:], "reason": "check"}
        if good[5] != good[6]
        else {"code": good[:18], "reason": "format"},
        {"code": good[:19], "reason": "format"},
        {"code": good + "0", "reason": "format"},
        {"code": good[:10] + "!" + good[11:], "reason": "format"},
        {"code": good[:10] + "_" + good[11:], "reason": "format"},
        {"code": "", "reason": "format"},
        # Not ASCII, and not in the keyboard map: a dotless i (upper-cases to I), a full-width
        # digit (NFKC would read it as 0), a full stop.
        {"code": good[:10] + "\u0131" + good[11:], "reason": "format"},
        {"code": good[:19] + "\uff10", "reason": "format"},
        {"code": good[:10] + "\u3002" + good[10:], "reason": "format"},
        # Mapped, then refused: 21 characters; 20 digits with a wrong check character.
        {"code": good[:19] + "\u00a0" + good[19] + "\u0660", "reason": "format"},
        {"code": "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩", "reason": "check"},
    ]
    for case in invalid:
        try:
            normalize_code(case["code"])
        except ProtocolError as exc:
            said_check = "check character" in str(exc)
            assert said_check == (case["reason"] == "check"), (case, exc)
        else:
            raise AssertionError(f"accepted: {case}")
    return {"valid": valid, "invalid": invalid, "keyboard": keyboard_examples(good)}


def in_digits(code: str, zero: int) -> str:
    """`code` with its ASCII digits written in the block whose digit zero is `zero`."""
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in code)


def accepted(forms: Iterator[tuple[int, str]], normalized: str) -> list[str]:
    out = []
    for cp, form in forms:
        with suppress(ProtocolError):
            assert normalize_code(form) == normalized
            out.append(f"{cp:04x}")
    return out


def _valid(code: str) -> bool:
    try:
        normalize_code(code)
    except ProtocolError:
        return False
    return True


def keyboard_examples(good: str) -> dict[str, Any]:
    """Every code point of the Basic Multilingual Plane (surrogates aside) put between two
    groups of a valid code, and in place of one of its digits: the ones accepted there. A
    second implementation that accepts exactly these reads what voters type as Python does."""
    bmp = [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    # A digit that no other character of the alphabet can replace with a valid check character:
    # otherwise that character, in either case, would normalise to another valid code.
    position = next(
        i
        for i, c in enumerate(good)
        if c.isdigit() and not any(_valid(good[:i] + a + good[i + 1 :]) for a in ALPHABET if a != c)
    )
    between = accepted(((cp, good[:10] + chr(cp) + good[10:]) for cp in bmp), good)
    as_digit = accepted(
        ((cp, good[:position] + chr(cp) + good[position + 1 :]) for cp in bmp), good
    )
    digit = int(good[position])
    assert {0x0660 + digit, 0x06F0 + digit} <= {int(h, 16) for h in as_digit}
    return {
        "code": good,
        "scanned": "U+0000 to U+FFFF, surrogates excepted",
        "between_groups": between,
        "digit_position": position,
        "as_digit": as_digit,
    }


def ballot_examples(
    ctx: ElectionContext, codes: Mapping[str, Sequence[str]]
) -> list[dict[str, Any]]:
    election_id = ctx.manifest.election_id
    cases: list[tuple[str, int, dict[str, list[str]]]] = [
        (
            "north",
            0,
            {"president": ["bashir"], "council-north": ["n1", "n4"], "referendum": ["yes"]},
        ),
        ("north", 1, {"president": ["amal"], "council-north": ["n5"], "referendum": ["no"]}),
        (
            "north",
            2,
            {"president": ["farah"], "council-north": ["n1", "n2", "n3"], "referendum": ["yes"]},
        ),
        ("south", 0, {"president": ["dilan"], "council-south": [], "referendum": ["no"]}),
        (
            "south",
            1,
            {"president": ["farah"], "council-south": ["s2", "s4"], "referendum": ["yes"]},
        ),
    ]
    out = []
    for district, voter, choices in cases:
        code = codes[district][voter]
        secret = credential_secret(election_id, code)
        ballot, opening = encrypt_ballot(ctx, district, secret, choices)
        verify_ballot(ctx, ballot)
        verify_opening(ctx, ballot, opening)
        again = EncryptedBallot.from_json(json.loads(json.dumps(ballot.to_json())))
        assert again == ballot
        out.append(
            {
                "district": district,
                "code": code,
                "choices": choices,
                "ballot": ballot.to_json(),
                "opening": opening.to_json(),
                "body_digest": digest("ballot/body", ballot.body_encoding()).hex(),
                "tracker": ballot.tracker().hex(),
            }
        )
    return out


def elgamal_examples(ctx: ElectionContext) -> list[dict[str, Any]]:
    out = []
    for m, r in ((0, 1), (1, 1), (0, 12345), (1, L - 1), (3, 99)):
        ct = encrypt(ctx.joint_key, m, Scalar(r))
        out.append({"m": m, "r": Scalar(r).hex(), "alpha": ct.alpha.hex(), "beta": ct.beta.hex()})
    return out


# -- Merkle tree and tree heads -------------------------------------------------------------------


def merkle_examples(ballots: list[dict[str, Any]]) -> dict[str, Any]:
    leaves = [
        json.dumps(
            {"type": "cast", "ballot": b["ballot"]}, separators=(",", ":"), ensure_ascii=False
        )
        for b in ballots
    ]
    leaves += [f"leaf {i} — ورقة {i}" for i in range(len(leaves), 13)]
    tree = MerkleTree()
    for leaf in leaves:
        tree.append(leaf.encode("utf-8"))
    roots = [
        {"size": n, "root": merkle_root([x.encode("utf-8") for x in leaves[:n]]).hex()}
        for n in range(0, len(leaves) + 1)
    ]
    for r in roots[1:]:
        assert tree.root(r["size"]).hex() == r["root"]
    inclusion = []
    for size in (1, 2, 3, 4, 5, 7, 8, 12, 13):
        for index in sorted({0, size // 2, size - 1}):
            proof = tree.inclusion_proof(index, size)
            root = tree.root(size)
            leaf = leaf_hash(leaves[index].encode("utf-8"))
            verify_inclusion(leaf, index, size, proof, root)
            inclusion.append(
                {
                    "index": index,
                    "size": size,
                    "leaf_hash": leaf.hex(),
                    "proof": [p.hex() for p in proof],
                    "root": root.hex(),
                }
            )
    return {
        "leaves": leaves,
        "leaf_hashes": [leaf_hash(x.encode("utf-8")).hex() for x in leaves],
        "roots": roots,
        "inclusion": inclusion,
    }


def tree_head_message(election_id: str, size: int, root: bytes, timestamp_ms: int) -> bytes:
    """What the board signs (Ed25519): digest("board/tree-head", election id, size, root,
    timestamp in milliseconds since the Unix epoch)."""
    return digest("board/tree-head", election_id, size, root, timestamp_ms)


def tree_head_examples(election_id: str, merkle: dict[str, Any]) -> list[dict[str, Any]]:
    key = Ed25519PrivateKey.from_private_bytes(digest("vectors/board-key", SEED)[:32])
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    out = []
    for size, timestamp in ((0, 1767225600000), (5, 1767225600123), (13, 1767229200999)):
        root = bytes.fromhex(merkle["roots"][size]["root"])
        message = tree_head_message(election_id, size, root, timestamp)
        out.append(
            {
                "tree_head": {
                    "election": election_id,
                    "size": size,
                    "root": root.hex(),
                    "timestamp": timestamp,
                    "signature": key.sign(message).hex(),
                },
                "message": message.hex(),
                "board_key": public.hex(),
            }
        )
    return out


# -- the file -------------------------------------------------------------------------------------


def build() -> dict[str, Any]:
    with deterministic("election") as counter:
        ctx, codes = build_context(counter)
        credentials = credential_examples(counter)
        ballots = ballot_examples(ctx, codes)
    manifest = ctx.manifest
    merkle = merkle_examples(ballots)
    return {
        "source": "tests/vectors/make_protocol_vectors.py (the Python reference implementation)",
        "note": (
            "Known answers of the OpenBallot protocol for a second implementation. Typed values: "
            '{"type": "bytes"|"element"|"scalar", "hex"}, {"type": "str", "value"}, '
            '{"type": "int", "value": decimal string}, {"type": "list", "items"}. '
            "Regenerate with .venv/bin/python tests/vectors/make_protocol_vectors.py; "
            "randomness is seeded, so the output is reproducible."
        ),
        "protocol_id": PROTOCOL_ID.decode(),
        "group_order": str(L),
        "encode": encode_examples(),
        "digest": digest_examples(ctx),
        "credentials": credentials,
        "manifest": manifest_vector(manifest),
        "manifest_seats": manifest_vector(Manifest.from_json(manifest_seats_json())),
        "election": {
            "manifest": manifest.to_json(),
            "threshold": ctx.threshold,
            "trustees": [t.to_json() for t in ctx.trustees],
            # protocol.md 10.8: what each trustee published before revealing its key.
            "key_commitments": [
                KeyCommitment.of(
                    t, ceremony_context(manifest, len(ctx.trustees), ctx.threshold)
                ).to_json()
                for t in ctx.trustees
            ],
            "ceremony_context": typed(ceremony_context(manifest, len(ctx.trustees), ctx.threshold)),
            "credentials": ctx.credentials.to_json(),
            "credentials_digest": ctx.credentials.digest(ctx.manifest_digest).hex(),
            "manifest_digest": ctx.manifest_digest.hex(),
            "joint_key": ctx.joint_key.hex(),
            "fingerprint": ctx.fingerprint.hex(),
            "codes": codes,
        },
        "elgamal": elgamal_examples(ctx),
        "ballots": ballots,
        "merkle": merkle,
        "tree_heads": tree_head_examples(manifest.election_id, merkle),
    }


def manifest_vector(manifest: Manifest) -> dict[str, Any]:
    return {
        "json": manifest.to_json(),
        "encoding": encode(manifest.encoding()).hex(),
        "digest": manifest.digest().hex(),
    }


def render(value: Mapping[str, Any]) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description="Write or check the protocol vectors.")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--file", type=Path, default=OUT, help=f"the vectors file (default {OUT})")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if args.file.read_text(encoding="utf-8") != text:
            print(f"{args.file} is out of date: regenerate it", file=sys.stderr)
            return 1
        print(f"{args.file} is up to date")
        return 0
    args.file.write_text(text, encoding="utf-8")
    print(f"wrote {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
