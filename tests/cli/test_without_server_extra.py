"""A plain install (no `server` extra) must run an election's record steps and the verifier.

The server's packages are installed in the test environment, so the child process refuses
to import them: any import of them on the demo or verify path fails the test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SERVER_PACKAGES = ("fastapi", "starlette", "uvicorn", "sqlalchemy", "psycopg")

CHILD = f"""
import importlib.abc, sys

class RefuseServerPackages(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {SERVER_PACKAGES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (server extra not installed)")
        return None

sys.meta_path.insert(0, RefuseServerPackages())
from openballot.cli.main import run
sys.argv = ["openballot", *sys.argv[1:]]
run()
"""


def openballot_without_server(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=300
    )


def test_demo_and_verify_run_without_the_server_packages(tmp_path: Path) -> None:
    record = tmp_path / "record"
    demo = openballot_without_server("demo", "--voters", "6", "--record", str(record))
    assert demo.returncode == 0, demo.stderr
    verify = openballot_without_server("verify", str(record), "--workers", "1")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "record verified" in verify.stdout


def test_serve_without_the_server_packages_names_what_to_install(tmp_path: Path) -> None:
    serve = openballot_without_server("serve", "--data", str(tmp_path / "data"))
    assert serve.returncode == 2
    assert "Traceback" not in serve.stderr
    assert "server" in serve.stderr
