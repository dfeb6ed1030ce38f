"""`openballot monitor` against a scripted board (docs/cli.md, section 14): an election it holds
a signed head for that vanishes, or a log that shrinks, is an ALERT (exit 1); a board that is
down or failing is asked again with backoff and the monitor carries on; one that stays down
past the retries is one error line (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from typer.testing import CliRunner

from openballot.cli.main import app
from openballot.record.merkle import MerkleTree
from openballot.record.tree_head import SignedTreeHead

ELECTION = "demo-2026"
URL = "http://board.test"
#: What the board does at each request for the tree head, in turn.
Step = Callable[["ScriptedBoard"], None] | str


@dataclass
class ScriptedBoard:
    """A board served through httpx.MockTransport; before each tree-head request it takes the
    next step of its script: "up" (answer), "down" (connection refused), "503", "gone" (404),
    or a function that changes its log."""

    script: list[Step]
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    tree: MerkleTree = field(default_factory=MerkleTree)
    gone: bool = False

    def add(self, n: int) -> None:
        for _ in range(n):
            self.tree.append(b"leaf %d" % self.tree.size)

    def head(self) -> dict[str, object]:
        size, root = self.tree.size, self.tree.root()
        signature = self.key.sign(SignedTreeHead.message_for(ELECTION, size, root, 1))
        return SignedTreeHead(ELECTION, size, root, 1, signature).to_json()

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/board":
            public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            return httpx.Response(200, json={"board_key": public.hex()})
        if path.endswith("/board/tree-head"):
            step = self.script.pop(0) if self.script else "up"
            if callable(step):
                step(self)
            elif step == "down":
                raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
            elif step == "503":
                return httpx.Response(503, json={"detail": "overloaded"})
            elif step == "gone":
                self.gone = True
            if self.gone:
                return httpx.Response(404, json={"detail": f"no election {ELECTION!r}"})
            return httpx.Response(200, json=self.head())
        if path.endswith("/board/consistency"):
            first, second = int(request.url.params["first"]), int(request.url.params["second"])
            proof = self.tree.consistency_proof(first, second)
            return httpx.Response(200, json={"proof": [h.hex() for h in proof]})
        return httpx.Response(404, json={"detail": "no such route"})


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait of the monitor, recorded instead of slept."""
    import time

    waited: list[float] = []
    monkeypatch.setattr(time, "sleep", waited.append)
    return waited


def monitor(board: ScriptedBoard, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    real_client = httpx.Client

    def client(**kwargs: object) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(board.handle), **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(httpx, "Client", client)
        return CliRunner().invoke(
            app, ["monitor", URL, "--election", ELECTION, "--interval", "0.5", *args]
        )


def grow(n: int) -> Step:
    return lambda board: board.add(n)


def shrink(size: int) -> Step:
    return lambda board: board.tree.truncate(size)


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def test_an_election_that_vanishes_is_an_alert(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    board = ScriptedBoard(["up", grow(2), "gone"])
    board.add(3)
    result = monitor(board, monkeypatch, "--rounds", "5")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[-1] == (
        f"ALERT: election '{ELECTION}' vanished from the board: it had signed a tree head of "
        "5 entries"
    )
    assert "Traceback" not in result.output


def test_an_election_held_in_the_state_file_that_vanishes_is_an_alert(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float], tmp_path: Path
) -> None:
    state = tmp_path / "monitor.json"
    board = ScriptedBoard([])
    board.add(4)
    assert monitor(board, monkeypatch, "--rounds", "1", "--state", str(state)).exit_code == 0
    assert json.loads(state.read_text())["last"]["size"] == 4
    board.script = ["gone"]  # the board restarted on an empty database, say
    result = monitor(board, monkeypatch, "--rounds", "1", "--state", str(state))
    assert result.exit_code == 1, result.output
    assert "vanished from the board: it had signed a tree head of 4 entries" in result.stdout


def test_an_unknown_election_without_state_is_an_error_not_an_alert(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    result = monitor(ScriptedBoard(["gone"]), monkeypatch, "--rounds", "1")
    assert result.exit_code == 2, result.output
    assert error_lines(result) == [f"error: the board holds no election '{ELECTION}'"]


def test_a_board_that_shrinks_is_an_alert(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    board = ScriptedBoard(["up", grow(3), shrink(4)])
    board.add(3)
    result = monitor(board, monkeypatch, "--rounds", "5")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[-1] == (
        "ALERT: the board shrank from 6 to 4 entries: it dropped entries it had signed"
    )


def test_a_board_down_for_two_tries_then_up_is_followed_to_the_end(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    board = ScriptedBoard(["up", "down", "503", grow(2), "up"])
    board.add(3)
    result = monitor(board, monkeypatch, "--rounds", "3")
    assert result.exit_code == 0, result.output
    assert [line.split(" ")[2] for line in result.stdout.splitlines()] == ["3", "5", "5"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2, result.stderr
    assert "board unreachable" in warnings[0] and "retry 1 of 5 in 0.5 s" in warnings[0]
    assert ": 503 overloaded; retry 2 of 5 in 1 s" in warnings[1]
    # interval, then the backoff (0.5 s, 1 s), then the interval again
    assert sleeps == [0.5, 0.5, 1.0, 0.5]


def test_a_board_down_past_the_retries_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    board = ScriptedBoard(["up"] + ["down"] * 10)
    board.add(3)
    result = monitor(board, monkeypatch, "--rounds", "3", "--retries", "3")
    assert result.exit_code == 2, result.output
    lines = error_lines(result)
    assert len(lines) == 1 and lines[0].startswith("error: board unreachable: "), result.stderr
    assert "Traceback" not in result.output
    assert sleeps == [0.5, 0.5, 1.0, 2.0]  # the interval, then three retries doubling


def test_the_backoff_is_bounded(monkeypatch: pytest.MonkeyPatch, sleeps: list[float]) -> None:
    board = ScriptedBoard(["down"] * 3)
    result = monitor(board, monkeypatch, "--rounds", "1", "--interval", "200")
    assert result.exit_code == 0, result.output
    assert sleeps == [200.0, 300.0, 300.0]
