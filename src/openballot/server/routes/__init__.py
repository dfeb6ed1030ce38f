"""The HTTP API's routes, one router per role; `create_app` assembles them.

admin: create, open, close, publish (the admin token). trustees: key, shares, verdict,
decryption (each trustee's token). credential_authority: the credential list (its token).
voters: district look-up, cast, audit (no token). public and board_log: reading, open to anyone.
"""

from __future__ import annotations

from fastapi import APIRouter

from openballot.server.routes import (
    admin,
    board_log,
    credential_authority,
    public,
    trustees,
    voters,
)

__all__ = ["ROUTERS"]

#: In the order of an election, as /docs lists them.
ROUTERS: tuple[APIRouter, ...] = (
    public.router,
    admin.checks_router,
    admin.router,
    trustees.router,
    credential_authority.router,
    voters.router,
    board_log.router,
)
