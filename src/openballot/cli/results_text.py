"""The fixed words of `openballot results` in Arabic, Kurdish (Kurmanji) and English, and how
numbers and mixed-direction text are written in each (docs/cli.md, "results").

Everything the results text shows that does not come from the manifest comes from `WORDS`;
labels come from the manifest in the chosen language. A test checks that every language has
every word.

Numerals: one system per language, the one its readers expect and the booth shows
(`Intl.NumberFormat`): Arabic-Indic digits (U+0660-0669) with the Arabic thousands and
decimal separators and percent sign (U+066C, U+066B, U+066A) for ar; Western digits for ku
(thousands ".", decimals ",", percent sign first, as Kurdish writes it) and en (thousands
",", decimals ".").

Direction: a terminal does not lay text out right to left, and those that do apply the
Unicode bidirectional algorithm to each line. So the text is printed in logical order, and
each label, id or path put into a line that holds a run of the other direction (Latin in
Arabic text, Arabic in English or Kurdish text) is wrapped in a first-strong isolate
(U+2068 ... U+2069), as the booth does: it keeps its own direction and cannot reorder its
neighbours.
"""

from __future__ import annotations

import unicodedata
from fractions import Fraction
from typing import Final

from openballot.cli.output import printable
from openballot.errors import DecodeError

__all__ = [
    "LANGUAGES",
    "WORDS",
    "check_language",
    "word",
    "number",
    "percent",
    "isolate",
    "label_text",
]

LANGUAGES: Final = ("ar", "ku", "en")

WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "result_of": "Result: {title}",
        "decrypted_by": "Decrypted by trustees {trustees}",
        "fingerprint": "Election fingerprint: {fingerprint}",
        "read": "result read from {file}",
        "combined": "result combined from the trustees' decryptions and written to {file}",
        "option": "Option",
        "total": "Total",
        "share": "Share",
        "seats": "Seats",
        "contest_seats": "{contest}: {seats} seat(s)",
        "elected": "elected",
        "winners": "Elected: {names}",
        "no_winners": "Elected: nobody",
        "excluded": "Below the threshold, excluded: {names}",
        "unfilled": "Seats left unfilled: {seats}",
        "tie": "Tie for seat(s) {first} to {last} between {names}; public draw order: {order}",
        "blank": "Blank selections",
        "district": "District",
        "turnout": "Turnout",
        "counting_ballots": "Counting ballots",
        "credentials": "Credentials",
        "of_credentials": "Of credentials",
        "registered": "Registered",
        "of_registered": "Of registered",
        "not_given": "—",
        "and": ", ",
    },
    "ar": {
        "result_of": "النتيجة: {title}",
        "decrypted_by": "الأمناء الذين فكّوا التشفير: {trustees}",
        "fingerprint": "بصمة الانتخابات: {fingerprint}",
        "read": "النتيجة مقروءة من {file}",
        "combined": "النتيجة مجمّعة من فكّ تشفير الأمناء ومكتوبة في {file}",
        "option": "الخيار",
        "total": "المجموع",
        "share": "النسبة",
        "seats": "المقاعد",
        "contest_seats": "{contest}: عدد المقاعد {seats}",
        "elected": "فائز",
        "winners": "الفائزون: {names}",
        "no_winners": "الفائزون: لا أحد",
        "excluded": "دون العتبة، مستبعد: {names}",
        "unfilled": "مقاعد بقيت شاغرة: {seats}",
        "tie": "تعادل على المقاعد من {first} إلى {last} بين {names}؛ ترتيب القرعة العلنية: {order}",
        "blank": "اختيارات فارغة",
        "district": "الدائرة",
        "turnout": "نسبة المشاركة",
        "counting_ballots": "الأوراق المحتسبة",
        "credentials": "بيانات الاعتماد",
        "of_credentials": "من بيانات الاعتماد",
        "registered": "المسجّلون",
        "of_registered": "من المسجّلين",
        "not_given": "—",
        "and": "، ",
    },
    "ku": {
        "result_of": "Encam: {title}",
        "decrypted_by": "Ji aliyê emînan ve hatiye vekirin: {trustees}",
        "fingerprint": "Şopa tiliyê ya hilbijartinê: {fingerprint}",
        "read": "encam ji {file} hat xwendin",
        "combined": "encam ji vekirinên emînan hat berhevkirin û di {file} de hat nivîsandin",
        "option": "Vebijark",
        "total": "Tevahî",
        "share": "Par",
        "seats": "Kursî",
        "contest_seats": "{contest}: {seats} kursî",
        "elected": "hilbijartî",
        "winners": "Hilbijartî: {names}",
        "no_winners": "Hilbijartî: tu kes",
        "excluded": "Di bin bendê de, derxistî: {names}",
        "unfilled": "Kursiyên vala mayî: {seats}",
        "tie": "Wekhevî ji bo kursiyên {first} heta {last} di navbera {names} de; "
        "rêza kêşana giştî: {order}",
        "blank": "Hilbijartinên vala",
        "district": "Herêm",
        "turnout": "Beşdarî",
        "counting_ballots": "Pusulayên tên hesibandin",
        "credentials": "Nasname",
        "of_credentials": "Ji nasnameyan",
        "registered": "Tomarkirî",
        "of_registered": "Ji tomarkiriyan",
        "not_given": "—",
        "and": ", ",
    },
}

