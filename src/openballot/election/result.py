"""The official result: the counts, their totals, the figures (turnout, blanks) and the seats.

`Result.of` is the one place a result is made from decrypted counts: the CLI's `results`
step, the board and the verifier all call it (through `decryption.compute_result`), so the
figures and the seat allocation written are the ones the verifier recomputes. Decoding
(`Result.from_json`) checks the shape and the ids only; whether a figure or a seat is right is
the verifier's question (`result.figures`, `result.seats`, `result.ties`), answered by
comparing with `Result.of`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from openballot.crypto.encoding import digest
from openballot.election.context import ElectionContext
from openballot.election.manifest import Manifest
from openballot.election.seats import Tie, allocate
from openballot.election.tally import Slot, Tally, slot_entries
from openballot.errors import DecodeError, ProtocolError
from openballot.jsonfields import (
    as_int,
    as_list,
    as_str,
    exact_obj,
    get_int,
    get_list,
    obj,
    only_keys,
)

__all__ = [
    "TAG_SEATS_SEED",
    "seats_seed",
    "DistrictFigures",
    "ContestFigures",
    "SeatOutcome",
    "Result",
]

#: Domain tag of the draw seed (docs/seats.md section 4, protocol.md 15.5).
TAG_SEATS_SEED: Final = "seats/seed"

_RESULT_KEYS = {
    *("decrypted_by", "counts", "totals", "figures"),
    *("seats", "excluded", "unfilled", "ties"),
}


def seats_seed(ctx: ElectionContext, tally: Tally) -> bytes:
    """S = H("seats/seed", [F, log_size, log_root]): the draw's randomness, fixed when voting
    closed, before anyone could know a tie exists (docs/seats.md says who could steer it)."""
    return digest(TAG_SEATS_SEED, [ctx.fingerprint, tally.log_size, tally.log_root])


@dataclass(frozen=True, slots=True)
class DistrictFigures:
    """`registered`: the manifest's number (None when it gives none); `credentials`: public
    credentials published for the district; `counting_ballots`: the tally's counted[d]."""

    district: str
    registered: int | None
    credentials: int
    counting_ballots: int


@dataclass(frozen=True, slots=True)
class ContestFigures:
    """`blank`: the selections left unused, counting_ballots * max_selections minus the
    contest's counts in the district (for a single choice: the blank ballots)."""

    contest: str
    district: str
    counting_ballots: int
    blank: int


