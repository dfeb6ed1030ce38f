"""The manifest's optional seat fields (seats, allocation, threshold_percent) and district
`registered`: read exactly, refused with a message naming the field, bound by the digest as
optional trailing elements (protocol.md 8), so a manifest without them keeps its digest."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openballot.election.manifest import Manifest
from openballot.election.seats import AllocationRule, Method
from openballot.errors import DecodeError
from openballot.jsonfields import loads
from openballot.testing import demo_manifest_json

Json = dict[str, Any]
VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "protocol.json"
_SEAT_FIELDS = ("seats", "allocation", "threshold_percent", "registered")


def _without_seats(value: Json) -> Json:
    for item in [*value["districts"], *value["contests"]]:
        for key in _SEAT_FIELDS:
            item.pop(key, None)
    return value


def test_demo_manifest_declares_seats_and_registered() -> None:
    m = Manifest.from_json(demo_manifest_json())
    assert m.contest("president").seats == AllocationRule(Method.PLURALITY, 1)
    assert m.contest("council-north").seats == AllocationRule(Method.DHONDT, 3, Fraction(5))
    assert m.contest("council-south").seats == AllocationRule(Method.SAINTE_LAGUE, 2)
    assert m.contest("referendum").seats is None
    assert [d.registered for d in m.districts] == [150, 120]
    assert Manifest.from_json(m.to_json()) == m
    assert Manifest.from_json(json.loads(json.dumps(m.to_json()))) == m


def test_published_vectors_pin_both_digests() -> None:
    """The election's vectors were made before seats existed and still hold; the seat
    manifest's digest is pinned too."""
    vectors = json.loads(VECTORS.read_text("utf-8"))
    old = Manifest.from_json(vectors["manifest"]["json"])
    assert old.digest().hex() == vectors["manifest"]["digest"]
    # Pinned as published before the seat fields existed (git show f88e4c6:tests/vectors/).
    assert vectors["manifest"]["digest"].startswith("4f3cf3fdb64602b35bc39397a0921bf1")
    assert vectors["election"]["fingerprint"].startswith("e260cd9c9b87617b09dbc2c9e4719618")
    seats = Manifest.from_json(vectors["manifest_seats"]["json"])
    assert seats.digest().hex() == vectors["manifest_seats"]["digest"]
    assert seats.contest("council-south").seats == AllocationRule(
        Method.SAINTE_LAGUE, 2, Fraction(5, 2)
    )


def test_a_manifest_without_seat_fields_keeps_the_old_encoding() -> None:
    """The encoding of protocol.md 8 before the seat fields: six elements per contest, two
    per district; a manifest that declares none hashes exactly so."""
    m = Manifest.from_json(_without_seats(demo_manifest_json()))
    encoding = m.encoding()
    assert isinstance(encoding, list)
    districts, contests = encoding[2], encoding[3]
    assert isinstance(districts, list) and isinstance(contests, list)
    assert all(isinstance(d, list) and len(d) == 2 for d in districts)
    assert all(isinstance(c, list) and len(c) == 6 for c in contests)
    with_seats = Manifest.from_json(demo_manifest_json()).encoding()
    assert isinstance(with_seats, list)
    assert with_seats[3][1][6:] == [3, "dhondt", [5, 1]]  # type: ignore[index]
    assert with_seats[3][3] == contests[3]  # type: ignore[index]  (the referendum has none)
    assert with_seats[2][0][2] == 150  # type: ignore[index]


@pytest.mark.parametrize(
    "edit",
    [
        lambda j: j["contests"][1].update(seats=4),
        lambda j: j["contests"][1].update(allocation="hare"),
        lambda j: j["contests"][1].update(threshold_percent=5.5),
        lambda j: j["contests"][1].pop("threshold_percent"),
        lambda j: j["contests"][0].pop("seats") and j["contests"][0].pop("allocation"),
        lambda j: j["districts"][0].update(registered=151),
        lambda j: j["districts"][0].pop("registered"),
    ],
)
def test_every_seat_field_is_bound_by_the_digest(edit: Callable[[Json], Any]) -> None:
    before = Manifest.from_json(demo_manifest_json()).digest()
    changed = demo_manifest_json()
    edit(changed)
    assert Manifest.from_json(changed).digest() != before


@pytest.mark.parametrize(
    ("text", "exact"),
    [
        ("5", Fraction(5)),
        ("5.0", Fraction(5)),
        ("2.5", Fraction(5, 2)),
        ("2.50", Fraction(5, 2)),
        ("0.1", Fraction(1, 10)),
        ("1e-9", Fraction(1, 10**9)),
        ("33.333333333", Fraction(33333333333, 10**9)),
        ("100", Fraction(100)),
        ("0", Fraction(0)),
    ],
)
def test_threshold_read_exactly_from_the_json_text(text: str, exact: Fraction) -> None:
    raw = json.dumps(demo_manifest_json()).replace(
        '"threshold_percent": 5', f'"threshold_percent": {text}'
    )
    rule = Manifest.from_json(loads(raw, "manifest")).contest("council-north").seats
    assert rule is not None and rule.threshold_percent == exact


