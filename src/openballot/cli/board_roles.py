"""`openballot board ...`: each role's steps against a running board (the HTTP API), from
the role's own machine, as the file-based commands do on a record directory.

Tokens are read from files (`--token-file`), never taken on the command line, so they do not
show in process lists. Private files (secrets, key shares, codes, tokens) are created with
mode 0600 and never overwritten. Nothing the board answers is trusted without a check: the
election context is rebuilt and its fingerprint recomputed, and every receipt is checked
against the board key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from openballot.cli import steps
from openballot.cli.board_client import BoardClient, BoardError
from openballot.cli.output import fails_cleanly, out
from openballot.errors import OpenBallotError, ProofError, ProtocolError, RecordError

__all__ = ["board_app"]

board_app = typer.Typer(
    no_args_is_help=True, help="Every role's steps against a running board (HTTP API)."
)
board_trustee_app = typer.Typer(no_args_is_help=True, help="Trustees, over the board's API.")
board_credentials_app = typer.Typer(
    no_args_is_help=True, help="Credential authority, over the board's API."
)
board_app.add_typer(board_trustee_app, name="trustee")
board_app.add_typer(board_credentials_app, name="credentials")


Url = Annotated[str, typer.Argument(help="The board, e.g. http://127.0.0.1:8000")]
Election = Annotated[str, typer.Option("--election", help="Election id.")]
TokenFile = Annotated[
    Path, typer.Option("--token-file", help="File holding this role's bearer token.")
]
AdminTokenFile = Annotated[
    Path, typer.Option("--admin-token-file", help="File holding the board's admin token.")
]
SecretFile = Annotated[Path, typer.Option("--secret", help="The trustee's secret file.")]

TIMEOUT = 300.0


# --- talking to the board ----------------------------------------------------------------


class Board(BoardClient):
    """BoardClient plus the authenticated POSTs of the roles."""

    def post(self, path: str, body: Any = None, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        try:
            r = self.client.post(path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise BoardError(f"board unreachable: {exc}") from None
        if r.status_code >= 400:
            try:
                detail = r.json().get("detail", r.text)
            except (ValueError, AttributeError):
                detail = r.text
            raise BoardError(f"POST {path}: {r.status_code} {detail}")
        return r

    def info(self) -> dict[str, Any]:
        from openballot.jsonfields import obj

        return dict(obj(self.get(self.election_path("")), "election"))


@contextmanager
def _board(url: str, election: str) -> Iterator[Board]:
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        yield Board(client, election)


def _token(path: Path) -> str:
    token = path.read_text().strip()
    if not token:
        raise OpenBallotError(f"{path}: the token file is empty")
    return token


def _refuse_existing(path: Path, what: str) -> None:
    if path.exists():
        raise RecordError(f"{path}: refusing to overwrite an existing {what}")


def _write_private(path: Path, value: Any) -> None:
    from openballot.record.files import write_json

    write_json(path, value, private=True)


def _parameters(board: Board) -> tuple[Any, int, int, dict[str, Any]]:
    """(manifest, trustee count, threshold, the election's description)."""
    from openballot.election.manifest import Manifest
    from openballot.jsonfields import get_int

    info = board.info()
    manifest = Manifest.from_json(info.get("manifest"))
    if manifest.election_id != board.election_id:
        raise ProofError(f"the board answered with election {manifest.election_id!r}")
    n = get_int(info, "trustee_count", "election", 1)
    t = get_int(info, "threshold", "election", 1)
    return manifest, n, t, info


def _keys(board: Board, n: int) -> tuple[Any, ...]:
    from openballot.crypto.trustee import TrusteePublicKey

    ceremony = board.get(board.election_path("/ceremony"))
    keys = tuple(TrusteePublicKey.from_json(k) for k in ceremony["keys"])
    if len(keys) != n:
        raise ProtocolError(f"{len(keys)} of {n} trustees have published keys; wait for all")
    return keys


def _read_private(path: Path, election: str, what: str) -> dict[str, Any]:
    from openballot.jsonfields import obj
    from openballot.record.files import read_json

    value = dict(obj(read_json(path), str(path)))
    if value.pop("election", election) != election:
        raise ProtocolError(f"{path}: {what} of another election")
    return value


def _secret(path: Path, election: str) -> Any:
    from openballot.crypto.trustee import TrusteeSecret
    from openballot.record.layout import decoded

    value = _read_private(path, election, "secret file")
    return decoded(path, value, TrusteeSecret.from_json)


def election_context(board: Board) -> Any:
    """The ElectionContext of an open election, rebuilt from what the board publishes.

    The board does not serve the whole credential list, only its digest (and the district of
    one credential at a time). So the context is built field by field: the trustee keys are
    checked as `ElectionContext.create` checks them, the joint key derived from them, and the
    fingerprint recomputed exactly as `create` does from the manifest digest, n, t, the keys,
    the joint key and the credentials digest the board states; a fingerprint that differs
    from the one the board states is refused. The context's `credentials` field is then an
    empty CredentialList: it is only used for eligibility checks and the summary, never for
    encrypting a ballot or decrypting a tally, which bind to the fingerprint."""
    from openballot.crypto.encoding import digest
    from openballot.crypto.keyceremony import joint_public_key
    from openballot.crypto.trustee import check_public_keys
    from openballot.election.context import ElectionContext, ceremony_context
    from openballot.election.credentials import CredentialList
    from openballot.jsonfields import get_str, hex_bytes

    manifest, n, t, info = _parameters(board)
    if "fingerprint" not in info:
        raise ProtocolError(f"election {board.election_id!r} is not open yet ({info.get('state')})")
    keys = tuple(sorted(_keys(board, n), key=lambda k: k.index))
    check_public_keys(keys, t)
    ceremony = ceremony_context(manifest, n, t)
    for k in keys:
        k.verify(ceremony, t)
    manifest_digest = manifest.digest()
    joint = joint_public_key(keys)
    if get_str(info, "joint_key", "election") != joint.hex():
        raise ProofError("the board states a joint key that its trustees' keys do not give")
    credentials_digest = hex_bytes(info.get("credentials_digest"), 64, "credentials_digest")
    fingerprint = digest(
        "election",
        manifest_digest,
        len(keys),
        t,
        [[k.index, k.name, k.communication_key, list(k.commitments)] for k in keys],
        joint,
        credentials_digest,
    )
    if get_str(info, "fingerprint", "election") != fingerprint.hex():
        raise ProofError("the board states an election fingerprint that its data does not give")
    return ElectionContext(
        manifest, manifest_digest, t, keys, joint, CredentialList(()), fingerprint
    )


# --- the election authority --------------------------------------------------------------


@board_app.command("create")
@fails_cleanly
def create(
    url: Url,
    manifest: Annotated[Path, typer.Option(help="Manifest JSON (docs/record.md).")],
    admin_token_file: AdminTokenFile,
    tokens_out: Annotated[
        Path, typer.Option(help="Private file (0600) to create with the roles' tokens.")
    ],
    trustees: Annotated[int, typer.Option(min=1)] = 3,
    threshold: Annotated[int, typer.Option(min=1)] = 2,
) -> None:
    """Create an election on the board; keep the roles' tokens to hand out."""
    from openballot.election.manifest import Manifest
    from openballot.record.files import read_json
    from openballot.record.layout import decoded

    if not 1 <= threshold <= trustees:
        raise ProtocolError(f"threshold {threshold} must be between 1 and {trustees} trustees")
    m = decoded(manifest, read_json(manifest), Manifest.from_json)
    token = _token(admin_token_file)
    _refuse_existing(tokens_out, "tokens file")
    with _board(url, m.election_id) as board:
        body = {"manifest": m.to_json(), "trustees": trustees, "threshold": threshold}
        answer = board.post("/api/elections", body, token).json()
    eid = answer["election"]
    _write_private(tokens_out, {"election": eid, "tokens": answer["tokens"]})
    out.print(eid, markup=False, highlight=False)


def _admin_post(url: str, election: str, admin_token_file: Path, rest: str) -> Any:
    token = _token(admin_token_file)
    with _board(url, election) as board:
        return board.post(board.election_path(rest), None, token).json()


@board_app.command("open")
@fails_cleanly
def open_(url: Url, election: Election, admin_token_file: AdminTokenFile) -> None:
    """Open voting once the key ceremony is done and credentials are published."""
    answer = _admin_post(url, election, admin_token_file, "/open")
    out.print(f"election open; fingerprint {answer['fingerprint'][:32]}…", markup=False)


@board_app.command("close")
@fails_cleanly
def close(url: Url, election: Election, admin_token_file: AdminTokenFile) -> None:
    """Close voting; the board computes the encrypted tally."""
    answer = _admin_post(url, election, admin_token_file, "/close")
    total = sum(answer["tally"]["counted"].values())
    out.print(f"election closed; tally of {total} counted ballots", markup=False)


@board_app.command("result")
@fails_cleanly
def result(url: Url, election: Election, admin_token_file: AdminTokenFile) -> None:
    """Combine the trustees' decryptions into the result and print it."""
    from openballot.cli.tables import result_table
    from openballot.election.decryption import Result

    token = _token(admin_token_file)
    with _board(url, election) as board:
        ctx = election_context(board)
        answer = board.post(board.election_path("/result"), None, token).json()
    out.print(result_table(ctx.manifest, Result.from_json(answer, ctx)))


# --- trustees ----------------------------------------------------------------------------


@board_trustee_app.command("keygen")
@fails_cleanly
def trustee_keygen(
    url: Url,
    election: Election,
    index: Annotated[int, typer.Option(min=1)],
    name: Annotated[str, typer.Option()],
    token_file: TokenFile,
    secret: Annotated[Path, typer.Option(help="Private file to create (mode 0600).")],
) -> None:
    """Step 1: publish a public key with proofs; keep the secret file."""
    from openballot.crypto.keyceremony import generate_trustee
    from openballot.election.context import ceremony_context

    token = _token(token_file)
    _refuse_existing(secret, "secret file")
    with _board(url, election) as board:
        manifest, n, t, _ = _parameters(board)
        if not 1 <= index <= n:
            raise ProtocolError(f"trustee index {index} is not in 1..{n}")
        s, public = generate_trustee(index, name, t, ceremony_context(manifest, n, t))
        _write_private(secret, {"election": manifest.election_id, **s.to_json()})
        board.post(board.election_path(f"/trustees/{index}/key"), public.to_json(), token)
    out.print(f"trustee {index}: public key published; secret kept in {secret}", markup=False)


@board_trustee_app.command("exchange")
@fails_cleanly
def trustee_exchange(
    url: Url, election: Election, token_file: TokenFile, secret: SecretFile
) -> None:
    """Step 2: publish a share for every other trustee, each encrypted to its recipient."""
    from openballot.crypto.keyceremony import encrypt_shares
    from openballot.election.context import ceremony_context

    token = _token(token_file)
    s = _secret(secret, election)
    with _board(url, election) as board:
        manifest, n, t, _ = _parameters(board)
        shares = encrypt_shares(s, _keys(board, n), ceremony_context(manifest, n, t))
        body = {"shares": [x.to_json() for x in shares]}
        board.post(board.election_path(f"/trustees/{s.index}/shares"), body, token)
    out.print(f"{len(shares)} encrypted shares published", markup=False)


@board_trustee_app.command("finish")
@fails_cleanly
def trustee_finish(
    url: Url,
    election: Election,
    token_file: TokenFile,
    secret: SecretFile,
    share: Annotated[Path, typer.Option(help="Private key-share file to create (mode 0600).")],
) -> None:
    """Step 3: check the shares received; keep the key share, or publish complaints."""
    from openballot.crypto.keyceremony import receive_shares
    from openballot.crypto.share_encryption import EncryptedShare
    from openballot.election.context import ceremony_context

    token = _token(token_file)
    s = _secret(secret, election)
    _refuse_existing(share, "key-share file")
    with _board(url, election) as board:
        manifest, n, t, _ = _parameters(board)
        keys = _keys(board, n)
        published = board.get(board.election_path("/ceremony"))["shares"]
        senders = sorted(int(i) for i in published)
        if len(senders) != n:
            raise ProtocolError(f"{len(senders)} of {n} trustees have sent shares; wait for all")
        mine = [
            EncryptedShare.from_json(x)
            for sender, items in published.items()
            if int(sender) != s.index
            for x in items
            if x.get("recipient") == s.index
        ]
        key_share, complaints = receive_shares(s, keys, mine, ceremony_context(manifest, n, t))
        path = board.election_path(f"/trustees/{s.index}/verdict")
        if key_share is None:
            board.post(path, {"complaints": [c.to_json() for c in complaints]}, token)
            accused = ", ".join(str(c.accused) for c in complaints)
            raise ProtocolError(f"shares from trustee(s) {accused} are bad; complaints published")
        _write_private(share, {"election": manifest.election_id, **key_share.to_json()})
        board.post(path, {"complaints": []}, token)
    out.print(f"trustee {s.index}: all shares check out; key share kept in {share}", markup=False)


@board_trustee_app.command("decrypt")
@fails_cleanly
def trustee_decrypt(
    url: Url,
    election: Election,
    token_file: TokenFile,
    share: Annotated[Path, typer.Option(help="This trustee's key-share file.")],
) -> None:
    """Publish this trustee's decryption shares of the tally, with proofs."""
    from openballot.crypto.keyceremony import TrusteeShare
    from openballot.election.tally import Tally
    from openballot.record.layout import decoded

    token = _token(token_file)
    key_share = decoded(share, _read_private(share, election, "key share"), TrusteeShare.from_json)
    with _board(url, election) as board:
        ctx = election_context(board)
        tally = Tally.from_json(board.get(board.election_path("/tally")), ctx)
        dec = steps.decrypt_checked(ctx, tally, key_share, share)
        board.post(
            board.election_path(f"/trustees/{key_share.index}/decryption"), dec.to_json(), token
        )
    out.print(f"trustee {dec.trustee}: {len(dec.shares)} decryption shares published", markup=False)


# --- the credential authority -------------------------------------------------------------


@board_credentials_app.command("generate")
@fails_cleanly
def credentials_generate(
    url: Url,
    election: Election,
    token_file: TokenFile,
    voters: Annotated[list[str], typer.Option(help="DISTRICT=COUNT, once per district.")],
    codes: Annotated[Path, typer.Option(help="Private file of voter codes to create.")],
) -> None:
    """One credential per voter: publish the public halves, keep the codes to hand out."""
    counts = steps.parse_voter_counts(voters)
    token = _token(token_file)
    _refuse_existing(codes, "codes file")
    with _board(url, election) as board:
        manifest, _, _, _ = _parameters(board)
        issued, credentials = steps.issue_credentials(manifest, counts, codes)
        board.post(board.election_path("/credentials"), credentials.to_json(), token)
    out.print(f"{len(issued)} credentials published; codes in {codes}", markup=False)


# --- voters ------------------------------------------------------------------------------


def _check_receipt(answer: Any, tracker: bytes, election: str, board_key: bytes) -> None:
    """As the booth does: the receipt is for this ballot, its entry is in the signed tree."""
    from openballot.record.merkle import leaf_hash, verify_inclusion
    from openballot.verify.board_check import VoterReceipt

    r = VoterReceipt(answer, "receipt")  # also: the entry's ballot has the receipt's tracker
    if r.tracker != tracker:
        raise ProofError("the board's receipt is for another ballot")
    head = r.tree_head
    if head.election_id != election:
        raise ProofError(f"the receipt's tree head is for election {head.election_id!r}")
    verify_inclusion(leaf_hash(r.entry), r.index, head.size, r.proof, head.root)
    head.verify(board_key)


@board_app.command("vote")
@fails_cleanly
def vote(
    url: Url,
    election: Election,
    code: Annotated[str, typer.Option(help="The voter's credential code.")],
    choice: Annotated[list[str], typer.Option(help="CONTEST=OPTION[,OPTION]; repeat per contest.")],
    audit: Annotated[bool, typer.Option(help="Challenge one encryption first (Benaloh).")] = False,
    receipt: Annotated[
        Path | None, typer.Option(help="Write the board's receipt (JSON) here.")
    ] = None,
) -> None:
    """Encrypt a ballot on this machine, optionally audit an encryption, cast it on the board
    and check the receipt."""
    from openballot.cli import steps
    from openballot.election.credentials import public_credential

    choices = steps.parse_choices(choice)
    if receipt is not None:
        _refuse_existing(receipt, "receipt file")
    with _board(url, election) as board:
        board_key = board.board_key()
        ctx = election_context(board)
        credential = public_credential(election, code)
        district = board.get(board.election_path(f"/credentials/{credential.hex()}"))["district"]
        if audit:
            challenged, opening = steps.encrypt_vote(ctx, code, district, choices)
            body = {"ballot": challenged.to_json(), "opening": opening.to_json()}
            answer = board.post(board.election_path("/audits"), body).json()
            _check_receipt(answer, challenged.tracker(), election, board_key)
            out.print(
                f"audited ballot {challenged.tracker().hex()}: opened and checked by the "
                "board; not counted",
                markup=False,
            )
        ballot, _ = steps.encrypt_vote(ctx, code, district, choices)
        r = board.post(board.election_path("/ballots"), {"ballot": ballot.to_json()})
        answer = r.json()
        _check_receipt(answer, ballot.tracker(), election, board_key)
    if receipt is not None:
        receipt.write_bytes(r.content)
    out.print(f"cast: tracker {ballot.tracker().hex()}", markup=False)
    out.print("receipt verified" + (f"; kept in {receipt}" if receipt else ""), markup=False)
