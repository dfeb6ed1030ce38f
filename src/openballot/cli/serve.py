"""`openballot serve`: the board and API on the embedded default (SQLite in a data folder)
or on PostgreSQL given a database URL."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["default_booth_dir", "admin_token", "build_app"]


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
    data: Path, database: str | None, booth: Path | None, token: str
) -> tuple[FastAPI, str]:
    """The application over the board in `data` (or at `database`), and the storage URL.
    The server's packages are imported here, so the other commands run without them."""
    from openballot.board.integrity import check_storage, open_board_key, readable_storage
    from openballot.board.store import BoardStore
    from openballot.server.app import create_app
    from openballot.server.service import Board

    data.mkdir(parents=True, exist_ok=True)
    url = database or f"sqlite:///{data / 'board.sqlite3'}"
    with readable_storage(url):  # start-up checks: docs/server.md, "Start-up checks"
        store = BoardStore(url)
        check_storage(store)
        board = Board(store, open_board_key(data / "board.key", store))
    return create_app(board, token, booth), url
