"""Voting credentials: one signing key per eligible voter.

The credential authority hands each voter a short code that a person can type; the secret
key is derived from it, and only the public key g^x is published, in the district list of
the voter's home district. A ballot is signed with the key, so the count of public
credentials per district bounds the count of counted ballots there.

Code: 20 characters of Crockford base32 in four groups of five (``7KQ2M-X0HVA-PD3RT-9WZ4B``);
19 random characters (95 bits) and one check character, so most typing mistakes are caught
before a voter signs with the wrong key.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from openballot.crypto.encoding import digest, hash_to_scalar
from openballot.crypto.group import Element, Scalar, g_pow
from openballot.errors import DecodeError, ProtocolError
from openballot.jsonfields import get_list, obj, only_keys

__all__ = [
    "ALPHABET",
    "new_code",
    "normalize_code",
    "credential_secret",
    "CredentialList",
    "public_credential",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_CHARS = 19
_READS_AS = {"O": "0", "I": "1", "L": "1", "U": "V"}


def _check_char(body: str) -> str:
    return ALPHABET[digest("credential/code-check", body)[0] % 32]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(_RANDOM_CHARS))
    full = body + _check_char(body)
    return "-".join(full[i : i + 5] for i in range(0, 20, 5))


#: What a voter may type on an Arabic or Persian keyboard, or paste from a document: Arabic-
#: Indic digits read as digits, other dashes and spaces as a dash, invisible marks dropped.
#: The booth applies the same map (web/src/protocol/credentials.js).
_TYPED_AS = {
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
    **{
        chr(c): "-"
        for c in [*range(0x2010, 0x2016), 0x2212, 0x00A0, *range(0x2000, 0x200B), 0x202F, 0x3000]
    },
    **{chr(c): "" for c in [*range(0x200B, 0x2010), *range(0x2066, 0x206A), 0xFEFF]},
}


def normalize_code(code: str) -> str:
    """Map what keyboards type (see _TYPED_AS), upper-case, drop spaces and dashes, read
    look-alikes (O as 0, I and L as 1) and check."""
    code = "".join(_TYPED_AS.get(c, c) for c in code)
    if not code.isascii():
        # str.upper() maps some non-ASCII letters onto ASCII ones ("ı" to "I"); a second
        # implementation would have to copy that, so only ASCII is read.
        raise ProtocolError("credential code: expected 20 characters of 0-9 and A-Z")
    chars = "".join(_READS_AS.get(c, c) for c in code.upper() if c not in " -\t")
    if len(chars) != 20 or any(c not in ALPHABET for c in chars):
        raise ProtocolError("credential code: expected 20 characters of 0-9 and A-Z")
    if _check_char(chars[:19]) != chars[19]:
        raise ProtocolError("credential code: mistyped (its check character does not match)")
    return chars


def credential_secret(election_id: str, code: str) -> Scalar:
    """x = H("credential/secret", election id, normalized code) mod L."""
    return hash_to_scalar("credential/secret", election_id, normalize_code(code))


@dataclass(frozen=True, slots=True)
class CredentialList:
    """The public credentials of each district, each list sorted so order reveals nothing."""

    districts: tuple[tuple[str, tuple[Element, ...]], ...]

    def __post_init__(self) -> None:
        seen: set[bytes] = set()
        for _district, creds in self.districts:
            for c in creds:
                if c.data in seen:
                    raise ProtocolError(f"credentials: {c.hex()} appears twice")
                seen.add(c.data)

    @classmethod
    def of(cls, by_district: dict[str, list[Element]]) -> CredentialList:
        return cls(
            tuple(
                (d, tuple(sorted(creds, key=lambda e: e.data)))
                for d, creds in sorted(by_district.items())
            )
        )

    def counts(self) -> dict[str, int]:
        return {d: len(c) for d, c in self.districts}

    def district_of(self) -> dict[bytes, str]:
        """Map from a public credential's encoding to its district."""
        return {c.data: d for d, creds in self.districts for c in creds}

    def digest(self, manifest_digest: bytes) -> bytes:
        return digest(
            "credentials",
            manifest_digest,
            [[d, list(creds)] for d, creds in self.districts],
        )

    def to_json(self) -> dict[str, Any]:
        return {"districts": {d: [c.hex() for c in creds] for d, creds in self.districts}}

    @classmethod
    def from_json(
        cls, value: Any, district_ids: tuple[str, ...], where: str = "credentials"
    ) -> CredentialList:
        o = obj(value, where)
        only_keys(o, {"districts"}, where)
        ds = obj(o.get("districts"), f"{where}.districts")
        by_district: dict[str, list[Element]] = {}
        for d, _creds in ds.items():
            w = f"{where}.districts.{d}"
            if d not in district_ids:
                raise DecodeError(f"{w}: unknown district")
            creds_list = get_list(ds, d, f"{where}.districts")
            by_district[d] = [Element.from_hex(c, f"{w}[{i}]") for i, c in enumerate(creds_list)]
            if [c.data for c in by_district[d]] != sorted(c.data for c in by_district[d]):
                raise DecodeError(f"{w}: credentials are not sorted")
        for d in district_ids:
            by_district.setdefault(d, [])
        try:
            return cls.of(by_district)
        except ProtocolError as exc:
            raise DecodeError(f"{where}: {exc}") from None


def public_credential(election_id: str, code: str) -> Element:
    return g_pow(credential_secret(election_id, code))
