"""The credential authority's one call, with its token: the public credential list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from openballot.server.routes.deps import CredentialAuthority, JsonBody

__all__ = ["router"]

router = APIRouter(prefix="/api/elections/{election_id}")


@router.post("/credentials", status_code=201)
async def credentials(s: CredentialAuthority, body: JsonBody) -> dict[str, Any]:
    return {"index": (await run_in_threadpool(s.post_credentials, body)).entry.seq}