@dataclass(frozen=True, slots=True)
class SeatOutcome:
    """The seats of every contest that declares some, as result.json lists them: `seats`
    (contest, option, seats) per contest in manifest order, every option in manifest order;
    `excluded` (contest, option) under the threshold; `unfilled` (contest, seats > 0);
    `ties` (contest, tie) settled by the public draw."""

    seats: tuple[tuple[str, str, int], ...]
    excluded: tuple[tuple[str, str], ...]
    unfilled: tuple[tuple[str, int], ...]
    ties: tuple[tuple[str, Tie], ...]

    @classmethod
    def allocate(
        cls, manifest: Manifest, totals: dict[str, dict[str, int]], seed: bytes
    ) -> SeatOutcome:
        seats, excluded, unfilled, ties = [], [], [], []
        for c in manifest.contests:
            if c.seats is None:
                continue
            votes = totals.get(c.id, {})
            a = allocate(
                c.seats, {o: votes.get(o, 0) for o in c.option_ids()}, seed, contest_id=c.id
            )
            seats += [(c.id, o, a.seats_of(o)) for o in c.option_ids()]
            excluded += [(c.id, o) for o in c.option_ids() if o in a.excluded]
            unfilled += [(c.id, a.unfilled)] if a.unfilled else []
            ties += [(c.id, t) for t in a.ties]
        return cls(tuple(seats), tuple(excluded), tuple(unfilled), tuple(ties))

    def to_json(self) -> dict[str, Any]:
        return {
            "seats": [{"contest": c, "option": o, "seats": n} for c, o, n in self.seats],
            "excluded": [{"contest": c, "option": o} for c, o in self.excluded],
            "unfilled": [{"contest": c, "seats": n} for c, n in self.unfilled],
            "ties": [
                {
                    "contest": c,
                    "first_seat": t.first_seat,
                    "seats": t.seats,
                    "options": list(t.options),
                    "order": list(t.order),
                }
                for c, t in self.ties
            ],
        }

    @classmethod
    def from_json(cls, o: dict[str, Any], manifest: Manifest, where: str) -> SeatOutcome:
        def entries(key: str, fields: tuple[str, ...]) -> list[tuple[dict[str, Any], str, str]]:
            out = []
            for i, item in enumerate(get_list(o, key, where)):
                w = f"{where}.{key}[{i}]"
                item = exact_obj(item, fields, w)
                out.append((item, _seat_contest(manifest, item["contest"], w), w))
            return out

        def option(contest: str, value: Any, w: str) -> str:
            if as_str(value, w) not in manifest.contest(contest).option_ids():
                raise DecodeError(f"{w}: contest {contest!r} has no option {value!r}")
            return str(value)

        seats = tuple(
            (c, option(c, e["option"], f"{w}.option"), as_int(e["seats"], f"{w}.seats"))
            for e, c, w in entries("seats", ("contest", "option", "seats"))
        )
        excluded = tuple(
            (c, option(c, e["option"], f"{w}.option"))
            for e, c, w in entries("excluded", ("contest", "option"))
        )
        unfilled = tuple(
            (c, as_int(e["seats"], f"{w}.seats"))
            for e, c, w in entries("unfilled", ("contest", "seats"))
        )
        ties = []
        for e, c, w in entries("ties", ("contest", "first_seat", "seats", "options", "order")):
            names = [
                [option(c, v, f"{w}.{k}[{i}]") for i, v in enumerate(as_list(e[k], f"{w}.{k}"))]
                for k in ("options", "order")
            ]
            first, k = as_int(e["first_seat"], f"{w}.first_seat"), as_int(e["seats"], f"{w}.seats")
            try:
                ties.append((c, Tie(first, k, tuple(names[0]), tuple(names[1]))))
            except ProtocolError as exc:
                raise DecodeError(f"{w}: {exc}") from None
        if any(n < 0 for *_, n in seats) or any(n < 1 for _, n in unfilled):
            raise DecodeError(f"{where}: seats must be >= 0, and unfilled seats >= 1")
        return cls(seats, excluded, unfilled, tuple(ties))


def _seat_contest(manifest: Manifest, value: Any, where: str) -> str:
    contest = as_str(value, f"{where}.contest")
    if contest not in {c.id for c in manifest.contests if c.seats is not None}:
        raise DecodeError(f"{where}.contest: {contest!r} is not a contest with seats")
    return contest


