"""The per-L2-block "block info" tree (Etrog) and the L2 transaction hash.

From fork 7 (Etrog) every L2 block carries a small Poseidon sparse Merkle tree that summarises the
block header and the receipts of its transactions. Its root is written, when the block ends, into
storage slot 3 of the system contract ``0x…5ca1ab1e`` (:mod:`~l2spec.spec.zk.system_contracts`),
so the block info of every block is committed in the state root.

The tree is an ordinary state-style SMT (same leaf/branch hashing and canonical shape as
:mod:`~l2spec.spec.zk.smt`) whose keys are built like account keys, with leaf types 7..12
(zkevm-commonjs ``src/constants.js``, ``src/block-keys-utils.js``; zkevm-rom ``main/block-info.zkasm``):

======  ============================  ===========================================================
type    key input (scalar2fea limbs)   value
======  ============================  ===========================================================
7       header parameter index         0 previous block hash (the state root before the block),
                                       1 coinbase (sequencer address), 2 block number,
                                       3 gas limit (``2^50``), 4 timestamp, 5 global exit root,
                                       6 L1 block hash, 7 gas used (set when the block ends)
8       tx index in the block          the L2 tx hash (:func:`l2_tx_hash`)
9       tx index                       receipt status (1 success, 0 failure)
10      tx index                       cumulative gas used in the block after this tx
11      tx index, capacity H(logIndex)  ``linearPoseidon(log data ‖ topics)`` of each log
12      tx index                       the effective-percentage byte of the tx
======  ============================  ===========================================================

A key is ``H([l0, l1, l2, l3, l4, l5, type, 0], HZ)`` where ``l0..l5`` are the low six
``scalar2fea`` limbs of the index and ``HZ = H([0]*8)``; for logs the capacity is instead
``H(scalar2fea(logIndex), [0,0,0,0])`` (``keyTxLogs``). Values are 256-bit numbers (an address or
hash as its big-endian integer). As everywhere in the SMT, a zero value is no leaf.

Transactions that are skipped as invalid (wrong nonce, too little balance, …) get no receipt
entries and no tx index; reverted transactions do (status 0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from l2spec.errors import L2SpecError
from l2spec.spec.common.types import Address, Hash32
from l2spec.spec.zk.bytecode_hash import hash_contract_bytecode
from l2spec.spec.zk.goldilocks import H4, h4_to_scalar, scalar2fea
from l2spec.spec.zk.poseidon import HASH_ZERO, poseidon
from l2spec.spec.zk.smt import Smt

# Leaf types of the block info tree (zkevm-commonjs ``src/constants.js``).
SMT_KEY_BLOCK_HEADER_PARAM = 7
SMT_KEY_BLOCK_HEADER_TRANSACTION_HASH = 8
SMT_KEY_BLOCK_HEADER_STATUS = 9
SMT_KEY_BLOCK_HEADER_CUMULATIVE_GAS_USED = 10
SMT_KEY_BLOCK_HEADER_LOGS = 11
SMT_KEY_BLOCK_HEADER_EFFECTIVE_PERCENTAGE = 12

# Header parameter indexes (leaf type 7).
INDEX_BLOCK_HEADER_PARAM_BLOCK_HASH = 0
INDEX_BLOCK_HEADER_PARAM_COINBASE = 1
INDEX_BLOCK_HEADER_PARAM_NUMBER = 2
INDEX_BLOCK_HEADER_PARAM_GAS_LIMIT = 3
INDEX_BLOCK_HEADER_PARAM_TIMESTAMP = 4
INDEX_BLOCK_HEADER_PARAM_GER = 5
INDEX_BLOCK_HEADER_PARAM_BLOCK_HASH_L1 = 6
INDEX_BLOCK_HEADER_PARAM_GAS_USED = 7

BLOCK_GAS_LIMIT = 2**50
"""The gas limit every L2 block declares (zkevm-rom ``constants.zkasm`` ``BLOCK_GAS_LIMIT``)."""

L2_TX_TYPE_PRE_EIP155 = 0
L2_TX_TYPE_LEGACY = 1


# --- keys ----------------------------------------------------------------------------------------


def _typed_key(index: int, leaf_type: int, capacity: Sequence[int]) -> H4:
    limbs = scalar2fea(index)
    return poseidon([*limbs[:6], leaf_type, 0], capacity)


def key_block_header_param(param: int) -> H4:
    """Key of header parameter ``param`` (``keyBlockHeaderParams``, leaf type 7)."""
    return _typed_key(param, SMT_KEY_BLOCK_HEADER_PARAM, HASH_ZERO)


def key_tx_hash(tx_index: int) -> H4:
    """Key of the L2 tx hash of tx ``tx_index`` (``keyTxHash``, leaf type 8)."""
    return _typed_key(tx_index, SMT_KEY_BLOCK_HEADER_TRANSACTION_HASH, HASH_ZERO)


def key_tx_status(tx_index: int) -> H4:
    """Key of the receipt status of tx ``tx_index`` (``keyTxStatus``, leaf type 9)."""
    return _typed_key(tx_index, SMT_KEY_BLOCK_HEADER_STATUS, HASH_ZERO)


def key_tx_cumulative_gas_used(tx_index: int) -> H4:
    """Key of the cumulative gas after tx ``tx_index`` (``keyTxCumulativeGasUsed``, type 10)."""
    return _typed_key(tx_index, SMT_KEY_BLOCK_HEADER_CUMULATIVE_GAS_USED, HASH_ZERO)


def key_tx_log(tx_index: int, log_index: int) -> H4:
    """Key of log ``log_index`` (block-wide numbering) of tx ``tx_index`` (``keyTxLogs``, type 11):
    the capacity is ``H(scalar2fea(logIndex), [0,0,0,0])`` instead of ``HZ``."""
    return _typed_key(tx_index, SMT_KEY_BLOCK_HEADER_LOGS, poseidon(scalar2fea(log_index)))


def key_tx_effective_percentage(tx_index: int) -> H4:
    """Key of the effective-percentage byte of tx ``tx_index`` (``keyTxEffectivePercentage``,
    leaf type 12)."""
    return _typed_key(tx_index, SMT_KEY_BLOCK_HEADER_EFFECTIVE_PERCENTAGE, HASH_ZERO)


# --- L2 tx hash ------------------------------------------------------------------------------------


def l2_tx_hash_preimage(
    *,
    nonce: int,
    gas_price: int,
    gas_limit: int,
    to: Address | None,
    value: int,
    data: bytes,
    chain_id: int | None,
    sender: Address,
) -> bytes:
    """The bytes the L2 tx hash is the linear Poseidon of (zkevm-rom ``main/l2-tx-hash.zkasm``;
    zkevm-commonjs ``src/processor-utils.js`` ``computeL2TxHash``)::

        txType(1: 0 pre-EIP-155, 1 legacy) ‖ nonce(8) ‖ gasPrice(32) ‖ gasLimit(8)
        ‖ deploy flag(1) ‖ to(20, absent for a deployment) ‖ value(32)
        ‖ len(data)(3) ‖ data ‖ chainId(8, legacy only) ‖ from(20)

    ``gas_price`` is the signed gas price (not the effective one). Out-of-range fields raise
    :class:`~l2spec.errors.L2SpecError` (the custom tx decoder bounds them first).
    """
    try:
        parts = [
            bytes([L2_TX_TYPE_PRE_EIP155 if chain_id is None else L2_TX_TYPE_LEGACY]),
            nonce.to_bytes(8, "big"),
            gas_price.to_bytes(32, "big"),
            gas_limit.to_bytes(8, "big"),
            b"\x01" if to is None else b"\x00" + bytes(to),
            value.to_bytes(32, "big"),
            len(data).to_bytes(3, "big"),
            bytes(data),
            b"" if chain_id is None else chain_id.to_bytes(8, "big"),
            bytes(sender),
        ]
    except OverflowError as exc:
        raise L2SpecError(f"a transaction field does not fit the L2 tx hash layout: {exc}") from exc
    return b"".join(parts)


def l2_tx_hash(
    *,
    nonce: int,
    gas_price: int,
    gas_limit: int,
    to: Address | None,
    value: int,
    data: bytes,
    chain_id: int | None,
    sender: Address,
) -> H4:
    """The L2 tx hash: ``linearPoseidon`` (= the bytecode hash) of :func:`l2_tx_hash_preimage`."""
    return hash_contract_bytecode(
        l2_tx_hash_preimage(
            nonce=nonce,
            gas_price=gas_price,
            gas_limit=gas_limit,
            to=to,
            value=value,
            data=data,
            chain_id=chain_id,
            sender=sender,
        )
    )


def log_value(data: bytes, topics: Sequence[Hash32]) -> int:
    """Leaf value of one log: ``linearPoseidon(data ‖ topic0 ‖ topic1 …)`` as a number
    (zkevm-rom ``opcodes/logs.zkasm``; commonjs ``block-utils.js`` ``fillReceiptTree``)."""
    return h4_to_scalar(hash_contract_bytecode(bytes(data) + b"".join(bytes(t) for t in topics)))


# --- the tree ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockInfoTree:
    """The leaves of one block's info tree (key → non-zero value); immutable.

    Build it with :func:`init_block_header`, add receipts with :func:`add_tx_receipt`, finish with
    :func:`set_gas_used`; :func:`block_info_root` gives the root written to the system contract.
    """

    leaves: Mapping[H4, int] = field(default_factory=lambda: MappingProxyType({}))

    def set(self, key: H4, value: int) -> BlockInfoTree:
        """The tree with ``key`` set to ``value`` (0 removes the leaf, as in any SMT)."""
        if not 0 <= value < 2**256:
            raise L2SpecError(f"a block info value is a 256-bit unsigned number, got {value}")
        leaves = dict(self.leaves)
        if value:
            leaves[key] = value
        else:
            leaves.pop(key, None)
        return BlockInfoTree(MappingProxyType(leaves))


@dataclass(frozen=True)
class TxLog:
    """A log as the block info tree sees it (the emitting address is not part of the leaf)."""

    data: bytes
    topics: tuple[Hash32, ...]


def init_block_header(
    *,
    previous_block_hash: H4,
    coinbase: Address,
    block_number: int,
    timestamp: int,
    global_exit_root: Hash32,
    block_hash_l1: Hash32,
    gas_limit: int = BLOCK_GAS_LIMIT,
) -> BlockInfoTree:
    """A new block's tree with the seven header leaves (zkevm-rom ``setupNewBlockInfoTree``;
    commonjs ``initBlockHeader``). ``previous_block_hash`` is the state root when the block starts,
    before any of the block's own system writes."""
    tree = BlockInfoTree()
    values = (
        (INDEX_BLOCK_HEADER_PARAM_BLOCK_HASH, h4_to_scalar(previous_block_hash)),
        (INDEX_BLOCK_HEADER_PARAM_COINBASE, int.from_bytes(coinbase, "big")),
        (INDEX_BLOCK_HEADER_PARAM_NUMBER, block_number),
        (INDEX_BLOCK_HEADER_PARAM_GAS_LIMIT, gas_limit),
        (INDEX_BLOCK_HEADER_PARAM_TIMESTAMP, timestamp),
        (INDEX_BLOCK_HEADER_PARAM_GER, int.from_bytes(global_exit_root, "big")),
        (INDEX_BLOCK_HEADER_PARAM_BLOCK_HASH_L1, int.from_bytes(block_hash_l1, "big")),
    )
    for param, value in values:
        tree = tree.set(key_block_header_param(param), value)
    return tree


