"""The L1 attributes deposited transaction: the first transaction of every L2 block.

Upstream rules: ``specs/protocol/deposits.md`` §L1 Attributes Deposited Transaction (sender,
target, gas, system flag), ``specs/protocol/ecotone/l1-attributes.md`` (the packed
``setL1BlockValuesEcotone()`` calldata) and op-node ``rollup/derive/l1_block_info.go``
(``L1InfoDeposit``: which format applies when, the Ecotone activation block still using the
Bedrock format). The real ``L1Block`` contract (contracts-bedrock ``src/L2/L1Block.sol``) decodes
exactly these bytes; the tests run it.
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.errors import DecodingError
from l2spec.spec.common.l1 import L1Block
from l2spec.spec.common.types import Hash32, bytes_to_uint, uint256_to_bytes, uint_to_bytes
from l2spec.spec.optimistic.config import RollupConfig, SystemConfig
from l2spec.spec.optimistic.deposits import DepositTx, l1_info_deposit_source_hash
from l2spec.spec.optimistic.predeploys import L1_ATTRIBUTES_DEPOSITOR, L1_BLOCK

SET_L1_BLOCK_VALUES_ECOTONE = bytes.fromhex("440a5e20")
"""``bytes4(keccak256("setL1BlockValuesEcotone()"))``."""

SET_L1_BLOCK_VALUES_BEDROCK = bytes.fromhex("015d8eb9")
"""``bytes4(keccak256("setL1BlockValues(uint64,uint64,uint256,bytes32,uint64,bytes32,uint256,
uint256)"))``."""

L1_INFO_ECOTONE_LEN = 164
L1_INFO_BEDROCK_LEN = 4 + 32 * 8

L1_INFO_GAS_REGOLITH = 1_000_000
L1_INFO_GAS_BEDROCK = 150_000_000


@dataclass(frozen=True)
class L1BlockInfo:
    """The values the L1 attributes deposit writes into ``L1Block`` (``derive.L1BlockInfo``).

    Ecotone uses the two scalars and ``blob_base_fee``; Bedrock uses ``l1_fee_overhead`` and
    ``l1_fee_scalar`` (the SystemConfig ``overhead`` and ``scalar`` words).
    """

    number: int
    timestamp: int
    base_fee: int
    block_hash: Hash32
    sequence_number: int
    batcher_hash: Hash32
    blob_base_fee: int = 1
    base_fee_scalar: int = 0
    blob_base_fee_scalar: int = 0
    l1_fee_overhead: int = 0
    l1_fee_scalar: int = 0


def encode_l1_info_ecotone(info: L1BlockInfo) -> bytes:
    """``0x440a5e20 ‖ baseFeeScalar u32 ‖ blobBaseFeeScalar u32 ‖ sequenceNumber u64 ‖
    timestamp u64 ‖ number u64 ‖ basefee u256 ‖ blobBaseFee u256 ‖ hash b32 ‖ batcherHash b32``,
    big-endian and tightly packed (164 bytes)."""
    out: bytes = (
        SET_L1_BLOCK_VALUES_ECOTONE
        + uint_to_bytes(info.base_fee_scalar, 4)
        + uint_to_bytes(info.blob_base_fee_scalar, 4)
        + uint_to_bytes(info.sequence_number, 8)
        + uint_to_bytes(info.timestamp, 8)
        + uint_to_bytes(info.number, 8)
        + uint256_to_bytes(info.base_fee)
        + uint256_to_bytes(info.blob_base_fee)
        + bytes(info.block_hash)
        + bytes(info.batcher_hash)
    )
    if len(out) != L1_INFO_ECOTONE_LEN:
        raise DecodingError("block hash and batcher hash are 32 bytes")
    return out


def decode_l1_info_ecotone(data: bytes) -> L1BlockInfo:
    """Inverse of :func:`encode_l1_info_ecotone`; a wrong length or selector is a DecodingError."""
    raw = bytes(data)
    if len(raw) != L1_INFO_ECOTONE_LEN or raw[:4] != SET_L1_BLOCK_VALUES_ECOTONE:
        raise DecodingError("not Ecotone L1 info calldata (164 bytes after 0x440a5e20)")
    return L1BlockInfo(
        base_fee_scalar=bytes_to_uint(raw[4:8]),
        blob_base_fee_scalar=bytes_to_uint(raw[8:12]),
        sequence_number=bytes_to_uint(raw[12:20]),
        timestamp=bytes_to_uint(raw[20:28]),
        number=bytes_to_uint(raw[28:36]),
        base_fee=bytes_to_uint(raw[36:68]),
        blob_base_fee=bytes_to_uint(raw[68:100]),
        block_hash=Hash32(raw[100:132]),
        batcher_hash=Hash32(raw[132:164]),
    )


def encode_l1_info_bedrock(info: L1BlockInfo) -> bytes:
    """ABI call ``setL1BlockValues(number, timestamp, basefee, hash, sequenceNumber, batcherHash,
    l1FeeOverhead, l1FeeScalar)``: the selector and eight 32-byte words."""
    words = (
        uint256_to_bytes(info.number)
        + uint256_to_bytes(info.timestamp)
        + uint256_to_bytes(info.base_fee)
        + bytes(info.block_hash)
        + uint256_to_bytes(info.sequence_number)
        + bytes(info.batcher_hash)
        + uint256_to_bytes(info.l1_fee_overhead)
        + uint256_to_bytes(info.l1_fee_scalar)
    )
    out: bytes = SET_L1_BLOCK_VALUES_BEDROCK + words
    return out


def decode_l1_info_bedrock(data: bytes) -> L1BlockInfo:
    """Inverse of :func:`encode_l1_info_bedrock` (uint64 fields must fit 64 bits)."""
    raw = bytes(data)
    if len(raw) != L1_INFO_BEDROCK_LEN or raw[:4] != SET_L1_BLOCK_VALUES_BEDROCK:
        raise DecodingError("not Bedrock L1 info calldata (260 bytes after 0x015d8eb9)")
    words = [raw[4 + 32 * i : 36 + 32 * i] for i in range(8)]
    for i in (0, 1, 4):
        if bytes_to_uint(words[i]) >= 1 << 64:
            raise DecodingError("a uint64 field of the L1 info calldata is out of range")
    return L1BlockInfo(
        number=bytes_to_uint(words[0]),
        timestamp=bytes_to_uint(words[1]),
        base_fee=bytes_to_uint(words[2]),
        block_hash=Hash32(words[3]),
        sequence_number=bytes_to_uint(words[4]),
        batcher_hash=Hash32(words[5]),
        l1_fee_overhead=bytes_to_uint(words[6]),
        l1_fee_scalar=bytes_to_uint(words[7]),
    )


def decode_l1_info(data: bytes) -> L1BlockInfo:
    """Decode either format, chosen by the selector (op-node ``L1BlockInfoFromBytes``)."""
    if bytes(data[:4]) == SET_L1_BLOCK_VALUES_ECOTONE:
        return decode_l1_info_ecotone(data)
    return decode_l1_info_bedrock(data)


def is_ecotone_activation_block(config: RollupConfig, l2_timestamp: int) -> bool:
    """The first Ecotone block still carries Bedrock-format L1 info (op-node
    ``IsEcotoneActivationBlock``): Ecotone at ``t`` but not at ``t - block_time``."""
    return (
        config.is_ecotone(l2_timestamp)
        and l2_timestamp >= config.block_time
        and not config.is_ecotone(l2_timestamp - config.block_time)
    )


def l1_block_info(system_config: SystemConfig, seq_number: int, l1_block: L1Block) -> L1BlockInfo:
    """The L1 attributes of ``l1_block`` for the L2 block ``seq_number`` blocks into its epoch."""
    return L1BlockInfo(
        number=l1_block.number,
        timestamp=l1_block.timestamp,
        base_fee=l1_block.base_fee,
        block_hash=l1_block.hash,
        sequence_number=seq_number,
        batcher_hash=system_config.batcher_hash,
        blob_base_fee=l1_block.blob_base_fee,
        base_fee_scalar=system_config.base_fee_scalar,
        blob_base_fee_scalar=system_config.blob_base_fee_scalar,
        l1_fee_overhead=system_config.overhead,
        l1_fee_scalar=system_config.scalar,
    )


def l1_info_deposit(
    config: RollupConfig,
    system_config: SystemConfig,
    seq_number: int,
    l1_block: L1Block,
    l2_timestamp: int,
) -> DepositTx:
    """The L1 attributes deposited transaction of an L2 block (``L1InfoDeposit``).

    From the depositor account to ``L1Block``, no mint or value, source hash domain 1 over the L1
    block hash and ``seq_number``; gas 1,000,000 and not a system transaction from Regolith
    (150,000,000 and a system transaction before); Ecotone calldata from the block after Ecotone
    activation, Bedrock calldata before and at it.
    """
    info = l1_block_info(system_config, seq_number, l1_block)
    ecotone = config.is_ecotone(l2_timestamp) and not is_ecotone_activation_block(
        config, l2_timestamp
    )
    data = encode_l1_info_ecotone(info) if ecotone else encode_l1_info_bedrock(info)
    regolith = config.is_regolith(l2_timestamp)
    return DepositTx(
        source_hash=l1_info_deposit_source_hash(l1_block.hash, seq_number),
        from_=L1_ATTRIBUTES_DEPOSITOR,
        to=L1_BLOCK,
        mint=0,
        value=0,
        gas=L1_INFO_GAS_REGOLITH if regolith else L1_INFO_GAS_BEDROCK,
        is_system_tx=not regolith,
        data=data,
    )
