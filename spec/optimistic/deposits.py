"""Deposited transactions: L1-initiated transactions executed on L2.

Upstream rules:

- ``specs/protocol/deposits.md`` §The Deposited Transaction Type (the ``0x7E`` EIP-2718 type and its
  RLP fields), §Source hash computation, §User-Deposited Transactions, §Address Aliasing;
- ``op-node/rollup/derive/deposit_source.go`` (the four source-hash domains);
- ``op-node/rollup/derive/deposit_log.go`` (``UnmarshalDepositLogEvent``: how the rollup node reads
  a ``TransactionDeposited`` log, version 0) and ``deposits.go`` (``UserDeposits``: which logs of an
  L1 block are deposits);
- ``packages/contracts-bedrock/src/L1/OptimismPortal.sol`` ``_depositTransaction`` (what the L1
  deposit contract emits: ``opaqueData = abi.encodePacked(mint, value, gasLimit, isCreation,
  data)``) and ``src/vendor/AddressAliasHelper.sol``.

Everything here is pure: bytes and records in, bytes and records out. Executing a deposit on L2 is
:mod:`l2spec.spec.common.evm`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from l2spec.errors import DecodingError
from l2spec.spec.common import rlp
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.l1 import L1Block, Log
from l2spec.spec.common.types import (
    U64_MAX,
    U256_MAX,
    Address,
    Hash32,
    address,
    bytes_to_uint,
    hash32,
    uint256_to_bytes,
)

# --------------------------------------------------------------------------------------------
# Source hashes (deposits.md §Source hash computation; deposit_source.go)
# --------------------------------------------------------------------------------------------


class SourceHashDomain(IntEnum):
    """The domain separating the kinds of deposit origins (``deposit_source.go``)."""

    USER_DEPOSIT = 0
    L1_INFO_DEPOSIT = 1
    UPGRADE_DEPOSIT = 2
    AFTER_FORCE_INCLUDE = 3


def deposit_source_hash(domain: SourceHashDomain, inner: Hash32) -> Hash32:
    """``keccak256(bytes32(uint256(domain)) ‖ inner)``: the outer hash of every source hash."""
    return keccak256(uint256_to_bytes(int(domain)) + inner)


def user_deposit_source_hash(l1_block_hash: Hash32, log_index: int) -> Hash32:
    """Domain 0: ``keccak256(l1BlockHash ‖ uint256(l1LogIndex))`` inside, where ``log_index`` is the
    deposit event's index in the combined list of log events of the L1 block."""
    inner = keccak256(hash32(l1_block_hash) + uint256_to_bytes(log_index))
    return deposit_source_hash(SourceHashDomain.USER_DEPOSIT, inner)


def l1_info_deposit_source_hash(l1_block_hash: Hash32, seq_number: int) -> Hash32:
    """Domain 1: the L1 attributes deposit of the L2 block ``seq_number`` blocks into the epoch
    whose L1 origin is ``l1_block_hash``."""
    inner = keccak256(hash32(l1_block_hash) + uint256_to_bytes(seq_number))
    return deposit_source_hash(SourceHashDomain.L1_INFO_DEPOSIT, inner)


def upgrade_deposit_source_hash(intent: str) -> Hash32:
    """Domain 2: ``keccak256(intent)`` inside, ``intent`` a UTF-8 string naming the upgrade step."""
    return deposit_source_hash(SourceHashDomain.UPGRADE_DEPOSIT, keccak256(intent.encode("utf-8")))


def after_force_include_source_hash(l1_block_hash: Hash32, seq_number: int) -> Hash32:
    """Domain 3 (``AfterForceIncludeSource``): same inner layout as domain 1."""
    inner = keccak256(hash32(l1_block_hash) + uint256_to_bytes(seq_number))
    return deposit_source_hash(SourceHashDomain.AFTER_FORCE_INCLUDE, inner)


# --------------------------------------------------------------------------------------------
# Address aliasing (deposits.md §Address Aliasing; AddressAliasHelper.sol)
# --------------------------------------------------------------------------------------------

ALIAS_OFFSET = 0x1111000000000000000000000000000000001111
"""Added (``unchecked``, modulo 2**160) to an L1 contract's address to get its L2 alias."""

_ADDRESS_MODULUS = 1 << 160


