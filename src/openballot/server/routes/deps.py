"""What a route needs from its request, as FastAPI dependencies: the board, an election, the
caller's role checked against its bearer token, and the JSON body.

`attach` puts the board and the admin token on the application; the routes reach them only
through these dependencies. FastAPI runs a route's dependencies in the order they are declared,
and validates the route's own parameters after them: a route declares the dependencies that
can fail in the order the API answers (unknown election 404, wrong token 403, bad body 400).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import Depends, FastAPI, Header, Request

from openballot.jsonfields import loads
from openballot.server.console_session import check_console_request
from openballot.server.service import Board, ElectionService, Forbidden

__all__ = [
    "attach",
    "bearer_token",
    "BearerToken",
    "current_board",
    "CurrentBoard",
    "require_admin",
    "is_admin_token",
    "election",
    "Election",
    "TrusteeCall",
    "trustee",
    "Trustee",
    "credential_authority",
    "CredentialAuthority",
    "json_body",
    "JsonBody",
]


@dataclass(frozen=True, slots=True)
class _Served:
    board: Board
    admin_token: str


def attach(app: FastAPI, board: Board, admin_token: str) -> None:
    """Serve `board` from `app`, with `admin_token` as the token of the admin's calls."""
    app.state.openballot = _Served(board, admin_token)


def _served(request: Request) -> _Served:
    return cast(_Served, request.app.state.openballot)


async def bearer_token(
    authorization: Annotated[str | None, Header(alias="Authorization")] = None,
) -> str | None:
    """The token of `Authorization: Bearer TOKEN`; None without one."""
    if authorization and authorization.startswith("Bearer "):
        return authorization[len("Bearer ") :]
    return None


BearerToken = Annotated[str | None, Depends(bearer_token)]


async def current_board(request: Request) -> Board:
    return _served(request).board


CurrentBoard = Annotated[Board, Depends(current_board)]


def is_admin_token(request: Request, token: str) -> bool:
    return hmac.compare_digest(token.encode(), _served(request).admin_token.encode())


async def require_admin(request: Request, token: BearerToken) -> None:
    """The admin's bearer token (the CLI) or, without one, the console's session cookie with
    its CSRF header (the web console: `openballot.server.console_session`). One API either way."""
    if token is not None:
        if not is_admin_token(request, token):
            raise Forbidden("this needs the admin token")
        return
    check_console_request(request)


async def election(election_id: str, board: CurrentBoard) -> ElectionService:
    """The election named by the path (404 when the board has none of that id)."""
    return board.get(election_id)


Election = Annotated[ElectionService, Depends(election)]


@dataclass(frozen=True, slots=True)
class TrusteeCall:
    """A call by trustee `index` of `election`, whose token has been checked."""

    election: ElectionService
    index: int


def trustee(election_id: str, index: int, board: CurrentBoard, token: BearerToken) -> TrusteeCall:
    # `index` is validated before this runs (a non-integer is a 400 before any lookup); the
    # token check reads storage, so this runs in the thread pool.
    service = board.get(election_id)
    service.authorise(f"trustee-{index}", token)
    return TrusteeCall(service, index)


Trustee = Annotated[TrusteeCall, Depends(trustee)]


def credential_authority(service: Election, token: BearerToken) -> ElectionService:
    service.authorise("credential-authority", token)
    return service


CredentialAuthority = Annotated[ElectionService, Depends(credential_authority)]


async def json_body(request: Request) -> Any:
    """The body as JSON (strict: no duplicate keys, bounded nesting); a DecodeError is a 400."""
    return loads(await request.body(), "request body")


JsonBody = Annotated[Any, Depends(json_body)]
