"""The cubic extension ``E = F[x] / (x^3 − x − 1)`` of Goldilocks.

Contract §Arithmetic. An element is a triple ``(a0, a1, a2)`` of base elements meaning
``a0 + a1·x + a2·x²``; the reduction rule is ``x^3 = x + 1`` (so ``x^4 = x² + x``). This is the
extension pil-stark uses (``F3g``, zkevm-proverjs / pil-stark ``src/f3g.js``) and Winterfell's
``CubeExtension`` for ``f64``; ``x^3 − x − 1`` is irreducible over Goldilocks, so ``E`` is a field
of ``p^3 ≈ 2^192`` elements.

Base elements embed as ``(a, 0, 0)`` (:func:`ext_embed`). The names carry an ``ext_`` prefix so that
they never shadow the base-field operations of :mod:`l2spec.spec.stark.field`.

Bytes: the three coordinates ``a0, a1, a2`` in that order, 8 bytes little-endian each (24 bytes),
each canonical (:func:`ext_encode`, :func:`ext_decode`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from l2spec.spec.stark.errors import ProofFormatError, StarkError
from l2spec.spec.stark.field import FELT_BYTES, FieldArithmeticError, P, decode_felt, encode_felt

Ext = tuple[int, int, int]
"""An element ``a0 + a1·x + a2·x²`` of ``E`` as ``(a0, a1, a2)``, each in ``[0, p)``."""

EXT_BYTES = 3 * FELT_BYTES
"""Size of an encoded extension element (24 bytes)."""

EXT_ZERO: Ext = (0, 0, 0)
"""The additive identity."""

EXT_ONE: Ext = (1, 0, 0)
"""The multiplicative identity."""

EXT_X: Ext = (0, 1, 0)
"""The generator ``x`` of ``E`` over ``F`` (a root of ``x^3 − x − 1``)."""


def ext_embed(a: int) -> Ext:
    """The base element ``a`` as ``(a, 0, 0)``."""
    return (a % P, 0, 0)


def ext_is_base(a: Ext) -> bool:
    """Whether ``a`` lies in the base field (``a1 = a2 = 0``)."""
    return a[1] == 0 and a[2] == 0


def ext_add(a: Ext, b: Ext) -> Ext:
    """``a + b`` coordinate-wise."""
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P, (a[2] + b[2]) % P)


def ext_sub(a: Ext, b: Ext) -> Ext:
    """``a − b`` coordinate-wise."""
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P, (a[2] - b[2]) % P)


def ext_neg(a: Ext) -> Ext:
    """``−a``."""
    return ((-a[0]) % P, (-a[1]) % P, (-a[2]) % P)


def ext_scale(a: Ext, k: int) -> Ext:
    """``k · a`` for a base element ``k``."""
    return (a[0] * k % P, a[1] * k % P, a[2] * k % P)


def ext_mul(a: Ext, b: Ext) -> Ext:
    """``a · b``: the schoolbook product reduced with ``x^3 = x + 1`` and ``x^4 = x² + x``.

    With ``c_k = Σ_{i+j=k} a_i b_j`` (``k = 0..4``): ``a·b = (c0 + c3) + (c1 + c3 + c4)·x +
    (c2 + c4)·x²``.
    """
    a0, a1, a2 = a
    b0, b1, b2 = b
    c0 = a0 * b0
    c1 = a0 * b1 + a1 * b0
    c2 = a0 * b2 + a1 * b1 + a2 * b0
    c3 = a1 * b2 + a2 * b1
    c4 = a2 * b2
    return ((c0 + c3) % P, (c1 + c3 + c4) % P, (c2 + c4) % P)


def ext_mul_base(a: Ext, k: int) -> Ext:
    """``a · k`` for a base element ``k`` (the same as :func:`ext_scale`)."""
    return ext_scale(a, k)


def ext_square(a: Ext) -> Ext:
    """``a²``."""
    return ext_mul(a, a)


def ext_pow(a: Ext, e: int) -> Ext:
    """``a^e`` for ``e >= 0`` (square-and-multiply, most significant bit first)."""
    if e < 0:
        raise FieldArithmeticError("negative exponent: use ext_inv() first")
    result = EXT_ONE
    for bit in bin(e)[2:]:
        result = ext_mul(result, result)
        if bit == "1":
            result = ext_mul(result, a)
    return result


def ext_inv(a: Ext) -> Ext:
    """``a^(−1)``: the solution ``b`` of ``a · b = 1``; zero has none.

    Multiplication by ``a`` is the linear map with matrix (rows: coordinates of ``a·b``, columns:
    ``b0, b1, b2``, read off :func:`ext_mul`)::

        | a0   a2        a1      |
        | a1   a0 + a2   a1 + a2 |
        | a2   a1        a0 + a2 |

    so ``b`` is the first column of its inverse: the cofactors of the first row divided by the
    determinant (Cramer's rule). The determinant is the norm of ``a``, non-zero for ``a ≠ 0``
    because ``E`` is a field.
    """
    a0, a1, a2 = a
    m11, m12 = (a0 + a2) % P, (a1 + a2) % P
    m21, m22 = a1, (a0 + a2) % P
    c0 = (m11 * m22 - m12 * m21) % P
    c1 = (m12 * a2 - a1 * m22) % P
    c2 = (a1 * m21 - m11 * a2) % P
    det = (a0 * c0 + a2 * c1 + a1 * c2) % P
    if det == 0:
        raise FieldArithmeticError("zero has no inverse in the cubic extension")
    d = pow(det, P - 2, P)
    return (c0 * d % P, c1 * d % P, c2 * d % P)


def ext_batch_inverse(values: Sequence[Ext]) -> list[Ext]:
    """The inverses of all ``values`` with one extension inversion (Montgomery's trick)."""
    prefix: list[Ext] = []
    acc = EXT_ONE
    for v in values:
        if v == EXT_ZERO:
            raise FieldArithmeticError("zero has no inverse in the cubic extension")
        prefix.append(acc)
        acc = ext_mul(acc, v)
    acc_inv = ext_inv(acc)
    out: list[Ext] = [EXT_ZERO] * len(values)
    for i in range(len(values) - 1, -1, -1):
        out[i] = ext_mul(acc_inv, prefix[i])
        acc_inv = ext_mul(acc_inv, values[i])
    return out


def ext_check(a: Sequence[int]) -> Ext:
    """``a`` as an :data:`Ext`, checking it has three canonical coordinates (else misuse)."""
    if len(a) != 3 or not all(0 <= c < P for c in a):
        raise StarkError(f"not an extension element (three canonical coordinates): {a!r}")
    return (a[0], a[1], a[2])


def ext_encode(a: Ext) -> bytes:
    """24 bytes: ``a0 ‖ a1 ‖ a2``, 8 bytes little-endian each."""
    return encode_felt(a[0]) + encode_felt(a[1]) + encode_felt(a[2])


def ext_decode(data: bytes) -> Ext:
    """The element of 24 bytes (``a0 ‖ a1 ‖ a2``); a wrong length or a coordinate ``>= p`` is a
    :class:`~l2spec.spec.stark.errors.ProofFormatError`."""
    if len(data) != EXT_BYTES:
        raise ProofFormatError(f"an extension element is {EXT_BYTES} bytes, got {len(data)}")
    return (decode_felt(data[0:8]), decode_felt(data[8:16]), decode_felt(data[16:24]))


def ext_flatten(values: Iterable[Ext]) -> list[int]:
    """The coordinates of ``values`` in place, ``[v0.a0, v0.a1, v0.a2, v1.a0, …]``.

    Contract §Merkle commitments: an E value contributes its 3 coordinates to a committed row.
    """
    out: list[int] = []
    for v in values:
        out.extend(v)
    return out


def ext_unflatten(coords: Sequence[int]) -> list[Ext]:
    """The inverse of :func:`ext_flatten` (the length must be a multiple of 3)."""
    if len(coords) % 3:
        raise StarkError(f"{len(coords)} coordinates do not make whole extension elements")
    return [(coords[i], coords[i + 1], coords[i + 2]) for i in range(0, len(coords), 3)]
