"""The real server under 1,000 idle and trickling loopback connections: alone
(`openballot serve`) and in its production setup (deploy/nginx/openballot.conf in front).

Each hostile connection sends nothing, or its request head a byte a second, or its body a
byte a second after a complete head. While they are open, an honest GET of /api/board and an
honest cast must each succeed within 2 s; the idle and head-trickling connections must be
closed once the (shortened) header timeout runs out; and the logs must stay small.
Everything here talks to 127.0.0.0/8 only, and every loop is bounded in time."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import os
import re
import resource
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from openballot.errors import OpenBallotError
from openballot.server.serving import RateLimitedLog, ServingLimits

HOSTILE = 1000
HEADER_TIMEOUT = 2.0  # seconds, for the test; production values are in docs/deployment.md
BODY_TIMEOUT = 3.0
HONEST_WITHIN = 2.0
LOG_LIMIT = 100_000  # bytes of server log for the whole attack
HONEST_SOURCE = "127.0.0.2"  # nginx limits per address: the honest voter is not the attacker
NGINX_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "openballot.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def raise_fd_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def wait_until_up(url: str, verify: ssl.SSLContext | bool = True, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url + "/api/board", verify=verify, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url}: not up after {seconds} s")
        time.sleep(0.2)


@dataclass
class Served:
    url: str  # what the honest client talks to
    host: str
    port: int
    tls: ssl.SSLContext | None  # the client's context when the front speaks TLS
    logs: list[Path]
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def log_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.logs if p.exists())


def start_board(
    tmp: Path, port: int, token: str, descriptors: int | None = None
) -> tuple[subprocess.Popen[bytes], Path]:
    """`openballot serve` in a process of its own (with at most `descriptors` open files)."""
    log = tmp / "board.log"
    env = {**os.environ, "OPENBALLOT_ADMIN_TOKEN": token}
    cmd = [sys.executable, "-m", "openballot.cli.main", "serve", "--data", str(tmp / "data")]
    cmd += ["--port", str(port), "--header-timeout", str(HEADER_TIMEOUT)]
    cmd += ["--body-timeout", str(BODY_TIMEOUT), "--max-connections", "2048"]

    def limit() -> None:
        if descriptors is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))

    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, preexec_fn=limit
        )
    return proc, log


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)


@pytest.fixture
def board_alone(tmp_path: Path, kit: Any) -> Iterator[Served]:
    port = free_port()
    proc, log = start_board(tmp_path, port, kit.ADMIN_TOKEN)
    served = Served(f"http://127.0.0.1:{port}", "127.0.0.1", port, None, [log], [proc])
    try:
        wait_until_up(served.url)
        yield served
    finally:
        stop(served.procs)


def self_signed(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def nginx_config(tmp: Path, board_port: int, https: int, http: int) -> Path:
    """The shipped site config with loopback ports, a test certificate and short timeouts;
    each substituted line must be there, so the test follows the file."""
    cert, key = self_signed(tmp)
    site = NGINX_CONF.read_text()
    for old, new in [
        (r"listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        (r"listen \[::\]:443 ssl;", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http};"),
        (r"listen \[::\]:80;", ""),
        (r"ssl_certificate /\S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};"),
        (r"server 127\.0\.0\.1:8000 ", f"server 127.0.0.1:{board_port} "),
        (r"client_header_timeout 10s;", f"client_header_timeout {HEADER_TIMEOUT:g}s;"),
        (r"client_body_timeout 10s;", f"client_body_timeout {BODY_TIMEOUT:g}s;"),
        (r"keepalive_timeout 15s;", f"keepalive_timeout {HEADER_TIMEOUT:g}s;"),
    ]:
        site, n = re.subn(old, new, site)
        assert n >= 1, f"{NGINX_CONF}: no line matches {old!r}"
    (tmp / "openballot.conf").write_text(site)
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / d).mkdir()
    main = f"""
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 8192;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/openballot.conf;
}}
"""
    path = tmp / "nginx.conf"
    path.write_text(main)
    return path


@pytest.fixture
def board_behind_nginx(tmp_path: Path, kit: Any) -> Iterator[Served]:
    sbin = Path("/usr/sbin/nginx")
    nginx = shutil.which("nginx") or (str(sbin) if sbin.exists() else None)
    if nginx is None:
        # `make test` installs it (scripts/system-deps.sh): in CI a missing nginx is a failure.
        missing = "Debian's nginx is not installed (scripts/system-deps.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    board_port, https, http = free_port(), free_port(), free_port()
    board, board_log = start_board(tmp_path, board_port, kit.ADMIN_TOKEN)
    procs = [board]
    try:
        wait_until_up(f"http://127.0.0.1:{board_port}")
        conf = nginx_config(tmp_path, board_port, https, http)
        args = [nginx, "-p", str(tmp_path), "-c", str(conf)]
        check = subprocess.run([*args, "-t"], capture_output=True)
        assert check.returncode == 0, check.stderr.decode()
        front = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "nginx.stderr").open("wb"),
        )
        procs.append(front)
        tls = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        logs = [board_log, tmp_path / "error.log", tmp_path / "nginx.stderr"]
        logs.append(tmp_path / "access.log")  # one line per request, hostile ones included
        served = Served(f"https://127.0.0.1:{https}", "127.0.0.1", https, tls, logs, procs)
        wait_until_up(served.url, verify=tls)
        yield served
    finally:
        stop(procs[::-1])


@dataclass
class Counts:
    opened: int = 0
    refused: int = 0
    closed_at: dict[str, list[float]] = field(default_factory=dict)


async def hostile(kind: str, i: int, served: Served, stop: asyncio.Event, tally: Counts) -> None:
    """One hostile connection, held until the server closes it or the test ends. Sources are
    spread over 127.0.1.0/24, as a botnet's would be over addresses."""
    source = (f"127.0.1.{i % 50 + 1}", 0)
    start = time.monotonic()  # before connecting: the server's timer cannot start earlier
    try:
        tls = served.tls if kind != "idle" else None
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(served.host, served.port, ssl=tls, local_addr=source), 10
        )
    except (TimeoutError, OSError):
        tally.refused += 1
        return
    tally.opened += 1
    if kind == "head":
        trickle = b"GET /api/board HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: 1\r\n" * 1000
    elif kind == "body":
        head = b"POST /api/elections/e/ballots HTTP/1.1\r\nHost: x\r\n"
        writer.write(head + b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        trickle = b" " * 100_000
    else:
        trickle = b""
    sent = 0
    try:
        while not stop.is_set():
            if sent < len(trickle):
                writer.write(trickle[sent : sent + 1])
                sent += 1
            try:
                if await asyncio.wait_for(reader.read(65536), 1.0) == b"":
                    break
            except TimeoutError:
                continue
        else:
            return  # still open when the test ended
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        writer.close()
    tally.closed_at.setdefault(kind, []).append(time.monotonic() - start)


def honest(served: Served, ceremony: Any, election: Any, kit: Any) -> dict[str, float]:
    """A GET of /api/board and a cast, each timed, from an address no attacker uses."""
    transport = httpx.HTTPTransport(local_address=HONEST_SOURCE, verify=served.tls or True)
    took = {}
    with httpx.Client(base_url=served.url, transport=transport, timeout=10) as client:
        t = time.monotonic()
        r = client.get("/api/board")
        took["GET /api/board"] = time.monotonic() - t
        assert r.status_code == 200, r.text
        voter = kit.ElectionOnBoard(client=client, ceremony=ceremony, tokens=election.tokens)
        ballot, _ = ceremony.ballot(0)
        t = time.monotonic()
        r = voter.cast(ballot)
        took["cast"] = time.monotonic() - t
        assert r.status_code in (200, 201), r.text
    return took


async def attack(served: Served, ceremony: Any, election: Any, kit: Any) -> None:
    stop_ = asyncio.Event()
    tally = Counts()
    kinds = ("idle", "head", "body")
    tasks = []
    before = served.log_bytes()
    for i in range(HOSTILE):
        tasks.append(asyncio.create_task(hostile(kinds[i % 3], i, served, stop_, tally)))
        if i % 50 == 49:
            await asyncio.sleep(0.02)  # let the handshakes through, as a real burst would
    await asyncio.sleep(0.5)
    took = await asyncio.get_running_loop().run_in_executor(
        None, honest, served, ceremony, election, kit
    )
    # Idle and head-trickling connections go when the header timeout runs out.
    await asyncio.sleep(HEADER_TIMEOUT + BODY_TIMEOUT + 2)
    stop_.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    logged = served.log_bytes() - before

    report = {k: (len(v), round(max(v), 1)) for k, v in tally.closed_at.items()}
    print(f"\n{served.url}: opened {tally.opened}, refused {tally.refused}, closed {report}")
    print(f"honest requests took {took}; log bytes during the attack: {logged}")
    assert tally.opened >= HOSTILE * 0.95, tally
    for what, seconds in took.items():
        assert seconds < HONEST_WITHIN, f"{what} took {seconds:.2f} s under {HOSTILE} connections"
    for kind in ("idle", "head"):
        closed = tally.closed_at.get(kind, [])
        assert len(closed) >= tally.opened // 3 - 5, f"{kind}: only {len(closed)} closed"
        early = sorted(t for t in closed if t < HEADER_TIMEOUT - 0.5)
        assert not early, f"{kind}: {len(early)} closed before the timeout: {early[:10]}"
    assert logged < LOG_LIMIT, f"{logged} bytes of log during the attack"


def run_attack(served: Served, ceremony: Any, kit: Any) -> None:
    raise_fd_limit(4 * HOSTILE)
    with httpx.Client(base_url=served.url, verify=served.tls or True, timeout=30) as client:
        election = kit.ElectionOnBoard(client=client, ceremony=ceremony).setup()
        asyncio.run(attack(served, ceremony, election, kit))


@pytest.mark.slow
def test_board_alone_survives_idle_and_slow_connections(
    board_alone: Served, ceremony: Any, kit: Any
) -> None:
    run_attack(board_alone, ceremony, kit)


@pytest.mark.slow
def test_board_behind_nginx_survives_idle_and_slow_connections(
    board_behind_nginx: Served, ceremony: Any, kit: Any
) -> None:
    run_attack(board_behind_nginx, ceremony, kit)


async def exhaust(served: Served, ceremony: Any, election: Any, kit: Any) -> None:
    stop_ = asyncio.Event()
    tally = Counts()
    before = served.log_bytes()
    tasks = []
    for i in range(HOSTILE):
        kind = ("idle", "head", "body")[i % 3]
        tasks.append(asyncio.create_task(hostile(kind, i, served, stop_, tally)))
        if i % 50 == 49:
            await asyncio.sleep(0.02)
    # The connections it could hold go when their deadlines run out; then it answers again.
    # On a loaded machine the deadlines fire late: wait (bounded) until it answers at all,
    # then time the honest requests.
    await asyncio.sleep(BODY_TIMEOUT + 1.5)
    await asyncio.get_running_loop().run_in_executor(None, wait_until_up, served.url, True, 20)
    took = await asyncio.get_running_loop().run_in_executor(
        None, honest, served, ceremony, election, kit
    )
    stop_.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    logged = served.log_bytes() - before
    print(f"\n256 descriptors: opened {tally.opened}, refused {tally.refused}")
    print(f"honest requests after the deadlines took {took}; log bytes: {logged}")
    for what, seconds in took.items():
        assert seconds < HONEST_WITHIN, f"{what} took {seconds:.2f} s"
    assert logged < LOG_LIMIT, f"{logged} bytes of log during the attack"


@pytest.mark.slow
def test_board_with_256_descriptors_logs_little_and_recovers(
    tmp_path: Path, ceremony: Any, kit: Any
) -> None:
    """The outside test's case: 256 descriptors and 1,000 connections had made the board
    unreachable and written 26 MB of log in 6 s."""
    port = free_port()
    proc, log = start_board(tmp_path, port, kit.ADMIN_TOKEN, descriptors=256)
    served = Served(f"http://127.0.0.1:{port}", "127.0.0.1", port, None, [log], [proc])
    try:
        wait_until_up(served.url)
        raise_fd_limit(4 * HOSTILE)
        with httpx.Client(base_url=served.url, timeout=30) as client:
            election = kit.ElectionOnBoard(client=client, ceremony=ceremony).setup()
            asyncio.run(exhaust(served, ceremony, election, kit))
    finally:
        stop(served.procs)


def test_log_guard_lets_one_warning_a_kind_through_and_counts_the_rest() -> None:
    import io
    import logging

    stream = io.StringIO()
    logger = logging.getLogger("uvicorn.error.test-hostile")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    now = [1000.0]  # a clock the test moves, so a slow machine cannot open a new window
    guard = RateLimitedLog(interval=10.0, clock=lambda: now[0])
    logger.addFilter(guard)
    try:
        for _ in range(10_000):
            logger.warning("Invalid HTTP request received.")
        logger.warning("connection refused: the limit of open connections is reached")
        logger.error("Exception in ASGI application")
        logger.error("Exception in ASGI application")
        now[0] += 12.0
        logger.warning("Invalid HTTP request received.")
    finally:
        logger.removeFilter(guard)
        logger.removeHandler(handler)
    *lines, last = stream.getvalue().splitlines()
    assert lines == [
        "Invalid HTTP request received.",
        "connection refused: the limit of open connections is reached",
        "Exception in ASGI application",
        "Exception in ASGI application",
    ]
    assert re.fullmatch(
        r"Invalid HTTP request received\. \(9999 more like this in the last \d+ s\)", last
    )


@pytest.mark.parametrize("field", ["header_timeout", "body_timeout", "max_connections"])
def test_serving_limits_refuse_zero(field: str) -> None:
    with pytest.raises(OpenBallotError, match=f"ServingLimits.{field}: must be"):
        ServingLimits(**{field: 0})


@pytest.mark.slow
def test_board_alone_keeps_a_body_that_arrives_slowly_but_steadily(board_alone: Served) -> None:
    """The body deadline is a minimum rate, not a total: 24 kB at ~3 kB/s takes twice the
    body timeout, and is still read to the end (a credential list may take minutes)."""
    size, chunk, pause = 24_000, 400, 0.12  # 3.3 kB/s, above 1 kB/s over each 3 s window
    head = (
        # No election "e": the board answers 404 at once, and reads the body to the end to
        # keep the connection (a closing answer would end the test early).
        "POST /api/elections/e/ballots HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    )
    start = time.monotonic()
    with socket.create_connection((board_alone.host, board_alone.port), timeout=10) as s:
        s.sendall(head.encode())
        for _ in range(size // chunk):
            s.sendall(b" " * chunk)
            time.sleep(pause)
        took = time.monotonic() - start
        answer = b""
        while chunk_ := s.recv(65536):
            answer += chunk_
    assert took > 2 * BODY_TIMEOUT
    assert answer.startswith(b"HTTP/1.1 4"), answer[:200]


def exchange(served: Served, request: bytes) -> bytes:
    """Send `request` on a new connection and read until the server closes it."""
    answer = b""
    with socket.create_connection((served.host, served.port), timeout=10) as s:
        s.sendall(request)
        with contextlib.suppress(ConnectionResetError):
            while chunk := s.recv(65536):
                answer += chunk
    return answer


@pytest.mark.slow
def test_board_alone_bounds_a_request_head(board_alone: Served) -> None:
    """llhttp has no bound of its own on a request's head: the board refuses one over
    max_header_bytes (16 kB) with a 400, as h11 did, whether it comes at once or in pieces;
    a body of any length after a short head is no part of the head."""
    long_head = b"GET /api/board HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 20_000 + b"\r\n\r\n"
    assert exchange(board_alone, long_head).startswith(b"HTTP/1.1 400")
    with socket.create_connection((board_alone.host, board_alone.port), timeout=10) as s:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for k in range(0, len(long_head), 1000):  # until the board answers and closes
                s.sendall(long_head[k : k + 1000])
                time.sleep(0.02)
        assert s.recv(65536).startswith(b"HTTP/1.1 400")
    body = b" " * 40_000  # the head and the body in one read: only the head counts
    short = (
        b"POST /api/elections/e/ballots HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    assert exchange(board_alone, short + body).startswith(b"HTTP/1.1 404")
    # Two requests on one connection: the second's head is counted from its own start.
    twice = b"GET /api/board HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 9_000 + b"\r\n\r\n"
    last = twice.replace(b"Host: x", b"Host: x\r\nConnection: close")
    answer = exchange(board_alone, twice + last)
    assert answer.count(b"HTTP/1.1 200") == 2, answer[:300]
