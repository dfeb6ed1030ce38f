"""The `ceremony` fixture: an honest key ceremony, run once per (n, t) and shared by the
key-ceremony and threshold tests (hypothesis would otherwise rerun it for every example).

Tests do not import from here; they reach `Ceremony` only through the fixture."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pytest

from openballot.crypto.encoding import Encodable
from openballot.crypto.keyceremony import (
    TrusteeShare,
    encrypt_shares,
    generate_trustee,
    receive_shares,
)
from openballot.crypto.share_encryption import EncryptedShare
from openballot.crypto.trustee import TrusteePublicKey, TrusteeSecret


@dataclass(frozen=True)
class Ceremony:
    n: int
    t: int
    context: Encodable
    secrets: tuple[TrusteeSecret, ...]
    public_keys: tuple[TrusteePublicKey, ...]
    sent: dict[int, tuple[EncryptedShare, ...]]
    shares: tuple[TrusteeShare, ...]

    def received_by(self, j: int) -> list[EncryptedShare]:
        return [s for sent in self.sent.values() for s in sent if s.recipient == j]

    def share(self, sender: int, recipient: int) -> EncryptedShare:
        (found,) = [s for s in self.sent[sender] if s.recipient == recipient]
        return found


@cache
def run_ceremony(n: int, t: int) -> Ceremony:
    context: Encodable = ("ceremony", b"manifest digest", n, t)
    pairs = [generate_trustee(i, f"Trustee {i}", t, context) for i in range(1, n + 1)]
    secrets = tuple(s for s, _ in pairs)
    public_keys = tuple(p for _, p in pairs)
    sent = {s.index: encrypt_shares(s, public_keys, context) for s in secrets}
    shares = []
    for s in secrets:
        received = [e for out in sent.values() for e in out if e.recipient == s.index]
        share, complaints = receive_shares(s, public_keys, received, context)
        assert complaints == ()
        assert share is not None
        shares.append(share)
    return Ceremony(n, t, context, secrets, public_keys, sent, tuple(shares))


@pytest.fixture(scope="session")
def ceremony() -> Callable[[int, int], Ceremony]:
    return run_ceremony
