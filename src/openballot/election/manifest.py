"""The election manifest: districts, contests, options and their labels in several languages.

A voter's home district decides their ballot style (the contests they get), wherever they
vote from. Every label must exist in each of `REQUIRED_LANGUAGES`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from openballot.crypto.encoding import Encodable, digest
from openballot.election.seats import AllocationRule, Method
from openballot.errors import DecodeError
from openballot.jsonfields import get, get_int, get_list, get_obj, get_str, obj, only_keys, text

__all__ = [
    "REQUIRED_LANGUAGES",
    "Labels",
    "Option",
    "Contest",
    "District",
    "Manifest",
    "check_id",
    "MAX_SEATS",
    "MAX_THRESHOLD_DECIMALS",
    "threshold_percent",
]

#: Arabic, Kurdish (Kurmanji), English.
REQUIRED_LANGUAGES = ("ar", "ku", "en")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_LANG = re.compile(r"[a-z]{2,3}")
# Control characters (Unicode category Cc): a terminal, a log or a PDF acts on them, so a
# label carrying one could rewrite what is shown next to it.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: More seats than any assembly has; it keeps every count far inside the encoding's range.
MAX_SEATS = 100_000
#: A threshold has at most this many decimals, so that it reads the same from the JSON
#: number's text in every language (JavaScript sees only a double; its shortest text is the
#: decimal written for a number of at most 12 significant digits) and encodes as two small
#: integers (protocol.md 8).
MAX_THRESHOLD_DECIMALS = 9
_CONTEST_KEYS = {"id", "labels", "districts", "min_selections", "max_selections", "options"}
_SEAT_KEYS = {"seats", "allocation", "threshold_percent"}


def check_id(value: str, where: str) -> str:
    """An id of the manifest (the election's, a district's, a contest's, an option's)."""
    if not _ID.fullmatch(value):
        raise DecodeError(
            f"{where}: {value!r} is not an id (lowercase letters, digits, '-' or '_', "
            "at most 64, starting with a letter or digit)"
        )
    return value


@dataclass(frozen=True, slots=True)
class Labels:
    """Text in several languages, sorted by language code."""

    texts: tuple[tuple[str, str], ...]

    def get(self, language: str) -> str:
        for lang, label in self.texts:
            if lang == language:
                return label
        return dict(self.texts)["en"]

    def encoding(self) -> Encodable:
        return [[lang, text] for lang, text in self.texts]

    def to_json(self) -> dict[str, str]:
        return dict(self.texts)

    @classmethod
    def from_json(cls, value: Any, where: str) -> Labels:
        o = obj(value, where)
        for lang in REQUIRED_LANGUAGES:
            if not isinstance(o.get(lang), str) or not o[lang].strip():
                raise DecodeError(f"{where}: missing label in language {lang!r}")
        for lang, label in o.items():
            if not _LANG.fullmatch(lang) or not isinstance(label, str):
                raise DecodeError(f"{where}: bad label entry {lang!r}")
            text(label, f"{where}.{lang}")
            if _CONTROL.search(label):
                raise DecodeError(f"{where}.{lang}: a label cannot hold a control character")
        return cls(tuple(sorted(o.items())))


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    labels: Labels


@dataclass(frozen=True, slots=True)
class District:
    """`registered`: the district's registered voters when the manifest gives them (public
    figures for turnout; the credentials published are counted apart)."""

    id: str
    labels: Labels
    registered: int | None = None

    def encoding(self) -> Encodable:
        head: list[Encodable] = [self.id, self.labels.encoding()]
        return head if self.registered is None else [*head, self.registered]


@dataclass(frozen=True, slots=True)
class Contest:
    """Choose between `min_selections` and `max_selections` of the options (each at most once)."""

    id: str
    labels: Labels
    districts: tuple[str, ...]
    min_selections: int
    max_selections: int
    options: tuple[Option, ...]
    #: How its seats are shared (docs/seats.md); None: a contest without seats.
    seats: AllocationRule | None = None

    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def encoding(self) -> Encodable:
        body: list[Encodable] = [
            self.id,
            self.labels.encoding(),
            list(self.districts),
            self.min_selections,
            self.max_selections,
            [[o.id, o.labels.encoding()] for o in self.options],
        ]
        if self.seats is None:
            return body
        t = self.seats.threshold_percent
        return [*body, self.seats.seats, self.seats.method.value, [t.numerator, t.denominator]]

    def seats_json(self) -> dict[str, Any]:
        """The contest's seat fields as the manifest writes them (none without seats)."""
        if self.seats is None:
            return {}
        out: dict[str, Any] = {"seats": self.seats.seats, "allocation": self.seats.method.value}
        t = self.seats.threshold_percent
        if t:
            # At most 9 decimals and 12 significant digits: the double's shortest text is
            # the decimal itself.
            out["threshold_percent"] = t.numerator if t.denominator == 1 else float(t)
        return out


