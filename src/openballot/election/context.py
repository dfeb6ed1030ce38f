"""The election context: what every ballot and decryption is bound to.

The fingerprint hashes the manifest, the key ceremony's public data, the joint key and the
credential list, so a ballot or proof made for one election is worthless in any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openballot.crypto.encoding import Encodable, digest
from openballot.crypto.group import Element
from openballot.crypto.keyceremony import joint_public_key
from openballot.crypto.trustee import TrusteePublicKey, verify_public_keys
from openballot.election.credentials import CredentialList
from openballot.election.manifest import Manifest
from openballot.errors import DecodeError, ProtocolError
from openballot.jsonfields import get_int, get_str, obj, only_keys

__all__ = ["ceremony_context", "ElectionContext"]


def ceremony_context(manifest: Manifest, trustees: int, threshold: int) -> Encodable:
    """What every key-ceremony proof and encrypted share is bound to."""
    return ["ceremony", manifest.digest(), trustees, threshold]


@dataclass(frozen=True, slots=True)
class ElectionContext:
    """The election's fixed part and what it derives: the joint key and the fingerprint.

    `credential_list` is None where only the credential list's digest is known: a voter's or
    a trustee's machine talking to a board, which states the digest but does not serve the
    list. Encrypting a ballot and decrypting a tally bind to the fingerprint only; checking
    eligibility needs the list (`credentials`)."""

    manifest: Manifest
    manifest_digest: bytes
    threshold: int
    trustees: tuple[TrusteePublicKey, ...]
    joint_key: Element
    credentials_digest: bytes
    fingerprint: bytes
    credential_list: CredentialList | None = field(default=None, repr=False)

    @classmethod
    def create(
        cls,
        manifest: Manifest,
        threshold: int,
        trustees: Sequence[TrusteePublicKey],
        credentials: CredentialList | bytes,
        check: bool = True,
    ) -> ElectionContext:
        """The one constructor, from the parts (as `ElectionContext.create` in the booth's
        context.js): the manifest, the threshold, the trustees' public keys and the credential
        list, or only its digest (64 bytes, as a board states it).

        Derives the joint key and the fingerprint; unless `check` is off (the verifier runs
        these checks itself to report each one), checks the trustees' public keys first
        (indices 1..n, t commitments each, every proof of knowledge)."""
        ordered = tuple(sorted(trustees, key=lambda t: t.index))
        if check:
            verify_public_keys(
                ordered, threshold, ceremony_context(manifest, len(ordered), threshold)
            )
        manifest_digest = manifest.digest()
        if isinstance(credentials, CredentialList):
            credential_list: CredentialList | None = credentials
            credentials_digest = credentials.digest(manifest_digest)
        else:
            credential_list, credentials_digest = None, credentials
            if len(credentials_digest) != 64:
                raise ProtocolError(
                    f"credentials digest: expected 64 bytes, got {len(credentials_digest)}"
                )
        key = joint_public_key(ordered)
        fingerprint = digest(
            "election",
            manifest_digest,
            len(ordered),
            threshold,
            [
                [t.index, t.name, t.communication_key, t.signing_key, list(t.commitments)]
                for t in ordered
            ],
            key,
            credentials_digest,
        )
        return cls(
            manifest,
            manifest_digest,
            threshold,
            ordered,
            key,
            credentials_digest,
            fingerprint,
            credential_list,
        )

    @property
    def credentials(self) -> CredentialList:
        """The public credential list (for eligibility and the summary)."""
        if self.credential_list is None:
            raise ProtocolError(
                f"election {self.manifest.election_id!r}: only the digest of the credential "
                "list is known here, not the list"
            )
        return self.credential_list

    def summary_json(self) -> dict[str, Any]:
        """election.json: values a reader can recompute, written out for people and tools."""
        return {
            "election_id": self.manifest.election_id,
            "manifest_digest": self.manifest_digest.hex(),
            "trustees": len(self.trustees),
            "threshold": self.threshold,
            "joint_key": self.joint_key.hex(),
            "credentials_digest": self.credentials_digest.hex(),
            "credential_counts": self.credentials.counts(),
            "fingerprint": self.fingerprint.hex(),
        }

    def check_summary(self, value: Any, where: str = "election.json") -> None:
        """Compare a written summary with what the record's parts give."""
        o = obj(value, where)
        mine = self.summary_json()
        only_keys(o, set(mine), where)
        for key, expected in mine.items():
            if key in ("trustees", "threshold"):
                found: Any = get_int(o, key, where)
            elif key == "credential_counts":
                found = o.get(key)
            else:
                found = get_str(o, key, where)
            if found != expected:
                raise DecodeError(f"{where}.{key}: expected {expected!r}, found {found!r}")
