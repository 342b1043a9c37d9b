"""The DEEP composition: one codeword whose low degree vouches for every out-of-domain value.

Contract §Protocol step 4 (ethSTARK eprint 2021/582 §3.3 "DEEP-ALI"; winterfell
``prover/src/composer``). After the out-of-domain point ``z`` is drawn and the prover has sent the
trace frame ``t_i(z)``, ``t_i(z·ω_N)`` and the chunk values ``H_k(z)``, one extension coefficient per
term is drawn — ``γ_i`` for the trace at ``z`` (``W``), ``γ'_i`` for the trace at ``z·ω`` (``W``),
``γ''_k`` for the chunks at ``z`` (``K``), in that order — and

    DEEP(x) = Σ_i γ_i   (t_i(x) − t_i(z))  / (x − z)
            + Σ_i γ'_i  (t_i(x) − t_i(zω)) / (x − zω)
            + Σ_k γ''_k (H_k(x) − H_k(z))  / (x − z)

is a polynomial of degree ``< N`` exactly when the sent values are the true evaluations (each
quotient is then a polynomial of degree ``< N − 1``). FRI then tests that ``DEEP`` on ``D`` is close
to such a polynomial. The verifier recomputes ``DEEP(x)`` at each queried ``x = D[i]`` from the
opened trace and chunk rows with :func:`deep_value` — the same function the prover uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.extension import (
    EXT_ZERO,
    Ext,
    ext_add,
    ext_batch_inverse,
    ext_embed,
    ext_mul,
    ext_sub,
)


@dataclass(frozen=True)
class OodFrame:
    """The out-of-domain values the prover sends (contract §Protocol step 3), in sending order."""

    trace_z: tuple[Ext, ...]
    """``t_i(z)`` for every trace column ``i`` (``W`` values)."""
    trace_zw: tuple[Ext, ...]
    """``t_i(z·ω_N)`` for every trace column (``W`` values)."""
    chunks_z: tuple[Ext, ...]
    """``H_k(z)`` for every composition chunk (``K`` values)."""

    def values(self) -> tuple[Ext, ...]:
        """All ``2W + K`` values in sending order."""
        return (*self.trace_z, *self.trace_zw, *self.chunks_z)


@dataclass(frozen=True)
class DeepCoefficients:
    """``γ`` (W), ``γ'`` (W) and ``γ''`` (K), drawn in that order."""

    trace_z: tuple[Ext, ...]
    trace_zw: tuple[Ext, ...]
    chunks_z: tuple[Ext, ...]

    @staticmethod
    def from_draws(draws: Sequence[Ext], width: int, chunks: int) -> DeepCoefficients:
        """Split ``2W + K`` drawn coefficients in the contract's order."""
        if len(draws) != 2 * width + chunks:
            raise StarkError(f"{2 * width + chunks} DEEP coefficients are needed")
        return DeepCoefficients(
            tuple(draws[:width]), tuple(draws[width : 2 * width]), tuple(draws[2 * width :])
        )


def deep_value(
    trace_row: Sequence[int],
    chunk_row: Sequence[Ext],
    inv_x_minus_z: Ext,
    inv_x_minus_zw: Ext,
    ood: OodFrame,
    gammas: DeepCoefficients,
) -> Ext:
    """``DEEP(x)`` from the trace row and chunk row at ``x`` and ``1/(x − z)``, ``1/(x − zω)``.

    The terms sharing a denominator are summed first; the value is the same as the contract's
    term-by-term sum (field arithmetic is exact).
    """
    at_z = EXT_ZERO
    at_zw = EXT_ZERO
    for t, tz, tzw, g, g2 in zip(
        trace_row, ood.trace_z, ood.trace_zw, gammas.trace_z, gammas.trace_zw, strict=True
    ):
        tx = ext_embed(t)
        at_z = ext_add(at_z, ext_mul(g, ext_sub(tx, tz)))
        at_zw = ext_add(at_zw, ext_mul(g2, ext_sub(tx, tzw)))
    for h, hz, g in zip(chunk_row, ood.chunks_z, gammas.chunks_z, strict=True):
        at_z = ext_add(at_z, ext_mul(g, ext_sub(h, hz)))
    return ext_add(ext_mul(at_z, inv_x_minus_z), ext_mul(at_zw, inv_x_minus_zw))


def deep_on_domain(
    domain: Sequence[int],
    trace_lde: Sequence[Sequence[int]],
    chunk_lde: Sequence[Sequence[Ext]],
    z: Ext,
    zw: Ext,
    ood: OodFrame,
    gammas: DeepCoefficients,
) -> list[Ext]:
    """``DEEP(D[i])`` for every ``i`` (the prover's FRI input), with batched inversions."""
    inv_z = ext_batch_inverse([ext_sub(ext_embed(x), z) for x in domain])
    inv_zw = ext_batch_inverse([ext_sub(ext_embed(x), zw) for x in domain])
    return [
        deep_value(
            [col[i] for col in trace_lde],
            [col[i] for col in chunk_lde],
            inv_z[i],
            inv_zw[i],
            ood,
            gammas,
        )
        for i in range(len(domain))
    ]


__all__ = ["DeepCoefficients", "OodFrame", "deep_on_domain", "deep_value"]
