"""What every command prints: the consoles, and one line and exit code 2 on failure.

Text printed here comes in part from boards, records and other parties' files (problem
details, labels, trustee names, findings, file names). A terminal obeys the control sequences
in such text: "\\r\\x1b[2K receipt verified" would overwrite a failed cast's error with a
lie. So both consoles print every string through `printable`, which escapes them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from openballot.errors import OpenBallotError

__all__ = ["out", "err", "fails_cleanly", "printable"]

# C0 and C1 controls and DEL (a terminal acts on them), and the bidirectional embeddings,
# overrides and isolates (they reorder what follows them on the line).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    c = ord(match.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`, `\\u202e`): what
    reaches the terminal is exactly the characters shown."""
    return _UNSAFE.sub(_escape, text)


class _Console(Console):
    """A console that passes every string it prints through `printable` (renderables such
    as tables hold manifest labels, which refuse control characters when decoded)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(printable(o) if isinstance(o, str) else o for o in objects), **kwargs)


# soft_wrap: an error or a finding stays on one line whatever the width (grep, logs).
out: Console = _Console(soft_wrap=True)
err: Console = _Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


def fails_cleanly(fn: F) -> F:
    """Turn an expected failure into one line on stderr and exit code 2; files stay as they
    were because every step checks before it writes."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except OpenBallotError as exc:
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except OSError as exc:
            err.print(f"error: {exc.filename or ''}: {exc.strerror}", markup=False, highlight=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
