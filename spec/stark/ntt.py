"""Number-theoretic transforms over Goldilocks: evaluation and interpolation on 2-adic domains.

Contract §Domains, trace, LDE. A polynomial is the list of its coefficients, lowest degree first.
The subgroup of size ``n = 2^k`` is ``⟨ω_n⟩`` in natural order (element ``i`` is ``ω_n^i``), a
coset is ``offset·⟨ω_n⟩`` (element ``i`` is ``offset·ω_n^i``). The LDE domain is
``D = 7·⟨ω_{B·N}⟩`` and a column's low-degree extension is its interpolating polynomial (degree
``< N``, from its values on ``H = ⟨ω_N⟩``) evaluated on ``D`` (:func:`lde`).

The transform is the textbook iterative radix-2 Cooley–Tukey NTT (bit-reversal permutation, then
``log2 n`` butterfly passes). Only the resulting *values* matter for the proof bytes, so any
correct algorithm gives the same proof (the Rust prover may use another one).

Extension-valued polynomials (coefficients in ``E``) are transformed coordinate by coordinate: the
twiddle factors are base elements, so the NTT is ``F``-linear and acts on each coordinate alone
(the ``*_ext`` functions).
"""

from __future__ import annotations

from collections.abc import Sequence

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.extension import Ext, ext_add, ext_mul
from l2spec.spec.stark.field import GENERATOR, P, inv, log2_exact, root_of_unity


def _bit_reverse_copy(values: Sequence[int]) -> list[int]:
    """``values`` permuted so that position ``i`` holds ``values[bitreverse(i)]``."""
    n = len(values)
    bits = log2_exact(n)
    out = list(values)
    for i in range(n):
        j = int(format(i, f"0{bits}b")[::-1], 2) if bits else 0
        if i < j:
            out[i], out[j] = out[j], out[i]
    return out


