"""The encrypted tally: per contest, per district of the contest, per option, the product of
the ciphertexts of the ballots that count.

Every accumulator starts from (g, K), the public encryption of 0 with randomness 1, so that no
tally ciphertext is ever the identity, even in a district where nobody voted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openballot.crypto.elgamal import ZERO, Ciphertext
from openballot.crypto.group import G
from openballot.election.ballot import EncryptedBallot, ciphertext_from_json
from openballot.election.context import ElectionContext
from openballot.errors import DecodeError
from openballot.jsonfields import (
    get,
    get_int,
    get_list,
    get_obj,
    get_str,
    hex_bytes,
    obj,
    only_keys,
)

__all__ = ["Slot", "Tally", "TallyBuilder", "tally_slots", "slot_entries"]

#: (contest id, district id, option id)
Slot = tuple[str, str, str]


def tally_slots(ctx: ElectionContext) -> Iterator[Slot]:
    for contest in ctx.manifest.contests:
        for district in contest.districts:
            for option in contest.options:
                yield contest.id, district, option.id


def slot_entries(
    ctx: ElectionContext, o: dict[str, Any], key: str, fields: set[str], where: str
) -> Iterator[tuple[Slot, dict[str, Any], str]]:
    """The entries of list `key`, one per slot in `tally_slots` order, each checked to name
    its slot and to have only the slot's fields and `fields`: (slot, entry, path of entry)."""
    items = get_list(o, key, where)
    slots = list(tally_slots(ctx))
    if len(items) != len(slots):
        raise DecodeError(f"{where}.{key}: expected {len(slots)} entries, got {len(items)}")
    for i, (slot, item) in enumerate(zip(slots, items, strict=True)):
        w = f"{where}.{key}[{i}]"
        item = obj(item, w)
        only_keys(item, {"contest", "district", "option"} | fields, w)
        found = (
            get_str(item, "contest", w),
            get_str(item, "district", w),
            get_str(item, "option", w),
        )
        if found != slot:
            raise DecodeError(f"{w}: expected entry for {slot}, found {found}")
        yield slot, item, w


@dataclass(frozen=True, slots=True)
class Tally:
    """What the trustees decrypt, bound to the ballot log it was computed from."""

    log_size: int
    log_root: bytes
    counted: tuple[tuple[str, int], ...]  # ballots counted per district, in manifest order
    ciphertexts: tuple[tuple[Slot, Ciphertext], ...]

    def counted_in(self, district: str) -> int:
        return dict(self.counted)[district]

    def to_json(self) -> dict[str, Any]:
        return {
            "ballot_log": {"size": self.log_size, "root": self.log_root.hex()},
            "counted": dict(self.counted),
            "ciphertexts": [
                {"contest": c, "district": d, "option": o, **ct.to_json()}
                for (c, d, o), ct in self.ciphertexts
            ],
        }

    @classmethod
    def from_json(cls, value: Any, ctx: ElectionContext, where: str = "tally") -> Tally:
        o = obj(value, where)
        only_keys(o, {"ballot_log", "counted", "ciphertexts"}, where)
        log = get_obj(o, "ballot_log", where)
        size = get_int(log, "size", f"{where}.ballot_log")
        root = hex_bytes(get(log, "root", f"{where}.ballot_log"), 32, f"{where}.ballot_log.root")
        counted_o = get_obj(o, "counted", where)
        counted = []
        for d in ctx.manifest.district_ids():
            counted.append((d, get_int(counted_o, d, f"{where}.counted")))
        only_keys(counted_o, set(ctx.manifest.district_ids()), f"{where}.counted")
        cts = [
            (slot, ciphertext_from_json(item, w))
            for slot, item, w in slot_entries(ctx, o, "ciphertexts", {"alpha", "beta"}, where)
        ]
        return cls(size, root, tuple(counted), tuple(cts))


class TallyBuilder:
    """Accumulates counted ballots; `remove` takes back a ballot that a re-vote superseded."""

    def __init__(self, ctx: ElectionContext) -> None:
        self._ctx = ctx
        start = Ciphertext(G, ctx.joint_key)
        self._acc: dict[Slot, Ciphertext] = {slot: start for slot in tally_slots(ctx)}
        self._counted: dict[str, int] = {d: 0 for d in ctx.manifest.district_ids()}

    def add(self, ballot: EncryptedBallot) -> None:
        for contest in ballot.contests:
            for s in contest.selections:
                slot = (contest.contest_id, ballot.district, s.option_id)
                self._acc[slot] = self._acc[slot] * s.ciphertext
        self._counted[ballot.district] += 1

    def remove(self, ballot: EncryptedBallot) -> None:
        for contest in ballot.contests:
            for s in contest.selections:
                slot = (contest.contest_id, ballot.district, s.option_id)
                acc = self._acc[slot]
                self._acc[slot] = Ciphertext(
                    acc.alpha / s.ciphertext.alpha, acc.beta / s.ciphertext.beta
                )
        self._counted[ballot.district] -= 1

    @classmethod
    def partial(cls, ctx: ElectionContext) -> TallyBuilder:
        """A builder for a share of the ballots (a worker's chunk of the log), whose `part()`
        the tally's builder merges. It starts from Enc(0; 0), so that (g, K) is counted once."""
        builder = cls(ctx)
        builder._acc = dict.fromkeys(builder._acc, ZERO)
        return builder

    def part(self) -> tuple[dict[Slot, Ciphertext], dict[str, int]]:
        """What the ballots of a `partial` builder add, for `merge`; the slots and districts
        that no ballot touched are left out, so less crosses a process boundary."""
        products = {slot: ct for slot, ct in self._acc.items() if ct != ZERO}
        return products, {d: n for d, n in self._counted.items() if n}

    def merge(self, products: dict[Slot, Ciphertext], counted: dict[str, int]) -> None:
        """Fold in partial products computed elsewhere (another process, another machine)."""
        for slot, ct in products.items():
            self._acc[slot] = self._acc[slot] * ct
        for d, n in counted.items():
            self._counted[d] += n

    def total_counted(self) -> int:
        return sum(self._counted.values())

    def finish(self, log_size: int, log_root: bytes) -> Tally:
        return Tally(
            log_size,
            log_root,
            tuple((d, self._counted[d]) for d in self._ctx.manifest.district_ids()),
            tuple((slot, self._acc[slot]) for slot in tally_slots(self._ctx)),
        )
