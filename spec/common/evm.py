"""The EVM world state and transaction execution, on py-evm at the state level.

This module is the spec's execution layer: a :class:`WorldState` is an immutable handle (a node
database and a state root); every operation returns a new handle and leaves the old one valid,
because trie nodes are content-addressed. Execution is py-evm's Cancun state machine (the EVM of
OP Ecotone/Fjord: EIP-1153, EIP-4788, EIP-5656, EIP-7516, EIP-3860, EIP-3651, PUSH0), driven one
transaction at a time, never through ``MiningChain`` (see ``/work/shared/design/tooling.md``).

What this module adds to py-evm, each following a named rule:

- **Validation of signed transactions** the way go-ethereum's ``core/state_transition.go``
  (``preCheck``, ``buyGas``, ``innerTransitionDb``) orders it: chain id, nonce, EIP-3607 (sender
  has no code), fee cap versus tip and base fee, balance for ``gas * feeCap + value + extraCost``,
  block gas, intrinsic gas (EIP-2028/2930/3860), init-code size (EIP-3860). A failure is a
  :class:`TxInvalid` value, never an exception. Blob transactions (type 3) are invalid (OP
  ``exec-engine.md`` §Ecotone: disable Blob-transactions).
- **Fee routing hooks** (:class:`FeeRules`): the base fee can go to an account instead of being
  burned, and an extra fee (OP's L1 cost) can be charged to the sender and credited to an account
  (OP ``exec-engine.md`` §Fees).
- **Deposit execution** (:func:`apply_deposit`), OP ``specs/protocol/deposits.md`` §Execution with
  the Regolith rules: mint first (kept whatever happens), no fee, no nonce check; a failure that is
  not an EVM error (too little intrinsic gas, value above the balance, init code too large) rolls
  back to after the mint, bumps the nonce and uses all of the deposit's gas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth.constants import CREATE_CONTRACT_ADDRESS
from eth.db.atomic import AtomicDB
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun import CancunVM
from eth.vm.forks.cancun.constants import BEACON_ROOTS_ADDRESS, BEACON_ROOTS_CONTRACT_CODE
from eth.vm.forks.cancun.state import CancunState, CancunTransactionExecutor
from eth_typing import BlockNumber
from eth_utils.exceptions import ValidationError as EvmValidationError

from l2spec.errors import DecodingError, ExecutionError
from l2spec.spec.common import trie
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.l1 import Log
from l2spec.spec.common.types import ZERO_ADDRESS, Address, Hash32, address, hash32

EMPTY_ROOT: Hash32 = trie.EMPTY_TRIE_ROOT

# Gas schedule of intrinsic gas (Yellow Paper g_transaction etc.; EIP-2028, EIP-2930, EIP-3860).
TX_GAS = 21_000
TX_CREATE_GAS = 32_000
TX_DATA_ZERO_GAS = 4
TX_DATA_NONZERO_GAS = 16
ACCESS_LIST_ADDRESS_GAS = 2_400
ACCESS_LIST_STORAGE_KEY_GAS = 1_900
INITCODE_WORD_GAS = 2
MAX_INITCODE_SIZE = 49_152
"""EIP-3860: ``2 * MAX_CODE_SIZE``."""

HISTORY_BUFFER_LENGTH = 8191
"""EIP-4788 ring buffer size of the beacon roots contract."""

BLOB_TX_TYPE = 3


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocAccount:
    """One account of a genesis allocation."""

    balance: int = 0
    nonce: int = 0
    code: bytes = b""
    storage: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WorldState:
    """The world state: the trie node database and the state root.

    The database only grows (content-addressed nodes), so every root ever returned stays readable.
    """

    db: AtomicDB = field(compare=False, repr=False)
    root: Hash32


@dataclass(frozen=True)
class BlockEnv:
    """The block context transactions run in (what the ``COINBASE`` … ``BLOBBASEFEE`` opcodes see).

    ``prev_hashes`` are the hashes of the previous blocks, newest first (for ``BLOCKHASH``).
    ``excess_blob_gas`` is 0 on OP chains, which carry no blobs, so ``BLOBBASEFEE`` is 1.
    """

    number: int
    timestamp: int
    coinbase: Address
    gas_limit: int
    base_fee: int
    prev_randao: Hash32
    chain_id: int
    prev_hashes: tuple[Hash32, ...] = ()
    excess_blob_gas: int = 0


@dataclass(frozen=True)
class FeeRules:
    """How a sequenced (non-deposit) transaction's fees move, besides the priority fee to the
    coinbase. ``base_fee_recipient`` ``None`` burns the base fee (Ethereum); ``extra_fee`` is charged
    to the sender with the gas and credited to ``extra_fee_recipient`` (OP: the L1 cost)."""

    base_fee_recipient: Address | None = None
    extra_fee: int = 0
    extra_fee_recipient: Address | None = None


@dataclass(frozen=True)
class TxReceipt:
    """The outcome of one included transaction.

    ``gas_used`` is this transaction's own gas (not cumulative). ``deposit_nonce`` is the sender's
    nonce before a deposit ran (``deposits.md`` §Deposit Receipt), ``None`` for other transactions.
    """

    status: int
    gas_used: int
    logs: tuple[Log, ...]
    contract_address: Address | None
    output: bytes
    error: str | None
    deposit_nonce: int | None = None


@dataclass(frozen=True)
class TxApplied:
    """A transaction was valid and is included: the new state and its receipt."""

    state: WorldState
    receipt: TxReceipt


@dataclass(frozen=True)
class TxInvalid:
    """A transaction cannot be included (the state is unchanged); ``reason`` says which rule."""

    reason: str


@dataclass(frozen=True)
class SignedTx:
    """A decoded signed transaction (legacy, EIP-2930 or EIP-1559), with its recovered sender."""

    raw: bytes
    tx_type: int
    chain_id: int | None
    nonce: int
    gas: int
    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    to: Address | None
    value: int
    data: bytes
    access_list: tuple[tuple[Address, tuple[int, ...]], ...]
    sender: Address
    evm_tx: Any = field(compare=False, repr=False)

    @property
    def hash(self) -> Hash32:
        return keccak256(self.raw)


# --------------------------------------------------------------------------------------------
# Genesis and reads
# --------------------------------------------------------------------------------------------


def _context(env: BlockEnv) -> ExecutionContext:
    return ExecutionContext(
        coinbase=env.coinbase,
        timestamp=env.timestamp,
        block_number=BlockNumber(env.number),
        difficulty=0,
        mix_hash=env.prev_randao,
        gas_limit=env.gas_limit,
        prev_hashes=env.prev_hashes,
        chain_id=env.chain_id,
        base_fee_per_gas=env.base_fee,
        excess_blob_gas=env.excess_blob_gas,
    )


_READ_ENV = BlockEnv(0, 0, ZERO_ADDRESS, 0, 0, Hash32(b"\x00" * 32), 1)


class _State(CancunState):
    """Cancun state whose executor is :class:`_Executor`, and whose priority fee is never
    negative (a deposit has fee cap 0, below the base fee; sequenced transactions were validated to
    have ``feeCap >= baseFee``, so the clamp changes nothing for them)."""

    def get_tip(self, transaction: Any) -> int:
        return max(0, int(super().get_tip(transaction)))


def _open(world: WorldState, env: BlockEnv) -> _State:
    return _State(world.db, _context(env), world.root)


def _close(state: _State, world: WorldState) -> WorldState:
    state.persist()
    return WorldState(world.db, hash32(state.state_root))


def genesis_state(alloc: Mapping[Address, AllocAccount]) -> WorldState:
    """The world state holding exactly ``alloc`` (accounts in any order give the same root)."""
    world = WorldState(AtomicDB(), EMPTY_ROOT)
    state = _open(world, _READ_ENV)
    for who in sorted(alloc):
        acct = alloc[who]
        state.set_balance(address(who), acct.balance)
        state.set_nonce(who, acct.nonce)
        if acct.code:
            state.set_code(who, bytes(acct.code))
        for slot, value in sorted(acct.storage.items()):
            state.set_storage(who, slot, value)
    return _close(state, world)


def get_balance(world: WorldState, who: Address) -> int:
    return int(_open(world, _READ_ENV).get_balance(address(who)))


def get_nonce(world: WorldState, who: Address) -> int:
    return int(_open(world, _READ_ENV).get_nonce(address(who)))


def get_code(world: WorldState, who: Address) -> bytes:
    return bytes(_open(world, _READ_ENV).get_code(address(who)))


def get_storage(world: WorldState, who: Address, slot: int) -> int:
    return int(_open(world, _READ_ENV).get_storage(address(who), slot))


def get_account(world: WorldState, who: Address) -> trie.Account | None:
    """The account record of ``who`` as stored in the state trie (``None`` if absent)."""
    proof = trie.prove_account(world.db, world.root, address(who))
    account: trie.Account | None = proof.account
    return account


def prove_account(world: WorldState, who: Address) -> trie.AccountProof:
    """EIP-1186 account proof of ``who`` against ``world.root`` (built by :mod:`.trie`)."""
    proof: trie.AccountProof = trie.prove_account(world.db, world.root, address(who))
    return proof


def prove_storage(world: WorldState, who: Address, slot: int) -> trie.StorageProof:
    """EIP-1186 storage proof of ``who``'s ``slot`` against its storage root."""
    account = get_account(world, who)
    root = account.storage_root if account is not None else EMPTY_ROOT
    proof: trie.StorageProof = trie.prove_storage(world.db, root, slot)
    return proof


