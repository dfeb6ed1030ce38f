"""The manifest: JSON round trip, a digest that depends on content only, every rule enforced
with a DecodeError naming the field, and ballot styles."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from openballot.election.manifest import REQUIRED_LANGUAGES, Labels, Manifest
from openballot.errors import DecodeError

Json = dict[str, Any]


def _reverse_keys(value: Any) -> Any:
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: _reverse_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse_keys(v) for v in value]
    return value


def _label_paths(m: Json) -> list[tuple[str, Json]]:
    """Every labels object of the manifest, with a name for it."""
    found = [("title", m["title"])]
    found += [(f"districts[{i}]", d["labels"]) for i, d in enumerate(m["districts"])]
    for i, c in enumerate(m["contests"]):
        found.append((f"contests[{i}]", c["labels"]))
        found += [(f"contests[{i}].options[{k}]", o["labels"]) for k, o in enumerate(c["options"])]
    return found


# --- round trip and digest ------------------------------------------------------------------


def test_demo_manifest_parses(demo_json: Json) -> None:
    m = Manifest.from_json(demo_json)
    assert m.election_id == "demo-2026"
    assert m.district_ids() == ("north", "south")
    assert [c.id for c in m.contests] == [
        "president",
        "council-north",
        "council-south",
        "referendum",
    ]
    assert m.contest("council-north").option_ids() == ("n1", "n2", "n3", "n4", "n5")
    south = m.contest("council-south")
    assert (south.min_selections, south.max_selections) == (0, 2)


def test_json_round_trip(demo_json: Json) -> None:
    m = Manifest.from_json(demo_json)
    out = m.to_json()
    assert out == demo_json
    again = Manifest.from_json(json.loads(json.dumps(out)))
    assert again == m
    assert again.digest() == m.digest()


def test_digest_is_stable_under_key_order(demo_json: Json) -> None:
    reordered = _reverse_keys(demo_json)
    assert list(reordered) != list(demo_json)
    assert list(reordered["title"]) == ["en", "ku", "ar"]
    assert Manifest.from_json(reordered).digest() == Manifest.from_json(demo_json).digest()
    assert Manifest.from_json(reordered) == Manifest.from_json(demo_json)


def test_digest_is_64_bytes_and_deterministic(demo_json: Json) -> None:
    d = Manifest.from_json(demo_json).digest()
    assert len(d) == 64
    assert Manifest.from_json(demo_json).digest() == d


def test_digest_changes_with_every_label(demo_json: Json) -> None:
    base = Manifest.from_json(demo_json).digest()
    digests = {base}
    paths = _label_paths(demo_json)
    assert len(paths) == 1 + 2 + 4 + 4 + 5 + 4 + 2
    for name, labels in paths:
        for lang in REQUIRED_LANGUAGES:
            old = labels[lang]
            labels[lang] = old + "."
            d = Manifest.from_json(demo_json).digest()
            labels[lang] = old
            assert d != base, f"{name}.{lang}"
            digests.add(d)
    assert len(digests) == 1 + len(paths) * len(REQUIRED_LANGUAGES)
    assert Manifest.from_json(demo_json).digest() == base


def test_digest_changes_with_an_extra_language(demo_json: Json) -> None:
    base = Manifest.from_json(demo_json).digest()
    demo_json["contests"][3]["options"][0]["labels"]["fr"] = "Oui"
    m = Manifest.from_json(demo_json)
    assert m.contest("referendum").options[0].labels.get("fr") == "Oui"
    assert m.digest() != base


def _rename_district(m: Json, old: str, new: str) -> None:
    for d in m["districts"]:
        if d["id"] == old:
            d["id"] = new
    for c in m["contests"]:
        c["districts"] = [new if d == old else d for d in c["districts"]]


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m.update(election_id="demo-2027"),
        lambda m: _rename_district(m, "south", "southern"),
        lambda m: m["contests"][1].update(max_selections=2),
        lambda m: m["contests"][2].update(min_selections=1),
        lambda m: m["contests"][0]["options"].reverse(),
        lambda m: m["contests"].reverse(),
        lambda m: m["contests"][3]["options"][1].update(id="nay"),
        lambda m: m["contests"][0]["districts"].remove("south"),
    ],
)
def test_digest_changes_with_structure(demo_json: Json, edit: Callable[[Json], None]) -> None:
    base = Manifest.from_json(demo_json).digest()
    edit(demo_json)
    assert Manifest.from_json(demo_json).digest() != base


# --- rules: each one rejected with a DecodeError naming the field ---------------------------


def _delete(path: list[Any]) -> Callable[[Json], None]:
    def edit(m: Json) -> None:
        target: Any = m
        for p in path[:-1]:
            target = target[p]
        del target[path[-1]]

    return edit


def _set(path: list[Any], value: Any) -> Callable[[Json], None]:
    def edit(m: Json) -> None:
        target: Any = m
        for p in path[:-1]:
            target = target[p]
        target[path[-1]] = value

    return edit


def _add_district_without_contest(m: Json) -> None:
    labels = {"ar": "الشرق", "ku": "Rojhilat", "en": "East"}
    m["districts"].append({"id": "east", "labels": labels})


def _duplicate_contest(m: Json) -> None:
    extra = json.loads(json.dumps(m["contests"][3]))
    m["contests"].append(extra)


def _duplicate_option(m: Json) -> None:
    m["contests"][0]["options"][2]["id"] = "amal"


def _duplicate_district(m: Json) -> None:
    m["districts"][1]["id"] = "north"


REJECTED: list[tuple[str, Callable[[Json], None], str]] = [
    # labels
    ("no ku label (option)", _delete(["contests", 1, "options", 2, "labels", "ku"]),
     "manifest.contests[1].options[2].labels: missing label in language 'ku'"),
    ("no ar label (title)", _delete(["title", "ar"]),
     "manifest.title: missing label in language 'ar'"),
    ("no en label (district)", _delete(["districts", 1, "labels", "en"]),
     "manifest.districts[1].labels: missing label in language 'en'"),
    ("no ku label (contest)", _delete(["contests", 3, "labels", "ku"]),
     "manifest.contests[3].labels: missing label in language 'ku'"),
    ("blank en label", _set(["contests", 0, "labels", "en"], "   "),
     "manifest.contests[0].labels: missing label in language 'en'"),
    ("label not a string", _set(["contests", 0, "options", 0, "labels", "ar"], 5),
     "manifest.contests[0].options[0].labels: missing label in language 'ar'"),
    ("bad language code", _set(["contests", 0, "labels", "English"], "President"),
     "manifest.contests[0].labels: bad label entry 'English'"),
    ("language label not a string", _set(["title", "fr"], None),
     "manifest.title: bad label entry 'fr'"),
    ("labels not an object", _set(["districts", 0, "labels"], ["north"]),
     "manifest.districts[0].labels: expected an object"),
    # duplicate ids
    ("duplicate district", _duplicate_district, "manifest.districts: duplicate id 'north'"),
    ("duplicate contest", _duplicate_contest, "manifest.contests: duplicate id 'referendum'"),
    ("duplicate option", _duplicate_option, "manifest.contests[0].options: duplicate id 'amal'"),
    ("duplicate district in a contest", _set(["contests", 0, "districts"], ["north", "north"]),
     "manifest.contests[0].districts: duplicate id 'north'"),
    # id characters
    ("upper-case district id", _set(["districts", 0, "id"], "North"),
     "manifest.districts[0].id: 'North' is not an id"),
    ("space in option id", _set(["contests", 0, "options", 1, "id"], "bashir nouri"),
     "manifest.contests[0].options[1].id: 'bashir nouri' is not an id"),
    ("accent in contest id", _set(["contests", 2, "id"], "council-süd"),
     "manifest.contests[2].id: 'council-süd' is not an id"),
    ("leading dash", _set(["contests", 3, "options", 0, "id"], "-yes"),
     "manifest.contests[3].options[0].id: '-yes' is not an id"),
    ("empty election id", _set(["election_id"], ""),
     "manifest.election_id: '' is not an id"),
    ("65-character id", _set(["election_id"], "e" * 65),
     "manifest.election_id: '" + "e" * 65 + "' is not an id"),
    ("slash in id", _set(["districts", 1, "id"], "../south"),
     "manifest.districts[1].id: '../south' is not an id"),
    ("id not a string", _set(["contests", 0, "options", 0, "id"], 7),
     "manifest.contests[0].options[0].id: expected a string"),
    # contest rules
    ("unknown district in a contest", _set(["contests", 1, "districts"], ["north", "east"]),
     "manifest.contests[1].districts[1]: unknown district 'east'"),
    ("min > max", _set(["contests", 1, "min_selections"], 4),
     "manifest.contests[1]: need 0 <= min_selections <= max_selections <= 5 options "
     "and max_selections >= 1, got [4, 3]"),
    ("max > options", _set(["contests", 3, "max_selections"], 3),
     "manifest.contests[3]: need 0 <= min_selections <= max_selections <= 2 options "
     "and max_selections >= 1, got [1, 3]"),
    ("max = 0", lambda m: m["contests"][2].update(min_selections=0, max_selections=0),
     "manifest.contests[2]: need 0 <= min_selections <= max_selections <= 4 options "
     "and max_selections >= 1, got [0, 0]"),
    ("negative min", _set(["contests", 2, "min_selections"], -1),
     "manifest.contests[2].min_selections: expected at least 0, got -1"),
    ("boolean max", _set(["contests", 0, "max_selections"], True),
     "manifest.contests[0].max_selections: expected an integer, got bool"),
    ("no options", _set(["contests", 3, "options"], []),
     "manifest.contests[3].options: at least one option is needed"),
    ("contest without district", _set(["contests", 0, "districts"], []),
     "manifest.contests[0].districts: a contest needs at least one district"),
    # manifest rules
    ("no contests", _set(["contests"], []), "manifest.contests: at least one contest is needed"),
    ("no districts", _set(["districts"], []),
     "manifest.districts: at least one district is needed"),
    ("district with no contest", _add_district_without_contest,
     "manifest.districts: district 'east' has no contest"),
    # fields
    ("unknown top-level field", _set(["version"], 2), "manifest: unexpected field 'version'"),
    ("unknown contest field", _set(["contests", 1, "ranked"], True),
     "manifest.contests[1]: unexpected field 'ranked'"),
    ("unknown option field", _set(["contests", 0, "options", 3, "party"], "x"),
     "manifest.contests[0].options[3]: unexpected field 'party'"),
    ("unknown district field", _set(["districts", 0, "population"], 10),
     "manifest.districts[0]: unexpected field 'population'"),
    ("missing election id", _delete(["election_id"]), "manifest: missing field 'election_id'"),
    ("missing max", _delete(["contests", 2, "max_selections"]),
     "manifest.contests[2]: missing field 'max_selections'"),
    ("contests not a list", _set(["contests"], {"president": {}}),
     "manifest.contests: expected a list, got dict"),
    ("contest not an object", _set(["contests", 1], "council-north"),
     "manifest.contests[1]: expected an object, got str"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"), [(e, m) for _, e, m in REJECTED], ids=[n for n, _, _ in REJECTED]
)
def test_rule_rejected(demo_json: Json, edit: Callable[[Json], None], message: str) -> None:
    edit(demo_json)
    with pytest.raises(DecodeError, match="^" + re.escape(message)):
        Manifest.from_json(demo_json)


def test_not_an_object() -> None:
    with pytest.raises(DecodeError, match=r"^manifest: expected an object, got list"):
        Manifest.from_json([])


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (["districts", 0, "id"], "manifest.districts[0].id"),
        (["contests", 1, "id"], "manifest.contests[1].id"),
        (["contests", 0, "options", 2, "id"], "manifest.contests[0].options[2].id"),
        (["election_id"], "manifest.election_id"),
    ],
)
def test_id_with_trailing_newline_rejected(demo_json: Json, path: list[Any], where: str) -> None:
    """An id is `[a-z0-9][a-z0-9_-]{0,63}` and nothing else; `re.match` with `$` also lets a
    trailing newline through (BUG: manifest._check_id must use fullmatch)."""
    target: Any = demo_json
    for p in path[:-1]:
        target = target[p]
    if path[:2] == ["districts", 0]:
        # rename it everywhere, so that only the id rule can fire
        _rename_district(demo_json, "north", "north\n")
    else:
        target[path[-1]] = target[path[-1]] + "\n"
    with pytest.raises(DecodeError, match=re.escape(where)):
        Manifest.from_json(demo_json)


def test_language_code_with_trailing_newline_rejected(demo_json: Json) -> None:
    """Same bug in the language-code check (`_LANG.match` with `$`)."""
    demo_json["title"]["fr\n"] = "Élection"
    with pytest.raises(DecodeError, match=re.escape("manifest.title: bad label entry")):
        Manifest.from_json(demo_json)


def test_longest_id_accepted(demo_json: Json) -> None:
    demo_json["election_id"] = "e" * 64
    assert Manifest.from_json(demo_json).election_id == "e" * 64


def test_min_equal_max_equal_options_accepted(demo_json: Json) -> None:
    demo_json["contests"][3].update(min_selections=2, max_selections=2)
    c = Manifest.from_json(demo_json).contest("referendum")
    assert (c.min_selections, c.max_selections) == (2, 2)


# --- ballot styles --------------------------------------------------------------------------


def test_ballot_style_in_manifest_order(demo_json: Json) -> None:
    m = Manifest.from_json(demo_json)
    assert [c.id for c in m.ballot_style("north")] == ["president", "council-north", "referendum"]
    assert [c.id for c in m.ballot_style("south")] == ["president", "council-south", "referendum"]
    assert m.ballot_style("north")[1] is m.contest("council-north")


def test_ballot_style_follows_reordered_manifest(demo_json: Json) -> None:
    demo_json["contests"].reverse()
    m = Manifest.from_json(demo_json)
    assert [c.id for c in m.ballot_style("north")] == ["referendum", "council-north", "president"]
    assert [c.id for c in m.ballot_style("south")] == ["referendum", "council-south", "president"]


def test_ballot_style_of_unknown_district(demo_json: Json) -> None:
    m = Manifest.from_json(demo_json)
    with pytest.raises(KeyError):
        m.ballot_style("east")
    with pytest.raises(KeyError):
        m.contest("mayor")


def test_labels_lookup(demo_json: Json) -> None:
    m = Manifest.from_json(demo_json)
    assert m.title.get("ku") == "Hilbijartina ceribandinê 2026"
    assert m.contest("referendum").options[0].labels.get("ar") == "نعم"
    assert m.title.get("fr") == "Demonstration election 2026"  # falls back to English
    assert [lang for lang, _ in m.title.texts] == ["ar", "en", "ku"]
    assert Labels.from_json(m.title.to_json(), "x") == m.title


@pytest.mark.parametrize("control", ["\r", "\n", "\x1b[2K", "\x00", "\x7f", "\x9b"])
def test_label_with_a_control_character_rejected(demo_json: Json, control: str) -> None:
    """A label reaches terminals, logs and printed cards: "\\r\\x1b[2K" in one could
    overwrite what is shown beside it, so every label refuses control characters."""
    for where, labels in _label_paths(demo_json):
        edited = json.loads(json.dumps(demo_json))
        target = dict(_label_paths(edited))[where]
        target["en"] = f"Yes{control}receipt verified"
        with pytest.raises(DecodeError, match=r"\.en: a label cannot hold a control character"):
            Manifest.from_json(edited)
        assert labels["en"]  # the original is untouched


def test_label_with_right_to_left_marks_accepted(demo_json: Json) -> None:
    """Format characters (category Cf, such as the right-to-left mark) are not controls:
    Arabic and Kurdish labels may need them."""
    demo_json["title"]["ar"] = "\u200fانتخابات 2026"
    assert Manifest.from_json(demo_json).title.get("ar").startswith("\u200f")
