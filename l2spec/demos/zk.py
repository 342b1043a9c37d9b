"""The Polygon zkEVM (Etrog) story, end to end, on the reference spec.

1. L1: the rollup manager creates the zkEVM rollup (genesis state root, initial batch 1) and the
   trusted aggregator verifies batch 1; the pushed rollup exit root is L1 info leaf 0.
2. L1: alice bridges 1 ETH with ``bridgeAsset`` on the L1 bridge; the global exit root manager
   records the new mainnet exit root and appends L1 info leaf 1.
3. L2 batch 2: a changeL2Block referencing leaf 1 makes the executor import that global exit root
   into the L2 state; alice's claim is checked by the bridge rules and paid out.
4. L2 batches 3 and 4: alice pays bob, then calls a counter contract twice.
5. L1: the trusted sequencer sequences batches 2–4 (``sequenceBatches``); the trusted aggregator
   verifies them (a wrong state root is refused first), the proof being the re-execution checked
   by :func:`~l2spec.spec.zk.reexecution.spec_reexecutor`.
6. L2 batch 5: alice bridges ETH back to L1; the executor's ``newLocalExitRoot`` equals the L2
   bridge's local exit root. Sequenced and verified, its exit root reaches L1 (rollup exit root →
   global exit root → L1 info tree).
7. L1: alice claims with the local-exit-tree and rollup-exit-tree proofs and is paid; a second
   claim is refused (``AlreadyClaimed``); forged exits are refused (``InvalidSmtProof``).

**How the L2 bridge is modelled.** No compiled ``PolygonZkEVMBridgeV2`` bytecode is available to
run on L2 (it is not in an installed package, and no Solidity compiler is set up), so the L2
bridge is split honestly in two:

- its *rules* (claim verification against the imported global exit root, the nullifier, the local
  exit tree) run as the spec state machine :mod:`~l2spec.spec.zk.bridge` on an L2
  :class:`~l2spec.spec.zk.bridge.BridgeState`;
- its *effects on the L2 state* are real L2 transactions inside the batches, executed and proven:
  the bridge's pre-minted ETH sits at an account this demo controls (:data:`L2_BRIDGE`, key
  below). A claim's payout is a signed transfer from it; an exit is alice's transfer to it plus its
  call of ``updateExitRoot(bytes32)`` on a tiny hand-assembled contract placed in the genesis at
  the L2 global exit root manager's address (:data:`GER_MANAGER_L2_CODE`), which writes slot 1
  (``lastRollupExitRoot``), the slot the executor reads as ``newLocalExitRoot``.

The bridge account's transactions have gas price 0 (the bridge contract pays no gas; zkEVM
sequencers also accept free claim transactions), so its balance always equals the modelled
bridge's ETH balance, which the story checks.

Addresses and ids are Polygon zkEVM mainnet's where they exist (chain id 1101, fork 7; on L1 the
``PolygonRollupManager`` 0x5132A183…7aB2, the ``PolygonZkEVMEtrog`` rollup 0x519E42c2…0987, the
bridge 0x2a3DD3EB…2EDe, the trusted sequencer 0x148Ee7dA…2800, as listed in cdk-erigon's mainnet
config and Polygon's address page), the spec's constants on L2. Nothing reads a clock or a random
source: the story is the same on every run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from eth_keys.datatypes import PrivateKey

from l2spec.demos.story import Story
from l2spec.errors import L2SpecError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_ADDRESS, ZERO_HASH, Address, Hash32, address, to_hex
from l2spec.spec.zk import bridge as B
from l2spec.spec.zk import rollup as R
from l2spec.spec.zk import system_contracts as S
from l2spec.spec.zk.executor import BatchContext, BatchResult, L1InfoLeaf, execute_batch
from l2spec.spec.zk.exit_roots import (
    GlobalExitRootManager,
    GlobalExitRootManagerL2,
    L1Block,
    insert_global_exit_root_l2,
    l1_info_leaf,
    l1_info_root,
    last_global_exit_root,
    merkle_proof,
)
from l2spec.spec.zk.goldilocks import h4_to_bytes32
from l2spec.spec.zk.reexecution import (
    L1InfoData,
    ReexecutionWitness,
    l1_info_for_batch,
    spec_reexecutor,
)
from l2spec.spec.zk.smt import ZkAccount, state_root
from l2spec.spec.zk.tx_encoding import BatchTx, ChangeL2Block, encode_batch_l2_data, sign_l2_tx

ETHER = 10**18
GWEI = 10**9

CHAIN_ID = 1101
"""Polygon zkEVM mainnet's L2 chain id."""
FORK_ID = 7
"""Etrog."""

