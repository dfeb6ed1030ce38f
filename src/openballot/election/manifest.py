"""The election manifest: districts, contests, options and their labels in several languages.

A voter's home district decides their ballot style (the contests they get), wherever they
vote from. Every label must exist in each of `REQUIRED_LANGUAGES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openballot.crypto.encoding import Encodable, digest
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
]

#: Arabic, Kurdish (Kurmanji), English.
REQUIRED_LANGUAGES = ("ar", "ku", "en")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_LANG = re.compile(r"[a-z]{2,3}")
# Control characters (Unicode category Cc): a terminal, a log or a PDF acts on them, so a
# label carrying one could rewrite what is shown next to it.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


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
    id: str
    labels: Labels


@dataclass(frozen=True, slots=True)
class Contest:
    """Choose between `min_selections` and `max_selections` of the options (each at most once)."""

    id: str
    labels: Labels
    districts: tuple[str, ...]
    min_selections: int
    max_selections: int
    options: tuple[Option, ...]

    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


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
            [[d.id, d.labels.encoding()] for d in self.districts],
            [
                [
                    c.id,
                    c.labels.encoding(),
                    list(c.districts),
                    c.min_selections,
                    c.max_selections,
                    [[o.id, o.labels.encoding()] for o in c.options],
                ]
                for c in self.contests
            ],
        ]

    def digest(self) -> bytes:
        """H_manifest: the manifest hash that every later hash builds on."""
        return digest("manifest", self.encoding())

    def to_json(self) -> dict[str, Any]:
        return {
            "election_id": self.election_id,
            "title": self.title.to_json(),
            "districts": [{"id": d.id, "labels": d.labels.to_json()} for d in self.districts],
            "contests": [
                {
                    "id": c.id,
                    "labels": c.labels.to_json(),
                    "districts": list(c.districts),
                    "min_selections": c.min_selections,
                    "max_selections": c.max_selections,
                    "options": [{"id": o.id, "labels": o.labels.to_json()} for o in c.options],
                }
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
            only_keys(d, {"id", "labels"}, w)
            districts.append(
                District(
                    check_id(get_str(d, "id", w), f"{w}.id"),
                    Labels.from_json(get_obj(d, "labels", w), f"{w}.labels"),
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
            only_keys(
                c, {"id", "labels", "districts", "min_selections", "max_selections", "options"}, w
            )
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
                )
            )
        if not contests:
            raise DecodeError(f"{where}.contests: at least one contest is needed")
        _unique([c.id for c in contests], f"{where}.contests")
        for d in district_ids:
            if not any(d in c.districts for c in contests):
                raise DecodeError(f"{where}.districts: district {d!r} has no contest")
        return cls(election_id, title, tuple(districts), tuple(contests))


def _unique(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise DecodeError(f"{where}: duplicate id {i!r}")
        seen.add(i)
