"""The API's documentation page at /docs: Swagger UI, served from this board, never a CDN.

FastAPI's own /docs loads Swagger UI from a CDN, so offline, or where the CDN is blocked, the
page was blank; and a page that runs a third party's script on the board's origin is one more
party to trust. The booth's build (web/package.json, `npm run build`) copies Swagger UI's
script, style sheet and favicon from the pinned `swagger-ui-dist` package into
web/dist/swagger-ui/; they are served at /docs/assets/. Without them (a board installed
without the built web folder) /docs is a page that says so and links the OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSET_FILES", "install_api_docs"]

#: What the page loads, all from /docs/assets/ (the build copies them there).
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")

_WITHOUT_ASSETS = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}: API</title></head>
<body>
<h1>{title}: API</h1>
<p>The interactive documentation needs Swagger UI's files, which are built with the booth
(<code>make web</code>, or <code>npm ci &amp;&amp; npm run build</code> in web/).</p>
<p>The API is described by its OpenAPI document: <a href="{openapi}">{openapi}</a>.</p>
</body>
</html>
"""


def install_api_docs(app: FastAPI, assets: Path | None) -> None:
    """Serve /docs with Swagger UI's files from `assets` (web/dist/swagger-ui), or a page
    without them when `assets` is None or lacks one of ASSET_FILES. The FastAPI app must be
    made with docs_url=None and redoc_url=None, which would load from a CDN."""
    openapi = app.openapi_url or "/openapi.json"
    built = assets is not None and all((assets / name).is_file() for name in ASSET_FILES)
    if assets is not None and built:
        app.mount("/docs/assets", StaticFiles(directory=assets), name="api-docs-assets")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        if not built:
            return HTMLResponse(_WITHOUT_ASSETS.format(title=app.title, openapi=openapi))
        return get_swagger_ui_html(
            openapi_url=openapi,
            title=f"{app.title}: API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
            # No OAuth2 redirect page (the API uses bearer tokens), and no badge from the
            # public validator service, which Swagger UI would otherwise load.
            oauth2_redirect_url=None,
            swagger_ui_parameters={"validatorUrl": None},
        )
