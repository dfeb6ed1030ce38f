"""The public results page at /results/?election=ID and what it reads beyond the public API:
ballots recorded per district over time (the live observer view), and the election record
as one download (docs/results.md, docs/server.md).

The page is static (web/results/index.html, and web/dist/results.css and web/dist/results.js
built by `npm run build`); it reads everything through the API, so that the same page, written
next to an exported record (`openballot.cli.results_site`), reads files instead.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.background import BackgroundTask

from openballot.record.archive import zip_record
from openballot.record.from_board import write_record
from openballot.server.activity import ActivityIndex
from openballot.server.problems import PROBLEM_RESPONSES
from openballot.server.routes.deps import CurrentBoard
from openballot.server.service import Board, NotFound

__all__ = ["install_results", "PAGE_FILES", "DEFAULT_BUCKET"]

#: The page's files: where `install_results` serves them from, relative to the web folder.
PAGE_FILES: Final = {
    "index.html": Path("results/index.html"),
    "results.css": Path("dist/results.css"),
    "results.js": Path("dist/results.js"),
}
#: Ten minutes: a day of voting is ~80 bars, and a minute's bucket is there for a live view.
DEFAULT_BUCKET: Final = 600

Bucket = Annotated[int, Query(ge=60, le=86_400)]


class _RecordArchives:
    """The record of each election as a zip, built once per log size: once the election is
    over its size no longer changes, and every later download is the same file."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="openballot-records-"))
        self._lock = threading.Lock()
        # Removed with the app (at the latest when the process exits).
        weakref.finalize(self, shutil.rmtree, self._dir, True)

    def archive(self, board: Board, election_id: str) -> tuple[Path, int]:
        log = board.get(election_id).log
        with self._lock:
            head = log.latest_tree_head()
            if head is None:
                raise NotFound(f"election {election_id!r} has no signed tree head yet")
            path = self._dir / f"{election_id}-{head.size}.zip"
            if not path.exists():
                for old in self._dir.glob(f"{election_id}-*.zip"):
                    old.unlink()
                _build(board, election_id, head.size, path)
            return path, head.size


def _build(board: Board, election_id: str, size: int, path: Path) -> None:
    """The record `openballot export` writes at this size (`write_record`), zipped."""
    work = Path(tempfile.mkdtemp(dir=path.parent))
    try:
        store = board.store
        root = work / f"{election_id}-record"
        leaves = (e.data for e in store.entries(election_id, 0, size))
        heads = (h for h in store.tree_heads(election_id) if h.size <= size)
        write_record(root, election_id, board.key.public, leaves, heads)
        zip_record(root, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _api_router() -> APIRouter:
    router = APIRouter(prefix="/api/elections/{election_id}", tags=["public"])
    indexes: dict[str, ActivityIndex] = {}
    indexes_lock = threading.Lock()
    archives = _RecordArchives()

    @router.get("/activity")
    def activity(
        election_id: str, board: CurrentBoard, bucket: Bucket = DEFAULT_BUCKET
    ) -> dict[str, Any]:
        """Cast ballots recorded per district, per `bucket` seconds (a whole number of
        minutes), each dated by the signed tree head that first covered it. Counts of
        encrypted ballots (re-votes included, audits not): never of votes."""
        service = board.get(election_id)
        with indexes_lock:
            index = indexes.get(election_id)
            if index is None or index.store is not board.store:
                index = ActivityIndex(board.store, election_id, service.manifest.district_ids())
                indexes[election_id] = index
        return index.activity(bucket).to_json()

    @router.get(
        "/record.zip",
        response_class=FileResponse,
        responses={200: {"content": {"application/zip": {}}}},
    )
    def record_zip(election_id: str, board: CurrentBoard) -> FileResponse:
        """The election record (docs/record.md) as of the latest signed tree head, as
        `openballot export` writes it, zipped under one folder."""
        path, size = archives.archive(board, election_id)
        # A copy per answer: a newer archive may replace the cached one while this one is sent.
        fd, sent = tempfile.mkstemp(suffix=".zip")
        with open(fd, "wb") as out, open(path, "rb") as src:
            shutil.copyfileobj(src, out)
        return FileResponse(
            sent,
            media_type="application/zip",
            filename=f"{election_id}-record-{size}.zip",
            background=BackgroundTask(Path(sent).unlink, missing_ok=True),
        )

    return router


def install_results(app: FastAPI, web_dir: Path | None) -> None:
    """The activity and record endpoints, and the page from `web_dir` (web/) if given."""
    app.include_router(_api_router(), responses=PROBLEM_RESPONSES)
    if web_dir is None:
        return
    files = {name: web_dir / rel for name, rel in PAGE_FILES.items()}
    media = {
        "index.html": "text/html; charset=utf-8",
        "results.css": "text/css; charset=utf-8",
        "results.js": "text/javascript; charset=utf-8",
    }

    @app.get("/results/", include_in_schema=False)
    def results_page() -> FileResponse:
        return FileResponse(files["index.html"], media_type=media["index.html"])

    @app.get("/results/{name}", include_in_schema=False)
    def results_asset(name: str) -> FileResponse:
        if name not in files or name == "index.html" or not files[name].is_file():
            raise NotFound(f"no file {name!r} on the results page")
        return FileResponse(files[name], media_type=media[name])

    @app.get("/results", include_in_schema=False)
    def results_redirect(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse("/results/" + (f"?{query}" if query else ""))
