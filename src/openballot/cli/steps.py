"""The role steps on a record directory given by its path, as the demo runs them: each is
`roles.py`'s step with a `RecordBulletin` (the record commands in `main.py` call them so too).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openballot.cli import roles
from openballot.cli.record_bulletin import RecordBulletin
from openballot.cli.roles import encrypt_vote
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.keyceremony import TrusteeShare
from openballot.crypto.share_encryption import EncryptedShare
from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.context import ElectionContext
from openballot.election.decryption import Result, TrusteeDecryption
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.verify.findings import Finding

__all__ = [
    "new_election",
    "trustee_keygen",
    "trustee_reveal",
    "trustee_exchange",
    "trustee_finish",
    "generate_credentials",
    "open_election",
    "election_context",
    "encrypt_vote",
    "compute_tally",
    "trustee_decrypt",
    "publish_result",
]


def new_election(record: Path, manifest_file: Path, trustees: int, threshold: int) -> Manifest:
    manifest = roles.read_manifest(manifest_file)
    roles.new_election(RecordBulletin(record), manifest, trustees, threshold)
    return manifest


def trustee_keygen(record: Path, index: int, name: str, secret_file: Path) -> KeyCommitment:
    return roles.trustee_keygen(RecordBulletin(record), index, name, secret_file)


def trustee_reveal(record: Path, secret_file: Path) -> TrusteePublicKey:
    return roles.trustee_reveal(RecordBulletin(record), secret_file)


def trustee_exchange(record: Path, secret_file: Path) -> tuple[EncryptedShare, ...]:
    return roles.trustee_exchange(RecordBulletin(record), secret_file)


def trustee_finish(record: Path, secret_file: Path, share_file: Path) -> TrusteeShare:
    return roles.trustee_finish(RecordBulletin(record), secret_file, share_file)


def generate_credentials(
    record: Path, voters: Mapping[str, int], codes_file: Path
) -> list[tuple[str, str]]:
    return roles.generate_credentials(RecordBulletin(record), voters, codes_file)


def open_election(record: Path) -> ElectionContext:
    return roles.open_election(RecordBulletin(record))


def election_context(record: Path) -> ElectionContext:
    return RecordBulletin(record).context()


def compute_tally(record: Path, workers: int | None = None) -> tuple[Tally, list[Finding]]:
    return roles.close_election(RecordBulletin(record, workers))


def trustee_decrypt(record: Path, share_file: Path) -> TrusteeDecryption:
    return roles.trustee_decrypt(RecordBulletin(record), share_file)


def publish_result(record: Path) -> Result:
    return roles.publish_result(RecordBulletin(record))
