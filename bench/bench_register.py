"""`credentials register` end to end: a register of N voters read, N codes and public
credentials made, N cards laid out, the credentials published, the files named.

    .venv/bin/python bench/bench_register.py [--voters 1000] [--workers 0] [--json]

The election is the demo manifest (two districts) with a key ceremony of 2 trustees on a
record in a temporary folder; the register (CSV) has the three languages in turn and a name
on every other line. Reports the wall time, the cards per second (wall, and per CPU second of
all processes: the figure per core), the time to read the register alone, the peak resident
memory of this process and of the largest child (a Typst worker or qpdf), and the PDF bytes a
card. With --json the last line is one JSON object of these figures.

Measured on this project's machine (2 cores, shared: load average 9 to 22 during the run), at
--voters 100000 (docs/cards.md, "Measured"): 1,849 s wall (54 cards/s), 466 CPU s of all
processes (214 cards per CPU second, i.e. per core), this process at most 139 MiB, the largest
child 1.9 GiB (qpdf joining 400 chunks), 4,229 PDF bytes a card, the register read in 1.6 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from openballot.cards.register import read_register
from openballot.cli import steps
from openballot.cli.demo import demo_manifest_path
from openballot.cli.record_bulletin import RecordBulletin
from openballot.cli.register import register_voters

NAMES = {"ar": "ليلى حداد", "ku": "Dîlan Şêxo", "en": "Layla Haddad"}


def ceremony(root: Path) -> Path:
    record, secrets = root / "record", root / "secrets"
    steps.new_election(record, demo_manifest_path(), 2, 2)
    for i in (1, 2):
        steps.trustee_keygen(record, i, f"Trustee {i}", secrets / f"{i}.secret")
    for i in (1, 2):
        steps.trustee_reveal(record, secrets / f"{i}.secret")
    for i in (1, 2):
        steps.trustee_exchange(record, secrets / f"{i}.secret")
    for i in (1, 2):
        steps.trustee_finish(record, secrets / f"{i}.secret", secrets / f"{i}.share")
    return record


def write_register(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("voter_id,district,language,name\n")
        for i in range(n):
            lang = ("ar", "ku", "en")[i % 3]
            name = NAMES[lang] if i % 2 else ""
            f.write(f"V{i:09d},{('north', 'south')[(i // 3) % 2]},{lang},{name}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=0, help="0 = one a core")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-register-") as work:
        root = Path(work)
        record = ceremony(root)
        register = root / "register.csv"
        write_register(register, args.voters)
        t0 = time.perf_counter()
        read_register(register, ("north", "south"))
        read_s = time.perf_counter() - t0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        done = register_voters(
            RecordBulletin(record),
            register,
            root / "cards.pdf",
            root / "link.csv",
            "https://vote.example.org/booth/",
            workers=args.workers or None,
        )
        wall = time.perf_counter() - wall0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time() - cpu0 + children.ru_utime + children.ru_stime
        size = done.cards.stat().st_size
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "voters": done.voters,
        "seconds": round(wall, 2),
        "cards_per_s": round(done.voters / wall, 1),
        "cpu_seconds": round(cpu, 2),
        "cards_per_cpu_s": round(done.voters / cpu, 1),
        "read_register_s": round(read_s, 3),
        "main_peak_rss_mib": round(self_rss, 1),
        "child_peak_rss_mib": round(children.ru_maxrss / 1024, 1),
        "pdf_bytes_per_card": round(size / done.voters),
        "workers": args.workers or os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }
    for name, value in figures.items():
        print(f"{name:>20}  {value}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
