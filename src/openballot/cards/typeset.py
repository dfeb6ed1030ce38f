"""Lay out one chunk of voting cards with Typst: the data a page needs, the fonts, the QR code.

Runs in the worker processes of `pdf.write_cards`: Typst memoizes every layout it has done for
the life of a process (~0.5 MB a card here, never evicted by the Python binding), so a worker
is replaced after a few chunks and memory stays bounded.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from openballot.cards.card import VotingCard
from openballot.cards.template import FONT_FAMILIES, SOURCE
from openballot.cards.texts import TEXTS
from openballot.errors import OpenBallotError

__all__ = [
    "DEBIAN_FONT_DIRS",
    "RenderError",
    "chunk_data",
    "compile_chunk",
    "fingerprint_lines",
    "qr_png",
]

#: Debian's fonts-noto-core and fonts-dejavu-core; no font is fetched at run time.
DEBIAN_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
_SOURCE = SOURCE.encode()
#: Characters of the address a line under the QR code (7 pt monospace in 44 mm).
ADDRESS_WIDTH = 29


class RenderError(OpenBallotError):
    """The cards could not be rendered (a missing tool or font, or a layout that failed)."""


def _typst() -> Any:
    try:
        import typst
    except ImportError:
        raise RenderError(
            "voting cards need the typst and segno packages: pip install 'openballot[cards]'"
        ) from None
    return typst


@functools.lru_cache(maxsize=8)
def qr_png(url: str, scale: int = 8) -> bytes:
    """The QR code of `url`: a 1-bit PNG, `scale` pixels a module (8: ~300 dpi at the card's
    44 mm; a poster asks for more).

    Every card of an election has the same address (the code is never in it), so it is made
    once (choosing the mask costs ~13 ms) and Typst embeds it once a chunk. An SVG would be
    drawn anew on every page: 4.5 KB and 0.5 ms a card more, measured. The template sets it
    `pixelated`, so no viewer or printer blurs the modules."""
    try:
        import segno
    except ImportError:
        raise RenderError("voting cards need segno: pip install 'openballot[cards]'") from None
    buffer = io.BytesIO()
    # Level M survives a smudge or a fold; segno raises it further when that fits for free.
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _address(url: str) -> str:
    """What a voter without a camera types: the address without the fingerprint pin (the
    voter compares the fingerprint by eye, step 2 of the card)."""
    base, _, query = url.partition("?")
    kept = [p for p in query.split("&") if not p.startswith("fingerprint=")]
    return base + ("?" + "&".join(kept) if kept else "")


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken after the last '/', '?' or '&' that fits,
    else anywhere (an address has no spaces; a long election id has no break at all)."""
    lines = []
    while len(text) > width:
        after_scheme = text.find("://") + 3  # never "https://" alone on a line
        cut = max(text.rfind(c, after_scheme, width) for c in "/?&") + 1 or width
        lines.append(text[:cut])
        text = text[cut:]
    return [*lines, text]


def fingerprint_lines(hex_: str) -> list[str]:
    """Groups of 4, as the booth shows it (web/src/format.js groupHex), 8 groups a line: how
    a card prints the fingerprint and `board open` prints it to be read aloud."""
    groups = [hex_[i : i + 4] for i in range(0, len(hex_), 4)]
    return [" ".join(groups[i : i + 8]) for i in range(0, len(groups), 8)]


@functools.cache
def _texts(language: str) -> dict[str, Any]:
    return asdict(TEXTS[language])


def chunk_data(cards: Sequence[VotingCard]) -> str:
    """The JSON the template reads (`sys.inputs.data`) for these cards."""
    urls = sorted({c.booth_url for c in cards})
    return json.dumps(
        {
            "texts": {lang: _texts(lang) for lang in sorted({c.language for c in cards})},
            # Typst takes bytes as an array of numbers in JSON; a few hundred bytes an address.
            "qr": {url: list(qr_png(url)) for url in urls},
            "cards": [
                {
                    "lang": c.language,
                    "serial": c.serial,
                    "title": c.election_title,
                    "district": c.district_label,
                    "voter": c.voter_name,
                    "code": c.code,
                    "url": c.booth_url,
                    "address": _wrap(_address(c.booth_url), ADDRESS_WIDTH),
                    "fingerprint": fingerprint_lines(c.fingerprint_hex),
                }
                for c in cards
            ],
        },
        ensure_ascii=False,
    )


@functools.lru_cache(maxsize=2)
def _compiler(font_dirs: tuple[Path, ...], root: Path) -> Any:
    typst = _typst()
    fonts = typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(d) for d in font_dirs],
    )
    missing = sorted(set(FONT_FAMILIES) - set(fonts.families()))
    if missing:
        raise RenderError(
            f"voting cards: fonts {', '.join(missing)} not found in "
            f"{', '.join(map(str, font_dirs))} (Debian: fonts-noto-core, fonts-dejavu-core)"
        )
    # The root is an empty private directory: the template reads no file.
    return typst.Compiler(root=str(root), font_paths=fonts, ignore_system_fonts=True)


def check_fonts(font_dirs: tuple[Path, ...], root: Path) -> None:
    """Raise RenderError now if Typst or a font is missing (before any worker starts)."""
    _compiler(font_dirs, root)


def compile_chunk(data: str, first_serial: str, font_dirs: tuple[Path, ...], root: Path) -> bytes:
    """The PDF of one chunk, from `chunk_data`; one card a page."""
    compiler = _compiler(font_dirs, root)
    try:
        # The source goes with every call: a Compiler made with bytes compiles them only once.
        pdf: bytes = compiler.compile(
            input=_SOURCE, format="pdf", sys_inputs={"data": data}, pdf_tags=False
        )
    except _typst().TypstError as error:
        raise RenderError(f"voting cards from {first_serial}: layout failed: {error}") from None
    return pdf
