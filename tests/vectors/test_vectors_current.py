"""The shared vectors (protocol.json) are what the Python code makes today: the generator's
check mode, run as a script, passes on the committed file and fails on a tampered copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent / "make_protocol_vectors.py"
VECTORS = GENERATOR.parent / "protocol.json"


def check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--file", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_protocol_vectors_are_current() -> None:
    run = check(VECTORS)
    assert run.returncode == 0, (
        f"{run.stderr}\nregenerate: python tests/vectors/make_protocol_vectors.py"
    )


def test_the_check_fails_on_a_tampered_copy(tmp_path: Path) -> None:
    text = VECTORS.read_text(encoding="utf-8")
    # The booth would then read U+2213 (minus-or-plus) as a dash, and U+2212 not at all.
    tampered = text.replace('"2212"', '"2213"', 1)
    assert tampered != text
    copy = tmp_path / "protocol.json"
    copy.write_text(tampered, encoding="utf-8")
    run = check(copy)
    assert run.returncode == 1, run.stderr
    assert "out of date" in run.stderr
