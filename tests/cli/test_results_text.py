"""The words, numerals and direction marks of `openballot results` (cli/results_text.py)."""

from __future__ import annotations

import re
import string

import pytest

from openballot.cli.results_text import (
    LANGUAGES,
    WORDS,
    check_language,
    isolate,
    label_text,
    number,
    percent,
    word,
)
from openballot.errors import DecodeError

FSI, PDI = "\u2068", "\u2069"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_word_with_the_same_placeholders() -> None:
    assert set(WORDS) == set(LANGUAGES) == {"ar", "ku", "en"}
    for lang in LANGUAGES:
        assert set(WORDS[lang]) == set(WORDS["en"]), lang
        for key, text in WORDS[lang].items():
            assert text.strip(), f"{lang}.{key} is empty"
            assert placeholders(text) == placeholders(WORDS["en"][key]), f"{lang}.{key}"


def test_arabic_words_are_arabic_and_the_others_are_not_english_copies() -> None:
    for key, text in WORDS["ar"].items():
        if key not in ("not_given", "and"):
            assert re.search("[\u0600-\u06ff]", text), f"ar.{key} has no Arabic: {text!r}"
    same = [k for k in WORDS["en"] if WORDS["ku"][k] == WORDS["en"][k]]
    assert same == ["not_given", "and"], f"ku words left in English: {same}"


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("en", 0, "0"), ("en", 1234567, "1,234,567"),
    ("ku", 1234567, "1.234.567"),
    ("ar", 0, "٠"), ("ar", 1234567, "١٬٢٣٤٬٥٦٧"), ("ar", 90, "٩٠"),
])  # fmt: skip
def test_numbers_in_one_numeral_system_per_language(lang: str, n: int, expected: str) -> None:
    assert number(lang, n) == expected


@pytest.mark.parametrize(("lang", "part", "whole", "expected"), [
    ("en", 1, 8, "12.5%"), ("en", 2, 3, "66.7%"), ("en", 1, 3, "33.3%"), ("en", 4, 4, "100.0%"),
    ("en", 1, 2000, "0.1%"),  # 0.05 rounds half up
    ("ku", 1, 8, "%12,5"), ("ar", 1, 8, "١٢٫٥٪"), ("ar", 12345, 12345, "١٠٠٫٠٪"),
    ("en", 0, 0, "—"), ("ar", 5, 0, "—"),
])  # fmt: skip
def test_percentages(lang: str, part: int, whole: int, expected: str) -> None:
    assert percent(lang, part, whole) == expected


def test_isolates_only_runs_of_the_other_direction() -> None:
    assert isolate("en", "Northern district") == "Northern district"
    assert isolate("en", "قائمة النهر") == f"{FSI}قائمة النهر{PDI}"
    assert isolate("ku", "Lîsteya ٣") == f"{FSI}Lîsteya ٣{PDI}"  # Arabic-Indic digits
    assert isolate("ar", "الرئاسة") == "الرئاسة"
    assert isolate("ar", "٢٠٢٦") == "٢٠٢٦"
    assert isolate("ar", "3fa9") == f"{FSI}3fa9{PDI}"
    assert isolate("ar", "River list") == f"{FSI}River list{PDI}"


def test_a_label_cannot_reorder_the_line() -> None:
    # A right-to-left override in a label is shown as an escape, never obeyed.
    shown = label_text("en", "Amal\u202e Haddad")
    assert "\u202e" not in shown and "\\u202e" in shown
    assert label_text("ar", "حزب\u2066x") == f"{FSI}حزب\\u2066x{PDI}"


def test_words_fill_their_placeholders() -> None:
    assert word("en", "winners", names="A, B") == "Elected: A, B"
    assert word("ar", "unfilled", seats="١") == "مقاعد بقيت شاغرة: ١"


@pytest.mark.parametrize("bad", ["fr", "AR", "", "en-US"])
def test_unknown_language(bad: str) -> None:
    with pytest.raises(DecodeError, match="--lang"):
        check_language(bad)
