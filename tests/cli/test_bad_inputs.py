"""A corpus of bad input, for every command: each gives exit code 2 (1 where the input is a
finding of `verify`), one `error: …` (or `FAIL …`) line naming the problem, and never a
traceback. Board commands run against a real `openballot serve` started once for the module,
and against fake boards that answer with bytes that are not JSON.

The kinds of bad input come from a red-team pass (issue 7): files that are missing, a
directory, a FIFO (which once hung the reader), garbage, empty or of another kind; malformed
URLs; unknown database schemes; a busy port; garbage SQLite files; wrong tokens; bad option
syntax; `--election ""`."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openballot.cli import steps
from openballot.cli.demo import demo_manifest_path
from openballot.cli.main import app
from openballot.cli.options import parse_choices
from openballot.cli.record_bulletin import RecordBulletin

runner = CliRunner()
CHOICES = ["president=amal", "council-north=n1,n2", "referendum=yes"]
SECRET = "SeCrEt-0123456789-do-not-print"


@dataclass
class Env:
    root: Path
    url: str = ""
    html: str = ""
    busy_port: int = 0
    files: dict[str, Path] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Path:
        files = self.__dict__["files"]
        if name in files:
            return files[name]
        raise AttributeError(name)


class _Html(http.server.BaseHTTPRequestHandler):
    """A "board" answering 200 with a page that is not JSON, to every request."""

    def _answer(self) -> None:
        body = b"<html><body>welcome</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def _build_record(root: Path, env: Env) -> None:
    """Stages of one small election made with the role steps: setup, open, finished."""
    sec = root / "secrets"
    setup, done = root / "setup", root / "done"
    steps.new_election(setup, demo_manifest_path(), 2, 1)
    shutil.copytree(setup, done)
    for i in (1, 2):
        steps.trustee_keygen(done, i, f"T{i}", sec / f"t{i}.secret.json")
    for i in (1, 2):
        steps.trustee_reveal(done, sec / f"t{i}.secret.json")
    for i in (1, 2):
        steps.trustee_exchange(done, sec / f"t{i}.secret.json")
    for i in (1, 2):
        steps.trustee_finish(done, sec / f"t{i}.secret.json", sec / f"t{i}.share.json")
    issued = steps.generate_credentials(done, {"north": 2}, sec / "codes.json")
    steps.open_election(done)
    opened = root / "open"
    shutil.copytree(done, opened)
    ctx = steps.election_context(done)
    ballot, _ = steps.encrypt_vote(ctx, issued[0][1], "north", parse_choices(CHOICES))
    RecordBulletin(done).cast(ballot)
    steps.compute_tally(done, 1)
    steps.trustee_decrypt(done, sec / "t1.share.json")
    steps.publish_result(done)
    env.files.update(
        setup=setup,
        open=opened,
        done=done,
        secret=sec / "t1.secret.json",
        share=sec / "t1.share.json",
        codes=sec / "codes.json",
    )
    env.code = issued[1][1]  # type: ignore[attr-defined]
    # A record whose ballot log is a FIFO: a reader that opens it blocks for ever.
    fifo_rec = root / "fifo-record"
    shutil.copytree(opened, fifo_rec)
    (fifo_rec / "ballots.jsonl").unlink(missing_ok=True)
    os.mkfifo(fifo_rec / "ballots.jsonl")
    garbled = root / "garbled-record"
    shutil.copytree(opened, garbled)
    (garbled / "ballots.jsonl").write_bytes(b"\x00\xff garbage\n")
    bad_manifest = root / "bad-manifest-record"
    shutil.copytree(setup, bad_manifest)
    (bad_manifest / "manifest.json").write_bytes(b"{not json")
    env.files.update(fifo_record=fifo_rec, garbled_record=garbled, bad_manifest=bad_manifest)


def _bad_files(root: Path, env: Env) -> None:
    d = root / "files"
    d.mkdir()
    (d / "dir").mkdir()
    os.mkfifo(d / "fifo")
    (d / "garbage").write_bytes(b"\x00\xff\xfe garbage \x1b[2K")
    (d / "empty").write_bytes(b"")
    (d / "list.json").write_text("[]")
    (d / "secret.json").write_text(f'{{"tokens": {{"trustee-1": "{SECRET}"}}, "x": "{SECRET}"}}')
    (d / "wrong.token").write_text("not-the-right-token\n")
    (d / "existing").write_text("keep me")
    (d / "garbage.sqlite3").write_bytes(os.urandom(8192))
    sqlite_head = b"SQLite format 3\x00" + os.urandom(100)
    (d / "truncated.sqlite3").write_bytes(sqlite_head)
    (d / "control.json").write_text(
        demo_manifest_path().read_text().replace('"Demo', '"Demo\\r\\u001b[2K', 1)
    )
    (d / "receipt-garbage.json").write_text('{"tracker": "00"}')
    env.files.update(
        missing=d / "missing",
        dir=d / "dir",
        fifo=d / "fifo",
        garbage=d / "garbage",
        empty=d / "empty",
        list=d / "list.json",
        leaky=d / "secret.json",
        wrong_token=d / "wrong.token",
        existing=d / "existing",
        garbage_db=d / "garbage.sqlite3",
        truncated_db=d / "truncated.sqlite3",
        control_manifest=d / "control.json",
        not_a_receipt=d / "receipt-garbage.json",
        out=d / "out",
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, kit: types.ModuleType) -> Iterator[Env]:
    root = tmp_path_factory.mktemp("bad-inputs")
    e = Env(root)
    _build_record(root, e)
    _bad_files(root, e)
    server = kit.ServerProcess(root / "server", f"sqlite:///{root / 'board.sqlite3'}").start()
    e.url = server.url
    admin = root / "admin.token"
    admin.write_text(kit.ADMIN_TOKEN + "\n")
    e.files["admin"] = admin
    tokens = root / "tokens.json"
    run = runner.invoke(
        app,
        ["board", "create", e.url, "--manifest", str(demo_manifest_path()),
         "--admin-token-file", str(admin), "--tokens-out", str(tokens)],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    e.files["tokens"] = tokens
    html = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Html)
    threading.Thread(target=html.serve_forever, daemon=True).start()
    e.html = f"http://127.0.0.1:{html.server_address[1]}"
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    e.busy_port = busy.getsockname()[1]
    yield e
    busy.close()
    html.shutdown()
    server.kill()


# --- the corpus: (argv from the environment, exit code, words the line must hold) ----------

Args = Callable[[Env], list[object]]


def _record(cmd: list[str], rec: str) -> Args:
    return lambda e: [*cmd, "--record", e.files[rec]]


def _board(cmd: list[str], *rest: object, url: str = "url") -> Args:
    def args(e: Env) -> list[object]:
        target = {"url": e.url, "html": e.html}.get(url, url)
        return [*cmd, target, *[e.files[a[1:]] if str(a).startswith("@") else a for a in rest]]

    return args


def _with(base: Args, *extra: object) -> Args:
    def args(e: Env) -> list[object]:
        return [*base(e), *[e.files[a[1:]] if str(a).startswith("@") else a for a in extra]]

    return args


FILE_KINDS = {
    "missing": "file is missing",
    "dir": "not a regular file",
    "fifo": "not a regular file",
    "garbage": "not valid JSON",
    "empty": "not valid JSON",
    "list": "expected an object",
}

CASES: dict[str, tuple[Args, int, tuple[str, ...]]] = {}


def e_name(kind: str) -> str:
    return {"not_a_receipt": "receipt-garbage.json", "secret": "t1.secret.json",
            "codes": "codes.json", "list": "list.json"}.get(kind, kind)  # fmt: skip


# election new: the manifest file, and a label with terminal escapes
for kind, words in FILE_KINDS.items():
    CASES[f"election new --manifest {kind}"] = (
        lambda e, k=kind: ["election", "new", "--record", e.root / f"new-{k}", "--manifest",
                           e.files[k]],
        2, (words,),
    )  # fmt: skip
CASES["election new --manifest with a control character in a label"] = (
    lambda e: ["election", "new", "--record", e.root / "new-ctl", "--manifest",
               e.control_manifest],
    2, ("title.en", "control character"),
)  # fmt: skip
CASES["election new --record is a file"] = (
    lambda e: ["election", "new", "--record", e.garbage, "--manifest", demo_manifest_path()],
    2, ("garbage",),
)  # fmt: skip

# every record command on a record that is missing, garbled, not open, or with a FIFO log
for rec, words in {
    "missing": ("missing",),
    "garbage": ("garbage",),
    "bad_manifest": ("bad-manifest-record",),
}.items():
    for cmd in (["election", "open"], ["tally"], ["results"]):
        CASES[f"{' '.join(cmd)} on a {rec} record"] = (_record(cmd, rec), 2, words)
CASES["tally of a record whose ballots.jsonl is a FIFO"] = (
    _record(["tally"], "fifo_record"),
    2,
    ("ballots.jsonl", "not a regular file"),
)
CASES["tally of a garbled ballot log"] = (_record(["tally"], "garbled_record"), 0, ())
CASES["tally before the election opens"] = (_record(["tally"], "setup"), 2, ())
CASES["results before the tally"] = (_record(["results"], "open"), 2, ("tally",))

# trustee steps: secret and share files of every bad kind
for kind, words in FILE_KINDS.items():
    CASES[f"trustee exchange --secret {kind}"] = (
        lambda e, k=kind: ["trustee", "exchange", "--record", e.done, "--secret", e.files[k]],
        2, (words,),
    )  # fmt: skip
    CASES[f"trustee decrypt --share {kind}"] = (
        lambda e, k=kind: ["trustee", "decrypt", "--record", e.done, "--share", e.files[k]],
        2, (words,),
    )  # fmt: skip
    CASES[f"trustee finish --secret {kind}"] = (
        lambda e, k=kind: ["trustee", "finish", "--record", e.done, "--secret", e.files[k],
                           "--share", e.root / f"share-{k}"],
        2, (words,),
    )  # fmt: skip
CASES["trustee decrypt --share is a secret file"] = (
    lambda e: ["trustee", "decrypt", "--record", e.done, "--share", e.secret],
    2,
    ("t1.secret",),
)
CASES["trustee exchange --secret is a tokens file"] = (
    lambda e: ["trustee", "exchange", "--record", e.done, "--secret", e.leaky],
    2,
    ("secret",),
)
CASES["trustee keygen --secret is a directory"] = (
    lambda e: ["trustee", "keygen", "--record", e.setup, "--index", 1, "--name", "T",
               "--secret", e.dir],
    2, ("refusing to overwrite",),
)  # fmt: skip
CASES["trustee keygen --index out of range"] = (
    lambda e: ["trustee", "keygen", "--record", e.setup, "--index", 7, "--name", "T",
               "--secret", e.root / "s7"],
    2, ("trustee index 7",),
)  # fmt: skip

# the credential authority
for voters, words in {
    "north": "expected DISTRICT=COUNT",
    "north=x": "expected DISTRICT=COUNT",
    "north=-1": "expected DISTRICT=COUNT",
    "mars=1": "unknown district 'mars'",
}.items():
    CASES[f"credentials generate --voters {voters}"] = (
        lambda e, v=voters: ["credentials", "generate", "--record", e.setup, "--voters", v,
                             "--keep-codes", e.root / f"codes-{v}"],
        2, (words,),
    )  # fmt: skip
CASES["credentials generate --voters twice"] = (
    lambda e: ["credentials", "generate", "--record", e.setup, "--voters", "north=1",
               "--voters", "north=2", "--keep-codes", e.root / "codes-twice"],
    2, ("given twice",),
)  # fmt: skip
CASES["credentials generate without --keep-codes"] = (
    lambda e: ["credentials", "generate", "--record", e.setup, "--voters", "north=1"],
    2, ("--keep-codes",),
)  # fmt: skip
CASES["credentials generate --keep-codes exists"] = (
    lambda e: ["credentials", "generate", "--record", e.setup, "--voters", "north=1",
               "--keep-codes", e.existing],
    2, ("refusing to overwrite",),
)  # fmt: skip

# voters


def _choices(first: str = "president=amal") -> list[str]:
    return [x for c in [first, *CHOICES[1:]] for x in ("--choice", c)]


for choice, words in {
    "president": "expected CONTEST=OPTION",
    "=amal": "expected CONTEST=OPTION",
    "mayor=amal": "contest 'mayor'",
    "president=zed": "unknown option 'zed'",
}.items():
    CASES[f"vote --choice {choice}"] = (
        lambda e, c=choice: ["vote", "--record", e.open, "--code", e.code, "--district",
                             "north", *_choices(c)],
        2, (words,),
    )  # fmt: skip
CASES["vote with a mistyped code"] = (
    lambda e: ["vote", "--record", e.open, "--code", "00000-00000-00000-00000", "--district",
               "north", *_choices()],
    2, ("code",),
)  # fmt: skip
CASES["vote --district unknown"] = (
    lambda e: ["vote", "--record", e.open, "--code", e.code, "--district", "mars", *_choices()],
    2, ("mars",),
)  # fmt: skip
CASES["vote on a record whose ballots.jsonl is a FIFO"] = (
    lambda e: ["vote", "--record", e.fifo_record, "--code", e.code, "--district", "north",
               *_choices()],
    2, ("not a regular file",),
)  # fmt: skip
CASES["vote --out is a directory"] = (
    lambda e: ["vote", "--record", e.open, "--code", e.code, "--district", "north",
               *_choices(), "--out", e.dir],
    2, ("dir",),
)  # fmt: skip
for kind, words in FILE_KINDS.items():
    CASES[f"cast {kind}"] = (
        lambda e, k=kind: ["cast", "--record", e.open, e.files[k]],
        2,
        (words,),
    )
CASES["cast a secret file"] = (lambda e: ["cast", "--record", e.open, e.secret], 2, ("t1",))

# verify: an unreadable record is exit 2; a receipt that is not one of this election is a
# finding (exit 1) that names its file
CASES["verify a missing record"] = (lambda e: ["verify", e.missing], 2, ("missing",))
CASES["verify a record that is a file"] = (lambda e: ["verify", e.garbage], 2, ("garbage",))
CASES["verify a record with a garbage manifest"] = (
    lambda e: ["verify", e.bad_manifest],
    2,
    ("manifest.json",),
)
CASES["verify a record whose ballots.jsonl is a FIFO"] = (
    lambda e: ["verify", "--workers", 1, e.fifo_record],
    2,
    ("ballots.jsonl", "not a regular"),
)
for kind in ("garbage", "empty", "list", "not_a_receipt", "secret", "codes"):
    CASES[f"verify --receipt {kind}"] = (
        lambda e, k=kind: ["verify", "--workers", 1, e.done, "--receipt", e.files[k]],
        1, ("board.receipt", e_name(kind), "is not a receipt"),
    )  # fmt: skip
for kind in ("missing", "dir", "fifo"):
    CASES[f"verify --receipt {kind}"] = (
        lambda e, k=kind: ["verify", "--workers", 1, e.done, "--receipt", e.files[k]],
        2, (FILE_KINDS[kind],),
    )  # fmt: skip


# export and monitor: URLs, elections, state files
for url, words in {
    "not a url": "not a board URL",
    "http://": "not a board URL",
    "ftp://127.0.0.1/": "not a board URL",
    "http://[::1": "not a board URL",
    "http://127.0.0.1:1": "board unreachable",
    "html": "not valid JSON",
}.items():
    CASES[f"export {url}"] = (
        _board(["export"], "--election", "demo-2026", "--record", "@out", url=url),
        2,
        (words,),
    )
    CASES[f"monitor {url}"] = (
        _board(["monitor"], "--election", "demo-2026", "--rounds", 1, "--retries", 0, url=url),
        2,
        (words,),
    )
    CASES[f"board vote {url}"] = (
        _board(["board", "vote"], "--election", "demo-2026", "--code", "x", "--choice",
               "president=amal", url=url),
        2, (words,),
    )  # fmt: skip
CASES["export --election ''"] = (
    _board(["export"], "--election", "", "--record", "@out"),
    2,
    ("election",),
)
CASES["export an unknown election"] = (
    _board(["export"], "--election", "nope", "--record", "@out"),
    2,
    ("404",),
)
CASES["export into a non-empty directory"] = (
    _board(["export"], "--election", "demo-2026", "--record", "@done"),
    2,
    ("not empty",),
)
CASES["monitor --election ''"] = (
    _board(["monitor"], "--election", "", "--rounds", 1),
    2,
    ("election",),
)
for kind, words in FILE_KINDS.items():
    if kind != "missing":
        CASES[f"monitor --state {kind}"] = (
            _board(["monitor"], "--election", "demo-2026", "--rounds", 1, "--state", f"@{kind}"),
            2, (words,),
        )  # fmt: skip

# the board's roles
CASES["board create --admin-token-file wrong"] = (
    _board(["board", "create"], "--manifest", demo_manifest_path(), "--admin-token-file",
           "@wrong_token", "--tokens-out", "@out"),
    2, ("admin token",),
)  # fmt: skip
for kind, words in {**FILE_KINDS, "garbage": "not a token file", "empty": "empty",
                    "list": "not a token file", "leaky": "not a token file"}.items():  # fmt: skip
    CASES[f"board open --admin-token-file {kind}"] = (
        _board(["board", "open"], "--election", "demo-2026", "--admin-token-file", f"@{kind}"),
        2, (words,),
    )  # fmt: skip
CASES["board create --tokens-out exists"] = (
    _board(["board", "create"], "--manifest", demo_manifest_path(), "--admin-token-file",
           "@admin", "--tokens-out", "@existing"),
    2, ("refusing to overwrite",),
)  # fmt: skip
CASES["board create --manifest garbage"] = (
    _board(["board", "create"], "--manifest", "@garbage", "--admin-token-file", "@admin",
           "--tokens-out", "@out"),
    2, ("not valid JSON",),
)  # fmt: skip
CASES["board create an existing election"] = (
    _board(["board", "create"], "--manifest", demo_manifest_path(), "--admin-token-file",
           "@admin", "--tokens-out", "@out"),
    2, ("409",),
)  # fmt: skip
for cmd in (["board", "open"], ["board", "close"], ["board", "result"]):
    CASES[f"{' '.join(cmd)} --election ''"] = (
        _board(cmd, "--election", "", "--admin-token-file", "@admin"),
        2,
        ("election",),
    )
    CASES[f"{' '.join(cmd)} an unknown election"] = (
        _board(cmd, "--election", "nope", "--admin-token-file", "@admin"),
        2,
        ("404",),
    )
CASES["board open before the ceremony"] = (
    _board(["board", "open"], "--election", "demo-2026", "--admin-token-file", "@admin"),
    2, ("409",),
)  # fmt: skip
CASES["board trustee keygen with a wrong token"] = (
    _board(["board", "trustee", "keygen"], "--election", "demo-2026", "--index", 1, "--name",
           "T", "--token-file", "@wrong_token", "--secret", "@out"),
    2, ("this needs the",),
)  # fmt: skip
CASES["board trustee keygen --token-file tokens.json"] = (
    _board(["board", "trustee", "keygen"], "--election", "demo-2026", "--index", 1, "--name",
           "T", "--token-file", "@tokens", "--secret", "@out"),
    2, ("not a token file",),
)  # fmt: skip
CASES["board trustee keygen --election ''"] = (
    _board(["board", "trustee", "keygen"], "--election", "", "--index", 1, "--name", "T",
           "--token-file", "@wrong_token", "--secret", "@out"),
    2, ("election",),
)  # fmt: skip
CASES["board trustee exchange --secret missing"] = (
    _board(["board", "trustee", "exchange"], "--election", "demo-2026", "--token-file",
           "@wrong_token", "--secret", "@missing"),
    2, ("missing",),
)  # fmt: skip
CASES["board trustee decrypt before the tally"] = (
    _board(["board", "trustee", "decrypt"], "--election", "demo-2026", "--token-file",
           "@wrong_token", "--share", "@share"),
    2, ("not open",),
)  # fmt: skip
CASES["board credentials generate with a wrong token"] = (
    _board(["board", "credentials", "generate"], "--election", "demo-2026", "--token-file",
           "@wrong_token", "--voters", "north=1", "--keep-codes", "@out"),
    2, ("this needs the",),
)  # fmt: skip
CASES["board credentials generate without --keep-codes"] = (
    _board(["board", "credentials", "generate"], "--election", "demo-2026", "--token-file",
           "@wrong_token", "--voters", "north=1"),
    2, ("--keep-codes",),
)  # fmt: skip
CASES["board vote --election ''"] = (
    _board(["board", "vote"], "--election", "", "--code", "x", "--choice", "president=amal"),
    2, ("election",),
)  # fmt: skip
CASES["board vote before the election opens"] = (
    _board(["board", "vote"], "--election", "demo-2026", "--code", "x", "--choice",
           "president=amal"),
    2, ("not open",),
)  # fmt: skip
CASES["board vote --choice without ="] = (
    _board(["board", "vote"], "--election", "demo-2026", "--code", "x", "--choice", "president"),
    2, ("expected CONTEST=OPTION",),
)  # fmt: skip

# serve: run as a process (a serve that wrongly starts would not return)
SERVE: dict[str, tuple[Callable[[Env], list[str]], tuple[str, ...]]] = {
    "unknown database scheme": (
        lambda e: ["--database", "mysql+nope://x/y"],
        ("board storage", "mysql.nope"),
    ),
    "database URL that is not a URL": (
        lambda e: ["--database", "::::"],
        ("board storage", "Could not parse"),
    ),
    "garbage SQLite file": (
        lambda e: ["--database", f"sqlite:///{e.garbage_db}"],
        ("not a database",),
    ),
    "truncated SQLite file": (
        lambda e: ["--database", f"sqlite:///{e.truncated_db}"],
        ("not a database",),
    ),
    "SQLite in a missing directory": (
        lambda e: ["--database", f"sqlite:///{e.missing}/x/board.sqlite3"],
        ("unable to open",),
    ),
    "busy port": (lambda e: ["--port", str(e.busy_port)], ("port", "in use")),
    "--data is a file": (lambda e: ["--data", str(e.garbage)], ("garbage",)),
}


def _clear(path: Path) -> None:
    """The output path of the last case, whatever a command made of it."""
    if path.is_dir():
        shutil.rmtree(path)
    path.unlink(missing_ok=True)


def _check(stdout: str, stderr: str, code: int, expected: int, words: tuple[str, ...]) -> None:
    assert "Traceback" not in stdout + stderr, stderr
    assert code == expected, f"exit {code}\n{stdout}\n{stderr}"
    if expected == 0:
        return
    if expected == 1:
        fails = [line for line in stdout.splitlines() if line.startswith("FAIL ")]
        assert fails, stdout
        text = "\n".join(fails)
    else:
        lines = stderr.strip().splitlines()
        assert len(lines) == 1, stderr
        assert lines[0].startswith("error: "), lines
        text = lines[0]
    for w in words:
        assert w in text, f"{w!r} not in {text!r}"
    assert SECRET not in stdout + stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(env: Env, case: str) -> None:
    args, expected, words = CASES[case]
    _clear(env.files["out"])
    result = runner.invoke(app, [str(a) for a in args(env)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}\n{result.output}"
    )
    _check(result.stdout, result.stderr, result.exit_code, expected, words)


@pytest.mark.slow  # each case starts `openballot serve` in a process
@pytest.mark.parametrize("case", sorted(SERVE))
def test_bad_serve(env: Env, kit: types.ModuleType, case: str) -> None:
    args, words = SERVE[case]
    base = ["serve", "--data", str(env.root / f"serve-{case.replace(' ', '-')}")]
    base += ["--port", str(kit.free_port())]
    try:
        run = kit.cli(*base, *args(env), timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("serve started (or hung) on bad input")
    _check(run.stdout, run.stderr, run.returncode, 2, words)


def test_the_corpus_is_large() -> None:
    assert len(CASES) + len(SERVE) >= 80


# --- secrets: a file of the wrong format is refused without showing what it holds ------------

LEAKY: dict[str, bytes] = {
    "tokens.json": json.dumps(  # as `board create` writes it: on several lines
        {"election": "demo-2026", "tokens": {"trustee-1": SECRET, "trustee-2": SECRET}}, indent=2
    ).encode(),
    "two lines": f"{SECRET}\n{SECRET}\n".encode(),
    "with a space": f"Bearer {SECRET}\n".encode(),
    "binary": b"\xff\xfe" + SECRET.encode() + b"\x00\x1b[2K",
    "codes file": json.dumps(
        {"election": "demo-2026", "voters": [{"voter": 1, "district": "north", "code": SECRET}]}
    ).encode(),
}

# Every command that reads a token file or a secret file; `@leaky` is the file under test.
SECRET_READERS: dict[str, Args] = {
    "board create --admin-token-file": _board(
        ["board", "create"], "--manifest", demo_manifest_path(), "--admin-token-file",
        "@leaky_file", "--tokens-out", "@out"),
    "board open --admin-token-file": _board(
        ["board", "open"], "--election", "demo-2026", "--admin-token-file", "@leaky_file"),
    "board close --admin-token-file": _board(
        ["board", "close"], "--election", "demo-2026", "--admin-token-file", "@leaky_file"),
    "board result --admin-token-file": _board(
        ["board", "result"], "--election", "demo-2026", "--admin-token-file", "@leaky_file"),
    "board trustee keygen --token-file": _board(
        ["board", "trustee", "keygen"], "--election", "demo-2026", "--index", 1, "--name", "T",
        "--token-file", "@leaky_file", "--secret", "@out"),
    "board trustee exchange --token-file": _board(
        ["board", "trustee", "exchange"], "--election", "demo-2026", "--token-file",
        "@leaky_file", "--secret", "@secret"),
    "board trustee exchange --secret": _board(
        ["board", "trustee", "exchange"], "--election", "demo-2026", "--token-file",
        "@wrong_token", "--secret", "@leaky_file"),
    "board trustee finish --secret": _board(
        ["board", "trustee", "finish"], "--election", "demo-2026", "--token-file",
        "@wrong_token", "--secret", "@leaky_file", "--share", "@out"),
    "board trustee decrypt --share": _board(
        ["board", "trustee", "decrypt"], "--election", "demo-2026", "--token-file",
        "@leaky_file", "--share", "@leaky_file"),
    "board credentials generate --token-file": _board(
        ["board", "credentials", "generate"], "--election", "demo-2026", "--token-file",
        "@leaky_file", "--voters", "north=1", "--keep-codes", "@out"),
    "trustee exchange --secret": lambda e: [
        "trustee", "exchange", "--record", e.done, "--secret", e.leaky_file],
    "trustee finish --secret": lambda e: [
        "trustee", "finish", "--record", e.done, "--secret", e.leaky_file, "--share", e.out],
    "trustee decrypt --share": lambda e: [
        "trustee", "decrypt", "--record", e.done, "--share", e.leaky_file],
}  # fmt: skip


@pytest.mark.parametrize("content", sorted(LEAKY))
@pytest.mark.parametrize("command", sorted(SECRET_READERS))
def test_no_secret_in_an_error(env: Env, command: str, content: str) -> None:
    leaky = env.root / "leaky"
    leaky.write_bytes(LEAKY[content])
    env.files["leaky_file"] = leaky
    _clear(env.files["out"])
    result = runner.invoke(app, [str(a) for a in SECRET_READERS[command](env)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert SECRET not in result.output
    assert "Traceback" not in result.output
