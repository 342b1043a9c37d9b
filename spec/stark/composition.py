"""The composition polynomial: every constraint of the AIR folded into one low-degree polynomial.

Contract §Protocol step 2 (ethSTARK eprint 2021/582 §3.2 "constraint composition"; winterfell
``prover/src/constraints``). With one extension coefficient ``α`` per constraint (transitions
first, then assertions, in AIR order):

    C(x) = Σ_t α_t · T_t(x) / Z_T(x)  +  Σ_b α_b · (col_b(x) − v_b) / (x − ω_N^(row_b))

where ``T_t(x)`` is transition ``t`` evaluated on the trace polynomials at ``x`` (current row) and
``x·ω_N`` (next row) and the periodic polynomials at ``x``, and

    Z_T(x) = (x^N − 1) / (x − ω_N^(N−1))

vanishes on every row but the last. If the trace satisfies the AIR every quotient is a polynomial;
a transition of declared degree ``d`` gives a quotient of degree ``≤ (d − 1)(N − 1)``, an assertion
one of degree ``≤ N − 2``, so ``deg C < K·N`` with ``K = max(d − 1, 1)``.

The prover evaluates ``C`` on the LDE domain ``D`` (where no denominator vanishes: ``D`` is a coset
of a subgroup containing ``H``, with offset 7 outside it), interpolates, and splits
``C(x) = Σ_{k<K} x^(kN) · H_k(x)`` into ``K`` chunks of degree ``< N``. The verifier evaluates ``C``
at the out-of-domain point ``z`` from the sent trace frame and checks it against the chunks.

Periodic columns (winterfell ``air/src/air/transition``): the cycle's values ``c_0 … c_{m−1}`` are
interpolated on ``⟨ω_m⟩`` to ``p(y)`` (degree ``< m``); the column's value at ``x`` is
``p(x^(N/m))``, which reproduces ``c_(i mod m)`` at ``x = ω_N^i``.
"""

from __future__ import annotations

from collections.abc import Sequence

from l2spec.spec.stark.air import BASE_OPS, EXT_OPS, Air
from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.extension import (
    EXT_ZERO,
    Ext,
    ext_add,
    ext_embed,
    ext_inv,
    ext_mul,
    ext_pow,
    ext_scale,
    ext_sub,
)
from l2spec.spec.stark.field import GENERATOR, P, batch_inverse, coset, root_of_unity
from l2spec.spec.stark.ntt import (
    evaluate,
    evaluate_at_ext,
    evaluate_on_coset_ext,
    interpolate_coset_ext,
    intt,
)


class CompositionError(StarkError):
    """The composition polynomial is not of the promised degree: the trace does not satisfy the AIR
    or the AIR declares too small a degree (a prover-side error; the verifier rejects instead)."""


# --- periodic columns -------------------------------------------------------------------------


def periodic_polynomials(air: Air) -> list[list[int]]:
    """Each periodic column's polynomial (coefficients in ``y``, degree < its cycle length)."""
    return [intt(list(column)) for column in air.periodic_columns()]


def periodic_values_on_domain(air: Air, domain: Sequence[int]) -> list[list[int]]:
    """Each periodic column evaluated at every ``x`` of ``domain``: ``p(x^(N/m))``."""
    n = air.trace_length
    out = []
    for poly, column in zip(periodic_polynomials(air), air.periodic_columns(), strict=True):
        step = n // len(column)
        out.append([evaluate(poly, pow(x, step, P)) for x in domain])
    return out


