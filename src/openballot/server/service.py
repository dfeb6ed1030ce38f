"""One election on the board: which message is acceptable when, checked before it is logged.

Every message is verified completely (proofs, signatures, phase, authorisation) before it is
appended, and nothing changes when a check fails. Phases follow the protocol: setup (trustee
keys, then shares, then each trustee's verdict; the credential list) -> open (ballots and
audits) -> closed (the tally) -> decryptions -> result.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, assert_never

from openballot.board.log import Appended, ElectionLog
from openballot.board.signing import BoardKey
from openballot.board.store import BoardStorageError, BoardStore, DuplicateEntry, StoredEntry
from openballot.crypto.complaint import Complaint
from openballot.crypto.encoding import Encodable
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.acceptance import AcceptancePolicy, BallotKind, OutOfOrder
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.election.context import ElectionContext, ceremony_context
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
from openballot.errors import DecodeError, OpenBallotError, ProtocolError
from openballot.jsonfields import get, get_int, obj, only_keys
from openballot.record.ballot_log import AuditEntry, CastEntry
from openballot.record.board_entries import (
    BALLOT_TAGS,
    FIXED_TAGS,
    BoardEntry,
    CeremonyOkEntry,
    ComplaintsEntry,
    CredentialsEntry,
    DecryptionEntry,
    ElectionEntry,
    KeyCommitmentEntry,
    ManifestEntry,
    ResultEntry,
    SharesEntry,
    TallyEntry,
    TrusteeKeyEntry,
    parse_leaf,
)
from openballot.record.receipt import Receipt
from openballot.verify.ballot_pass import check_ballot_lines

__all__ = [
    "Forbidden",
    "NotFound",
    "Conflict",
    "CastAnswer",
    "ElectionService",
    "Board",
]


class Forbidden(OpenBallotError):
    """Missing or wrong bearer token for this role."""


class NotFound(OpenBallotError):
    pass


class Conflict(ProtocolError):
    """Acceptable in general but not now (wrong phase, already done)."""


@dataclass(frozen=True, slots=True)
class CastAnswer:
    """The board's answer to a cast or an audit: the voter's receipt, plus `already_cast`
    (this exact ballot was on the board before), a detail of the HTTP answer."""

    tracker: bytes
    appended: Appended
    already_cast: bool = False

    @property
    def receipt(self) -> Receipt:
        a = self.appended
        proof = tuple(a.inclusion_proof)
        return Receipt(self.tracker, a.entry.seq, a.entry.data, a.tree_head, proof)

    def to_json(self) -> dict[str, Any]:
        return {**self.receipt.to_json(), "already_cast": self.already_cast}


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass
class ElectionService:
    log: ElectionLog
    manifest: Manifest
    trustees: int
    threshold: int
    commitments: dict[int, KeyCommitment] = field(default_factory=dict)
    keys: dict[int, TrusteePublicKey] = field(default_factory=dict)
    shares: dict[int, SharesMessage] = field(default_factory=dict)
    complaints: list[Complaint] = field(default_factory=list)
    verdicts: set[int] = field(default_factory=set)
    credentials: CredentialList | None = None
    ctx: ElectionContext | None = None
    eligible: dict[bytes, str] = field(default_factory=dict)
    tally: Tally | None = None
    decryptions: dict[int, TrusteeDecryption] = field(default_factory=dict)
    result: Result | None = None

    @property
    def election_id(self) -> str:
        return self.manifest.election_id

    @property
    def state(self) -> str:
        if self.result is not None:
            return "decrypted"
        if self.tally is not None:
            return "closed"
        if self.ctx is not None:
            return "open"
        return "setup"

    def ceremony(self) -> Encodable:
        return ceremony_context(self.manifest, self.trustees, self.threshold)

    # --- authorisation -----------------------------------------------------------------

    def authorise(self, role: str, token: str | None) -> None:
        expected = self.log.store.token_hash(self.election_id, role)
        if (
            expected is None
            or token is None
            or not hmac.compare_digest(expected, _token_hash(token))
        ):
            raise Forbidden(f"this needs the {role} token of election {self.election_id!r}")

    # --- replay at start-up ------------------------------------------------------------

    def apply(self, leaf: BoardEntry) -> None:
        """Update the state with a leaf already checked (now or when it was logged). Each
        kind of leaf has its case; mypy checks that none is left out."""
        match leaf:
            case KeyCommitmentEntry():
                commitment = KeyCommitment.from_json(leaf.commitment)
                self.commitments[commitment.index] = commitment
            case TrusteeKeyEntry():
                key = TrusteePublicKey.from_json(leaf.key)
                self.keys[key.index] = key
            case SharesEntry():
                self.shares[leaf.sender] = SharesMessage.from_json(
                    {"shares": leaf.shares, "signature": leaf.signature}, leaf.sender
                )
            case ComplaintsEntry():
                self.complaints.extend(Complaint.from_json(c) for c in leaf.complaints)
                self.verdicts.add(leaf.accuser)
            case CeremonyOkEntry():
                self.verdicts.add(leaf.trustee)
            case CredentialsEntry():
                self.credentials = CredentialList.from_json(
                    leaf.credentials, self.manifest.district_ids()
                )
                self.eligible = self.credentials.district_of()
            case ElectionEntry():
                if self.credentials is None:
                    raise self._out_of_place(leaf, "before the credential list")
                self.ctx = ElectionContext.create(
                    self.manifest,
                    self.threshold,
                    list(self.keys.values()),
                    self.credentials,
                    check=False,
                )
            case TallyEntry():
                self.tally = Tally.from_json(leaf.tally, self._opened(leaf))
            case DecryptionEntry():
                dec = TrusteeDecryption.from_json(leaf.decryption, self._opened(leaf))
                self.decryptions[dec.trustee] = dec
            case ResultEntry():
                self.result = Result.from_json(leaf.result, self._opened(leaf))
            case ManifestEntry() | CastEntry() | AuditEntry():
                # The manifest makes the service (`Board`); ballots change no state it keeps.
                raise self._out_of_place(leaf, "where only the election's fixed part is replayed")
            case _:
                assert_never(leaf)

    def _opened(self, leaf: BoardEntry) -> ElectionContext:
        if self.ctx is None:
            raise self._out_of_place(leaf, "before the election opened")
        return self.ctx

    def _out_of_place(self, leaf: BoardEntry, where: str) -> BoardStorageError:
        return BoardStorageError(
            f"election {self.election_id!r}: the board holds a {leaf.TAG!r} leaf {where}"
        )

    def _append(self, leaf: BoardEntry) -> Appended:
        before = self.log.size
        try:
            appended = self.log.append(leaf.TAG, leaf.leaf())
        except BaseException:
            if self.log.size > before:  # committed after all: the state must show it
                self.apply(leaf)
            raise
        self.apply(leaf)
        return appended

    # --- key ceremony ------------------------------------------------------------------

    def _in_setup(self) -> None:
        if self.ctx is not None:
            raise Conflict("the key ceremony is over: the election is open")

    def _trustee(self, index: int) -> None:
        if not 1 <= index <= self.trustees:
            raise NotFound(f"trustee {index}: this election has trustees 1..{self.trustees}")

    def post_key_commitment(self, index: int, value: Any) -> Appended:
        """Step 0: a trustee commits to its key before any key is revealed (protocol.md 10.8)."""
        with self.log.lock:
            self._in_setup()
            self._trustee(index)
            commitment = KeyCommitment.from_json(value)
            if commitment.index != index:
                raise ProtocolError(
                    f"the commitment is trustee {commitment.index}'s, posted as trustee {index}"
                )
            if index in self.commitments:
                raise Conflict(f"trustee {index} has already committed to a key")
            return self._append(KeyCommitmentEntry(commitment.to_json()))

    def post_trustee_key(self, index: int, value: Any) -> Appended:
        """Step 1: the key is revealed once all n trustees have committed, and must match."""
        with self.log.lock:
            self._in_setup()
            self._trustee(index)
            key = TrusteePublicKey.from_json(value)
            if key.index != index:
                raise ProtocolError(f"the key is trustee {key.index}'s, posted as trustee {index}")
            if index in self.keys:
                raise Conflict(f"trustee {index} has already published a key")
            if len(self.commitments) != self.trustees:
                raise Conflict(
                    f"{len(self.commitments)} of {self.trustees} trustees have committed to a "
                    "key; keys are revealed after all of them"
                )
            self.commitments[index].check(key, self.ceremony())
            key.verify(self.ceremony(), self.threshold)
            return self._append(TrusteeKeyEntry(key.to_json()))

    def post_shares(self, sender: int, value: Any) -> Appended:
        with self.log.lock:
            self._in_setup()
            if len(self.keys) != self.trustees:
                raise Conflict(
                    f"{len(self.keys)} of {self.trustees} trustee keys published; "
                    "shares come after all of them"
                )
            if sender in self.shares:
                raise Conflict(f"trustee {sender} has already sent its shares")
            message = SharesMessage.from_json(value, sender)
            shares = message.shares
            expected = [j for j in range(1, self.trustees + 1) if j != sender]
            if sorted(s.recipient for s in shares) != expected or any(
                s.sender != sender for s in shares
            ):
                raise ProtocolError(
                    f"trustee {sender} must send one share to each of trustees {expected}"
                )
            message.verify(list(self.keys.values()), self.ceremony())
            body = message.to_json()
            return self._append(SharesEntry(sender, body["shares"], body["signature"]))

    def post_verdict(self, trustee: int, value: Any) -> Appended:
        """A trustee's result of checking its shares: all good, or complaints."""
        with self.log.lock:
            self._in_setup()
            if len(self.shares) != self.trustees:
                raise Conflict("not every trustee has sent its shares yet")
            if trustee in self.verdicts:
                raise Conflict(f"trustee {trustee} has already given its verdict")
            verdict = Verdict.from_json(value, trustee)
            keys = list(self.keys.values())
            verdict.verify(keys, self.ceremony())
            signature = verdict.signature.to_json()
            if not verdict.complaints:
                return self._append(CeremonyOkEntry(trustee, signature))
            for c in verdict.complaints:
                if c.accuser != trustee:
                    raise ProtocolError(f"complaint by trustee {c.accuser} posted by {trustee}")
                sent = self.shares[c.accused].shares if c.accused in self.shares else ()
                share = {s.recipient: s for s in sent}.get(trustee)
                if share is None:
                    raise ProtocolError(f"no share from trustee {c.accused} to {trustee}")
                c.verify(share, keys, self.ceremony())
            complaints = [c.to_json() for c in verdict.complaints]
            return self._append(ComplaintsEntry(trustee, complaints, signature))

    def post_credentials(self, value: Any) -> Appended:
        with self.log.lock:
            self._in_setup()
            if self.credentials is not None:
                raise Conflict("the credential list is already published")
            creds = CredentialList.from_json(value, self.manifest.district_ids())
            if not any(c for _, c in creds.districts):
                raise ProtocolError("the credential list has no credential at all")
            return self._append(CredentialsEntry(creds.to_json()))

    def open(self) -> Appended:
        with self.log.lock:
            self._in_setup()
            if len(self.verdicts) != self.trustees:
                raise Conflict(
                    f"{len(self.verdicts)} of {self.trustees} trustees have checked their shares"
                )
            if self.complaints:
                raise Conflict("the key ceremony has justified complaints; run it again")
            if self.credentials is None:
                raise Conflict("the credential list is not published yet")
            ctx = ElectionContext.create(
                self.manifest, self.threshold, list(self.keys.values()), self.credentials
            )
            return self._append(ElectionEntry(ctx.summary_json()))

    # --- voting ------------------------------------------------------------------------

    def _open_ctx(self) -> ElectionContext:
        if self.ctx is None:
            raise Conflict("the election is not open yet")
        if self.tally is not None:
            raise Conflict("the election is closed")
        return self.ctx

    def _check_ballot(
        self, ballot: EncryptedBallot, opening: BallotOpening | None = None
    ) -> StoredEntry | None:
        """The election's acceptance policy, against the board as it is now: the entry of a
        cast ballot already on the board (a replay, answered even once the election is
        closed), or None for a ballot that may be appended; raises for any other."""
        existing = self._check_order(ballot.tracker(), BallotKind.of(opening))
        if existing is None:
            # The costly checks, outside the lock; the append re-checks the order.
            AcceptancePolicy(self._open_ctx(), self.eligible).check(ballot, opening)
        return existing

    def _check_order(self, tracker: bytes, kind: BallotKind) -> StoredEntry | None:
        existing = self.log.store.entry_by_tracker(self.election_id, tracker)
        try:
            AcceptancePolicy.check_order(
                tracker, kind, None if existing is None else BallotKind(existing.type)
            )
        except OutOfOrder as exc:
            if exc.replay:
                return existing
            raise Conflict(str(exc)) from None  # acceptable in general, not on this board
        return None

    def cast(self, value: Any) -> CastAnswer:
        body = obj(value, "body")
        only_keys(body, {"ballot"}, "body")
        ballot = EncryptedBallot.from_json(get(body, "ballot", "body"), "ballot")
        tracker = ballot.tracker()
        existing = self._check_ballot(ballot)
        if existing is not None:
            return CastAnswer(tracker, self.log.receipt_for(existing), already_cast=True)
        with self.log.lock:
            self._open_ctx()
            try:
                leaf = CastEntry(ballot)
                appended = self.log.append(leaf.TAG, leaf.leaf(), tracker)
            except DuplicateEntry:
                # Raced with the same ballot: answer as if it had come second.
                existing = self._check_order(tracker, BallotKind.CAST)
                if existing is None:
                    raise BoardStorageError(
                        "the board's position was taken by another writer"
                    ) from None
                return CastAnswer(tracker, self.log.receipt_for(existing), already_cast=True)
        return CastAnswer(tracker, appended)

    def audit(self, value: Any) -> CastAnswer:
        body = obj(value, "body")
        only_keys(body, {"ballot", "opening"}, "body")
        ballot = EncryptedBallot.from_json(get(body, "ballot", "body"), "ballot")
        opening = BallotOpening.from_json(get(body, "opening", "body"), "opening")
        tracker = ballot.tracker()
        self._check_ballot(ballot, opening)
        with self.log.lock:
            self._open_ctx()
            try:
                leaf = AuditEntry(ballot, opening)
                appended = self.log.append(leaf.TAG, leaf.leaf(), tracker)
            except DuplicateEntry:
                # Raced with the same ballot: refused as if it had come second.
                self._check_order(tracker, BallotKind.AUDIT)
                raise
        return CastAnswer(tracker, appended)

    def ballot_lines(self) -> Iterator[tuple[int, bytes]]:
        """The ballot log as ballots.jsonl would hold it: (line number, line)."""
        number = 0
        for entry in self.log.entries():
            if entry.type in BALLOT_TAGS:
                number += 1
                yield number, entry.data

    # --- closing and decryption ----------------------------------------------------------

    def close(self, workers: int | None = 1) -> Appended:
        with self.log.lock:
            ctx = self._open_ctx()
            summary = check_ballot_lines(ctx, self.ballot_lines, "ballots.jsonl", workers)
            if summary.findings:
                raise ProtocolError(f"the board holds a bad ballot {summary.findings[0]}")
            tally = summary.builder.finish(summary.log_size, summary.log_root)
            return self._append(TallyEntry(tally.to_json()))

    def post_decryption(self, trustee: int, value: Any) -> Appended:
        with self.log.lock:
            if self.tally is None or self.ctx is None:
                raise Conflict("the tally is not computed yet")
            if self.result is not None:
                raise Conflict("the result is already published")
            if trustee in self.decryptions:
                raise Conflict(f"trustee {trustee} has already decrypted")
            dec = TrusteeDecryption.from_json(value, self.ctx)
            if dec.trustee != trustee:
                raise ProtocolError(f"decryption by trustee {dec.trustee} posted as {trustee}")
            verify_trustee_decryption(self.ctx, self.tally, dec)
            verify_decryption_signature(self.ctx, self.tally, dec)
            return self._append(DecryptionEntry(dec.to_json()))

    def publish_result(self) -> Appended:
        with self.log.lock:
            if self.tally is None or self.ctx is None:
                raise Conflict("the tally is not computed yet")
            if self.result is not None:
                raise Conflict("the result is already published")
            result = compute_result(self.ctx, self.tally, list(self.decryptions.values()))
            return self._append(ResultEntry(result.to_json()))