# ar: Arabic-Indic digits; the others keep ASCII digits.
_ARABIC_DIGITS: Final = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_SEPARATORS: Final = {"ar": ("٬", "٫"), "ku": (".", ","), "en": (",", ".")}
_FSI, _PDI = "\u2068", "\u2069"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise DecodeError(f"--lang {language!r}: expected one of {', '.join(LANGUAGES)}")
    return language


def word(language: str, key: str, **values: str) -> str:
    """The fixed text `key` in `language`, its {placeholders} filled with `values` (labels
    and ids already passed through `label_text` or `isolate`)."""
    return WORDS[language][key].format(**values)


# Bidi classes of characters whose direction is the other one's: strong right-to-left
# letters and Arabic-Indic digits inside left-to-right text, strong left-to-right letters and
# European digits inside right-to-left text.
_OTHER_DIRECTION: Final = {"ltr": frozenset({"R", "AL", "AN"}), "rtl": frozenset({"L", "EN"})}


def isolate(language: str, text: str) -> str:
    """`text`, in a first-strong isolate when it holds a run of the other direction than the
    language's (an English id or hex inside Arabic, an Arabic name inside English): it then
    keeps its own direction and cannot reorder its neighbours. Text of the language's own
    direction is left as it is."""
    other = _OTHER_DIRECTION["rtl" if language == "ar" else "ltr"]
    if any(unicodedata.bidirectional(c) in other for c in text):
        return f"{_FSI}{text}{_PDI}"
    return text


def label_text(language: str, text: str) -> str:
    """A label or name from a record, fit for a terminal: its control and bidi-control
    characters escaped (its author cannot reorder the line), then isolated if it needs it."""
    return isolate(language, printable(text))


def _digits(language: str, text: str) -> str:
    return text.translate(_ARABIC_DIGITS) if language == "ar" else text


def number(language: str, n: int) -> str:
    """An integer with thousands grouped, in the language's numerals."""
    group, _ = _SEPARATORS[language]
    return _digits(language, f"{n:,}".replace(",", group))


def percent(language: str, part: int, whole: int) -> str:
    """part / whole as a percentage with one decimal, rounded half up (exact arithmetic),
    or the "not given" mark when whole is 0."""
    if whole == 0:
        return WORDS[language]["not_given"]
    tenths = int(Fraction(part * 1000, whole) + Fraction(1, 2))
    _, decimal = _SEPARATORS[language]
    value = number(language, tenths // 10) + decimal + _digits(language, str(tenths % 10))
    if language == "ar":
        return value + "٪"
    if language == "ku":
        return "%" + value
    return value + "%"
