"""A running board as the bulletin, over its HTTP API (docs/server.md), from a role's own
machine. Nothing the board answers is trusted without a check: the election context is rebuilt
from the published parts and the board's stated joint key and fingerprint compared with it,
and every receipt is checked against the board key, the election and the ballot sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from openballot.cli.board_client import PAGE, BoardClient, http_client
from openballot.cli.bulletin import Parameters, all_trustee_keys
from openballot.crypto.group import Element
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.election.context import ElectionContext
from openballot.election.credentials import CredentialList
from openballot.election.decryption import Result, TrusteeDecryption
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.errors import ProofError, ProtocolError
from openballot.jsonfields import get_int, get_list, get_obj, get_str, hex_bytes, obj
from openballot.record.receipt import Receipt
from openballot.verify.findings import Finding

__all__ = ["Answered", "HttpBulletin", "connect"]

TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class Answered:
    """The board's answer to a cast or an audit: the receipt, checked, and the answer's bytes
    as the board sent them (with its `already_cast`: what a voter keeps for `verify --receipt`)."""

    receipt: Receipt
    body: bytes


class HttpBulletin(BoardClient):
    """One election on a board; `token` is the bearer token of the role posting, if any."""

    def __init__(self, client: httpx.Client, election_id: str, token: str | None = None) -> None:
        super().__init__(client, election_id)
        self.token = token
        self._ctx: ElectionContext | None = None
        self._board_key: bytes | None = None

    def post(self, path: str, body: Any = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token is not None else {}
        return self.request("POST", path, json=body, headers=headers)

    def post_json(self, path: str, body: Any = None) -> Any:
        return self.json_of(self.post(path, body), "POST", path)

    def _post_json(self, rest: str, body: Any = None) -> dict[str, Any]:
        return obj(self.post_json(self.election_path(rest), body), f"answer to POST {rest}")

    def info(self) -> dict[str, Any]:
        """GET /api/elections/{id}: the election as the board states it."""
        return obj(self.get(self.election_path("")), "election")

    def pinned_board_key(self) -> bytes:
        """The board key, read once per command and used for every receipt after."""
        if self._board_key is None:
            self._board_key = self.board_key()
        return self._board_key

    # --- reading --------------------------------------------------------------------------

    def _parameters(self, info: dict[str, Any]) -> Parameters:
        manifest = Manifest.from_json(info.get("manifest"))
        if manifest.election_id != self.election_id:
            raise ProofError(f"the board answered with election {manifest.election_id!r}")
        n = get_int(info, "trustee_count", "election", 1)
        t = get_int(info, "threshold", "election", 1)
        return Parameters(manifest, n, t)

    def parameters(self) -> Parameters:
        return self._parameters(self.info())

    def has_trustee_key(self, index: int) -> bool:
        return any(k.index == index for k in self.trustee_keys())

    def trustee_keys(self) -> tuple[TrusteePublicKey, ...]:
        return _keys(self.info())

    def commitments(self) -> Mapping[int, KeyCommitment]:
        published = obj(self.get(self.election_path("/ceremony")), "ceremony")
        items = (KeyCommitment.from_json(c) for c in get_list(published, "commitments", "ceremony"))
        return {c.index: c for c in items}

    def shares(self) -> Mapping[int, SharesMessage]:
        published = obj(self.get(self.election_path("/ceremony")), "ceremony")
        by_sender = obj(published.get("shares"), "ceremony.shares")
        return {
            int(sender): SharesMessage.from_json(message, int(sender))
            for sender, message in by_sender.items()
        }

    def credentials_published(self) -> bool:
        if get_str(self.info(), "state", "election") != "setup":
            return True
        # In setup the log is short: the manifest and the ceremony's messages.
        start = 0
        while True:
            page = self.get(self.election_path("/board/entries"), start=start, limit=PAGE)
            entries = get_list(obj(page, "entries"), "entries", "entries")
            if any(obj(e, "entry").get("type") == "credentials" for e in entries):
                return True
            if len(entries) < PAGE:
                return False
            start += len(entries)

    def context(self) -> ElectionContext:
        """Rebuilt from what the board publishes. The board states the credential list's
        digest, not the list, so the context knows the digest only (enough to encrypt a ballot
        and decrypt a tally, which bind to the fingerprint)."""
        if self._ctx is None:
            info = self.info()
            p = self._parameters(info)
            if "fingerprint" not in info:
                raise ProtocolError(
                    f"election {self.election_id!r} is not open yet ({info.get('state')})"
                )
            keys = all_trustee_keys(_keys(info), p)
            digest = hex_bytes(info.get("credentials_digest"), 64, "credentials_digest")
            ctx = ElectionContext.create(p.manifest, p.threshold, keys, digest)
            if get_str(info, "joint_key", "election") != ctx.joint_key.hex():
                raise ProofError("the board states a joint key that its trustees' keys do not give")
            if get_str(info, "fingerprint", "election") != ctx.fingerprint.hex():
                raise ProofError(
                    "the board states an election fingerprint that its data does not give"
                )
            self._ctx = ctx
        return self._ctx

    def district_of(self, credential: Element) -> str:
        answer = obj(self.get(self.election_path(f"/credentials/{credential.hex()}")), "answer")
        return get_str(answer, "district", "answer")

    def tally(self, ctx: ElectionContext) -> Tally:
        return Tally.from_json(self.get(self.election_path("/tally")), ctx)

    # --- posting --------------------------------------------------------------------------

    def post_election(self, manifest: Manifest, trustees: int, threshold: int) -> Mapping[str, str]:
        body = {"manifest": manifest.to_json(), "trustees": trustees, "threshold": threshold}
        answer = obj(self.post_json("/api/elections", body), "answer")
        if answer.get("election") != manifest.election_id:
            raise ProofError(f"the board created election {answer.get('election')!r}")
        tokens = get_obj(answer, "tokens", "answer")
        return {role: get_str(tokens, role, "answer.tokens") for role in tokens}

    def post_key_commitment(self, commitment: KeyCommitment) -> None:
        self._post_json(f"/trustees/{commitment.index}/commitment", commitment.to_json())

    def post_trustee_key(self, key: TrusteePublicKey) -> None:
        self._post_json(f"/trustees/{key.index}/key", key.to_json())

    def post_shares(self, message: SharesMessage) -> None:
        self._post_json(f"/trustees/{message.sender}/shares", message.to_json())

    def post_verdict(self, verdict: Verdict) -> None:
        self._post_json(f"/trustees/{verdict.trustee}/verdict", verdict.to_json())

    def post_credentials(self, credentials: CredentialList) -> None:
        self._post_json("/credentials", credentials.to_json())

    def open(self) -> ElectionContext:
        answer = self._post_json("/open")
        ctx = self.context()
        if get_str(answer, "fingerprint", "answer") != ctx.fingerprint.hex():
            raise ProofError("the board opened the election with another fingerprint")
        return ctx

    def _receipted(self, rest: str, body: Any, ballot: EncryptedBallot, kind: str) -> Answered:
        path = self.election_path(rest)
        r = self.post(path, body)
        answer = obj(self.json_of(r, "POST", path), "receipt")
        receipt = Receipt.from_json(answer)
        receipt.verify(self.pinned_board_key(), self.election_id, ballot.tracker(), kind)
        return Answered(receipt, r.content)

    def audit(self, ballot: EncryptedBallot, opening: BallotOpening) -> Answered:
        body = {"ballot": ballot.to_json(), "opening": opening.to_json()}
        return self._receipted("/audits", body, ballot, "audit")

    def cast(self, ballot: EncryptedBallot) -> Answered:
        return self._receipted("/ballots", {"ballot": ballot.to_json()}, ballot, "cast")

    def close(self) -> tuple[Tally, list[Finding]]:
        # The board refuses to close over a bad ballot, so it leaves none out.
        answer = self._post_json("/close")
        return Tally.from_json(answer.get("tally"), self.context()), []

    def post_decryption(self, decryption: TrusteeDecryption) -> None:
        self._post_json(f"/trustees/{decryption.trustee}/decryption", decryption.to_json())

    def publish_result(self) -> Result:
        answer = self._post_json("/result")
        return Result.from_json(answer, self.context())


def _keys(info: dict[str, Any]) -> tuple[TrusteePublicKey, ...]:
    return tuple(TrusteePublicKey.from_json(k) for k in get_list(info, "trustees", "election"))


@contextmanager
def connect(url: str, election_id: str, token: str | None = None) -> Iterator[HttpBulletin]:
    with http_client(url, TIMEOUT) as client:
        yield HttpBulletin(client, election_id, token)
