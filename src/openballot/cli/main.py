"""`openballot`: one command per step of each role. Errors are one line and exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from openballot.cli import roles
from openballot.cli.board_roles import board_app
from openballot.cli.fingerprint import fingerprint_text
from openballot.cli.options import (
    CardsFile,
    CardWorkers,
    KeepCodes,
    LinkFile,
    RegisterFile,
    parse_choices,
    parse_voter_counts,
)
from openballot.cli.output import err, fails_cleanly, out
from openballot.cli.record_bulletin import RecordBulletin
from openballot.cli.register import register_voters, registered_lines
from openballot.election.ballot import EncryptedBallot
from openballot.errors import OpenBallotError
from openballot.record.files import json_bytes, read_json
from openballot.record.layout import decoded
from openballot.verify.cluster import ClusterError
from openballot.verify.verifier import verify_record

__all__ = ["app", "run"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="OpenBallot: end-to-end verifiable elections.",
)
election_app = typer.Typer(no_args_is_help=True, help="Election authority: create and open.")
trustee_app = typer.Typer(no_args_is_help=True, help="Trustees: key ceremony and decryption.")
credentials_app = typer.Typer(no_args_is_help=True, help="Credential authority.")
app.add_typer(election_app, name="election")
app.add_typer(trustee_app, name="trustee")
app.add_typer(credentials_app, name="credentials")
app.add_typer(board_app, name="board")


Record = Annotated[Path, typer.Option("--record", "-r", help="The election record directory.")]


@election_app.command("new")
@fails_cleanly
def election_new(
    record: Record,
    manifest: Annotated[Path, typer.Option(help="Manifest JSON (docs/record.md).")],
    trustees: Annotated[int, typer.Option(min=1)] = 3,
    threshold: Annotated[int, typer.Option(min=1)] = 2,
) -> None:
    """Start a record from a manifest, with n trustees of whom any t decrypt."""
    m = roles.read_manifest(manifest)
    roles.new_election(RecordBulletin(record), m, trustees, threshold)
    out.print(f"election {m.election_id}: record started at {record}")


@election_app.command("open")
@fails_cleanly
def election_open(record: Record) -> None:
    """Check the key ceremony and credentials, fix the election fingerprint, open voting."""
    ctx = roles.open_election(RecordBulletin(record))
    for line in ["election open", *fingerprint_text(ctx.fingerprint)]:
        out.print(line, markup=False, highlight=False)


@trustee_app.command("keygen")
@fails_cleanly
def trustee_keygen(
    record: Record,
    index: Annotated[int, typer.Option(min=1)],
    name: Annotated[str, typer.Option()],
    secret: Annotated[Path, typer.Option(help="Private file to create (mode 0600).")],
) -> None:
    """Step 1: make the keys, keep them in the secret file, publish a commitment to them."""
    roles.trustee_keygen(RecordBulletin(record), index, name, secret)
    out.print(f"trustee {index}: key commitment published; secret kept in {secret}")


@trustee_app.command("reveal")
@fails_cleanly
def trustee_reveal(record: Record, secret: Annotated[Path, typer.Option()]) -> None:
    """Step 1b: once every trustee has committed, publish the public key committed to."""
    key = roles.trustee_reveal(RecordBulletin(record), secret)
    out.print(f"trustee {key.index}: public key published")


@trustee_app.command("exchange")
@fails_cleanly
def trustee_exchange(record: Record, secret: Annotated[Path, typer.Option()]) -> None:
    """Step 2: publish a share for every other trustee, each encrypted to its recipient."""
    shares = roles.trustee_exchange(RecordBulletin(record), secret)
    out.print(f"{len(shares)} encrypted shares published")


@trustee_app.command("finish")
@fails_cleanly
def trustee_finish(
    record: Record,
    secret: Annotated[Path, typer.Option()],
    share: Annotated[Path, typer.Option(help="Private key-share file to create (mode 0600).")],
) -> None:
    """Step 3: check the shares received; keep the key share or publish complaints."""
    s = roles.trustee_finish(RecordBulletin(record), secret, share)
    out.print(f"trustee {s.index}: all shares check out; key share kept in {share}")


@credentials_app.command("generate")
@fails_cleanly
def credentials_generate(
    record: Record,
    voters: Annotated[list[str], typer.Option(help="DISTRICT=COUNT, once per district.")],
    keep_codes: KeepCodes = None,
) -> None:
    """One credential per voter: publish the public halves; the codes go to the voters."""
    counts = parse_voter_counts(voters)
    issued = roles.generate_credentials(RecordBulletin(record), counts, keep_codes)
    out.print(f"{len(issued)} credentials published; codes in {keep_codes}")


@credentials_app.command("register")
@fails_cleanly
def credentials_register(
    register_file: RegisterFile,
    record: Record,
    cards: CardsFile,
    link: LinkFile,
    booth: Annotated[
        str, typer.Option(help="The voting booth's address, e.g. https://vote.example.org/booth/")
    ],
    workers: CardWorkers = 0,
) -> None:
    """From a voter register (CSV): publish one credential per voter, write the voting cards
    (PDF) and the register link (voter id to card serial). Codes are kept nowhere else."""
    done = register_voters(
        RecordBulletin(record), register_file, cards, link, booth, workers=workers or None
    )
    for line in registered_lines(done):
        out.print(line, markup=False, highlight=False)


@app.command()
@fails_cleanly
def vote(
    record: Record,
    code: Annotated[str, typer.Option(help="The voter's credential code.")],
    district: Annotated[str, typer.Option(help="The voter's home district.")],
    choice: Annotated[list[str], typer.Option(help="CONTEST=OPTION[,OPTION]; repeat per contest.")],
    audit: Annotated[bool, typer.Option(help="Challenge one encryption first (Benaloh).")] = False,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the ballot here instead of casting it.")
    ] = None,
) -> None:
    """Encrypt a ballot on this machine, optionally audit an encryption, and cast."""
    bulletin = RecordBulletin(record)
    ctx = bulletin.context()
    choices = parse_choices(choice)
    if audit:
        _, audited = roles.audit_vote(bulletin, ctx, code, district, choices)
        out.print(f"audited ballot {audited.tracker.hex()}: opening checks out; not counted")
    ballot, _ = roles.encrypt_vote(ctx, code, district, choices)
    if out_file is not None:
        out_file.write_bytes(json_bytes(ballot.to_json()))
        out.print(f"ballot {ballot.tracker().hex()} written to {out_file}")
        return
    recorded = bulletin.cast(ballot)
    out.print(f"cast: tracker {recorded.tracker.hex()} (line {recorded.line})")


@app.command()
@fails_cleanly
def cast(record: Record, ballot: Annotated[Path, typer.Argument()]) -> None:
    """Cast a ballot file made by `vote --out` (idempotent for an identical ballot)."""
    bulletin = RecordBulletin(record)
    bulletin.context()  # a record that is not open is named before the ballot file
    value = decoded(ballot, read_json(ballot), EncryptedBallot.from_json)
    recorded = bulletin.cast(value)
    note = " (already cast)" if recorded.already_cast else ""
    out.print(f"cast: tracker {recorded.tracker.hex()} (line {recorded.line}){note}")


@app.command()
@fails_cleanly
def tally(
    record: Record,
    workers: Annotated[int, typer.Option(min=0, help="Processes; 0 = all cores.")] = 0,
) -> None:
    """Close voting and compute the encrypted tally of the ballots that count."""
    t, problems = roles.close_election(RecordBulletin(record, workers or None))
    for finding in problems:
        err.print(f"left out {finding}", markup=False, highlight=False)
    out.print(f"tally of {sum(n for _, n in t.counted)} counted ballots written")


@trustee_app.command("decrypt")
@fails_cleanly
def trustee_decrypt(record: Record, share: Annotated[Path, typer.Option()]) -> None:
    """Publish this trustee's decryption shares of the tally, with proofs."""
    dec = roles.trustee_decrypt(RecordBulletin(record), share)
    out.print(f"trustee {dec.trustee}: {len(dec.shares)} decryption shares published")


