"""Fibonacci AIR with the exact shape of winterfell's ``fib-small`` example.

winterfell ``examples/src/fibonacci/fib_small`` (``air.rs``): two columns ``s0, s1``, every row
advances the sequence by two terms,

    s0' = s0 + s1            (transition 0, degree 1)
    s1' = s1 + s0'           (transition 1, degree 1; = s0 + 2·s1)

with the assertions ``s0[0] = 1``, ``s1[0] = 1`` and ``s1[N − 1] = result``. Row ``i`` holds
``(F(2i + 1), F(2i + 2))`` (``F(1) = F(2) = 1``), so ``result = F(2N) mod p``; it is the one public
input. This AIR is the project's benchmark shape (design stark.md §3).
"""

from __future__ import annotations

from collections.abc import Sequence

from l2spec.spec.stark.air import Air, AirDefinition, AirError, Assertion, FieldOps, T
from l2spec.spec.stark.field import P

FIB_AIR_ID = "fib-small"
"""The AIR id written in proofs (winterfell's example name)."""


class FibAir(Air):
    """``fib-small``: 2 columns, 2 degree-1 transitions, 3 assertions; public input ``[result]``."""

    air_id = FIB_AIR_ID
    width = 2

    def __init__(self, trace_length: int, public_inputs: Sequence[int]) -> None:
        super().__init__(trace_length, public_inputs)
        if len(self.public_inputs) != 1:
            raise AirError(f"{FIB_AIR_ID} takes one public input (the result)")

    @property
    def result(self) -> int:
        """The claimed ``s1[N − 1]``."""
        return self.public_inputs[0]

    def transition_degrees(self) -> tuple[int, ...]:
        return (1, 1)

    def assertions(self) -> tuple[Assertion, ...]:
        return (
            Assertion(column=0, row=0, value=1),
            Assertion(column=1, row=0, value=1),
            Assertion(column=1, row=self.trace_length - 1, value=self.result),
        )

    def evaluate_transition(
        self, ops: FieldOps[T], current: Sequence[T], nxt: Sequence[T], periodic: Sequence[T]
    ) -> list[T]:
        s0, s1 = current[0], current[1]
        n0, n1 = nxt[0], nxt[1]
        return [ops.sub(n0, ops.add(s0, s1)), ops.sub(n1, ops.add(s1, n0))]


def fib_trace(n_rows: int) -> list[list[int]]:
    """The ``fib-small`` trace of ``n_rows`` rows, column-major ``[s0, s1]``."""
    s0, s1 = [1], [1]
    for _ in range(n_rows - 1):
        a = (s0[-1] + s1[-1]) % P
        s0.append(a)
        s1.append((s1[-1] + a) % P)
    return [s0, s1]


def fib_air(n_rows: int) -> FibAir:
    """The statement for a trace of ``n_rows`` rows, its result computed from the trace."""
    return FibAir(n_rows, [fib_trace(n_rows)[1][-1]])


FIB = AirDefinition(FIB_AIR_ID, FibAir, "winterfell fib-small: 2 columns, s1[N−1] = F(2N)")
"""The fib-small AIR family (for the verifier and the CLI)."""
