"""Shared fixtures of the election tests: the demo manifest, and one honest election built by
running the key ceremony for real (3 trustees, threshold 2) plus a few voters per district.

The ceremony and the ballots cost time, so they are built once per session; tests that alter
them work on copies (`dataclasses.replace`, deep-copied JSON)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import openballot.cli
from openballot.crypto.group import Scalar
from openballot.crypto.keyceremony import (
    TrusteeShare,
    encrypt_shares,
    generate_trustee,
    receive_shares,
)
from openballot.crypto.trustee import TrusteePublicKey, TrusteeSecret
from openballot.election.ballot import BallotOpening, EncryptedBallot, encrypt_ballot
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import (
    CredentialList,
    credential_secret,
    new_code,
    public_credential,
)
from openballot.election.manifest import Manifest

DEMO_MANIFEST = Path(openballot.cli.__file__).parent / "demo_manifest.json"
TRUSTEES = 3
THRESHOLD = 2
VOTERS_PER_DISTRICT = 4


@dataclass(frozen=True)
class Election:
    manifest: Manifest
    ceremony_context: Any
    secrets: tuple[TrusteeSecret, ...]
    public_keys: tuple[TrusteePublicKey, ...]
    shares: tuple[TrusteeShare, ...]
    codes: Mapping[str, tuple[str, ...]]  # district -> voter codes
    credentials: CredentialList
    ctx: ElectionContext

    def secret(self, district: str, voter: int = 0) -> Scalar:
        return credential_secret(self.manifest.election_id, self.codes[district][voter])

    def vote(
        self, district: str, choices: Mapping[str, Sequence[str]], voter: int = 0
    ) -> tuple[EncryptedBallot, BallotOpening]:
        return encrypt_ballot(self.ctx, district, self.secret(district, voter), choices)


def _load_demo_json() -> dict[str, Any]:
    value = json.loads(DEMO_MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def run_ceremony(
    manifest: Manifest, n: int, t: int
) -> tuple[tuple[TrusteeSecret, ...], tuple[TrusteePublicKey, ...], tuple[TrusteeShare, ...]]:
    context = ceremony_context(manifest, n, t)
    pairs = [generate_trustee(i, f"Trustee {i}", t, context) for i in range(1, n + 1)]
    secrets = tuple(s for s, _ in pairs)
    public_keys = tuple(p for _, p in pairs)
    sent = [e for s in secrets for e in encrypt_shares(s, public_keys, context)]
    shares = []
    for s in secrets:
        mine = [e for e in sent if e.recipient == s.index]
        share, complaints = receive_shares(s, public_keys, mine, context)
        assert complaints == ()
        assert share is not None
        shares.append(share)
    return secrets, public_keys, tuple(shares)


def build_election() -> Election:
    manifest = Manifest.from_json(_load_demo_json())
    secrets, public_keys, shares = run_ceremony(manifest, TRUSTEES, THRESHOLD)
    codes = {
        d: tuple(new_code() for _ in range(VOTERS_PER_DISTRICT)) for d in manifest.district_ids()
    }
    credentials = CredentialList.of(
        {
            d: [public_credential(manifest.election_id, c) for c in district_codes]
            for d, district_codes in codes.items()
        }
    )
    ctx = ElectionContext.create(manifest, THRESHOLD, public_keys, credentials)
    return Election(
        manifest,
        ceremony_context(manifest, TRUSTEES, THRESHOLD),
        secrets,
        public_keys,
        shares,
        codes,
        credentials,
        ctx,
    )


@pytest.fixture(scope="session")
def election() -> Election:
    return build_election()


@pytest.fixture(scope="session")
def _demo_json() -> dict[str, Any]:
    return _load_demo_json()


@pytest.fixture
def demo_json(_demo_json: dict[str, Any]) -> dict[str, Any]:
    """A fresh deep copy of demo_manifest.json, free to edit."""
    return copy.deepcopy(_demo_json)


@dataclass(frozen=True)
class Vote:
    district: str
    voter: int
    choices: Mapping[str, Sequence[str]]
    ballot: EncryptedBallot
    opening: BallotOpening


def cast_vote(
    election: Election, district: str, choices: Mapping[str, Sequence[str]], voter: int = 0
) -> Vote:
    ballot, opening = election.vote(district, choices, voter)
    return Vote(district, voter, choices, ballot, opening)


@pytest.fixture(scope="session")
def north_vote(election: Election) -> Vote:
    """An honest ballot of the first northern voter."""
    choices = {"president": ["bashir"], "council-north": ["n1", "n4"], "referendum": ["yes"]}
    return cast_vote(election, "north", choices)


@pytest.fixture(scope="session")
def south_vote(election: Election) -> Vote:
    """An honest ballot of the first southern voter."""
    choices = {"president": ["farah"], "council-south": ["s2"], "referendum": ["no"]}
    return cast_vote(election, "south", choices)
