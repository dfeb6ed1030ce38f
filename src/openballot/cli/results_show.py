"""`openballot results RECORD`: combine the result if the record has none yet (the election
authority's step), else read it; then show it as text (ar, ku, en), JSON or NIST 1500-100.

Each output format is one entry of `FORMATS`, so that another (e.g. static HTML pages) is one
more function and one more name.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from rich.console import Console
from rich.text import Text

from openballot.cli import roles
from openballot.cli.output import err, out
from openballot.cli.record_bulletin import RecordBulletin
from openballot.cli.results_data import ResultView, decode_result_view, labelled_json
from openballot.cli.results_nist import nist_report
from openballot.cli.results_render import render_text
from openballot.cli.results_text import check_language, label_text, word
from openballot.election.context import ElectionContext
from openballot.errors import DecodeError, RecordError
from openballot.jsonfields import obj
from openballot.record.files import json_bytes, read_json
from openballot.record.layout import decoded

__all__ = [
    "FORMATS",
    "LoadedResult",
    "load_result",
    "show_results",
    "check_format",
    "json_text",
]


@dataclass(frozen=True, slots=True)
class LoadedResult:
    """The record's election, its result.json as read, the checked view of it, and whether
    this command combined it (else it was already there)."""

    ctx: ElectionContext
    value: dict[str, Any]
    view: ResultView
    combined: bool


def load_result(record: Path) -> tuple[LoadedResult, Path]:
    """Read the record's result.json; when there is none yet, first combine the trustees'
    decryptions into it (`roles.publish_result`, which checks each one)."""
    bulletin = RecordBulletin(record)
    ctx = bulletin.context()
    path = bulletin.layout.result
    combined = not path.exists()
    if combined and bulletin.layout.board.exists():
        # On a board the result is a message of its log: written here, it would be a file
        # that no leaf names, and the record would no longer be the board's.
        raise RecordError(
            f"{record}: a record exported from a board, with no result yet: the board "
            "publishes it (`openballot board result`); export the record again after that"
        )
    if combined:
        roles.publish_result(bulletin)
    value = read_json(path)
    view = decoded(path, value, lambda v: decode_result_view(ctx, v, "result"))
    return LoadedResult(ctx, obj(value, path.name), view, combined), path


def _json(loaded: LoadedResult, lang: str) -> Any:
    return labelled_json(loaded.ctx, loaded.value)


def _nist(loaded: LoadedResult, lang: str) -> Any:
    return nist_report(loaded.ctx, loaded.view)


#: --format NAME -> the JSON document it writes; None: text, rendered for a console.
FORMATS: Final[dict[str, Callable[[LoadedResult, str], Any] | None]] = {
    "text": None,
    "json": _json,
    "nist-1500-100": _nist,
}


# Characters a terminal acts on or that reorder a line (cli/output.py); JSON may spell any
# character as \uXXXX, so escaping them changes no value.
_UNSAFE_IN_JSON: Final = re.compile("[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(value: Any) -> str:
    """`value` as pretty JSON, UTF-8 text as it is except the characters that would act on a
    terminal showing it (a label's right-to-left override), which are written as escapes."""
    text = json_bytes(value).decode("utf-8")
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def check_format(name: str) -> str:
    if name not in FORMATS:
        raise DecodeError(f"--format {name!r}: expected one of {', '.join(FORMATS)}")
    return name


def show_results(record: Path, lang: str, fmt: str, out_file: Path | None) -> None:
    """The command: options are checked before the record is touched."""
    check_language(lang)
    check_format(fmt)
    if out_file is not None and not out_file.parent.is_dir():
        raise RecordError(f"--out {out_file}: {out_file.parent} is not a directory")
    loaded, path = load_result(record)
    note = "combined" if loaded.combined else "read"
    err.print(Text(word(lang, note, file=label_text(lang, str(path)))))
    document = FORMATS[fmt]
    if document is not None:
        data = json_text(document(loaded, lang))
        if out_file is None:
            out.file.write(data)
            out.file.flush()
        else:
            out_file.write_text(data, encoding="utf-8")
        return
    parts = render_text(loaded.ctx, loaded.view, lang)
    if out_file is None:
        for part in parts:
            out.print(part)
        return
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, color_system=None, soft_wrap=True)
    for part in parts:
        console.print(part)
    out_file.write_text(buffer.getvalue(), encoding="utf-8")
