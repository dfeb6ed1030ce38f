"""Shared fixtures of the record tests: one honest election (3 trustees, threshold 2, a few
voters per district, demo manifest) and honest ballots, built once per session.

(The election tests have their own conftest; tests/ is not a package, so nothing is shared
between the two directories but the library itself.)"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

import openballot.cli
from openballot.crypto.group import Scalar
from openballot.crypto.keyceremony import encrypt_shares, generate_trustee, receive_shares
from openballot.election.ballot import BallotOpening, EncryptedBallot, encrypt_ballot
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import (
    CredentialList,
    credential_secret,
    new_code,
    public_credential,
)
from openballot.election.manifest import Manifest
from openballot.record.layout import RecordLayout

DEMO_MANIFEST = Path(openballot.cli.__file__).parent / "demo_manifest.json"


@dataclass(frozen=True)
class Election:
    ctx: ElectionContext
    codes: Mapping[str, tuple[str, ...]]  # district -> codes on the credential list

    def secret(self, district: str, voter: int = 0) -> Scalar:
        return credential_secret(self.ctx.manifest.election_id, self.codes[district][voter])

    def vote(
        self,
        district: str,
        choices: Mapping[str, Sequence[str]],
        voter: int = 0,
        secret: Scalar | None = None,
    ) -> tuple[EncryptedBallot, BallotOpening]:
        if secret is None:
            secret = self.secret(district, voter)
        return encrypt_ballot(self.ctx, district, secret, choices)


def build_election(n: int = 3, t: int = 2, voters: int = 3) -> Election:
    manifest = Manifest.from_json(json.loads(DEMO_MANIFEST.read_text(encoding="utf-8")))
    context = ceremony_context(manifest, n, t)
    pairs = [generate_trustee(i, f"Trustee {i}", t, context) for i in range(1, n + 1)]
    keys = tuple(p for _, p in pairs)
    sent = [e for s, _ in pairs for e in encrypt_shares(s, keys, context)]
    for s, _ in pairs:
        share, complaints = receive_shares(
            s, keys, [e for e in sent if e.recipient == s.index], context
        )
        assert share is not None and complaints == ()
    codes = {d: tuple(new_code() for _ in range(voters)) for d in manifest.district_ids()}
    credentials = CredentialList.of(
        {d: [public_credential(manifest.election_id, c) for c in cs] for d, cs in codes.items()}
    )
    return Election(ElectionContext.create(manifest, t, keys, credentials), codes)


@pytest.fixture(scope="session")
def election() -> Election:
    return build_election()


NORTH = {"president": ["amal"], "council-north": ["n2", "n3"], "referendum": ["no"]}
SOUTH = {"president": ["dilan"], "council-south": [], "referendum": ["yes"]}


@dataclass(frozen=True)
class Ballots:
    """Honest ballots: two northern voters, one southern, and a second ballot of voter 0."""

    north: EncryptedBallot
    north_opening: BallotOpening
    north2: EncryptedBallot
    south: EncryptedBallot
    revote: EncryptedBallot
    revote_opening: BallotOpening


@pytest.fixture(scope="session")
def ballots(election: Election) -> Ballots:
    north, north_opening = election.vote("north", NORTH, 0)
    north2, _ = election.vote("north", NORTH, 1)
    south, _ = election.vote("south", SOUTH, 0)
    revote, revote_opening = election.vote("north", {**NORTH, "president": ["farah"]}, 0)
    return Ballots(north, north_opening, north2, south, revote, revote_opening)


@pytest.fixture
def layout(tmp_path: Path) -> RecordLayout:
    return RecordLayout(tmp_path / "record")