def _transform(values: Sequence[int], root: int) -> list[int]:
    """``out[i] = Σ_j values[j] · root^(i·j)`` for ``root`` of order ``len(values)`` (radix 2)."""
    n = len(values)
    a = _bit_reverse_copy([v % P for v in values])
    size = 2
    while size <= n:
        half = size // 2
        step = pow(root, n // size, P)  # a primitive size-th root of unity
        twiddles = [1] * half
        for k in range(1, half):
            twiddles[k] = twiddles[k - 1] * step % P
        for start in range(0, n, size):
            for k in range(half):
                u = a[start + k]
                v = a[start + k + half] * twiddles[k] % P
                a[start + k] = (u + v) % P
                a[start + k + half] = (u - v) % P
        size *= 2
    return a


def ntt(coeffs: Sequence[int]) -> list[int]:
    """The values of the polynomial ``coeffs`` on ``⟨ω_n⟩``, ``n = len(coeffs)`` a power of two.

    ``ntt(c)[i] = Σ_j c[j] · ω_n^(i·j) = c(ω_n^i)``.
    """
    return _transform(coeffs, root_of_unity(len(coeffs)))


def intt(values: Sequence[int]) -> list[int]:
    """The coefficients (``n`` of them) of the polynomial of degree ``< n`` with ``values`` on
    ``⟨ω_n⟩``: the inverse of :func:`ntt` (transform at ``ω_n^(−1)``, then divide by ``n``)."""
    n = len(values)
    out = _transform(values, inv(root_of_unity(n)))
    n_inv = inv(n % P)
    return [x * n_inv % P for x in out]


def evaluate_on_coset(coeffs: Sequence[int], offset: int, n: int) -> list[int]:
    """The values of ``coeffs`` (at most ``n`` of them) on ``offset·⟨ω_n⟩``, natural order.

    ``c(offset·ω^i) = Σ_j (c_j · offset^j) · ω^(i·j)``: scale coefficient ``j`` by ``offset^j``,
    zero-pad to ``n``, then :func:`ntt`.
    """
    if len(coeffs) > n:
        raise StarkError(f"{len(coeffs)} coefficients do not fit a domain of size {n}")
    scaled = []
    power = 1
    for c in coeffs:
        scaled.append(c * power % P)
        power = power * offset % P
    scaled.extend([0] * (n - len(coeffs)))
    return ntt(scaled)


def interpolate_coset(values: Sequence[int], offset: int) -> list[int]:
    """The coefficients of the polynomial of degree ``< n`` with ``values`` on
    ``offset·⟨ω_n⟩`` (``n = len(values)``): :func:`intt`, then divide coefficient ``j`` by
    ``offset^j``."""
    coeffs = intt(values)
    offset_inv = inv(offset)
    power = 1
    out = []
    for c in coeffs:
        out.append(c * power % P)
        power = power * offset_inv % P
    return out


def lde(column: Sequence[int], blowup: int, offset: int = GENERATOR) -> list[int]:
    """The low-degree extension of a trace column onto ``D = offset·⟨ω_{B·N}⟩``.

    ``column`` holds the values on ``H = ⟨ω_N⟩`` (row ``i`` at ``ω_N^i``); the result is the
    interpolating polynomial (degree ``< N``) evaluated at ``D[i] = offset·ω_{BN}^i``, natural
    order (contract §Domains, trace, LDE; the offset is 7).
    """
    log2_exact(blowup)
    return evaluate_on_coset(intt(column), offset, blowup * len(column))


def evaluate(coeffs: Sequence[int], x: int) -> int:
    """``c(x)`` for base coefficients at a base point (Horner's rule)."""
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % P
    return acc


def evaluate_at_ext(coeffs: Sequence[int], z: Ext) -> Ext:
    """``c(z)`` for base coefficients at an extension point (Horner's rule in ``E``)."""
    acc: Ext = (0, 0, 0)
    for c in reversed(coeffs):
        acc = ext_add(ext_mul(acc, z), (c % P, 0, 0))
    return acc


def evaluate_ext(coeffs: Sequence[Ext], z: Ext) -> Ext:
    """``c(z)`` for extension coefficients at an extension point (Horner's rule in ``E``)."""
    acc: Ext = (0, 0, 0)
    for c in reversed(coeffs):
        acc = ext_add(ext_mul(acc, z), c)
    return acc


def _split(values: Sequence[Ext]) -> tuple[list[int], list[int], list[int]]:
    """The three coordinate lists of extension values."""
    return [v[0] for v in values], [v[1] for v in values], [v[2] for v in values]


def _join(c0: Sequence[int], c1: Sequence[int], c2: Sequence[int]) -> list[Ext]:
    """Extension values from their three coordinate lists."""
    return list(zip(c0, c1, c2, strict=True))


def ntt_ext(coeffs: Sequence[Ext]) -> list[Ext]:
    """:func:`ntt` for extension coefficients (coordinate by coordinate)."""
    c0, c1, c2 = _split(coeffs)
    return _join(ntt(c0), ntt(c1), ntt(c2))


def intt_ext(values: Sequence[Ext]) -> list[Ext]:
    """:func:`intt` for extension values (coordinate by coordinate)."""
    c0, c1, c2 = _split(values)
    return _join(intt(c0), intt(c1), intt(c2))


def evaluate_on_coset_ext(coeffs: Sequence[Ext], offset: int, n: int) -> list[Ext]:
    """:func:`evaluate_on_coset` for extension coefficients (coordinate by coordinate)."""
    c0, c1, c2 = _split(coeffs)
    return _join(
        evaluate_on_coset(c0, offset, n),
        evaluate_on_coset(c1, offset, n),
        evaluate_on_coset(c2, offset, n),
    )


def interpolate_coset_ext(values: Sequence[Ext], offset: int) -> list[Ext]:
    """:func:`interpolate_coset` for extension values (coordinate by coordinate)."""
    c0, c1, c2 = _split(values)
    return _join(
        interpolate_coset(c0, offset), interpolate_coset(c1, offset), interpolate_coset(c2, offset)
    )


def lde_ext(column: Sequence[Ext], blowup: int, offset: int = GENERATOR) -> list[Ext]:
    """:func:`lde` for an extension-valued column (coordinate by coordinate)."""
    c0, c1, c2 = _split(column)
    return _join(lde(c0, blowup, offset), lde(c1, blowup, offset), lde(c2, blowup, offset))
