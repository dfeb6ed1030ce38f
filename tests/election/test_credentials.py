"""Voter codes (format, look-alikes, check character), credential secrets, and the published
credential list (sorted, no duplicates, strict JSON, a digest over all of it)."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import pytest

from openballot.crypto.group import Element, g_pow
from openballot.election.credentials import (
    ALPHABET,
    CredentialList,
    credential_secret,
    new_code,
    normalize_code,
    public_credential,
)
from openballot.errors import DecodeError, ProtocolError

CODE_FORMAT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$")
#: Characters a voter may type for a code character, and what they read as.
LOOK_ALIKES = {"O": "0", "I": "1", "L": "1", "U": "V"}
ELECTION = "demo-2026"


def _complete(body: str) -> str:
    """The one valid code with these 19 first characters (found by trying every check
    character, so the test does not re-implement the check)."""
    assert len(body) == 19
    valid = []
    for c in ALPHABET:
        with contextlib.suppress(ProtocolError):
            valid.append(normalize_code(body + c))
    assert len(valid) == 1, valid
    return valid[0]


def _grouped(code: str) -> str:
    return "-".join(code[i : i + 5] for i in range(0, 20, 5))


# --- codes ----------------------------------------------------------------------------------


def test_alphabet_is_crockford_base32() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_new_code_format() -> None:
    codes = [new_code() for _ in range(200)]
    for code in codes:
        assert CODE_FORMAT.match(code), code
        assert normalize_code(code) == code.replace("-", "")
    assert len(set(codes)) == len(codes)
    # 19 random characters: over 200 codes every alphabet character shows up somewhere
    assert set("".join(codes)) - {"-"} == set(ALPHABET)


def test_normalize_accepts_lowercase_spaces_and_look_alikes() -> None:
    code = _complete("0101VABCDEFGHJ01K1V")
    assert code.startswith("0101V")
    grouped = _grouped(code)
    accepted = [
        grouped,
        code,
        grouped.lower(),
        grouped.replace("-", " "),
        "  " + grouped.replace("-", "\t") + " ",
        code.lower().replace("0", "o"),
        code.replace("0", "O").replace("1", "I", 2).replace("1", "L"),
        code.replace("1", "l").replace("V", "u"),
        code.replace("1", "i"),
    ]
    for typed in accepted:
        assert normalize_code(typed) == code, typed


@pytest.mark.parametrize(
    "typed",
    ["", "0101V-ABCDE", "0101V-ABCDE-FGHJ0-1K1V*", "0101V-ABCDE-FGHJ0-1K1VZZ", "Ä" * 20],
)
def test_normalize_rejects_wrong_length_or_characters(typed: str) -> None:
    with pytest.raises(ProtocolError, match=r"^credential code: expected 20 characters"):
        normalize_code(typed)


def _outcome(typed: str) -> str | None:
    try:
        return normalize_code(typed)
    except ProtocolError as exc:
        assert "mistyped" in str(exc)
        return None


def test_single_substitutions_are_caught_or_read_alike() -> None:
    """Exhaustively over positions x alphabet: a substitution must almost always be refused
    (the check character is 5 bits, so about 1 in 32 gets through) and always when it is the
    check character itself that is mistyped. A look-alike letter (O, I, L, U) is read as its
    digit or letter: the same code where it stands for the right character, otherwise exactly
    the outcome of typing what it reads as."""
    codes = [_complete("0123456789ABCDEFGHJ"), _complete("KMNPQRSTVWXYZ0011VV")]
    codes += [normalize_code(new_code()) for _ in range(4)]
    caught = total = 0
    for code in codes:
        for pos in range(20):
            for typed in ALPHABET:
                if typed == code[pos]:
                    continue
                total += 1
                got = _outcome(code[:pos] + typed + code[pos + 1 :])
                if got is None:
                    caught += 1
                else:
                    assert pos < 19, f"{got}: a wrong check character was accepted"
                    assert got != code
            for typed, reads_as in LOOK_ALIKES.items():
                got = _outcome(code[:pos] + typed + code[pos + 1 :])
                if reads_as == code[pos]:
                    assert got == code
                else:
                    assert got == _outcome(code[:pos] + reads_as + code[pos + 1 :])
    assert total == len(codes) * 20 * 31
    assert caught / total >= 0.90, (caught, total)


def test_mistyped_code_rejected() -> None:
    code = _complete("0123456789ABCDEFGHJ")
    wrong_check = code[:19] + ("0" if code[19] != "0" else "1")
    with pytest.raises(ProtocolError, match="check character does not match"):
        normalize_code(_grouped(wrong_check))
    with pytest.raises(ProtocolError):
        credential_secret(ELECTION, wrong_check)


def test_transposition_usually_caught() -> None:
    code = _complete("0123456789ABCDEFGHJ")
    swaps = [code[:i] + code[i + 1] + code[i] + code[i + 2 :] for i in range(18)]
    caught = 0
    for s in swaps:
        try:
            normalize_code(s)
        except ProtocolError:
            caught += 1
    assert caught >= 15


# --- secrets --------------------------------------------------------------------------------


def test_credential_secret_depends_on_election_and_code() -> None:
    code = new_code()
    other = new_code()
    x = credential_secret(ELECTION, code)
    assert credential_secret(ELECTION, code) == x
    assert credential_secret(ELECTION, code.lower().replace("-", " ")) == x
    assert credential_secret("demo-2027", code) != x
    assert credential_secret(ELECTION, other) != x
    assert public_credential(ELECTION, code) == g_pow(x)
    assert public_credential("demo-2027", code) != g_pow(x)


# --- credential lists -----------------------------------------------------------------------


def _creds(k: int) -> list[Element]:
    return [public_credential(ELECTION, new_code()) for _ in range(k)]


@pytest.fixture(scope="module")
def pool() -> list[Element]:
    return _creds(8)


def test_of_sorts_each_district(pool: list[Element]) -> None:
    cl = CredentialList.of({"south": pool[4:], "north": list(reversed(pool[:4]))})
    assert [d for d, _ in cl.districts] == ["north", "south"]
    for _, creds in cl.districts:
        assert [c.data for c in creds] == sorted(c.data for c in creds)
    assert cl.counts() == {"north": 4, "south": 4}
    owner = cl.district_of()
    assert all(owner[c.data] == "north" for c in pool[:4])
    assert all(owner[c.data] == "south" for c in pool[4:])
    assert CredentialList.of({"north": pool[:4], "south": pool[4:]}) == cl


def test_duplicates_rejected(pool: list[Element]) -> None:
    with pytest.raises(ProtocolError, match=re.escape(f"credentials: {pool[2].hex()} appears")):
        CredentialList.of({"north": pool[:4], "south": [pool[2], *pool[5:]]})
    with pytest.raises(ProtocolError, match="appears twice"):
        CredentialList.of({"north": [pool[0], pool[1], pool[0]], "south": pool[5:]})


def test_json_round_trip(pool: list[Element]) -> None:
    cl = CredentialList.of({"north": pool[:3], "south": pool[3:]})
    value = json.loads(json.dumps(cl.to_json()))
    assert set(value) == {"districts"}
    again = CredentialList.from_json(value, ("north", "south"))
    assert again == cl
    assert again.digest(b"m") == cl.digest(b"m")


def test_from_json_fills_in_empty_districts(pool: list[Element]) -> None:
    cl = CredentialList.from_json({"districts": {"north": [pool[0].hex()]}}, ("north", "south"))
    assert cl.counts() == {"north": 1, "south": 0}


def _add_sorted(value: dict[str, Any], to: str, source: str, i: int) -> None:
    """Copy credential `i` of district `source` into district `to`, keeping `to` sorted."""
    ds = value["districts"]
    ds[to] = sorted([*ds[to], ds[source][i]])


def _value(cl: CredentialList) -> dict[str, Any]:
    return json.loads(json.dumps(cl.to_json()))


@pytest.mark.parametrize(
    ("edit", "error", "message"),
    [
        (
            lambda v: v["districts"]["north"].reverse(),
            DecodeError,
            "credentials.districts.north: credentials are not sorted",
        ),
        (
            lambda v: v["districts"].update(east=[]),
            DecodeError,
            "credentials.districts.east: unknown district",
        ),
        (
            lambda v: v["districts"]["south"].__setitem__(1, "zz" * 32),
            DecodeError,
            "credentials.districts.south[1]: not hexadecimal",
        ),
        (
            lambda v: v["districts"]["south"].__setitem__(0, v["districts"]["south"][0].upper()),
            DecodeError,
            "credentials.districts.south[0]: expected 64 lowercase hex characters",
        ),
        (
            lambda v: v["districts"]["south"].__setitem__(0, "00" * 32),
            DecodeError,
            "credentials.districts.south[0]: is the identity element",
        ),
        (
            lambda v: v["districts"].update(north="x"),
            DecodeError,
            "credentials.districts.north: expected a list",
        ),
        (lambda v: v.update(version=1), DecodeError, "credentials: unexpected field 'version'"),
        (lambda v: v.pop("districts"), DecodeError, "credentials.districts: expected an object"),
        (lambda v: _add_sorted(v, "south", "north", 0), DecodeError, "credentials: "),
        (lambda v: _add_sorted(v, "north", "north", 1), DecodeError, "credentials: "),
    ],
    ids=["unsorted", "unknown", "bad hex", "upper hex", "identity", "not list", "extra", "none",
         "duplicate across districts", "duplicate in a district"],
)  # fmt: skip
def test_from_json_rejects(pool: list[Element], edit: Any, error: type, message: str) -> None:
    cl = CredentialList.of({"north": pool[:4], "south": pool[4:]})
    value = _value(cl)
    edit(value)
    with pytest.raises(error, match="^" + re.escape(message)):
        CredentialList.from_json(value, ("north", "south"))


def test_digest_changes_with_any_credential(pool: list[Element]) -> None:
    north, south = pool[:4], pool[4:]
    base = CredentialList.of({"north": north, "south": south}).digest(b"manifest")
    assert len(base) == 64
    (extra,) = _creds(1)
    variants = [
        {"north": [*north[:3], extra], "south": south},  # one replaced
        {"north": north[:3], "south": south},  # one removed
        {"north": [*north, extra], "south": south},  # one added
        {"north": north[:3], "south": [*south, north[3]]},  # one moved to the other district
        {"north": south, "south": north},  # districts swapped
    ]
    digests = {base}
    for v in variants:
        d = CredentialList.of(v).digest(b"manifest")
        assert d != base
        digests.add(d)
    assert len(digests) == 1 + len(variants)
    assert CredentialList.of({"north": north, "south": south}).digest(b"other manifest") != base
