"""Shared fixtures of the board and server tests: a database for each storage backend, an
election set up on a board through its HTTP API, and `openballot serve` as a real process.

`database_url` runs a test on SQLite and on a real PostgreSQL server (OPENBALLOT_TEST_POSTGRES_URL,
set by `make test`), each test with a database of its own. An `ElectionOnBoard` drives one
election through the API with any httpx-style client: FastAPI's TestClient in process, or
httpx against a server process.

(The other test directories have conftests of their own; nothing here is used by them.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from openballot.crypto.keyceremony import TrusteeShare
from openballot.crypto.share_encryption import EncryptedShare
from openballot.crypto.trustee import TrusteePublicKey, TrusteeSecret
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.election.context import ElectionContext
from openballot.election.credentials import CredentialList, credential_secret
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally
from openballot.testing import HonestElection, fresh_postgres_database, honest_election
from openballot.testing import demo_manifest as demo_manifest  # kit.demo_manifest(id)

POSTGRES_ENV = "OPENBALLOT_TEST_POSTGRES_URL"
ADMIN_TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
OPENBALLOT = Path(sys.executable).with_name("openballot")
TRUSTEES, THRESHOLD = 3, 2
PROBLEM_TYPE = "application/problem+json"


# --- databases -------------------------------------------------------------------------------


def postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: the PostgreSQL half of the board tests needs a real "
            "server. Run `make test`, or "
            f"`export {POSTGRES_ENV}=$(scripts/postgres-for-tests.sh)` first."
        )
    return url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `postgres` every test run against PostgreSQL: whatever its fixture is called
    (`database_url`, a test's own), its "postgresql" parameter says so."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A board database URL: a SQLite file of this test, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'board.sqlite3'}"
        return
    with fresh_postgres_database(postgres_base_url()) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'board.sqlite3'}"


def raw_connection(url: str) -> Any:
    """A DB-API connection to a board database, bypassing the board (to forge or inspect)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        import sqlite3

        assert u.database
        return contextlib.closing(sqlite3.connect(u.database))
    import psycopg

    return psycopg.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username,
        password=u.password,
        dbname=u.database,
    )


# --- the client side of an election ----------------------------------------------------------


@dataclass(frozen=True)
class Ceremony:
    """Everything the trustees and the credential authority make on their own machines (an
    openballot.testing election), keyed by trustee index as the board's API is.

    Nothing here depends on a board, so the same ceremony can set up identical elections
    (same fingerprint, so the same ballots are valid) on several boards."""

    election: HonestElection

    @property
    def manifest(self) -> Manifest:
        return self.election.manifest

    @property
    def election_id(self) -> str:
        return self.election.election_id

    @property
    def ctx(self) -> ElectionContext:
        return self.election.ctx

    @property
    def credentials(self) -> CredentialList:
        return self.election.credentials

    @property
    def voters(self) -> list[tuple[str, str]]:
        """(district, code), in credential order."""
        return self.election.voters

    @property
    def secrets(self) -> dict[int, TrusteeSecret]:
        return {s.index: s for s in self.election.secrets}

    @property
    def publics(self) -> dict[int, TrusteePublicKey]:
        return {p.index: p for p in self.election.public_keys}

    @property
    def encrypted_shares(self) -> Mapping[int, tuple[EncryptedShare, ...]]:
        return self.election.keys.sent

    @property
    def shares(self) -> dict[int, TrusteeShare]:
        return {i: share for i, share in enumerate(self.election.shares, start=1)}

    def ballot(
        self, voter: int, choices: dict[str, list[str]] | None = None
    ) -> tuple[EncryptedBallot, BallotOpening]:
        """A fresh ballot of voter number `voter`; by default a vote for the first options."""
        district, code = self.voters[voter]
        if choices is None:
            choices = self.election.first_choices(district)
        secret = credential_secret(self.election_id, code)
        return self.election.vote(district, choices, secret=secret)


def make_ceremony(manifest: Manifest | None = None, north: int = 4, south: int = 3) -> Ceremony:
    voters = {"north": north, "south": south}
    return Ceremony(
        honest_election(manifest, trustees=TRUSTEES, threshold=THRESHOLD, voters=voters)
    )


@pytest.fixture(scope="session")
def ceremony() -> Ceremony:
    """The standard election's client side: demo manifest, 3 trustees (t = 2), 4 + 3 voters."""
    return make_ceremony()


