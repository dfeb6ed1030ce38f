"""`openballot board ...`: each role's steps against a running board (the HTTP API), from
the role's own machine: the steps of roles.py, as the record commands run them on a record
directory, with the board as the bulletin (http_bulletin.py).

Tokens are read from files (`--token-file`), never taken on the command line, so they do not
show in process lists. Private files (secrets, key shares, codes, tokens) are created with
mode 0600 and never overwritten. Nothing the board answers is trusted without a check: the
election context is rebuilt and its fingerprint recomputed, and every receipt is checked
against the board key.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Annotated

import typer

from openballot.cli import options, roles
from openballot.cli.fingerprint import publish_fingerprint
from openballot.cli.http_bulletin import connect
from openballot.cli.options import KeepCodes, parse_choices, parse_voter_counts
from openballot.cli.output import fails_cleanly, out
from openballot.cli.private_files import private_file, refuse_existing, token_files
from openballot.errors import OpenBallotError
from openballot.jsonfields import hex_bytes
from openballot.record.files import open_regular, read_json
from openballot.record.receipt import Receipt

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


# A bearer token (RFC 6750's b64token). Anything else in a token file is refused without
# being shown: a file given by mistake (tokens.json, a secret file) holds other secrets.
_TOKEN = re.compile(rb"[A-Za-z0-9._~+/-]+=*")


def _token(path: Path) -> str:
    with open_regular(path) as f:
        token = f.read(4096).strip()
    if not token:
        raise OpenBallotError(f"{path}: the token file is empty")
    if not _TOKEN.fullmatch(token):
        raise OpenBallotError(f"{path}: not a token file (one line holding a bearer token)")
    return token.decode()


# --- the election authority --------------------------------------------------------------


@board_app.command("create")
@fails_cleanly
def create(
    url: Url,
    manifest: Annotated[Path, typer.Option(help="Manifest JSON (docs/record.md).")],
    admin_token_file: AdminTokenFile,
    tokens_out: Annotated[
        Path | None, typer.Option(help="Private file (0600) to create with the roles' tokens.")
    ] = None,
    tokens_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder to put one private file (0600) per role in, ROLE.token, each ready "
            "for --token-file."
        ),
    ] = None,
    trustees: Annotated[int, typer.Option(min=1)] = 3,
    threshold: Annotated[int, typer.Option(min=1)] = 2,
) -> None:
    """Create an election on the board; keep the roles' tokens to hand out."""
    if tokens_out is None and tokens_dir is None:
        raise OpenBallotError("give --tokens-dir DIR or --tokens-out FILE (or both)")
    m = roles.read_manifest(manifest)
    token = _token(admin_token_file)
    # The token files are made (empty) before the election: the board shows its tokens once,
    # so an election whose tokens cannot be kept would be lost with its id.
    expected = ["credential-authority", *(f"trustee-{i}" for i in range(1, trustees + 1))]
    with contextlib.ExitStack() as files:
        in_file = in_dir = None
        if tokens_out is not None:
            in_file = files.enter_context(private_file(tokens_out, "tokens file"))
        if tokens_dir is not None:
            in_dir = files.enter_context(token_files(tokens_dir, expected))
        with connect(url, m.election_id, token) as board:
            tokens = roles.new_election(board, m, trustees, threshold)
        if in_file is not None:
            in_file({"election": m.election_id, "tokens": dict(tokens)})
        if in_dir is not None:
            in_dir(tokens)
    out.print(m.election_id, markup=False, highlight=False)


PosterFile = Annotated[
    Path | None,
    typer.Option(
        "--fingerprint-qr",
        help="Also write the fingerprint as a QR code PNG here, for posters (docs/cli.md).",
    ),
]


@board_app.command("open")
@fails_cleanly
def open_(
    url: Url,
    election: Election,
    admin_token_file: AdminTokenFile,
    fingerprint_qr: PosterFile = None,
) -> None:
    """Open voting once the key ceremony is done and credentials are published; print the
    whole election fingerprint, to publish in the press and at polling stations."""
    token = _token(admin_token_file)

    def opened() -> bytes:
        with connect(url, election, token) as board:
            return roles.open_election(board).fingerprint

    publish_fingerprint(opened, fingerprint_qr, "election open", _say)


@board_app.command("fingerprint")
@fails_cleanly
def fingerprint(
    url: Url,
    election: Election,
    qr: Annotated[
        Path | None, typer.Option("--qr", help="Write it as a QR code PNG here, for posters.")
    ] = None,
) -> None:
    """Print an open election's fingerprint, recomputed from what the board publishes (a
    board stating another is refused); optionally write it as a poster's QR code."""

    def read() -> bytes:
        with connect(url, election) as board:
            return board.context().fingerprint

    publish_fingerprint(read, qr, f"election {election} is open", _say)


def _say(line: str) -> None:
    out.print(line, markup=False, highlight=False)


@board_app.command("close")
@fails_cleanly
def close(url: Url, election: Election, admin_token_file: AdminTokenFile) -> None:
    """Close voting; the board computes the encrypted tally."""
    with connect(url, election, _token(admin_token_file)) as board:
        tally, _ = roles.close_election(board)
    total = sum(n for _, n in tally.counted)
    out.print(f"election closed; tally of {total} counted ballots", markup=False)