@dataclass(frozen=True, slots=True)
class Manifest:
    election_id: str
    title: Labels
    districts: tuple[District, ...]
    contests: tuple[Contest, ...]

    def district_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.districts)

    def contest(self, contest_id: str) -> Contest:
        for c in self.contests:
            if c.id == contest_id:
                return c
        raise KeyError(contest_id)

    def ballot_style(self, district_id: str) -> tuple[Contest, ...]:
        """The contests on the ballot of a voter whose home district is `district_id`."""
        if district_id not in self.district_ids():
            raise KeyError(district_id)
        return tuple(c for c in self.contests if district_id in c.districts)

    def encoding(self) -> Encodable:
        return [
            self.election_id,
            self.title.encoding(),
            [d.encoding() for d in self.districts],
            [c.encoding() for c in self.contests],
        ]

    def digest(self) -> bytes:
        """H_manifest: the manifest hash that every later hash builds on."""
        return digest("manifest", self.encoding())

    def to_json(self) -> dict[str, Any]:
        return {
            "election_id": self.election_id,
            "title": self.title.to_json(),
            "districts": [
                {"id": d.id, "labels": d.labels.to_json()}
                | ({} if d.registered is None else {"registered": d.registered})
                for d in self.districts
            ],
            "contests": [
                {
                    "id": c.id,
                    "labels": c.labels.to_json(),
                    "districts": list(c.districts),
                    "min_selections": c.min_selections,
                    "max_selections": c.max_selections,
                    "options": [{"id": o.id, "labels": o.labels.to_json()} for o in c.options],
                }
                | c.seats_json()
                for c in self.contests
            ],
        }

    @classmethod
    def from_json(cls, value: Any, where: str = "manifest") -> Manifest:
        o = obj(value, where)
        only_keys(o, {"election_id", "title", "districts", "contests"}, where)
        election_id = check_id(get_str(o, "election_id", where), f"{where}.election_id")
        title = Labels.from_json(get(o, "title", where), f"{where}.title")
        districts = []
        for i, d in enumerate(get_list(o, "districts", where)):
            w = f"{where}.districts[{i}]"
            d = obj(d, w)
            only_keys(d, {"id", "labels", "registered"}, w)
            districts.append(
                District(
                    check_id(get_str(d, "id", w), f"{w}.id"),
                    Labels.from_json(get_obj(d, "labels", w), f"{w}.labels"),
                    get_int(d, "registered", w) if "registered" in d else None,
                )
            )
        district_ids = [d.id for d in districts]
        if not districts:
            raise DecodeError(f"{where}.districts: at least one district is needed")
        _unique(district_ids, f"{where}.districts")
        contests = []
        for i, c in enumerate(get_list(o, "contests", where)):
            w = f"{where}.contests[{i}]"
            c = obj(c, w)
            only_keys(c, _CONTEST_KEYS | _SEAT_KEYS, w)
            options = []
            for k, opt in enumerate(get_list(c, "options", w)):
                wo = f"{w}.options[{k}]"
                opt = obj(opt, wo)
                only_keys(opt, {"id", "labels"}, wo)
                options.append(
                    Option(
                        check_id(get_str(opt, "id", wo), f"{wo}.id"),
                        Labels.from_json(get_obj(opt, "labels", wo), f"{wo}.labels"),
                    )
                )
            if not options:
                raise DecodeError(f"{w}.options: at least one option is needed")
            _unique([opt.id for opt in options], f"{w}.options")
            in_districts = get_list(c, "districts", w)
            for k, d_id in enumerate(in_districts):
                if d_id not in district_ids:
                    raise DecodeError(f"{w}.districts[{k}]: unknown district {d_id!r}")
            if not in_districts:
                raise DecodeError(f"{w}.districts: a contest needs at least one district")
            _unique(in_districts, f"{w}.districts")
            low = get_int(c, "min_selections", w)
            high = get_int(c, "max_selections", w)
            if not low <= high <= len(options) or high == 0:
                raise DecodeError(
                    f"{w}: need 0 <= min_selections <= max_selections <= {len(options)} options "
                    f"and max_selections >= 1, got [{low}, {high}]"
                )
            contests.append(
                Contest(
                    check_id(get_str(c, "id", w), f"{w}.id"),
                    Labels.from_json(get_obj(c, "labels", w), f"{w}.labels"),
                    tuple(in_districts),
                    low,
                    high,
                    tuple(options),
                    _seat_rule(c, w),
                )
            )
        if not contests:
            raise DecodeError(f"{where}.contests: at least one contest is needed")
        _unique([c.id for c in contests], f"{where}.contests")
        for d in district_ids:
            if not any(d in c.districts for c in contests):
                raise DecodeError(f"{where}.districts: district {d!r} has no contest")
        return cls(election_id, title, tuple(districts), tuple(contests))


