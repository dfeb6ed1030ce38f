"""Voting cards per second: a register of N voters rendered to one PDF by write_cards.

    .venv/bin/python bench/bench_cards.py [--cards 1000] [--chunk 500] [--json]

The register is made on the fly (a generator, as a register file would be read): every third
card in each language, a few districts, a fresh code per card, one booth address. Reports the
cards per second (wall clock, and per CPU second of all processes), the peak resident memory
of the largest process (a Typst worker, or qpdf joining the chunks) and of this one, and the
PDF bytes per card. With --json the last line is one JSON object of these figures.

The PDF is written to a temporary directory and removed: it holds the generated codes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from openballot.cards import VotingCard, booth_link, write_cards
from openballot.cards.pdf import CHUNK
from openballot.election.credentials import new_code

TITLES = {
    "ar": "انتخابات مجلس الشعب ٢٠٢٦",
    "ku": "Hilbijartina Meclisa Gel 2026",
    "en": "People's Assembly Election 2026",
}
DISTRICTS = {
    "ar": ["حلب – الدائرة الأولى", "دمشق", "القامشلي", "المغتربون – أوروبا"],
    "ku": ["Heleb – herêma yekem", "Şam", "Qamişlo", "Diyaspora – Ewropa"],
    "en": ["Aleppo – first district", "Damascus", "Qamishli", "Abroad – Europe"],
}
FINGERPRINT = "5e0c3a9b7d21f48e" * 8


def register(n: int) -> Iterator[VotingCard]:
    url = booth_link("https://vote.example.org/booth", "parliament-2026", FINGERPRINT)
    for i in range(n):
        lang = ("ar", "ku", "en")[i % 3]
        district = DISTRICTS[lang][(i // 3) % 4]
        yield VotingCard(
            f"PA26-{i:07d}", lang, TITLES[lang], district, new_code(), url, FINGERPRINT
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=CHUNK)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-cards-") as work:
        out = Path(work, "cards.pdf")
        cpu0, wall0 = time.process_time(), time.perf_counter()
        count = write_cards(register(args.cards), out, chunk=args.chunk)
        wall = time.perf_counter() - wall0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time() - cpu0 + children.ru_utime + children.ru_stime
        size = out.stat().st_size
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "cards": count,
        "chunk": args.chunk,
        "seconds": round(wall, 2),
        "cards_per_s": round(count / wall, 1),
        "cpu_seconds": round(cpu, 2),
        "cards_per_cpu_s": round(count / cpu, 1),
        # The largest of this process, a worker (Typst) and qpdf: each is measured on its own,
        # and up to one a core run at once.
        "peak_rss_mib": round(max(self_rss, children.ru_maxrss / 1024), 1),
        "main_peak_rss_mib": round(self_rss, 1),
        "pdf_bytes_per_card": round(size / count),
        "cores": os.cpu_count(),
    }
    for name, value in figures.items():
        print(f"{name:>20}  {value}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
