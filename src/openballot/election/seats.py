"""Seats from a contest's vote totals: plurality, D'Hondt, Sainte-Laguë, Hare largest remainder.

This module is the one implementation of the rules in docs/seats.md (the methods, the
threshold, and the public draw that settles a tie for the last seats). It is pure: totals in,
an `Allocation` out, so that the result code and the verifier compute the same thing.

Arithmetic is exact (integers and `Fraction`): a floating-point quotient could rank two parties
differently on two machines, and a verifier must reproduce every comparison bit for bit.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from openballot.crypto.encoding import digest
from openballot.errors import ProtocolError

__all__ = ["DRAW_TAG", "Method", "AllocationRule", "Tie", "Allocation", "allocate", "draw"]

#: Domain tag of the public draw's hash (docs/seats.md, "The draw").
DRAW_TAG: Final = "seats/draw"

# A claim on the next seat by an option that holds `won` seats; None: it claims none.
_Claim = Callable[[str, int], Fraction | None]
_RULE: Final = "allocation rule"


class Method(enum.Enum):
    """How a contest's seats are shared; the value is the manifest's `"allocation"` text."""

    PLURALITY = "plurality"
    DHONDT = "dhondt"
    SAINTE_LAGUE = "sainte-lague"
    HARE = "hare"


@dataclass(frozen=True, slots=True)
class AllocationRule:
    """`seats` seats (at least 1) shared by `method` among the options that reach the threshold.

    `threshold_percent` is an exact rational in [0, 100] (a `Fraction`, never a float). An
    option is excluded when ``votes * 100 < threshold_percent * V``, where V is the sum of the
    votes of all the contest's options (valid votes for an option; blank and rejected ballots
    are not in it). An option exactly at the threshold stays.
    """

    method: Method
    seats: int
    threshold_percent: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        if not isinstance(self.method, Method):
            names = ", ".join(m.value for m in Method)
            raise ProtocolError(f"{_RULE}: method must be one of {names}, got {self.method!r}")
        if isinstance(self.seats, bool) or not isinstance(self.seats, int) or self.seats < 1:
            raise ProtocolError(f"{_RULE}: seats must be an integer >= 1, got {self.seats!r}")
        t = self.threshold_percent
        if not isinstance(t, Fraction) or not 0 <= t <= 100:
            raise ProtocolError(
                f"{_RULE}: threshold_percent must be a Fraction in [0, 100], got {t!r}"
            )


@dataclass(frozen=True, slots=True)
class Tie:
    """Options with equal claims on the last `seats` seats, fewer seats than options.

    The contested seats are numbers `first_seat` .. `first_seat + seats - 1` in the order of
    allocation (the first seat given is number 1). `options` are the tied options in canonical
    order (by code point); `order` is the order the public draw gave them, and its first
    `seats` options win one seat each.
    """

    first_seat: int
    seats: int
    options: tuple[str, ...]
    order: tuple[str, ...]

    def __post_init__(self) -> None:
        at, opts = f"tie for seat {self.first_seat}", self.options
        if self.first_seat < 1 or not 1 <= self.seats < len(opts):
            raise ProtocolError(f"{at}: {self.seats} seats among {len(opts)} options is no tie")
        if list(opts) != sorted(set(opts)):
            raise ProtocolError(f"{at}: options not distinct and in canonical order: {opts}")
        if sorted(self.order) != list(opts):
            raise ProtocolError(f"{at}: the drawn order {self.order} is no permutation of {opts}")

    @property
    def winners(self) -> tuple[str, ...]:
        return self.order[: self.seats]


@dataclass(frozen=True, slots=True)
class Allocation:
    """The seats of one contest.

    `seats` lists every option (excluded ones too, with 0) in canonical order. `excluded` are
    the options below the threshold. `ties` are the ties met and how the draw settled them (the
    four methods meet at most one). `unfilled` counts the seats no option could claim: an
    option with no votes (or excluded) never wins a seat, and under plurality an option wins at
    most one.
    """

    contest_id: str
    rule: AllocationRule
    seats: tuple[tuple[str, int], ...]
    excluded: tuple[str, ...]
    ties: tuple[Tie, ...]
    unfilled: int

    def __post_init__(self) -> None:
        given = sum(n for _, n in self.seats)
        if given + self.unfilled != self.rule.seats or self.unfilled < 0:
            raise ProtocolError(
                f"contest {self.contest_id!r}: {given} seats given and {self.unfilled} unfilled,"
                f" expected {self.rule.seats} in all"
            )

    def seats_of(self, option: str) -> int:
        return dict(self.seats)[option]

    @property
    def winners(self) -> tuple[str, ...]:
        """The options that won at least one seat, in canonical order."""
        return tuple(o for o, n in self.seats if n > 0)


def draw(
    draw_seed: bytes, contest_id: str, options: Sequence[str], first_seat: int, seats: int
) -> tuple[str, ...]:
    """The public draw: the tied options ordered by their tagged hashes (docs/seats.md).

    Each option's key is ``H("seats/draw", draw_seed, contest_id, [tied options in canonical
    order], first_seat, seats, option)``; the order is by key, as unsigned big-endian numbers
    (equal 64-byte keys, which SHA-512 makes unobservable, fall back to the option id).
    """
    tied = sorted(set(options))

    def key(option: str) -> tuple[bytes, str]:
        return digest(DRAW_TAG, draw_seed, contest_id, tied, first_seat, seats, option), option

    return tuple(sorted(tied, key=key))


def allocate(
    rule: AllocationRule, totals: Mapping[str, int], draw_seed: bytes, *, contest_id: str
) -> Allocation:
    """Share `rule.seats` among the options of `totals` (option id -> votes over all districts).

    `draw_seed` is the public randomness of the draw (e.g. the root hash of the record's final
    signed tree head); `contest_id` enters the draw so that two contests tied alike draw apart.
    """
    where = f"contest {contest_id!r}"
    _check_inputs(totals, draw_seed, where)
    options = sorted(totals)
    # votes * 100 >= t * V, in integers: votes * 100 * den(t) >= num(t) * V.
    t, total = rule.threshold_percent, sum(totals.values())
    eligible = {
        o: v for o in options if (v := totals[o]) * 100 * t.denominator >= t.numerator * total
    }
    won = dict.fromkeys(options, 0)
    claim = _claims(rule, eligible, won)
    tied, left = _distribute(won, claim, rule.seats)
    ties: tuple[Tie, ...] = ()
    if tied:
        first = rule.seats - left + 1
        tie = Tie(first, left, tuple(tied), draw(draw_seed, contest_id, tied, first, left))
        for o in tie.winners:
            won[o] += 1
        ties, left = (tie,), 0
    excluded = tuple(o for o in options if o not in eligible)
    return Allocation(contest_id, rule, tuple(won.items()), excluded, ties, left)


def _check_inputs(totals: Mapping[str, int], draw_seed: bytes, where: str) -> None:
    if not totals:
        raise ProtocolError(f"{where}: no options to share seats among")
    for option, votes in totals.items():
        if not isinstance(option, str) or not option:
            raise ProtocolError(f"{where}: option ids must be non-empty text, got {option!r}")
        if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
            raise ProtocolError(f"{where}: option {option!r}: votes must be >= 0, got {votes!r}")
    if not isinstance(draw_seed, bytes) or not draw_seed:
        raise ProtocolError(f"{where}: the draw seed must be non-empty bytes, got {draw_seed!r}")


def _claims(rule: AllocationRule, votes: Mapping[str, int], won: dict[str, int]) -> _Claim:
    """Each method as a claim on the next seat; `won` may be given the seats a method settles
    up front (Hare's whole quotas). An option with no votes never claims."""

    def divisor(d: Callable[[int], int]) -> _Claim:
        return lambda o, s: Fraction(votes[o], d(s)) if votes.get(o, 0) > 0 else None

    if rule.method is Method.PLURALITY:
        return lambda o, s: Fraction(votes[o]) if s == 0 and votes.get(o, 0) > 0 else None
    if rule.method is Method.DHONDT:
        return divisor(lambda s: s + 1)
    if rule.method is Method.SAINTE_LAGUE:
        return divisor(lambda s: 2 * s + 1)
    # Hare: quota q = V/N over the eligible votes V; an option first gets floor(v/q) =
    # floor(v*N/V) seats, then at most one more by its remainder (v*N mod V)/V.
    pool, n = sum(votes.values()), rule.seats
    whole = {o: v * n // pool for o, v in votes.items()} if pool else {}
    won.update(whole)

    def remainder(o: str, s: int) -> Fraction | None:
        r = votes[o] * n % pool if o in whole and s == whole[o] else 0
        return Fraction(r, pool) if r else None

    return remainder


def _distribute(won: dict[str, int], claim: _Claim, seats: int) -> tuple[list[str], int]:
    """Give the seats left, one value of claim at a time, highest first.

    All options sharing the highest claim get a seat together when enough seats are left (the
    order among them cannot matter: a seat lowers only its own option's next claim). When fewer
    are left, stop and return those options (the tie) and the seats left; else ([], unfilled).
    """
    left = seats - sum(won.values())
    while left:
        claims = {o: c for o in won if (c := claim(o, won[o])) is not None}
        if not claims:
            break
        best = max(claims.values())
        top = sorted(o for o, c in claims.items() if c == best)
        if len(top) > left:
            return top, left
        for o in top:
            won[o] += 1
        left -= len(top)
    return [], left
