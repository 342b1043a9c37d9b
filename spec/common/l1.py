"""A minimal model of the L1 chain, as much of it as an OP Stack rollup reads.

The rollup reads from L1 (``specs/protocol/derivation.md`` §L1 Traversal, §L1 Retrieval,
§Deriving the Transaction List; ``specs/protocol/deposits.md`` §Deposit Contract): block number,
hash, parent hash and timestamp; the base fee, blob base fee, ``mixHash`` (prevRandao) and parent
beacon root that go into the L1 attributes deposit; the transactions (sender, recipient, calldata:
batcher transactions to the batch inbox); and the receipts' logs (``TransactionDeposited`` events of
the deposit contract, only from successful receipts).

This model executes no EVM: whoever builds a block supplies each transaction's receipt and logs
(e.g. the ``TransactionDeposited`` log that ``OptimismPortal.depositTransaction`` would emit). It is
pure and frozen: appending a block returns a new chain.

The block hash is **this model's own**, not mainnet's: ``keccak256`` of an RLP header
``[parentHash, number, timestamp, baseFee, blobBaseFee, mixHash, parentBeaconRoot,
transactionsRoot, receiptsRoot]`` whose two roots are ordered trie roots (Yellow Paper §4.3) over
this model's transaction and receipt encodings, so that any change of a block's content changes its
hash and every descendant's. ``mixHash`` and ``parentBeaconRoot`` are derived from the parent hash
and the number under a domain string unless given, so a chain built twice the same way is the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from l2spec.errors import L2SpecError
from l2spec.spec.common import rlp
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.trie import ordered_trie_root
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, uint256_to_bytes
from l2spec.spec.optimistic.blocks import L1BlockRef

DEFAULT_BASE_FEE = 1_000_000_000
"""Base fee of the genesis block when none is given: 1 gwei."""

DEFAULT_BLOB_BASE_FEE = 1
"""Blob base fee when none is given: EIP-4844's ``MIN_BASE_FEE_PER_BLOB_GAS``."""

MIX_HASH_DOMAIN = b"l2spec/l1/mix_hash"
PARENT_BEACON_ROOT_DOMAIN = b"l2spec/l1/parent_beacon_root"


class ChainError(L2SpecError):
    """The L1 model was asked to build a chain that cannot exist (e.g. time going backwards)."""


@dataclass(frozen=True)
class Log:
    """An EVM log: the emitting contract, up to four 32-byte topics, and data (Yellow Paper §4.4.1)."""

    address: Address
    topics: tuple[Hash32, ...]
    data: bytes


@dataclass(frozen=True)
class L1Transaction:
    """An L1 transaction as the rollup sees it: who sent it, to whom, with what value and calldata.

    No signature, gas or fee fields: derivation authenticates a batcher transaction by its sender
    (``derivation.md`` §L1 Retrieval), which this model states directly.
    """

    sender: Address
    to: Address | None
    value: int
    data: bytes
    nonce: int

    @cached_property
    def hash(self) -> Hash32:
        """``keccak256`` of :func:`encode_transaction` (this model's transaction hash)."""
        return keccak256(encode_transaction(self))


@dataclass(frozen=True)
class L1Receipt:
    """The outcome of an L1 transaction: status 1 (success) or 0 (reverted), and its logs."""

    status: int
    logs: tuple[Log, ...] = ()


def encode_transaction(tx: L1Transaction) -> bytes:
    """This model's transaction encoding: ``rlp([nonce, sender, to or b"", value, data])``."""
    to = tx.to if tx.to is not None else b""
    encoded: bytes = rlp.encode([tx.nonce, tx.sender, to, tx.value, tx.data])
    return encoded


def encode_log(log: Log) -> rlp.Encodable:
    """A log as an RLP item ``[address, [topics...], data]`` (Yellow Paper §4.4.1)."""
    return [log.address, list(log.topics), log.data]


def encode_receipt(receipt: L1Receipt) -> bytes:
    """This model's receipt encoding: ``rlp([status, [log...]])``."""
    encoded: bytes = rlp.encode([receipt.status, [encode_log(log) for log in receipt.logs]])
    return encoded


@dataclass(frozen=True)
class L1Block:
    """An L1 block: header fields the rollup reads, and its transactions with their receipts."""

    number: int
    parent_hash: Hash32
    timestamp: int
    base_fee: int
    blob_base_fee: int
    mix_hash: Hash32
    parent_beacon_root: Hash32
    transactions: tuple[L1Transaction, ...]
    receipts: tuple[L1Receipt, ...]

    def __post_init__(self) -> None:
        if len(self.transactions) != len(self.receipts):
            raise ChainError(
                f"block {self.number}: {len(self.transactions)} transactions but "
                f"{len(self.receipts)} receipts"
            )

    @cached_property
    def transactions_root(self) -> Hash32:
        return ordered_trie_root([encode_transaction(tx) for tx in self.transactions])

    @cached_property
    def receipts_root(self) -> Hash32:
        return ordered_trie_root([encode_receipt(r) for r in self.receipts])

    @cached_property
    def hash(self) -> Hash32:
        """``keccak256`` of the RLP header (see the module docstring)."""
        header: list[rlp.Encodable] = [
            self.parent_hash,
            self.number,
            self.timestamp,
            self.base_fee,
            self.blob_base_fee,
            self.mix_hash,
            self.parent_beacon_root,
            self.transactions_root,
            self.receipts_root,
        ]
        return keccak256(rlp.encode(header))

    @property
    def ref(self) -> L1BlockRef:
        """The block as the rollup node refers to it (``eth.L1BlockRef``)."""
        return L1BlockRef(
            hash=self.hash,
            number=self.number,
            parent_hash=self.parent_hash,
            timestamp=self.timestamp,
        )


