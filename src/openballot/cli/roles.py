"""Every role's steps, written once against a `Bulletin`: a record directory or a running board.

`openballot …` runs them on a record directory, `openballot board …` on a board over HTTP, and
the demo on a record in one process, so each runs exactly the protocol that separate machines
would run. Each step checks everything before it writes anything; private files are created
with mode 0600 and never overwritten.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from openballot.cli.bulletin import Bulletin, Parameters, all_trustee_keys
from openballot.cli.private_files import private_file, read_private
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.keyceremony import (
    TrusteeShare,
    encrypt_shares,
    generate_trustee,
    receive_shares,
)
from openballot.crypto.share_encryption import EncryptedShare
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey, TrusteeSecret
from openballot.election.ballot import BallotOpening, EncryptedBallot, encrypt_ballot
from openballot.election.context import ElectionContext
from openballot.election.credentials import (
    CredentialList,
    credential_secret,
    new_code,
    public_credential,
)
from openballot.election.decryption import (
    Result,
    TrusteeDecryption,
    decrypt_tally,
    verify_decryption_signature,
    verify_trustee_decryption,
)
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.errors import DecodeError, OpenBallotError, ProtocolError
from openballot.jsonfields import obj
from openballot.record.files import read_json
from openballot.record.layout import decoded
from openballot.verify.findings import Finding

__all__ = [
    "read_manifest",
    "new_election",
    "trustee_keygen",
    "trustee_reveal",
    "trustee_exchange",
    "trustee_finish",
    "generate_credentials",
    "issue_credentials",
    "open_election",
    "voter_district",
    "encrypt_vote",
    "audit_vote",
    "close_election",
    "trustee_decrypt",
    "decrypt_checked",
    "publish_result",
]

#: What the bulletin answers to a ballot.
A = TypeVar("A")

# --- election authority --------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    return decoded(path, read_json(path), Manifest.from_json)


def new_election(
    bulletin: Bulletin[object], manifest: Manifest, trustees: int, threshold: int
) -> Mapping[str, str]:
    """Start the election with n trustees of whom any t decrypt; returns the roles' tokens
    where the bulletin has any."""
    if not 1 <= threshold <= trustees:
        raise ProtocolError(f"threshold {threshold} must be between 1 and {trustees} trustees")
    return bulletin.post_election(manifest, trustees, threshold)


def open_election(bulletin: Bulletin[object]) -> ElectionContext:
    """Check the key ceremony and credentials, fix the election fingerprint, open voting."""
    return bulletin.open()


def close_election(bulletin: Bulletin[object]) -> tuple[Tally, list[Finding]]:
    return bulletin.close()


def publish_result(bulletin: Bulletin[object]) -> Result:
    return bulletin.publish_result()


# --- trustees ------------------------------------------------------------------------------


def trustee_keygen(
    bulletin: Bulletin[object], index: int, name: str, secret_file: Path
) -> KeyCommitment:
    """Step 1: make the keys, keep them (the public key too, to reveal it unchanged) in a
    secret file, and publish only a commitment to the public key (protocol.md 10.8)."""
    p = bulletin.parameters()
    if not 1 <= index <= p.trustees:
        raise ProtocolError(f"trustee index {index} is not in 1..{p.trustees}")
    if index in bulletin.commitments():
        raise ProtocolError(f"trustee {index} already has a key")
    with private_file(secret_file, "secret file") as keep:
        secret, public = generate_trustee(index, name, p.threshold, p.ceremony())
        commitment = KeyCommitment.of(public, p.ceremony())
        # On disk before the commitment is published (a committed key whose secret is lost
        # would stall the ceremony), but under its name only once the board took it.
        keep(
            {
                "election": p.manifest.election_id,
                **secret.to_json(),
                "public_key": public.to_json(),
            }
        )
        bulletin.post_key_commitment(commitment)
    return commitment


def _keys_file(secret_file: Path, election: str) -> tuple[TrusteeSecret, TrusteePublicKey]:
    """The secret file `trustee keygen` wrote: the secrets and the public key committed to."""

    def decode(value: Any) -> tuple[TrusteeSecret, TrusteePublicKey]:
        o = dict(obj(value, "secret file"))
        public = o.pop("public_key", None)
        if public is None:
            raise DecodeError("secret file: public_key: missing")
        return TrusteeSecret.from_json(o), TrusteePublicKey.from_json(public)

    return read_private(secret_file, election, "secret file", decode)


def _secret(secret_file: Path, election: str) -> TrusteeSecret:
    return _keys_file(secret_file, election)[0]


def trustee_reveal(bulletin: Bulletin[object], secret_file: Path) -> TrusteePublicKey:
    """Step 1b: once all n trustees have committed, publish the public key committed to."""
    p = bulletin.parameters()
    secret, public = _keys_file(secret_file, p.manifest.election_id)
    commitments = bulletin.commitments()
    if len(commitments) != p.trustees:
        raise ProtocolError(
            f"{len(commitments)} of {p.trustees} trustees have committed to a key; wait for all"
        )
    if bulletin.has_trustee_key(secret.index):
        raise ProtocolError(f"trustee {secret.index} has already revealed its key")
    commitments[secret.index].check(public, p.ceremony())
    bulletin.post_trustee_key(public)
    return public


def revealed_keys(bulletin: Bulletin[object], p: Parameters) -> tuple[TrusteePublicKey, ...]:
    """Every trustee's key, once all are revealed, each checked against its commitment."""
    keys = all_trustee_keys(bulletin.trustee_keys(), p)
    commitments = bulletin.commitments()
    for key in keys:
        if key.index not in commitments:
            raise ProtocolError(f"trustee {key.index} revealed a key it never committed to")
        commitments[key.index].check(key, p.ceremony())
    return keys