def apply_l1_to_l2_alias(l1_address: Address) -> Address:
    """The L2 sender of a deposit made by the L1 *contract* ``l1_address``."""
    value = (bytes_to_uint(address(l1_address)) + ALIAS_OFFSET) % _ADDRESS_MODULUS
    return Address(value.to_bytes(20, "big"))


def undo_l1_to_l2_alias(l2_address: Address) -> Address:
    """The inverse of :func:`apply_l1_to_l2_alias` (``undoL1ToL2Alias``)."""
    value = (bytes_to_uint(address(l2_address)) - ALIAS_OFFSET) % _ADDRESS_MODULUS
    return Address(value.to_bytes(20, "big"))


# --------------------------------------------------------------------------------------------
# The 0x7E transaction (deposits.md §The Deposited Transaction Type)
# --------------------------------------------------------------------------------------------

DEPOSIT_TX_TYPE = 0x7E
"""EIP-2718 type byte of a deposited transaction."""


@dataclass(frozen=True)
class DepositTx:
    """A deposited transaction. ``to`` is ``None`` for a contract creation; ``mint`` is the ETH
    created on L2 for ``from_`` before execution; ``is_system_tx`` must be ``False`` from Regolith.
    """

    source_hash: Hash32
    from_: Address
    to: Address | None
    mint: int
    value: int
    gas: int
    is_system_tx: bool
    data: bytes

    @property
    def is_creation(self) -> bool:
        return self.to is None

    @property
    def hash(self) -> Hash32:
        """The L2 transaction hash: keccak256 of the EIP-2718 encoding."""
        return keccak256(encode_deposit_tx(self))


def encode_deposit_tx(tx: DepositTx) -> bytes:
    """``0x7E ‖ rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])``.

    ``to`` is the empty string for a creation; integers are minimal big-endian; the boolean is
    ``0x01`` or the empty string. Out-of-range fields are API misuse (:class:`DecodingError`,
    raised by the checked conversions).
    """
    if not 0 <= tx.mint <= U256_MAX or not 0 <= tx.value <= U256_MAX:
        raise DecodingError("deposit mint and value are uint256")
    if not 0 <= tx.gas <= U64_MAX:
        raise DecodingError("deposit gas is a uint64")
    fields: list[rlp.Encodable] = [
        hash32(tx.source_hash),
        address(tx.from_),
        b"" if tx.to is None else address(tx.to),
        tx.mint,
        tx.value,
        tx.gas,
        b"\x01" if tx.is_system_tx else b"",
        bytes(tx.data),
    ]
    payload: bytes = rlp.encode(fields)
    return bytes([DEPOSIT_TX_TYPE]) + payload


def _field_uint(item: rlp.Decoded, name: str, bits: int) -> int:
    try:
        value: int = rlp.decode_uint_max(item, bits)
        return value
    except DecodingError as exc:
        raise DecodingError(f"deposit field {name}: {exc}") from exc


def decode_deposit_tx(data: bytes) -> DepositTx:
    """Decode ``0x7E ‖ rlp([...])`` (the inverse of :func:`encode_deposit_tx`).

    Strict like go-ethereum's RLP decoder for ``types.DepositTx``: exactly eight fields, canonical
    integers, a 32-byte source hash, a 20-byte ``from``, a 20-byte or empty ``to``, a boolean that is
    ``0x01`` or empty, no trailing bytes. Anything else is a :class:`DecodingError`.
    """
    if len(data) == 0 or data[0] != DEPOSIT_TX_TYPE:
        raise DecodingError("a deposit transaction starts with the type byte 0x7E")
    items = rlp.decode(bytes(data[1:]))
    if not isinstance(items, list):
        raise DecodingError("a deposit transaction payload is an RLP list")
    if len(items) != 8:
        raise DecodingError(f"a deposit transaction has 8 fields, got {len(items)}")
    source_hash, from_, to, mint, value, gas, is_system, payload = items
    if not isinstance(source_hash, bytes) or len(source_hash) != 32:
        raise DecodingError("deposit sourceHash is 32 bytes")
    if not isinstance(from_, bytes) or len(from_) != 20:
        raise DecodingError("deposit from is 20 bytes")
    if not isinstance(to, bytes) or len(to) not in (0, 20):
        raise DecodingError("deposit to is 20 bytes or empty (creation)")
    if not isinstance(is_system, bytes) or is_system not in (b"", b"\x01"):
        raise DecodingError("deposit isSystemTx is 0x01 or empty")
    if not isinstance(payload, bytes):
        raise DecodingError("deposit data is a byte string")
    return DepositTx(
        source_hash=Hash32(source_hash),
        from_=Address(from_),
        to=Address(to) if to else None,
        mint=_field_uint(mint, "mint", 256),
        value=_field_uint(value, "value", 256),
        gas=_field_uint(gas, "gas", 64),
        is_system_tx=is_system == b"\x01",
        data=payload,
    )


