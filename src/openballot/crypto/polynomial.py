"""Shamir polynomials and their Feldman commitments.

A trustee's secret polynomial f(x) = a_0 + a_1·x + ... + a_{t-1}·x^{t-1} gives the share
f(j) to trustee j; its commitments A_k = g^{a_k} let anyone compute g^{f(j)} without the
coefficients, so a share can be checked against them (`trustee.check_share`).
"""

from __future__ import annotations

from collections.abc import Sequence

from openballot.crypto.group import Element, Scalar

__all__ = ["evaluate", "evaluate_commitments"]


def evaluate(coefficients: Sequence[Scalar], x: int) -> Scalar:
    """f(x) = Σ_k a_k·x^k mod L, by Horner's rule."""
    point = Scalar.of(x)
    acc = Scalar(0)
    for a in reversed(coefficients):
        acc = acc * point + a
    return acc


def evaluate_commitments(commitments: Sequence[Element], x: int) -> Element:
    """Π_k A_k^(x^k) = g^{f(x)}, for commitments A_k = g^{a_k} (at least one)."""
    point = Scalar.of(x)
    acc = commitments[0]
    power = Scalar(1)
    for a in commitments[1:]:
        power = power * point
        acc = acc * a**power
    return acc