def trustee_exchange(bulletin: Bulletin[object], secret_file: Path) -> tuple[EncryptedShare, ...]:
    """Step 2: publish a share for every other trustee, each encrypted to its recipient, all
    signed."""
    p = bulletin.parameters()
    secret = _secret(secret_file, p.manifest.election_id)
    shares = encrypt_shares(secret, revealed_keys(bulletin, p), p.ceremony())
    bulletin.post_shares(SharesMessage.sign(secret, shares, p.ceremony()))
    return shares


def trustee_finish(bulletin: Bulletin[object], secret_file: Path, share_file: Path) -> TrusteeShare:
    """Step 3: check the shares received against their senders' commitments; keep the key
    share and say so, or publish complaints (and fail)."""
    p = bulletin.parameters()
    secret = _secret(secret_file, p.manifest.election_id)
    keys = revealed_keys(bulletin, p)
    published = bulletin.shares()
    if len(published) != p.trustees:
        raise ProtocolError(
            f"{len(published)} of {p.trustees} trustees have sent shares; wait for all"
        )
    # Shares not signed by their sender's key are not the sender's: nothing to complain of.
    for message in published.values():
        message.verify(keys, p.ceremony())
    mine = [
        s
        for sender, message in sorted(published.items())
        if sender != secret.index
        for s in message.shares
        if s.recipient == secret.index
    ]
    share, complaints = receive_shares(secret, keys, mine, p.ceremony())
    if share is None:
        bulletin.post_verdict(Verdict.sign(secret, complaints, p.ceremony()))
        accused = ", ".join(str(c.accused) for c in complaints)
        raise ProtocolError(f"shares from trustee(s) {accused} are bad; complaints published")
    with private_file(share_file, "key-share file", replace=True) as keep:
        keep({"election": p.manifest.election_id, **share.to_json()})
        bulletin.post_verdict(Verdict.sign(secret, (), p.ceremony()))
    return share


