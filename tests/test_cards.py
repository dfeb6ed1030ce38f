"""Printed voting cards, checked with the tools a person would use: the PDF is rasterised with
pdftoppm and its QR code read back with zbarimg; its text is extracted with pdftotext.

With OPENBALLOT_SCREENSHOT_DIR set, one page per language is kept there as card-LANG.png.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest

from openballot.cards import TEXTS, RenderError, VotingCard, booth_link, write_cards
from openballot.election.credentials import ALPHABET, new_code, normalize_code
from openballot.errors import ProtocolError
from printed_cards import page_count, page_png, page_text, qr_text, squeeze

SHOTS_ENV = "OPENBALLOT_SCREENSHOT_DIR"
FINGERPRINT = "0a5f88c8e1d27b43" * 8
CODE = new_code()
BOOTH = booth_link("https://vote.example.org/booth", "parliament-2026", FINGERPRINT)
TITLES = {
    "ar": "انتخابات مجلس الشعب ٢٠٢٦",
    "ku": "Hilbijartina Meclisa Gel 2026",
    "en": "People's Assembly Election 2026",
}
DISTRICTS = {"ar": "حلب – الدائرة الأولى", "ku": "Qamişlo", "en": "Abroad – Europe"}


def fixed_code(body: str) -> str:
    """A valid code from 19 characters: the one check character that normalize_code takes."""
    for check in ALPHABET:
        with contextlib.suppress(ProtocolError):
            chars = normalize_code(body + check)
            return "-".join(chars[i : i + 5] for i in range(0, 20, 5))
    raise AssertionError("no check character fits")


def card(language: str, serial: str = "PA26-0000001", **changes: object) -> VotingCard:
    fields: dict[str, Any] = {
        "serial": serial,
        "language": language,
        "election_title": TITLES[language],
        "district_label": DISTRICTS[language],
        "code": new_code(),
        "booth_url": BOOTH,
        "fingerprint_hex": FINGERPRINT,
        **changes,
    }
    return VotingCard(**fields)










@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[VotingCard]]]:
    # Fixed codes, so that the screenshots in docs/ change only when the card does.
    cards = [
        card("ar", "PA26-0000001", code=fixed_code("7KQ2MX0HVAPD3RT9WZ4")),
        card("ku", "PA26-0000002", code=fixed_code("H3N8QC5YW2TJ6RB0KXM")),
        card(
            "en", "PA26-0000003", code=fixed_code("P4ZG9V1DSE7HAQ3NMW8"), voter_name="Layla Haddad"
        ),
    ]
    out = tmp_path_factory.mktemp("cards") / "cards.pdf"
    assert write_cards(cards, out) == 3
    yield out, cards


def test_one_card_a_page_private_to_its_owner(rendered: tuple[Path, list[VotingCard]]) -> None:
    pdf, cards = rendered
    assert page_count(pdf) == len(cards)
    assert pdf.stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in pdf.parent.iterdir()) == [pdf.name]


def test_qr_code_opens_the_booth_and_holds_no_code(
    rendered: tuple[Path, list[VotingCard]], tmp_path: Path
) -> None:
    pdf, cards = rendered
    shots = os.environ.get(SHOTS_ENV)
    for page, c in enumerate(cards, 1):
        png = page_png(pdf, page, tmp_path / f"page-{page}")
        assert qr_text(png) == BOOTH
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(png, Path(shots, f"card-{c.language}.png"))


@pytest.mark.parametrize("page", [1, 2, 3])
def test_text_in_the_voters_language_in_logical_order(
    rendered: tuple[Path, list[VotingCard]], page: int
) -> None:
    pdf, cards = rendered
    c = cards[page - 1]
    text = page_text(pdf, page)
    squeezed = squeeze(text)
    t = TEXTS[c.language]
    expected = [
        c.election_title,
        c.district_label,
        c.serial,
        c.code,
        t.heading,
        t.code,
        t.secret,
        t.fingerprint,
        t.vote_heading,
        *t.vote_steps,
        t.revote_heading,
        t.revote,
        t.check_heading,
        t.check,
        t.footer,
    ]
    for s in expected:
        assert squeeze(s) in squeezed, f"{c.language}: {s!r} not found in logical order"
    # The code reads left to right on every card, on one line; the fingerprint in groups of 4.
    assert c.code in text
    groups = [FINGERPRINT[i : i + 4] for i in range(0, 128, 4)]
    assert " ".join(groups[:8]) in text
    assert (c.voter_name is not None) == ("Layla Haddad" in text)


def test_every_language_has_every_text() -> None:
    assert sorted(TEXTS) == ["ar", "en", "ku"]
    for texts in TEXTS.values():
        for name, value in asdict(texts).items():
            values = value if isinstance(value, tuple) else (value,)
            assert all(v and v == v.strip() for v in values), name
    # Arabic without vowel marks (see texts.py), Kurmanji in Latin script.
    assert not re.search(r"[\u064b-\u0652]", str(asdict(TEXTS["ar"])))
    assert not re.search(r"[\u0600-\u06ff]", str(asdict(TEXTS["ku"])))


def test_longest_texts_still_fit_one_page(tmp_path: Path) -> None:
    booth = booth_link(
        "https://a-rather-long-host-name.elections.example.org/path/to/booth", "w" * 64, FINGERPRINT
    )
    words = {"ar": "انتخابات ", "ku": "Hilbijartin ", "en": "WWWWWWWW "}
    cards = [
        card(
            lang,
            "W" * 24,
            booth_url=booth,
            election_title=(words[lang] * 20)[:100].strip(),
            district_label=(words[lang] * 20)[:60].strip(),
            voter_name=(words[lang] * 20)[:60].strip(),
        )
        for lang in ("ar", "ku", "en")
    ]
    # write_cards refuses a card that overflows its page.
    assert write_cards(cards, tmp_path / "long.pdf") == 3


def test_every_mix_of_short_and_long_texts_fits_one_page(tmp_path: Path) -> None:
    """A name takes a row of its own: a short one on an Arabic card with a short title once
    pushed the instructions onto a second page."""
    words = {"ar": "انتخابات ", "ku": "Hilbijartin ", "en": "WWWWWWWW "}

    def text(lang: str, n: int) -> str:
        return (words[lang] * 20)[:n].strip()

    cards = [
        card(
            lang,
            f"M-{i:03d}",
            election_title=text(lang, title),
            district_label=text(lang, district),
            voter_name=text(lang, name) if name else None,
        )
        for i, (lang, title, district, name) in enumerate(
            (lang, title, district, name)
            for lang in ("ar", "ku", "en")
            for title in (10, 40, 100)
            for district in (5, 60)
            for name in (0, 5, 30, 60)
        )
    ]
    # write_cards refuses a card that overflows its page.
    assert write_cards(cards, tmp_path / "mix.pdf") == len(cards)


def test_chunks_are_joined_in_order(tmp_path: Path) -> None:
    cards = [card(("ar", "ku", "en")[i % 3], f"S-{i:03d}") for i in range(7)]
    out = tmp_path / "many.pdf"
    assert write_cards(iter(cards), out, chunk=2, workers=2) == 7
    assert page_count(out) == 7
    for page, c in enumerate(cards, 1):
        assert c.serial in page_text(out, page)


@pytest.mark.parametrize(
    "spelling",
    [
        lambda code: code,
        lambda code: code.replace("-", "").lower(),
        lambda code: code.replace("-", "%2D"),
        lambda code: code.replace("-", "+").replace("0", "O"),
        lambda code: "".join(f"%{ord(c):02X}" for c in code),
    ],
)
def test_a_card_whose_address_holds_its_code_is_refused(spelling: Callable[[str], str]) -> None:
    code = new_code()
    spelled = spelling(code)
    for url in [
        f"{BOOTH}&code={spelled}",
        BOOTH.replace("election=parliament-2026", f"election={spelled}"),
        BOOTH.replace("/booth?", f"/booth/{spelled}?"),
    ]:
        with pytest.raises(ProtocolError, match="booth address contains the voter's code"):
            card("en", code=code, booth_url=url)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"language": "fr"}, "language 'fr'"),
        ({"election_title": "Election\n2026"}, "control character U\\+000A"),
        ({"district_label": "Aleppo \u202eprevious"}, "control character U\\+202E"),
        ({"voter_name": ""}, "voter name: expected non-empty text"),
        ({"district_label": " Aleppo"}, "leading or trailing spaces"),
        ({"election_title": "E" * 101}, "at most 100 characters"),
        ({"serial": "no spaces"}, "serial 'no spaces'"),
        ({"code": CODE[:-1] + ("B" if CODE.endswith("A") else "A")}, "mistyped"),
        ({"code": CODE.replace("-", "").lower()}, "printed form"),
        ({"fingerprint_hex": FINGERPRINT.upper()}, "128 lowercase hex"),
        ({"fingerprint_hex": "1" * 128}, "not the card's fingerprint"),
        ({"booth_url": BOOTH.replace("https", "ftp")}, "https://"),
        ({"booth_url": BOOTH + "&lang=ar"}, "exactly the parameters"),
        ({"booth_url": BOOTH + "#x"}, "fragment"),
        ({"booth_url": BOOTH.replace("parliament-2026", "Parliament")}, "not an election id"),
    ],
)
def test_a_card_is_checked_when_built(changes: dict[str, Any], message: str) -> None:
    good = card("en", code=CODE)
    with pytest.raises(ProtocolError, match=message):
        replace(good, **changes)


def test_an_error_never_shows_the_code() -> None:
    code = new_code()
    with pytest.raises(ProtocolError) as caught:
        card("en", code=code, booth_url=f"{BOOTH}&c={code}")
    assert code not in str(caught.value) and code.replace("-", "") not in str(caught.value)


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    def register() -> Iterator[VotingCard]:
        yield card("en", "S-1")
        yield card("ar", "S-2")
        raise ProtocolError("register line 3: not a voter")

    out = tmp_path / "cards.pdf"
    with pytest.raises(ProtocolError, match="line 3"):
        write_cards(register(), out, chunk=1)
    assert list(tmp_path.iterdir()) == []

    # A file already there stays as it was.
    out.write_bytes(b"earlier cards")
    with pytest.raises(ProtocolError):
        write_cards(register(), out, chunk=1)
    assert out.read_bytes() == b"earlier cards"
    assert list(tmp_path.iterdir()) == [out]

    with pytest.raises(RenderError, match="no voting cards"):
        write_cards([], tmp_path / "none.pdf")
    with pytest.raises(RenderError, match="fonts"):
        write_cards([card("en")], tmp_path / "nofont.pdf", font_dirs=[tmp_path])
    assert list(tmp_path.iterdir()) == [out]


def test_cards_need_nothing_of_the_server_board_or_cli() -> None:
    code = (
        "import sys, openballot.cards\n"
        "bad = [m for m in sys.modules if m.split('.')[:2] in "
        "[['openballot', 'cli'], ['openballot', 'server'], ['openballot', 'board']]]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
