"""`openballot serve`: the board and API on the embedded default (SQLite in a data folder)
or on PostgreSQL given a database URL."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from openballot.errors import OpenBallotError

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["default_booth_dir", "admin_token", "build_app", "check_port_free"]


def default_booth_dir() -> Path | None:
    """The built booth of a source checkout (web/ with dist/booth.js), if there is one."""
    web = Path(__file__).resolve().parents[3] / "web"
    return web if (web / "dist" / "booth.js").exists() else None


def admin_token(data: Path) -> tuple[str, Path | None]:
    """OPENBALLOT_ADMIN_TOKEN if set; else the token in DATA/admin.token, made on first run."""
    env = os.environ.get("OPENBALLOT_ADMIN_TOKEN")
    if env:
        return env, None
    path = data / "admin.token"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip(), path


def build_app(
    data: Path,
    database: str | None,
    booth: Path | None,
    token: str,
    max_failures_per_minute: int = 60,
    workers: int = 0,
) -> tuple[FastAPI, str]:
    """The application over the board in `data` (or at `database`), and the storage URL;
    each client address may have `max_failures_per_minute` submissions refused a minute
    (0: no limit), and `workers` processes check ballots (0: one per core). The server's
    packages are imported here, so the other commands run without them."""
    from sqlalchemy.exc import SQLAlchemyError

    from openballot.board.integrity import check_storage, open_board_key, readable_storage
    from openballot.board.store import BoardStore
    from openballot.server.app import create_app
    from openballot.server.rate_limit import FailureLimiter
    from openballot.server.service import Board

    data.mkdir(parents=True, exist_ok=True)
    url = database or f"sqlite:///{data / 'board.sqlite3'}"
    try:
        with readable_storage(url):  # start-up checks: docs/server.md, "Start-up checks"
            store = BoardStore(url)
            check_storage(store)
            key = open_board_key(data / "board.key", store)
            board = Board(store, key, workers or os.cpu_count() or 1)
    except SQLAlchemyError as exc:
        # An unknown scheme, a URL that is not one, a file that is not a database: one line
        # naming the storage (without its password), not the driver's traceback.
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise OpenBallotError(f"board storage {url.split('@')[-1]}: {reason}") from None
    failures = FailureLimiter(max_failures_per_minute) if max_failures_per_minute else None
    return create_app(board, token, booth, failures), url


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another process listens on, with one line rather than the server's
    log and exit code 3 (the port could still be taken between this check and the start)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise OpenBallotError(f"cannot listen on {host} port {port}: {exc.strerror}") from None
