"""The election context: what every ballot and decryption is bound to.

The fingerprint hashes the manifest, the key ceremony's public data, the joint key and the
credential list, so a ballot or proof made for one election is worthless in any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openballot.crypto.encoding import Encodable, digest
from openballot.crypto.group import Element
from openballot.crypto.keyceremony import joint_public_key
from openballot.crypto.trustee import TrusteePublicKey, check_public_keys
from openballot.election.credentials import CredentialList
from openballot.election.manifest import Manifest
from openballot.errors import DecodeError
from openballot.jsonfields import get_int, get_str, obj, only_keys

__all__ = ["ceremony_context", "ElectionContext"]


def ceremony_context(manifest: Manifest, trustees: int, threshold: int) -> Encodable:
    """What every key-ceremony proof and encrypted share is bound to."""
    return ["ceremony", manifest.digest(), trustees, threshold]


@dataclass(frozen=True, slots=True)
class ElectionContext:
    manifest: Manifest
    manifest_digest: bytes
    threshold: int
    trustees: tuple[TrusteePublicKey, ...]
    joint_key: Element
    credentials: CredentialList
    fingerprint: bytes

    @classmethod
    def create(
        cls,
        manifest: Manifest,
        threshold: int,
        trustees: Sequence[TrusteePublicKey],
        credentials: CredentialList,
        check: bool = True,
    ) -> ElectionContext:
        """Derive the joint key and the fingerprint; unless `check` is off (the verifier runs
        these checks itself to report each one), check the trustees' public keys first."""
        ordered = tuple(sorted(trustees, key=lambda t: t.index))
        if check:
            check_public_keys(ordered, threshold)
            ceremony = ceremony_context(manifest, len(ordered), threshold)
            for t in ordered:
                t.verify(ceremony, threshold)
        manifest_digest = manifest.digest()
        key = joint_public_key(ordered)
        fingerprint = digest(
            "election",
            manifest_digest,
            len(ordered),
            threshold,
            [[t.index, t.name, t.communication_key, list(t.commitments)] for t in ordered],
            key,
            credentials.digest(manifest_digest),
        )
        return cls(manifest, manifest_digest, threshold, ordered, key, credentials, fingerprint)

    def summary_json(self) -> dict[str, Any]:
        """election.json: values a reader can recompute, written out for people and tools."""
        return {
            "election_id": self.manifest.election_id,
            "manifest_digest": self.manifest_digest.hex(),
            "trustees": len(self.trustees),
            "threshold": self.threshold,
            "joint_key": self.joint_key.hex(),
            "credentials_digest": self.credentials.digest(self.manifest_digest).hex(),
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
