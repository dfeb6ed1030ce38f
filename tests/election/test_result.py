"""The official result (openballot.election.result): figures and seats from known counts, the
draw seed as documented, the JSON round trip, and every malformed result.json refused with a
message naming the field."""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from openballot.crypto.encoding import PROTOCOL_ID, encode
from openballot.election.manifest import Manifest
from openballot.election.result import (
    ContestFigures,
    DistrictFigures,
    Result,
    SeatOutcome,
    seats_seed,
)
from openballot.election.seats import Tie, draw
from openballot.election.tally import Slot, Tally, tally_slots
from openballot.errors import DecodeError, ProtocolError
from openballot.testing import HonestElection, demo_manifest_json

# Fixture (conftest.py): `election`, the demo manifest (with its seats), 4 voters per district.

VOTES = [
    ("north", 0, {"president": ["bashir"], "council-north": ["n1", "n3"], "referendum": ["yes"]}),
    ("north", 1, {"president": ["bashir"], "council-north": ["n3"], "referendum": ["no"]}),
    ("north", 2, {"president": ["amal"], "council-north": ["n1", "n3", "n5"],
                  "referendum": ["no"]}),
    ("south", 0, {"president": ["bashir"], "council-south": ["s3"], "referendum": ["no"]}),
]  # fmt: skip
ROOT = bytes(range(7, 39))


@pytest.fixture(scope="module")
def tally(election: HonestElection) -> Tally:
    ballots = [election.vote(d, choices, v)[0] for d, v, choices in VOTES]
    return election.tally(ballots, log_size=5, log_root=ROOT)


def counts_of(election: HonestElection, **changes: int) -> list[tuple[Slot, int]]:
    """The counts VOTES give, with `changes` ("contest/district/option": count)."""
    found: Counter[Slot] = Counter()
    for d, _, choices in VOTES:
        for contest, chosen in choices.items():
            for option in chosen:
                found[contest, d, option] += 1
    for key, n in changes.items():
        c, d, o = key.split("/")
        found[c, d, o] = n
    return [(slot, found[slot]) for slot in tally_slots(election.ctx)]


def test_figures_and_seats_of_known_counts(election: HonestElection, tally: Tally) -> None:
    r = Result.of(election.ctx, tally, (1, 3), counts_of(election))
    assert r.districts == (
        DistrictFigures("north", 150, 4, 3),
        DistrictFigures("south", 120, 4, 1),
    )
    assert r.contests == (
        ContestFigures("president", "north", 3, 0),
        ContestFigures("president", "south", 1, 0),
        ContestFigures("council-north", "north", 3, 9 - 6),  # 3 ballots x 3 choices, 6 made
        ContestFigures("council-south", "south", 1, 2 - 1),
        ContestFigures("referendum", "north", 3, 0),
        ContestFigures("referendum", "south", 1, 0),
    )
    # president: plurality, bashir 3 amal 1. council-north: D'Hondt 3 seats, 5 %: n3 3, n1 2,
    # n5 1 of V = 6 (n2, n4 with no vote are under 5 %): 3, 2, 3/2 -> n3 2, n1 1.
    # council-south: Sainte-Lague 2 seats, only s3 has votes (1, then 1/3): both seats.
    seats = {(c, o): n for c, o, n in r.outcome.seats}
    assert seats == {
        ("president", "amal"): 0, ("president", "bashir"): 1,
        ("president", "dilan"): 0, ("president", "farah"): 0,
        ("council-north", "n1"): 1, ("council-north", "n2"): 0, ("council-north", "n3"): 2,
        ("council-north", "n4"): 0, ("council-north", "n5"): 0,
        ("council-south", "s1"): 0, ("council-south", "s2"): 0, ("council-south", "s3"): 2,
        ("council-south", "s4"): 0,
    }  # fmt: skip
    assert [(c, o) for c, o, _ in r.outcome.seats] == [
        (c.id, o.id) for c in election.manifest.contests if c.seats for o in c.options
    ]
    assert r.outcome.excluded == (("council-north", "n2"), ("council-north", "n4"))
    assert r.outcome.unfilled == () and r.outcome.ties == ()


def test_a_tie_is_drawn_with_the_record_seed(election: HonestElection, tally: Tally) -> None:
    counts = counts_of(
        election, **{"president/north/bashir": 1, "president/north/amal": 2}
    )  # amal 2, bashir 2
    r = Result.of(election.ctx, tally, (1, 2), counts)
    seed = seats_seed(election.ctx, tally)
    order = draw(seed, "president", ["amal", "bashir"], 1, 1)
    assert r.outcome.ties == (("president", Tie(1, 1, ("amal", "bashir"), order)),)
    winner = order[0]
    assert {(o, n) for c, o, n in r.outcome.seats if c == "president" and n} == {(winner, 1)}
    assert r.to_json()["ties"] == [
        {"contest": "president", "first_seat": 1, "seats": 1,
         "options": ["amal", "bashir"], "order": list(order)}
    ]  # fmt: skip


