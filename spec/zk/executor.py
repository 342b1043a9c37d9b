"""The Etrog batch executor: ``batchL2Data`` applied to the Poseidon-SMT state.

This is the state transition a Polygon zkEVM batch proof attests (zkevm-rom ``main/main.zkasm`` and
the files it includes; the JavaScript reference is zkevm-commonjs ``src/processor.js``, class
``Processor``, ``executeTxs``). Where the two differ, the ROM is followed, and the difference is
noted at the rule.

The state between batches is an account set (address → :class:`~l2spec.spec.zk.smt.ZkAccount`:
balance, nonce, code, storage); its root is :func:`~l2spec.spec.zk.smt.state_root`.

:func:`execute_batch` proceeds as the ROM does:

1. **Parse** the whole of ``batchL2Data`` first (:func:`~l2spec.spec.zk.tx_encoding.decode_batch_l2_data`).
   Any parse error — bad RLP, a non-forced batch not starting with a changeL2Block, a changeL2Block
   in a forced batch — makes the **batch invalid**: no transaction runs and the state root is the
   old one (``handleBatchError`` / ``appendTxsInit``). Empty ``batchL2Data`` is a valid batch with
   no block at all (``batchL2DataLength == 0`` jumps straight to ``finalizeBatch``).
2. A **forced** batch (``forcedBlockHashL1 != 0``) opens one block before its first transaction
   (``handleForcedBatch``): its timestamp is ``max(previous, timestampLimit)`` (``timestampLimit`` is
   the forced batch's timestamp), its global exit root is the context's ``l1InfoRoot`` field (which
   for a forced batch carries the forced GER) and its L1 block hash is ``forcedBlockHashL1``.
3. Each **changeL2Block** closes the open block and opens a new one
   (``process-change-l2-block.zkasm``):

   - the state root at this point is stored in the system contract under the old block number and
     the block number is incremented (:func:`~l2spec.spec.zk.system_contracts.start_block`);
   - ``timestamp = previous + deltaTimestamp``; above ``timestampLimit`` the batch is invalid
     (``invalid_change_l2_block_limit_timestamp``);
   - if ``indexL1InfoTree != 0``: the L1-info leaf ``keccak(GER ‖ blockHash ‖ uint64 timestamp)``
     (with the all-zero-data leaf read as 0) must verify against ``l1InfoRoot`` with the supplied
     proof; a zero leaf makes the batch invalid (``invalid_l1_info_tree_index``); a timestamp below
     the leaf's makes it invalid (``invalid_change_l2_block_min_timestamp``); otherwise
     ``globalExitRootMap[GER] = blockHash`` in the L2 GER manager unless already set;
   - a new block info tree is started (:mod:`~l2spec.spec.zk.block_info`).

4. Each **L2 transaction** is checked in the ROM's order (``process-tx.zkasm`` A–E): signature,
   sender without code (EIP-3607), chain id, nonce, gas limit ≤ 30 000 000, gas limit ≥ intrinsic
   gas (21000, or 53000 for a creation, + 4/16 per zero/non-zero data byte), balance ≥
   ``gasLimit·effectiveGasPrice + value``. A failing transaction is **skipped**: no state change, no
   receipt, no tx index (``handleIntrinsicError``). A passing one runs in the EVM; a revert or other
   EVM error still charges gas and bumps the nonce (status 0). Its receipt goes into the block info
   tree (tx hash, status, cumulative gas, logs, effective percentage).
5. **Closing a block** sets the block's gas used in its info tree and stores the tree's root in the
   system contract's slot 3 (``consolidateBlock``). zkevm-commonjs only closes a block when the
   transaction before the next changeL2Block was not skipped; the ROM always does, and so does this.
6. At the end, ``newLocalExitRoot`` is read from slot 1 of the L2 GER manager, and
   ``batchHashData`` / ``newAccInputHash`` are computed (:mod:`~l2spec.spec.zk.batch`).

An invalid batch keeps the old state but still yields ``batchHashData``, ``newAccInputHash`` and
the old ``newLocalExitRoot`` (the batch is still sequenced and proven, as a no-op).

EVM: transactions run on py-evm's **Berlin** state machine (zkevm-commonjs runs its EVM with
``Hardfork.Berlin``): legacy transactions only, no base fee, refunds capped at half the gas used
(as the ROM's ``handleGas``), EIP-2929 warm/cold costs. The execution context is the zkEVM's: coinbase
= the sequencer (which receives ``gasUsed · effectiveGasPrice``), ``NUMBER`` = the L2 block number,
``TIMESTAMP`` = the block timestamp, ``DIFFICULTY`` = 0, ``GASLIMIT`` = ``2^50``, ``GASPRICE`` = the
effective gas price, and ``BLOCKHASH(n)`` = the state root stored for block ``n`` in the system
contract (here limited to the 256 previous blocks, py-evm's window). The gas price charged is the
**effective gas price** ``gasPrice·(pct+1)/256`` (:mod:`~l2spec.spec.zk.effective_gas_price`).

Known zkEVM deviations that are **not** modelled (none is exercised by the upstream processor
vectors): ``SELFDESTRUCT`` is ``SENDALL`` on the zkEVM (no account deletion, no refund); the zkEVM
supports only the ecrecover, identity, modexp, ecAdd, ecMul, ecPairing and sha256 precompiles;
EIP-3541 (code starting with ``0xEF`` is refused) is enforced by the ROM but not by Berlin; the ROM's
zk-counter limits (out-of-counters batches) are not modelled; ``EXTCODEHASH`` and code storage use
keccak here, as on the zkEVM, while the SMT keeps the Poseidon code hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from eth.constants import BLANK_ROOT_HASH, CREATE_CONTRACT_ADDRESS
from eth.db.account import AccountDB
from eth.db.atomic import AtomicDB
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.berlin.state import BerlinState
from eth_typing import BlockNumber

from l2spec.errors import ConfigError, L2SpecError
from l2spec.spec.common.l1 import Log
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, address, hash32
from l2spec.spec.zk import block_info, system_contracts
from l2spec.spec.zk.batch import acc_input_hash_etrog, batch_hash_data
from l2spec.spec.zk.effective_gas_price import effective_gas_price
from l2spec.spec.zk.exit_roots import L1_INFO_DATA_ZERO, l1_info_leaf, verify_merkle_proof
from l2spec.spec.zk.goldilocks import H4
from l2spec.spec.zk.smt import ZkAccount, state_root
from l2spec.spec.zk.system_contracts import Accounts
from l2spec.spec.zk.tx_encoding import (
    INVALID_TX_CHAIN_ID,
    INVALID_TX_SIGNATURE,
    ChangeL2Block,
    L2Tx,
    check_chain_id,
    decode_batch_l2_data,
    recover_sender,
)

# --- constants (zkevm-rom ``main/constants.zkasm``) ---------------------------------------------------

TX_GAS_LIMIT = 30_000_000
"""A transaction may not ask for more gas than this (``%TX_GAS_LIMIT``)."""

BASE_TX_GAS = 21_000
BASE_TX_DEPLOY_GAS = 53_000
TX_DATA_ZERO_GAS = 4
TX_DATA_NONZERO_GAS = 16

# --- reasons (zkevm-rom ``eventLog(onError, …)`` names) ------------------------------------------------

INVALID_LIMIT_TIMESTAMP = "invalid_change_l2_block_limit_timestamp"
INVALID_MIN_TIMESTAMP = "invalid_change_l2_block_min_timestamp"
INVALID_L1_INFO_TREE_INDEX = "invalid_l1_info_tree_index"

INTRINSIC_INVALID_SENDER_CODE = "intrinsic_invalid_sender_code"
INTRINSIC_INVALID_NONCE = "intrinsic_invalid_nonce"
INTRINSIC_INVALID_BATCH_GAS_LIMIT = "intrinsic_invalid_batch_gas_limit"
INTRINSIC_INVALID_GAS_LIMIT = "intrinsic_invalid_gas_limit"
INTRINSIC_INVALID_BALANCE = "intrinsic_invalid_balance"


# --- inputs and outputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class L1InfoLeaf:
    """One leaf of the L1 info tree as the executor input carries it (``l1InfoTree[index]``)."""

    global_exit_root: Hash32
    block_hash: Hash32
    timestamp: int
    smt_proof: tuple[Hash32, ...]


@dataclass(frozen=True)
class BatchContext:
    """What the prover is told besides the pre-state and ``batchL2Data`` (executor input fields).

    ``l1_info`` must hold every leaf a changeL2Block of the batch references; an index that has no
    leaf here is taken as an empty leaf of the tree (as an index past the tree's last leaf is),
    which makes the batch invalid. For a forced batch ``l1_info_root`` is the forced global exit
    root and ``timestamp_limit`` the forced timestamp (``sequenceForceBatches``).
    """

    chain_id: int
    fork_id: int
    sequencer: Address
    timestamp_limit: int
    l1_info_root: Hash32
    forced_block_hash_l1: Hash32 = ZERO_HASH
    l1_info: Mapping[int, L1InfoLeaf] = field(default_factory=lambda: MappingProxyType({}))
    old_acc_input_hash: Hash32 = ZERO_HASH

    @property
    def is_forced(self) -> bool:
        """``isForced``: the batch is forced iff ``forcedBlockHashL1`` is non-zero."""
        return any(self.forced_block_hash_l1)


@dataclass(frozen=True)
class TxOutcome:
    """What happened to one L2 transaction of the batch.

    ``included`` is False for a skipped transaction (``reason`` = the ROM's intrinsic error name);
    an included one has a receipt (``status`` 1, or 0 with ``reason`` = the EVM error).
    ``position`` is its index among the batch's items (changeL2Blocks included).
    """

    position: int
    block_number: int
    included: bool
    reason: str = ""
    status: int = 0
    gas_used: int = 0
    cumulative_gas_used: int = 0
    logs: tuple[Log, ...] = ()
    contract_address: Address | None = None
    l2_tx_hash: H4 | None = None


@dataclass(frozen=True)
class BlockOutcome:
    """One L2 block the batch produced."""

    number: int
    timestamp: int
    global_exit_root: Hash32
    block_hash_l1: Hash32
    previous_block_hash: H4
    gas_used: int
    block_info_root: H4


@dataclass(frozen=True)
class BatchResult:
    """The outcome of :func:`execute_batch`. ``invalid_reason`` is ``None`` for a valid batch;
    for an invalid one the state is the pre-state and ``detail`` says why."""

    old_state_root: H4
    new_state_root: H4
    new_local_exit_root: Hash32
    batch_hash_data: Hash32
    new_acc_input_hash: Hash32
    accounts: Accounts
    blocks: tuple[BlockOutcome, ...] = ()
    txs: tuple[TxOutcome, ...] = ()
    invalid_reason: str | None = None
    detail: str = ""


# --- py-evm at the state level -------------------------------------------------------------------------------


class _RecordingAccountDB(AccountDB):
    """py-evm's account database, remembering every address and storage slot written, so the
    executor knows which accounts (and slots) to copy back into the account set."""

    def __init__(self, db: Any, state_root: Any) -> None:
        super().__init__(db, state_root)
        self.touched: set[bytes] = set()
        self.touched_slots: dict[bytes, set[int]] = {}

    def set_storage(self, address: Any, slot: int, value: int) -> None:
        self.touched.add(bytes(address))
        self.touched_slots.setdefault(bytes(address), set()).add(int(slot))
        super().set_storage(address, slot, value)

    def delete_storage(self, address: Any) -> None:
        self.touched.add(bytes(address))
        super().delete_storage(address)

    def set_balance(self, address: Any, balance: int) -> None:
        self.touched.add(bytes(address))
        super().set_balance(address, balance)

    def set_nonce(self, address: Any, nonce: int) -> None:
        self.touched.add(bytes(address))
        super().set_nonce(address, nonce)

    def set_code(self, address: Any, code: bytes) -> None:
        self.touched.add(bytes(address))
        super().set_code(address, code)

    def delete_account(self, address: Any) -> None:
        self.touched.add(bytes(address))
        super().delete_account(address)


class _ZkState(BerlinState):
    """Berlin state over :class:`_RecordingAccountDB`."""

    account_db_class = _RecordingAccountDB


class _TxMessage:
    """What py-evm's executor reads from a transaction: the decoded custom tx with its recovered
    sender, priced at the effective gas price (no signature object is needed)."""

    access_list: tuple[Any, ...] = ()
    r = 0
    s = 0
    y_parity = 0

    def __init__(self, tx: L2Tx, sender: Address, gas_price: int, intrinsic: int) -> None:
        self.sender = sender
        self.to = CREATE_CONTRACT_ADDRESS if tx.to is None else tx.to
        self.value = tx.value
        self.gas = tx.gas_limit
        self.data = tx.data
        self.nonce = tx.nonce
        self.gas_price = gas_price
        self.intrinsic_gas = intrinsic


def intrinsic_gas(tx: L2Tx) -> int:
    """``process-tx.zkasm`` §E: 21000 (53000 for a creation) + 4 per zero and 16 per non-zero data
    byte (no access lists, no init-code word cost)."""
    zeros = tx.data.count(0)
    base = BASE_TX_DEPLOY_GAS if tx.to is None else BASE_TX_GAS
    return base + TX_DATA_ZERO_GAS * zeros + TX_DATA_NONZERO_GAS * (len(tx.data) - zeros)


@dataclass(frozen=True)
class _Env:
    number: int
    timestamp: int
    coinbase: Address
    chain_id: int
    prev_hashes: tuple[Hash32, ...]


def _load(accounts: Accounts, env: _Env) -> _ZkState:
    context = ExecutionContext(
        coinbase=env.coinbase,
        timestamp=env.timestamp,
        block_number=BlockNumber(env.number),
        difficulty=0,
        mix_hash=ZERO_HASH,
        gas_limit=block_info.BLOCK_GAS_LIMIT,
        prev_hashes=env.prev_hashes,
        chain_id=env.chain_id,
    )
    state = _ZkState(AtomicDB(), context, BLANK_ROOT_HASH)
    for who, account in accounts.items():
        state.set_balance(who, account.balance)
        state.set_nonce(who, account.nonce)
        if account.code:
            state.set_code(who, bytes(account.code))
        for slot, value in account.storage.items():
            state.set_storage(who, slot, value)
    # The loaded pre-state is the transaction's *original* state: EIP-2200/2929 SSTORE gas depends
    # on the value a slot held when the transaction began, which py-evm reads from the last locked
    # journal checkpoint. Without this lock every pre-existing slot would look originally zero.
    state.lock_changes()
    db = _account_db(state)
    db.touched.clear()
    db.touched_slots.clear()
    return state


def _account_db(state: _ZkState) -> _RecordingAccountDB:
    db = state._account_db
    if not isinstance(db, _RecordingAccountDB):  # pragma: no cover - _ZkState always makes one
        raise TypeError("the zkEVM state runs over a recording account database")
    return db


def _read_back(accounts: Accounts, state: _ZkState) -> Accounts:
    """``accounts`` updated with every account the EVM wrote (``processor.js``: the touched
    accounts are copied into the SMT; zero fields drop out)."""
    db = _account_db(state)
    result = dict(accounts)
    for raw in sorted(db.touched):
        who = Address(raw)
        old = accounts.get(who, ZkAccount())
        slots = set(old.storage) | db.touched_slots.get(raw, set())
        storage = {s: int(state.get_storage(who, s)) for s in sorted(slots)}
        account = ZkAccount(
            balance=int(state.get_balance(who)),
            nonce=int(state.get_nonce(who)),
            code=bytes(state.get_code(who)),
            storage={s: v for s, v in storage.items() if v},
        )
        if account.balance or account.nonce or account.code or account.storage:
            result[who] = account
        else:
            result.pop(who, None)
    return MappingProxyType(result)


def _run_tx(
    accounts: Accounts, env: _Env, tx: L2Tx, sender: Address, gas_price: int, intrinsic: int
) -> tuple[Accounts, TxOutcome]:
    state = _load(accounts, env)
    message: Any = _TxMessage(tx, sender, gas_price, intrinsic)
    executor = state.get_transaction_executor()
    computation = executor.build_computation(executor.build_evm_message(message), message)
    computation = executor.finalize_computation(message, computation)
    gas_remaining = int(computation.get_gas_remaining())
    used_before_refund = tx.gas_limit - gas_remaining
    refund = min(int(computation.get_gas_refund()), used_before_refund // 2)
    ok = not computation.is_error
    logs = tuple(
        Log(
            address=Address(bytes(addr)),
            topics=tuple(Hash32(t.to_bytes(32, "big")) for t in topics),
            data=bytes(data),
        )
        for addr, topics, data in (computation.get_log_entries() if ok else ())
    )
    created = computation.msg.storage_address if computation.msg.is_create and ok else None
    outcome = TxOutcome(
        position=-1,
        block_number=env.number,
        included=True,
        reason="" if ok else repr(computation.error),
        status=1 if ok else 0,
        gas_used=used_before_refund - refund,
        logs=logs,
        contract_address=Address(bytes(created)) if created else None,
    )
    return _read_back(accounts, state), outcome


# --- blocks ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OpenBlock:
    number: int
    timestamp: int
    global_exit_root: Hash32
    block_hash_l1: Hash32
    previous_block_hash: H4
    tree: block_info.BlockInfoTree
    cumulative_gas_used: int = 0
    tx_index: int = 0
    log_index: int = 0


@dataclass(frozen=True)
class _BatchInvalid:
    reason: str
    detail: str


def _l1_info_check(
    change: ChangeL2Block, timestamp: int, context: BatchContext
) -> _BatchInvalid | L1InfoLeaf:
    """The L1-info rules of a changeL2Block with a non-zero index (``verifyMerkleProof``)."""
    index = change.index_l1_info_tree
    leaf = context.l1_info.get(index)
    if leaf is None:
        return _BatchInvalid(
            INVALID_L1_INFO_TREE_INDEX,
            f"no L1 info leaf is given for index {index}: taken as an empty leaf",
        )
    value = l1_info_leaf(leaf.global_exit_root, leaf.block_hash, leaf.timestamp)
    if value == L1_INFO_DATA_ZERO:
        value = ZERO_HASH
    if not verify_merkle_proof(value, leaf.smt_proof, index, context.l1_info_root):
        raise ConfigError(
            f"the L1 info leaf given for index {index} does not verify against l1InfoRoot "
            "(the ROM's assert fails: no proof of this batch exists with this input)"
        )
    if value == ZERO_HASH:
        return _BatchInvalid(INVALID_L1_INFO_TREE_INDEX, f"L1 info leaf {index} is empty")
    if timestamp < leaf.timestamp:
        return _BatchInvalid(
            INVALID_MIN_TIMESTAMP,
            f"block timestamp {timestamp} is below the L1 info leaf's {leaf.timestamp}",
        )
    return leaf


def _open_block(
    accounts: Accounts, change: ChangeL2Block | None, context: BatchContext
) -> tuple[Accounts, _OpenBlock] | _BatchInvalid:
    """``processChangeL2Block`` (``change`` is ``None`` for the forced batch's implicit block)."""
    previous_block_hash = state_root(accounts)
    accounts, number = system_contracts.start_block(accounts, previous_block_hash)
    current = system_contracts.last_timestamp(accounts)
    if context.is_forced or change is None:
        timestamp = max(current, context.timestamp_limit)
        if timestamp != current:
            accounts = system_contracts.set_timestamp(accounts, timestamp)
        ger, block_hash_l1 = context.l1_info_root, context.forced_block_hash_l1
    else:
        timestamp = current + change.delta_timestamp
        if timestamp > context.timestamp_limit:
            return _BatchInvalid(
                INVALID_LIMIT_TIMESTAMP,
                f"block timestamp {timestamp} is above timestampLimit {context.timestamp_limit}",
            )
        accounts = system_contracts.set_timestamp(accounts, timestamp)
        ger, block_hash_l1 = ZERO_HASH, ZERO_HASH
        if change.index_l1_info_tree != 0:
            checked = _l1_info_check(change, timestamp, context)
            if isinstance(checked, _BatchInvalid):
                return checked
            ger, block_hash_l1 = checked.global_exit_root, checked.block_hash
    accounts = system_contracts.import_global_exit_root(accounts, ger, block_hash_l1)
    tree = block_info.init_block_header(
        previous_block_hash=previous_block_hash,
        coinbase=context.sequencer,
        block_number=number,
        timestamp=timestamp,
        global_exit_root=ger,
        block_hash_l1=block_hash_l1,
    )
    return accounts, _OpenBlock(number, timestamp, ger, block_hash_l1, previous_block_hash, tree)


def _close_block(accounts: Accounts, block: _OpenBlock) -> tuple[Accounts, BlockOutcome]:
    """``consolidateBlock``: gas used into the info tree, its root into system slot 3."""
    tree = block_info.set_gas_used(block.tree, block.cumulative_gas_used)
    root = block_info.block_info_root(tree)
    accounts = system_contracts.set_block_info_root(accounts, root)
    outcome = BlockOutcome(
        number=block.number,
        timestamp=block.timestamp,
        global_exit_root=block.global_exit_root,
        block_hash_l1=block.block_hash_l1,
        previous_block_hash=block.previous_block_hash,
        gas_used=block.cumulative_gas_used,
        block_info_root=root,
    )
    return accounts, outcome


def _skip_reason(accounts: Accounts, tx: L2Tx, sender: Address | None, chain_id: int) -> str | None:
    """The ROM's intrinsic checks, in its order (``process-tx.zkasm`` A–E)."""
    if sender is None:
        return INVALID_TX_SIGNATURE
    account = accounts.get(sender, ZkAccount())
    if account.code:
        return INTRINSIC_INVALID_SENDER_CODE
    if not check_chain_id(tx, chain_id):
        return INVALID_TX_CHAIN_ID
    if tx.nonce != account.nonce:
        return INTRINSIC_INVALID_NONCE
    if tx.gas_limit > TX_GAS_LIMIT:
        return INTRINSIC_INVALID_BATCH_GAS_LIMIT
    if tx.gas_limit < intrinsic_gas(tx):
        return INTRINSIC_INVALID_GAS_LIMIT
    price = effective_gas_price(tx.gas_price, tx.effective_percentage)
    if account.balance < tx.gas_limit * price + tx.value:
        return INTRINSIC_INVALID_BALANCE
    return None


def _prev_hashes(accounts: Accounts, number: int) -> tuple[Hash32, ...]:
    """``BLOCKHASH`` answers for blocks ``number-1``, ``number-2``, … (newest first, at most 256)."""
    return tuple(
        system_contracts.block_hash(accounts, n)
        for n in range(number - 1, max(-1, number - 257), -1)
    )


def _process_tx(
    accounts: Accounts, block: _OpenBlock, tx: L2Tx, position: int, context: BatchContext
) -> tuple[Accounts, _OpenBlock, TxOutcome]:
    sender = tx.sender if tx.sender is not None else recover_sender(tx)
    reason = _skip_reason(accounts, tx, sender, context.chain_id)
    if reason is not None or sender is None:
        return accounts, block, TxOutcome(position, block.number, False, reason or "")
    price = effective_gas_price(tx.gas_price, tx.effective_percentage)
    env = _Env(
        block.number,
        block.timestamp,
        context.sequencer,
        context.chain_id,
        _prev_hashes(accounts, block.number),
    )
    accounts, ran = _run_tx(accounts, env, tx, sender, price, intrinsic_gas(tx))
    cumulative = block.cumulative_gas_used + ran.gas_used
    l2_hash = block_info.l2_tx_hash(
        nonce=tx.nonce,
        gas_price=tx.gas_price,
        gas_limit=tx.gas_limit,
        to=tx.to,
        value=tx.value,
        data=tx.data,
        chain_id=tx.chain_id,
        sender=sender,
    )
    tree = block_info.add_tx_receipt(
        block.tree,
        tx_index=block.tx_index,
        l2_hash=l2_hash,
        status=ran.status,
        cumulative_gas_used=cumulative,
        logs=[block_info.TxLog(log.data, log.topics) for log in ran.logs],
        first_log_index=block.log_index,
        effective_percentage=tx.effective_percentage,
    )
    block = _OpenBlock(
        block.number,
        block.timestamp,
        block.global_exit_root,
        block.block_hash_l1,
        block.previous_block_hash,
        tree,
        cumulative,
        block.tx_index + 1,
        block.log_index + len(ran.logs),
    )
    outcome = TxOutcome(
        position=position,
        block_number=block.number,
        included=True,
        reason=ran.reason,
        status=ran.status,
        gas_used=ran.gas_used,
        cumulative_gas_used=cumulative,
        logs=ran.logs,
        contract_address=ran.contract_address,
        l2_tx_hash=l2_hash,
    )
    return accounts, block, outcome


# --- the batch ----------------------------------------------------------------------------------------------------


def execute_batch(
    pre_state: Mapping[Address, ZkAccount], batch_l2_data: bytes, context: BatchContext
) -> BatchResult:
    """Apply one batch to ``pre_state`` (the Etrog rules above). Never raises for any
    ``batch_l2_data``: an invalid batch is a :class:`BatchResult` with ``invalid_reason`` set.

    Raises :class:`~l2spec.errors.ConfigError` only when the context contradicts itself (an L1
    info leaf whose proof does not verify against ``l1_info_root``: no proof could exist).
    """
    if not isinstance(batch_l2_data, bytes | bytearray):
        raise L2SpecError("batch_l2_data must be bytes")
    data = bytes(batch_l2_data)
    pre: Accounts = MappingProxyType({address(k): v for k, v in pre_state.items()})
    old_root = state_root(pre)
    batch_hash = batch_hash_data(data)
    new_acc = acc_input_hash_etrog(
        hash32(context.old_acc_input_hash),
        batch_hash,
        hash32(context.l1_info_root),
        context.timestamp_limit,
        context.sequencer,
        hash32(context.forced_block_hash_l1),
    )

    def result(
        accounts: Accounts,
        blocks: tuple[BlockOutcome, ...] = (),
        txs: tuple[TxOutcome, ...] = (),
        invalid: _BatchInvalid | None = None,
    ) -> BatchResult:
        return BatchResult(
            old_state_root=old_root,
            new_state_root=state_root(accounts),
            new_local_exit_root=system_contracts.local_exit_root(accounts),
            batch_hash_data=batch_hash,
            new_acc_input_hash=new_acc,
            accounts=accounts,
            blocks=blocks,
            txs=txs,
            invalid_reason=None if invalid is None else invalid.reason,
            detail="" if invalid is None else invalid.detail,
        )

    if not data:
        return result(pre)
    decoded = decode_batch_l2_data(data, is_forced=context.is_forced, fork_id=context.fork_id)
    if decoded.invalid_reason is not None:
        return result(pre, invalid=_BatchInvalid(decoded.invalid_reason, decoded.detail))

    accounts = pre
    blocks: list[BlockOutcome] = []
    outcomes: list[TxOutcome] = []
    block: _OpenBlock | None = None
    if context.is_forced:
        opened = _open_block(accounts, None, context)
        if isinstance(opened, _BatchInvalid):  # pragma: no cover - a forced block cannot fail
            return result(pre, invalid=opened)
        accounts, block = opened
    for position, item in enumerate(decoded.txs):
        if isinstance(item, ChangeL2Block):
            if block is not None:
                accounts, closed = _close_block(accounts, block)
                blocks.append(closed)
            opened = _open_block(accounts, item, context)
            if isinstance(opened, _BatchInvalid):
                return result(pre, invalid=opened)
            accounts, block = opened
        else:
            if block is None:  # pragma: no cover - the decoder guarantees a first changeL2Block
                return result(pre, invalid=_BatchInvalid("invalidNotFirstTxChangeL2Block", ""))
            accounts, block, outcome = _process_tx(accounts, block, item, position, context)
            outcomes.append(outcome)
    if block is not None:
        accounts, closed = _close_block(accounts, block)
        blocks.append(closed)
    return result(accounts, tuple(blocks), tuple(outcomes))
