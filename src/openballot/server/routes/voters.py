"""A voter's calls, without a token (the ballot is signed by the voter's credential): which
district a credential votes in, cast a ballot, audit (challenge) a ballot, and what became of
a ballot."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from openballot.jsonfields import hex_bytes
from openballot.server.ballot_status import ballot_status
from openballot.server.routes.deps import (
    CurrentBoard,
    Election,
    JsonBody,
    current_board,
    election,
    json_body,
)
from openballot.server.service import NotFound

__all__ = ["router", "install_cast_route", "TreeHeadModel", "BallotStatusModel"]

router = APIRouter(prefix="/api/elections/{election_id}")


@router.get("/credentials/{credential}")
def credential_district(election_id: str, credential: str, board: CurrentBoard) -> dict[str, str]:
    # The election is looked up here rather than by `Election` only to keep the path's
    # parameters in their order in the OpenAPI document.
    s = board.get(election_id)
    district = s.eligible.get(hex_bytes(credential, 32, "credential"))
    if district is None:
        raise NotFound(
            "this credential is not on the election's credential list", code="unknown-credential"
        )
    return {"district": district}


@router.post("/ballots")
async def cast(election_id: str, request: Request) -> Response:
    # The busiest route: its two dependencies are called here rather than declared, in the
    # same order (unknown election 404, then a body that is not JSON 400), which spares
    # FastAPI's dependency solving about 0.1 ms of the writer's CPU a ballot (docs/scale.md).
    board = await current_board(request)
    s = await election(election_id, board)
    body = await json_body(request)
    # Verification and the durable commit run off the event loop, in the board's casting
    # threads. A replay of a ballot already cast gets its receipt again, with 200 not 201.
    answer = await board.run_cast(s.cast, body)
    # Rendered here rather than by JSONResponse (the same JSON, ASCII-escaped), the one
    # 7 KB answer of the busiest route.
    return Response(
        json.dumps(answer.to_json(), separators=(",", ":")).encode(),
        status_code=200 if answer.already_cast else 201,
        media_type="application/json",
    )


class CastRoute(Route):
    """`cast` as a plain Starlette route, put first in the application's routes
    (`install_cast_route`): FastAPI's router reaches a route of an included router through
    its own matching, then wraps the endpoint in dependency solving, an exit stack and a
    second exception-handling layer, which cost the writer about 0.2 ms a ballot on the
    busiest route (docs/scale.md). The request meets the same middleware and exception
    handlers, and `cast` answers it; the APIRoute above stays what /docs describes."""

    def __init__(self, path: str) -> None:
        # An ASGI application as the endpoint (not a function, which Starlette would wrap
        # in its own request-response layer).
        super().__init__(path, _CastApp(), methods=["POST"], include_in_schema=False)


class _CastApp:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await cast(scope["path_params"]["election_id"], Request(scope, receive))
        await response(scope, receive, send)


def install_cast_route(app: FastAPI) -> None:
    """Serve POST /api/elections/{election_id}/ballots with `CastRoute`, ahead of every
    other route (the path is matched the same way; a GET on it still meets FastAPI's 405)."""
    app.router.routes.insert(0, CastRoute(router.prefix + "/ballots"))


@router.post("/audits", status_code=201)
async def audit(s: Election, body: JsonBody, board: CurrentBoard) -> dict[str, Any]:
    return (await board.run_cast(s.audit, body)).to_json()


class TreeHeadModel(BaseModel):
    """A signed tree head (protocol.md 17.3)."""

    election: str
    size: int
    root: str
    timestamp: int
    signature: str


#: The values of `Fate`, spelled out for the OpenAPI document (a test keeps them equal).
FateName = Literal["recorded", "audited", "superseded", "counted", "not-counted"]


class BallotStatusModel(BaseModel):
    """What became of a ballot (protocol.md 17.7): the receipt fields (17.6) against the
    latest signed tree head, and the fate."""

    tracker: str
    index: int
    entry: str
    tree_head: TreeHeadModel
    inclusion_proof: list[str]
    fate: FateName
    superseded_by: int | None = Field(None, description="for 'superseded': the later leaf")
    reason: str | None = Field(None, description="for 'not-counted': why")


@router.get(
    "/ballots/{tracker}", response_model=BallotStatusModel, response_model_exclude_none=True
)
def ballot(election_id: str, tracker: str, board: CurrentBoard) -> dict[str, Any]:
    # Open to anyone, in every phase: a tracker reveals nothing a voter's receipt does not.
    # The election first, then the tracker: an unknown election is a 404 whatever the hex.
    s = board.get(election_id)
    return ballot_status(s, hex_bytes(tracker, 32, "tracker"))
