"""openballot.testing: the honest-election builder the tests and benchmarks share."""

from __future__ import annotations

import doctest
import subprocess
import sys

import openballot.testing
from openballot.crypto.keyceremony import joint_public_key
from openballot.election.ballot import verify_ballot
from openballot.testing import honest_election, run_key_ceremony


def test_docstring_example() -> None:
    assert doctest.testmod(openballot.testing).failed == 0


def test_an_honest_election_is_consistent() -> None:
    e = honest_election(voters={"south": 1, "north": 2}, trustees=3, threshold=2)
    assert e.voters == [("south", e.codes["south"][0]), *(("north", c) for c in e.codes["north"])]
    assert e.ctx.joint_key == joint_public_key(e.public_keys)
    assert e.credentials.counts() == {"north": 2, "south": 1}
    ballot, _ = e.vote("south", e.first_choices("south"))
    verify_ballot(e.ctx, ballot)
    tally = e.tally([ballot])
    # Any t trustees give the same result.
    assert e.result(tally, (1, 2)).counts == e.result(tally, (2, 3)).counts
    assert e.result(tally).totals()["referendum"] == {"yes": 1, "no": 0}


def test_key_ceremony_shares() -> None:
    c = run_key_ceremony(3, 2, ("ceremony", b"test", 3, 2), names=["A", "B", "C"])
    assert [p.name for p in c.public_keys] == ["A", "B", "C"]
    assert [s.recipient for s in c.received_by(2)] == [2, 2]
    assert c.share(1, 3).recipient == 3


def test_importable_without_the_server_extra() -> None:
    code = (
        "import sys; sys.modules.update(dict.fromkeys("
        "['fastapi', 'sqlalchemy', 'uvicorn', 'psycopg'])); import openballot.testing"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
