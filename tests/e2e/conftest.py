"""A real server process with the built booth, and a real browser (Debian's chromium)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ADMIN_TOKEN = "e2e-admin-token"
# The accessibility audit: axe-core, pinned in web/package.json, run inside the real page.
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@contextmanager
def running_server(data: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`openballot serve` in a process, on a free port, with the built booth and its data in
    `data`: (its URL, the process), stopped at the end unless the test stopped it already."""
    booth = REPO / "web"
    if not (booth / "dist" / "booth.js").exists():
        pytest.fail("the booth is not built: run `make web` (make test does)")
    port = _free_port()
    env = {**os.environ, "OPENBALLOT_ADMIN_TOKEN": ADMIN_TOKEN}
    openballot = Path(sys.executable).with_name("openballot")
    proc = subprocess.Popen(
        [str(openballot), "serve", "--data", str(data), "--port", str(port),
         "--booth", str(booth)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/api/board", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"server did not start: {err.decode()[-2000:]}")
        time.sleep(0.2)
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("server")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()

def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every WCAG 2.x A/AA violation axe-core finds in the page as it is now."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make web` (make test does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Through the DevTools protocol, not a <script> tag: the page's own Content Security
        # Policy (script-src 'self') stays as it is served.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return list(result)


def assert_accessible(page: Any, where: str) -> None:
    """Fail with every violation listed, naming the page state in `where`."""
    violations = axe_violations(page)
    assert violations == [], f"axe-core, {where}:\n" + json.dumps(violations, indent=1)


@pytest.fixture
def accessible() -> Any:
    """`accessible(page, "where")`: fail when axe-core finds a violation in the page now."""
    return assert_accessible


@pytest.fixture
def start_server() -> Any:
    """`with start_server(data) as (url, process):` a server of the test's own, which the
    test may stop (to see what the booth does without it)."""
    return running_server