@dataclass(frozen=True, slots=True)
class Result:
    """The counts the decryptions give (slot order), the figures and the seat outcome."""

    decrypted_by: tuple[int, ...]
    counts: tuple[tuple[Slot, int], ...]
    districts: tuple[DistrictFigures, ...]
    contests: tuple[ContestFigures, ...]
    outcome: SeatOutcome

    @classmethod
    def of(
        cls,
        ctx: ElectionContext,
        tally: Tally,
        decrypted_by: Sequence[int],
        counts: Sequence[tuple[Slot, int]],
    ) -> Result:
        """The result of these counts: figures from the tally and the credential list, seats
        from the totals, ties drawn with `seats_seed(ctx, tally)`."""
        registered = {d.id: d.registered for d in ctx.manifest.districts}
        credentials = ctx.credentials.counts()
        districts = tuple(
            DistrictFigures(d, registered[d], credentials.get(d, 0), n) for d, n in tally.counted
        )
        chosen: dict[tuple[str, str], int] = {}
        for (c, d, _), n in counts:
            chosen[c, d] = chosen.get((c, d), 0) + n
        contests = []
        for contest in ctx.manifest.contests:
            for d in contest.districts:
                ballots = tally.counted_in(d)
                blank = ballots * contest.max_selections - chosen.get((contest.id, d), 0)
                if blank < 0:  # a range proof bounds every ballot: only a forged count gets here
                    raise ProtocolError(
                        f"contest {contest.id!r}, district {d!r}: more selections counted than "
                        f"{ballots} ballots can hold"
                    )
                contests.append(ContestFigures(contest.id, d, ballots, blank))
        partial = cls(tuple(decrypted_by), tuple(counts), districts, tuple(contests), _NO_SEATS)
        outcome = SeatOutcome.allocate(ctx.manifest, partial.totals(), seats_seed(ctx, tally))
        return cls(partial.decrypted_by, partial.counts, districts, tuple(contests), outcome)

    def totals(self) -> dict[str, dict[str, int]]:
        """Per contest, per option, summed over the contest's districts."""
        out: dict[str, dict[str, int]] = {}
        for (contest, _, option), n in self.counts:
            out.setdefault(contest, {}).setdefault(option, 0)
            out[contest][option] += n
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "decrypted_by": list(self.decrypted_by),
            "counts": [
                {"contest": c, "district": d, "option": o, "count": n}
                for (c, d, o), n in self.counts
            ],
            "totals": self.totals(),
            "figures": {
                "districts": [
                    {
                        "district": f.district,
                        "registered": f.registered,
                        "credentials": f.credentials,
                        "counting_ballots": f.counting_ballots,
                    }
                    for f in self.districts
                ],
                "contests": [
                    {
                        "contest": f.contest,
                        "district": f.district,
                        "counting_ballots": f.counting_ballots,
                        "blank": f.blank,
                    }
                    for f in self.contests
                ],
            },
            **self.outcome.to_json(),
        }

    @classmethod
    def from_json(cls, value: Any, ctx: ElectionContext, where: str = "result") -> Result:
        o = obj(value, where)
        only_keys(o, _RESULT_KEYS, where)
        by = get_list(o, "decrypted_by", where)
        n = len(ctx.trustees)
        if not all(type(i) is int and 1 <= i <= n for i in by) or len(set(by)) != len(by):
            raise DecodeError(
                f"{where}.decrypted_by: expected distinct trustee numbers from 1 to {n}"
            )
        counts = [
            (slot, get_int(item, "count", w))
            for slot, item, w in slot_entries(ctx, o, "counts", {"count"}, where)
        ]
        figures = exact_obj(o.get("figures"), ("districts", "contests"), f"{where}.figures")
        districts, contests = _figures_from_json(figures, ctx.manifest, f"{where}.figures")
        outcome = SeatOutcome.from_json(o, ctx.manifest, where)
        result = cls(tuple(by), tuple(counts), districts, contests, outcome)
        if o.get("totals") != result.totals():
            raise DecodeError(f"{where}.totals: do not add up to the per-district counts")
        return result


_NO_SEATS: Final = SeatOutcome((), (), (), ())


def _figures_from_json(
    o: dict[str, Any], manifest: Manifest, where: str
) -> tuple[tuple[DistrictFigures, ...], tuple[ContestFigures, ...]]:
    def count(item: dict[str, Any], key: str, w: str) -> int:
        n = as_int(item[key], f"{w}.{key}")
        if n < 0:
            raise DecodeError(f"{w}.{key}: expected at least 0, got {n}")
        return n

    districts = []
    for i, item in enumerate(get_list(o, "districts", where)):
        w = f"{where}.districts[{i}]"
        item = exact_obj(item, ("district", "registered", "credentials", "counting_ballots"), w)
        if as_str(item["district"], f"{w}.district") not in manifest.district_ids():
            raise DecodeError(f"{w}.district: unknown district {item['district']!r}")
        registered = None if item["registered"] is None else count(item, "registered", w)
        districts.append(
            DistrictFigures(
                item["district"],
                registered,
                count(item, "credentials", w),
                count(item, "counting_ballots", w),
            )
        )
    contests = []
    for i, item in enumerate(get_list(o, "contests", where)):
        w = f"{where}.contests[{i}]"
        item = exact_obj(item, ("contest", "district", "counting_ballots", "blank"), w)
        c, d = as_str(item["contest"], f"{w}.contest"), as_str(item["district"], f"{w}.district")
        if not any(x.id == c and d in x.districts for x in manifest.contests):
            raise DecodeError(f"{w}: contest {c!r} is not held in district {d!r}")
        contests.append(
            ContestFigures(c, d, count(item, "counting_ballots", w), count(item, "blank", w))
        )
    return tuple(districts), tuple(contests)