def test_unfilled_seats_are_listed(election: HonestElection, tally: Tally) -> None:
    zero = {f"council-south/south/{o}": 0 for o in ("s1", "s2", "s3", "s4")}
    r = Result.of(election.ctx, tally, (1, 2), counts_of(election, **zero))
    assert r.outcome.unfilled == (("council-south", 2),)
    assert r.to_json()["unfilled"] == [{"contest": "council-south", "seats": 2}]
    assert r.contests[3] == ContestFigures("council-south", "south", 1, 2)


def test_the_seed_is_the_documented_hash(election: HonestElection, tally: Tally) -> None:
    expected = hashlib.sha512(
        encode(PROTOCOL_ID) + encode("seats/seed") + encode([election.ctx.fingerprint, 5, ROOT])
    ).digest()
    assert seats_seed(election.ctx, tally) == expected
    other = Tally(5, bytes(32), tally.counted, tally.ciphertexts)
    assert seats_seed(election.ctx, other) != expected


def test_more_selections_than_ballots_hold_is_refused(
    election: HonestElection, tally: Tally
) -> None:
    counts = counts_of(election, **{"council-south/south/s1": 1, "council-south/south/s2": 1})
    with pytest.raises(ProtocolError, match="council-south.*more selections counted than 1"):
        Result.of(election.ctx, tally, (1, 2), counts)


def test_json_round_trip(election: HonestElection, tally: Tally) -> None:
    for counts in (
        counts_of(election),
        counts_of(election, **{"president/north/bashir": 1, "president/north/amal": 2}),
    ):
        r = Result.of(election.ctx, tally, (2, 3), counts)
        assert Result.from_json(r.to_json(), election.ctx) == r


def test_a_manifest_without_seats_has_empty_lists() -> None:
    assert SeatOutcome.allocate(_no_seats_manifest(), {}, b"seed").to_json() == {
        "seats": [], "excluded": [], "unfilled": [], "ties": []
    }  # fmt: skip


def _no_seats_manifest() -> Manifest:
    value = demo_manifest_json()
    for c in value["contests"]:
        for k in ("seats", "allocation", "threshold_percent"):
            c.pop(k, None)
    return Manifest.from_json(value)


Json = dict[str, Any]


def _bad(edit: Callable[[Json], Any], message: str) -> Any:
    return pytest.param(edit, message, id=message)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        _bad(lambda j: j.pop("figures"), "result.figures: expected a JSON object"),
        _bad(lambda j: j.pop("ties"), "result: missing field 'ties'"),
        _bad(lambda j: j.update(extra=1), "result: unexpected field 'extra'"),
        _bad(lambda j: j["figures"].pop("contests"), "result.figures: contests: missing"),
        _bad(
            lambda j: j["figures"]["districts"][0].update(district="east"),
            "result.figures.districts[0].district: unknown district 'east'",
        ),
        _bad(
            lambda j: j["figures"]["districts"][1].update(credentials=-1),
            "result.figures.districts[1].credentials: expected at least 0, got -1",
        ),
        _bad(
            lambda j: j["figures"]["districts"][1].update(registered="120"),
            "result.figures.districts[1].registered: expected an integer",
        ),
        _bad(
            lambda j: j["figures"]["contests"][2].update(district="south"),
            "result.figures.contests[2]: contest 'council-north' is not held in district 'south'",
        ),
        _bad(
            lambda j: j["figures"]["contests"][0].pop("blank"),
            "result.figures.contests[0]: blank: missing",
        ),
        _bad(
            lambda j: j["seats"][0].update(contest="referendum"),
            "result.seats[0].contest: 'referendum' is not a contest with seats",
        ),
        _bad(
            lambda j: j["seats"][0].update(option="n1"),
            "result.seats[0].option: contest 'president' has no option 'n1'",
        ),
        _bad(lambda j: j["seats"][0].update(seats=-1), "result: seats must be >= 0"),
        _bad(lambda j: j["seats"][0].update(seats=True), "result.seats[0].seats: expected an int"),
        _bad(
            lambda j: j["unfilled"].append({"contest": "president", "seats": 0}),
            "unfilled seats >= 1",
        ),
        _bad(
            lambda j: j["excluded"].append({"contest": "president", "option": "zed"}),
            "result.excluded[2].option: contest 'president' has no option 'zed'",
        ),
        _bad(
            lambda j: j["ties"][0].update(order=["amal", "amal"]),
            "result.ties[0]: tie for seat 1: the drawn order",
        ),
        _bad(
            lambda j: j["ties"][0].update(seats=2),
            "result.ties[0]: tie for seat 1: 2 seats among 2 options is no tie",
        ),
        _bad(lambda j: j["ties"][0].pop("order"), "result.ties[0]: order: missing"),
    ],
)
def test_malformed_result_refused(
    election: HonestElection, tally: Tally, edit: Callable[[Json], Any], message: str
) -> None:
    counts = counts_of(election, **{"president/north/bashir": 1, "president/north/amal": 2})
    value = copy.deepcopy(Result.of(election.ctx, tally, (1, 2), counts).to_json())
    edit(value)
    with pytest.raises(DecodeError) as e:
        Result.from_json(value, election.ctx)
    assert message in str(e.value)
