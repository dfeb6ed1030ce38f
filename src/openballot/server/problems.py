"""Every error as an RFC 9457 problem detail: {"type", "title", "status", "detail", "code"}.

`code` is a stable machine name of the failure (docs/server.md lists them all): a client shows
its own words for it (the booth, in Arabic, Kurdish or English) and never needs the English
`detail`. It is the error's own `code` when its raise site names one (`election-closed`,
`bad-signature`, ...), else the problem type's name (`conflict`, `proof-fails`, ...).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from openballot.board.store import BoardStorageError
from openballot.errors import DecodeError, OpenBallotError, ProofError, ProtocolError
from openballot.server.service import Conflict, Forbidden, NotFound

__all__ = ["problem", "install_problem_handlers", "PROBLEM_RESPONSES", "PROBLEM_CODES"]

_log = logging.getLogger("openballot.server")

# Most specific first: Conflict is a ProtocolError.
_STATUS: list[tuple[type[OpenBallotError], int, str]] = [
    (BoardStorageError, 500, "storage-error"),
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "not-found"),
    (Conflict, 409, "conflict"),
    (DecodeError, 400, "malformed"),
    (ProofError, 422, "proof-fails"),
    (ProtocolError, 422, "rejected"),
    (OpenBallotError, 400, "bad-request"),
]


#: Every `code` a problem detail can carry: the type names, then the finer codes that raise
#: sites give (tests/server/test_problem_codes.py keeps this list and docs/server.md equal to
#: what the server sends; web/src/problems.js translates each one).
PROBLEM_CODES = (
    # the problem types
    "bad-request",
    "conflict",
    "forbidden",
    "http-error",
    "internal-error",
    "malformed",
    "method-not-allowed",
    "not-found",
    "proof-fails",
    "rejected",
    "storage-error",
    "too-large",
    "too-many-failures",
    # finer codes of the errors a voter can meet
    "already-on-board",
    "audited-ballot",
    "bad-proof",
    "bad-signature",
    "election-closed",
    "election-not-open",
    "not-eligible",
    "unknown-credential",
    "unknown-election",
    "unknown-tracker",
    "wrong-ballot-style",
    "wrong-election",
)

_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "one line in English, for operators"},
        "code": {
            "type": "string",
            "enum": list(PROBLEM_CODES),
            "description": "a stable machine name of the failure, for a client's own words",
        },
    },
}

_STATUS_MEANING = {
    400: "malformed: the body, a field or a parameter is not what the protocol allows",
    403: "forbidden: the bearer token of the role is missing or wrong",
    404: "not found: no such election, tally, result, tree head, leaf or proof",
    405: "method not allowed",
    409: "conflict: the right request in the wrong phase, or already done",
    413: "too large: the body is over its limit",
    422: "proof-fails or rejected: a proof or signature fails, or a rule of the protocol",
    429: "too many failures: this client's failed submissions are over the limit",
    500: "storage-error or internal-error: the board's fault; sending again is safe",
}

#: Every error answer, as the OpenAPI document lists it for each route: an RFC 9457 problem
#: detail. (Declaring 422 also keeps FastAPI from listing its own validation error body,
#: which this API never sends: a bad parameter is a 400 problem detail.)
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": meaning,
        "content": {"application/problem+json": {"schema": _PROBLEM_SCHEMA}},
    }
    for status, meaning in _STATUS_MEANING.items()
}


def problem(status: int, kind: str, detail: str, code: str | None = None) -> JSONResponse:
    """The problem detail of type `kind`; its `code` is `code`, else `kind`."""
    return JSONResponse(
        {
            "type": f"https://openballot.example/problems/{kind}",
            "title": kind.replace("-", " "),
            "status": status,
            "detail": detail,
            "code": code or kind,
        },
        status_code=status,
        media_type="application/problem+json",
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(OpenBallotError)
    async def _openballot(_: Request, exc: OpenBallotError) -> JSONResponse:
        for cls, status, kind in _STATUS:
            if isinstance(exc, cls):
                if status >= 500:  # the board's fault: its operator must hear of it
                    _log.error("%s", exc, exc_info=exc)
                return problem(status, kind, str(exc), exc.code)
        return problem(400, "bad-request", str(exc), exc.code)  # pragma: no cover - base is listed

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