# --- an election on a board, through its HTTP API --------------------------------------------


def signed_again(e: Any, value: dict[str, Any], voter: int = 0) -> dict[str, Any]:
    """An edited ballot (JSON) signed again by its voter (`e` has `election_id` and
    `voters`): a board checks the signature before the range proofs, so only a ballot signed
    after the edit reaches them."""
    from openballot.crypto.encoding import digest
    from openballot.crypto.proofs import SchnorrProof
    from openballot.election.ballot import SIGNATURE_TAG

    ballot = EncryptedBallot.from_json(value)
    context = [digest("ballot/body", ballot.body_encoding())]
    secret = credential_secret(e.election_id, e.voters[voter][1])
    return {**value, "signature": SchnorrProof.prove(SIGNATURE_TAG, context, secret).to_json()}


def is_problem(r: httpx.Response, status: int, *words: str) -> str:
    """Assert that `r` is an RFC 9457 problem detail of `status` whose detail has `words`;
    returns the detail."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:500]}"
    assert r.headers["content-type"].startswith(PROBLEM_TYPE), r.headers["content-type"]
    body = r.json()
    assert set(body) >= {"type", "title", "status", "detail"}, body
    assert body["status"] == status
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    detail = body["detail"]
    assert isinstance(detail, str) and detail.strip(), body
    for w in words:
        assert w.lower() in detail.lower(), f"{w!r} not in detail {detail!r}"
    return detail


@dataclass(repr=False)
class ElectionOnBoard:
    """One election on a board, driven through the HTTP API as each role would."""

    client: Any  # httpx.Client or fastapi.testclient.TestClient
    ceremony: Ceremony
    board: Any = None  # the server's `Board` when it runs in this process
    tokens: dict[str, str] = field(default_factory=dict)
    receipts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def election_id(self) -> str:
        return self.ceremony.election_id

    def __repr__(self) -> str:
        return f"<election {self.election_id} on {self.client.base_url}>"

    @property
    def ctx(self) -> ElectionContext:
        return self.ceremony.ctx

    @property
    def voters(self) -> list[tuple[str, str]]:
        return self.ceremony.voters

    @property
    def shares(self) -> dict[int, TrusteeShare]:
        return self.ceremony.shares

    def path(self, rest: str = "") -> str:
        return f"/api/elections/{self.election_id}{rest}"

    def trustee(self, i: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[f'trustee-{i}']}"}

    def credential_authority(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['credential-authority']}"}

    # setup, one step at a time (each returns the response)

    def create(self, trustees: int = TRUSTEES, threshold: int = THRESHOLD) -> httpx.Response:
        body = {
            "manifest": self.ceremony.manifest.to_json(),
            "trustees": trustees,
            "threshold": threshold,
        }
        r = self.client.post("/api/elections", json=body, headers=ADMIN)
        if r.status_code == 201:
            self.tokens = r.json()["tokens"]
        return r

    def post_commitment(self, i: int) -> httpx.Response:
        return self.client.post(
            self.path(f"/trustees/{i}/commitment"),
            json=self.ceremony.election.keys.commitment(i).to_json(),
            headers=self.trustee(i),
        )

    def post_key(self, i: int) -> httpx.Response:
        return self.client.post(
            self.path(f"/trustees/{i}/key"),
            json=self.ceremony.publics[i].to_json(),
            headers=self.trustee(i),
        )

    def post_shares(self, i: int) -> httpx.Response:
        body = self.ceremony.election.keys.shares_message(i).to_json()
        return self.client.post(
            self.path(f"/trustees/{i}/shares"), json=body, headers=self.trustee(i)
        )

    def post_verdict(self, i: int) -> httpx.Response:
        body = self.ceremony.election.keys.verdict(i).to_json()
        return self.client.post(
            self.path(f"/trustees/{i}/verdict"), json=body, headers=self.trustee(i)
        )

    def post_credentials(self) -> httpx.Response:
        return self.client.post(
            self.path("/credentials"),
            json=self.ceremony.credentials.to_json(),
            headers=self.credential_authority(),
        )

    def open(self) -> httpx.Response:
        return self.client.post(self.path("/open"), headers=ADMIN)

    def setup(self, open_: bool = True) -> ElectionOnBoard:
        """Create, run the key ceremony, publish the credentials and (by default) open."""
        steps: list[Callable[[], httpx.Response]] = [self.create]
        steps += [lambda i=i: self.post_commitment(i) for i in (1, 2, 3)]
        steps += [lambda i=i: self.post_key(i) for i in (1, 2, 3)]
        steps += [lambda i=i: self.post_shares(i) for i in (1, 2, 3)]
        steps += [lambda i=i: self.post_verdict(i) for i in (1, 2, 3)]
        steps.append(self.post_credentials)
        if open_:
            steps.append(self.open)
        for step in steps:
            r = step()
            assert r.status_code == 201, r.text
        return self

    # voting

    def cast(self, ballot: EncryptedBallot | dict[str, Any]) -> httpx.Response:
        value = ballot.to_json() if isinstance(ballot, EncryptedBallot) else ballot
        r = self.client.post(self.path("/ballots"), json={"ballot": value})
        if r.status_code in (200, 201):
            self.receipts.append(r.json())
        return r

    def audit(self, ballot: EncryptedBallot, opening: BallotOpening) -> httpx.Response:
        return self.client.post(
            self.path("/audits"), json={"ballot": ballot.to_json(), "opening": opening.to_json()}
        )

    def close(self) -> httpx.Response:
        return self.client.post(self.path("/close"), headers=ADMIN)

    def tally(self) -> Tally:
        r = self.client.get(self.path("/tally"))
        assert r.status_code == 200, r.text
        return Tally.from_json(r.json(), self.ctx)

    def decryption(self, i: int) -> dict[str, Any]:
        return self.ceremony.election.decrypt(self.tally(), i).to_json()

    def post_decryption(self, i: int, value: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(
            self.path(f"/trustees/{i}/decryption"),
            json=self.decryption(i) if value is None else value,
            headers=self.trustee(i),
        )

    def publish_result(self) -> httpx.Response:
        return self.client.post(self.path("/result"), headers=ADMIN)

    def finish(self) -> None:
        """Close, decrypt with trustees 1 and 3, publish the result."""
        for step in (self.close, lambda: self.post_decryption(1), lambda: self.post_decryption(3)):
            r = step()
            assert r.status_code == 201, r.text
        r = self.publish_result()
        assert r.status_code == 201, r.text

    # what the board holds

    def snapshot(self) -> dict[str, Any]:
        """Everything a bad request must leave as it was: the latest tree head, every entry,
        and (in process) the in-memory Merkle tree and the election's state."""
        head = self.client.get(self.path("/board/tree-head"))
        entries = self.client.get(self.path("/board/entries"))
        heads = self.client.get(self.path("/board/tree-heads"))
        assert head.status_code == entries.status_code == heads.status_code == 200
        snap: dict[str, Any] = {
            "head_size": head.json()["size"],
            "head": head.json(),
            "entries": entries.json(),
            "heads": heads.json(),
            "elections": self.client.get("/api/board").json()["elections"],
        }
        if self.board is not None:
            service = self.board.elections[self.election_id]
            snap["tree"] = (service.log.size, service.log.tree.root())
            snap["state"] = service.state
            snap["decryptions"] = sorted(service.decryptions)
        return snap


