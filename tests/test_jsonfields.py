"""openballot.jsonfields: every field error names the field, and the parser is strict."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openballot.errors import DecodeError
from openballot.jsonfields import (
    MAX_INT,
    as_int,
    as_list,
    as_str,
    construct,
    exact_obj,
    get,
    get_int,
    get_list,
    get_obj,
    get_str,
    hex_bytes,
    loads,
    obj,
    only_keys,
)


def refused(message: str) -> Any:
    return pytest.raises(DecodeError, match=message)


def test_fields_are_read_by_type_and_named_when_wrong() -> None:
    o = {"name": "amal", "n": 3, "items": [1], "inner": {"a": 1}}
    assert get_str(o, "name", "x") == "amal"
    assert get_int(o, "n", "x") == 3
    assert get_list(o, "items", "x") == [1]
    assert get_obj(o, "inner", "x") == {"a": 1}
    with refused(r"^x: missing field 'gone'$"):
        get(o, "gone", "x")
    with refused(r"^x\.n: expected a string, got int$"):
        get_str(o, "n", "x")
    with refused(r"^x\.name: expected an integer, got str$"):
        get_int(o, "name", "x")
    with refused(r"^x\.name: expected a list, got str$"):
        get_list(o, "name", "x")
    with refused(r"^x\.items: expected an object, got list$"):
        get_obj(o, "items", "x")


def test_booleans_are_not_integers_and_integers_are_bounded() -> None:
    with refused("expected an integer, got bool"):
        as_int(True, "v")
    with refused(r"^x\.n: expected at least 1, got 0$"):
        get_int({"n": 0}, "n", "x", 1)
    with refused("expected at most"):
        get_int({"n": MAX_INT + 1}, "n", "x")
    assert get_int({"n": MAX_INT}, "n", "x") == MAX_INT


def test_text_with_a_lone_surrogate_is_refused() -> None:
    with refused("lone surrogate"):
        as_str("\ud800", "label")
    with refused("expected a list"):
        as_list("x", "v")


def test_unknown_and_missing_fields_are_named() -> None:
    with refused(r"^x: unexpected field 'b'$"):
        only_keys({"a": 1, "b": 2}, {"a"}, "x")
    with refused(r"^x: b: missing$"):
        exact_obj({"a": 1}, ("a", "b"), "x")
    with refused(r"^x: unexpected field 'c'$"):
        exact_obj({"a": 1, "b": 2, "c": 3}, ("a", "b"), "x")
    with refused("expected a JSON object"):
        exact_obj([], ("a",), "x")
    with refused("expected an object, got NoneType"):
        obj(None, "x")


def test_construct_turns_a_broken_invariant_into_a_decode_error() -> None:
    def broken() -> int:
        raise ValueError("threshold 4 is more than 3 trustees")

    with refused(r"^key: threshold 4 is more than 3 trustees$"):
        construct("key", broken)
    assert construct("key", lambda: 7) == 7


@pytest.mark.parametrize(
    "text", ["AB" * 4, "ab" * 3, "ab " * 4, "0xabab", "abababag", 7]
)
def test_hex_is_lowercase_and_exactly_sized(text: Any) -> None:
    with pytest.raises(DecodeError, match="^h: expected"):
        hex_bytes(text, 4, "h")


def test_hex_reads_its_one_spelling() -> None:
    assert hex_bytes("00ff10ab", 4, "h") == bytes([0, 255, 16, 171])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"a": 1, "a": 2}', "field 'a' appears twice"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": Infinity}', "Infinity is not a JSON number"),
        ('{"a": 1', "not valid JSON"),
        ("[" * 100_000, "not valid JSON"),
        (b"\xff", "not valid JSON"),
    ],
)
def test_loads_is_strict_and_names_the_source(data: str | bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=f"^file.json:3: .*{message}"):
        loads(data, "file.json:3")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters(codec="utf-8")),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(alphabet=st.characters(codec="utf-8")), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_loads_reads_back_what_json_writes(value: Any) -> None:
    assert loads(json.dumps(value), "v") == value
