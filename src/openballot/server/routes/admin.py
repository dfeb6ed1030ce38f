"""The election authority's calls, each with the server's admin token: create an election,
open it, close it (computes the tally), publish the result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from openballot.server.routes.deps import CurrentBoard, Election, JsonBody, require_admin

__all__ = ["router"]

# The token is checked before anything else, the election's existence included.
router = APIRouter(prefix="/api/elections", dependencies=[Depends(require_admin)])


@router.post("", status_code=201)
async def create_election(board: CurrentBoard, body: JsonBody) -> dict[str, Any]:
    service, tokens = await run_in_threadpool(board.create, body)
    return {"election": service.election_id, "tokens": tokens}


@router.post("/{election_id}/open", status_code=201)
def open_election(s: Election) -> dict[str, Any]:
    s.open()
    assert s.ctx is not None
    return {"state": s.state, "fingerprint": s.ctx.fingerprint.hex()}


@router.post("/{election_id}/close", status_code=201)
def close(s: Election) -> dict[str, Any]:
    s.close()
    assert s.tally is not None
    return {"state": s.state, "tally": s.tally.to_json()}


@router.post("/{election_id}/result", status_code=201)
def publish_result(s: Election) -> dict[str, Any]:
    s.publish_result()
    assert s.result is not None
    return s.result.to_json()