ROLLUP_MANAGER = address("0x5132A183E9F3CB7C848b0AAC5Ae0c4f0491B7aB2")
ZKEVM_ROLLUP = address("0x519E42c24163192Dca44CD3fBDCEBF6be9130987")
L1_BRIDGE = address("0x2a3DD3EB832aF982ec71669E178424b10Dca2EDe")
SEQUENCER = address("0x148Ee7dAF16574cD020aFa34CC658f8F3fbd2800")
AGGREGATOR = address("0x00000000000000000000000000000000000a9904")
"""A trusted aggregator of the demo (holder of ``TRUSTED_AGGREGATOR_ROLE``)."""

ALICE_KEY = keccak256(b"l2spec zk demo: alice")
ALICE = address(PrivateKey(ALICE_KEY).public_key.to_canonical_address())
"""alice has the same address on L1 and L2."""
BOB = address("0x000000000000000000000000000000000000b0b0")

L2_BRIDGE_KEY = keccak256(b"l2spec zk demo: the L2 bridge's account")
L2_BRIDGE = address(PrivateKey(L2_BRIDGE_KEY).public_key.to_canonical_address())
"""The account holding the L2 bridge's ETH (see the module docstring)."""
L2_BRIDGE_PREMINT = 1_000_000 * ETHER

COUNTER = address("0x00000000000000000000000000000000c0117e40")

L1_GENESIS_TIME = 1_710_000_000
L1_BLOCK_TIME = 12
L2_GAS_PRICE = GWEI

UPDATE_EXIT_ROOT_SELECTOR = keccak256(b"updateExitRoot(bytes32)")[:4]
"""``PolygonZkEVMGlobalExitRootL2.updateExitRoot(bytes32)``'s selector."""


class DemoError(L2SpecError):
    """The story could not go on (a step the next ones depend on failed)."""


# --- hand-assembled L2 contracts ------------------------------------------------------------------


def _assemble(listing: Sequence[tuple[bytes, str]]) -> bytes:
    """Concatenate a listing of ``(bytes, comment)`` lines (the comments are the documentation)."""
    return b"".join(code for code, _ in listing)


_GER_JUMPDEST = 0x2B
_GER_MANAGER_LISTING: tuple[tuple[bytes, str], ...] = (
    (b"\x33", "0x00 CALLER"),
    (b"\x73" + bytes(L2_BRIDGE), "0x01 PUSH20 the L2 bridge account"),
    (b"\x14", "0x16 EQ                  caller == bridge"),
    (b"\x60\x00", "0x17 PUSH1 0"),
    (b"\x35", "0x19 CALLDATALOAD        first calldata word"),
    (b"\x60\xe0", "0x1a PUSH1 224"),
    (b"\x1c", "0x1c SHR                 the 4-byte selector"),
    (b"\x63" + UPDATE_EXIT_ROOT_SELECTOR, "0x1d PUSH4 updateExitRoot(bytes32)"),
    (b"\x14", "0x22 EQ                  selector matches"),
    (b"\x16", "0x23 AND                 both hold"),
    (bytes([0x60, _GER_JUMPDEST]), "0x24 PUSH1 0x2b"),
    (b"\x57", "0x26 JUMPI               go on if both hold"),
    (b"\x60\x00", "0x27 PUSH1 0"),
    (b"\x80", "0x29 DUP1"),
    (b"\xfd", "0x2a REVERT              revert(0, 0): not the bridge (OnlyAllowedContracts)"),
    (b"\x5b", "0x2b JUMPDEST"),
    (b"\x60\x04", "0x2c PUSH1 4"),
    (b"\x35", "0x2e CALLDATALOAD        newRollupExitRoot = calldata[4:36]"),
    (b"\x60\x01", "0x2f PUSH1 1             slot 1: lastRollupExitRoot"),
    (b"\x55", "0x31 SSTORE"),
    (b"\x00", "0x32 STOP"),
)
GER_MANAGER_L2_CODE: bytes = _assemble(_GER_MANAGER_LISTING)
"""The L2 global exit root manager of the demo (at
:data:`~l2spec.spec.zk.system_contracts.ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2`): the one rule of
``PolygonZkEVMGlobalExitRootL2.updateExitRoot`` that touches the state — only the bridge may set
``lastRollupExitRoot`` (storage slot 1) — in 51 bytes. Any other caller or selector reverts (with
empty data where the contract has the ``OnlyAllowedContracts`` custom error). Slot 0's
``globalExitRootMap`` is written by the ROM itself, not by code."""
if GER_MANAGER_L2_CODE[_GER_JUMPDEST] != 0x5B:  # pragma: no cover - guards the listing
    raise AssertionError("the jump target of the GER manager listing is not its JUMPDEST")

