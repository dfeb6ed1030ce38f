"""Printed voting cards: one PDF, one card a page, in the voter's language.

A card holds the election title, the voter's home district, the voter's secret code, a serial,
the election fingerprint and a QR code that opens the booth with the election and the
fingerprint pinned (never the code), and short instructions. See docs/cards.md.

Rendering needs the `cards` extra (typst, segno) and Debian's qpdf, fonts-noto-core and
fonts-dejavu-core; building a `VotingCard` needs none of them.
"""

from openballot.cards.card import LANGUAGES, VotingCard, booth_link
from openballot.cards.pdf import write_cards
from openballot.cards.texts import TEXTS, CardTexts
from openballot.cards.typeset import RenderError

__all__ = [
    "LANGUAGES",
    "TEXTS",
    "CardTexts",
    "RenderError",
    "VotingCard",
    "booth_link",
    "write_cards",
]
