"""Withdrawals: messages from L2 to L1, committed in the ``L2ToL1MessagePasser``'s storage.

``specs/protocol/withdrawals.md``: a withdrawal is initiated on L2 by calling
``L2ToL1MessagePasser.initiateWithdrawal(target, gasLimit, data)`` (with ETH as ``msg.value``). The
message passer hashes the withdrawal (§Withdrawal Initiating; ``Hashing.hashWithdrawal``)::

    withdrawal_hash = keccak256(abi.encode(nonce, sender, target, value, gasLimit, data))

sets ``sentMessages[withdrawal_hash] = true`` and emits ``MessagePassed``. On L1 the portal accepts
the withdrawal given a storage proof that this mapping entry is 1 in the message passer's storage
trie, whose root is part of an output root (§Withdrawal Verification and Finalization; see
:mod:`l2spec.spec.optimistic.outputs` and :mod:`l2spec.spec.optimistic.portal`).

The nonce carries a version in its top two bytes (``Encoding.encodeVersionedNonce``); the message
passer writes version 1 (``L2ToL1MessagePasser.MESSAGE_VERSION``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from l2spec.errors import DecodingError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.l1 import Log
from l2spec.spec.common.trie import InvalidProofError, prove_key, verify_proof
from l2spec.spec.common.types import (
    U256_MAX,
    Address,
    Hash32,
    address,
    bytes_to_uint,
    uint256_to_bytes,
)
from l2spec.spec.optimistic.outputs import L2_TO_L1_MESSAGE_PASSER

MESSAGE_VERSION = 1
"""The nonce version the message passer writes (``L2ToL1MessagePasser.MESSAGE_VERSION``)."""

SENT_MESSAGES_SLOT = 0
"""Storage slot of the ``sentMessages`` mapping (the contract's storage layout, slot 0)."""

MESSAGE_PASSED_TOPIC = keccak256(
    b"MessagePassed(uint256,address,address,uint256,uint256,bytes,bytes32)"
)
"""``topic0`` of ``MessagePassed(uint256 indexed nonce, address indexed sender, address indexed
target, uint256 value, uint256 gasLimit, bytes data, bytes32 withdrawalHash)``."""

_NONCE_BITS = 240


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawal transaction (``Types.WithdrawalTransaction``)."""

    nonce: int
    sender: Address
    target: Address
    value: int
    gas_limit: int
    data: bytes


def encode_versioned_nonce(nonce: int, version: int) -> int:
    """``version << 240 | nonce`` (``Encoding.encodeVersionedNonce``): a 240-bit nonce and a
    16-bit version."""
    if not 0 <= nonce < 1 << _NONCE_BITS:
        raise DecodingError(f"a withdrawal nonce is 240 bits: {nonce}")
    if not 0 <= version < 1 << 16:
        raise DecodingError(f"a nonce version is 16 bits: {version}")
    return (version << _NONCE_BITS) | nonce


def decode_versioned_nonce(versioned: int) -> tuple[int, int]:
    """``(nonce, version)`` of a versioned nonce (``Encoding.decodeVersionedNonce``)."""
    if not 0 <= versioned <= U256_MAX:
        raise DecodingError(f"a versioned nonce is a uint256: {versioned}")
    return versioned & ((1 << _NONCE_BITS) - 1), versioned >> _NONCE_BITS


def _abi_word_address(a: Address) -> bytes:
    word: bytes = bytes(12) + a
    return word


def _abi_tail_bytes(data: bytes) -> bytes:
    """The tail of a dynamic ``bytes`` value: its length, then the bytes right-padded to words."""
    padding = (-len(data)) % 32
    tail: bytes = uint256_to_bytes(len(data)) + data + bytes(padding)
    return tail


def encode_withdrawal(w: Withdrawal) -> bytes:
    """``abi.encode(nonce, sender, target, value, gasLimit, data)``: five head words, the offset of
    ``data`` (six words = 0xc0), then ``data``'s tail (Solidity ABI specification, §Formal
    Specification of the Encoding)."""
    if len(w.sender) != 20 or len(w.target) != 20:
        raise DecodingError("withdrawal sender and target are 20-byte addresses")
    head = (
        uint256_to_bytes(w.nonce)
        + _abi_word_address(w.sender)
        + _abi_word_address(w.target)
        + uint256_to_bytes(w.value)
        + uint256_to_bytes(w.gas_limit)
        + uint256_to_bytes(6 * 32)
    )
    encoded: bytes = head + _abi_tail_bytes(w.data)
    return encoded


def withdrawal_hash(w: Withdrawal) -> Hash32:
    """``Hashing.hashWithdrawal``: keccak256 of :func:`encode_withdrawal`."""
    return keccak256(encode_withdrawal(w))


def sent_messages_slot(w_hash: Hash32) -> int:
    """The storage slot of ``sentMessages[w_hash]``: ``keccak256(w_hash ‖ uint256(0))`` (Solidity
    mapping layout; the same key the portal computes in ``proveWithdrawalTransaction``)."""
    if len(w_hash) != 32:
        raise DecodingError("a withdrawal hash is 32 bytes")
    slot: int = bytes_to_uint(keccak256(w_hash + uint256_to_bytes(SENT_MESSAGES_SLOT)))
    return slot


def _read_word(data: bytes, offset: int) -> int:
    if offset + 32 > len(data):
        raise DecodingError("MessagePassed data: runs out of words")
    word: int = bytes_to_uint(data[offset : offset + 32])
    return word


def _topic_address(topic: bytes) -> Address:
    if len(topic) != 32 or topic[:12] != bytes(12):
        raise DecodingError("MessagePassed: an address topic has non-zero high bytes")
    return address(topic[12:])


def decode_message_passed_log(
    log: Log, message_passer: Address | None = L2_TO_L1_MESSAGE_PASSER
) -> Withdrawal:
    """The withdrawal a ``MessagePassed`` log announces.

    Indexed: ``nonce``, ``sender``, ``target`` (topics 1-3). Data: ``abi.encode(value, gasLimit,
    data, withdrawalHash)``. The log must come from ``message_passer`` (unless ``None``), have the
    event's topic and shape, a canonical ABI encoding, and a ``withdrawalHash`` equal to the hash of
    the fields; anything else is a :class:`~l2spec.errors.DecodingError`.
    """
    if message_passer is not None and log.address != message_passer:
        raise DecodingError("MessagePassed: log is not from the message passer")
    if len(log.topics) != 4 or log.topics[0] != MESSAGE_PASSED_TOPIC:
        raise DecodingError("MessagePassed: wrong topics")
    data = bytes(log.data)
    value, gas_limit, offset = _read_word(data, 0), _read_word(data, 32), _read_word(data, 64)
    stated_hash = data[96:128]
    if offset != 4 * 32:
        raise DecodingError("MessagePassed data: non-canonical offset of the bytes field")
    length = _read_word(data, 128)
    end = 160 + length + (-length) % 32
    if end != len(data):
        raise DecodingError("MessagePassed data: wrong length")
    if any(data[160 + length : end]):
        raise DecodingError("MessagePassed data: non-zero padding")
    if len(log.topics[1]) != 32:
        raise DecodingError("MessagePassed: a topic is 32 bytes")
    withdrawal = Withdrawal(
        nonce=bytes_to_uint(log.topics[1]),
        sender=_topic_address(log.topics[2]),
        target=_topic_address(log.topics[3]),
        value=value,
        gas_limit=gas_limit,
        data=data[160 : 160 + length],
    )
    if withdrawal_hash(withdrawal) != stated_hash:
        raise DecodingError("MessagePassed: withdrawalHash does not match the fields")
    return withdrawal


def message_passed_log(w: Withdrawal, message_passer: Address = L2_TO_L1_MESSAGE_PASSER) -> Log:
    """The ``MessagePassed`` log the message passer emits for ``w`` (inverse of the decoder)."""
    data = (
        uint256_to_bytes(w.value)
        + uint256_to_bytes(w.gas_limit)
        + uint256_to_bytes(4 * 32)
        + withdrawal_hash(w)
        + _abi_tail_bytes(w.data)
    )
    topics = (
        MESSAGE_PASSED_TOPIC,
        Hash32(uint256_to_bytes(w.nonce)),
        Hash32(_abi_word_address(w.sender)),
        Hash32(_abi_word_address(w.target)),
    )
    return Log(message_passer, topics, data)


@dataclass(frozen=True)
class WithdrawalProof:
    """The storage proof of ``sentMessages[withdrawal_hash]`` in the message passer's storage
    trie: the RLP-encoded trie nodes (``_withdrawalProof`` of ``proveWithdrawalTransaction``)."""

    nodes: tuple[bytes, ...]


def prove_withdrawal(
    db: Mapping[bytes, bytes], message_passer_storage_root: Hash32, w_hash: Hash32
) -> WithdrawalProof:
    """The storage proof of ``sentMessages[w_hash]`` under ``message_passer_storage_root``."""
    nodes, _ = prove_key(db, message_passer_storage_root, _storage_trie_key(w_hash))
    return WithdrawalProof(nodes)


def _storage_trie_key(w_hash: Hash32) -> bytes:
    # SecureMerkleTrie hashes its key: keccak256(abi.encode(storageKey)).
    key: bytes = keccak256(uint256_to_bytes(sent_messages_slot(w_hash)))
    return key


def verify_withdrawal_proof(
    message_passer_storage_root: Hash32, w_hash: Hash32, proof: WithdrawalProof
) -> bool:
    """Whether ``proof`` shows ``sentMessages[w_hash]`` holding exactly ``rlp(1) = 0x01`` under
    ``message_passer_storage_root``: ``SecureMerkleTrie.verifyInclusionProof(abi.encode(slot),
    hex"01", proof, root)``. A malformed proof, a proof of absence or of another value are all
    ``False`` (the contract reverts or returns false; either way the withdrawal is not proven)."""
    try:
        value = verify_proof(message_passer_storage_root, _storage_trie_key(w_hash), proof.nodes)
    except InvalidProofError:
        return False
    proven: bool = value == b"\x01"
    return proven
