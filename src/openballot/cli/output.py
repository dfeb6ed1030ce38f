"""What every command prints: the consoles, and one line and exit code 2 on failure."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from openballot.errors import OpenBallotError

__all__ = ["out", "err", "fails_cleanly"]

# soft_wrap: an error or a finding stays on one line whatever the width (grep, logs).
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
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
