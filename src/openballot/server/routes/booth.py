"""The voting booth: a static page, its style sheet and its built script, served from the
booth's folder (web/). Only those: never the sources, tests or node_modules beside them."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["install_booth"]


def install_booth(app: FastAPI, booth_dir: Path) -> None:
    """Serve the booth in `booth_dir` at /booth/ (and redirect / and /booth to it)."""
    page = booth_dir / "index.html"
    style = booth_dir / "booth.css"

    @app.get("/booth/", include_in_schema=False)
    def booth_page() -> FileResponse:
        return FileResponse(page, media_type="text/html; charset=utf-8")

    @app.get("/booth/booth.css", include_in_schema=False)
    def booth_style() -> FileResponse:
        return FileResponse(style, media_type="text/css; charset=utf-8")

    app.mount("/booth/dist", StaticFiles(directory=booth_dir / "dist"), name="booth-dist")

    @app.get("/", include_in_schema=False)
    @app.get("/booth", include_in_schema=False)
    def root(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse("/booth/" + (f"?{query}" if query else ""))
