"""L2 output roots: the commitment to an L2 block that L1 checks withdrawals against.

``specs/protocol/proposals.md`` §L2 Output Commitment Construction: version 0 of the output root is

    output_root = keccak256(version ‖ state_root ‖ message_passer_storage_root ‖ block_hash)

with every part a 32-byte word and ``version`` the zero word. This is what the contracts compute as
``Hashing.hashOutputRootProof(Types.OutputRootProof)`` (``keccak256(abi.encode(version, stateRoot,
messagePasserStorageRoot, latestBlockhash))``; ``abi.encode`` of four ``bytes32`` is their
concatenation) and op-node as ``eth.OutputV0`` (``op-service/eth/output.go``). The message passer's
storage root is lifted out of the state so that a withdrawal can be proven with a storage proof
alone (``specs/protocol/withdrawals.md`` §Withdrawal Verification and Finalization).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from l2spec.errors import DecodingError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.trie import EMPTY_TRIE_ROOT, prove_account
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, address, hash32

OUTPUT_VERSION_V0 = ZERO_HASH
"""The only output root version so far (``proposals.md``): the zero word."""

L2_TO_L1_MESSAGE_PASSER = address("0x4200000000000000000000000000000000000016")
"""The ``L2ToL1MessagePasser`` predeploy (``specs/protocol/predeploys.md``; ``Predeploys.sol``)."""


@dataclass(frozen=True)
class OutputRootProof:
    """The preimage of an output root (``Types.OutputRootProof``)."""

    version: Hash32
    state_root: Hash32
    message_passer_storage_root: Hash32
    latest_block_hash: Hash32


def encode_output_root_proof(proof: OutputRootProof) -> bytes:
    """The 128 bytes that are hashed: the four words in order (``abi.encode`` of four bytes32)."""
    parts = (
        proof.version,
        proof.state_root,
        proof.message_passer_storage_root,
        proof.latest_block_hash,
    )
    for part in parts:
        if len(part) != 32:
            raise DecodingError(f"an output root proof field is 32 bytes, got {len(part)}")
    return b"".join(parts)


def decode_output_root_proof(data: bytes) -> OutputRootProof:
    """Inverse of :func:`encode_output_root_proof`: exactly 128 bytes."""
    if len(data) != 128:
        raise DecodingError(f"an output root proof is 128 bytes, got {len(data)}")
    words = [hash32(data[i : i + 32]) for i in range(0, 128, 32)]
    return OutputRootProof(*words)


def output_root(proof: OutputRootProof) -> Hash32:
    """The output root committed to by ``proof`` (``Hashing.hashOutputRootProof``)."""
    return keccak256(encode_output_root_proof(proof))


def output_root_proof_v0(
    state_root: Hash32, message_passer_storage_root: Hash32, block_hash: Hash32
) -> OutputRootProof:
    """A version-0 output root proof of an L2 block."""
    return OutputRootProof(OUTPUT_VERSION_V0, state_root, message_passer_storage_root, block_hash)


def message_passer_storage_root(
    db: Mapping[bytes, bytes],
    state_root: Hash32,
    message_passer: Address = L2_TO_L1_MESSAGE_PASSER,
) -> Hash32:
    """The storage root of the message passer account in the state ``state_root`` (held in
    ``db``); the empty trie root if the account does not exist."""
    account = prove_account(db, state_root, message_passer).account
    return account.storage_root if account is not None else EMPTY_TRIE_ROOT


def output_root_proof_from_state(
    db: Mapping[bytes, bytes],
    state_root: Hash32,
    block_hash: Hash32,
    message_passer: Address = L2_TO_L1_MESSAGE_PASSER,
) -> OutputRootProof:
    """The version-0 output root proof of the L2 block ``block_hash`` whose post-state is
    ``state_root`` (what op-node's ``optimism_outputAtBlock`` returns)."""
    return output_root_proof_v0(
        state_root, message_passer_storage_root(db, state_root, message_passer), block_hash
    )