class Board:
    """Every election of one server: storage, signing key, and each election's service."""

    def __init__(self, store: BoardStore, key: BoardKey) -> None:
        self.store = store
        self.key = key
        self.elections: dict[str, ElectionService] = {}
        for election_id in store.election_ids():
            service = self._load(election_id)
            if service is not None:
                self.elections[election_id] = service

    def _load(self, election_id: str) -> ElectionService | None:
        """Replay the election's fixed part (every leaf but the ballots)."""
        log = ElectionLog(self.store, self.key, election_id)
        leaves = (
            _stored_leaf(election_id, entry)
            for entry in self.store.entries_of_types(election_id, list(FIXED_TAGS))
        )
        first = next(leaves, None)
        if first is None and log.size == 0:
            # Created, then the process died before its first leaf was committed:
            # nothing of it was ever public, so it is as if it had not been created.
            self.store.delete_election(election_id)
            return None
        if not isinstance(first, ManifestEntry):
            raise BoardStorageError(f"election {election_id!r} has entries but no manifest first")
        service = ElectionService(
            log, Manifest.from_json(first.manifest), first.trustees, first.threshold
        )
        for leaf in leaves:
            service.apply(leaf)
        return service

    def get(self, election_id: str) -> ElectionService:
        service = self.elections.get(election_id)
        if service is None:
            raise NotFound(f"no election {election_id!r} on this board")
        return service

    def create(self, value: Any) -> tuple[ElectionService, dict[str, str]]:
        """Create an election from {"manifest", "trustees", "threshold"}; returns the
        service and the bearer tokens of its roles, shown once and stored only as hashes."""
        o = obj(value, "body")
        only_keys(o, {"manifest", "trustees", "threshold"}, "body")
        manifest = Manifest.from_json(get(o, "manifest", "body"))
        n = get_int(o, "trustees", "body", 1)
        t = get_int(o, "threshold", "body", 1)
        if t > n:
            raise DecodeError(f"body.threshold: {t} is more than the {n} trustees")
        if manifest.election_id in self.elections:
            raise Conflict(f"election {manifest.election_id!r} already exists")
        roles = ["credential-authority"] + [f"trustee-{i}" for i in range(1, n + 1)]
        tokens = {role: secrets.token_urlsafe(24) for role in roles}
        self.store.create_election(
            manifest.election_id,
            int(time.time() * 1000),
            {role: _token_hash(tok) for role, tok in tokens.items()},
        )
        log = ElectionLog(self.store, self.key, manifest.election_id)
        service = ElectionService(log, manifest, n, t)
        # The election row and its first leaf are two transactions; a failure between them
        # must not leave an election without a manifest behind.
        leaf = ManifestEntry(manifest.to_json(), n, t)
        try:
            log.append(leaf.TAG, leaf.leaf())
        except BaseException:
            self.store.delete_election(manifest.election_id)
            raise
        self.elections[manifest.election_id] = service
        return service, tokens


def _stored_leaf(election_id: str, entry: StoredEntry) -> BoardEntry:
    """A leaf as the board stored it, decoded strictly; storage that holds something else
    than what the board wrote is an error of the board's state, not of a request."""
    where = f"election {election_id!r} leaf {entry.seq}"
    try:
        leaf = parse_leaf(entry.data, where)
    except DecodeError as exc:
        raise BoardStorageError(f"board storage: {exc}") from None
    if entry.type != leaf.TAG:
        raise BoardStorageError(f"board storage: {where} is stored as a {entry.type!r} leaf")
    return leaf
