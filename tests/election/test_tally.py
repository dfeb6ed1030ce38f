"""The encrypted tally: accumulation (add, remove, merge), decryption to the true per-district
sums, the Enc(0; 1) start value, and strict JSON."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from openballot.crypto.elgamal import ZERO, Ciphertext
from openballot.crypto.group import G
from openballot.election.decryption import compute_result, decrypt_tally, verify_trustee_decryption
from openballot.election.tally import Slot, Tally, TallyBuilder, tally_slots
from openballot.errors import DecodeError

# Fixtures (conftest.py): `election` (3 trustees, threshold 2, 4 voters per district).

ROOT = bytes(range(32))

#: (district, voter, choices) of the ballots in this module's tallies
BALLOTS = [
    ("north", 0, {"president": ["amal"], "council-north": ["n1", "n2", "n3"],
                  "referendum": ["yes"]}),
    ("north", 1, {"president": ["amal"], "council-north": ["n2"], "referendum": ["no"]}),
    ("north", 2, {"president": ["dilan"], "council-north": ["n2", "n5"], "referendum": ["yes"]}),
    ("south", 0, {"president": ["amal"], "council-south": [], "referendum": ["yes"]}),
    ("south", 1, {"president": ["farah"], "council-south": ["s1", "s4"], "referendum": ["yes"]}),
]  # fmt: skip


@pytest.fixture(scope="module")
def ballots(election: Any) -> list[Any]:
    return [election.vote(d, choices, voter)[0] for d, voter, choices in BALLOTS]


def expected_counts(election: Any, which: Sequence[int]) -> dict[Slot, int]:
    """The plaintext sums of the ballots at positions `which` of BALLOTS, for every slot."""
    counts: Counter[Slot] = Counter()
    for i in which:
        district, _, choices = BALLOTS[i]
        for contest, chosen in choices.items():
            for option in chosen:
                counts[(contest, district, option)] += 1
    return {slot: counts[slot] for slot in tally_slots(election.ctx)}


def decrypt(election: Any, tally: Tally, trustees: Sequence[int] = (1, 2)) -> dict[Slot, int]:
    decryptions = []
    for j in trustees:
        dec = decrypt_tally(election.ctx, tally, election.shares[j - 1])
        verify_trustee_decryption(election.ctx, tally, dec)
        decryptions.append(dec)
    return dict(compute_result(election.ctx, tally, decryptions).counts)


def build(election: Any, ballots: Sequence[Any]) -> TallyBuilder:
    builder = TallyBuilder(election.ctx)
    for b in ballots:
        builder.add(b)
    return builder


# --- slots and start value ------------------------------------------------------------------


def test_slots_follow_the_manifest(election: Any) -> None:
    slots = list(tally_slots(election.ctx))
    # president and referendum in both districts, each council in its own
    assert len(slots) == 4 * 2 + 5 + 4 + 2 * 2
    assert slots[:5] == [
        ("president", "north", "amal"),
        ("president", "north", "bashir"),
        ("president", "north", "dilan"),
        ("president", "north", "farah"),
        ("president", "south", "amal"),
    ]
    assert slots[-1] == ("referendum", "south", "no")
    assert len(set(slots)) == len(slots)


def test_empty_tally_is_the_start_value(election: Any) -> None:
    tally = TallyBuilder(election.ctx).finish(0, ROOT)
    start = Ciphertext(G, election.ctx.joint_key)
    assert [slot for slot, _ in tally.ciphertexts] == list(tally_slots(election.ctx))
    assert all(ct == start for _, ct in tally.ciphertexts)
    assert not any(ct.alpha.is_identity() or ct.beta.is_identity() for _, ct in tally.ciphertexts)
    assert tally.counted == (("north", 0), ("south", 0))
    assert (tally.log_size, tally.log_root) == (0, ROOT)


def test_empty_tally_decrypts_to_zero(election: Any) -> None:
    tally = TallyBuilder(election.ctx).finish(0, ROOT)
    assert set(decrypt(election, tally).values()) == {0}


# --- decryption gives the true sums ---------------------------------------------------------


def test_tally_decrypts_to_the_true_sums(election: Any, ballots: list[Any]) -> None:
    builder = build(election, ballots)
    assert builder.total_counted() == 5
    tally = builder.finish(5, ROOT)
    assert tally.counted == (("north", 3), ("south", 2))
    assert tally.counted_in("south") == 2
    counts = decrypt(election, tally)
    assert counts == expected_counts(election, range(5))
    assert counts[("council-north", "north", "n2")] == 3
    assert counts[("president", "south", "amal")] == 1
    assert counts[("council-south", "south", "s2")] == 0


def test_district_without_ballots_decrypts_to_zero(election: Any, ballots: list[Any]) -> None:
    tally = build(election, ballots[:3]).finish(3, ROOT)
    assert tally.counted == (("north", 3), ("south", 0))
    start = Ciphertext(G, election.ctx.joint_key)
    for (_, district, _), ct in tally.ciphertexts:
        assert (ct == start) == (district == "south")
    counts = decrypt(election, tally, (2, 3))
    assert counts == expected_counts(election, range(3))
    assert all(n == 0 for (_, d, _), n in counts.items() if d == "south")


# --- add, remove, merge ---------------------------------------------------------------------


def test_add_is_order_independent(election: Any, ballots: list[Any]) -> None:
    forward = build(election, ballots).finish(5, ROOT)
    backward = build(election, list(reversed(ballots))).finish(5, ROOT)
    assert forward == backward


def test_remove_takes_a_ballot_back(election: Any, ballots: list[Any]) -> None:
    builder = build(election, ballots)
    builder.remove(ballots[1])
    builder.remove(ballots[4])
    assert builder.total_counted() == 3
    tally = builder.finish(5, ROOT)
    assert tally == build(election, [ballots[0], ballots[2], ballots[3]]).finish(5, ROOT)
    assert decrypt(election, tally) == expected_counts(election, [0, 2, 3])


def test_remove_everything_gives_the_start_value(election: Any, ballots: list[Any]) -> None:
    builder = build(election, ballots)
    for b in ballots:
        builder.remove(b)
    assert builder.total_counted() == 0
    assert builder.finish(0, ROOT) == TallyBuilder(election.ctx).finish(0, ROOT)


def _partial(ballots: Sequence[Any]) -> tuple[dict[Slot, Ciphertext], dict[str, int]]:
    """Partial products as another process computes them: from Enc(0; 0), not the start."""
    products: dict[Slot, Ciphertext] = {}
    counted: Counter[str] = Counter()
    for b in ballots:
        counted[b.district] += 1
        for c in b.contests:
            for s in c.selections:
                slot = (c.contest_id, b.district, s.option_id)
                products[slot] = products.get(slot, ZERO) * s.ciphertext
    return products, dict(counted)


def test_merge_partial_products(election: Any, ballots: list[Any]) -> None:
    builder = build(election, ballots[:2])
    builder.merge(*_partial(ballots[2:4]))
    builder.merge(*_partial(ballots[4:]))
    builder.merge({}, {})
    assert builder.total_counted() == 5
    assert builder.finish(5, ROOT) == build(election, ballots).finish(5, ROOT)


def test_merge_into_empty_then_remove(election: Any, ballots: list[Any]) -> None:
    builder = TallyBuilder(election.ctx)
    builder.merge(*_partial(ballots))
    builder.remove(ballots[0])
    tally = builder.finish(5, ROOT)
    assert tally == build(election, ballots[1:]).finish(5, ROOT)
    assert decrypt(election, tally, (1, 3)) == expected_counts(election, range(1, 5))


def test_a_partial_builder_gives_what_another_process_computes(
    election: Any, ballots: list[Any]
) -> None:
    partial = TallyBuilder.partial(election.ctx)
    for b in ballots[2:]:
        partial.add(b)
    assert partial.part() == _partial(ballots[2:])
    builder = build(election, ballots[:2])
    builder.merge(*partial.part())
    assert builder.finish(5, ROOT) == build(election, ballots).finish(5, ROOT)
    assert TallyBuilder.partial(election.ctx).part() == ({}, {})


# --- JSON -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tally(election: Any, ballots: list[Any]) -> Tally:
    return build(election, ballots).finish(7, ROOT)


def _value(tally: Tally) -> Any:
    return json.loads(json.dumps(tally.to_json()))


def test_json_round_trip(election: Any, tally: Tally) -> None:
    value = _value(tally)
    assert value["ballot_log"] == {"size": 7, "root": ROOT.hex()}
    assert value["counted"] == {"north": 3, "south": 2}
    assert value["ciphertexts"][0]["contest"] == "president"
    assert Tally.from_json(value, election.ctx) == tally


def _swap(i: int, k: int) -> Callable[[Any], None]:
    def edit(v: Any) -> None:
        cts = v["ciphertexts"]
        cts[i], cts[k] = cts[k], cts[i]

    return edit


REJECTED: list[tuple[str, Callable[[Any], None], str]] = [
    ("entries swapped", _swap(1, 2),
     "tally.ciphertexts[1]: expected entry for ('president', 'north', 'bashir'), "
     "found ('president', 'north', 'dilan')"),
    ("districts swapped", _swap(0, 4),
     "tally.ciphertexts[0]: expected entry for ('president', 'north', 'amal'), "
     "found ('president', 'south', 'amal')"),
    ("entry dropped", lambda v: v["ciphertexts"].pop(),
     "tally.ciphertexts: expected 21 entries, got 20"),
    ("entry added", lambda v: v["ciphertexts"].append(v["ciphertexts"][0]),
     "tally.ciphertexts: expected 21 entries, got 22"),
    ("no entries", lambda v: v.update(ciphertexts=[]),
     "tally.ciphertexts: expected 21 entries, got 0"),
    ("slot renamed", lambda v: v["ciphertexts"][20].update(option="maybe"),
     "tally.ciphertexts[20]: expected entry for ('referendum', 'south', 'no'), "
     "found ('referendum', 'south', 'maybe')"),
    ("slot field missing", lambda v: v["ciphertexts"][3].pop("district"),
     "tally.ciphertexts[3]: missing field 'district'"),
    ("extra entry field", lambda v: v["ciphertexts"][3].update(count=1),
     "tally.ciphertexts[3]: unexpected field 'count'"),
    ("identity alpha", lambda v: v["ciphertexts"][5].update(alpha="00" * 32),
     "tally.ciphertexts[5].alpha: is the identity element"),
    ("counted district missing", lambda v: v["counted"].pop("south"),
     "tally.counted: missing field 'south'"),
    ("counted unknown district", lambda v: v["counted"].update(east=0),
     "tally.counted: unexpected field 'east'"),
    ("counted negative", lambda v: v["counted"].update(north=-1),
     "tally.counted.north: expected at least 0"),
    ("size not an integer", lambda v: v["ballot_log"].update(size="7"),
     "tally.ballot_log.size: expected an integer"),
    ("root too short", lambda v: v["ballot_log"].update(root="00" * 31),
     "tally.ballot_log.root: "),
    ("root not hex", lambda v: v["ballot_log"].update(root="zz" * 32),
     "tally.ballot_log.root: expected 64 lowercase hex characters"),
    ("extra field", lambda v: v.update(result={}), "tally: unexpected field 'result'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"), [(e, m) for _, e, m in REJECTED], ids=[n for n, _, _ in REJECTED]
)
def test_from_json_rejects(election: Any, tally: Tally, edit: Any, message: str) -> None:
    value = _value(tally)
    edit(value)
    with pytest.raises(DecodeError, match="^" + re.escape(message)):
        Tally.from_json(value, election.ctx)


@pytest.mark.parametrize(
    "root", [ROOT.hex().upper(), " " + ROOT.hex(), ROOT.hex()[:32] + " " + ROOT.hex()[32:]]
)
def test_from_json_rejects_non_canonical_root(election: Any, tally: Tally, root: str) -> None:
    """Every other hex field of the record is exactly 2·n lowercase hex digits; `bytes.fromhex`
    also takes upper case and whitespace (BUG: Tally.from_json must decode the root strictly,
    as ballot._hex_bytes / group._unhex do)."""
    value = _value(tally)
    value["ballot_log"]["root"] = root
    with pytest.raises(DecodeError, match=re.escape("tally.ballot_log.root")):
        Tally.from_json(value, election.ctx)
