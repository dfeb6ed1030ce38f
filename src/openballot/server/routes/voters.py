"""A voter's calls, without a token (the ballot is signed by the voter's credential): which
district a credential votes in, cast a ballot, audit (challenge) a ballot."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from openballot.jsonfields import hex_bytes
from openballot.server.routes.deps import CurrentBoard, Election, JsonBody
from openballot.server.service import NotFound

__all__ = ["router"]

router = APIRouter(prefix="/api/elections/{election_id}")


@router.get("/credentials/{credential}")
def credential_district(election_id: str, credential: str, board: CurrentBoard) -> dict[str, str]:
    # The election is looked up here rather than by `Election` only to keep the path's
    # parameters in their order in the OpenAPI document.
    s = board.get(election_id)
    district = s.eligible.get(hex_bytes(credential, 32, "credential"))
    if district is None:
        raise NotFound("this credential is not on the election's credential list")
    return {"district": district}


@router.post("/ballots")
async def cast(s: Election, body: JsonBody) -> JSONResponse:
    # Verification and the durable commit run off the event loop. A replay of a ballot
    # already cast gets its receipt again, with 200 instead of 201.
    receipt = await run_in_threadpool(s.cast, body)
    return JSONResponse(receipt.to_json(), status_code=200 if receipt.already_cast else 201)


@router.post("/audits", status_code=201)
async def audit(s: Election, body: JsonBody) -> dict[str, Any]:
    return (await run_in_threadpool(s.audit, body)).to_json()