_COUNTER_LISTING: tuple[tuple[bytes, str], ...] = (
    (b"\x60\x00", "0x00 PUSH1 0"),
    (b"\x54", "0x02 SLOAD               count = slot 0"),
    (b"\x60\x01", "0x03 PUSH1 1"),
    (b"\x01", "0x05 ADD                 count + 1"),
    (b"\x60\x00", "0x06 PUSH1 0"),
    (b"\x55", "0x08 SSTORE              slot 0 = count + 1"),
    (b"\x00", "0x09 STOP"),
)
COUNTER_CODE: bytes = _assemble(_COUNTER_LISTING)
"""A counter: every call adds one to storage slot 0 (10 bytes)."""


def l2_genesis() -> Mapping[Address, ZkAccount]:
    """The L2 genesis of the story: the L2 bridge's pre-minted ETH, the GER manager contract and
    the counter."""
    return MappingProxyType(
        {
            L2_BRIDGE: ZkAccount(balance=L2_BRIDGE_PREMINT),
            S.ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2: ZkAccount(code=GER_MANAGER_L2_CODE),
            COUNTER: ZkAccount(code=COUNTER_CODE),
        }
    )


# --- the story record ------------------------------------------------------------------------------


@dataclass
class ZkStory(Story):
    """Everything the demo did and observed. ``l1`` and ``l2_accounts`` are the final states
    (not part of the JSON report)."""

    l1: R.L1State | None = None
    l2_accounts: Mapping[Address, ZkAccount] = field(default_factory=dict)


def _l1_block(number: int) -> L1Block:
    """L1 block ``number`` of the story (a fixed pseudo block hash for its parent)."""
    return L1Block(
        number,
        L1_GENESIS_TIME + L1_BLOCK_TIME * number,
        Hash32(keccak256(b"l2spec zk demo: L1 block " + str(number - 1).encode())),
    )


def _eth(wei: int) -> str:
    return f"{wei / ETHER:g} ETH"


def _root_hex(accounts: Mapping[Address, ZkAccount]) -> str:
    return to_hex(h4_to_bytes32(state_root(accounts)))


@dataclass
class _World:
    """The mutable cursor of the story: L1, the L2 as the sequencer executed it, the L2 bridge
    model, the L1 info leaves' data, and the batches waiting to be sequenced/verified."""

    l1: R.L1State
    accounts: Mapping[Address, ZkAccount]
    l2_bridge: B.BridgeState
    l2_ger: GlobalExitRootManagerL2
    l1_info: dict[int, L1InfoData] = field(default_factory=dict)
    acc_input_hash: Hash32 = ZERO_HASH
    l2_timestamp: int = 0
    nonces: dict[Address, int] = field(default_factory=dict)
    # per verified-batch-number: the accounts after it (the witness of the next verification)
    accounts_after: dict[int, Mapping[Address, ZkAccount]] = field(default_factory=dict)
    # per batch number: the L1 info leaves (with proofs) it imports
    batch_l1_info: dict[int, Mapping[int, L1InfoLeaf]] = field(default_factory=dict)

    def record_l1_info(self, before: GlobalExitRootManager, block: L1Block) -> int | None:
        """Remember the data of the L1 info leaf an L1 call appended (``UpdateL1InfoTree``)."""
        after = self.l1.ger
        if len(after.l1_info_leaves) == len(before.l1_info_leaves):
            return None
        index = len(after.l1_info_leaves) - 1
        data = L1InfoData(last_global_exit_root(after), block.parent_hash, block.timestamp)
        if (
            l1_info_leaf(data.global_exit_root, data.block_hash, data.timestamp)
            != (after.l1_info_leaves[index])
        ):
            raise DemoError("the L1 info leaf does not match the data it was built from")
        self.l1_info[index] = data
        return index

    def sign(self, key: bytes, sender: Address, to: Address, value: int, **kw: Any) -> Any:
        nonce = self.nonces.get(sender, 0)
        self.nonces[sender] = nonce + 1
        return sign_l2_tx(key, nonce=nonce, to=to, value=value, chain_id=CHAIN_ID, **kw)


