"""Every error as an RFC 9457 problem detail: {"type", "title", "status", "detail"}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from openballot.errors import DecodeError, OpenBallotError, ProofError, ProtocolError
from openballot.server.service import BoardStateError, Conflict, Forbidden, NotFound

__all__ = ["problem", "install_problem_handlers"]

# Most specific first: Conflict is a ProtocolError.
_STATUS: list[tuple[type[OpenBallotError], int, str]] = [
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "not-found"),
    (Conflict, 409, "conflict"),
    (DecodeError, 400, "malformed"),
    (ProofError, 422, "proof-fails"),
    (ProtocolError, 422, "rejected"),
    (BoardStateError, 500, "board-state"),
    (OpenBallotError, 400, "bad-request"),
]


def problem(status: int, kind: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {
            "type": f"https://openballot.example/problems/{kind}",
            "title": kind.replace("-", " "),
            "status": status,
            "detail": detail,
        },
        status_code=status,
        media_type="application/problem+json",
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(OpenBallotError)
    async def _openballot(_: Request, exc: OpenBallotError) -> JSONResponse:
        for cls, status, kind in _STATUS:
            if isinstance(exc, cls):
                return problem(status, kind, str(exc))
        return problem(400, "bad-request", str(exc))  # pragma: no cover - base is listed

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return problem(400, "malformed", f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        # The traceback goes to the server's log (ServerErrorMiddleware re-raises); the
        # client learns only that it may try again: casting the same ballot is idempotent.
        return problem(
            500,
            "internal-error",
            "the server failed to handle this request; it may not have been carried out; "
            "sending it again is safe",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}.get(
            exc.status_code, "http-error"
        )
        return problem(exc.status_code, kind, str(exc.detail))
