"""The HTTP API (OpenAPI at /docs) and the voting booth at /booth/.

Admin calls carry the server's admin token; trustees and the credential authority carry the
per-election tokens handed out when the election is created. Reading is open to anyone.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from openballot.jsonfields import MAX_INT, hex_bytes, loads
from openballot.server.limits import BodySizeLimit
from openballot.server.problems import install_problem_handlers
from openballot.server.service import Board, Forbidden, NotFound

__all__ = ["create_app", "MAX_BODY_BYTES"]

#: A ballot of a few dozen contests is well under this; a credential list of a large
#: district is uploaded in one body, hence the separate, larger limit for it.
MAX_BODY_BYTES = 1 << 20
MAX_CREDENTIALS_BYTES = 1 << 30
MAX_PAGE = 1000

Auth = Annotated[str | None, Header(alias="Authorization")]


def _bearer(value: str | None) -> str | None:
    if value and value.startswith("Bearer "):
        return value[len("Bearer ") :]
    return None


async def _json(request: Request) -> Any:
    return loads(await request.body(), "request body")


def create_app(board: Board, admin_token: str, booth_dir: Path | None = None) -> FastAPI:
    app = FastAPI(
        title="OpenBallot",
        version="1",
        description="End-to-end verifiable elections: the bulletin board and its API.",
    )
    install_problem_handlers(app)

    def admin(authorization: str | None) -> None:
        token = _bearer(authorization)
        if token is None or not hmac.compare_digest(token.encode(), admin_token.encode()):
            raise Forbidden("this needs the admin token")

    @app.get("/api/board")
    def board_info() -> dict[str, Any]:
        return {"board_key": board.key.public.hex(), "elections": sorted(board.elections)}

    @app.post("/api/elections", status_code=201)
    async def create_election(request: Request, authorization: Auth = None) -> dict[str, Any]:
        admin(authorization)
        service, tokens = await run_in_threadpool(board.create, await _json(request))
        return {"election": service.election_id, "tokens": tokens}

    @app.get("/api/elections/{election_id}")
    def election(election_id: str) -> dict[str, Any]:
        s = board.get(election_id)
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
            out["fingerprint"] = summary["fingerprint"]
            out["credentials_digest"] = summary["credentials_digest"]
            out["joint_key"] = summary["joint_key"]
            out["credential_counts"] = summary["credential_counts"]
        return out

    @app.get("/api/elections/{election_id}/ceremony")
    def ceremony(election_id: str) -> dict[str, Any]:
        s = board.get(election_id)
        return {
            "keys": [s.keys[i].to_json() for i in sorted(s.keys)],
            "shares": {str(i): [x.to_json() for x in s.shares[i]] for i in sorted(s.shares)},
            "complaints": [c.to_json() for c in s.complaints],
        }

    async def by_trustee(
        action: str, election_id: str, index: int, request: Request, authorization: str | None
    ) -> dict[str, Any]:
        """A trustee's message: its own token, then the service's check and append."""
        s = board.get(election_id)
        s.authorise(f"trustee-{index}", _bearer(authorization))
        post = getattr(s, action)
        appended = await run_in_threadpool(post, index, await _json(request))
        return {"index": appended.entry.seq}

    @app.post("/api/elections/{election_id}/trustees/{index}/key", status_code=201)
    async def trustee_key(
        election_id: str, index: int, request: Request, authorization: Auth = None
    ) -> dict[str, Any]:
        return await by_trustee("post_trustee_key", election_id, index, request, authorization)

    @app.post("/api/elections/{election_id}/trustees/{index}/shares", status_code=201)
    async def trustee_shares(
        election_id: str, index: int, request: Request, authorization: Auth = None
    ) -> dict[str, Any]:
        return await by_trustee("post_shares", election_id, index, request, authorization)

    @app.post("/api/elections/{election_id}/trustees/{index}/verdict", status_code=201)
    async def trustee_verdict(
        election_id: str, index: int, request: Request, authorization: Auth = None
    ) -> dict[str, Any]:
        return await by_trustee("post_verdict", election_id, index, request, authorization)

    @app.post("/api/elections/{election_id}/credentials", status_code=201)
    async def credentials(
        election_id: str, request: Request, authorization: Auth = None
    ) -> dict[str, Any]:
        s = board.get(election_id)
        s.authorise("credential-authority", _bearer(authorization))
        return {
            "index": (await run_in_threadpool(s.post_credentials, await _json(request))).entry.seq
        }

    @app.get("/api/elections/{election_id}/credentials/{credential}")
    def credential_district(election_id: str, credential: str) -> dict[str, str]:
        s = board.get(election_id)
        district = s.eligible.get(hex_bytes(credential, 32, "credential"))
        if district is None:
            raise NotFound("this credential is not on the election's credential list")
        return {"district": district}

    @app.post("/api/elections/{election_id}/open", status_code=201)
    def open_election(election_id: str, authorization: Auth = None) -> dict[str, Any]:
        admin(authorization)
        s = board.get(election_id)
        s.open()
        assert s.ctx is not None
        return {"state": s.state, "fingerprint": s.ctx.fingerprint.hex()}

    @app.post("/api/elections/{election_id}/ballots")
    async def cast(election_id: str, request: Request) -> JSONResponse:
        s = board.get(election_id)
        # Verification and the durable commit run off the event loop.
        receipt = await run_in_threadpool(s.cast, await _json(request))
        return JSONResponse(receipt.to_json(), status_code=200 if receipt.already_cast else 201)

    @app.post("/api/elections/{election_id}/audits", status_code=201)
    async def audit(election_id: str, request: Request) -> dict[str, Any]:
        s = board.get(election_id)
        return (await run_in_threadpool(s.audit, await _json(request))).to_json()

    @app.post("/api/elections/{election_id}/close", status_code=201)
    def close(election_id: str, authorization: Auth = None) -> dict[str, Any]:
        admin(authorization)
        s = board.get(election_id)
        s.close()
        assert s.tally is not None
        return {"state": s.state, "tally": s.tally.to_json()}

    @app.get("/api/elections/{election_id}/tally")
    def tally(election_id: str) -> dict[str, Any]:
        s = board.get(election_id)
        if s.tally is None:
            raise NotFound("the tally is not computed yet")
        return s.tally.to_json()

    @app.post("/api/elections/{election_id}/trustees/{index}/decryption", status_code=201)
    async def decryption(
        election_id: str, index: int, request: Request, authorization: Auth = None
    ) -> dict[str, Any]:
        return await by_trustee("post_decryption", election_id, index, request, authorization)

    @app.post("/api/elections/{election_id}/result", status_code=201)
    def publish_result(election_id: str, authorization: Auth = None) -> dict[str, Any]:
        admin(authorization)
        s = board.get(election_id)
        s.publish_result()
        assert s.result is not None
        return s.result.to_json()

    @app.get("/api/elections/{election_id}/result")
    def result(election_id: str) -> dict[str, Any]:
        s = board.get(election_id)
        if s.result is None:
            raise NotFound("the result is not published yet")
        return s.result.to_json()

    # --- the board itself ------------------------------------------------------------------

    @app.get("/api/elections/{election_id}/board/tree-head")
    def tree_head(
        election_id: str, size: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None
    ) -> dict[str, Any]:
        s = board.get(election_id)
        head = s.log.store.tree_head(election_id, size)
        if head is None:
            raise NotFound(f"no tree head of size {size}")
        return head.to_json()

    @app.get("/api/elections/{election_id}/board/tree-heads")
    def tree_heads(
        election_id: str,
        start: Annotated[int, Query(ge=1, le=MAX_INT)] = 1,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    ) -> dict[str, Any]:
        s = board.get(election_id)
        heads = s.log.store.tree_heads(election_id, start, limit)
        return {"tree_heads": [h.to_json() for h in heads]}

    @app.get("/api/elections/{election_id}/board/entries")
    def entries(
        election_id: str,
        start: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    ) -> dict[str, Any]:
        s = board.get(election_id)
        return {
            "entries": [
                {"index": e.seq, "type": e.type, "data": e.data.decode()}
                for e in s.log.entries(start, start + limit)
            ]
        }

    @app.get("/api/elections/{election_id}/board/inclusion")
    def inclusion(
        election_id: str,
        index: Annotated[int, Query(ge=0, le=MAX_INT)],
        size: Annotated[int, Query(ge=1, le=MAX_INT)],
    ) -> dict[str, Any]:
        s = board.get(election_id)
        committed = s.log.committed_size()
        if size > committed or index >= size:
            raise NotFound(f"no leaf {index} in a tree of size {size} (the log has {committed})")
        return {
            "index": index,
            "size": size,
            "proof": [h.hex() for h in s.log.tree.inclusion_proof(index, size)],
        }

    @app.get("/api/elections/{election_id}/board/consistency")
    def consistency(
        election_id: str,
        first: Annotated[int, Query(ge=1, le=MAX_INT)],
        second: Annotated[int, Query(ge=1, le=MAX_INT)],
    ) -> dict[str, Any]:
        s = board.get(election_id)
        committed = s.log.committed_size()
        if not first <= second <= committed:
            raise NotFound(f"no consistency proof from {first} to {second} (log size {committed})")
        return {
            "first": first,
            "second": second,
            "proof": [h.hex() for h in s.log.tree.consistency_proof(first, second)],
        }

    if booth_dir is not None:
        # Only the page, its style sheet and the built script: never the sources, tests or
        # node_modules that sit beside them in web/.
        page = booth_dir / "index.html"
        style = booth_dir / "booth.css"

        @app.get("/booth/", include_in_schema=False)
        def booth_page() -> FileResponse:
            return FileResponse(page, media_type="text/html; charset=utf-8")

        @app.get("/booth/booth.css", include_in_schema=False)
        def booth_style() -> FileResponse:
            return FileResponse(style, media_type="text/css; charset=utf-8")

        app.mount("/booth/dist", StaticFiles(directory=booth_dir / "dist"), name="booth-dist")

        @app.get("/", include_in_schema=False)
        @app.get("/booth", include_in_schema=False)
        def root(request: Request) -> RedirectResponse:
            query = request.url.query
            return RedirectResponse("/booth/" + (f"?{query}" if query else ""))

    app.add_middleware(
        BodySizeLimit,
        max_bytes=MAX_BODY_BYTES,
        larger={"/credentials": MAX_CREDENTIALS_BYTES},
    )
    return app
