"""Reading the command line's repeated options, the same for the record and board commands."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from openballot.errors import DecodeError

__all__ = [
    "CardWorkers",
    "CardsFile",
    "KeepCodes",
    "LinkFile",
    "RegisterFile",
    "parse_choices",
    "parse_voter_counts",
]

#: `credentials generate --keep-codes FILE` (`--codes` is its older name). For tests and
#: demos only: a real credential authority hands the codes out and keeps none (cli.md).
KeepCodes = Annotated[
    Path | None,
    typer.Option(
        "--keep-codes",
        "--codes",
        help="TESTS AND DEMOS ONLY: keep every voter's code in this private file (0600). "
        "Whoever holds a code can vote for its voter.",
    ),
]

#: `credentials register`'s files (docs/cards.md), the same for a record and a board.
RegisterFile = Annotated[
    Path,
    typer.Argument(
        metavar="REGISTER",
        help="The voter register: CSV, UTF-8, header voter_id,district,language[,name][,contact].",
    ),
]
CardsFile = Annotated[
    Path, typer.Option("--cards", help="The voting cards PDF to create (0600: it holds codes).")
]
LinkFile = Annotated[
    Path,
    typer.Option("--link", help="The register link to create: CSV of voter id to card serial."),
]
CardWorkers = Annotated[
    int, typer.Option("--workers", min=0, help="Processes laying out cards; 0 = all cores.")
]


def parse_voter_counts(items: Sequence[str]) -> dict[str, int]:
    """``DISTRICT=COUNT`` items, each district once."""
    counts: dict[str, int] = {}
    for item in items:
        d, _, n = item.partition("=")
        if not n.isdigit():
            raise DecodeError(f"--voters {item!r}: expected DISTRICT=COUNT")
        if d in counts:
            raise DecodeError(f"--voters: district {d!r} is given twice")
        counts[d] = int(n)
    return counts


def parse_choices(items: Sequence[str]) -> dict[str, list[str]]:
    """``contest=opt1,opt2`` items; ``contest=`` is a blank vote in that contest."""
    choices: dict[str, list[str]] = {}
    for item in items:
        contest, sep, options = item.partition("=")
        if not sep or not contest:
            raise DecodeError(f"choice {item!r}: expected CONTEST=OPTION[,OPTION...]")
        choices[contest] = [o for o in options.split(",") if o]
    return choices
