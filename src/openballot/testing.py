"""Honest elections built in memory, for tests and benchmarks.

One builder for what every test directory and benchmark needs: the trustees' key ceremony
(Joint-Feldman, every share checked), the voters' codes and the published credentials, the
election context, and honest ballots, tallies and decryptions made from them. Each step is the
library's own public function, with the operating system's randomness, exactly as honest
participants run it on their own machines; nothing here is a shortcut or a second copy of a
protocol rule.

It needs only the crypto and election layers (no server extra), and the demo manifest that
ships with the command line:

>>> from openballot.testing import demo_manifest, honest_election
>>> e = honest_election(demo_manifest(), voters={"north": 2, "south": 1})
>>> ballot, _ = e.vote("north", e.first_choices("north"), voter=1)
>>> tally = e.tally([ballot])
>>> e.result(tally, trustees=(1, 3)).totals()["president"]["amal"]
1

Not for production: the trustees' secrets and the voters' codes all sit in one process.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from openballot.crypto.complaint import Complaint
from openballot.crypto.encoding import Encodable
from openballot.crypto.group import Scalar
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
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import (
    CredentialList,
    credential_secret,
    new_code,
    public_credential,
)
from openballot.election.decryption import Result, TrusteeDecryption, compute_result, decrypt_tally
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally, TallyBuilder
from openballot.errors import ProtocolError

__all__ = [
    "KeyCeremony",
    "run_key_ceremony",
    "HonestElection",
    "honest_election",
    "demo_manifest",
    "demo_manifest_json",
    "one_contest_manifest",
    "fresh_postgres_database",
]


def demo_manifest_json() -> dict[str, Any]:
    """A fresh copy of the demo manifest's JSON (the one `openballot demo` uses), to edit."""
    text = (resources.files("openballot.cli") / "demo_manifest.json").read_text("utf-8")
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


def one_contest_manifest(election_id: str, options: int = 5) -> Manifest:
    """The smallest useful ballot: one district `d`, one contest `c` of one choice among
    options `o0`..: what the ballot benchmarks measure."""
    labels = {"ar": "خيار", "ku": "Vebijark", "en": "Option"}
    return Manifest.from_json(
        {
            "election_id": election_id,
            "title": labels,
            "districts": [{"id": "d", "labels": labels}],
            "contests": [
                {
                    "id": "c",
                    "labels": labels,
                    "districts": ["d"],
                    "min_selections": 1,
                    "max_selections": 1,
                    "options": [{"id": f"o{i}", "labels": labels} for i in range(options)],
                }
            ],
        }
    )


def demo_manifest(election_id: str | None = None) -> Manifest:
    """The demo manifest (two districts, three contests), under another id if given."""
    value = demo_manifest_json()
    if election_id is not None:
        value["election_id"] = election_id
    return Manifest.from_json(value)


# --- the key ceremony ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyCeremony:
    """An honest key ceremony of n trustees, threshold t, run to the end: what each trustee
    keeps (`secrets`, `shares`, in index order), publishes (`public_keys`) and sends (`sent`,
    by sender index)."""

    n: int
    t: int
    context: Encodable
    secrets: tuple[TrusteeSecret, ...]
    public_keys: tuple[TrusteePublicKey, ...]
    sent: Mapping[int, tuple[EncryptedShare, ...]]
    shares: tuple[TrusteeShare, ...]

    def received_by(self, recipient: int) -> list[EncryptedShare]:
        """The encrypted shares trustee `recipient` receives, in sender order."""
        return [s for sent in self.sent.values() for s in sent if s.recipient == recipient]

    def share(self, sender: int, recipient: int) -> EncryptedShare:
        (found,) = [s for s in self.sent[sender] if s.recipient == recipient]
        return found

    def commitment(self, trustee: int) -> KeyCommitment:
        """Trustee `trustee`'s commitment to its public key, published before the key."""
        return KeyCommitment.of(self.public_keys[trustee - 1], self.context)

    def shares_message(self, sender: int) -> SharesMessage:
        """Trustee `sender`'s shares as it publishes them: signed."""
        return SharesMessage.sign(self.secrets[sender - 1], self.sent[sender], self.context)

    def verdict(self, trustee: int, complaints: Sequence[Complaint] = ()) -> Verdict:
        """Trustee `trustee`'s signed verdict (no complaint: all good)."""
        return Verdict.sign(self.secrets[trustee - 1], complaints, self.context)


def run_key_ceremony(
    n: int, t: int, context: Encodable, names: Sequence[str] | None = None
) -> KeyCeremony:
    """Every trustee generates its keys, sends a share to each other trustee and checks what it
    received; trustee i is named `names[i - 1]` (default "Trustee i")."""
    names = names or [f"Trustee {i}" for i in range(1, n + 1)]
    indices = range(1, n + 1)
    pairs = [generate_trustee(i, name, t, context) for i, name in zip(indices, names, strict=True)]
    secrets = tuple(s for s, _ in pairs)
    public_keys = tuple(p for _, p in pairs)
    sent = {s.index: encrypt_shares(s, public_keys, context) for s in secrets}
    shares = []
    for s in secrets:
        received = [e for out in sent.values() for e in out if e.recipient == s.index]
        share, complaints = receive_shares(s, public_keys, received, context)
        if share is None or complaints:
            raise ProtocolError(f"trustee {s.index}: an honest key ceremony failed: {complaints}")
        shares.append(share)
    return KeyCeremony(n, t, context, secrets, public_keys, sent, tuple(shares))


