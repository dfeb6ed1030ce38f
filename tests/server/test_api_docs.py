"""/docs (openballot.server.routes.api_docs): Swagger UI from the board itself, no CDN."""

from __future__ import annotations

import os
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from openballot.cli.serve import default_booth_dir
from openballot.server.routes.api_docs import ASSET_FILES

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from fastapi.testclient import TestClient


class _Loads(HTMLParser):
    """Every URL a page makes the browser load: script src, link href, img src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def loaded_urls(html: str) -> list[str]:
    parser = _Loads()
    parser.feed(html)
    return parser.urls


def app_with_booth(tmp_path: Path, booth: Path | None) -> Any:
    from openballot.board.signing import BoardKey
    from openballot.board.store import BoardStore
    from openballot.server.app import create_app
    from openballot.server.service import Board

    board = Board(
        BoardStore(f"sqlite:///{tmp_path / 'board.sqlite3'}"),
        BoardKey.load_or_create(tmp_path / "board.key"),
    )
    return TestClient(create_app(board, "admin", booth))


def assert_docs_load_only_from_the_board(client: Any) -> list[str]:
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = loaded_urls(r.text)
    assert urls, r.text
    for url in urls:
        # Same origin: a path on this server, not "//host/..." nor "scheme://host/...".
        assert url.startswith("/") and not url.startswith("//"), url
        assert client.get(url).status_code == 200, url
    # Nothing else on the page names another host (the inline script, the validator badge).
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]", r.text), r.text
    assert client.get(r.text.split("url: '")[1].split("'")[0]).status_code == 200  # openapi
    return urls


def test_docs_load_swagger_ui_from_the_board(tmp_path: Path) -> None:
    booth = tmp_path / "web"
    assets = booth / "dist" / "swagger-ui"
    assets.mkdir(parents=True)
    for name in ASSET_FILES:
        (assets / name).write_bytes(b"/* " + name.encode() + b" */")
    with app_with_booth(tmp_path, booth) as client:
        urls = assert_docs_load_only_from_the_board(client)
        assert sorted(urls) == sorted(f"/docs/assets/{name}" for name in ASSET_FILES)
        # FastAPI's ReDoc page would load from a CDN: it is not served.
        assert client.get("/redoc").status_code == 404


def test_docs_without_the_built_assets_say_so_and_load_nothing(tmp_path: Path) -> None:
    with app_with_booth(tmp_path, None) as client:
        r = client.get("/docs")
        assert r.status_code == 200
        assert loaded_urls(r.text) == []
        assert 'href="/openapi.json"' in r.text and "make web" in r.text


@pytest.mark.skipif(
    not os.environ.get("CI")  # `make test` builds web/ first: in CI it must be there
    and (
        default_booth_dir() is None
        or not (Path(str(default_booth_dir())) / "dist" / "swagger-ui").is_dir()
    ),
    reason="web/dist is not built (make web)",
)
def test_docs_with_the_built_swagger_ui(tmp_path: Path) -> None:
    with app_with_booth(tmp_path, default_booth_dir()) as client:
        assert_docs_load_only_from_the_board(client)
        css = client.get("/docs/assets/swagger-ui.css").text
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)  # no fonts or images elsewhere