@board_app.command("result")
@fails_cleanly
def result(url: Url, election: Election, admin_token_file: AdminTokenFile) -> None:
    """Combine the trustees' decryptions into the result and print it."""
    from openballot.cli.tables import result_table

    with connect(url, election, _token(admin_token_file)) as board:
        outcome = roles.publish_result(board)
        manifest = board.context().manifest
    out.print(result_table(manifest, outcome))


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
    """Step 1: make the keys, keep them in the secret file, publish a commitment to them."""
    with connect(url, election, _token(token_file)) as board:
        roles.trustee_keygen(board, index, name, secret)
    out.print(f"trustee {index}: key commitment published; secret kept in {secret}", markup=False)


@board_trustee_app.command("reveal")
@fails_cleanly
def trustee_reveal(url: Url, election: Election, token_file: TokenFile, secret: SecretFile) -> None:
    """Step 1b: once every trustee has committed, publish the public key committed to."""
    with connect(url, election, _token(token_file)) as board:
        key = roles.trustee_reveal(board, secret)
    out.print(f"trustee {key.index}: public key published", markup=False)


@board_trustee_app.command("exchange")
@fails_cleanly
def trustee_exchange(
    url: Url, election: Election, token_file: TokenFile, secret: SecretFile
) -> None:
    """Step 2: publish a share for every other trustee, each encrypted to its recipient."""
    with connect(url, election, _token(token_file)) as board:
        shares = roles.trustee_exchange(board, secret)
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
    token = _token(token_file)
    # Unlike the record's `trustee finish`, a board takes one verdict per trustee: a key
    # share already here is not replaced.
    refuse_existing(share, "key-share file")
    with connect(url, election, token) as board:
        s = roles.trustee_finish(board, secret, share)
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
    with connect(url, election, _token(token_file)) as board:
        dec = roles.trustee_decrypt(board, share)
    out.print(f"trustee {dec.trustee}: {len(dec.shares)} decryption shares published", markup=False)


# --- the credential authority -------------------------------------------------------------


@board_credentials_app.command("generate")
@fails_cleanly
def credentials_generate(
    url: Url,
    election: Election,
    token_file: TokenFile,
    voters: Annotated[list[str], typer.Option(help="DISTRICT=COUNT, once per district.")],
    keep_codes: KeepCodes = None,
) -> None:
    """One credential per voter: publish the public halves; the codes go to the voters."""
    counts = parse_voter_counts(voters)
    with connect(url, election, _token(token_file)) as board:
        issued = roles.generate_credentials(board, counts, keep_codes)
    out.print(f"{len(issued)} credentials published; codes in {keep_codes}", markup=False)


@board_credentials_app.command("register")
@fails_cleanly
def credentials_register(
    url: Url,
    register_file: options.RegisterFile,
    election: Election,
    token_file: TokenFile,
    cards: options.CardsFile,
    link: options.LinkFile,
    booth: Annotated[
        str | None,
        typer.Option(help="The voting booth's address on the cards. Default: the board's /booth/."),
    ] = None,
    workers: options.CardWorkers = 0,
) -> None:
    """From a voter register (CSV): publish one credential per voter, write the voting cards
    (PDF) and the register link (voter id to card serial). Codes are kept nowhere else."""
    from openballot.cli.register import register_voters, registered_lines

    token = _token(token_file)
    with connect(url, election, token) as board:
        done = register_voters(
            board,
            register_file,
            cards,
            link,
            booth or url.rstrip("/") + "/booth/",
            workers=workers or None,
        )
    for line in registered_lines(done):
        out.print(line, markup=False, highlight=False)


# --- voters ------------------------------------------------------------------------------


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
    choices = parse_choices(choice)
    if receipt is not None:
        refuse_existing(receipt, "receipt file")
    with connect(url, election) as board:
        board.pinned_board_key()
        ctx = board.context()
        district = roles.voter_district(board, ctx, code)
        if audit:
            challenged, _ = roles.audit_vote(board, ctx, code, district, choices)
            out.print(
                f"audited ballot {challenged.tracker().hex()}: opened and checked by the "
                "board; not counted",
                markup=False,
            )
        ballot, _ = roles.encrypt_vote(ctx, code, district, choices)
        answered = board.cast(ballot)
        _, fate = board.ballot_status(ballot.tracker(), board.pinned_board_key())
    if receipt is not None:
        receipt.write_bytes(answered.body)
    out.print(f"cast: tracker {ballot.tracker().hex()}", markup=False)
    out.print("receipt verified" + (f"; kept in {receipt}" if receipt else ""), markup=False)
    out.print(f"status: {fate}", markup=False, highlight=False)


@board_app.command("status")
@fails_cleanly
def status(
    url: Url,
    election: Election,
    tracker: Annotated[str | None, typer.Option(help="The ballot's tracker (64 hex).")] = None,
    receipt: Annotated[
        Path | None, typer.Option(help="A receipt kept from casting (JSON), instead.")
    ] = None,
) -> None:
    """Ask the board what became of a ballot (counted, superseded by a re-vote, audited, not
    counted), and check its proof: the ballot's leaf in a tree head signed by the board key
    (and, with --receipt, that this head extends the receipt's)."""
    if (tracker is None) == (receipt is None):
        raise OpenBallotError("give either --tracker or --receipt")
    kept = None if receipt is None else Receipt.from_kept(read_json(receipt), str(receipt))
    wanted = hex_bytes(tracker, 32, "--tracker") if kept is None else kept.tracker
    with connect(url, election) as board:
        now, fate = board.ballot_status(wanted, board.board_key(), kept)
    name = f"receipt {receipt}" if receipt is not None else f"ballot {wanted.hex()}"
    out.print(
        f"{name}: {fate} (leaf {now.index}, in the board's signed tree head of size "
        f"{now.tree_head.size})",
        markup=False,
        highlight=False,
    )
