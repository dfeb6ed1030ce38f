"""The bulletin a role's steps read from and post to: a record directory (`RecordBulletin`)
or a running board over HTTP (`HttpBulletin`). The steps (`roles.py`) are written once against
this interface; the commands pick the transport.

What a bulletin returns is public and unverified unless the method says otherwise: the steps
check what they use. `context()` is the exception: each bulletin rebuilds the election context
from the published parts and checks it (ElectionContext.create).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from openballot.crypto.encoding import Encodable
from openballot.crypto.group import Element
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import CredentialList
from openballot.election.decryption import Result, TrusteeDecryption
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.errors import ProtocolError
from openballot.verify.findings import Finding

__all__ = ["Parameters", "Bulletin", "all_trustee_keys"]

#: What a bulletin answers to a ballot: the record's line, or the board's checked receipt.
A = TypeVar("A", covariant=True)


@dataclass(frozen=True, slots=True)
class Parameters:
    """The election as the authority set it up: the manifest, n trustees, threshold t."""

    manifest: Manifest
    trustees: int
    threshold: int

    def ceremony(self) -> Encodable:
        return ceremony_context(self.manifest, self.trustees, self.threshold)


class Bulletin(Protocol[A]):
    # --- reading --------------------------------------------------------------------------

    def parameters(self) -> Parameters: ...

    def commitments(self) -> Mapping[int, KeyCommitment]:
        """The key commitments published so far, by trustee."""
        ...

    def has_trustee_key(self, index: int) -> bool: ...

    def trustee_keys(self) -> tuple[TrusteePublicKey, ...]:
        """Every public key published so far."""
        ...

    def shares(self) -> Mapping[int, SharesMessage]:
        """The signed encrypted shares published so far, by sender (signatures unchecked)."""
        ...

    def credentials_published(self) -> bool: ...

    def context(self) -> ElectionContext:
        """The context of an open election, rebuilt from the published parts and checked."""
        ...

    def district_of(self, credential: Element) -> str:
        """The district of a published credential (an error if it is on no list)."""
        ...

    def tally(self, ctx: ElectionContext) -> Tally: ...

    # --- posting --------------------------------------------------------------------------

    def post_election(self, manifest: Manifest, trustees: int, threshold: int) -> Mapping[str, str]:
        """Start the election; returns the roles' bearer tokens, if the bulletin has any."""
        ...

    def post_key_commitment(self, commitment: KeyCommitment) -> None: ...

    def post_trustee_key(self, key: TrusteePublicKey) -> None: ...

    def post_shares(self, message: SharesMessage) -> None: ...

    def post_verdict(self, verdict: Verdict) -> None:
        """A trustee's verdict on the shares it received: no complaint means all good."""
        ...

    def post_credentials(self, credentials: CredentialList) -> None: ...

    def open(self) -> ElectionContext:
        """Fix the election context and open voting."""
        ...

    def audit(self, ballot: EncryptedBallot, opening: BallotOpening) -> A: ...

    def cast(self, ballot: EncryptedBallot) -> A: ...

    def close(self) -> tuple[Tally, list[Finding]]:
        """Close voting and tally the ballots that count."""
        ...

    def post_decryption(self, decryption: TrusteeDecryption) -> None: ...

    def publish_result(self) -> Result:
        """Combine the trustees' decryptions into the result."""
        ...


def all_trustee_keys(
    keys: tuple[TrusteePublicKey, ...], parameters: Parameters
) -> tuple[TrusteePublicKey, ...]:
    """`keys` if every trustee has published one: the steps that need them wait for all n."""
    if len(keys) != parameters.trustees:
        raise ProtocolError(
            f"{len(keys)} of {parameters.trustees} trustees have published keys; wait for all"
        )
    return keys