def derived_mix_hash(parent_hash: Hash32, number: int) -> Hash32:
    """The model's deterministic ``mixHash`` (prevRandao) of block ``number``."""
    return keccak256(MIX_HASH_DOMAIN + parent_hash + uint256_to_bytes(number))


def derived_parent_beacon_root(parent_hash: Hash32, number: int) -> Hash32:
    """The model's deterministic parent beacon block root (EIP-4788) of block ``number``."""
    return keccak256(PARENT_BEACON_ROOT_DOMAIN + parent_hash + uint256_to_bytes(number))


@dataclass(frozen=True)
class L1Chain:
    """A chain of L1 blocks, genesis first; each block's parent hash is the previous block's hash."""

    blocks: tuple[L1Block, ...]

    def __post_init__(self) -> None:
        if not self.blocks:
            raise ChainError("an L1 chain has at least a genesis block")

    @property
    def head(self) -> L1Block:
        """The latest block."""
        return self.blocks[-1]

    @property
    def genesis(self) -> L1Block:
        return self.blocks[0]

    def block_by_number(self, number: int) -> L1Block | None:
        """The block of height ``number``, or ``None`` if the chain has none."""
        index = number - self.blocks[0].number
        if 0 <= index < len(self.blocks):
            return self.blocks[index]
        return None

    def block_by_hash(self, block_hash: bytes) -> L1Block | None:
        """The block whose hash is ``block_hash``, or ``None``."""
        for block in reversed(self.blocks):
            if block.hash == block_hash:
                return block
        return None


def _make_block(
    parent_hash: Hash32,
    number: int,
    timestamp: int,
    txs_and_receipts: Iterable[tuple[L1Transaction, L1Receipt]],
    base_fee: int,
    blob_base_fee: int,
    mix_hash: Hash32 | None,
    parent_beacon_root: Hash32 | None,
) -> L1Block:
    pairs = tuple(txs_and_receipts)
    return L1Block(
        number=number,
        parent_hash=parent_hash,
        timestamp=timestamp,
        base_fee=base_fee,
        blob_base_fee=blob_base_fee,
        mix_hash=mix_hash if mix_hash is not None else derived_mix_hash(parent_hash, number),
        parent_beacon_root=(
            parent_beacon_root
            if parent_beacon_root is not None
            else derived_parent_beacon_root(parent_hash, number)
        ),
        transactions=tuple(tx for tx, _ in pairs),
        receipts=tuple(receipt for _, receipt in pairs),
    )


def genesis_l1_chain(
    timestamp: int,
    *,
    base_fee: int = DEFAULT_BASE_FEE,
    blob_base_fee: int = DEFAULT_BLOB_BASE_FEE,
) -> L1Chain:
    """A chain holding only an empty genesis block (number 0, zero parent hash) at ``timestamp``."""
    genesis = _make_block(ZERO_HASH, 0, timestamp, (), base_fee, blob_base_fee, None, None)
    return L1Chain((genesis,))


def append_block(
    chain: L1Chain,
    timestamp: int,
    txs_and_receipts: Iterable[tuple[L1Transaction, L1Receipt]] = (),
    *,
    base_fee: int | None = None,
    blob_base_fee: int | None = None,
    mix_hash: Hash32 | None = None,
    parent_beacon_root: Hash32 | None = None,
) -> L1Chain:
    """``chain`` with one more block on top of its head.

    The timestamp must be later than the head's (Yellow Paper §4.3.4: ``H_s > P(H)_s``). Fees are
    the head's unless given; ``mix_hash`` and ``parent_beacon_root`` are derived unless given.
    """
    parent = chain.head
    if timestamp <= parent.timestamp:
        raise ChainError(
            f"L1 block timestamp {timestamp} is not after its parent's {parent.timestamp}"
        )
    block = _make_block(
        parent.hash,
        parent.number + 1,
        timestamp,
        txs_and_receipts,
        parent.base_fee if base_fee is None else base_fee,
        parent.blob_base_fee if blob_base_fee is None else blob_base_fee,
        mix_hash,
        parent_beacon_root,
    )
    return L1Chain((*chain.blocks, block))


def rewind(chain: L1Chain, number: int) -> L1Chain:
    """``chain`` cut back to block ``number`` (its new head), e.g. to build a reorg on top."""
    block = chain.block_by_number(number)
    if block is None:
        raise ChainError(f"the chain has no block {number} to rewind to")
    return L1Chain(chain.blocks[: number - chain.blocks[0].number + 1])
