"""Poseidon hash-chain AIR: ``y = H^n(x)`` with Polygon's Poseidon (Plonky2 ``PoseidonGoldilocks``).

The hash is the zkEVM's ``H(in[8], cap[4])`` (:func:`l2spec.spec.zk.poseidon.poseidon`) applied to
a 4-element digest: ``H(h) = poseidon(h ‖ 0000, cap = 0000)``, i.e. the first four lanes of
``permute(h ‖ 0^8)``. The statement: starting from ``x`` (4 base elements), ``n`` hashes give ``y``.
Public inputs: ``x0..x3, y0..y3``.

Trace layout (12 columns, the Poseidon state lanes; 32 rows per hash, ``N = 32·n``, ``n`` a power of
two). In block ``b`` (rows ``32b … 32b + 31``):

- row ``32b + r`` for ``r = 0 … 29`` is the state *before* round ``r`` (round ``r`` is row ``r``'s
  transition); row ``32b`` is ``h_b ‖ 0^8``;
- row ``32b + 30`` is the permutation's output;
- rows ``32b + 31`` and ``32(b + 1)`` are ``h_{b+1} ‖ 0^8``: the two padding transitions keep lanes
  0..3 and zero lanes 4..11 (the next hash's input).

Periodic columns (cycle 32), indexed by ``r = row mod 32``:

- ``m``: 1 on round rows (``r < 30``), 0 on the two padding rows;
- ``f``: 1 on full rounds (``r < 4`` or ``26 ≤ r < 30``; ``poseidon.is_full_round``), else 0;
- ``rc_0 … rc_11``: the round constants ``C[12·r + i]`` on round rows, 0 on padding rows.

With ``u_j = cur_j + rc_j`` and the S-box selector ``g_0 = m``, ``g_j = f`` (``j ≥ 1``; the S-box
acts on lane 0 in every round, on all lanes in full rounds), one round is
``next_i = Σ_j M[i][j]·S_j`` with ``S_j = u_j + g_j·(u_j^7 − u_j)`` (:mod:`l2spec.spec.zk.poseidon`
steps 1–3). Transition ``i`` (``i = 0 … 11``) is

    next_i − Σ_j M[i][j]·(m·u_j + g_j·(u_j^7 − u_j)) − (1 − m)·keep_i·cur_i = 0,

``keep_i = 1`` for ``i < 4`` else 0. Counting trace and periodic values as degree 1, ``g_j·u_j^7``
has degree 8: every transition is declared degree 8, so ``K = 7`` composition chunks and the
blowup must be at least 8 (contract §Parameters: ``B > d − 1``).

Assertions: row 0 is ``x ‖ 0^8`` (12 assertions); lanes 0..3 of the last row are ``y`` (4).
"""

from __future__ import annotations

from collections.abc import Sequence

from l2spec.spec.stark.air import Air, AirDefinition, AirError, Assertion, FieldOps, T, power
from l2spec.spec.stark.field import P
from l2spec.spec.zk.poseidon import (
    FULL_ROUNDS,
    MDS_MATRIX,
    PARTIAL_ROUNDS,
    ROUND_CONSTANTS,
    SBOX_EXPONENT,
    WIDTH,
    is_full_round,
    permute,
)

POSEIDON_CHAIN_AIR_ID = "poseidon-chain"
"""The AIR id written in proofs."""

ROWS_PER_HASH = 32
"""30 round rows and 2 padding rows per hash (a power of two)."""

ROUNDS = FULL_ROUNDS + PARTIAL_ROUNDS
DIGEST = 4
"""Lanes carried from one hash to the next (the digest ``h``)."""

TRANSITION_DEGREE = SBOX_EXPONENT + 1
"""``g_j · u_j^7``: a periodic selector times the S-box."""


def _periodic_columns() -> tuple[tuple[int, ...], ...]:
    """``m``, ``f``, ``rc_0 … rc_11`` over one 32-row cycle (see the module docstring)."""
    m = tuple(1 if r < ROUNDS else 0 for r in range(ROWS_PER_HASH))
    f = tuple(1 if r < ROUNDS and is_full_round(r) else 0 for r in range(ROWS_PER_HASH))
    rc = tuple(
        tuple(ROUND_CONSTANTS[WIDTH * r + i] if r < ROUNDS else 0 for r in range(ROWS_PER_HASH))
        for i in range(WIDTH)
    )
    return (m, f, *rc)


PERIODIC_COLUMNS = _periodic_columns()