def _seat_rule(c: dict[str, Any], where: str) -> AllocationRule | None:
    """The optional `seats`, `allocation` and `threshold_percent` of a contest (both of the
    first two or neither; a threshold only with them)."""
    if not _SEAT_KEYS & c.keys():
        return None
    if "seats" not in c or "allocation" not in c:
        raise DecodeError(
            f'{where}: a contest with seats needs both "seats" and "allocation"'
            + ("" if "seats" in c or "allocation" in c else " (threshold_percent without seats)")
        )
    seats = get_int(c, "seats", where, minimum=1)
    if seats > MAX_SEATS:
        raise DecodeError(f"{where}.seats: expected at most {MAX_SEATS}, got {seats}")
    method = c["allocation"]
    if not isinstance(method, str) or method not in {m.value for m in Method}:
        names = ", ".join(repr(m.value) for m in Method)
        raise DecodeError(f"{where}.allocation: expected one of {names}, got {method!r}")
    threshold = Fraction(0)
    if "threshold_percent" in c:
        threshold = threshold_percent(c["threshold_percent"], f"{where}.threshold_percent")
    return AllocationRule(Method(method), seats, threshold)


def threshold_percent(value: Any, where: str) -> Fraction:
    """A threshold in percent, read exactly: an integer, or a JSON number with a fraction
    (which Python's json reads as a float: its shortest text, `repr`, is the decimal the JSON
    held, for a number in [0, 100] with at most 9 decimals)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DecodeError(f"{where}: expected a number, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise DecodeError(f"{where}: expected a number, got {value!r}")
    exact = Fraction(value) if isinstance(value, int) else Fraction(Decimal(repr(value)))
    if not 0 <= exact <= 100:
        raise DecodeError(f"{where}: expected a percentage from 0 to 100, got {value!r}")
    if 10**MAX_THRESHOLD_DECIMALS % exact.denominator:
        raise DecodeError(
            f"{where}: at most {MAX_THRESHOLD_DECIMALS} decimals are allowed, got {value!r}"
        )
    return exact


def _unique(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise DecodeError(f"{where}: duplicate id {i!r}")
        seen.add(i)