def is_deposit_tx(encoded: bytes) -> bool:
    """Whether an EIP-2718 encoded transaction is a deposit (type byte ``0x7E``)."""
    return len(encoded) > 0 and encoded[0] == DEPOSIT_TX_TYPE


# --------------------------------------------------------------------------------------------
# The TransactionDeposited event (OptimismPortal.sol; deposit_log.go)
# --------------------------------------------------------------------------------------------

TRANSACTION_DEPOSITED_SIGNATURE = "TransactionDeposited(address,address,uint256,bytes)"
TRANSACTION_DEPOSITED_TOPIC: Hash32 = keccak256(TRANSACTION_DEPOSITED_SIGNATURE.encode("ascii"))
"""``topics[0]`` of ``event TransactionDeposited(address indexed from, address indexed to,
uint256 indexed version, bytes opaqueData)``."""

DEPOSIT_VERSION_0 = 0
"""The only event version the rollup node accepts (``DEPOSIT_VERSION`` in OptimismPortal)."""

_OPAQUE_HEADER_LEN = 32 + 32 + 8 + 1
"""mint (uint256) ‖ value (uint256) ‖ gasLimit (uint64) ‖ isCreation (bool), packed."""


def _pad32(data: bytes) -> bytes:
    return data + b"\x00" * (-len(data) % 32)


def deposit_opaque_data(
    mint: int, value: int, gas_limit: int, is_creation: bool, data: bytes
) -> bytes:
    """``abi.encodePacked(uint256 mint, uint256 value, uint64 gasLimit, bool isCreation, data)``."""
    if not 0 <= gas_limit <= U64_MAX:
        raise DecodingError("gasLimit is a uint64")
    packed: bytes = (
        uint256_to_bytes(mint)
        + uint256_to_bytes(value)
        + gas_limit.to_bytes(8, "big")
        + (b"\x01" if is_creation else b"\x00")
        + bytes(data)
    )
    return packed


def transaction_deposited_log(
    portal: Address,
    from_: Address,
    to: Address,
    mint: int,
    value: int,
    gas_limit: int,
    is_creation: bool,
    data: bytes,
) -> Log:
    """The log ``OptimismPortal._depositTransaction`` emits.

    ``from_`` is what the portal puts in the event: ``msg.sender`` for an EOA, its
    :func:`apply_l1_to_l2_alias` for a contract caller. The portal requires ``to == 0`` for a
    creation. The log data is the Solidity ABI encoding of the single dynamic ``bytes opaqueData``
    argument: ``uint256(0x20) ‖ uint256(len) ‖ opaqueData`` zero-padded to 32 bytes.
    """
    opaque = deposit_opaque_data(mint, value, gas_limit, is_creation, data)
    log_data = uint256_to_bytes(32) + uint256_to_bytes(len(opaque)) + _pad32(opaque)
    topics = (
        TRANSACTION_DEPOSITED_TOPIC,
        Hash32(b"\x00" * 12 + address(from_)),
        Hash32(b"\x00" * 12 + address(to)),
        Hash32(uint256_to_bytes(DEPOSIT_VERSION_0)),
    )
    return Log(address=address(portal), topics=topics, data=log_data)


@dataclass(frozen=True)
class DepositLogResult:
    """Reading one deposit log: the deposit, or why the log is malformed."""

    deposit: DepositTx | None
    error: str | None


