"""A voting card: what the credential authority prints for one voter, checked when built.

The card carries the voter's secret code and a QR code of the booth's address. The address
pins the election and its fingerprint and nothing else: a code in an address would end up in
browser histories, server logs and the photos people take of a QR code, so a card whose
address holds its code in any spelling is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

from openballot.election.credentials import normalize_code
from openballot.election.manifest import REQUIRED_LANGUAGES
from openballot.errors import ProtocolError

__all__ = ["LANGUAGES", "VotingCard", "booth_link", "check_text"]

#: The languages a card is printed in: those every manifest must have.
LANGUAGES = REQUIRED_LANGUAGES

_SERIAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,23}")
_FINGERPRINT = re.compile(r"[0-9a-f]{128}")
# The manifest's id rule (election/manifest.py), which the booth applies to ?election= too.
_ELECTION_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# Bidirectional embeddings, overrides and isolates could make a printed title or name read
# differently from the text that was checked; marks (LRM, RLM, ZWJ, ZWNJ) are harmless.
_BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
_UNPRINTABLE = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
# What a code reads as (credentials.py): the haystack is mapped so that an address that
# spells the code with look-alikes is caught as well.
_READS_AS = str.maketrans("OILU", "011V")
_MAX_URL = 512


def check_text(value: object, what: str, longest: int) -> str:
    """`value` if it is printable text of at most `longest` characters (a register's names are
    checked by this rule when it is read, long before a card is built)."""
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError(f"{what}: expected non-empty text, got {value!r}")
    if value != value.strip():
        raise ProtocolError(f"{what}: {value!r} has leading or trailing spaces")
    if len(value) > longest:
        raise ProtocolError(f"{what}: expected at most {longest} characters, got {len(value)}")
    for c in value:
        if c in _BIDI_CONTROLS or unicodedata.category(c) in _UNPRINTABLE:
            raise ProtocolError(f"{what}: contains the control character U+{ord(c):04X}")
    return value


def _spells_code(text: str, code: str) -> bool:
    """Whether `text` holds the 20 characters of `code` (normalized), however it is
    percent-encoded, cased, spaced or dashed."""
    for _ in range(3):
        text = unquote_plus(text)
    squeezed = "".join(c for c in text.upper() if c.isascii() and c.isalnum())
    return code in squeezed.translate(_READS_AS)


def booth_link(booth: str, election_id: str, fingerprint_hex: str) -> str:
    """The address a card's QR code opens: the booth page with the election and its
    fingerprint pinned (`BOOTH?election=ID&fingerprint=HEX`)."""
    parts = urlsplit(booth)
    if parts.query or parts.fragment:
        raise ProtocolError(f"booth address {booth!r}: expected no query and no fragment")
    query = urlencode([("election", election_id), ("fingerprint", fingerprint_hex)])
    return f"{booth}?{query}"


def _check_url(url: object, fingerprint_hex: str, what: str) -> str:
    if not isinstance(url, str) or not url.isascii() or not url.isprintable() or " " in url:
        raise ProtocolError(f"{what}: expected an address of printable ASCII, got {url!r}")
    if len(url) > _MAX_URL:
        raise ProtocolError(f"{what}: expected at most {_MAX_URL} characters, got {len(url)}")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ProtocolError(f"{what}: expected an https:// (or http://) address, got {url!r}")
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise ProtocolError(f"{what}: an address with a user, a password or a fragment")
    try:
        params = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise ProtocolError(f"{what}: malformed query in {url!r}") from None
    names = sorted(name for name, _ in params)
    if names != ["election", "fingerprint"]:
        raise ProtocolError(
            f"{what}: expected exactly the parameters election and fingerprint, got {names}"
        )
    values = dict(params)
    if not _ELECTION_ID.fullmatch(values["election"]):
        raise ProtocolError(f"{what}: election={values['election']!r} is not an election id")
    if values["fingerprint"] != fingerprint_hex:
        raise ProtocolError(f"{what}: its fingerprint is not the card's fingerprint")
    return url


@dataclass(frozen=True, slots=True)
class VotingCard:
    """One printed card, in one language.

    `code` is the voter's secret credential code in its printed form
    (``7KQ2M-X0HVA-PD3RT-9WZ4B``, check character included); `booth_url` is what the QR code
    holds (see `booth_link`); `fingerprint_hex` is the election fingerprint F, 128 lowercase
    hex characters. `voter_name` is printed only when given.
    """

    serial: str
    language: str
    election_title: str
    district_label: str
    code: str
    booth_url: str
    fingerprint_hex: str
    voter_name: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.serial, str) or not _SERIAL.fullmatch(self.serial):
            raise ProtocolError(
                f"voting card: serial {self.serial!r} is not 1 to 24 of A-Z, a-z, 0-9, "
                "'.', '_', '/', '-' starting with a letter or digit"
            )
        what = f"voting card {self.serial}"
        if self.language not in LANGUAGES:
            raise ProtocolError(
                f"{what}: language {self.language!r} is not one of {', '.join(LANGUAGES)}"
            )
        check_text(self.election_title, f"{what}: election title", 100)
        check_text(self.district_label, f"{what}: district", 60)
        if self.voter_name is not None:
            check_text(self.voter_name, f"{what}: voter name", 60)
        if not isinstance(self.fingerprint_hex, str) or not _FINGERPRINT.fullmatch(
            self.fingerprint_hex
        ):
            raise ProtocolError(f"{what}: fingerprint: expected 128 lowercase hex characters")
        try:
            chars = normalize_code(self.code) if isinstance(self.code, str) else ""
        except ProtocolError as error:
            raise ProtocolError(f"{what}: {error}") from None
        printed = "-".join(chars[i : i + 5] for i in range(0, 20, 5))
        if self.code != printed:
            # Never echo a code in a message: messages end up in logs.
            raise ProtocolError(f"{what}: code: expected the printed form XXXXX-XXXXX-XXXXX-XXXXX")
        if isinstance(self.booth_url, str) and _spells_code(self.booth_url, chars):
            raise ProtocolError(f"{what}: the booth address contains the voter's code")
        _check_url(self.booth_url, self.fingerprint_hex, f"{what}: booth address")
        if _spells_code(self.serial, chars):
            raise ProtocolError(f"{what}: the serial contains the voter's code")
