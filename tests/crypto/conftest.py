"""The `ceremony` fixture: an honest key ceremony (openballot.testing.run_key_ceremony), run
once per (n, t) and shared by the key-ceremony and threshold tests (hypothesis would otherwise
rerun it for every example).

Tests do not import from here; they reach the ceremony only through the fixture."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest

from openballot.testing import KeyCeremony, run_key_ceremony


@cache
def run_ceremony(n: int, t: int) -> KeyCeremony:
    return run_key_ceremony(n, t, ("ceremony", b"manifest digest", n, t))


@pytest.fixture(scope="session")
def ceremony() -> Callable[[int, int], KeyCeremony]:
    return run_ceremony
