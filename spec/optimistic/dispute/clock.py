"""Chess clocks of the fault dispute game, packed as ``LibClock`` packs them.

Upstream rule: ``specs/fault-proof/stage-one/fault-dispute-game.md`` §Game Clock, and
``packages/contracts-bedrock/src/dispute/lib/LibUDT.sol`` ``LibClock`` (contracts-bedrock v0.17.3).

Every claim carries a clock: the *duration* (seconds) already consumed by the team that made the
claim, and the *timestamp* at which the claim was made. Both are ``uint64``; the contract packs them
into one ``uint128``::

    bits [64, 128): duration      bits [0, 64): timestamp

When a claim is countered, the new claim's clock inherits the duration of its *grandparent* (the
same team's previous clock) plus the time the team took to answer (see
``FaultDisputeGame.getChallengerDuration``).
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.errors import DecodingError, L2SpecError
from l2spec.spec.common.types import U64_MAX


@dataclass(frozen=True)
class Clock:
    """A claim's chess clock: seconds consumed by its team, and when the claim was made."""

    duration: int
    timestamp: int

    def __post_init__(self) -> None:
        for name, value in (("duration", self.duration), ("timestamp", self.timestamp)):
            if not 0 <= value <= U64_MAX:
                raise L2SpecError(f"clock {name} is not a uint64: {value}")


def pack(clock: Clock) -> int:
    """``LibClock.wrap``: ``duration << 64 | timestamp`` as a ``uint128``."""
    return (clock.duration << 64) | clock.timestamp


def unpack(raw: int) -> Clock:
    """``LibClock.duration`` / ``LibClock.timestamp`` of a packed ``uint128`` clock."""
    if not 0 <= raw < 2**128:
        raise DecodingError(f"a packed clock is a uint128: {raw}")
    return Clock(duration=raw >> 64, timestamp=raw & U64_MAX)
