"""Running the `openballot` command line in-process for the CLI tests: `invoke` gives the
result whatever it is, `ok` insists it succeeded and shows the command and its output if not."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from openballot.cli.main import app

runner = CliRunner()


def invoke(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def ok(*args: object) -> Result:
    result = invoke(*args)
    assert result.exit_code == 0, (
        f"openballot {' '.join(map(str, args))} -> {result.exit_code}\n{result.output}"
        f"\n{result.exception!r}"
    )
    return result
