"""`create_app(..., booth_dir)` serves the booth's pages, style sheet and built scripts, and
nothing else of the folder; / and /booth redirect to the page with their query. The files are
compressed for clients that accept gzip and cached: immutable at their versioned address,
revalidated otherwise (server/static_assets.py)."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path
from typing import Any

from openballot.board.signing import BoardKey
from openballot.board.store import BoardStore
from openballot.server.app import create_app
from openballot.server.service import Board

PAGE = (
    '<!doctype html><title>booth</title><link rel="stylesheet" href="dist/booth.css">'
    '<script type="module" src="dist/booth.js"></script><a href="check.html">check</a>'
    '<a href="https://example.org/x">out</a><a href="#main">skip</a>'
)
SCRIPT = "export const words = [" + ", ".join(f"'word {i}'" for i in range(400)) + "];\n"


def booth_client(tmp_path: Path, with_booth: bool = True) -> Any:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from fastapi.testclient import TestClient

    web = tmp_path / "web"
    (web / "dist").mkdir(parents=True)
    (web / "src").mkdir()
    (web / "index.html").write_text(PAGE)
    (web / "dist" / "booth.css").write_text("body {}")
    (web / "styles").mkdir()
    (web / "styles" / "booth.css").write_text('@import "./base.css";')
    (web / "dist" / "booth.js").write_text(SCRIPT)
    (web / "src" / "booth.js").write_text("// source")
    (web / "package.json").write_text("{}")
    store = BoardStore(f"sqlite:///{tmp_path / 'board.sqlite3'}")
    board = Board(store, BoardKey.load_or_create(tmp_path / "board.key"))
    return TestClient(create_app(board, "admin", web if with_booth else None))


def test_the_booth_serves_its_page_style_and_script_only(tmp_path: Path) -> None:
    client = booth_client(tmp_path)
    for path, kind in [
        ("/booth/", "text/html"),
        ("/booth/dist/booth.css", "text/css"),
        ("/booth/dist/booth.js", "javascript"),
    ]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert kind in r.headers["content-type"], (path, r.headers["content-type"])
    for path in (
        "/booth/package.json",
        "/booth/src/booth.js",
        "/booth/index.html/x",
        "/booth/styles/booth.css",
        "/booth/booth.css",
    ):
        assert client.get(path).status_code == 404, path
    for path, to in [("/", "/booth/"), ("/booth", "/booth/"), ("/?lang=ar", "/booth/?lang=ar")]:
        r = client.get(path, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (307, to), path


def test_without_a_booth_only_the_api_is_served(tmp_path: Path) -> None:
    client = booth_client(tmp_path, with_booth=False)
    assert client.get("/booth/").status_code == 404
    assert client.get("/api/board").status_code == 200


def test_the_check_page_is_served_when_built(tmp_path: Path) -> None:
    client = booth_client(tmp_path)
    assert client.get("/booth/check.html").status_code == 404
    (tmp_path / "web" / "check.html").write_text("<!doctype html><title>check</title>")
    r = client.get("/booth/check.html")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "<title>check</title>" in r.text


def test_files_are_compressed_for_clients_that_accept_gzip(tmp_path: Path) -> None:
    client = booth_client(tmp_path)
    for accept in ("gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "*"):
        r = client.get("/booth/dist/booth.js", headers={"Accept-Encoding": accept})
        assert r.headers.get("content-encoding") == "gzip", accept
        assert r.headers["vary"] == "Accept-Encoding"
        assert int(r.headers["content-length"]) < len(SCRIPT) / 3
        assert r.text == SCRIPT  # decoded by the client
    for accept in ("identity", "gzip;q=0", "deflate", ""):
        r = client.get("/booth/dist/booth.js", headers={"Accept-Encoding": accept})
        assert "content-encoding" not in r.headers, accept
        assert r.content == SCRIPT.encode()
    page = client.get("/booth/", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"
    # The API's answers are not compressed (BREACH: a secret next to attacker-chosen text).
    api = client.get("/api/board", headers={"Accept-Encoding": "gzip"})
    assert api.status_code == 200 and "content-encoding" not in api.headers


def test_versioned_files_are_immutable_and_pages_are_revalidated(tmp_path: Path) -> None:
    client = booth_client(tmp_path)
    page = client.get("/booth/")
    assert page.headers["cache-control"] == "no-cache"
    refs = dict(re.findall(r'(?:src|href)="([^"?]+)\?v=([0-9a-f]{16})"', page.text))
    # not the page link, the site, the anchor
    assert set(refs) == {"dist/booth.css", "dist/booth.js"}
    assert 'href="https://example.org/x"' in page.text and 'href="#main"' in page.text
    assert 'href="check.html"' in page.text
    for path, version in refs.items():
        r = client.get(f"/booth/{path}?v={version}")
        assert r.status_code == 200
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable", path
        assert r.headers["etag"] == f'"{version}"'
        for stale in (f"/booth/{path}", f"/booth/{path}?v={'0' * 16}"):
            assert client.get(stale).headers["cache-control"] == "no-cache", stale
        again = client.get(f"/booth/{path}", headers={"If-None-Match": f'"{version}"'})
        assert again.status_code == 304 and again.content == b""
    assert client.get("/booth/", headers={"If-None-Match": page.headers["etag"]}).status_code == 304

    # A new build: new bytes, a new version in the page, so a new address.
    time.sleep(0.01)
    (tmp_path / "web" / "dist" / "booth.js").write_text(SCRIPT + "// rebuilt\n")
    new = dict(re.findall(r'(?:src|href)="([^"?]+)\?v=([0-9a-f]{16})"', client.get("/booth/").text))
    assert new["dist/booth.js"] != refs["dist/booth.js"]
    assert new["dist/booth.css"] == refs["dist/booth.css"]
    r = client.get(f"/booth/dist/booth.js?v={new['dist/booth.js']}")
    assert r.text.endswith("// rebuilt\n") and "immutable" in r.headers["cache-control"]
    old = client.get(f"/booth/dist/booth.js?v={refs['dist/booth.js']}")
    assert old.headers["cache-control"] == "no-cache"


def test_nothing_outside_the_built_files_is_served(tmp_path: Path) -> None:
    client = booth_client(tmp_path)
    (tmp_path / "secret.txt").write_text("the content of a file outside the booth")
    for path in (
        "/booth/dist/../package.json",
        "/booth/dist/%2e%2e/package.json",
        "/booth/dist/..%2fpackage.json",
        "/booth/dist/%2e%2e/%2e%2e/secret.txt",
        "/booth/dist/",
        "/booth/dist/nothing.js",
        "/booth/index.html",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "the content of a file" not in r.text and "{}" not in r.text
