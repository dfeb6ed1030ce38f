"""The HTTP API (OpenAPI at /docs) and the voting booth at /booth/.

Admin calls carry the server's admin token; trustees and the credential authority carry the
per-election tokens handed out when the election is created. Reading is open to anyone.
The routes live in `openballot.server.routes`, one router per role; this module assembles them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from openballot.server.limits import BodySizeLimit
from openballot.server.problems import PROBLEM_RESPONSES, install_problem_handlers
from openballot.server.rate_limit import FailureLimiter, FailureRateLimit
from openballot.server.routes import ROUTERS
from openballot.server.routes.api_docs import install_api_docs
from openballot.server.routes.booth import install_booth
from openballot.server.routes.console import install_console
from openballot.server.routes.deps import attach
from openballot.server.routes.results import install_results
from openballot.server.routes.voters import install_cast_route
from openballot.server.service import Board

__all__ = ["create_app", "MAX_BODY_BYTES", "MAX_CREDENTIALS_BYTES"]

#: A ballot of a few dozen contests is well under this; a credential list of a large
#: district is uploaded in one body, hence the separate, larger limit for it.
MAX_BODY_BYTES = 1 << 20
MAX_CREDENTIALS_BYTES = 1 << 30


def create_app(
    board: Board,
    admin_token: str,
    booth_dir: Path | None = None,
    failures: FailureLimiter | None = None,
) -> FastAPI:
    """The API over `board`, with `admin_token` for the admin's calls, the booth in
    `booth_dir` if given, and each client's failed submissions limited by `failures` if given
    (`openballot serve` gives one)."""
    app = FastAPI(
        title="OpenBallot",
        version="1",
        description="End-to-end verifiable elections: the bulletin board and its API.",
        # FastAPI's pages load Swagger UI and ReDoc from a CDN: /docs is served locally.
        docs_url=None,
        redoc_url=None,
    )
    install_problem_handlers(app)
    attach(app, board, admin_token)
    for router in ROUTERS:
        app.include_router(router, responses=PROBLEM_RESPONSES)
    install_cast_route(app)
    if booth_dir is not None:
        install_booth(app, booth_dir)
    install_results(app, booth_dir)
    install_console(app, booth_dir)
    install_api_docs(app, None if booth_dir is None else booth_dir / "dist" / "swagger-ui")
    app.add_middleware(
        BodySizeLimit,
        max_bytes=MAX_BODY_BYTES,
        larger={"/credentials": MAX_CREDENTIALS_BYTES},
    )
    if failures is not None:  # added last, so outermost: it sees the 413s too
        app.add_middleware(FailureRateLimit, limiter=failures)
    return app