def add_tx_receipt(
    tree: BlockInfoTree,
    *,
    tx_index: int,
    l2_hash: H4,
    status: int,
    cumulative_gas_used: int,
    logs: Sequence[TxLog],
    first_log_index: int,
    effective_percentage: int,
) -> BlockInfoTree:
    """Add one processed transaction (zkevm-rom ``fillBlockInfoTreeWithTxReceipt`` and
    ``fillBlockInfoTreeWithLog``; commonjs ``fillReceiptTree``). Its logs are numbered from
    ``first_log_index`` (the block-wide log counter)."""
    tree = tree.set(key_tx_hash(tx_index), h4_to_scalar(l2_hash))
    tree = tree.set(key_tx_status(tx_index), status)
    tree = tree.set(key_tx_cumulative_gas_used(tx_index), cumulative_gas_used)
    for offset, log in enumerate(logs):
        tree = tree.set(
            key_tx_log(tx_index, first_log_index + offset), log_value(log.data, log.topics)
        )
    return tree.set(key_tx_effective_percentage(tx_index), effective_percentage)


def set_gas_used(tree: BlockInfoTree, gas_used: int) -> BlockInfoTree:
    """Close the block: header parameter 7 = the block's gas used (zkevm-rom ``consolidateBlock``;
    commonjs ``setBlockGasUsed``)."""
    return tree.set(key_block_header_param(INDEX_BLOCK_HEADER_PARAM_GAS_USED), gas_used)


def block_info_root(tree: BlockInfoTree) -> H4:
    """The root of the tree, by the state SMT's hashing (:mod:`~l2spec.spec.zk.smt`)."""
    return Smt(tree.leaves).root
