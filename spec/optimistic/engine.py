"""The L2 execution engine: building L2 blocks from payload attributes.

Upstream rules: ``specs/protocol/exec-engine.md`` (§1559 Parameters, §Extra Data, §Deposited
transaction processing, §Fees, §Engine API: extended ``PayloadAttributesV3``, §Ecotone: Beacon Block
Root, §Ecotone: disable Blob-transactions), ``specs/protocol/deposits.md`` (§Execution, §Deposit
Receipt), ``specs/protocol/canyon/overview.md`` (empty withdrawals, denominator 250), and op-node's
``L2BlockToBlockRef`` (``op-service/eth``/``op-node/rollup/derive``) for :attr:`L2Block.ref`.

A block is built by executing ``attrs.transactions`` in order: deposits (type ``0x7E``) first, with
the deposit rules, then the sequenced transactions. If any transaction cannot be included the payload
is *invalid*: :func:`build_block` returns ``BuildResult(valid=False, reason=...)`` (the engine API's
``STATUS_INVALID``), never raises, so derivation can fall back to a deposit-only block.

Fees of sequenced transactions (``exec-engine.md`` §Fees): the priority fee goes to the block's fee
recipient, the base fee to the ``BaseFeeVault`` (not burned), and the L1 cost to the
``L1FeeVault``. The L1 cost uses the Bedrock (Regolith) formula before Ecotone and the Ecotone
formula from Ecotone on, reading the L1 attributes from ``L1Block`` storage as the spec allows.

Stated approximations: the Fjord L1-cost function (FastLZ size estimate) is not implemented, the
Ecotone formula is used after Fjord too; pre-Regolith deposit gas accounting is not modelled
(Regolith must be active from genesis); Holocene's ``extraData`` EIP-1559 parameters and later
forks are out of scope (``extraData`` is empty).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from l2spec.errors import ConfigError, DecodingError
from l2spec.spec.common import evm, rlp
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.l1 import Log
from l2spec.spec.common.trie import EMPTY_TRIE_ROOT, ordered_trie_root
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32
from l2spec.spec.optimistic.blocks import L2BlockRef
from l2spec.spec.optimistic.config import BlockID, Genesis, RollupConfig
from l2spec.spec.optimistic.deposits import DepositTx, decode_deposit_tx, is_deposit_tx
from l2spec.spec.optimistic.l1_info import decode_l1_info
from l2spec.spec.optimistic.predeploys import (
    BASE_FEE_VAULT,
    L1_BLOCK,
    L1_FEE_VAULT,
    SEQUENCER_FEE_VAULT,
    l2_genesis_alloc,
)

EMPTY_OMMERS_HASH: Hash32 = keccak256(rlp.encode([]))
"""``keccak256(rlp([]))``: the ommers hash of every post-merge block."""

DEPOSIT_RECEIPT_VERSION = 1
"""``depositReceiptVersion`` of deposit receipts from Canyon (``deposits.md`` §Deposit Receipt)."""

BLOCK_HASH_HISTORY = 256

DEFAULT_FEE_RECIPIENT = SEQUENCER_FEE_VAULT
"""The fee recipient of sequenced blocks: the ``SequencerFeeVault`` (``exec-engine.md`` §Priority
fees)."""


@dataclass(frozen=True)
class EngineParams:
    """Execution-layer chain parameters (op-geth ``params.OptimismConfig`` and genesis values).

    OP Mainnet: EIP-1559 elasticity 6, denominator 50, denominator 250 from Canyon
    (``exec-engine.md`` §1559 Parameters); genesis base fee 1 gwei (op-geth ``InitialBaseFee``).
    """

    eip1559_elasticity: int = 6
    eip1559_denominator: int = 50
    eip1559_denominator_canyon: int = 250
    genesis_base_fee: int = 1_000_000_000
    genesis_gas_limit: int | None = None


@dataclass(frozen=True)
class PayloadAttributes:
    """The rollup's extended ``PayloadAttributesV3`` (``exec-engine.md`` §Engine API).

    ``transactions`` are EIP-2718 encoded, deposits first; ``gas_limit`` is required for a rollup;
    ``parent_beacon_block_root`` is required from Ecotone and must be ``None`` before.
    """

    timestamp: int
    prev_randao: Hash32
    suggested_fee_recipient: Address
    transactions: tuple[bytes, ...]
    no_tx_pool: bool
    gas_limit: int | None
    parent_beacon_block_root: Hash32 | None = None


@dataclass(frozen=True)
class L2Receipt:
    """A consensus receipt (EIP-2718 typed; deposits extended per ``deposits.md``)."""

    tx_type: int
    status: int
    cumulative_gas_used: int
    logs: tuple[Log, ...]
    deposit_nonce: int | None = None
    deposit_receipt_version: int | None = None
    gas_used: int = 0
    contract_address: Address | None = None

    @property
    def bloom(self) -> bytes:
        bloom: bytes = evm.logs_bloom(self.logs)
        return bloom


def encode_receipt(receipt: L2Receipt) -> bytes:
    """``type ‖ rlp([status, cumulativeGasUsed, bloom, logs(, depositNonce, version)])``; a legacy
    receipt has no type byte. ``depositNonce`` and its version are present only when set (Canyon)."""
    fields: list[rlp.Encodable] = [
        receipt.status,
        receipt.cumulative_gas_used,
        receipt.bloom,
        [[log.address, list(log.topics), log.data] for log in receipt.logs],
    ]
    if receipt.deposit_nonce is not None and receipt.deposit_receipt_version is not None:
        fields += [receipt.deposit_nonce, receipt.deposit_receipt_version]
    body: bytes = rlp.encode(fields)
    return body if receipt.tx_type == 0 else bytes([receipt.tx_type]) + body


@dataclass(frozen=True)
class L2Header:
    """An L2 block header: the Ethereum (Cancun) header with OP's values (``exec-engine.md``).

    ``withdrawals_root`` is set from Canyon (the empty root), the three blob/beacon fields from
    Ecotone (blob gas 0, excess 0, the L1 origin's parent beacon block root)."""

    parent_hash: Hash32
    fee_recipient: Address
    state_root: Hash32
    transactions_root: Hash32
    receipts_root: Hash32
    logs_bloom: bytes
    number: int
    gas_limit: int
    gas_used: int
    timestamp: int
    extra_data: bytes
    prev_randao: Hash32
    base_fee: int
    withdrawals_root: Hash32 | None
    blob_gas_used: int | None
    excess_blob_gas: int | None
    parent_beacon_block_root: Hash32 | None

    def fields(self) -> list[rlp.Encodable]:
        """The RLP list of the header, in Yellow Paper / EIP order (difficulty 0, nonce 0)."""
        out: list[rlp.Encodable] = [
            self.parent_hash,
            EMPTY_OMMERS_HASH,
            self.fee_recipient,
            self.state_root,
            self.transactions_root,
            self.receipts_root,
            self.logs_bloom,
            0,
            self.number,
            self.gas_limit,
            self.gas_used,
            self.timestamp,
            self.extra_data,
            self.prev_randao,
            b"\x00" * 8,
            self.base_fee,
        ]
        if self.withdrawals_root is not None:
            out.append(self.withdrawals_root)
        if self.blob_gas_used is not None:
            out += [self.blob_gas_used, self.excess_blob_gas or 0]
            out.append(self.parent_beacon_block_root or ZERO_HASH)
        return out

    @property
    def hash(self) -> Hash32:
        """``keccak256(rlp(header))``."""
        return keccak256(rlp.encode(self.fields()))


@dataclass(frozen=True)
class L2Block:
    """An L2 block: header, encoded transactions, receipts, and its place in the epoch."""

    header: L2Header
    transactions: tuple[bytes, ...]
    receipts: tuple[L2Receipt, ...]
    l1_origin: BlockID
    sequence_number: int

    @property
    def hash(self) -> Hash32:
        return self.header.hash

    @property
    def number(self) -> int:
        return self.header.number

    @property
    def timestamp(self) -> int:
        return self.header.timestamp

    @property
    def ref(self) -> L2BlockRef:
        return L2BlockRef(
            hash=self.hash,
            number=self.number,
            parent_hash=self.header.parent_hash,
            timestamp=self.timestamp,
            l1_origin=self.l1_origin,
            sequence_number=self.sequence_number,
        )


def l1_origin_of(
    transactions: tuple[bytes, ...], number: int, genesis: Genesis
) -> tuple[BlockID, int]:
    """``(l1_origin, sequence_number)`` of a block, as op-node's ``L2BlockToBlockRef``: the genesis
    block has the rollup genesis L1 block and 0; any other block's first transaction must be the L1
    info deposit, whose calldata names the L1 block and the sequence number."""
    if number == genesis.l2.number:
        return genesis.l1, 0
    if not transactions or not is_deposit_tx(transactions[0]):
        raise DecodingError("the first transaction of an L2 block is not the L1 info deposit")
    info = decode_l1_info(decode_deposit_tx(transactions[0]).data)
    return BlockID(info.number, info.block_hash), info.sequence_number


@dataclass(frozen=True)
class EngineState:
    """The L2 chain as the engine holds it: blocks from genesis and the world state after each."""

    config: RollupConfig
    params: EngineParams
    blocks: tuple[L2Block, ...]
    states: tuple[evm.WorldState, ...]

    @property
    def head(self) -> L2Block:
        return self.blocks[-1]

    @property
    def world(self) -> evm.WorldState:
        """The world state after the head block."""
        return self.states[-1]

    def block_by_number(self, number: int) -> L2Block | None:
        index = number - self.blocks[0].number
        return self.blocks[index] if 0 <= index < len(self.blocks) else None

    def block_by_hash(self, block_hash: bytes) -> L2Block | None:
        for block in reversed(self.blocks):
            if block.hash == block_hash:
                return block
        return None

    def state_at(self, number: int) -> evm.WorldState | None:
        index = number - self.blocks[0].number
        return self.states[index] if 0 <= index < len(self.states) else None

    def rewind(self, number: int) -> EngineState:
        """The chain cut back to block ``number`` (e.g. when derivation resets the unsafe head)."""
        index = number - self.blocks[0].number
        if not 0 <= index < len(self.blocks):
            raise ConfigError(f"no L2 block {number} to rewind to")
        return replace(self, blocks=self.blocks[: index + 1], states=self.states[: index + 1])


@dataclass(frozen=True)
class BuildResult:
    """``valid`` with the extended chain and the new block, or not valid with the reason."""

    valid: bool
    state: EngineState
    block: L2Block | None
    reason: str | None


def next_base_fee(
    params: EngineParams, config: RollupConfig, parent: L2Header, timestamp: int
) -> int:
    """EIP-1559 ``calcBaseFee`` with OP's elasticity and denominator (Canyon's from Canyon on,
    judged by the new block's timestamp): the target is ``gas_limit // elasticity``."""
    denominator = (
        params.eip1559_denominator_canyon
        if config.is_canyon(timestamp)
        else params.eip1559_denominator
    )
    target = parent.gas_limit // params.eip1559_elasticity
    if parent.gas_used == target:
        return parent.base_fee
    if parent.gas_used > target:
        delta = max(1, parent.base_fee * (parent.gas_used - target) // target // denominator)
        return parent.base_fee + delta
    delta = parent.base_fee * (target - parent.gas_used) // target // denominator
    return max(0, parent.base_fee - delta)


def l1_cost(config: RollupConfig, world: evm.WorldState, raw_tx: bytes, timestamp: int) -> int:
    """The L1 data fee of a sequenced transaction (``exec-engine.md`` §L1-Cost fees).

    ``rollupDataGas = zeroes * 4 + ones * 16`` over the full encoded transaction. Ecotone:
    ``dataGas * (16 * l1BaseFee * baseFeeScalar + blobBaseFee * blobBaseFeeScalar) // 16e6``;
    before (Regolith): ``(dataGas + overhead) * l1BaseFee * scalar // 1e6``. The inputs are read
    from ``L1Block`` storage: basefee slot 1, overhead 5, scalar 6, blobBaseFee 7, and the two
    uint32 scalars in slot 3 at byte offsets 12 (baseFeeScalar) and 8 (blobBaseFeeScalar).
    """
    zeros = raw_tx.count(0)
    data_gas = zeros * 4 + (len(raw_tx) - zeros) * 16
    l1_base_fee = int(evm.get_storage(world, L1_BLOCK, 1))
    if config.is_ecotone(timestamp):
        slot3 = int(evm.get_storage(world, L1_BLOCK, 3))
        base_fee_scalar = (slot3 >> 96) & 0xFFFFFFFF
        blob_base_fee_scalar = (slot3 >> 64) & 0xFFFFFFFF
        blob_base_fee = int(evm.get_storage(world, L1_BLOCK, 7))
        weighted = 16 * l1_base_fee * base_fee_scalar + blob_base_fee * blob_base_fee_scalar
        return data_gas * weighted // 16_000_000
    overhead = int(evm.get_storage(world, L1_BLOCK, 5))
    scalar = int(evm.get_storage(world, L1_BLOCK, 6))
    return (data_gas + overhead) * l1_base_fee * scalar // 1_000_000


def _empty_roots(config: RollupConfig, timestamp: int) -> tuple[Hash32 | None, int | None]:
    withdrawals = EMPTY_TRIE_ROOT if config.is_canyon(timestamp) else None
    blob_gas = 0 if config.is_ecotone(timestamp) else None
    return withdrawals, blob_gas


def l2_genesis(
    config: RollupConfig,
    alloc: dict[Address, evm.AllocAccount] | None = None,
    params: EngineParams = EngineParams(),
) -> EngineState:
    """The engine at L2 genesis.

    The genesis block has number ``config.genesis.l2.number``, time ``config.genesis.l2_time``, the
    system config gas limit, ``params.genesis_base_fee``, and the state of ``alloc`` (default: the
    :func:`~l2spec.spec.optimistic.predeploys.l2_genesis_alloc`). The returned state's ``config``
    has ``genesis.l2`` set to this block's number and hash, so that derivation agrees with it.
    """
    if not config.is_regolith(config.genesis.l2_time):
        raise ConfigError("this engine implements Regolith and later: regolith_time must be 0")
    world = evm.genesis_state(alloc if alloc is not None else l2_genesis_alloc())
    timestamp = config.genesis.l2_time
    withdrawals, blob_gas = _empty_roots(config, timestamp)
    header = L2Header(
        parent_hash=ZERO_HASH,
        fee_recipient=Address(b"\x00" * 20),
        state_root=world.root,
        transactions_root=EMPTY_TRIE_ROOT,
        receipts_root=EMPTY_TRIE_ROOT,
        logs_bloom=b"\x00" * 256,
        number=config.genesis.l2.number,
        gas_limit=params.genesis_gas_limit or config.genesis.system_config.gas_limit,
        gas_used=0,
        timestamp=timestamp,
        extra_data=b"",
        prev_randao=ZERO_HASH,
        base_fee=params.genesis_base_fee,
        withdrawals_root=withdrawals,
        blob_gas_used=blob_gas,
        excess_blob_gas=blob_gas,
        parent_beacon_block_root=ZERO_HASH if blob_gas is not None else None,
    )
    genesis_id = BlockID(header.number, header.hash)
    config = config.with_genesis(replace(config.genesis, l2=genesis_id))
    block = L2Block(header, (), (), config.genesis.l1, 0)
    return EngineState(config, params, (block,), (world,))


def _invalid(state: EngineState, reason: str) -> BuildResult:
    return BuildResult(False, state, None, reason)


def build_block(state: EngineState, attrs: PayloadAttributes) -> BuildResult:
    """Build the block after ``state.head`` from ``attrs`` (``engine_forkchoiceUpdatedV3`` with
    attributes, then ``getPayload``, then making it the head).

    The payload is invalid (a value) when: the timestamp does not advance, ``gas_limit`` is missing,
    the beacon root is missing from Ecotone (or present before), a transaction does not decode, a
    deposit follows a sequenced transaction, a deposit is a system transaction (Regolith), a
    deposit's gas exceeds the gas left, or a sequenced transaction is invalid (nonce, funds,
    signature, fee cap, intrinsic gas, block gas).
    """
    config, params = state.config, state.params
    parent = state.head.header
    ts = attrs.timestamp
    if ts <= parent.timestamp:
        return _invalid(state, f"timestamp {ts} does not advance past {parent.timestamp}")
    if attrs.gas_limit is None:
        return _invalid(state, "gasLimit is required in rollup payload attributes")
    ecotone = config.is_ecotone(ts)
    if ecotone and attrs.parent_beacon_block_root is None:
        return _invalid(state, "parentBeaconBlockRoot is required from Ecotone")
    if not ecotone and attrs.parent_beacon_block_root is not None:
        return _invalid(state, "parentBeaconBlockRoot must be absent before Ecotone")
    if not attrs.transactions or not is_deposit_tx(attrs.transactions[0]):
        return _invalid(state, "the first transaction must be the L1 info deposit")

    prev_hashes = tuple(b.hash for b in reversed(state.blocks[-BLOCK_HASH_HISTORY:]))
    env = evm.BlockEnv(
        number=parent.number + 1,
        timestamp=ts,
        coinbase=attrs.suggested_fee_recipient,
        gas_limit=attrs.gas_limit,
        base_fee=next_base_fee(params, config, parent, ts),
        prev_randao=attrs.prev_randao,
        chain_id=config.l2_chain_id,
        prev_hashes=prev_hashes,
    )
    world = state.world
    if ecotone and attrs.parent_beacon_block_root is not None:
        world = evm.set_beacon_root(world, env, attrs.parent_beacon_block_root)

    canyon = config.is_canyon(ts)
    receipts: list[L2Receipt] = []
    gas_used = 0
    seen_sequenced = False
    for index, raw in enumerate(attrs.transactions):
        if is_deposit_tx(raw):
            if seen_sequenced:
                return _invalid(state, f"tx {index}: deposit after a sequenced transaction")
            try:
                dep: DepositTx = decode_deposit_tx(raw)
            except DecodingError as exc:
                return _invalid(state, f"tx {index}: malformed deposit: {exc}")
            if dep.is_system_tx:
                return _invalid(state, f"tx {index}: system transactions are disabled (Regolith)")
            if dep.gas > env.gas_limit - gas_used:
                return _invalid(state, f"tx {index}: deposit gas exceeds the block gas left")
            done = evm.apply_deposit(
                world,
                env,
                sender=dep.from_,
                to=dep.to,
                mint=dep.mint,
                value=dep.value,
                gas=dep.gas,
                data=dep.data,
            )
            world, outcome = done.state, done.receipt
            gas_used += outcome.gas_used
            receipts.append(
                L2Receipt(
                    tx_type=0x7E,
                    status=outcome.status,
                    cumulative_gas_used=gas_used,
                    logs=outcome.logs,
                    deposit_nonce=outcome.deposit_nonce if canyon else None,
                    deposit_receipt_version=DEPOSIT_RECEIPT_VERSION if canyon else None,
                    gas_used=outcome.gas_used,
                    contract_address=outcome.contract_address,
                )
            )
            continue
        seen_sequenced = True
        try:
            tx = evm.decode_signed_transaction(raw)
        except DecodingError as exc:
            return _invalid(state, f"tx {index}: {exc}")
        rules = evm.FeeRules(
            base_fee_recipient=BASE_FEE_VAULT,
            extra_fee=l1_cost(config, world, raw, ts),
            extra_fee_recipient=L1_FEE_VAULT,
        )
        result = evm.apply_transaction(
            world, env, tx, gas_available=env.gas_limit - gas_used, fee_rules=rules
        )
        if isinstance(result, evm.TxInvalid):
            return _invalid(state, f"tx {index}: {result.reason}")
        world = result.state
        gas_used += result.receipt.gas_used
        receipts.append(
            L2Receipt(
                tx_type=tx.tx_type,
                status=result.receipt.status,
                cumulative_gas_used=gas_used,
                logs=result.receipt.logs,
                gas_used=result.receipt.gas_used,
                contract_address=result.receipt.contract_address,
            )
        )

    withdrawals, blob_gas = _empty_roots(config, ts)
    all_logs = [log for r in receipts for log in r.logs]
    header = L2Header(
        parent_hash=parent.hash,
        fee_recipient=attrs.suggested_fee_recipient,
        state_root=world.root,
        transactions_root=ordered_trie_root(list(attrs.transactions)),
        receipts_root=ordered_trie_root([encode_receipt(r) for r in receipts]),
        logs_bloom=evm.logs_bloom(all_logs),
        number=env.number,
        gas_limit=env.gas_limit,
        gas_used=gas_used,
        timestamp=ts,
        extra_data=b"",
        prev_randao=attrs.prev_randao,
        base_fee=env.base_fee,
        withdrawals_root=withdrawals,
        blob_gas_used=blob_gas,
        excess_blob_gas=blob_gas,
        parent_beacon_block_root=attrs.parent_beacon_block_root if ecotone else None,
    )
    try:
        origin, seq = l1_origin_of(attrs.transactions, header.number, config.genesis)
    except DecodingError as exc:
        return _invalid(state, f"the first transaction is not an L1 info deposit: {exc}")
    block = L2Block(header, tuple(attrs.transactions), tuple(receipts), origin, seq)
    new_state = replace(state, blocks=(*state.blocks, block), states=(*state.states, world))
    return BuildResult(True, new_state, block, None)
