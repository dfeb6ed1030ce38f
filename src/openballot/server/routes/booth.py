"""The voting booth: its pages (the booth at /booth/, "check my ballot" at
/booth/check.html) and what they load, all built into web/dist/ (the style sheet from
web/styles/, the scripts from web/src/), served from the booth's folder (web/), compressed and
with cache headers (server/static_assets.py). Only those: never the sources, tests or
node_modules beside them."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from openballot.server.service import NotFound
from openballot.server.static_assets import StaticAssets

__all__ = ["install_booth", "PAGES"]

#: The booth's pages: address under /booth/ -> file of the folder.
PAGES = {"": "index.html", "check.html": "check.html"}


def install_booth(app: FastAPI, booth_dir: Path) -> None:
    """Serve the booth in `booth_dir` at /booth/ (and redirect / and /booth to it)."""
    assets = StaticAssets(booth_dir)

    def send(request: Request, relative: str, page: bool = False, within: str = "") -> Response:
        response = assets.response(request, relative, page, within)
        if response is None:
            raise NotFound(f"no file {request.url.path}")
        return response

    @app.get("/booth/", include_in_schema=False)
    def booth_page(request: Request) -> Response:
        return send(request, PAGES[""], page=True)

    @app.get("/booth/check.html", include_in_schema=False)
    def check_page(request: Request) -> Response:
        return send(request, PAGES["check.html"], page=True)

    @app.get("/booth/dist/{name:path}", include_in_schema=False)
    def booth_dist(request: Request, name: str) -> Response:
        return send(request, f"dist/{name}", within="dist")

    @app.get("/", include_in_schema=False)
    @app.get("/booth", include_in_schema=False)
    def root(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse("/booth/" + (f"?{query}" if query else ""))