def periodic_values_at(air: Air, z: Ext) -> list[Ext]:
    """Each periodic column at an extension point: ``p(z^(N/m))``."""
    n = air.trace_length
    return [
        evaluate_at_ext(poly, ext_pow(z, n // len(column)))
        for poly, column in zip(periodic_polynomials(air), air.periodic_columns(), strict=True)
    ]


# --- the prover's side: C on the LDE domain -------------------------------------------------


def composition_on_domain(
    air: Air, trace_lde: Sequence[Sequence[int]], blowup: int, alphas: Sequence[Ext]
) -> list[Ext]:
    """``C(D[i])`` for every ``i``, from the trace columns' LDEs on ``D = 7·⟨ω_{BN}⟩``.

    The next row of ``x = D[i]`` is ``x·ω_N = D[i + B]`` (``ω_N = ω_{BN}^B``), indices mod ``BN``.
    """
    n = air.trace_length
    size = n * blowup
    degrees = air.transition_degrees()
    assertions = air.assertions()
    if len(alphas) != len(degrees) + len(assertions):
        raise StarkError("one composition coefficient per constraint is needed")
    domain = coset(GENERATOR, size)
    omega_n = root_of_unity(n)
    last_row_point = pow(omega_n, n - 1, P)
    # 1 / Z_T(x) = (x − ω_N^(N−1)) / (x^N − 1); x^N takes only B values on D.
    inv_vanishing = batch_inverse([(pow(x, n, P) - 1) % P for x in domain[:blowup]])
    inv_zt = [(x - last_row_point) * inv_vanishing[i % blowup] % P for i, x in enumerate(domain)]
    # 1 / (x − ω_N^row) for each asserted row.
    inv_boundary: dict[int, list[int]] = {}
    for a in assertions:
        if a.row not in inv_boundary:
            point = pow(omega_n, a.row, P)
            inv_boundary[a.row] = batch_inverse([(x - point) % P for x in domain])
    periodic = periodic_values_on_domain(air, domain)
    t_alphas = alphas[: len(degrees)]
    b_alphas = alphas[len(degrees) :]
    values: list[Ext] = []
    for i in range(size):
        current = [col[i] for col in trace_lde]
        nxt = [col[(i + blowup) % size] for col in trace_lde]
        transitions = air.evaluate_transition(BASE_OPS, current, nxt, [p[i] for p in periodic])
        acc = EXT_ZERO
        for alpha, t in zip(t_alphas, transitions, strict=True):
            acc = ext_add(acc, ext_scale(alpha, t * inv_zt[i] % P))
        for alpha, a in zip(b_alphas, assertions, strict=True):
            quotient = (current[a.column] - a.value) * inv_boundary[a.row][i] % P
            acc = ext_add(acc, ext_scale(alpha, quotient))
        values.append(acc)
    return values


def split_composition(values: Sequence[Ext], trace_length: int, chunks: int) -> list[list[Ext]]:
    """The chunks ``H_0 … H_{K−1}`` (coefficients, ``N`` each) of ``C`` given its values on ``D``.

    ``C = Σ_k x^(kN) H_k``: chunk ``k`` is coefficients ``kN … (k+1)N − 1`` of ``C``. Every
    coefficient from ``K·N`` on must be zero, else :class:`CompositionError`.
    """
    coeffs = interpolate_coset_ext(list(values), GENERATOR)
    n = trace_length
    if len(coeffs) < chunks * n:
        raise CompositionError(f"the blowup is too small for {chunks} composition chunks")
    if any(c != EXT_ZERO for c in coeffs[chunks * n :]):
        raise CompositionError(
            "the composition polynomial has degree ≥ K·N: the trace does not satisfy the AIR "
            "or a declared transition degree is too small"
        )
    return [list(coeffs[k * n : (k + 1) * n]) for k in range(chunks)]


def chunk_ldes(chunks: Sequence[Sequence[Ext]], blowup: int) -> list[list[Ext]]:
    """Each chunk ``H_k`` evaluated on ``D`` (``B·N`` values, natural order)."""
    return [evaluate_on_coset_ext(list(c), GENERATOR, blowup * len(c)) for c in chunks]


# --- the verifier's side: C at the out-of-domain point --------------------------------------


def composition_at(
    air: Air,
    z: Ext,
    frame_z: Sequence[Ext],
    frame_zw: Sequence[Ext],
    alphas: Sequence[Ext],
) -> Ext:
    """``C(z)`` from the trace frame at ``z`` (current row) and ``z·ω_N`` (next row)."""
    n = air.trace_length
    degrees = air.transition_degrees()
    assertions = air.assertions()
    omega_n = root_of_unity(n)
    transitions = air.evaluate_transition(
        EXT_OPS, list(frame_z), list(frame_zw), periodic_values_at(air, z)
    )
    # 1 / Z_T(z) = (z − ω_N^(N−1)) / (z^N − 1)
    one = ext_embed(1)
    inv_zt = ext_mul(
        ext_sub(z, ext_embed(pow(omega_n, n - 1, P))), ext_inv(ext_sub(ext_pow(z, n), one))
    )
    acc = EXT_ZERO
    for alpha, t in zip(alphas[: len(degrees)], transitions, strict=True):
        acc = ext_add(acc, ext_mul(alpha, ext_mul(t, inv_zt)))
    for alpha, a in zip(alphas[len(degrees) :], assertions, strict=True):
        numerator = ext_sub(frame_z[a.column], ext_embed(a.value))
        denominator = ext_sub(z, ext_embed(pow(omega_n, a.row, P)))
        acc = ext_add(acc, ext_mul(alpha, ext_mul(numerator, ext_inv(denominator))))
    return acc


def chunks_at(chunk_values: Sequence[Ext], z: Ext, trace_length: int) -> Ext:
    """``Σ_k z^(kN) · H_k(z)``: the composition polynomial at ``z`` rebuilt from its chunks."""
    z_n = ext_pow(z, trace_length)
    acc = EXT_ZERO
    power = ext_embed(1)
    for h in chunk_values:
        acc = ext_add(acc, ext_mul(power, h))
        power = ext_mul(power, z_n)
    return acc


__all__ = [
    "CompositionError",
    "chunk_ldes",
    "chunks_at",
    "composition_at",
    "composition_on_domain",
    "periodic_polynomials",
    "periodic_values_at",
    "periodic_values_on_domain",
    "split_composition",
]
