"""The AIR: the statement a STARK proves, as polynomial constraints over an execution trace.

An *Algebraic Intermediate Representation* (ethSTARK, eprint 2021/582, §2; winterfell ``air``
crate, ``Air`` trait) describes a computation as

- a **trace** of ``W`` columns and ``N = 2^n ≥ 8`` rows over the base field (contract §Domains);
- **transition constraints** ``T_t(current row, next row, periodic values) = 0`` that must hold
  for every pair of consecutive rows except the last pair that wraps around (row ``N − 1`` has no
  successor; contract §Protocol step 2: ``Z_T(x) = (x^N − 1) / (x − ω_N^(N−1))``), each with a
  **declared degree**: the degree of ``T_t`` when every trace and periodic value counts 1;
- **boundary assertions** ``column c at row r equals v``;
- **periodic columns**: fixed values repeating with a power-of-two cycle (round constants,
  selectors), known to prover and verifier alike (winterfell ``get_periodic_column_values``);
- **public inputs**: base elements that fix the statement (and the assertions' values).

A transition is written once over an abstract field (:class:`FieldOps`) so the same code runs over
the base field (checking a trace, evaluating on the LDE domain) and over the cubic extension
(the verifier's out-of-domain check at ``z``).

An :class:`Air` instance is one statement: its ``trace_length`` and ``public_inputs`` are fixed.
The verifier builds it from a proof's header with an :class:`AirDefinition` (``build(N, inputs)``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.extension import Ext, ext_add, ext_embed, ext_mul, ext_sub
from l2spec.spec.stark.field import P, log2_exact

T = TypeVar("T")

MIN_TRACE_LENGTH = 8
"""Contract §Domains: ``N = 2^n ≥ 8``."""


class AirError(StarkError):
    """An AIR used outside its rules: a bad trace shape, wrong public inputs, a bad declaration."""


# --- abstract field arithmetic -----------------------------------------------------------------


class FieldOps(Protocol[T]):
    """The four operations a transition needs, over base elements or extension elements."""

    def const(self, c: int) -> T:
        """The base constant ``c`` (taken mod ``p``) as an element of this field."""
        ...

    def add(self, a: T, b: T) -> T: ...

    def sub(self, a: T, b: T) -> T: ...

    def mul(self, a: T, b: T) -> T: ...


class BaseOps:
    """:class:`FieldOps` over Goldilocks (Python ``int`` in ``[0, p)``)."""

    def const(self, c: int) -> int:
        return c % P

    def add(self, a: int, b: int) -> int:
        return (a + b) % P

    def sub(self, a: int, b: int) -> int:
        return (a - b) % P

    def mul(self, a: int, b: int) -> int:
        return a * b % P


class ExtOps:
    """:class:`FieldOps` over the cubic extension ``E`` (contract §Arithmetic)."""

    def const(self, c: int) -> Ext:
        return ext_embed(c)

    def add(self, a: Ext, b: Ext) -> Ext:
        return ext_add(a, b)

    def sub(self, a: Ext, b: Ext) -> Ext:
        return ext_sub(a, b)

    def mul(self, a: Ext, b: Ext) -> Ext:
        return ext_mul(a, b)


BASE_OPS = BaseOps()
EXT_OPS = ExtOps()


def power(ops: FieldOps[T], a: T, e: int) -> T:
    """``a^e`` (``e ≥ 1``) with only :class:`FieldOps` multiplications (square and multiply)."""
    result = a
    for bit in bin(e)[3:]:
        result = ops.mul(result, result)
        if bit == "1":
            result = ops.mul(result, a)
    return result


# --- the AIR ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assertion:
    """Boundary assertion: the trace value in ``column`` at ``row`` equals ``value``."""

    column: int
    row: int
    value: int


class Air(ABC):
    """One statement: an AIR with a fixed trace length and public inputs.

    Subclasses set :attr:`air_id`, :attr:`width`, and implement :meth:`transition_degrees`,
    :meth:`periodic_columns`, :meth:`assertions` and :meth:`evaluate_transition`.
    """

    air_id: str = ""
    """The AIR's name, absorbed into the transcript and written in the proof (contract §Transcript)."""

    width: int = 0
    """``W``, the number of trace columns."""

    def __init__(self, trace_length: int, public_inputs: Sequence[int]) -> None:
        check_trace_length(trace_length)
        self.trace_length = trace_length
        self.public_inputs: tuple[int, ...] = tuple(public_inputs)
        for x in self.public_inputs:
            if not 0 <= x < P:
                raise AirError(f"public input {x} is not a canonical field element")

    @abstractmethod
    def transition_degrees(self) -> tuple[int, ...]:
        """The declared degree of each transition constraint, in AIR order.

        A trace value and a periodic value each count 1 (a periodic column has degree < N in
        ``x``, like a trace column), so ``d·(N − 1)`` bounds the constraint's degree in ``x``.
        """

    def periodic_columns(self) -> tuple[tuple[int, ...], ...]:
        """Each periodic column's values over one cycle (the cycle length is a power of two)."""
        return ()

    @abstractmethod
    def assertions(self) -> tuple[Assertion, ...]:
        """The boundary assertions, in AIR order."""

    @abstractmethod
    def evaluate_transition(
        self, ops: FieldOps[T], current: Sequence[T], nxt: Sequence[T], periodic: Sequence[T]
    ) -> list[T]:
        """The value of every transition constraint (zero when the step is valid), in AIR order."""

    # -- derived facts ----------------------------------------------------------------------

    def max_degree(self) -> int:
        """``d``: the largest declared transition degree (1 for an AIR without transitions)."""
        return max(self.transition_degrees(), default=1)

    def num_chunks(self) -> int:
        """``K = max(d − 1, 1)``: the composition polynomial's chunks of degree < N (contract §2)."""
        return max(self.max_degree() - 1, 1)

    def num_constraints(self) -> int:
        """Transition constraints plus boundary assertions (one composition coefficient each)."""
        return len(self.transition_degrees()) + len(self.assertions())