@app.command()
@fails_cleanly
def results(
    record_arg: Annotated[
        Path | None, typer.Argument(metavar="RECORD", help="The election record directory.")
    ] = None,
    record: Annotated[
        Path | None, typer.Option("--record", "-r", help="The record (older spelling).")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the text: ar, ku or en.")] = "en",
    format_: Annotated[
        str, typer.Option("--format", help="text, json (result.json with labels) or nist-1500-100.")
    ] = "text",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write the results page as static files into this folder (with the record "
            "zipped), for a mirror to publish; the record must be an exported one.",
        ),
    ] = None,
) -> None:
    """Show the result; first combine the trustees' decryptions (any t) into result.json if
    the record has none yet. With --html, write the public results page instead."""
    from openballot.cli.results_show import show_results

    given = [r for r in (record_arg, record) if r is not None]
    if len(given) != 1:
        raise OpenBallotError("results: give the record once, as RECORD or as --record")
    if html is not None:
        from openballot.cli.results_site import write_results_site

        write_results_site(given[0], html)
        out.print(f"results page written to {html} (open index.html through a web server)")
        return
    show_results(given[0], lang, format_, out_file)


@app.command()
def verify(
    record: Annotated[Path, typer.Argument(help="The election record directory.")],
    workers: Annotated[int, typer.Option(min=0, help="Processes; 0 = all cores.")] = 0,
    receipt: Annotated[
        list[Path] | None,
        typer.Option(help="A voter's receipt (JSON) to check against the board log; repeat."),
    ] = None,
    # --- issue 8, verification on a cluster (helper vscale) ---
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="A Dask scheduler (tcp://HOST:PORT) whose workers check the ballots; they "
            "read ballots.jsonl from the same path. Needs openballot[cluster]."
        ),
    ] = None,
    # --- end issue 8 ---
) -> None:
    """Re-check the whole election from its record.

    Exit 0: everything holds; 1: failures, one line each; 2: the record cannot be read."""
    progress = Progress(
        TextColumn("verifying ballots"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = progress.add_task("ballots", total=None)
    try:
        with progress:
            report = verify_record(
                record,
                workers or None,
                on_start=lambda total: progress.update(task, total=total),
                on_progress=lambda n: progress.advance(task, n),
                receipt_files=receipt or [],
                scheduler=scheduler,
            )
    except ClusterError as exc:  # issue 8: the cluster, not the record, failed
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except OpenBallotError as exc:
        err.print(f"error: cannot read the record: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    for finding in report.findings:
        out.print(f"FAIL {finding}", markup=False, highlight=False)
    for where, fate in report.fates:
        out.print(f"receipt {where}: {fate}", markup=False, highlight=False)
    summary = (
        f"{report.ballots_checked} ballot log lines: {report.cast} cast, "
        f"{report.audited} audited, {report.superseded} superseded by a re-vote, "
        f"{report.counted} counted"
    )
    if report.ok and report.still_open:
        out.print(
            f"record verified so far: {summary}; every proof and signature holds. The election "
            "is still open: there is no tally yet, so no count can be checked",
            markup=False,
            highlight=False,
        )
        return
    if report.ok:
        out.print(
            f"record verified: {summary}; every proof, signature, tally, decryption "
            "and result holds",
            markup=False,
            highlight=False,
        )
        return
    still_open = " (the election is still open: no tally yet)" if report.still_open else ""
    out.print(
        f"record NOT verified: {len(report.findings)} failure(s); {summary}{still_open}",
        markup=False,
        highlight=False,
    )
    raise typer.Exit(1)


@app.command()
@fails_cleanly
def demo(
    voters: Annotated[int, typer.Option(min=1, help="Voters in all.")] = 200,
    record: Annotated[Path, typer.Option(help="Where to write the record.")] = Path("demo-record"),
    workers: Annotated[int, typer.Option(min=0, help="Processes for checking; 0 = all cores.")] = 0,
    manifest: Annotated[
        Path | None,
        typer.Option(help="Run on this manifest (its districts, contests and seats)."),
    ] = None,
) -> None:
    """Run a whole election (3 trustees, threshold 2, on the bundled manifest or --manifest),
    then verify its record."""
    from openballot.cli.demo import run_demo

    run_demo(voters, record, workers or None, out, manifest_file=manifest)
    verify(record, workers)


@app.command()
@fails_cleanly
def serve(
    data: Annotated[Path, typer.Option(help="Folder for the board key, token and SQLite.")] = Path(
        "openballot-data"
    ),
    database: Annotated[
        str | None, typer.Option(help="Database URL, e.g. postgresql+psycopg://user@host/db.")
    ] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    booth: Annotated[Path | None, typer.Option(help="The built booth (web/).")] = None,
    # hostile connections (docs/deployment.md): begin
    header_timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds to receive a request's headers.")
    ] = 10.0,
    body_timeout: Annotated[
        float,
        typer.Option(min=0.1, help="Window in seconds over which a body must average 1 kB/s."),
    ] = 30.0,
    max_connections: Annotated[
        int, typer.Option(min=1, help="Open connections at once; more are closed at once.")
    ] = 1024,
    max_failures_per_minute: Annotated[
        int,
        typer.Option(
            min=0,
            help="Refused submissions a client address may have a minute before it gets 429 "
            "(0: no limit).",
        ),
    ] = 60,
    # hostile connections: end
    workers: Annotated[
        int, typer.Option(min=0, help="Processes that check ballots; 0 = all cores.")
    ] = 0,
) -> None:
    """Run the bulletin board, the HTTP API (OpenAPI at /docs) and the voting booth."""
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
        import uvicorn  # noqa: F401

        from openballot.cli.serve import admin_token, build_app, check_port_free, default_booth_dir
        from openballot.server.serving import ServingLimits, serve_app
    except ImportError as exc:
        raise OpenBallotError(
            f"the service needs its extra packages ({exc.name} is missing): "
            "pip install 'openballot[server]'"
        ) from None

    check_port_free(host, port)
    token, token_file = admin_token(data)
    booth_dir = booth or default_booth_dir()
    application, url = build_app(data, database, booth_dir, token, max_failures_per_minute, workers)
    err.print(f"board storage: {url.split('@')[-1]}", markup=False, highlight=False)
    err.print(
        "admin token: " + (f"in {token_file}" if token_file else "from OPENBALLOT_ADMIN_TOKEN"),
        markup=False,
        highlight=False,
    )
    if booth_dir is None:
        err.print("booth: not built (run `make web`); serving the API only", markup=False)
    limits = ServingLimits(header_timeout, body_timeout, max_connections=max_connections)
    serve_app(application, host, port, limits)


@app.command()
@fails_cleanly
def export(
    url: Annotated[str, typer.Argument(help="The board, e.g. http://127.0.0.1:8000")],
    election: Annotated[str, typer.Option(help="Election id.")],
    record: Record,
) -> None:
    """Download an election's board log and tree heads as a record that `verify` checks."""
    from openballot.cli.board_client import BoardClient, http_client

    if record.exists() and any(record.iterdir()):
        raise OpenBallotError(f"{record}: exists and is not empty")
    with http_client(url, 60) as client:
        n = BoardClient(client, election).export(record)
    out.print(f"{n} board entries written to {record}")


@app.command()
@fails_cleanly
def monitor(
    url: Annotated[str, typer.Argument(help="The board, e.g. http://127.0.0.1:8000")],
    election: Annotated[str, typer.Option(help="Election id.")],
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between checks.")] = 5.0,
    rounds: Annotated[int, typer.Option(min=0, help="Checks to make; 0 = until stopped.")] = 0,
    state: Annotated[
        Path | None, typer.Option(help="File keeping the board key and last tree head seen.")
    ] = None,
    retries: Annotated[
        int,
        typer.Option(
            min=0, help="Tries again, waiting longer each time, when the board is down or fails."
        ),
    ] = 5,
) -> None:
    """Follow a board: every tree head must be signed and consistent with the last one.
    Exit 1 (with the reason) when the board rewrote, dropped or removed history."""
    import time

    from openballot.cli.board_client import BoardClient, MonitoredBoard, http_client
    from openballot.errors import ProofError
    from openballot.jsonfields import hex_bytes, obj
    from openballot.record.files import write_json
    from openballot.record.tree_head import SignedTreeHead
    from openballot.verify.monitor import Monitor

    with http_client(url, 30) as client:
        board = MonitoredBoard(
            BoardClient(client, election),
            retries,
            interval,
            lambda m: err.print(f"warning: {m}", markup=False, highlight=False),
        )
        if state is not None and state.exists():
            saved = obj(read_json(state), str(state))
            key = hex_bytes(saved.get("board_key"), 32, f"{state}: board_key")
            last = (
                SignedTreeHead.from_json(saved["last"], f"{state}: last")
                if saved.get("last")
                else None
            )
        else:
            key, last = board.board_key(), None
        if last is not None and last.election_id != election:
            raise OpenBallotError(f"{state}: holds the state of election {last.election_id!r}")
        mon = Monitor(board, key, last)
        done = 0
        while rounds == 0 or done < rounds:
            if done:
                time.sleep(interval)
            try:
                head = mon.check()
            except ProofError as exc:
                out.print(f"ALERT: {exc}", markup=False, highlight=False)
                raise typer.Exit(1) from None
            out.print(
                f"tree head {head.size} {head.root.hex()[:16]}… signed and consistent",
                markup=False,
            )
            if state is not None:
                write_json(state, {"board_key": key.hex(), "last": head.to_json()})
            done += 1


def run() -> None:
    app(prog_name="openballot")


if __name__ == "__main__":
    run()
