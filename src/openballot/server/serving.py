"""How `openballot serve` runs uvicorn, so that idle and slow clients cannot exhaust it.

uvicorn 0.54 arms one timer only: keep-alive, for 5 s after a response. A connection that
sends nothing, or trickles its headers or its body a byte at a time, is never closed
(measured on loopback: 1,000 such connections stayed open for as long as they were held).
With 256 file descriptors the board then stopped accepting, and asyncio logged one traceback
per failed accept(): 22 MB of log in 12 s. This module adds what uvicorn lacks:

- a deadline to read a request's headers (from the connection's opening, or from the end of
  the previous response), and a minimum rate for its body (a window of `body_timeout`
  seconds, re-armed only when the body advanced by `min_body_rate` bytes a second in it, as
  ASP.NET Kestrel's MinRequestBodyDataRate does), after which the connection is dropped;
- a bound on open connections, kept below the process's file-descriptor limit, beyond which
  new connections are closed at once (a slot frees as the deadlines expire);
- at most one log line per kind of warning every 10 s, with the count of those left out.

uvicorn runs on httptools (llhttp, in C) rather than h11 (pure Python), which costs the writer
about 0.3 ms of CPU a request less (docs/scale.md): `GuardedHttpToolsProtocol` carries the same
deadlines and cap as `GuardedH11Protocol`, plus the bound on a request's head that h11 had
built in and llhttp lacks.

In production the board runs behind nginx (deploy/nginx/openballot.conf, docs/deployment.md),
which enforces the same limits per client address before a request reaches Python; these
limits are the second line, and what protects the board when it runs alone.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import resource
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from openballot.errors import OpenBallotError

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = [
    "ServingLimits",
    "GuardedH11Protocol",
    "GuardedHttpToolsProtocol",
    "RateLimitedLog",
    "serve_app",
]

# File descriptors kept for the database, the board key, logs and the listening socket.
_RESERVED_FDS = 64


@dataclasses.dataclass(frozen=True)
class ServingLimits:
    """The limits of one running server (docs/deployment.md gives each value's reason)."""

    header_timeout: float = 10.0  # s to receive a request's headers, idle time included
    body_timeout: float = 30.0  # s in which a body must make progress (see min_body_rate)
    min_body_rate: int = 1024  # bytes/s a body must average over each body_timeout window
    keep_alive_timeout: int = 5  # s an idle keep-alive connection stays open after a response
    max_connections: int = 1024  # open connections at once (lowered to fit the fd limit)
    max_header_bytes: int = 16 * 1024  # one request's headers (h11's incomplete-event limit)
    backlog: int = 1024  # connections the kernel queues before accept()

    def __post_init__(self) -> None:
        for name in ("header_timeout", "body_timeout"):
            if not getattr(self, name) > 0:
                got = getattr(self, name)
                raise OpenBallotError(f"ServingLimits.{name}: must be > 0, got {got}")
        counts = ("min_body_rate", "keep_alive_timeout", "max_connections", "max_header_bytes")
        for name in (*counts, "backlog"):
            if getattr(self, name) < 1:
                got = getattr(self, name)
                raise OpenBallotError(f"ServingLimits.{name}: must be >= 1, got {got}")


class _ReadDeadlines:
    """A read deadline per request phase and a connection cap, for either of uvicorn's HTTP
    protocols (the class that mixes this in reads the phase from its parser: `_phase_now`).

    The phase is "headers" while the client has not finished a request line and headers,
    "body" while it sends a body (also after an early answer such as 413 or 404, when the rest
    of the body is still coming), none while the application runs. Each phase change re-arms
    one timer, and so does enough progress of a body (a credential list may rightly take
    minutes); uvicorn's keep-alive timer is left as it is."""

    limits: ClassVar[ServingLimits] = ServingLimits()

    _deadline: asyncio.TimerHandle | None = None
    _phase: str | None = None
    _window_bytes = 0  # body bytes received since the body deadline was armed
    _refused = False

    # what the protocol class provides
    connections: set[Any]
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    flow: Any

    def _phase_now(self) -> str | None:
        raise NotImplementedError

    def connection_made(self, transport: Any) -> None:
        if len(self.connections) >= self.limits.max_connections:
            # Over the cap: close before uvicorn counts it; the client sees a reset.
            self._refused = True
            logging.getLogger("uvicorn.error").warning(
                "connection refused: the limit of open connections is reached"
            )
            transport.abort()
            return
        super().connection_made(transport)  # type: ignore[misc]
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._refused:
            return
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def data_received(self, data: bytes) -> None:
        if self._phase == "body":
            self._window_bytes += len(data)
        super().data_received(data)  # type: ignore[misc]
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._watch()

    def timeout_keep_alive_handler(self) -> None:
        super().timeout_keep_alive_handler()  # type: ignore[misc]
        # close() waits for the write buffer to drain, which a client that never reads
        # would hold forever: drop such a connection instead.
        if self.transport.get_write_buffer_size() > 0:
            self.transport.abort()

    def _watch(self) -> None:
        if self.transport.is_closing():
            self._disarm()
            return
        phase = self._phase_now()
        progressed = self._window_bytes >= self.limits.min_body_rate * self.limits.body_timeout
        if phase == self._phase and not (phase == "body" and progressed):
            return
        self._disarm()
        self._phase = phase
        if phase is not None:
            seconds = self.limits.header_timeout if phase == "headers" else self.limits.body_timeout
            self._deadline = self.loop.call_later(seconds, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = None
        self._window_bytes = 0

    def _expire(self) -> None:
        self._deadline = None
        if self._phase == "body" and self.flow.read_paused:
            # uvicorn stopped reading because the application has not taken the body yet:
            # the delay is ours, not the client's.
            self._window_bytes = 0
            self._deadline = self.loop.call_later(self.limits.body_timeout, self._expire)
            return
        # A client that did not send its request in time gets no answer (as nginx does).
        self.transport.abort()


class GuardedH11Protocol(_ReadDeadlines, H11Protocol):
    """uvicorn's h11 protocol (pure Python) with the read deadlines and the connection cap;
    the phase is read from h11's own state after every event. h11 bounds a request's head
    itself (`max_header_bytes`)."""

    def _phase_now(self) -> str | None:
        theirs = self.conn.their_state
        if theirs is h11.IDLE and self.conn.our_state is h11.IDLE:
            return "headers"
        if theirs is h11.SEND_BODY:
            return "body"
        return None


class GuardedHttpToolsProtocol(_ReadDeadlines, HttpToolsProtocol):
    """uvicorn's httptools protocol (llhttp, in C: about 0.3 ms less CPU a request than h11)
    with the same read deadlines and connection cap, the phase read from the parser's
    callbacks; and the bound on a request's head that h11 has and llhttp lacks: a head longer
    than `max_header_bytes` (request line and headers, up to the blank line) is answered 400
    and the connection closed, as uvicorn answers what h11 refuses."""

    _in_message = False  # between the parser's message begin and message complete
    _head_done = False  # the current message's headers are complete
    _head_bytes = 0  # bytes of the current head so far
    _tail = b""  # the last bytes of the head so far (a blank line may span two reads)

    def _phase_now(self) -> str | None:
        if self._in_message:
            return "body" if self._head_done else "headers"
        cycle = self.cycle
        return "headers" if cycle is None or cycle.response_complete else None

    def data_received(self, data: bytes) -> None:
        if not self._in_message or not self._head_done:
            seen = self._tail + data
            end = seen.find(b"\r\n\r\n")
            if end < 0:
                self._head_bytes += len(data)
                self._tail = seen[-3:]
            else:
                self._head_bytes += end + 4 - len(self._tail)
                self._tail = b""
            if self._head_bytes > self.limits.max_header_bytes:
                self._disarm()
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._in_message, self._head_done = True, False
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._head_done = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_message = False
        # The next request's head starts after this message, in this read or a later one.
        self._head_bytes, self._tail = 0, b""
        super().on_message_complete()


class RateLimitedLog(logging.Filter):
    """Lets one record of each message (its first line) through every `interval` seconds,
    and says how many were left out. A hostile client can make uvicorn warn, and asyncio
    log a traceback, once per connection or request; this keeps the log readable and its
    size bounded. uvicorn's errors (an exception in the application) all go through."""

    def __init__(
        self, interval: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.interval = interval
        self._clock = clock
        self._last: dict[str, float] = {}
        self._dropped: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("uvicorn") and record.levelno > logging.WARNING:
            return True  # an exception in the application is a bug to see, every time
        # asyncio puts the socket or transport on the lines after the first: not in the key
        key = f"{record.name}:{str(record.msg).partition(chr(10))[0]}"
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            self._dropped[key] = self._dropped.get(key, 0) + 1
            return False
        self._last[key] = now
        dropped = self._dropped.pop(key, 0)
        if dropped and last is not None:
            record.msg = f"{record.msg} ({dropped} more like this in the last {now - last:.0f} s)"
        return True


def _fit_to_fd_limit(limits: ServingLimits) -> int:
    """Raise the soft file-descriptor limit as far as the cap needs (up to the hard limit),
    and return the connection cap that fits under it with room for the database and logs."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = limits.max_connections + _RESERVED_FDS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return limits.max_connections
    return max(1, min(limits.max_connections, soft - _RESERVED_FDS))


def serve_app(app: FastAPI, host: str, port: int, limits: ServingLimits) -> None:
    """Run `app` on host:port under `limits` until stopped (uvicorn's own signal handling)."""
    cap = _fit_to_fd_limit(limits)
    fitted = dataclasses.replace(limits, max_connections=cap)
    protocol: Any = type("OpenBallotHttpProtocol", (GuardedHttpToolsProtocol,), {"limits": fitted})
    config = uvicorn.Config(  # configures uvicorn's loggers, which the filter then joins
        app,
        host=host,
        port=port,
        log_level="warning",
        http=protocol,
        # uvicorn's limit_concurrency is left unset: it counts open connections too, so idle
        # ones would turn honest requests into 503s. The cap at accept bounds connections,
        # and so requests in flight (one at a time per connection).
        timeout_keep_alive=limits.keep_alive_timeout,
        backlog=limits.backlog,
        h11_max_incomplete_event_size=limits.max_header_bytes,
    )
    server = uvicorn.Server(config)
    if cap < limits.max_connections:
        logging.getLogger("uvicorn.error").warning(
            "at most %d open connections, not %d: the file-descriptor limit is %d",
            cap,
            limits.max_connections,
            resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        )
    flood_guard = RateLimitedLog()
    for name in ("uvicorn.error", "asyncio"):
        logging.getLogger(name).addFilter(flood_guard)
    server.run()
