"""Reading printed voting cards back as a person or a mail house would: poppler's pdfinfo,
pdftotext and pdftoppm, and zbarimg for the QR code. One home for the card tests, the
register tests (record and board mode) and the console's end-to-end election."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

__all__ = ["run", "page_count", "page_text", "page_png", "qr_text", "page_qr", "squeeze"]


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    found = re.search(r"^Pages:\s+(\d+)$", run("pdfinfo", str(pdf)), re.M)
    assert found, "pdfinfo gave no page count"
    return int(found[1])


def page_text(pdf: Path, page: int) -> str:
    return run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-")


def page_png(pdf: Path, page: int, prefix: Path, dpi: int = 150) -> Path:
    """Page `page` of `pdf` as a PNG at `prefix`.png."""
    run("pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
        str(pdf), str(prefix))
    return prefix.with_suffix(".png")


def qr_text(png: Path) -> str:
    return run("zbarimg", "--raw", "-q", str(png)).rstrip("\n")


def page_qr(pdf: Path, page: int, work: Path) -> str:
    """What the QR code on page `page` says."""
    return qr_text(page_png(pdf, page, work / f"card-{page}"))


def squeeze(text: str) -> str:
    """Text without whitespace and direction marks: pdftotext wraps right-to-left runs in
    embeddings and moves spaces around the punctuation between words, while keeping the
    order of the words."""
    return re.sub(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