def in_process_board(url: str, data: Path) -> tuple[Any, Any]:
    """A board on `url` with its key in `data`, and a TestClient of its API (server errors
    come back as responses, so a test sees a 500 as a 500)."""
    with warnings.catch_warnings():
        # Starlette's TestClient asks for httpx2; the project pins httpx, which works.
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from fastapi.testclient import TestClient

    from openballot.board.signing import BoardKey
    from openballot.board.store import BoardStore
    from openballot.server.app import create_app
    from openballot.server.service import Board

    board = Board(BoardStore(url), BoardKey.load_or_create(data / "board.key"))
    return board, TestClient(create_app(board, ADMIN_TOKEN), raise_server_exceptions=False)


@pytest.fixture
def make_election(tmp_path: Path, ceremony: Ceremony) -> Iterator[Callable[..., ElectionOnBoard]]:
    """make_election(url, ceremony=..., open_=True, client=..., board=...): an election set up
    on a board in this process (a new board on `url` unless a client is given)."""
    boards: list[Any] = []

    def make(
        url: str | None = None,
        ceremony_: Ceremony | None = None,
        open_: bool = True,
        client: Any = None,
        board: Any = None,
    ) -> ElectionOnBoard:
        if client is None:
            assert url is not None
            data = tmp_path / f"data-{len(boards)}"
            data.mkdir()
            board, client = in_process_board(url, data)
            boards.append(board)
        return ElectionOnBoard(client, ceremony_ or ceremony, board).setup(open_)

    yield make
    for b in boards:
        b.store.close()


