"""What anyone may read about the board and its elections: the board's key, an election's
parameters and state, its key ceremony, its tally and its result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from openballot.server.routes.deps import CurrentBoard, Election
from openballot.server.service import NotFound

__all__ = ["router"]

router = APIRouter(prefix="/api")


@router.get("/board")
def board_info(board: CurrentBoard) -> dict[str, Any]:
    return {"board_key": board.key.public.hex(), "elections": sorted(board.elections)}


@router.get("/elections/{election_id}")
def election(s: Election, board: CurrentBoard) -> dict[str, Any]:
    out: dict[str, Any] = {
        "election": s.election_id,
        "state": s.state,
        "manifest": s.manifest.to_json(),
        "trustee_count": s.trustees,
        "threshold": s.threshold,
        "trustees": [s.keys[i].to_json() for i in sorted(s.keys)],
        "board_key": board.key.public.hex(),
    }
    if s.ctx is not None:
        summary = s.ctx.summary_json()
        for name in ("fingerprint", "credentials_digest", "joint_key", "credential_counts"):
            out[name] = summary[name]
    return out


@router.get("/elections/{election_id}/ceremony")
def ceremony(s: Election) -> dict[str, Any]:
    return {
        "commitments": [s.commitments[i].to_json() for i in sorted(s.commitments)],
        "keys": [s.keys[i].to_json() for i in sorted(s.keys)],
        "shares": {str(i): s.shares[i].to_json() for i in sorted(s.shares)},
        "complaints": [c.to_json() for c in s.complaints],
        # Who has done what (the console's progress view): indices of trustees.
        "verdicts": sorted(s.verdicts),
        "decryptions": sorted(s.decryptions),
        "credential_counts": None if s.credentials is None else s.credentials.counts(),
    }


@router.get("/elections/{election_id}/tally")
def tally(s: Election) -> dict[str, Any]:
    if s.tally is None:
        raise NotFound("the tally is not computed yet")
    return s.tally.to_json()


@router.get("/elections/{election_id}/result")
def result(s: Election) -> dict[str, Any]:
    if s.result is None:
        raise NotFound("the result is not published yet")
    return s.result.to_json()
