"""A record directory as the bulletin (docs/record.md): each post writes the record's file for
that message, and what a board would do itself (open, cast, close, combine the result) is done
here with the same checks, so the record a command line builds is the one a board exports."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openballot.cli.bulletin import Parameters, all_trustee_keys
from openballot.crypto.group import Element
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.election.context import ElectionContext
from openballot.election.credentials import CredentialList
from openballot.election.decryption import (
    Result,
    TrusteeDecryption,
    compute_result,
    verify_decryption_signature,
    verify_trustee_decryption,
)
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.errors import ProtocolError, RecordError
from openballot.record.ballot_box import BallotBox, Recorded
from openballot.record.files import read_json, write_json
from openballot.record.layout import RecordLayout, decoded
from openballot.verify.ballot_pass import check_ballot_log
from openballot.verify.findings import Finding
from openballot.verify.verifier import load_context

__all__ = ["RecordBulletin"]


class RecordBulletin:
    """The record at `root`; `workers` processes check the ballots when closing."""

    def __init__(self, root: Path, workers: int | None = None) -> None:
        self.layout = RecordLayout(root)
        self.workers = workers
        self._ctx: ElectionContext | None = None
        self._box: BallotBox | None = None  # indexes the ballot log once per command

    # --- reading --------------------------------------------------------------------------

    def parameters(self) -> Parameters:
        layout = self.layout
        layout.check_format()
        manifest = decoded(layout.manifest, read_json(layout.manifest), Manifest.from_json)
        n, t = layout.read_parameters()
        return Parameters(manifest, n, t)

    def commitments(self) -> Mapping[int, KeyCommitment]:
        return self.layout.read_unverified_commitments()

    def has_trustee_key(self, index: int) -> bool:
        return self.layout.trustee_key(index).exists()

    def trustee_keys(self) -> tuple[TrusteePublicKey, ...]:
        return self.layout.read_unverified_trustees()

    def shares(self) -> Mapping[int, SharesMessage]:
        n, _ = self.layout.read_parameters()
        return {
            i: self.layout.read_unverified_shares(i)
            for i in range(1, n + 1)
            if self.layout.shares(i).exists()
        }

    def credentials_published(self) -> bool:
        return self.layout.credentials.exists()

    def context(self) -> ElectionContext:
        if self._ctx is None:
            if not self.layout.election.exists():
                raise RecordError(f"{self.layout.election}: the election is not open yet")
            self._ctx = load_context(self.layout)
        return self._ctx

    def district_of(self, credential: Element) -> str:
        district = self.context().credentials.district_of().get(credential.data)
        if district is None:
            raise ProtocolError("this credential is not on the election's credential list")
        return district

    def tally(self, ctx: ElectionContext) -> Tally:
        path = self.layout.tally
        if not path.exists():
            raise RecordError(f"{path}: the tally has not been computed yet")
        return decoded(path, read_json(path), lambda v: Tally.from_json(v, ctx))

    # --- posting --------------------------------------------------------------------------

    def post_election(self, manifest: Manifest, trustees: int, threshold: int) -> Mapping[str, str]:
        layout = self.layout
        if layout.record_file.exists():
            raise RecordError(f"{layout.root}: a record already exists there")
        layout.create()
        write_json(layout.manifest, manifest.to_json())
        write_json(layout.parameters, {"trustees": trustees, "threshold": threshold})
        return {}  # a record directory has no access control: no tokens

    def post_key_commitment(self, commitment: KeyCommitment) -> None:
        write_json(self.layout.key_commitment(commitment.index), commitment.to_json())

    def post_trustee_key(self, key: TrusteePublicKey) -> None:
        write_json(self.layout.trustee_key(key.index), key.to_json())

    def post_shares(self, message: SharesMessage) -> None:
        write_json(self.layout.shares(message.sender), message.to_json())

    def post_verdict(self, verdict: Verdict) -> None:
        # The record keeps complaints only; "all good" is the absence of a complaints file.
        if verdict.complaints:
            write_json(self.layout.complaints(verdict.trustee), verdict.to_json())

    def post_credentials(self, credentials: CredentialList) -> None:
        write_json(self.layout.credentials, credentials.to_json())

    def open(self) -> ElectionContext:
        layout = self.layout
        p = self.parameters()
        keys = all_trustee_keys(self.trustee_keys(), p)
        for k in keys:
            layout.read_unverified_shares(k.index)
        if layout.read_unverified_complaints():
            raise ProtocolError("the key ceremony has complaints; it must be run again")
        credentials = decoded(
            layout.credentials,
            read_json(layout.credentials),
            lambda v: CredentialList.from_json(v, p.manifest.district_ids()),
        )
        ctx = ElectionContext.create(p.manifest, p.threshold, keys, credentials)
        write_json(layout.election, ctx.summary_json())
        self._ctx = ctx
        return ctx

    def _ballot_box(self) -> BallotBox:
        if self._box is None:
            self._box = BallotBox(self.layout, self.context())
        return self._box

    def audit(self, ballot: EncryptedBallot, opening: BallotOpening) -> Recorded:
        return self._ballot_box().audit(ballot, opening)

    def cast(self, ballot: EncryptedBallot) -> Recorded:
        return self._ballot_box().cast(ballot)

    def close(self) -> tuple[Tally, list[Finding]]:
        """Ballots that fail a check are left out and reported: a board never accepts them,
        so their presence means tampering."""
        ctx = self.context()
        if self.layout.tally.exists():
            raise RecordError(f"{self.layout.tally}: the tally was already computed")
        summary = check_ballot_log(ctx, self.layout.ballots, self.workers)
        tally = summary.builder.finish(summary.log_size, summary.log_root)
        write_json(self.layout.tally, tally.to_json())
        return tally, summary.findings

    def post_decryption(self, decryption: TrusteeDecryption) -> None:
        write_json(self.layout.decryption(decryption.trustee), decryption.to_json())

    def publish_result(self) -> Result:
        layout = self.layout
        ctx = self.context()
        tally = self.tally(ctx)
        decryptions = []
        found = (
            sorted(layout.decryptions.glob("trustee-*.json")) if layout.decryptions.exists() else []
        )
        for path in found:
            dec = decoded(path, read_json(path), lambda v: TrusteeDecryption.from_json(v, ctx))
            verify_decryption_signature(ctx, tally, dec)
            verify_trustee_decryption(ctx, tally, dec)
            decryptions.append(dec)
        result = compute_result(ctx, tally, decryptions)
        write_json(layout.result, result.to_json())
        return result
