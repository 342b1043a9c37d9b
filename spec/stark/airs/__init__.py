"""The AIRs the l2spec STARK ships with, by id (for the verifier and the ``prove``/``verify`` CLI).

- ``fib-small`` (:mod:`.fib`): winterfell's Fibonacci benchmark shape.
- ``poseidon-chain`` (:mod:`.poseidon_chain`): ``y = H^n(x)`` with Polygon's Poseidon.
"""

from __future__ import annotations

from l2spec.spec.stark.air import AirDefinition, AirError
from l2spec.spec.stark.airs.fib import FIB
from l2spec.spec.stark.airs.poseidon_chain import POSEIDON_CHAIN

AIRS: dict[str, AirDefinition] = {d.air_id: d for d in (FIB, POSEIDON_CHAIN)}
"""Every known AIR family by its id."""


def air_definition(air_id: str) -> AirDefinition:
    """The AIR family with this id (an unknown id is an :class:`AirError`)."""
    try:
        return AIRS[air_id]
    except KeyError:
        raise AirError(f"unknown AIR id {air_id!r} (known: {', '.join(sorted(AIRS))})") from None
