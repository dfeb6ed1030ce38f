"""The append-only log itself, for voters' devices, monitors and exports: signed tree heads,
entries page by page, inclusion and consistency proofs (RFC 9162)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from openballot.board.log import ElectionLog
from openballot.jsonfields import MAX_INT
from openballot.server.routes.deps import CurrentBoard
from openballot.server.service import NotFound

__all__ = ["router", "MAX_PAGE"]

#: Entries or tree heads in one answer at most.
MAX_PAGE = 1000

router = APIRouter(prefix="/api/elections/{election_id}/board")

Position = Annotated[int, Query(ge=0, le=MAX_INT)]
Size = Annotated[int, Query(ge=1, le=MAX_INT)]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def _log(board: CurrentBoard, election_id: str) -> ElectionLog:
    # Looked up in the route, not by the `Election` dependency: FastAPI validates a route's
    # query after its dependencies, and a bad query is a 400 whether the election exists or not.
    return board.get(election_id).log


@router.get("/tree-head")
def tree_head(
    election_id: str,
    board: CurrentBoard,
    size: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> dict[str, Any]:
    head = _log(board, election_id).store.tree_head(election_id, size)
    if head is None:
        raise NotFound(f"no tree head of size {size}")
    return head.to_json()


@router.get("/tree-heads")
def tree_heads(
    election_id: str, board: CurrentBoard, start: Size = 1, limit: Page = MAX_PAGE
) -> dict[str, Any]:
    heads = _log(board, election_id).store.tree_heads(election_id, start, limit)
    return {"tree_heads": [h.to_json() for h in heads]}


@router.get("/entries")
def entries(
    election_id: str, board: CurrentBoard, start: Position = 0, limit: Page = MAX_PAGE
) -> dict[str, Any]:
    log = _log(board, election_id)
    return {
        "entries": [
            {"index": e.seq, "type": e.type, "data": e.data.decode()}
            for e in log.entries(start, start + limit)
        ]
    }


@router.get("/inclusion")
def inclusion(election_id: str, board: CurrentBoard, index: Position, size: Size) -> dict[str, Any]:
    log = _log(board, election_id)
    committed = log.committed_size()
    if size > committed or index >= size:
        raise NotFound(f"no leaf {index} in a tree of size {size} (the log has {committed})")
    return {
        "index": index,
        "size": size,
        "proof": [h.hex() for h in log.tree.inclusion_proof(index, size)],
    }


@router.get("/consistency")
def consistency(election_id: str, board: CurrentBoard, first: Size, second: Size) -> dict[str, Any]:
    log = _log(board, election_id)
    committed = log.committed_size()
    if not first <= second <= committed:
        raise NotFound(f"no consistency proof from {first} to {second} (log size {committed})")
    return {
        "first": first,
        "second": second,
        "proof": [h.hex() for h in log.tree.consistency_proof(first, second)],
    }