def check_trace_length(n: int) -> int:
    """``log2(N)`` after checking ``N`` is a power of two ``≥ 8`` (contract §Domains)."""
    if n < MIN_TRACE_LENGTH:
        raise AirError(f"the trace has {n} rows, at least {MIN_TRACE_LENGTH} are needed")
    try:
        return log2_exact(n)
    except StarkError as exc:
        raise AirError(f"the trace length {n} is not a power of two") from exc


def periodic_values_at_row(air: Air, row: int) -> list[int]:
    """The periodic columns' values at trace row ``row`` (the cycle repeats)."""
    return [column[row % len(column)] for column in air.periodic_columns()]


def check_declaration(air: Air) -> None:
    """The AIR's declarations are usable: degrees ≥ 1, assertions and cycles in range."""
    n = air.trace_length
    if air.width < 1:
        raise AirError(f"{air.air_id}: an AIR needs at least one column")
    if any(d < 1 for d in air.transition_degrees()):
        raise AirError(f"{air.air_id}: declared transition degrees must be at least 1")
    for a in air.assertions():
        if not (0 <= a.column < air.width and 0 <= a.row < n and 0 <= a.value < P):
            raise AirError(f"{air.air_id}: assertion out of range: {a}")
    for column in air.periodic_columns():
        cycle = len(column)
        if cycle < 1 or cycle & (cycle - 1) or cycle > n:
            raise AirError(f"{air.air_id}: a periodic cycle of {cycle} is not a power of two ≤ N")


def check_trace(air: Air, trace: Sequence[Sequence[int]]) -> None:
    """Raise :class:`AirError` unless ``trace`` (column-major) satisfies every constraint of ``air``.

    The prover calls this first: a STARK for a false statement cannot be produced, and an honest
    prover should say so instead of emitting a proof that fails to verify.
    """
    n = air.trace_length
    if len(trace) != air.width or any(len(col) != n for col in trace):
        raise AirError(f"{air.air_id}: the trace must be {air.width} columns of {n} rows")
    for col in trace:
        for v in col:
            if not 0 <= v < P:
                raise AirError(f"{air.air_id}: trace value {v} is not a canonical field element")
    for a in air.assertions():
        if trace[a.column][a.row] != a.value:
            raise AirError(f"{air.air_id}: assertion fails: {a}")
    for i in range(n - 1):
        current = [col[i] for col in trace]
        nxt = [col[i + 1] for col in trace]
        values = air.evaluate_transition(BASE_OPS, current, nxt, periodic_values_at_row(air, i))
        for t, v in enumerate(values):
            if v != 0:
                raise AirError(f"{air.air_id}: transition constraint {t} fails at row {i}")


@dataclass(frozen=True)
class AirDefinition:
    """An AIR family, by its id: ``build(N, public_inputs)`` gives the statement's :class:`Air`.

    The verifier reads ``N`` and the public inputs from a proof and builds the statement with this;
    ``build`` raises :class:`AirError` when they do not fit the AIR (a wrong count, a bad length).
    """

    air_id: str
    build: Callable[[int, Sequence[int]], Air]
    description: str = ""


__all__ = [
    "BASE_OPS",
    "EXT_OPS",
    "MIN_TRACE_LENGTH",
    "Air",
    "AirDefinition",
    "AirError",
    "Assertion",
    "BaseOps",
    "ExtOps",
    "FieldOps",
    "check_declaration",
    "check_trace",
    "check_trace_length",
    "periodic_values_at_row",
    "power",
]
