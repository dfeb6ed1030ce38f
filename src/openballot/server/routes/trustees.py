"""A trustee's calls, each with its own token: its key commitment, its public key, its
encrypted shares, its
verdict on the shares it received, and its partial decryption of the tally."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from openballot.board.log import Appended
from openballot.server.routes.deps import JsonBody, Trustee

__all__ = ["router"]

router = APIRouter(prefix="/api/elections/{election_id}/trustees/{index}")


async def _posted(post: Callable[[int, Any], Appended], index: int, body: Any) -> dict[str, Any]:
    """The service checks and appends off the event loop; the answer is the entry's index."""
    appended = await run_in_threadpool(post, index, body)
    return {"index": appended.entry.seq}


@router.post("/commitment", status_code=201)
async def trustee_key_commitment(t: Trustee, body: JsonBody) -> dict[str, Any]:
    return await _posted(t.election.post_key_commitment, t.index, body)


@router.post("/key", status_code=201)
async def trustee_key(t: Trustee, body: JsonBody) -> dict[str, Any]:
    return await _posted(t.election.post_trustee_key, t.index, body)


@router.post("/shares", status_code=201)
async def trustee_shares(t: Trustee, body: JsonBody) -> dict[str, Any]:
    return await _posted(t.election.post_shares, t.index, body)


@router.post("/verdict", status_code=201)
async def trustee_verdict(t: Trustee, body: JsonBody) -> dict[str, Any]:
    return await _posted(t.election.post_verdict, t.index, body)


@router.post("/decryption", status_code=201)
async def decryption(t: Trustee, body: JsonBody) -> dict[str, Any]:
    return await _posted(t.election.post_decryption, t.index, body)