def storage_root(world: WorldState, who: Address) -> Hash32:
    """The storage trie root of ``who`` (the empty root for an absent account)."""
    account = get_account(world, who)
    return account.storage_root if account is not None else EMPTY_ROOT


# --------------------------------------------------------------------------------------------
# Intrinsic gas and transaction decoding
# --------------------------------------------------------------------------------------------


def intrinsic_gas(
    data: bytes,
    is_creation: bool,
    access_list: Sequence[tuple[Address, Sequence[int]]] = (),
) -> int:
    """Gas charged before execution: 21000, +32000 for a creation, 4/16 per zero/non-zero data
    byte (EIP-2028), 2400 per access-list address and 1900 per key (EIP-2930), and 2 per 32-byte
    word of init code (EIP-3860)."""
    zeros = data.count(0)
    gas = TX_GAS + TX_DATA_ZERO_GAS * zeros + TX_DATA_NONZERO_GAS * (len(data) - zeros)
    if is_creation:
        gas += TX_CREATE_GAS + INITCODE_WORD_GAS * ((len(data) + 31) // 32)
    for _, keys in access_list:
        gas += ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_STORAGE_KEY_GAS * len(keys)
    return gas


def decode_signed_transaction(raw: bytes) -> SignedTx:
    """Decode an EIP-2718 transaction (legacy RLP list, type 1 or type 2) and recover its sender.

    Anything that is not a well-formed, validly signed transaction of these types is a
    :class:`DecodingError` (a blob transaction, type 3, included).
    """
    data = bytes(raw)
    if not data:
        raise DecodingError("empty transaction")
    if data[0] == BLOB_TX_TYPE:
        raise DecodingError("blob transactions are not supported on L2 (Ecotone)")
    if data[0] < 0xC0 and data[0] not in (1, 2):
        raise DecodingError(f"unsupported transaction type {data[0]}")
    try:
        tx: Any = CancunVM.get_transaction_builder().decode(data)
        tx.validate()
        sender = Address(bytes(tx.sender))
    except Exception as exc:  # py-evm raises rlp, eth-keys and validation errors of many types
        raise DecodingError(f"malformed or badly signed transaction: {exc}") from exc
    tx_type = data[0] if data[0] < 0xC0 else 0
    if tx_type == 0:
        v = int(tx.v)
        chain_id: int | None = (v - 35) // 2 if v >= 35 else None
        max_fee = priority = int(tx.gas_price)
    else:
        chain_id = int(tx.chain_id)
        max_fee, priority = int(tx.max_fee_per_gas), int(tx.max_priority_fee_per_gas)
    access_list = tuple(
        (Address(bytes(a)), tuple(int(k) for k in keys)) for a, keys in tx.access_list
    )
    return SignedTx(
        raw=data,
        tx_type=tx_type,
        chain_id=chain_id,
        nonce=int(tx.nonce),
        gas=int(tx.gas),
        max_fee_per_gas=max_fee,
        max_priority_fee_per_gas=priority,
        to=None if tx.to == CREATE_CONTRACT_ADDRESS else Address(bytes(tx.to)),
        value=int(tx.value),
        data=bytes(tx.data),
        access_list=access_list,
        sender=sender,
        evm_tx=tx,
    )


# --------------------------------------------------------------------------------------------
# Execution
# --------------------------------------------------------------------------------------------


class _Executor(CancunTransactionExecutor):
    """py-evm's Cancun executor with validation done beforehand by this module, an extra fee
    charged with the gas, and the base fee optionally credited instead of burned."""

    fee_rules: FeeRules = FeeRules()

    def validate_transaction(self, transaction: Any) -> None:
        """Validation already happened (:func:`_check_signed`), in go-ethereum's order."""

    def build_evm_message(self, transaction: Any) -> Any:
        message = super().build_evm_message(transaction)
        if self.fee_rules.extra_fee:
            self.vm_state.delta_balance(transaction.sender, -self.fee_rules.extra_fee)
        return message

    def finalize_computation(self, transaction: Any, computation: Any) -> Any:
        computation = super().finalize_computation(transaction, computation)
        rules = self.fee_rules
        if rules.base_fee_recipient is not None:
            used = _gas_used(transaction.gas, computation)
            fee = used * int(self.vm_state.execution_context.base_fee_per_gas or 0)
            if fee:
                self.vm_state.delta_balance(rules.base_fee_recipient, fee)
        if rules.extra_fee and rules.extra_fee_recipient is not None:
            self.vm_state.delta_balance(rules.extra_fee_recipient, rules.extra_fee)
        return computation


def _gas_used(gas_limit: int, computation: Any) -> int:
    """Gas used after refunds (EIP-3529 cap of one fifth)."""
    before_refund = gas_limit - int(computation.get_gas_remaining())
    refund = min(int(computation.get_gas_refund()), before_refund // 5)
    return before_refund - refund


def _run(state: _State, tx: Any, rules: FeeRules) -> Any:
    executor = _Executor(state)
    executor.fee_rules = rules
    return executor(tx)


def _receipt(tx_gas: int, computation: Any, deposit_nonce: int | None) -> TxReceipt:
    logs = tuple(
        Log(
            address=Address(bytes(addr)),
            topics=tuple(Hash32(t.to_bytes(32, "big")) for t in topics),
            data=bytes(data),
        )
        for addr, topics, data in computation.get_log_entries()
    )
    ok = not computation.is_error
    created = computation.msg.storage_address if computation.msg.is_create and ok else None
    return TxReceipt(
        status=1 if ok else 0,
        gas_used=_gas_used(tx_gas, computation),
        logs=logs if ok else (),
        contract_address=Address(bytes(created)) if created else None,
        output=bytes(computation.output),
        error=None if ok else repr(computation.error),
        deposit_nonce=deposit_nonce,
    )


def _check_signed(
    state: _State, env: BlockEnv, tx: SignedTx, gas_available: int, rules: FeeRules
) -> str | None:
    """The reason ``tx`` cannot be included, or ``None`` (go-ethereum ``preCheck``/``buyGas``/
    ``innerTransitionDb`` order; op-geth adds the L1 cost to the balance check)."""
    if tx.chain_id is not None and tx.chain_id != env.chain_id:
        return f"chain id {tx.chain_id} is not {env.chain_id}"
    nonce = int(state.get_nonce(tx.sender))
    if tx.nonce < nonce:
        return f"nonce too low: {tx.nonce} < {nonce}"
    if tx.nonce > nonce:
        return f"nonce too high: {tx.nonce} > {nonce}"
    if state.get_code(tx.sender):
        return "sender is not an EOA (EIP-3607)"
    if tx.max_fee_per_gas < tx.max_priority_fee_per_gas:
        return "max priority fee per gas higher than max fee per gas"
    if tx.max_fee_per_gas < env.base_fee:
        return f"max fee per gas {tx.max_fee_per_gas} below base fee {env.base_fee}"
    cost = tx.gas * tx.max_fee_per_gas + tx.value + rules.extra_fee
    balance = int(state.get_balance(tx.sender))
    if balance < cost:
        return f"insufficient funds: balance {balance} < {cost}"
    if tx.gas > gas_available:
        return f"gas limit reached: tx gas {tx.gas} > block gas left {gas_available}"
    need = intrinsic_gas(tx.data, tx.to is None, tx.access_list)
    if tx.gas < need:
        return f"intrinsic gas too low: {tx.gas} < {need}"
    if tx.to is None and len(tx.data) > MAX_INITCODE_SIZE:
        return "max init code size exceeded (EIP-3860)"
    return None


def apply_transaction(
    world: WorldState,
    env: BlockEnv,
    tx: SignedTx,
    *,
    gas_available: int | None = None,
    fee_rules: FeeRules = FeeRules(),
) -> TxApplied | TxInvalid:
    """Apply a signed transaction, or say why it cannot be included.

    ``gas_available`` is the block gas left (default: the block gas limit).
    """
    state = _open(world, env)
    left = env.gas_limit if gas_available is None else gas_available
    reason = _check_signed(state, env, tx, left, fee_rules)
    if reason is not None:
        return TxInvalid(reason)
    try:
        computation = _run(state, tx.evm_tx, fee_rules)
    except EvmValidationError as exc:  # pragma: no cover - checked above
        return TxInvalid(f"rejected by the EVM: {exc}")
    return TxApplied(_close(state, world), _receipt(tx.gas, computation, None))


class _DepositMessage:
    """What py-evm's executor reads from a transaction, for a deposit: gas price 0, no access list,
    no signature (``deposits.md`` §Execution: "processed exactly like a type-3 (EIP-1559)
    transaction" without fee, nonce, access-list or EOA checks)."""

    type_id = 0x7E
    access_list: tuple[Any, ...] = ()
    max_fee_per_gas = 0
    max_priority_fee_per_gas = 0
    gas_price = 0
    blob_versioned_hashes: tuple[Any, ...] = ()

    def __init__(self, sender: Address, to: Address | None, value: int, gas: int, data: bytes):
        self.sender = sender
        self.to = CREATE_CONTRACT_ADDRESS if to is None else to
        self.value = value
        self.gas = gas
        self.data = data
        self.intrinsic_gas = intrinsic_gas(data, to is None)

    def __repr__(self) -> str:
        return f"Deposit(from={self.sender.hex()}, gas={self.gas})"


def apply_deposit(
    world: WorldState,
    env: BlockEnv,
    *,
    sender: Address,
    to: Address | None,
    mint: int,
    value: int,
    gas: int,
    data: bytes,
) -> TxApplied:
    """Execute a deposited transaction with the Regolith rules (``deposits.md`` §Execution).

    1. ``mint`` is added to ``sender``'s balance, unconditionally.
    2. If intrinsic gas exceeds ``gas``, ``value`` exceeds the balance, or a creation's init code
       is over the EIP-3860 limit (go-ethereum's non-EVM state-transition errors), nothing else
       happens except ``sender``'s nonce + 1; the receipt fails and uses all ``gas``.
    3. Otherwise it runs like an EIP-1559 transaction with gas price 0: nonce + 1, no fee to anyone,
       no ETH refund; the receipt reports the gas used after refunds, and a reverted execution
       keeps the mint and the nonce increment.

    The receipt's ``deposit_nonce`` is the nonce before execution. Block gas accounting is the
    caller's (a deposit whose gas exceeds what the block has left makes the block unbuildable).
    """
    state = _open(world, env)
    who = address(sender)
    if mint:
        state.delta_balance(who, mint)
    nonce_before = int(state.get_nonce(who))
    message = _DepositMessage(who, to, value, gas, bytes(data))
    failure = None
    if gas < message.intrinsic_gas:
        failure = f"intrinsic gas too low: {gas} < {message.intrinsic_gas}"
    elif int(state.get_balance(who)) < value:
        failure = "insufficient funds for transfer"
    elif to is None and len(data) > MAX_INITCODE_SIZE:
        failure = "max init code size exceeded (EIP-3860)"
    if failure is not None:
        state.increment_nonce(who)
        receipt = TxReceipt(0, gas, (), None, b"", f"failed deposit: {failure}", nonce_before)
        return TxApplied(_close(state, world), receipt)
    computation = _run(state, message, FeeRules())
    return TxApplied(_close(state, world), _receipt(gas, computation, nonce_before))


def set_beacon_root(world: WorldState, env: BlockEnv, parent_beacon_root: Hash32) -> WorldState:
    """EIP-4788 pre-block system call, as its effect: if the beacon roots contract holds its code,
    store ``timestamp`` at ``timestamp % 8191`` and the root at ``timestamp % 8191 + 8191``.
    (OP ``exec-engine.md`` §Ecotone: Beacon Block Root.)"""
    state = _open(world, env)
    if bytes(state.get_code(BEACON_ROOTS_ADDRESS)) != BEACON_ROOTS_CONTRACT_CODE:
        return world
    index = env.timestamp % HISTORY_BUFFER_LENGTH
    state.set_storage(BEACON_ROOTS_ADDRESS, index, env.timestamp)
    state.set_storage(
        BEACON_ROOTS_ADDRESS,
        index + HISTORY_BUFFER_LENGTH,
        int.from_bytes(hash32(parent_beacon_root), "big"),
    )
    return _close(state, world)


def call(
    world: WorldState,
    env: BlockEnv,
    to: Address,
    data: bytes,
    *,
    sender: Address = ZERO_ADDRESS,
    gas: int = 30_000_000,
) -> bytes:
    """A read-only message call (``eth_call``): the return data; a failing call raises
    :class:`ExecutionError` with the revert data. The world state is not changed."""
    state = _open(world, env)
    message = _DepositMessage(address(sender), address(to), 0, gas + TX_GAS, bytes(data))
    message.intrinsic_gas = TX_GAS
    computation = _run(state, message, FeeRules())
    if computation.is_error:
        raise ExecutionError(
            f"call reverted: {computation.error!r} {bytes(computation.output).hex()}"
        )
    return bytes(computation.output)


def logs_bloom(logs: Sequence[Log]) -> bytes:
    """The 2048-bit bloom of ``logs`` (Yellow Paper §4.4.1, M3:2048): for the address and each
    topic, set the three bits given by the low 11 bits of byte pairs 0-1, 2-3, 4-5 of its keccak."""
    bloom = 0
    for log in logs:
        for item in (log.address, *log.topics):
            digest = keccak256(bytes(item))
            for i in (0, 2, 4):
                bloom |= 1 << (((digest[i] << 8) | digest[i + 1]) & 2047)
    return bloom.to_bytes(256, "big")
