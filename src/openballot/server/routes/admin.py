"""The election authority's calls, each with the server's admin token (or the console's
session, see deps.require_admin): check a manifest without creating anything, create an
election, open it, close it (computes the tally), publish the result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from openballot.server.routes.deps import CurrentBoard, Election, JsonBody, require_admin

__all__ = ["router", "checks_router"]

# The token is checked before anything else, the election's existence included.
router = APIRouter(prefix="/api/elections", dependencies=[Depends(require_admin)])


checks_router = APIRouter(prefix="/api/manifests", dependencies=[Depends(require_admin)])


@checks_router.post("/check")
def check_manifest(board: CurrentBoard, body: JsonBody) -> dict[str, Any]:
    """Check a body for `POST /api/elections` as creating would, and create nothing: the
    decoded manifest (for a preview of every district's ballot), or the problem detail that
    creating would answer."""
    manifest, trustees, threshold = board.check_new(body)
    return {
        "election": manifest.election_id,
        "manifest": manifest.to_json(),
        "trustees": trustees,
        "threshold": threshold,
    }


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
