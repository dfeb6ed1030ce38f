"""The steps of each role, as functions over a record directory and private files.

The command line (`main`) and the demo both call these, so the demo runs exactly the protocol
that separate machines would run. Each step checks everything before it writes anything.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openballot.crypto.keyceremony import (
    TrusteeShare,
    encrypt_shares,
    generate_trustee,
    receive_shares,
)
from openballot.crypto.share_encryption import EncryptedShare
from openballot.crypto.trustee import TrusteePublicKey, TrusteeSecret
from openballot.election.ballot import BallotOpening, EncryptedBallot, encrypt_ballot
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import (
    CredentialList,
    credential_secret,
    new_code,
    public_credential,
)
from openballot.election.decryption import (
    Result,
    TrusteeDecryption,
    compute_result,
    decrypt_tally,
    verify_trustee_decryption,
)
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.errors import DecodeError, OpenBallotError, ProtocolError, RecordError
from openballot.jsonfields import obj
from openballot.record.ballot_box import BallotBox, Receipt
from openballot.record.files import json_bytes, read_json, write_json
from openballot.record.layout import RecordLayout, decoded
from openballot.verify.ballot_pass import check_ballot_log
from openballot.verify.findings import Finding
from openballot.verify.verifier import load_context

__all__ = [
    "election_context",
    "cast_file",
    "parse_choices",
    "parse_voter_counts",
    "issue_credentials",
    "decrypt_checked",
    "ballot_json_bytes",
    "new_election",
    "trustee_keygen",
    "trustee_exchange",
    "trustee_finish",
    "generate_credentials",
    "open_election",
    "encrypt_vote",
    "compute_tally",
    "trustee_decrypt",
    "publish_result",
]


def _parameters(layout: RecordLayout) -> tuple[Manifest, int, int]:
    layout.check_format()
    manifest = decoded(layout.manifest, read_json(layout.manifest), Manifest.from_json)
    n, t = layout.read_parameters()
    return manifest, n, t


def new_election(record: Path, manifest_file: Path, trustees: int, threshold: int) -> Manifest:
    if not 1 <= threshold <= trustees:
        raise ProtocolError(f"threshold {threshold} must be between 1 and {trustees} trustees")
    manifest = decoded(manifest_file, read_json(manifest_file), Manifest.from_json)
    layout = RecordLayout(record)
    if layout.record_file.exists():
        raise RecordError(f"{record}: a record already exists there")
    layout.create()
    write_json(layout.manifest, manifest.to_json())
    write_json(layout.parameters, {"trustees": trustees, "threshold": threshold})
    return manifest


def trustee_keygen(record: Path, index: int, name: str, secret_file: Path) -> TrusteePublicKey:
    layout = RecordLayout(record)
    manifest, n, t = _parameters(layout)
    if not 1 <= index <= n:
        raise ProtocolError(f"trustee index {index} is not in 1..{n}")
    if layout.trustee_key(index).exists():
        raise RecordError(f"{layout.trustee_key(index)}: trustee {index} already has a key")
    if secret_file.exists():
        raise RecordError(f"{secret_file}: refusing to overwrite an existing secret file")
    secret, public = generate_trustee(index, name, t, ceremony_context(manifest, n, t))
    write_json(secret_file, {"election": manifest.election_id, **secret.to_json()}, private=True)
    write_json(layout.trustee_key(index), public.to_json())
    return public


def _read_secret(path: Path) -> TrusteeSecret:
    value = dict(obj(read_json(path), str(path)))
    value.pop("election", None)
    return decoded(path, value, TrusteeSecret.from_json)


def _all_keys(layout: RecordLayout, n: int) -> tuple[TrusteePublicKey, ...]:
    keys = layout.read_unverified_trustees()
    if len(keys) != n:
        raise ProtocolError(f"{len(keys)} of {n} trustees have published keys; wait for all")
    return keys


def trustee_exchange(record: Path, secret_file: Path) -> tuple[EncryptedShare, ...]:
    layout = RecordLayout(record)
    manifest, n, t = _parameters(layout)
    secret = _read_secret(secret_file)
    keys = _all_keys(layout, n)
    shares = encrypt_shares(secret, keys, ceremony_context(manifest, n, t))
    write_json(layout.shares(secret.index), {"shares": [s.to_json() for s in shares]})
    return shares


def trustee_finish(record: Path, secret_file: Path, share_file: Path) -> TrusteeShare:
    layout = RecordLayout(record)
    manifest, n, t = _parameters(layout)
    secret = _read_secret(secret_file)
    keys = _all_keys(layout, n)
    mine = [
        s
        for k in keys
        if k.index != secret.index
        for s in layout.read_unverified_shares(k.index)
        if s.recipient == secret.index
    ]
    share, complaints = receive_shares(secret, keys, mine, ceremony_context(manifest, n, t))
    if share is None:
        write_json(
            layout.complaints(secret.index), {"complaints": [c.to_json() for c in complaints]}
        )
        accused = ", ".join(str(c.accused) for c in complaints)
        raise ProtocolError(f"shares from trustee(s) {accused} are bad; complaints published")
    write_json(share_file, {"election": manifest.election_id, **share.to_json()}, private=True)
    return share


def generate_credentials(
    record: Path, voters: Mapping[str, int], codes_file: Path
) -> list[tuple[str, str]]:
    """The credential authority: one code per voter. Codes go to a private file to be handed
    out; only public credentials are published. Returns (district, code) pairs."""
    layout = RecordLayout(record)
    manifest, _, _ = _parameters(layout)
    if layout.credentials.exists():
        raise RecordError(f"{layout.credentials}: credentials were already published")
    if codes_file.exists():
        raise RecordError(f"{codes_file}: refusing to overwrite an existing codes file")
    issued, credentials = issue_credentials(manifest, voters, codes_file)
    write_json(layout.credentials, credentials.to_json())
    return issued


def issue_credentials(
    manifest: Manifest, voters: Mapping[str, int], codes_file: Path
) -> tuple[list[tuple[str, str]], CredentialList]:
    """Make one code per voter (shuffled, so the file's order says nothing of the list's),
    keep them in a private codes file, and return them with the public credential list."""
    unknown = set(voters) - set(manifest.district_ids())
    if unknown:
        raise ProtocolError(f"unknown district {sorted(unknown)[0]!r}")
    issued = [(d, new_code()) for d in manifest.district_ids() for _ in range(voters.get(d, 0))]
    random.SystemRandom().shuffle(issued)
    by_district: dict[str, list[Any]] = {d: [] for d in manifest.district_ids()}
    for d, code in issued:
        by_district[d].append(public_credential(manifest.election_id, code))
    lines = [{"voter": i + 1, "district": d, "code": c} for i, (d, c) in enumerate(issued)]
    codes_file.parent.mkdir(parents=True, exist_ok=True)
    write_json(codes_file, {"election": manifest.election_id, "voters": lines}, private=True)
    return issued, CredentialList.of(by_district)


def parse_voter_counts(items: Sequence[str]) -> dict[str, int]:
    """``DISTRICT=COUNT`` items, each district once."""
    counts: dict[str, int] = {}
    for item in items:
        d, _, n = item.partition("=")
        if not n.isdigit():
            raise DecodeError(f"--voters {item!r}: expected DISTRICT=COUNT")
        if d in counts:
            raise DecodeError(f"--voters: district {d!r} is given twice")
        counts[d] = int(n)
    return counts


def decrypt_checked(
    ctx: ElectionContext, tally: Tally, share: TrusteeShare, source: Path
) -> TrusteeDecryption:
    """A trustee's decryption of the tally, checked before it is published: a wrong key share
    is caught here rather than by every verifier afterwards."""
    dec = decrypt_tally(ctx, tally, share)
    try:
        verify_trustee_decryption(ctx, tally, dec)
    except OpenBallotError:
        raise ProtocolError(
            f"{source}: this key share does not match trustee {share.index}'s public share"
        ) from None
    return dec


def open_election(record: Path) -> ElectionContext:
    layout = RecordLayout(record)
    manifest, n, t = _parameters(layout)
    keys = _all_keys(layout, n)
    for k in keys:
        layout.read_unverified_shares(k.index)
    complaints = layout.read_unverified_complaints()
    if complaints:
        raise ProtocolError("the key ceremony has complaints; it must be run again")
    credentials = decoded(
        layout.credentials,
        read_json(layout.credentials),
        lambda v: CredentialList.from_json(v, manifest.district_ids()),
    )
    ctx = ElectionContext.create(manifest, t, keys, credentials)
    write_json(layout.election, ctx.summary_json())
    return ctx


def election_context(record: Path) -> ElectionContext:
    layout = RecordLayout(record)
    if not layout.election.exists():
        raise RecordError(f"{layout.election}: the election is not open yet")
    return load_context(layout)


def encrypt_vote(
    ctx: ElectionContext, code: str, district: str, choices: Mapping[str, Sequence[str]]
) -> tuple[EncryptedBallot, BallotOpening]:
    secret = credential_secret(ctx.manifest.election_id, code)
    return encrypt_ballot(ctx, district, secret, choices)


def cast_file(record: Path, ballot_file: Path) -> Receipt:
    ctx = election_context(record)
    ballot = decoded(ballot_file, read_json(ballot_file), EncryptedBallot.from_json)
    return BallotBox(RecordLayout(record), ctx).cast(ballot)


def compute_tally(record: Path, workers: int | None = None) -> tuple[Tally, list[Finding]]:
    """Close the election: tally the ballots that count. Ballots that fail a check are left
    out and reported (a board never accepts them; their presence means tampering)."""
    layout = RecordLayout(record)
    ctx = election_context(record)
    if layout.tally.exists():
        raise RecordError(f"{layout.tally}: the tally was already computed")
    summary = check_ballot_log(ctx, layout.ballots, workers)
    tally = summary.builder.finish(summary.log_size, summary.log_root)
    write_json(layout.tally, tally.to_json())
    return tally, summary.findings


def _tally(layout: RecordLayout, ctx: ElectionContext) -> Tally:
    if not layout.tally.exists():
        raise RecordError(f"{layout.tally}: the tally has not been computed yet")
    return decoded(layout.tally, read_json(layout.tally), lambda v: Tally.from_json(v, ctx))


def trustee_decrypt(record: Path, share_file: Path) -> TrusteeDecryption:
    layout = RecordLayout(record)
    ctx = election_context(record)
    tally = _tally(layout, ctx)
    value = dict(obj(read_json(share_file), str(share_file)))
    if value.pop("election", ctx.manifest.election_id) != ctx.manifest.election_id:
        raise ProtocolError(f"{share_file}: key share of another election")
    share = decoded(share_file, value, TrusteeShare.from_json)
    dec = decrypt_checked(ctx, tally, share, share_file)
    write_json(layout.decryption(share.index), dec.to_json())
    return dec


def publish_result(record: Path) -> Result:
    layout = RecordLayout(record)
    ctx = election_context(record)
    tally = _tally(layout, ctx)
    decryptions = []
    paths = sorted(layout.decryptions.glob("trustee-*.json")) if layout.decryptions.exists() else []
    for p in paths:
        dec = decoded(p, read_json(p), lambda v: TrusteeDecryption.from_json(v, ctx))
        verify_trustee_decryption(ctx, tally, dec)
        decryptions.append(dec)
    result = compute_result(ctx, tally, decryptions)
    write_json(layout.result, result.to_json())
    return result


def parse_choices(items: Sequence[str]) -> dict[str, list[str]]:
    """``contest=opt1,opt2`` items; ``contest=`` is a blank vote in that contest."""
    choices: dict[str, list[str]] = {}
    for item in items:
        contest, sep, options = item.partition("=")
        if not sep or not contest:
            raise DecodeError(f"choice {item!r}: expected CONTEST=OPTION[,OPTION...]")
        choices[contest] = [o for o in options.split(",") if o]
    return choices


def ballot_json_bytes(ballot: EncryptedBallot) -> bytes:
    return json_bytes(ballot.to_json())
