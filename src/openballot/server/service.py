"""One election on the board: which message is acceptable when, checked before it is logged.

Every message is verified completely (proofs, signatures, phase, authorisation) before it is
appended, and nothing changes when a check fails. Phases follow the protocol: setup (trustee
keys, then shares, then each trustee's verdict; the credential list) -> open (ballots and
audits) -> closed (the tally) -> decryptions -> result. Beyond the checks of each request,
which answer with the reason a person can act on, every leaf is checked against the log's
grammar (`record.log_grammar`, protocol.md 17.1.1) before it is appended, and the stored log
is replayed through it at start-up: no path of this module can write an ungrammatical log.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, assert_never

from openballot.board.integrity import check_election
from openballot.board.log import Appended, ElectionLog
from openballot.board.signing import BoardKey
from openballot.board.store import BoardStorageError, BoardStore, StoredEntry
from openballot.crypto.complaint import Complaint
from openballot.crypto.encoding import Encodable
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.acceptance import AcceptancePolicy, BallotKind, OutOfOrder
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
    LeafRead,
    ManifestEntry,
    ResultEntry,
    SharesEntry,
    TallyEntry,
    TrusteeKeyEntry,
    parse_leaf,
)
from openballot.record.log_grammar import LogOrder
from openballot.record.receipt import Receipt
from openballot.server.ballot_checks import BallotChecker, CheckedBallot
from openballot.server.sequencer import Sequencer
from openballot.verify.ballot_pass import check_ballot_lines

__all__ = [
    "CASTING_THREADS",
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


class _Unchecked(Exception):
    """A ballot decoded while the election was not open, which opened since: not decided."""


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


#: Threads that run casts and audits at once, as many as anyio's default thread pool had.
CASTING_THREADS = 40


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
    #: The log as its grammar sees it, up to the last leaf other than a ballot (the ballots
    #: appended since are stepped over in `_grammatical`: only their number matters).
    order: LogOrder = field(default_factory=LogOrder)
    checker: BallotChecker = field(default_factory=BallotChecker)
    sequencer: Sequencer = field(init=False)
    _acceptance: AcceptancePolicy | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.sequencer = Sequencer(self.log, self._decide, lanes=self.checker.workers)

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
        self.order = self.order.after(leaf)
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
            case ManifestEntry():
                pass  # the manifest made the service (`Board`)
            case CastEntry() | AuditEntry():
                # Ballots change no state the service keeps.
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

    def replay(self, seq: int, leaf: BoardEntry) -> None:
        """Apply a leaf the board stored at index `seq`, once the grammar allows it there: a
        stored log that breaks it is storage that contradicts what the board wrote."""
        self._grammatical(leaf, seq, BoardStorageError)
        self.apply(leaf)

    def _grammatical(
        self, leaf: LeafRead, at: int, refuse: Callable[[str], OpenBallotError]
    ) -> None:
        """Raise `refuse(reason)` unless the log's grammar allows `leaf` at index `at`."""
        ballots = at - self.order.size  # appended since the last other leaf
        if ballots and self.order.breaches(CastEntry):
            raise BoardStorageError(
                f"election {self.election_id!r}: the board holds ballots out of place "
                f"before leaf {at}"
            )
        self.order = self.order.after_ballots(ballots)
        broken = self.order.breaches(leaf)
        if broken:
            reasons = "; ".join(str(b) for b in broken)
            raise refuse(
                f"election {self.election_id!r}: a {leaf.TAG!r} leaf cannot be leaf {at} of "
                f"the board log: {reasons}"
            )

    def _append(self, leaf: BoardEntry) -> Appended:
        self._grammatical(leaf, self.log.size, Conflict)
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

    def _open_ctx(
        self, ballot: type[CastEntry] | type[AuditEntry] | None = None
    ) -> ElectionContext:
        """The open election's context; given the kind of a ballot about to be appended (with
        the lock held), the log's grammar must allow it too."""
        if self.ctx is None:
            raise Conflict("the election is not open yet", code="election-not-open")
        if self.tally is not None:
            raise Conflict("the election is closed", code="election-closed")
        if ballot is not None:
            self._grammatical(ballot, self.log.size, Conflict)
        return self.ctx

    def _checking_ctx(self) -> ElectionContext | None:
        """The context a ballot is checked against: none unless the election is open (a
        ballot is then only decoded: it can be a replay, or is refused for the phase)."""
        return self.ctx if self.ctx is not None and self.tally is None else None

    def _decide(self, checked: CheckedBallot, earlier: BallotKind | None) -> bool:
        """The election's acceptance policy, with the answers a worker computed in advance
        (`AcceptancePolicy.check_after_order` keeps the order of the rules): True for a cast
        ballot already on the board (a replay, answered even once the election is closed),
        False for a ballot to append; raises for any other. Runs in the writer, against the
        log as it is."""
        try:
            AcceptancePolicy.check_order(checked.ref.tracker, checked.kind, earlier)
        except OutOfOrder as exc:
            if exc.replay:
                return True
            # acceptable in general, not on this board
            raise Conflict(str(exc), code=exc.code) from None
        self._open_ctx(CastEntry if checked.kind is BallotKind.CAST else AuditEntry)
        if not checked.checked:
            raise _Unchecked  # the election opened while it was decoded: check it now

        def validity() -> None:
            if not checked.proofs_checked:
                raise _Unchecked  # eligible after all: its range proofs are still to check
            checked.raise_if_invalid_ballot()

        self._policy().check_after_order(
            checked.ref, checked.raise_if_invalid_form, validity, checked.raise_if_invalid_opening
        )
        return False

    def _presumed_eligible(self, body: Any) -> bool:
        """Whether the body's credential is on the list for its district, read without
        decoding the ballot: a ballot whose credential is not is refused as ineligible, so a
        worker need not spend its range proofs on it (cheap checks first). Anything unclear
        counts as eligible: the worker then decodes and checks it all."""
        try:
            ballot = body["ballot"]
            credential = bytes.fromhex(ballot["credential"])
            return not self.eligible or self.eligible.get(credential) == ballot["district"]
        except (TypeError, KeyError, ValueError):
            return True

    def _policy(self) -> AcceptancePolicy:
        if self._acceptance is None or self._acceptance.ctx is not self.ctx:
            self._acceptance = AcceptancePolicy(self._open_ctx(), self.eligible)
        return self._acceptance

    def _sequence(self, body: Any, kind: BallotKind) -> CastAnswer:
        while True:
            # Announced before its check, so a writer knows a ballot is coming (`Sequencer`).
            with self.sequencer.arriving() as arrival:
                checked = self.checker.check(
                    self._checking_ctx(), body, kind, proofs=self._presumed_eligible(body)
                )
                try:
                    done = arrival.submit(checked)
                except _Unchecked:
                    continue
            return CastAnswer(checked.ref.tracker, done.appended, done.already_cast)

    def cast(self, value: Any) -> CastAnswer:
        """Cast the ballot of a request body `{"ballot"}`: checked in a worker, appended by
        the writer in the next batch; the receipt once that batch is durable."""
        return self._sequence(value, BallotKind.CAST)

    def audit(self, value: Any) -> CastAnswer:
        """Audit (challenge) the ballot of `{"ballot", "opening"}`, as `cast` does."""
        return self._sequence(value, BallotKind.AUDIT)

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

    def __init__(self, store: BoardStore, key: BoardKey, workers: int = 0) -> None:
        """`workers`: processes that check ballots (`BallotChecker`); 0 checks them in the
        request's thread."""
        self.store = store
        self.key = key
        self.checker = BallotChecker(workers)
        # Casts and audits block their thread (a worker's pipe, then the writer's lock and
        # commit): their own threads, as many as anyio's default pool, handed work through
        # the C queue of an executor rather than anyio's (`run_cast`).
        self._casting = ThreadPoolExecutor(CASTING_THREADS, thread_name_prefix="cast")
        self.elections: dict[str, ElectionService] = {}
        for election_id in store.election_ids():
            service = self._load(election_id)
            if service is not None:
                self.elections[election_id] = service

    def _load(self, election_id: str) -> ElectionService | None:
        """Replay the election's fixed part (every leaf but the ballots)."""
        log = ElectionLog(self.store, self.key, election_id)
        check_election(log)  # its stored entries are what its latest signed head signs
        leaves = (
            (entry.seq, _stored_leaf(election_id, entry))
            for entry in self.store.entries_of_types(election_id, list(FIXED_TAGS))
        )
        first = next(leaves, None)
        if first is None and log.size == 0:
            # Created, then the process died before its first leaf was committed:
            # nothing of it was ever public, so it is as if it had not been created.
            self.store.delete_election(election_id)
            return None
        if first is None or not isinstance(first[1], ManifestEntry):
            raise BoardStorageError(f"election {election_id!r} has entries but no manifest first")
        manifest = first[1]
        service = ElectionService(
            log,
            Manifest.from_json(manifest.manifest),
            manifest.trustees,
            manifest.threshold,
            checker=self.checker,
        )
        for seq, leaf in itertools.chain([first], leaves):
            service.replay(seq, leaf)
        return service

    async def run_cast(self, call: Callable[[Any], CastAnswer], body: Any) -> CastAnswer:
        """`call(body)` (a service's `cast` or `audit`) off the event loop, in one of the
        board's casting threads. Cheaper for the writer than anyio's `run_in_threadpool`
        (its capacity limiter, cancel scope and `queue.Queue` hand-over cost about 0.1 ms a
        ballot under the bench, docs/scale.md); errors are raised here as they were there."""
        return await asyncio.get_running_loop().run_in_executor(self._casting, call, body)

    def close(self) -> None:
        """Stop the casting threads (the casts under way finish) and the ballot checkers
        (the store is closed by its owner)."""
        self._casting.shutdown(wait=True)
        self.checker.close()

    def get(self, election_id: str) -> ElectionService:
        service = self.elections.get(election_id)
        if service is None:
            raise NotFound(f"no election {election_id!r} on this board", code="unknown-election")
        return service

    def check_new(self, value: Any) -> tuple[Manifest, int, int]:
        """The manifest, trustee count and threshold of a request to create an election,
        checked as `create` checks them (the console's preview); nothing is created."""
        o = obj(value, "body")
        only_keys(o, {"manifest", "trustees", "threshold"}, "body")
        manifest = Manifest.from_json(get(o, "manifest", "body"))
        n = get_int(o, "trustees", "body", 1)
        t = get_int(o, "threshold", "body", 1)
        if t > n:
            raise DecodeError(f"body.threshold: {t} is more than the {n} trustees")
        if manifest.election_id in self.elections:
            raise Conflict(f"election {manifest.election_id!r} already exists")
        return manifest, n, t

    def create(self, value: Any) -> tuple[ElectionService, dict[str, str]]:
        """Create an election from {"manifest", "trustees", "threshold"}; returns the
        service and the bearer tokens of its roles, shown once and stored only as hashes."""
        manifest, n, t = self.check_new(value)
        roles = ["credential-authority"] + [f"trustee-{i}" for i in range(1, n + 1)]
        tokens = {role: secrets.token_urlsafe(24) for role in roles}
        self.store.create_election(
            manifest.election_id,
            int(time.time() * 1000),
            {role: _token_hash(tok) for role, tok in tokens.items()},
        )
        log = ElectionLog(self.store, self.key, manifest.election_id)
        service = ElectionService(log, manifest, n, t, checker=self.checker)
        # The election row and its first leaf are two transactions; a failure between them
        # must not leave an election without a manifest behind.
        try:
            service._append(ManifestEntry(manifest.to_json(), n, t))
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