def decrypt_checked(
    ctx: ElectionContext, tally: Tally, share: TrusteeShare, source: Path
) -> TrusteeDecryption:
    """A trustee's decryption of the tally, checked before it is published: a wrong key share
    is caught here rather than by every verifier afterwards."""
    dec = decrypt_tally(ctx, tally, share)
    try:
        verify_decryption_signature(ctx, tally, dec)
        verify_trustee_decryption(ctx, tally, dec)
    except OpenBallotError:
        raise ProtocolError(
            f"{source}: this key share does not match trustee {share.index}'s public share"
        ) from None
    return dec


def trustee_decrypt(bulletin: Bulletin[object], share_file: Path) -> TrusteeDecryption:
    """Publish this trustee's decryption shares of the tally, with proofs."""
    ctx = bulletin.context()
    tally = bulletin.tally(ctx)
    share = read_private(share_file, ctx.manifest.election_id, "key share", TrusteeShare.from_json)
    dec = decrypt_checked(ctx, tally, share, share_file)
    bulletin.post_decryption(dec)
    return dec


# --- the credential authority ---------------------------------------------------------------


def issue_credentials(
    manifest: Manifest, voters: Mapping[str, int]
) -> tuple[list[tuple[str, str]], CredentialList]:
    """Make one code per voter (shuffled, so the order of the codes says nothing of the
    list's), and return them with the public credential list."""
    unknown = set(voters) - set(manifest.district_ids())
    if unknown:
        raise ProtocolError(f"unknown district {sorted(unknown)[0]!r}")
    issued = [(d, new_code()) for d in manifest.district_ids() for _ in range(voters.get(d, 0))]
    random.SystemRandom().shuffle(issued)
    by_district: dict[str, list[Any]] = {d: [] for d in manifest.district_ids()}
    for d, code in issued:
        by_district[d].append(public_credential(manifest.election_id, code))
    return issued, CredentialList.of(by_district)


def generate_credentials(
    bulletin: Bulletin[object], voters: Mapping[str, int], keep_codes: Path | None
) -> list[tuple[str, str]]:
    """One code per voter; only the public credentials are published. Returns (district,
    code) pairs.

    The codes belong in the material handed to voters, and nowhere else: an authority that
    keeps a voter's code can cast a ballot in her name (docs/threat-model.md). Until that
    material is made here, the codes go only to `keep_codes`, a private file for tests and
    demos, written once the credentials are published; without it the step refuses to run."""
    if keep_codes is None:
        raise ProtocolError(
            "no output for the voters' codes: give --keep-codes FILE (for tests and demos "
            "only: a real credential authority hands the codes out and forgets them)"
        )
    p = bulletin.parameters()
    if bulletin.credentials_published():
        raise ProtocolError("credentials were already published")
    with private_file(keep_codes, "codes file") as keep:
        issued, credentials = issue_credentials(p.manifest, voters)
        lines = [{"voter": i + 1, "district": d, "code": c} for i, (d, c) in enumerate(issued)]
        keep({"election": p.manifest.election_id, "voters": lines})
        bulletin.post_credentials(credentials)
    return issued


# --- voters ----------------------------------------------------------------------------------


def voter_district(bulletin: Bulletin[object], ctx: ElectionContext, code: str) -> str:
    """The district whose credential list holds this voter's credential."""
    return bulletin.district_of(public_credential(ctx.manifest.election_id, code))


def encrypt_vote(
    ctx: ElectionContext, code: str, district: str, choices: Mapping[str, Sequence[str]]
) -> tuple[EncryptedBallot, BallotOpening]:
    secret = credential_secret(ctx.manifest.election_id, code)
    return encrypt_ballot(ctx, district, secret, choices)


def audit_vote(
    bulletin: Bulletin[A],
    ctx: ElectionContext,
    code: str,
    district: str,
    choices: Mapping[str, Sequence[str]],
) -> tuple[EncryptedBallot, A]:
    """A Benaloh challenge: encrypt the choices, then open that encryption on the bulletin,
    which checks it and never counts it. The ballot to cast is encrypted afresh."""
    ballot, opening = encrypt_vote(ctx, code, district, choices)
    return ballot, bulletin.audit(ballot, opening)
