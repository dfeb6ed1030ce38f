"""The role steps on a record directory, as the record commands and the demo call them, and
the parsing of the command line's options. Each step is `roles.py`'s, run against a
`RecordBulletin`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openballot.cli import roles
from openballot.cli.bulletin import LeftOut
from openballot.cli.record_bulletin import RecordBulletin
from openballot.cli.roles import decrypt_checked, encrypt_vote, issue_credentials
from openballot.crypto.keyceremony import EncryptedShare, TrusteePublicKey, TrusteeShare
from openballot.election.ballot import EncryptedBallot
from openballot.election.context import ElectionContext
from openballot.election.decryption import Result, TrusteeDecryption
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.errors import DecodeError
from openballot.record.ballot_box import Recorded
from openballot.record.files import json_bytes, read_json
from openballot.record.layout import decoded

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


def new_election(record: Path, manifest_file: Path, trustees: int, threshold: int) -> Manifest:
    manifest = roles.read_manifest(manifest_file)
    roles.new_election(RecordBulletin(record), manifest, trustees, threshold)
    return manifest


def trustee_keygen(record: Path, index: int, name: str, secret_file: Path) -> TrusteePublicKey:
    return roles.trustee_keygen(RecordBulletin(record), index, name, secret_file)


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


def cast_file(record: Path, ballot_file: Path) -> Recorded:
    """Cast a ballot file made by `vote --out`."""
    bulletin = RecordBulletin(record)
    bulletin.context()  # a closed or unopened record is named before the ballot file
    ballot = decoded(ballot_file, read_json(ballot_file), EncryptedBallot.from_json)
    return bulletin.cast(ballot)


def compute_tally(record: Path, workers: int | None = None) -> tuple[Tally, list[LeftOut]]:
    return roles.close_election(RecordBulletin(record, workers))


def trustee_decrypt(record: Path, share_file: Path) -> TrusteeDecryption:
    return roles.trustee_decrypt(RecordBulletin(record), share_file)


def publish_result(record: Path) -> Result:
    return roles.publish_result(RecordBulletin(record))


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
