"""`create_app(..., booth_dir)` serves the booth's page, style sheet and built script, and
nothing else of the folder; / and /booth redirect to the page with their query."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from openballot.board.signing import BoardKey
from openballot.board.store import BoardStore
from openballot.server.app import create_app
from openballot.server.service import Board


def booth_client(tmp_path: Path, with_booth: bool = True) -> Any:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from fastapi.testclient import TestClient

    web = tmp_path / "web"
    (web / "dist").mkdir(parents=True)
    (web / "src").mkdir()
    (web / "index.html").write_text("<!doctype html><title>booth</title>")
    (web / "booth.css").write_text("body {}")
    (web / "dist" / "booth.js").write_text("export {};")
    (web / "src" / "booth.js").write_text("// source")
    (web / "package.json").write_text("{}")
    store = BoardStore(f"sqlite:///{tmp_path / 'board.sqlite3'}")
    board = Board(store, BoardKey.load_or_create(tmp_path / "board.key"))
    return TestClient(create_app(board, "admin", web if with_booth else None))


def test_the_booth_serves_its_page_style_and_script_only(tmp_path: Path) -> None:
    client = booth_client(tmp_path)
    for path, kind in [
        ("/booth/", "text/html"),
        ("/booth/booth.css", "text/css"),
        ("/booth/dist/booth.js", "javascript"),
    ]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert kind in r.headers["content-type"], (path, r.headers["content-type"])
    for path in ("/booth/package.json", "/booth/src/booth.js", "/booth/index.html/x"):
        assert client.get(path).status_code == 404, path
    for path, to in [("/", "/booth/"), ("/booth", "/booth/"), ("/?lang=ar", "/booth/?lang=ar")]:
        r = client.get(path, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (307, to), path


def test_without_a_booth_only_the_api_is_served(tmp_path: Path) -> None:
    client = booth_client(tmp_path, with_booth=False)
    assert client.get("/booth/").status_code == 404
    assert client.get("/api/board").status_code == 200