# --- the election --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HonestElection:
    """A ready election: its key ceremony, the voters' codes by district (in the order given)
    and the context every ballot is made for."""

    manifest: Manifest
    keys: KeyCeremony
    codes: Mapping[str, tuple[str, ...]]
    credentials: CredentialList
    ctx: ElectionContext

    @property
    def election_id(self) -> str:
        return self.manifest.election_id

    @property
    def ceremony_context(self) -> Encodable:
        return self.keys.context

    @property
    def secrets(self) -> tuple[TrusteeSecret, ...]:
        return self.keys.secrets

    @property
    def public_keys(self) -> tuple[TrusteePublicKey, ...]:
        return self.keys.public_keys

    @property
    def shares(self) -> tuple[TrusteeShare, ...]:
        return self.keys.shares

    @property
    def voters(self) -> list[tuple[str, str]]:
        """(district, code) of every voter, district by district."""
        return [(d, code) for d, codes in self.codes.items() for code in codes]

    def secret(self, district: str, voter: int = 0) -> Scalar:
        """The credential secret of voter number `voter` of `district`."""
        return credential_secret(self.election_id, self.codes[district][voter])

    def first_choices(self, district: str) -> dict[str, list[str]]:
        """A valid vote: the first options of each contest, as few as the contest allows."""
        return {
            c.id: [o.id for o in c.options[: max(c.min_selections, 1)]]
            for c in self.manifest.ballot_style(district)
        }

    def vote(
        self,
        district: str,
        choices: Mapping[str, Sequence[str]],
        voter: int = 0,
        secret: Scalar | None = None,
    ) -> tuple[EncryptedBallot, BallotOpening]:
        """A fresh ballot of voter `voter` of `district` (or of the credential `secret`)."""
        if secret is None:
            secret = self.secret(district, voter)
        return encrypt_ballot(self.ctx, district, secret, choices)

    def tally(
        self, ballots: Iterable[EncryptedBallot], log_size: int = 0, log_root: bytes = bytes(32)
    ) -> Tally:
        """The encrypted tally of `ballots` (all counted), bound to a board of `log_size`
        entries with root `log_root`."""
        builder = TallyBuilder(self.ctx)
        for ballot in ballots:
            builder.add(ballot)
        return builder.finish(log_size, log_root)

    def decrypt(self, tally: Tally, trustee: int) -> TrusteeDecryption:
        """Trustee `trustee`'s (1-based) partial decryption of `tally`, with its proofs."""
        return decrypt_tally(self.ctx, tally, self.keys.shares[trustee - 1])

    def result(self, tally: Tally, trustees: Iterable[int] | None = None) -> Result:
        """The counts, from the decryptions of `trustees` (default: the first t)."""
        chosen = range(1, self.keys.t + 1) if trustees is None else trustees
        return compute_result(self.ctx, tally, [self.decrypt(tally, i) for i in chosen])


def honest_election(
    manifest: Manifest | None = None,
    *,
    trustees: int = 3,
    threshold: int = 2,
    voters: int | Mapping[str, int] = 3,
    names: Sequence[str] | None = None,
) -> HonestElection:
    """Run the key ceremony and issue credentials for `manifest` (default: the demo's).

    `voters`: how many codes per district, the same for all (an int) or district by district
    (a mapping, whose order `codes` and `voters` keep)."""
    manifest = manifest or demo_manifest()
    counts = (
        dict(voters)
        if isinstance(voters, Mapping)
        else {d: voters for d in manifest.district_ids()}
    )
    keys = run_key_ceremony(
        trustees, threshold, ceremony_context(manifest, trustees, threshold), names
    )
    codes = {d: tuple(new_code() for _ in range(k)) for d, k in counts.items()}
    credentials = CredentialList.of(
        {d: [public_credential(manifest.election_id, c) for c in cs] for d, cs in codes.items()}
    )
    ctx = ElectionContext.create(manifest, threshold, keys.public_keys, credentials)
    return HonestElection(manifest, keys, codes, credentials, ctx)


# --- a database for the board ------------------------------------------------------------------


@contextlib.contextmanager
def fresh_postgres_database(base_url: str, prefix: str = "ob_") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of `base_url` (whose role has CREATEDB);
    yields its SQLAlchemy URL and drops it afterwards, whoever is still connected. Needs the
    server extra (psycopg, SQLAlchemy)."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    base = make_url(base_url)
    name = f"{prefix}{secrets.token_hex(6)}"
    params: dict[str, Any] = {
        "host": base.host or "127.0.0.1",
        "port": base.port or 5432,
        "user": base.username,
        "password": base.password,
        "dbname": base.database,
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        for attempt in range(50):
            try:
                with psycopg.connect(**params) as conn:
                    conn.execute(drop)
                break
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
                # An autovacuum worker (a superuser's process, which FORCE may not end) is
                # in the database for a moment: wait for it.
                if attempt == 49:
                    raise
                time.sleep(0.1)