class PoseidonChainAir(Air):
    """``y = H^n(x)``: 12 columns, 12 degree-8 transitions, 16 assertions, inputs ``x ‖ y``."""

    air_id = POSEIDON_CHAIN_AIR_ID
    width = WIDTH

    def __init__(self, trace_length: int, public_inputs: Sequence[int]) -> None:
        super().__init__(trace_length, public_inputs)
        if trace_length < ROWS_PER_HASH:
            raise AirError(f"{self.air_id} needs at least {ROWS_PER_HASH} rows (one hash)")
        if len(self.public_inputs) != 2 * DIGEST:
            raise AirError(f"{self.air_id} takes 8 public inputs: x (4 elements), y (4 elements)")

    @property
    def x(self) -> tuple[int, ...]:
        return self.public_inputs[:DIGEST]

    @property
    def y(self) -> tuple[int, ...]:
        return self.public_inputs[DIGEST:]

    @property
    def hashes(self) -> int:
        """``n``, the length of the chain."""
        return self.trace_length // ROWS_PER_HASH

    def transition_degrees(self) -> tuple[int, ...]:
        return (TRANSITION_DEGREE,) * WIDTH

    def periodic_columns(self) -> tuple[tuple[int, ...], ...]:
        return PERIODIC_COLUMNS

    def assertions(self) -> tuple[Assertion, ...]:
        first = [Assertion(i, 0, self.x[i] if i < DIGEST else 0) for i in range(WIDTH)]
        last = self.trace_length - 1
        return (*first, *(Assertion(i, last, self.y[i]) for i in range(DIGEST)))

    def evaluate_transition(
        self, ops: FieldOps[T], current: Sequence[T], nxt: Sequence[T], periodic: Sequence[T]
    ) -> list[T]:
        m, f, rc = periodic[0], periodic[1], periodic[2:]
        one = ops.const(1)
        sboxed: list[T] = []
        for j in range(WIDTH):
            u = ops.add(current[j], rc[j])
            g = m if j == 0 else f
            s = ops.add(ops.mul(m, u), ops.mul(g, ops.sub(power(ops, u, SBOX_EXPONENT), u)))
            sboxed.append(s)
        not_m = ops.sub(one, m)
        out: list[T] = []
        for i in range(WIDTH):
            mixed = ops.const(0)
            for j in range(WIDTH):
                mixed = ops.add(mixed, ops.mul(ops.const(MDS_MATRIX[i][j]), sboxed[j]))
            kept = ops.mul(not_m, current[i]) if i < DIGEST else ops.const(0)
            out.append(ops.sub(ops.sub(nxt[i], mixed), kept))
        return out


def chain_hash(h: Sequence[int]) -> tuple[int, ...]:
    """``H(h) = permute(h ‖ 0^8)[0..4]`` (= ``poseidon(h ‖ 0000)``)."""
    return permute([*h, *([0] * (WIDTH - DIGEST))])[:DIGEST]


def chain_output(x: Sequence[int], hashes: int) -> tuple[int, ...]:
    """``y = H^n(x)`` computed directly (no trace)."""
    h = tuple(x)
    for _ in range(hashes):
        h = chain_hash(h)
    return h


def _round(state: Sequence[int], r: int) -> list[int]:
    """Poseidon round ``r`` (:func:`l2spec.spec.zk.poseidon.permute`'s loop body)."""
    s = [(x + ROUND_CONSTANTS[WIDTH * r + i]) % P for i, x in enumerate(state)]
    s = [pow(x, SBOX_EXPONENT, P) if (i == 0 or is_full_round(r)) else x for i, x in enumerate(s)]
    return [sum(a * b for a, b in zip(row, s, strict=True)) % P for row in MDS_MATRIX]


def chain_trace(x: Sequence[int], hashes: int) -> list[list[int]]:
    """The trace of ``hashes`` chained hashes from ``x`` (column-major, 12 × 32·hashes)."""
    if len(x) != DIGEST or any(not 0 <= v < P for v in x):
        raise AirError("x is 4 canonical field elements")
    rows: list[list[int]] = []
    h = list(x)
    for _ in range(hashes):
        state = [*h, *([0] * (WIDTH - DIGEST))]
        for r in range(ROUNDS):
            rows.append(state)
            state = _round(state, r)
        rows.append(state)
        h = state[:DIGEST]
        rows.append([*h, *([0] * (WIDTH - DIGEST))])
    return [[row[i] for row in rows] for i in range(WIDTH)]


def poseidon_chain_air(x: Sequence[int], hashes: int) -> PoseidonChainAir:
    """The statement ``y = H^hashes(x)`` with ``y`` computed directly."""
    return PoseidonChainAir(ROWS_PER_HASH * hashes, [*x, *chain_output(x, hashes)])


POSEIDON_CHAIN = AirDefinition(
    POSEIDON_CHAIN_AIR_ID, PoseidonChainAir, "y = H^n(x), H = Polygon Poseidon, 32 rows per hash"
)
"""The Poseidon-chain AIR family (for the verifier and the CLI)."""