@given(st.integers(0, 100 * 10**9))
def test_any_threshold_of_nine_decimals_reads_exactly(billionths: int) -> None:
    exact = Fraction(billionths, 10**9)
    text = f"{billionths // 10**9}.{billionths % 10**9:09d}"
    value = demo_manifest_json()
    raw = json.dumps(value).replace('"threshold_percent": 5', f'"threshold_percent": {text}')
    m = Manifest.from_json(loads(raw, "manifest"))
    rule = m.contest("council-north").seats
    assert rule is not None and rule.threshold_percent == exact
    assert Manifest.from_json(loads(json.dumps(m.to_json()), "m")).digest() == m.digest()


def _bad(edit: Callable[[Json], Any], message: str) -> Any:
    return pytest.param(edit, message, id=message)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        _bad(
            lambda j: j["contests"][1].pop("allocation"),
            'contests[1]: a contest with seats needs both "seats" and "allocation"',
        ),
        _bad(
            lambda j: j["contests"][2].pop("seats"),
            'contests[2]: a contest with seats needs both "seats" and "allocation"',
        ),
        _bad(
            lambda j: j["contests"][3].update(threshold_percent=5),
            'contests[3]: a contest with seats needs both "seats" and "allocation" '
            "(threshold_percent without seats)",
        ),
        _bad(lambda j: j["contests"][1].update(seats=0), "contests[1].seats: expected at least 1"),
        _bad(lambda j: j["contests"][1].update(seats=-2), "contests[1].seats: expected at least 1"),
        _bad(lambda j: j["contests"][1].update(seats="3"), "seats: expected an integer"),
        _bad(lambda j: j["contests"][1].update(seats=True), "seats: expected an integer"),
        _bad(lambda j: j["contests"][1].update(seats=10**6), "contests[1].seats: expected at most"),
        _bad(
            lambda j: j["contests"][1].update(allocation="borda"),
            "contests[1].allocation: expected one of 'plurality', 'dhondt', 'sainte-lague', "
            "'hare', got 'borda'",
        ),
        _bad(lambda j: j["contests"][1].update(allocation=["dhondt"]), "allocation: expected one"),
        _bad(
            lambda j: j["contests"][1].update(threshold_percent=100.5),
            "contests[1].threshold_percent: expected a percentage from 0 to 100, got 100.5",
        ),
        _bad(
            lambda j: j["contests"][1].update(threshold_percent=-0.5),
            "threshold_percent: expected a percentage from 0 to 100",
        ),
        _bad(
            lambda j: j["contests"][1].update(threshold_percent="5"),
            "contests[1].threshold_percent: expected a number, got str",
        ),
        _bad(
            lambda j: j["contests"][1].update(threshold_percent=None),
            "threshold_percent: expected a number, got NoneType",
        ),
        _bad(
            lambda j: j["contests"][1].update(threshold_percent=False),
            "threshold_percent: expected a number, got bool",
        ),
        _bad(
            lambda j: j["contests"][1].update(threshold_percent=1e-10),
            "threshold_percent: at most 9 decimals are allowed, got 1e-10",
        ),
        _bad(
            lambda j: j["districts"][0].update(registered=-1),
            "districts[0].registered: expected at least 0, got -1",
        ),
        _bad(
            lambda j: j["districts"][0].update(registered=1.5),
            "districts[0].registered: expected an integer",
        ),
        _bad(lambda j: j["districts"][0].update(seats=2), "districts[0]: unexpected"),
    ],
)
def test_bad_seat_fields_refused(edit: Callable[[Json], Any], message: str) -> None:
    value = demo_manifest_json()
    edit(value)
    with pytest.raises(DecodeError) as e:
        Manifest.from_json(value)
    assert message in str(e.value)


def test_infinite_threshold_refused() -> None:
    value = demo_manifest_json()
    value["contests"][1]["threshold_percent"] = float("inf")
    with pytest.raises(DecodeError, match="threshold_percent: expected a number"):
        Manifest.from_json(value)


def test_more_plurality_seats_than_options_is_fine() -> None:
    """The seats nobody can take are reported unfilled in the result, not refused here."""
    value = demo_manifest_json()
    value["contests"][0]["seats"] = 9
    assert Manifest.from_json(value).contest("president").seats == AllocationRule(
        Method.PLURALITY, 9
    )


def test_zero_registered_is_fine() -> None:
    value = demo_manifest_json()
    value["districts"][1]["registered"] = 0
    assert Manifest.from_json(value).districts[1].registered == 0
