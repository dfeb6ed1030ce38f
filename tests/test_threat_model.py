"""docs/threat-model.md: enough rows, and every test it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "threat-model.md"
#: `tests/x/test_y.py::test_z[param]`, or `::test_z` continuing the file named before it.
REFERENCE = re.compile(r"`((?:tests|web/test)/[\w/.-]+)?(?:::(\w+)(?:\[[^\]]*\])?)?`")


def rows() -> list[str]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("| ") and not line.startswith("| ---")][1:]


def test_the_threat_model_has_at_least_25_attacks() -> None:
    assert len(rows()) >= 25


def test_every_attack_names_who_what_and_a_test_that_exists() -> None:
    missing = []
    for row in rows():
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 4 and all(cells), f"row without four filled cells: {row[:80]}"
        current: Path | None = None
        named = 0
        for path, name in REFERENCE.findall(cells[3]):
            if path:
                current = ROOT / path
                named += 1
                if not current.exists():
                    missing.append(path)
                    continue
            if name:
                assert current is not None, f"`::{name}` before any file: {row[:80]}"
                named += 1
                if current.suffix == ".py" and not re.search(
                    rf"^\s*(async )?def {name}\b", current.read_text(), re.M
                ):
                    missing.append(f"{current.relative_to(ROOT)}::{name}")
        assert named, f"no test named: {row[:80]}"
    assert not missing, f"tests named in threat-model.md that do not exist: {missing}"