def unmarshal_deposit_log(log: Log, l1_block_hash: Hash32, log_index: int) -> DepositLogResult:
    """Read a ``TransactionDeposited`` log as ``UnmarshalDepositLogEvent`` does (version 0).

    Checks, in order: 4 topics, ``topics[0]`` is the event topic, data at least 64 bytes and a
    multiple of 32, the ``bytes`` offset word is exactly 32, the length word fits the data *with
    minimal padding* (``len ≤ remaining < len + 32``), version topic is 0, the opaque data holds at
    least the 73-byte packed header. ``to`` is ``None`` iff the ``isCreation`` byte is non-zero;
    the transaction data is the rest of the opaque data. A malformed log is a value, not an error.
    """
    if len(log.topics) != 4:
        return DepositLogResult(None, f"expected 4 event topics, got {len(log.topics)}")
    if log.topics[0] != TRANSACTION_DEPOSITED_TOPIC:
        return DepositLogResult(None, "not a TransactionDeposited event")
    raw = bytes(log.data)
    if len(raw) < 64:
        return DepositLogResult(None, "incomplete opaqueData slice header")
    if len(raw) % 32 != 0:
        return DepositLogResult(None, "log data is not a multiple of 32 bytes")
    if bytes_to_uint(raw[0:32]) != 32:
        return DepositLogResult(None, "invalid opaqueData slice header offset")
    length = bytes_to_uint(raw[32:64])
    remaining = len(raw) - 64
    if length > U64_MAX or length > remaining or length + 32 <= remaining:
        return DepositLogResult(None, "invalid opaqueData slice header length")
    opaque = raw[64 : 64 + length]
    if bytes_to_uint(log.topics[3]) != DEPOSIT_VERSION_0:
        return DepositLogResult(None, "invalid deposit version")
    if len(opaque) < _OPAQUE_HEADER_LEN:
        return DepositLogResult(None, f"unexpected opaqueData length: {len(opaque)}")
    mint = bytes_to_uint(opaque[0:32])
    value = bytes_to_uint(opaque[32:64])
    gas = bytes_to_uint(opaque[64:72])
    is_creation = opaque[72] != 0
    deposit = DepositTx(
        source_hash=user_deposit_source_hash(l1_block_hash, log_index),
        from_=Address(bytes(log.topics[1][12:])),
        to=None if is_creation else Address(bytes(log.topics[2][12:])),
        mint=mint,
        value=value,
        gas=gas,
        is_system_tx=False,
        data=opaque[_OPAQUE_HEADER_LEN:],
    )
    return DepositLogResult(deposit, None)


@dataclass(frozen=True)
class UserDeposits:
    """The deposits of one L1 block and the malformed deposit logs that were skipped
    (``(log_index, reason)``)."""

    deposits: tuple[DepositTx, ...]
    skipped: tuple[tuple[int, str], ...]


def read_user_deposits(block: L1Block, deposit_contract: Address) -> UserDeposits:
    """All user deposits of ``block`` with the malformed ones reported (``UserDeposits``).

    A log is a deposit candidate iff its receipt succeeded, it was emitted by the deposit contract
    and its first topic is :data:`TRANSACTION_DEPOSITED_TOPIC`. The log index used for the source
    hash counts every log of the block, in receipt order.

    op-node returns an error for a malformed candidate (the real portal never emits one); this spec
    skips it and reports it in :attr:`UserDeposits.skipped`, so that the block's well-formed
    deposits still apply.
    """
    deposits: list[DepositTx] = []
    skipped: list[tuple[int, str]] = []
    log_index = 0
    block_hash = block.hash
    for receipt in block.receipts:
        for log in receipt.logs:
            index = log_index
            log_index += 1
            if receipt.status != 1:
                continue
            if log.address != deposit_contract:
                continue
            if len(log.topics) == 0 or log.topics[0] != TRANSACTION_DEPOSITED_TOPIC:
                continue
            result = unmarshal_deposit_log(log, block_hash, index)
            if result.deposit is not None:
                deposits.append(result.deposit)
            else:
                skipped.append((index, result.error or "malformed"))
    return UserDeposits(tuple(deposits), tuple(skipped))


def user_deposits(block: L1Block, deposit_contract: Address) -> tuple[DepositTx, ...]:
    """The well-formed user deposits of an L1 block, in log order (see :func:`read_user_deposits`)."""
    return read_user_deposits(block, deposit_contract).deposits
