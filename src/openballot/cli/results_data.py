"""result.json as `openballot results` shows it: the counts, and the figures, seats, excluded
options, unfilled seats and ties of the agreed format (docs/record.md, result.json).

This is a reader for presentation, not a verifier: it checks that the file has the agreed
shape and names only the manifest's contests, districts and options (so that every id shown
has a label), and leaves recomputing the allocation and the figures to `openballot verify`.
A file without the seats fields (written before they existed) is shown without seats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from openballot.election.context import ElectionContext
from openballot.election.decryption import Result
from openballot.election.manifest import Contest, Manifest
from openballot.election.tally import tally_slots
from openballot.errors import DecodeError
from openballot.jsonfields import as_int, as_list, as_str, exact_obj, get_int, get_str, obj

__all__ = [
    "DistrictFigures",
    "ContestFigures",
    "SeatTie",
    "ResultView",
    "decode_result_view",
    "labelled_json",
]

_COUNTS: Final = ("decrypted_by", "counts", "totals")
_SEAT_FIELDS: Final = ("seats", "excluded", "unfilled", "ties")


@dataclass(frozen=True, slots=True)
class DistrictFigures:
    district: str
    registered: int | None
    credentials: int
    counting_ballots: int


@dataclass(frozen=True, slots=True)
class ContestFigures:
    contest: str
    district: str
    counting_ballots: int
    blank: int


@dataclass(frozen=True, slots=True)
class SeatTie:
    """A tie for seats first_seat .. first_seat + seats - 1, settled by the public draw: the
    first `seats` options of `order` won."""

    contest: str
    first_seat: int
    seats: int
    options: tuple[str, ...]
    order: tuple[str, ...]

    @property
    def last_seat(self) -> int:
        return self.first_seat + self.seats - 1


@dataclass(frozen=True, slots=True)
class ResultView:
    result: Result
    districts: tuple[DistrictFigures, ...] | None  # None: the file has no figures
    contests: tuple[ContestFigures, ...] | None
    seats: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # per seats contest, per option
    excluded: tuple[tuple[str, str], ...]
    unfilled: tuple[tuple[str, int], ...]
    ties: tuple[SeatTie, ...]

    def seats_of(self, contest: str) -> dict[str, int] | None:
        """Seats per option of `contest`, or None when it declares no seats."""
        for c, options in self.seats:
            if c == contest:
                return dict(options)
        return None

    def number_elected(self, contest: str) -> int | None:
        """The seats the contest declares: those taken plus those left unfilled."""
        seats = self.seats_of(contest)
        if seats is None:
            return None
        return sum(seats.values()) + sum(n for c, n in self.unfilled if c == contest)


def decode_result_view(ctx: ElectionContext, value: Any, where: str) -> ResultView:
    """The result.json `value` of the election `ctx`, checked for shape and ids."""
    o = obj(value, where)
    # The counts are decoded by the one decoder of the counts (sums and slots checked there).
    result = Result.from_json({k: o[k] for k in _COUNTS if k in o}, ctx, where)
    manifest = ctx.manifest
    districts = contests = None
    if "figures" in o:
        figures = exact_obj(o["figures"], ("districts", "contests"), f"{where}.figures")
        districts = _district_figures(manifest, figures["districts"], f"{where}.figures.districts")
        contests = _contest_figures(ctx, figures["contests"], f"{where}.figures.contests")
    present = [k for k in _SEAT_FIELDS if k in o]
    if present and len(present) != len(_SEAT_FIELDS):
        missing = next(k for k in _SEAT_FIELDS if k not in o)
        raise DecodeError(f"{where}: has {present[0]!r} but no {missing!r}")
    seats = _seats(manifest, o.get("seats", []), f"{where}.seats")
    with_seats = {c for c, _ in seats}
    excluded = tuple(
        _option(manifest, item, (), f"{where}.excluded[{i}]")[:2]
        for i, item in enumerate(as_list(o.get("excluded", []), f"{where}.excluded"))
    )
    unfilled = []
    for i, item in enumerate(as_list(o.get("unfilled", []), f"{where}.unfilled")):
        w = f"{where}.unfilled[{i}]"
        e = exact_obj(item, ("contest", "seats"), w)
        contest = _seats_contest(manifest, e, with_seats, w)
        unfilled.append((contest.id, get_int(e, "seats", w, minimum=1)))
    ties = tuple(
        _tie(manifest, item, with_seats, f"{where}.ties[{i}]")
        for i, item in enumerate(as_list(o.get("ties", []), f"{where}.ties"))
    )
    return ResultView(result, districts, contests, seats, excluded, tuple(unfilled), ties)


def _contest(manifest: Manifest, o: dict[str, Any], where: str) -> Contest:
    name = get_str(o, "contest", where)
    try:
        return manifest.contest(name)
    except KeyError:
        raise DecodeError(f"{where}.contest: {name!r} is not a contest of the manifest") from None


def _option(
    manifest: Manifest, item: Any, more: tuple[str, ...], where: str
) -> tuple[str, str, dict[str, Any]]:
    e = exact_obj(item, ("contest", "option", *more), where)
    contest = _contest(manifest, e, where)
    option = get_str(e, "option", where)
    if option not in contest.option_ids():
        raise DecodeError(f"{where}.option: {option!r} is not an option of {contest.id!r}")
    return contest.id, option, e


def _seats_contest(
    manifest: Manifest, e: dict[str, Any], with_seats: set[str], where: str
) -> Contest:
    contest = _contest(manifest, e, where)
    if contest.id not in with_seats:
        raise DecodeError(f"{where}.contest: {contest.id!r} has no seats in this result")
    return contest


def _seats(
    manifest: Manifest, value: Any, where: str
) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """Every option of each contest with seats, contests and options in manifest order."""
    entries = [
        _option(manifest, item, ("seats",), f"{where}[{i}]")
        for i, item in enumerate(as_list(value, where))
    ]
    grouped: dict[str, list[tuple[str, int]]] = {}
    for i, (contest, option, e) in enumerate(entries):
        grouped.setdefault(contest, []).append((option, get_int(e, "seats", f"{where}[{i}]")))
    order = [c.id for c in manifest.contests if c.id in grouped]
    if list(grouped) != order:
        raise DecodeError(f"{where}: contests are not in manifest order")
    for contest, options in grouped.items():
        expected = manifest.contest(contest).option_ids()
        if tuple(o for o, _ in options) != expected:
            raise DecodeError(
                f"{where}: contest {contest!r} must list its options {', '.join(expected)} once "
                "each, in manifest order"
            )
    return tuple((c, tuple(options)) for c, options in grouped.items())


def _tie(manifest: Manifest, item: Any, with_seats: set[str], where: str) -> SeatTie:
    e = exact_obj(item, ("contest", "first_seat", "seats", "options", "order"), where)
    contest = _seats_contest(manifest, e, with_seats, where)
    options, order = (
        tuple(as_str(v, f"{where}.{k}[{j}]") for j, v in enumerate(as_list(e[k], f"{where}.{k}")))
        for k in ("options", "order")
    )
    unknown = [o for o in options if o not in contest.option_ids()]
    if unknown:
        raise DecodeError(f"{where}.options: {unknown[0]!r} is not an option of {contest.id!r}")
    if len(set(options)) != len(options) or sorted(order) != sorted(options):
        raise DecodeError(f"{where}.order: must hold the tied options once each")
    seats = get_int(e, "seats", where, minimum=1)
    if seats >= len(options):
        raise DecodeError(f"{where}.seats: {seats} seats for {len(options)} tied options")
    return SeatTie(contest.id, get_int(e, "first_seat", where, minimum=1), seats, options, order)


def _district_figures(manifest: Manifest, value: Any, where: str) -> tuple[DistrictFigures, ...]:
    items = as_list(value, where)
    ids = manifest.district_ids()
    if len(items) != len(ids):
        raise DecodeError(f"{where}: expected {len(ids)} entries, one per district")
    out = []
    for i, (district, item) in enumerate(zip(ids, items, strict=True)):
        w = f"{where}[{i}]"
        e = exact_obj(item, ("district", "registered", "credentials", "counting_ballots"), w)
        if get_str(e, "district", w) != district:
            raise DecodeError(f"{w}.district: expected {district!r} (manifest order)")
        registered = e["registered"]
        out.append(
            DistrictFigures(
                district,
                None if registered is None else _count(registered, f"{w}.registered"),
                get_int(e, "credentials", w),
                get_int(e, "counting_ballots", w),
            )
        )
    return tuple(out)


def _contest_figures(ctx: ElectionContext, value: Any, where: str) -> tuple[ContestFigures, ...]:
    pairs = list(dict.fromkeys((c, d) for c, d, _ in tally_slots(ctx)))
    items = as_list(value, where)
    if len(items) != len(pairs):
        raise DecodeError(f"{where}: expected {len(pairs)} entries, one per contest and district")
    out = []
    for i, ((contest, district), item) in enumerate(zip(pairs, items, strict=True)):
        w = f"{where}[{i}]"
        e = exact_obj(item, ("contest", "district", "counting_ballots", "blank"), w)
        if (get_str(e, "contest", w), get_str(e, "district", w)) != (contest, district):
            raise DecodeError(f"{w}: expected contest {contest!r}, district {district!r}")
        out.append(
            ContestFigures(
                contest, district, get_int(e, "counting_ballots", w), get_int(e, "blank", w)
            )
        )
    return tuple(out)


def _count(v: Any, where: str) -> int:
    n = as_int(v, where)
    if n < 0:
        raise DecodeError(f"{where}: expected an integer >= 0 or null, got {n}")
    return n


def labelled_json(ctx: ElectionContext, value: dict[str, Any]) -> dict[str, Any]:
    """`--format json`: result.json unchanged under "result", with the election's id, its
    fingerprint and every label (in all languages) of the ids it uses."""
    m = ctx.manifest
    return {
        "election": m.election_id,
        "fingerprint": ctx.fingerprint.hex(),
        "labels": {
            "title": m.title.to_json(),
            "districts": {d.id: d.labels.to_json() for d in m.districts},
            "contests": {
                c.id: {
                    "labels": c.labels.to_json(),
                    "options": {o.id: o.labels.to_json() for o in c.options},
                }
                for c in m.contests
            },
        },
        "result": value,
    }
