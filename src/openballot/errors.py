"""One root for every error OpenBallot raises on purpose.

Callers catch `OpenBallotError` at the edges (CLI, server) and show its message; anything else
escaping is a bug. Messages name the object and say what was expected and what was found.
"""

__all__ = [
    "OpenBallotError",
    "DecodeError",
    "ProofError",
    "ProtocolError",
    "RecordError",
]


class OpenBallotError(Exception):
    """Base class of every error raised on purpose by OpenBallot.

    `code` is a stable machine name of the failure for the server's problem details (a client,
    such as the booth, shows its own translation of it; docs/server.md lists them). None means
    "the generic code of this error's class"; a raise site that a voter can meet names a finer
    one (`ProofError("...", code="bad-signature")`). The message stays the English detail.
    """

    code: str | None = None

    def __init__(self, *args: object, code: str | None = None) -> None:
        super().__init__(*args)
        if code is not None:
            self.code = code


class DecodeError(OpenBallotError):
    """Bytes or JSON that are not a canonical encoding of the expected object."""


class ProofError(OpenBallotError):
    """A zero-knowledge proof or a signature that does not verify."""


class ProtocolError(OpenBallotError):
    """A message that is well formed but breaks a rule of the protocol."""


class RecordError(OpenBallotError):
    """An election record that cannot be read (missing file, bad field, wrong format)."""
