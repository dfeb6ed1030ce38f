"""Shared fixtures of the record tests: one honest election (openballot.testing: 3 trustees,
threshold 2, 3 voters per district, demo manifest) and honest ballots, built once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.record.layout import RecordLayout
from openballot.testing import HonestElection, honest_election


@pytest.fixture(scope="session")
def election() -> HonestElection:
    return honest_election(voters=3)


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
def ballots(election: HonestElection) -> Ballots:
    north, north_opening = election.vote("north", NORTH, 0)
    north2, _ = election.vote("north", NORTH, 1)
    south, _ = election.vote("south", SOUTH, 0)
    revote, revote_opening = election.vote("north", {**NORTH, "president": ["farah"]}, 0)
    return Ballots(north, north_opening, north2, south, revote, revote_opening)


@pytest.fixture
def layout(tmp_path: Path) -> RecordLayout:
    return RecordLayout(tmp_path / "record")
