"""result.json as `openballot results` shows it: the counts, and the figures, seats, excluded
options, unfilled seats and ties of the agreed format (docs/record.md, result.json).

This is a reader for presentation, not a verifier: it checks that the file has the agreed
shape and names only the manifest's contests, districts and options (so that every id shown
has a label), and leaves recomputing the allocation and the figures to `openballot verify`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openballot.election.context import ElectionContext
from openballot.election.result import ContestFigures, DistrictFigures, Result
from openballot.election.tally import tally_slots
from openballot.errors import DecodeError

__all__ = [
    "SeatTie",
    "ResultView",
    "decode_result_view",
    "labelled_json",
]


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
    districts: tuple[DistrictFigures, ...]
    contests: tuple[ContestFigures, ...]
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
    """The result.json `value` of the election `ctx`: decoded by `Result.from_json` (shape and
    ids), then checked to be complete enough to show (every district's figures, every
    contest's in each of its districts, every option of a contest with seats)."""
    result = Result.from_json(value, ctx, where)
    manifest = ctx.manifest
    if tuple(f.district for f in result.districts) != manifest.district_ids():
        raise DecodeError(f"{where}.figures.districts: expected one per district, in order")
    pairs = list(dict.fromkeys((c, d) for c, d, _ in tally_slots(ctx)))
    if [(f.contest, f.district) for f in result.contests] != pairs:
        raise DecodeError(
            f"{where}.figures.contests: expected one per contest and district, in slot order"
        )
    grouped: dict[str, list[tuple[str, int]]] = {}
    for c, o, n in result.outcome.seats:
        grouped.setdefault(c, []).append((o, n))
    expected = [c.id for c in manifest.contests if c.seats is not None]
    if list(grouped) != expected or any(
        tuple(o for o, _ in grouped[c]) != manifest.contest(c).option_ids() for c in grouped
    ):
        raise DecodeError(
            f"{where}.seats: expected every option of each contest with seats, in manifest order"
        )
    ties = tuple(
        SeatTie(c, t.first_seat, t.seats, t.options, t.order) for c, t in result.outcome.ties
    )
    return ResultView(
        result,
        result.districts,
        result.contests,
        tuple((c, tuple(options)) for c, options in grouped.items()),
        result.outcome.excluded,
        result.outcome.unfilled,
        ties,
    )


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
