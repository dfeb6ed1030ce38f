"""A voter register: the CSV file the credential authority turns into voting cards.

UTF-8 (a byte order mark is allowed and skipped), comma-separated, a header row first, with
the columns ``voter_id``, ``district`` and ``language`` and optionally ``name`` and
``contact``, in any order (docs/cards.md). The register is read whole before anything is
made from it, and refused whole: every problem is collected with its line number (up to
`MAX_ERRORS` of them, then a count of the rest), so one run shows an official everything to
fix.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openballot.cards.card import LANGUAGES, check_text
from openballot.errors import OpenBallotError

__all__ = ["MAX_ERRORS", "COLUMNS", "RegisterError", "Voter", "read_register", "parse_register"]

#: Problems listed before the rest are only counted.
MAX_ERRORS = 50
#: The columns a register must have, then those it may have.
REQUIRED = ("voter_id", "district", "language")
OPTIONAL = ("name", "contact")
COLUMNS = REQUIRED + OPTIONAL
# A voter id goes into the link file that the mailing office opens in a spreadsheet: ASCII
# letters, digits and . _ / - only, never a leading "=", "+", "-" or "@" read as a formula.
_VOTER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_LONGEST_CONTACT = 200


class RegisterError(OpenBallotError):
    """The register was refused; `problems` are its lines' problems, each naming its line."""

    def __init__(self, path: object, problems: Sequence[str], more: int = 0) -> None:
        self.problems = tuple(problems)
        self.more = more
        listed = "; ".join(self.problems)
        rest = f"; and {more} more" if more else ""
        total = len(self.problems) + more
        super().__init__(
            f"{path}: register refused, {total} problem{'s' if total != 1 else ''}: {listed}{rest}"
        )


@dataclass(frozen=True, slots=True)
class Voter:
    """One row of a register: what a card needs (the contact stays in the register)."""

    line: int
    voter_id: str
    district: str
    language: str
    name: str | None


class _Problems:
    def __init__(self) -> None:
        self.listed: list[str] = []
        self.more = 0

    def add(self, line: int, message: str) -> None:
        if len(self.listed) < MAX_ERRORS:
            self.listed.append(f"line {line}: {message}")
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.listed)


def _decoded_lines(raw: Iterable[bytes], problems: _Problems) -> Iterator[str]:
    """The register's lines as text; a line that is not UTF-8 is a problem (and is read with
    replacement characters, so the lines after it are still checked)."""
    for number, line in enumerate(raw, 1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.add(number, f"not UTF-8 (byte {error.start + 1} of the line)")
            yield line.decode("utf-8", errors="replace")


def _header(row: list[str], problems: _Problems) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for i, name in enumerate(row):
        if name not in COLUMNS:
            problems.add(1, f"unknown column {name!r} (expected {', '.join(COLUMNS)})")
        elif name in columns:
            problems.add(1, f"column {name!r} appears twice")
        columns[name] = i
    for name in REQUIRED:
        if name not in columns:
            problems.add(1, f"missing column {name!r} (the header row comes first)")
    return None if problems else columns


def _voter(
    line: int, cells: list[str], columns: dict[str, int], districts: Sequence[str], p: _Problems
) -> Voter | None:
    before = len(p.listed) + p.more
    if len(cells) != len(columns):
        p.add(line, f"expected {len(columns)} columns, found {len(cells)}")
        return None
    cell = {name: cells[i] for name, i in columns.items()}
    for name in REQUIRED:
        if not cell[name].strip():
            p.add(line, f"{name} is empty")
    voter_id, district, language = cell["voter_id"], cell["district"], cell["language"]
    if voter_id.strip() and not _VOTER_ID.fullmatch(voter_id):
        p.add(
            line,
            f"voter_id {voter_id[:70]!r} is not 1 to 64 of A-Z, a-z, 0-9, '.', '_', '/', '-' "
            "starting with a letter or digit",
        )
    if district.strip() and district not in districts:
        p.add(line, f"unknown district {district[:70]!r} (expected one of {', '.join(districts)})")
    if language.strip() and language not in LANGUAGES:
        p.add(line, f"unknown language {language[:20]!r} (expected one of {', '.join(LANGUAGES)})")
    voter_name = cell.get("name") or None
    if voter_name is not None:
        try:
            check_text(voter_name, "name", 60)
        except OpenBallotError as error:
            p.add(line, str(error))
    contact = cell.get("contact")
    if contact:
        try:
            check_text(contact, "contact", _LONGEST_CONTACT)
        except OpenBallotError as error:
            p.add(line, str(error))
    if len(p.listed) + p.more != before:
        return None
    return Voter(line, voter_id, district, language, voter_name)


def parse_register(raw: Iterable[bytes], districts: Sequence[str], where: object) -> list[Voter]:
    """The voters of a register given as its lines of bytes (`open(path, "rb")`), in the order
    of the file; raise RegisterError listing every problem, with its line number."""
    problems = _Problems()
    reader = csv.reader(_decoded_lines(raw, problems), strict=True)
    columns: dict[str, int] | None = None
    voters: list[Voter] = []
    first_line: dict[str, int] = {}
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row:
                continue  # an empty line holds no voter
            if columns is None:
                columns = _header(row, problems)
                if columns is None:
                    break  # without a header, no row can be read
                continue
            voter = _voter(line, row, columns, districts, problems)
            # A repeated id is named even on a line with other problems.
            voter_id = row[columns["voter_id"]] if len(row) == len(columns) else ""
            seen = first_line.setdefault(voter_id, line) if voter_id.strip() else line
            if seen != line:
                problems.add(line, f"voter_id {voter_id[:70]!r} is also on line {seen}")
            elif voter is not None:
                voters.append(voter)
    except csv.Error as error:
        # A quote left open swallows the rest of the file: nothing after it can be read.
        problems.add(start, f"not CSV ({error})")
    if columns is None and not problems:
        problems.add(1, "no header row (voter_id,district,language[,name][,contact])")
    elif not voters and not problems:
        problems.add(start, "no voters")
    if problems:
        raise RegisterError(where, problems.listed, problems.more)
    return voters


def read_register(path: Path, districts: Sequence[str]) -> list[Voter]:
    """The voters of the register file `path`; see `parse_register`."""
    # A binary file's lines end at "\n" only (csv drops the "\r" of "\r\n"), so a line number
    # is what an editor shows.
    with open(path, "rb") as f:
        return parse_register(f, districts, path)
