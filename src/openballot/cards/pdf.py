"""Write voting cards to one PDF: worker processes lay out chunks, qpdf joins them.

A register is read a chunk at a time; each chunk is laid out by Typst in a worker process
(all cores by default) into a private file next to the output, and qpdf joins their pages
into the final file. Workers are replaced every few chunks, since Typst keeps every layout
it made in memory for the life of its process. Measured figures: docs/cards.md.

The result appears only whole: it is written to a temporary file that is renamed into place,
and any failure removes every file this made. The files hold voters' secret codes: they are
created readable by their owner only.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from openballot.cards.card import VotingCard
from openballot.cards.typeset import (
    DEBIAN_FONT_DIRS,
    RenderError,
    check_fonts,
    chunk_data,
    compile_chunk,
)

__all__ = ["CHUNK", "CHUNKS_PER_WORKER", "write_cards"]

#: Cards laid out by one Typst compilation.
CHUNK = 250
#: Chunks a worker lays out before it is replaced (its memory grows ~0.5 MB a card).
CHUNKS_PER_WORKER = 4


def _qpdf_path() -> str:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        raise RenderError("voting cards need qpdf to join pages (Debian: qpdf)")
    return qpdf


def _qpdf(*args: str) -> str:
    done = subprocess.run([_qpdf_path(), *args], capture_output=True, text=True, check=False)
    # --warning-exit-0 turns qpdf's 3 ("succeeded with warnings") into 0.
    if done.returncode != 0:
        raise RenderError(f"qpdf failed ({done.returncode}): {done.stderr.strip()[:500]}")
    return done.stdout


def _batches(cards: Iterable[VotingCard], size: int) -> Iterator[list[VotingCard]]:
    it = iter(cards)
    while batch := list(itertools.islice(it, size)):
        for card in batch:
            if not isinstance(card, VotingCard):
                raise TypeError(f"expected a VotingCard, got {type(card).__name__}")
        yield batch


def _render_part(
    data: str, first: str, font_dirs: tuple[Path, ...], root: Path, part: Path
) -> None:
    """In a worker: lay out one chunk into `part`, a new file readable by its owner only."""
    pdf = compile_chunk(data, first, font_dirs, root)
    with open(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(pdf)


def _render_parts(
    cards: Iterable[VotingCard],
    work: Path,
    chunk: int,
    workers: int,
    font_dirs: tuple[Path, ...],
) -> tuple[list[Path], int]:
    root = work / "root"
    root.mkdir()
    check_fonts(font_dirs, root)
    parts: list[Path] = []
    count = 0
    # "spawn": Typst runs threads of its own, which a forked child would not have.
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        max_tasks_per_child=CHUNKS_PER_WORKER,
    )
    pending: deque[Future[None]] = deque()
    try:
        for batch in _batches(cards, chunk):
            part = work / f"{len(parts):07d}.pdf"
            args = (chunk_data(batch), batch[0].serial, font_dirs, root, part)
            pending.append(pool.submit(_render_part, *args))
            parts.append(part)
            count += len(batch)
            # A bounded window: the register is never all in memory.
            while len(pending) > 2 * workers:
                pending.popleft().result()
        while pending:
            pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return parts, count


def _join(parts: Sequence[Path], work: Path, target: Path) -> None:
    # An argument file keeps the command line short however many chunks there are.
    args = work / "qpdf-args"
    lines = ["--empty", "--deterministic-id", "--warning-exit-0", "--pages"]
    args.write_text("\n".join([*lines, *map(str, parts), "--", str(target)]) + "\n")
    _qpdf(f"@{args}")


def write_cards(
    cards: Iterable[VotingCard],
    out: Path,
    *,
    chunk: int = CHUNK,
    workers: int | None = None,
    font_dirs: Sequence[Path] = DEBIAN_FONT_DIRS,
) -> int:
    """Write `cards` to the PDF `out`, one card a page in the order given; return the count.

    `cards` is read once, a chunk at a time, so it may be a generator over a large register.
    `workers` processes lay out chunks (default: one a core). `out` is replaced atomically;
    if anything fails (a card that does not validate, a tool or font that is missing, a full
    disk) `out` is left as it was and no temporary file remains.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    workers = workers or os.cpu_count() or 1
    _qpdf_path()  # before any work: a missing tool is found now, not after the layout
    out = Path(out)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as work:
            parts, count = _render_parts(cards, Path(work), chunk, workers, tuple(font_dirs))
            if count == 0:
                raise RenderError(f"{out}: no voting cards to write")
            _join(parts, Path(work), tmp)
        pages = int(_qpdf("--show-npages", str(tmp)))
        if pages != count:
            raise RenderError(f"{out}: {count} cards laid out on {pages} pages (one overflowed)")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        directory = os.open(out.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return count
