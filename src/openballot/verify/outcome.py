"""Compare what result.json says beyond the counts (figures, seats, excluded options, unfilled
seats, ties) with what the verifier computes from the record (`Result.of`).

Each difference is one finding naming the district or contest, so that a wrong seat count,
a forged tie order, a missing tie and a wrong blank figure are each reported where they are.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from openballot.election.result import Result
from openballot.verify.checks import Check
from openballot.verify.findings import Report

__all__ = ["compare_outcome"]

_E = TypeVar("_E")


def compare_outcome(theirs: Result, mine: Result, report: Report) -> None:
    """Findings `result.figures`, `result.seats` and `result.ties` for every difference."""
    _compare(
        report,
        Check.RESULT_FIGURES,
        "figures of district",
        theirs.districts,
        mine.districts,
        key=lambda f: f.district,
        show=lambda f: (
            f"registered {f.registered}, credentials {f.credentials}, "
            f"counting ballots {f.counting_ballots}"
        ),
    )
    _compare(
        report,
        Check.RESULT_FIGURES,
        "figures of contest",
        theirs.contests,
        mine.contests,
        key=lambda f: (f.contest, f.district),
        show=lambda f: f"counting ballots {f.counting_ballots}, blank {f.blank}",
    )
    a, b = theirs.outcome, mine.outcome
    _compare(
        report,
        Check.RESULT_SEATS,
        "seats of",
        a.seats,
        b.seats,
        key=lambda e: (e[0], e[1]),
        show=lambda e: f"{e[2]} seat(s)",
    )
    _compare(
        report,
        Check.RESULT_SEATS,
        "exclusion of",
        a.excluded,
        b.excluded,
        key=lambda e: e,
        show=lambda e: "excluded by the threshold",
    )
    _compare(
        report,
        Check.RESULT_SEATS,
        "unfilled seats of",
        a.unfilled,
        b.unfilled,
        key=lambda e: e[0],
        show=lambda e: f"{e[1]} unfilled",
    )
    _compare(
        report,
        Check.RESULT_TIES,
        "tie in",
        a.ties,
        b.ties,
        key=lambda e: (e[0], e[1].first_seat),
        show=lambda e: (
            f"{e[1].seats} seat(s) from seat {e[1].first_seat} among {list(e[1].options)}, "
            f"drawn order {list(e[1].order)}"
        ),
    )


def _compare(
    report: Report,
    check: Check,
    what: str,
    theirs: Iterable[_E],
    mine: Iterable[_E],
    key: Callable[[_E], Hashable],
    show: Callable[[_E], str],
) -> None:
    """One finding per entry that differs, is missing or is extra (matched by `key`); when the
    entries agree but not their order (or one repeats), one finding for the list."""
    theirs, mine = list(theirs), list(mine)
    by_key: dict[Any, _E] = {key(e): e for e in theirs}
    mine_by_key: dict[Any, _E] = {key(e): e for e in mine}
    found = False
    for k, m in mine_by_key.items():
        t = by_key.get(k)
        if t is None:
            report.add(check, f"result.json {what} {_name(k)}", f"missing; expected {show(m)}")
        elif t != m:
            report.add(
                check, f"result.json {what} {_name(k)}", f"says {show(t)}; expected {show(m)}"
            )
        else:
            continue
        found = True
    for k, t in by_key.items():
        if k not in mine_by_key:
            report.add(check, f"result.json {what} {_name(k)}", f"says {show(t)}; there is none")
            found = True
    if not found and theirs != mine:
        report.add(check, f"result.json {what}", "entries out of order or repeated")


def _name(key: Hashable) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return " ".join(repr(p) for p in parts)
