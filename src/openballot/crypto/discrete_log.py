"""Recover a small plaintext m from g^m by baby-step giant-step, sized to the electorate."""

from __future__ import annotations

import math

from openballot.crypto.group import IDENTITY, Element, G, Scalar, g_pow
from openballot.errors import ProtocolError

__all__ = ["discrete_log"]


def discrete_log(target: Element, bound: int) -> int:
    """The m in [0, bound] with g^m = target; ProtocolError if there is none.

    Costs about 2·sqrt(bound) group operations: for 15 million voters, some 8,000.
    """
    if bound < 0:
        raise ValueError("bound must be non-negative")
    if target == IDENTITY:
        return 0
    step = math.isqrt(bound) + 1
    baby: dict[bytes, int] = {}
    acc = IDENTITY
    for j in range(step):
        baby.setdefault(acc.data, j)
        acc = acc * G
    giant = g_pow(Scalar.of(step))
    acc = target
    for i in range(step + 1):
        found = baby.get(acc.data)
        if found is not None:
            m = i * step + found
            if m <= bound:
                return m
        acc = acc / giant
    raise ProtocolError(f"decrypted value is not in [0, {bound}]")
