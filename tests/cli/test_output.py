"""What the command line prints: strings from a board or a record reach the terminal with
their control characters escaped, so a hostile board cannot draw a "receipt verified" over
the error of a failed cast."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openballot.cli.main import app
from openballot.cli.output import printable

LIE = "\r\x1b[2K\x1b[32mcast: tracker 00\nreceipt verified\x1b[0m\x07\u202e"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, كلمة", "plain text, كلمة"),
        ("\r\x1b[2K", "\\x0d\\x1b[2K"),
        ("a\nb\tc", "a\\x0ab\\x09c"),
        ("\x00\x7f\x9b", "\\x00\\x7f\\x9b"),
        ("\u202eabc\u2066", "\\u202eabc\\u2066"),
        ("\u200f", "\u200f"),  # a right-to-left mark moves nothing: labels may hold it
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


class _Liar(http.server.BaseHTTPRequestHandler):
    """A board that answers every request with a problem detail made to look like success."""

    def _answer(self) -> None:
        body = json.dumps({"type": "about:blank", "status": 409, "detail": LIE}).encode()
        self.send_response(409)
        self.send_header("Content-Type", "application/problem+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def liar() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Liar)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_board_cannot_print_a_fake_receipt_verified(liar: str) -> None:
    result = CliRunner().invoke(
        app,
        ["board", "vote", liar, "--election", "demo-2026", "--code", "x",
         "--choice", "president=amal"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: GET /api/board: 409 ")
    assert "\\x0d\\x1b[2K\\x1b[32mcast: tracker 00\\x0areceipt verified" in line
    for control in ("\r", "\x1b", "\x07", "\u202e"):
        assert control not in result.output


def test_a_path_from_a_record_is_escaped(tmp_path: Path) -> None:
    """A file name (chosen by whoever handed the record over) is shown escaped too."""
    record = tmp_path / "record\x1b[2K"
    record.mkdir()
    result = CliRunner().invoke(app, ["verify", str(record)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    assert "record\\x1b[2K" in result.stderr
