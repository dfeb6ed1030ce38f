"""Shared fixtures of the election tests: the demo manifest, and one honest election
(openballot.testing: the key ceremony run for real, 3 trustees, threshold 2, 4 voters per
district).

The ceremony and the ballots cost time, so they are built once per session; tests that alter
them work on copies (`dataclasses.replace`, deep-copied JSON)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.testing import HonestElection, demo_manifest_json, honest_election

VOTERS_PER_DISTRICT = 4


@pytest.fixture(scope="session")
def election() -> HonestElection:
    """The demo manifest, 3 trustees (threshold 2), 4 voters per district."""
    return honest_election(voters=VOTERS_PER_DISTRICT)


@pytest.fixture(scope="session")
def _demo_json() -> dict[str, Any]:
    return demo_manifest_json()


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
    election: HonestElection, district: str, choices: Mapping[str, Sequence[str]], voter: int = 0
) -> Vote:
    ballot, opening = election.vote(district, choices, voter)
    return Vote(district, voter, choices, ballot, opening)


@pytest.fixture(scope="session")
def north_vote(election: HonestElection) -> Vote:
    """An honest ballot of the first northern voter."""
    choices = {"president": ["bashir"], "council-north": ["n1", "n4"], "referendum": ["yes"]}
    return cast_vote(election, "north", choices)


@pytest.fixture(scope="session")
def south_vote(election: HonestElection) -> Vote:
    """An honest ballot of the first southern voter."""
    choices = {"president": ["farah"], "council-south": ["s2"], "referendum": ["no"]}
    return cast_vote(election, "south", choices)
