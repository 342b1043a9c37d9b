"""The single-step VM a fault dispute game runs at the bottom of its tree, and the AlphabetVM.

Upstream rule: ``specs/fault-proof/stage-one/fault-dispute-game.md`` §Virtual Machine (VM) and §Step, the
``IBigStepper`` interface (``src/dispute/interfaces/IBigStepper.sol``), and the test VM
``packages/contracts-bedrock/test/mocks/AlphabetVM.sol`` (contracts-bedrock v0.17.3).

A VM executes exactly one instruction: given the *pre-state* (the preimage of a 32-byte state
commitment), a *proof* (whatever extra witness the VM needs, e.g. memory proofs) and the *local
context* (the execution subgame's identity, which keys the preimage oracle's local data), it returns
the 32-byte commitment to the post-state. The highest byte of a commitment is the VM status
(:class:`VMStatus`); the game ignores it when comparing a pre-state preimage against a claim.

The game provides local data through the preimage oracle (``FaultDisputeGame.addLocalData``); here
it is the :class:`LocalContext` record passed to every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import DecodingError as AbiDecodingError

from l2spec.errors import DecodingError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import Hash32, hash32


class VMStatus(IntEnum):
    """``VMStatuses`` (``src/dispute/lib/Types.sol``): the status byte of a state commitment."""

    VALID = 0
    INVALID = 1
    PANIC = 2
    UNFINISHED = 3


class LocalPreimageKey(IntEnum):
    """``LocalPreimageKey`` (``src/dispute/lib/Types.sol``): idents of the game's local data."""

    L1_HEAD_HASH = 1
    STARTING_OUTPUT_ROOT = 2
    DISPUTED_OUTPUT_ROOT = 3
    DISPUTED_L2_BLOCK_NUMBER = 4
    CHAIN_ID = 5


@dataclass(frozen=True)
class LocalContext:
    """The local data of one execution-trace subgame (``FaultDisputeGame.addLocalData``).

    ``uuid`` is the subgame's local context hash (``_computeLocalContext``); the other fields are
    the values the game loads into the preimage oracle under that context.
    """

    uuid: Hash32
    l1_head: Hash32
    starting_output_root: Hash32
    disputed_output_root: Hash32
    disputed_l2_block_number: int
    l2_chain_id: int


class VM(Protocol):
    """``IBigStepper``: execute one instruction and commit to the post-state."""

    def step(self, state_data: bytes, proof: bytes, context: LocalContext) -> Hash32:
        """Return the post-state commitment of one step from the pre-state ``state_data``."""
        ...


def with_status(commitment: bytes, status: VMStatus) -> Hash32:
    """Replace the highest byte of a 32-byte commitment with a VM status byte."""
    return hash32(bytes([status]) + commitment[1:])


def same_state(state_data: bytes, claim: bytes) -> bool:
    """Whether ``keccak256(state_data)`` equals ``claim`` ignoring the status byte (``<< 8``)."""
    return keccak256(state_data)[1:] == claim[1:]


INSTRUCTIONS_PER_BLOCK_SHIFT = 4
"""AlphabetVM: each L2 block's trace starts at ``(block - 1) << 4`` (16 instructions per block)."""


@dataclass(frozen=True)
class AlphabetVM:
    """The contracts-bedrock test VM, whose state is a pair ``(trace_index, claim)``.

    From ``test/mocks/AlphabetVM.sol``:

    - If ``keccak256(state_data)`` matches the absolute prestate (status byte ignored), the
      pre-state is the ABI word ``claim0`` and the step starts the trace of the disputed block: the
      oracle's local ``DISPUTED_L2_BLOCK_NUMBER`` part is read, its low 32 bits ``n`` give
      ``trace_index = (n - 1) << 4`` and the post-state values are ``(trace_index, claim0 +
      trace_index)``.
    - Otherwise the pre-state is ``abi.encode(trace_index, claim)`` and the post-state values are
      ``(trace_index + 1, claim + 1)``.

    The post-state commitment is ``keccak256(abi.encode(trace_index, claim))`` with its highest byte
    set to ``VMStatus.INVALID`` (1), as the mock always does. Arithmetic wraps modulo ``2**256``
    as the mock's ``uint256`` (the mock is compiled with checked arithmetic, so an overflow would
    revert there; that raises :class:`~l2spec.errors.DecodingError` here).
    """

    absolute_prestate: Hash32

    def step(self, state_data: bytes, proof: bytes, context: LocalContext) -> Hash32:
        """One AlphabetVM step; malformed ``state_data`` raises ``DecodingError``."""
        del proof  # the AlphabetVM needs no witness
        if same_state(state_data, self.absolute_prestate):
            (claim0,) = _decode(("uint256",), state_data)
            # The oracle part at offset 0 is 8 bytes of length (8) then the big-endian uint64
            # block number; the mock takes bits [128, 160) of that word: the number's low 32 bits.
            block = context.disputed_l2_block_number & 0xFFFFFFFF
            if block == 0:
                raise DecodingError("AlphabetVM: disputed L2 block number 0 underflows")
            trace_index = (block - 1) << INSTRUCTIONS_PER_BLOCK_SHIFT
            claim = claim0 + trace_index
        else:
            trace_index, claim = _decode(("uint256", "uint256"), state_data)
            trace_index, claim = trace_index + 1, claim + 1
        if trace_index >= 2**256 or claim >= 2**256:
            raise DecodingError("AlphabetVM: uint256 overflow")
        return with_status(
            keccak256(abi_encode(["uint256", "uint256"], [trace_index, claim])), VMStatus.INVALID
        )


def alphabet_state(trace_index: int, claim: int) -> bytes:
    """The AlphabetVM state preimage ``abi.encode(trace_index, claim)``."""
    return abi_encode(["uint256", "uint256"], [trace_index, claim])


def _decode(types: tuple[str, ...], data: bytes) -> tuple[int, ...]:
    try:
        values = abi_decode(list(types), data, strict=False)
    except (AbiDecodingError, ValueError, TypeError, OverflowError) as exc:
        raise DecodingError(f"AlphabetVM state data is not abi.encode{types}: {exc}") from exc
    return tuple(int(v) for v in values)
