"""The STARK's base field: Goldilocks ``p = 2^64 − 2^32 + 1`` and its 2-adic roots of unity.

Contract §Arithmetic: the base field F is Goldilocks, with multiplicative generator ``g = 7`` and the
primitive ``2^k``-th root of unity ``ω_{2^k} = 7^((p − 1) / 2^k)`` for ``k ≤ 32`` (``p − 1 =
2^32 · (2^32 − 1)``, so the 2-adicity is 32). These are the same choices as Winterfell's ``f64``
field (``math/src/field/f64/mod.rs``: ``GENERATOR = 7``, ``TWO_ADICITY = 32``) and Plonky2.

The arithmetic itself is the zkEVM module :mod:`l2spec.spec.zk.goldilocks`, re-exported here
(``add``, ``sub``, ``neg``, ``mul``, ``inv``, ``pow_``, ``reduce``, ``is_canonical``). An element
is a Python ``int`` in ``[0, p)``.

Bytes (contract §Arithmetic): an element is 8 bytes little-endian and must be canonical;
decoding ``>= p`` raises :class:`~l2spec.spec.stark.errors.ProofFormatError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from l2spec.spec.stark.errors import ProofFormatError, StarkError
from l2spec.spec.zk.goldilocks import (
    FieldArithmeticError,
    P,
    add,
    inv,
    is_canonical,
    mul,
    neg,
    pow_,
    reduce,
    sub,
)

__all__ = [
    "FELT_BYTES",
    "GENERATOR",
    "TWO_ADICITY",
    "FieldArithmeticError",
    "P",
    "add",
    "batch_inverse",
    "coset",
    "decode_felt",
    "encode_felt",
    "inv",
    "is_canonical",
    "log2_exact",
    "mul",
    "neg",
    "pow_",
    "powers",
    "reduce",
    "root_of_unity",
    "sub",
    "subgroup",
]

GENERATOR = 7
"""The multiplicative generator ``g`` of ``F*`` (also the LDE coset offset)."""

TWO_ADICITY = 32
"""The largest ``k`` with ``2^k | p − 1``: subgroups of size up to ``2^32`` exist."""

FELT_BYTES = 8
"""Size of an encoded base element (little-endian)."""


def log2_exact(n: int) -> int:
    """``k`` such that ``n = 2^k``; a non-power of two (or ``n < 1``) is a :class:`StarkError`."""
    if n < 1 or n & (n - 1):
        raise StarkError(f"{n} is not a power of two")
    return n.bit_length() - 1


def root_of_unity(n: int) -> int:
    """The primitive ``n``-th root of unity ``ω_n = 7^((p − 1) / n)`` for ``n = 2^k``, ``k ≤ 32``.

    Contract §Arithmetic. ``ω_1 = 1`` and ``ω_2 = p − 1``; ``ω_{2n}^2 = ω_n``.
    """
    k = log2_exact(n)
    if k > TWO_ADICITY:
        raise StarkError(f"no subgroup of size 2^{k} in Goldilocks (two-adicity is 32)")
    return pow(GENERATOR, (P - 1) >> k, P)


def powers(base: int, count: int, start: int = 1) -> list[int]:
    """``[start, start·base, start·base², …]`` (``count`` elements)."""
    out = []
    x = start % P
    for _ in range(count):
        out.append(x)
        x = x * base % P
    return out


def subgroup(n: int) -> list[int]:
    """The subgroup ``⟨ω_n⟩`` in natural order: ``[ω_n^0, ω_n^1, …, ω_n^(n−1)]``."""
    return powers(root_of_unity(n), n)


def coset(offset: int, n: int) -> list[int]:
    """The coset ``offset·⟨ω_n⟩`` in natural order: element ``i`` is ``offset · ω_n^i``.

    The LDE domain of the contract is ``coset(GENERATOR, B·N)``.
    """
    return powers(root_of_unity(n), n, start=offset)


def batch_inverse(values: Sequence[int]) -> list[int]:
    """The inverses of all ``values`` with one field inversion (Montgomery's trick).

    Any zero among the values raises :class:`FieldArithmeticError` (as :func:`inv` does).
    """
    prefix = []
    acc = 1
    for v in values:
        if v % P == 0:
            raise FieldArithmeticError("zero has no inverse in the Goldilocks field")
        prefix.append(acc)
        acc = acc * v % P
    acc_inv = inv(acc)
    out = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        out[i] = acc_inv * prefix[i] % P
        acc_inv = acc_inv * values[i] % P
    return out


def encode_felt(x: int) -> bytes:
    """The 8-byte little-endian encoding of a canonical element (a non-canonical one is misuse)."""
    if not is_canonical(x):
        raise StarkError(f"{x} is not a canonical Goldilocks element")
    return x.to_bytes(FELT_BYTES, "little")


def decode_felt(data: bytes) -> int:
    """The element of 8 little-endian bytes; a value ``>= p`` or a wrong length is rejected."""
    if len(data) != FELT_BYTES:
        raise ProofFormatError(f"a field element is {FELT_BYTES} bytes, got {len(data)}")
    x = int.from_bytes(data, "little")
    if x >= P:
        raise ProofFormatError(f"non-canonical field element {x:#x} (must be < p)")
    return x