@pytest.fixture
def election_on_board(
    database_url: str, make_election: Callable[..., ElectionOnBoard]
) -> ElectionOnBoard:
    """The standard election, open, on a new in-process board (SQLite and PostgreSQL)."""
    return make_election(database_url)


@pytest.fixture(scope="session")
def _sqlite_election_template(
    tmp_path_factory: pytest.TempPathFactory, ceremony: Ceremony
) -> tuple[Path, dict[str, str]]:
    """The standard election set up once, through the API, on a SQLite board: its folder
    (database and board key, the board closed) and the role tokens."""
    root = tmp_path_factory.mktemp("sqlite-election")
    (root / "data").mkdir()
    board, client = in_process_board(f"sqlite:///{root / 'board.sqlite3'}", root / "data")
    e = ElectionOnBoard(client, ceremony, board).setup()
    board.store.close()
    return root, e.tokens


@pytest.fixture
def sqlite_election(
    sqlite_url: str,
    tmp_path: Path,
    ceremony: Ceremony,
    _sqlite_election_template: tuple[Path, dict[str, str]],
) -> Iterator[ElectionOnBoard]:
    """The standard election, open, on a new in-process board on SQLite: a copy of one set
    up through the API (setting it up again for each test would cost most of their time),
    reopened as a restarted board is."""
    template, tokens = _sqlite_election_template
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    for f in template.glob("board.sqlite3*"):
        shutil.copy(f, database.with_name(f.name))
    data = tmp_path / "data-template"
    shutil.copytree(template / "data", data)
    board, client = in_process_board(sqlite_url, data)
    yield ElectionOnBoard(client, ceremony, board, dict(tokens))
    board.store.close()


# --- `openballot serve` as a process ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """`openballot serve` on 127.0.0.1 with a data folder and a database; restartable."""

    def __init__(self, data: Path, database: str) -> None:
        self.data = data
        self.database = database
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data.parent / f"{data.name}-server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 30) -> ServerProcess:
        if not self.try_start(timeout):
            pytest.fail(f"openballot serve did not start:\n{self.errors()[-3000:]}")
        return self

    def try_start(self, timeout: float = 30) -> bool:
        """Start and wait until the API answers: True; or the process ended first: False."""
        env = {**os.environ, "OPENBALLOT_ADMIN_TOKEN": ADMIN_TOKEN}
        cmd = [str(OPENBALLOT), "serve", "--data", str(self.data), "--database", self.database]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while True:
            try:
                up = httpx.get(f"{self.url}/api/board", timeout=1).status_code == 200
                if up and self.proc.poll() is None:  # ours, not another process on the port
                    return True
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                return False
            if time.monotonic() > deadline:
                self.kill()
                return False
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, like a power cut for the process."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> ServerProcess:
        self.stop()
        return self.start()

    def errors(self) -> str:
        """What the server wrote on its log: tracebacks of 500s end up there."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[Callable[[str], ServerProcess]]:
    """server_process(database_url) -> a started ServerProcess (`wait=False`: not started yet);
    all are killed at the end."""
    started: list[ServerProcess] = []

    def start(database: str, data: Path | None = None, wait: bool = True) -> ServerProcess:
        s = ServerProcess(data or tmp_path / f"server-{len(started)}", database)
        s.log = tmp_path / f"server-{len(started)}.log"
        started.append(s)
        return s.start() if wait else s

    yield start
    for s in started:
        s.kill()


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the `openballot` command line; returns the completed process (stdout, stderr)."""
    return subprocess.run(
        [str(OPENBALLOT), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


_KIT = sys.modules[__name__]


@pytest.fixture(scope="session")
def kit() -> types.ModuleType:
    """The helpers of this file (`kit.is_problem(r, 409)`, `kit.cli(...)`, ...): tests/ is not
    a package, so a test module cannot import a conftest by name."""
    return _KIT