def _execute(
    world: _World,
    number: int,
    items: Sequence[BatchTx],
    timestamp_limit: int,
    l1_info_indices: Sequence[int] = (),
) -> tuple[bytes, BatchResult]:
    """The trusted sequencer executes batch ``number`` before sequencing it (with the
    ``l1InfoRoot`` and ``timestampLimit`` the sequencing call will give it)."""
    data = encode_batch_l2_data(items)
    leaves = world.l1.ger.l1_info_leaves
    l1_info = (
        l1_info_for_batch(leaves, world.l1_info, l1_info_indices)
        if l1_info_indices
        else MappingProxyType({})
    )
    context = BatchContext(
        chain_id=CHAIN_ID,
        fork_id=FORK_ID,
        sequencer=SEQUENCER,
        timestamp_limit=timestamp_limit,
        l1_info_root=l1_info_root(world.l1.ger),
        l1_info=l1_info,
        old_acc_input_hash=world.acc_input_hash,
    )
    result = execute_batch(world.accounts, data, context)
    if result.invalid_reason is not None:
        raise DemoError(f"batch {number} is invalid: {result.invalid_reason} {result.detail}")
    world.accounts = result.accounts
    world.acc_input_hash = result.new_acc_input_hash
    world.accounts_after[number] = result.accounts
    world.batch_l1_info[number] = l1_info
    if result.blocks:
        world.l2_timestamp = result.blocks[-1].timestamp
    return data, result


def _verify(
    world: _World, init: int, final: int, block: L1Block, state_root_claim: Hash32 | None = None
) -> tuple[R.L1Result, R.VerifyBatches]:
    """``verifyBatchesTrustedAggregator`` for batches ``init+1 .. final`` with the re-execution
    proof: the sequenced batch inputs and the witness (accounts after ``init``, the L1 info
    leaves of each batch)."""
    consensus = world.l1.consensus[0]
    witness = ReexecutionWitness(
        world.accounts_after[init],
        tuple(world.batch_l1_info.get(n, MappingProxyType({})) for n in range(init + 1, final + 1)),
    )
    proof = R.ReexecutionProof(consensus.batch_inputs[init:final], witness)
    after = world.accounts_after[final]
    new_root = Hash32(h4_to_bytes32(state_root(after)))
    args = R.VerifyBatches(
        rollup_id=1,
        pending_state_num=0,
        init_num_batch=init,
        final_new_batch=final,
        new_local_exit_root=S.local_exit_root(after),
        new_state_root=new_root if state_root_claim is None else state_root_claim,
        proof=proof,
    )
    return R.verify_batches_trusted_aggregator(world.l1, AGGREGATOR, args, block), args


def _require_funds(world: _World, value: int, gas: int) -> None:
    """The L2 bridge account acts only on transfers that will be included: alice must afford
    ``value`` plus ``gas`` at the demo's gas price (else the executor would skip her transaction
    for ``intrinsic_invalid_balance`` while the bridge model went on)."""
    balance = world.accounts.get(ALICE, ZkAccount()).balance
    if balance < value + gas * L2_GAS_PRICE:
        raise DemoError(
            f"could not build the batch: alice holds {_eth(balance)} on L2, "
            f"needs {_eth(value)} plus gas"
        )


def _outcome(ok: bool, reason: str | None, done: str) -> str:
    return done if ok else f"refused: {reason}"


