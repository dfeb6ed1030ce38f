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
    """Base class of every error raised on purpose by OpenBallot."""


class DecodeError(OpenBallotError):
    """Bytes or JSON that are not a canonical encoding of the expected object."""


class ProofError(OpenBallotError):
    """A zero-knowledge proof or a signature that does not verify."""


class ProtocolError(OpenBallotError):
    """A message that is well formed but breaks a rule of the protocol."""


class RecordError(OpenBallotError):
    """An election record that cannot be read (missing file, bad field, wrong format)."""
