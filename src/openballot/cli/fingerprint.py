"""The election fingerprint as officials publish it: printed whole, in groups of four hex
characters to be read aloud (as the cards and the booth show it), and as a QR code for the
posters at polling stations (docs/cli.md).

The poster's QR code holds the fingerprint and nothing else (128 lowercase hex characters),
not a booth address: a sticker over a poster could send voters to another site, but it cannot
make a bare fingerprint match the one the voter's booth and card show.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from openballot.cards.typeset import RenderError, fingerprint_lines, qr_png
from openballot.cli.private_files import refuse_existing
from openballot.record.files import fsync_directory

__all__ = ["POSTER_SCALE", "FingerprintPoster", "fingerprint_text", "publish_fingerprint"]

#: Pixels a module: a version 7 code (128 bytes at level M) is ~850 pixels wide.
POSTER_SCALE = 16


def fingerprint_text(fingerprint: bytes) -> list[str]:
    """The lines `open` prints: a heading, then the fingerprint, 8 groups of 4 a line."""
    return ["election fingerprint (publish it whole):", *fingerprint_lines(fingerprint.hex())]


def publish_fingerprint(
    get: Callable[[], bytes], qr: Path | None, done: str, say: Callable[[str], None]
) -> None:
    """Get the fingerprint (opening the election, or reading it), say `done` and print it;
    with `qr`, write the poster too (its place checked before `get` changes anything)."""
    poster = FingerprintPoster(qr) if qr is not None else None
    try:
        fingerprint = get()
    except BaseException:
        if poster is not None:
            poster.discard()
        raise
    for line in [done, *fingerprint_text(fingerprint)]:
        say(line)
    if poster is not None:
        poster.write(fingerprint)
        say(f"fingerprint QR code (for posters) in {qr}")


class FingerprintPoster:
    """A QR code PNG of the fingerprint, to be written at `path` once the fingerprint is
    known. Made before the election is opened: an existing file, an unwritable place or a
    missing segno is found before anything changes."""

    def __init__(self, path: Path) -> None:
        refuse_existing(path, "poster file")
        qr_png("0" * 128, POSTER_SCALE)  # RenderError now if segno is missing
        self.path = path
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        self.pending = Path(name)

    def write(self, fingerprint: bytes) -> None:
        try:
            self.pending.write_bytes(qr_png(fingerprint.hex(), POSTER_SCALE))
            self.pending.chmod(0o644)  # public: it goes on walls
            os.link(self.pending, self.path)  # never replaces a file made meanwhile
        except OSError as error:
            raise RenderError(
                f"{self.path}: {error.strerror}; the fingerprint is printed above, and "
                "`board fingerprint --qr FILE` writes the poster again"
            ) from None
        finally:
            self.discard()
        fsync_directory(self.path.parent)

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.pending.unlink()
