"""Cost of the group primitives on one core, through openballot and through the raw binding.

    .venv/bin/python bench/bench_primitives.py [--seconds 1.0]

Other benchmarks import `primitive_costs()` (seconds per call of "mul", "base_mul", "add"
and "hash", as openballot code calls them) and `binding_costs()` (the same group operations
as bare `_sodium` calls, without the Element/Scalar wrappers).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
from collections.abc import Callable
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))
if importlib.util.find_spec("openballot") is None:
    sys.path.insert(0, str(_HERE.parent / "src"))

from _timing import one_core, rate  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from openballot.crypto import _sodium  # noqa: E402
from openballot.crypto.elgamal import encrypt  # noqa: E402
from openballot.crypto.encoding import Encodable, hash_to_scalar  # noqa: E402
from openballot.crypto.group import Element, Scalar, g_pow, random_scalar  # noqa: E402
from openballot.crypto.proofs import RangeProof  # noqa: E402

__all__ = ["primitive_costs", "binding_costs", "range_proof_rates", "main"]

RANGE_TAG = "OpenBallot/bench/range"


def _operands() -> tuple[Element, Element, Scalar]:
    return g_pow(random_scalar()), g_pow(random_scalar()), random_scalar()


def _typical_hash_input() -> tuple[str, tuple[Encodable, ...]]:
    """The challenge of a {0, 1} range proof on one selection, as a ballot hashes it:
    election fingerprint, ids and credential as context, then key, ciphertext, bounds and
    two branches of commitments: 8 elements, 558 bytes hashed."""
    key, credential, _ = _operands()
    ciphertext = encrypt(key, 1, random_scalar())
    context: Encodable = (bytes(64), "ballot-0001", "contest-1", "option-3", credential)
    branches = [(g_pow(random_scalar()), g_pow(random_scalar())) for _ in range(2)]
    values: tuple[Encodable, ...] = (
        context,
        key,
        ciphertext.alpha,
        ciphertext.beta,
        0,
        1,
        branches,
    )
    return RANGE_TAG, values


def _cases_api() -> dict[str, Callable[[], object]]:
    p, q, s = _operands()
    tag, values = _typical_hash_input()
    return {
        "mul": lambda: p**s,
        "base_mul": lambda: g_pow(s),
        "add": lambda: p * q,
        "hash": lambda: hash_to_scalar(tag, *values),
    }


def _cases_binding() -> dict[str, Callable[[], object]]:
    p, q, s = _operands()
    pb, qb, sb = p.encode(), q.encode(), s.encode()
    return {
        "mul": lambda: _sodium.scalarmult(sb, pb),
        "base_mul": lambda: _sodium.scalarmult_base(sb),
        "add": lambda: _sodium.point_add(pb, qb),
    }


def primitive_costs(seconds: float = 1.0) -> dict[str, float]:
    """Seconds per call, on one core, of "mul" (Element ** Scalar), "base_mul" (g_pow),
    "add" (Element * Element) and "hash" (hash_to_scalar on a range-proof challenge)."""
    with one_core():
        return {name: 1.0 / rate(fn, seconds) for name, fn in _cases_api().items()}


def binding_costs(seconds: float = 1.0) -> dict[str, float]:
    """Seconds per call, on one core, of the bare `_sodium` functions behind "mul",
    "base_mul" and "add" (bytes in, bytes out: cffi and libsodium only)."""
    with one_core():
        return {name: 1.0 / rate(fn, seconds) for name, fn in _cases_binding().items()}


def range_proof_rates(seconds: float = 1.0, low: int = 0, high: int = 1) -> dict[str, float]:
    """Range proofs over [low, high] proved and verified per second, on one core."""
    key = g_pow(random_scalar())
    r = random_scalar()
    ciphertext = encrypt(key, low, r)
    context: Encodable = (bytes(64), "ballot-0001", "contest-1", "option-3")
    proof = RangeProof.prove(RANGE_TAG, context, key, ciphertext, low, high, low, r)
    proof.verify(RANGE_TAG, context, key, ciphertext, low, high)
    with one_core():
        return {
            "prove": rate(
                lambda: RangeProof.prove(RANGE_TAG, context, key, ciphertext, low, high, low, r),
                seconds,
            ),
            "verify": rate(
                lambda: proof.verify(RANGE_TAG, context, key, ciphertext, low, high), seconds
            ),
        }


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="timing per measurement")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    console = Console()

    with one_core() as cpu:
        api = primitive_costs(args.seconds)
        binding = binding_costs(args.seconds)
        proofs = range_proof_rates(args.seconds)

    console.print(
        f"libsodium {_sodium.SODIUM_VERSION} · Python {platform.python_version()} · "
        f"{_cpu_name()} · "
        + (f"pinned to CPU {cpu}" if cpu is not None else "not pinned (no affinity API)")
    )
    table = Table(title="ristretto255 primitives, one core")
    table.add_column("operation")
    table.add_column("ops/s", justify="right")
    table.add_column("µs/op", justify="right")
    table.add_column("bare _sodium µs/op", justify="right")
    labels = {
        "mul": "Element ** Scalar (variable base)",
        "base_mul": "g_pow(Scalar) (fixed base)",
        "add": "Element * Element (addition)",
        "hash": "hash_to_scalar, range-proof challenge",
    }
    for key, label in labels.items():
        bare = binding.get(key)
        table.add_row(
            label,
            f"{1 / api[key]:,.0f}",
            f"{api[key] * 1e6:.1f}",
            f"{bare * 1e6:.1f}" if bare else "–",
        )
    for step in ("prove", "verify"):
        table.add_row(
            f"RangeProof.{step} [0, 1]",
            f"{proofs[step]:,.0f}",
            f"{1e6 / proofs[step]:.1f}",
            "–",
        )
    console.print(table)
    if args.json:
        per_s = {key: round(1 / api[key], 1) for key in labels}
        per_s |= {f"range_proof_{step}": round(proofs[step], 1) for step in ("prove", "verify")}
        print(json.dumps({"ops_per_s_one_core": per_s, "libsodium": _sodium.SODIUM_VERSION}))


if __name__ == "__main__":
    main()