def run_zk_demo(
    deposit: int = ETHER, payment: int = ETHER // 10, exit_amount: int = ETHER // 4
) -> ZkStory:
    """Run the story and return every step with the protocol's answer."""
    story = ZkStory()
    block_number = 1

    def next_block() -> L1Block:
        nonlocal block_number
        block_number += 1
        return _l1_block(block_number)

    # --- genesis and the rollup -----------------------------------------------------------------
    genesis = l2_genesis()
    genesis_root = Hash32(h4_to_bytes32(state_root(genesis)))
    manager = R.RollupManager(
        ROLLUP_MANAGER,
        trusted_aggregator_timeout=604_799,
        pending_state_timeout=604_799,
        trusted_aggregators=frozenset({AGGREGATOR}),
    )
    l1 = R.L1State(
        manager,
        (),
        GlobalExitRootManager(L1_BRIDGE, ROLLUP_MANAGER),
        B.BridgeState(L1_BRIDGE, B.MAINNET_NETWORK_ID),
    )
    created = R.create_rollup(
        l1,
        ZKEVM_ROLLUP,
        CHAIN_ID,
        FORK_ID,
        genesis_root,
        SEQUENCER,
        b"",
        _l1_block(block_number),
        reexecute=spec_reexecutor,
    )
    story.facts["chain_id"] = CHAIN_ID
    story.facts["genesis_state_root"] = to_hex(genesis_root)
    story.add(
        "L1",
        f"rollup manager creates the zkEVM rollup (chain {CHAIN_ID}, fork {FORK_ID}); "
        "initial batch 1 sequenced (empty initialize transaction)",
        _outcome(created.ok, created.reason, f"genesis state root {to_hex(genesis_root)[:18]}…"),
        created.ok,
    )
    if not created.ok:
        return story
    world = _World(
        created.state,
        genesis,
        B.BridgeState(L2_BRIDGE, B.ZKEVM_NETWORK_ID, eth_balance=L2_BRIDGE_PREMINT),
        GlobalExitRootManagerL2(L2_BRIDGE),
        acc_input_hash=created.state.consensus[0].last_acc_input_hash,
    )
    world.accounts_after[0] = genesis
    world.accounts_after[1] = genesis  # batch 1 has no transactions: the state is unchanged
    story.add(
        "L2",
        "the L2 bridge is modelled: its rules run as the spec's bridge state machine; its ETH "
        f"sits at account {to_hex(L2_BRIDGE)[:12]}… (key in the demo), whose transfers and "
        "updateExitRoot calls are real L2 transactions in the batches",
        f"pre-minted {_eth(L2_BRIDGE_PREMINT)}; GER manager code {len(GER_MANAGER_L2_CODE)} "
        f"bytes, counter {len(COUNTER_CODE)} bytes",
        True,
    )

    # --- verify the initial batch: its rollup exit root is L1 info leaf 0 -----------------------
    block = next_block()
    before = world.l1.ger
    res, _ = _verify(world, 0, 1, block)
    world.l1 = res.state if res.ok else world.l1
    leaf0 = world.record_l1_info(before, block) if res.ok else None
    story.add(
        "L1",
        "trusted aggregator verifies batch 1 (proof = re-execution by the spec)",
        _outcome(res.ok, res.reason, f"verified; rollup exit root pushed as L1 info leaf {leaf0}"),
        res.ok and leaf0 == 0,
    )
    if not res.ok:
        return story

    # --- 1. deposit on L1 -------------------------------------------------------------------------
    block = next_block()
    before = world.l1.ger
    dep = B.bridge_asset(
        world.l1.bridge,
        world.l1.ger,
        B.AssetDeposit(ALICE, B.ZKEVM_NETWORK_ID, ALICE, deposit, msg_value=deposit),
        block,
    )
    if not dep.ok or not isinstance(dep.manager, GlobalExitRootManager):
        story.add("L1", "alice bridges ETH to L2", f"refused: {dep.reason}", False)
        return story
    world.l1 = replace(world.l1, bridge=dep.bridge, ger=dep.manager)
    deposit_leaf_index = world.record_l1_info(before, block)
    story.add(
        "L1",
        f"alice bridges {_eth(deposit)} to L2 with bridgeAsset (L1 block #{block.number})",
        f"deposit count {dep.deposit_count}, mainnet exit root "
        f"{to_hex(world.l1.ger.last_mainnet_exit_root)[:18]}… → L1 info leaf {deposit_leaf_index}",
        deposit_leaf_index == 1,
    )
    if deposit_leaf_index is None:
        return story
    info = world.l1_info[deposit_leaf_index]

    # --- 2. batch 2: import the GER, claim on L2 --------------------------------------------------
    seq_block = _l1_block(block_number + 1)  # the L1 block that will sequence batches 2-4
    l2_ger = insert_global_exit_root_l2(
        world.l2_ger, info.global_exit_root, info.block_hash
    )  # what the changeL2Block import writes
    claim_in = B.Claim(
        smt_proof_local=merkle_proof(world.l1.bridge.deposit_leaves, dep.deposit_count or 0),
        smt_proof_rollup=(ZERO_HASH,) * 32,
        global_index=B.compute_global_index(dep.deposit_count or 0, 0, True),
        mainnet_exit_root=world.l1.ger.last_mainnet_exit_root,
        rollup_exit_root=world.l1.ger.last_rollup_exit_root,
        origin_network=0,
        origin_address=ZERO_ADDRESS,
        destination_network=B.ZKEVM_NETWORK_ID,
        destination_address=ALICE,
        amount=deposit,
        metadata=b"",
    )
    claimed = B.claim_asset(world.l2_bridge, l2_ger, claim_in)
    if not claimed.ok or not isinstance(claimed.manager, GlobalExitRootManagerL2):
        story.add("L2", "alice's deposit is claimed on L2", f"refused: {claimed.reason}", False)
        return story
    world.l2_bridge, world.l2_ger = claimed.bridge, claimed.manager
    payout = world.sign(
        L2_BRIDGE_KEY, L2_BRIDGE, ALICE, claimed.paid_eth, gas_price=0, gas_limit=21_000
    )
    first_delta = info.timestamp + 1  # the L2 clock starts at 0 in the genesis
    d2, r2 = _execute(
        world,
        2,
        [ChangeL2Block(first_delta, deposit_leaf_index), payout],
        seq_block.timestamp,
        [deposit_leaf_index],
    )
    imported = S.global_exit_root_entry(world.accounts, info.global_exit_root)
    alice_l2 = world.accounts.get(ALICE, ZkAccount()).balance
    bridge_l2 = world.accounts.get(L2_BRIDGE, ZkAccount()).balance
    story.add(
        "L2",
        f"batch 2: changeL2Block imports L1 info leaf {deposit_leaf_index}; the claim is checked "
        "by the bridge rules and paid by a transfer from the bridge account",
        f"globalExitRootMap[GER] = L1 block hash: {imported == int.from_bytes(info.block_hash)}; "
        f"alice's L2 balance {_eth(alice_l2)}",
        imported == int.from_bytes(info.block_hash)
        and alice_l2 == deposit
        and bridge_l2 == world.l2_bridge.eth_balance
        and all(t.status == 1 for t in r2.txs),
    )

    # --- 3. batches 3 and 4: a transfer and a contract call ---------------------------------------
    _require_funds(world, payment, 21_000 + 2 * 60_000)
    pay = world.sign(ALICE_KEY, ALICE, BOB, payment, gas_price=L2_GAS_PRICE, gas_limit=21_000)
    d3, r3 = _execute(world, 3, [ChangeL2Block(2, 0), pay], seq_block.timestamp)
    bob_l2 = world.accounts.get(BOB, ZkAccount()).balance
    story.add(
        "L2",
        f"batch 3: alice pays bob {_eth(payment)}",
        f"bob's L2 balance {_eth(bob_l2)}",
        bob_l2 == payment and all(t.status == 1 for t in r3.txs),
    )
    calls = [
        world.sign(ALICE_KEY, ALICE, COUNTER, 0, gas_price=L2_GAS_PRICE, gas_limit=60_000)
        for _ in range(2)
    ]
    d4, r4 = _execute(world, 4, [ChangeL2Block(2, 0), calls[0], calls[1]], seq_block.timestamp)
    count = S.get_storage(world.accounts, COUNTER, 0)
    story.add(
        "L2",
        "batch 4: alice calls the counter contract twice",
        f"counter = {count}",
        count == 2 and all(t.status == 1 for t in r4.txs),
    )

    # --- 4. sequence batches 2-4, verify 1..4 ----------------------------------------------------
    block = next_block()
    if block != seq_block:  # pragma: no cover - guards the story's bookkeeping
        raise DemoError("the sequencing block is not the one the batches were built for")
    datas = [d2, d3, d4]
    seq = R.sequence_batches(
        world.l1, 1, SEQUENCER, [R.BatchData(d) for d in datas], SEQUENCER, block
    )
    acc_ok = seq.ok and seq.state.consensus[0].last_acc_input_hash == world.acc_input_hash
    story.add(
        "L1",
        f"trusted sequencer sequences batches 2–4 (L1 block #{block.number})",
        _outcome(
            seq.ok,
            seq.reason,
            f"last batch {seq.last_batch}; accInputHash equals the executor's: {acc_ok}",
        ),
        acc_ok and seq.last_batch == 4,
    )
    if not seq.ok:
        return story
    world.l1 = seq.state

    block = next_block()
    sr = Hash32(h4_to_bytes32(state_root(world.accounts_after[4])))
    wrong = Hash32(sr[:-1] + bytes([sr[-1] ^ 1]))
    bad, _ = _verify(world, 1, 4, block, state_root_claim=wrong)
    story.add(
        "L1",
        "an aggregator claims a wrong state root for batches 2–4",
        _outcome(bad.ok, bad.reason, "verified!"),
        bad.ok,
        expected_ok=False,
    )
    good, _ = _verify(world, 1, 4, block)
    verified_ok = good.ok and good.state.manager.rollups[0].batch_num_to_state_root.get(4) == sr
    story.add(
        "L1",
        "trusted aggregator verifies batches 2–4 (re-executed by the spec)",
        _outcome(good.ok, good.reason, f"verified; state root {to_hex(sr)[:18]}…"),
        verified_ok,
    )
    if not good.ok:
        return story
    world.l1 = good.state

    # --- 5. batch 5: alice bridges ETH back to L1 -------------------------------------------------
    seq_block = _l1_block(block_number + 1)
    _require_funds(world, exit_amount, 21_000)
    l2_block = S.last_block_number(world.accounts) + 1
    exit_res = B.bridge_asset(
        world.l2_bridge,
        world.l2_ger,
        B.AssetDeposit(ALICE, B.MAINNET_NETWORK_ID, ALICE, exit_amount, msg_value=exit_amount),
        # the L2 manager ignores the block (no L1 info tree on L2); this is the L2 block's clock
        L1Block(l2_block, world.l2_timestamp + 2, ZERO_HASH),
    )
    if not exit_res.ok or not isinstance(exit_res.manager, GlobalExitRootManagerL2):
        story.add("L2", "alice bridges ETH to L1", f"refused: {exit_res.reason}", False)
        return story
    world.l2_bridge, world.l2_ger = exit_res.bridge, exit_res.manager
    ler = B.local_exit_root(world.l2_bridge)
    to_bridge = world.sign(
        ALICE_KEY, ALICE, L2_BRIDGE, exit_amount, gas_price=L2_GAS_PRICE, gas_limit=21_000
    )
    update = world.sign(
        L2_BRIDGE_KEY,
        L2_BRIDGE,
        S.ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2,
        0,
        gas_price=0,
        gas_limit=100_000,
        data=UPDATE_EXIT_ROOT_SELECTOR + ler,
    )
    items5: list[BatchTx] = [ChangeL2Block(2, 0), to_bridge, update]
    d5, r5 = _execute(world, 5, items5, seq_block.timestamp)
    story.add(
        "L2",
        f"batch 5: alice bridges {_eth(exit_amount)} to L1 (bridgeAsset: her transfer to the "
        "bridge account, and its updateExitRoot call)",
        f"executor's newLocalExitRoot {to_hex(r5.new_local_exit_root)[:18]}… "
        + ("equals" if r5.new_local_exit_root == ler else "DIFFERS from")
        + " the bridge's local exit root",
        r5.new_local_exit_root == ler
        and world.l2_ger.last_rollup_exit_root == ler
        and world.accounts[L2_BRIDGE].balance == world.l2_bridge.eth_balance
        and all(t.status == 1 for t in r5.txs),
    )

    block = next_block()
    seq = R.sequence_batches(world.l1, 1, SEQUENCER, [R.BatchData(d5)], SEQUENCER, block)
    story.add(
        "L1",
        f"trusted sequencer sequences batch 5 (L1 block #{block.number})",
        _outcome(seq.ok, seq.reason, f"last batch {seq.last_batch}"),
        seq.ok and seq.state.consensus[0].last_acc_input_hash == world.acc_input_hash,
    )
    if not seq.ok:
        return story
    world.l1 = seq.state
    block = next_block()
    before = world.l1.ger
    good, _ = _verify(world, 4, 5, block)
    exit_leaf = None
    if good.ok:
        world.l1 = good.state
        exit_leaf = world.record_l1_info(before, block)
    rollup = world.l1.manager.rollups[0]
    story.add(
        "L1",
        "trusted aggregator verifies batch 5: the rollup exit root reaches the L1 global exit "
        "root manager",
        _outcome(
            good.ok,
            good.reason,
            f"rollup exit root {to_hex(world.l1.ger.last_rollup_exit_root)[:18]}…, "
            f"L1 info leaf {exit_leaf}",
        ),
        good.ok
        and rollup.last_local_exit_root == ler
        and world.l1.ger.last_rollup_exit_root == R.rollup_exit_root(world.l1.manager)
        and exit_leaf is not None,
    )
    if not good.ok:
        return story

    # --- 6. claim on L1, twice, and forged ---------------------------------------------------------
    l2_leaf_index = exit_res.deposit_count or 0
    claim_out = B.Claim(
        smt_proof_local=merkle_proof(world.l2_bridge.deposit_leaves, l2_leaf_index),
        smt_proof_rollup=merkle_proof(
            [r.last_local_exit_root for r in world.l1.manager.rollups], 0
        ),
        global_index=B.compute_global_index(l2_leaf_index, 0, False),
        mainnet_exit_root=world.l1.ger.last_mainnet_exit_root,
        rollup_exit_root=world.l1.ger.last_rollup_exit_root,
        origin_network=0,
        origin_address=ZERO_ADDRESS,
        destination_network=B.MAINNET_NETWORK_ID,
        destination_address=ALICE,
        amount=exit_amount,
        metadata=b"",
    )
    paid = B.claim_asset(world.l1.bridge, world.l1.ger, claim_out)
    if paid.ok:
        world.l1 = replace(world.l1, bridge=paid.bridge)
    story.add(
        "L1",
        "alice claims on L1 (local-exit-tree proof + rollup-exit-tree proof)",
        _outcome(paid.ok, paid.reason, f"the L1 bridge pays {_eth(paid.paid_eth)}"),
        paid.ok and paid.paid_eth == exit_amount,
    )
    again = B.claim_asset(world.l1.bridge, world.l1.ger, claim_out)
    story.add(
        "L1",
        "alice claims the same exit again",
        _outcome(again.ok, again.reason, "paid twice!"),
        again.ok,
        expected_ok=False,
    )
    forged = B.claim_asset(
        world.l1.bridge, world.l1.ger, replace(claim_out, amount=10 * exit_amount)
    )
    story.add(
        "L1",
        f"a forged exit claims {_eth(10 * exit_amount)} with alice's proofs",
        _outcome(forged.ok, forged.reason, "paid!"),
        forged.ok,
        expected_ok=False,
    )
    bad_proof = list(claim_out.smt_proof_local)
    bad_proof[0] = keccak256(b"forged sibling")
    forged_proof = B.claim_asset(
        world.l1.bridge, world.l1.ger, replace(claim_out, smt_proof_local=tuple(bad_proof))
    )
    story.add(
        "L1",
        "a forged exit with a tampered local-exit-tree proof",
        _outcome(forged_proof.ok, forged_proof.reason, "paid!"),
        forged_proof.ok,
        expected_ok=False,
    )

    verified_root = world.l1.manager.rollups[0].batch_num_to_state_root[5]
    story.l1 = world.l1
    story.l2_accounts = world.accounts
    story.facts.update(
        {
            "verified_batch": world.l1.manager.rollups[0].last_verified_batch,
            "verified_state_root": to_hex(verified_root),
            "executor_state_root": _root_hex(world.accounts),
            "local_exit_root": to_hex(ler),
            "exit_amount": exit_amount,
            "l1_payout": paid.paid_eth,
            "l1_bridge_eth_left": world.l1.bridge.eth_balance,
            "alice_l2_balance": world.accounts.get(ALICE, ZkAccount()).balance,
            "bob_l2_balance": world.accounts.get(BOB, ZkAccount()).balance,
            "counter": S.get_storage(world.accounts, COUNTER, 0),
            "l1_info_leaves": len(world.l1.ger.l1_info_leaves),
            "double_claim": again.reason,
            "forged_exit": forged.reason,
            "forged_proof": forged_proof.reason,
        }
    )
    return story
