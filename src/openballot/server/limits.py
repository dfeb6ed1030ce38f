"""Refuse request bodies over a limit before they are read into memory (HTTP 413)."""

from __future__ import annotations

from typing import Any

from openballot.server.problems import problem

__all__ = ["BodySizeLimit"]

Scope = dict[str, Any]


class BodySizeLimit:
    """Pure ASGI middleware: checks Content-Length, and counts streamed bytes as well."""

    def __init__(self, app: Any, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        for suffix, bigger in self.larger.items():
            if scope.get("path", "").endswith(suffix):
                limit = bigger
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _refuse(scope, receive, send, limit)
                return
        seen = 0

        async def limited_receive() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await _refuse(scope, receive, send, limit)


async def _refuse(scope: Scope, receive: Any, send: Any, limit: int) -> None:
    # Refused here, outside the application: its problem handlers never see this request.
    response = problem(413, "too-large", f"request body is larger than {limit} bytes")
    await response(scope, receive, send)


class _TooLarge(Exception):
    pass
