"""The OP Stack story, end to end, on the reference spec.

1. L1: alice deposits ETH through the OptimismPortal (a ``TransactionDeposited`` log).
2. L2: the sequencer builds blocks; the deposit is minted at the start of its epoch; alice pays bob
   and initiates a withdrawal through the real ``L2ToL1MessagePasser`` bytecode.
3. The batcher posts the blocks' batches as a channel of frames to the batch inbox on L1.
4. A verifier re-derives the L2 chain from L1 alone; it must equal the sequencer's chain.
5. The proposer proposes the output root of the block holding the withdrawal.
6. alice proves the withdrawal on L1 (output root proof + storage proof of ``sentMessages``).
7. Finalizing is refused before the proof-maturity delay, accepted after it, refused again.

Nothing here reads a clock or a random source: the story is the same on every run.
"""

from __future__ import annotations

from typing import Any

from eth.vm.forks.cancun import CancunVM
from eth_abi.abi import encode as abi_encode
from eth_keys.datatypes import PrivateKey

from l2spec.demos.story import Story
from l2spec.errors import L2SpecError
from l2spec.spec.common import evm
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.l1 import L1Chain, L1Receipt, L1Transaction, append_block, genesis_l1_chain
from l2spec.spec.common.types import Address, Hash32, address, to_hex
from l2spec.spec.optimistic import batcher, portal, predeploys, proposals, sequencer, withdrawals
from l2spec.spec.optimistic.config import (
    BlockID,
    Genesis,
    RollupConfig,
    SystemConfig,
    devnet_parameters,
)
from l2spec.spec.optimistic.deposits import transaction_deposited_log
from l2spec.spec.optimistic.derivation.pipeline import derive
from l2spec.spec.optimistic.engine import EngineState, L2Block, l2_genesis
from l2spec.spec.optimistic.outputs import output_root, output_root_proof_from_state

ETHER = 10**18


class DemoError(L2SpecError):
    """The story could not go on (e.g. amounts that alice cannot afford on L2)."""


L1_BLOCK_TIME = 12
DAY = 24 * 3600

ALICE_KEY = PrivateKey(keccak256(b"l2spec demo: alice"))
ALICE = Address(ALICE_KEY.public_key.to_canonical_address())
BOB = address("0x000000000000000000000000000000000000b0b0")
PROPOSER = address("0x00000000000000000000000000000000000000a1")
CHALLENGER = address("0x00000000000000000000000000000000000000c1")
BATCHER = address("0x6887246668a3b87f54deb3b94ba47a6f63f32985")

SYSTEM_CONFIG = SystemConfig(
    batcher_address=BATCHER,
    overhead=0,
    scalar=(1 << 248) | (810_949 << 32) | 1_368,
    gas_limit=30_000_000,
)


class OpStory(Story):
    """Everything the OP demo did and observed."""


def _sign_l2(
    config: RollupConfig, nonce: int, to: Address, value: int, data: bytes, gas: int
) -> bytes:
    """An EIP-1559 L2 transaction from alice, signed with her key."""
    builder: Any = CancunVM.get_transaction_builder()
    unsigned = builder.new_unsigned_dynamic_fee_transaction(
        chain_id=config.l2_chain_id,
        nonce=nonce,
        max_priority_fee_per_gas=1_000,
        max_fee_per_gas=5 * 10**9,
        gas=gas,
        to=to,
        value=value,
        data=data,
        access_list=(),
    )
    return bytes(unsigned.as_signed_transaction(ALICE_KEY).encode())


def _initiate_withdrawal_calldata(target: Address, gas_limit: int, data: bytes) -> bytes:
    selector = keccak256(b"initiateWithdrawal(address,uint256,bytes)")[:4]
    return selector + abi_encode(["address", "uint256", "bytes"], [target, gas_limit, data])


def _deposit_calldata(to: Address, value: int, gas_limit: int, data: bytes) -> bytes:
    selector = keccak256(b"depositTransaction(address,uint256,uint64,bool,bytes)")[:4]
    return selector + abi_encode(
        ["address", "uint256", "uint64", "bool", "bytes"], [to, value, gas_limit, False, data]
    )


def _l1_block(chain: L1Chain, *txs: tuple[L1Transaction, L1Receipt]) -> L1Chain:
    return append_block(chain, chain.head.timestamp + L1_BLOCK_TIME, txs)


def run_op_demo(
    deposit: int = ETHER, payment: int = ETHER // 10, withdrawal: int = ETHER // 5
) -> OpStory:
    """Run the story and return every step with the protocol's answer."""
    story = OpStory()

    # --- genesis: L1 block 0, the L2 genesis anchored to it (real predeploy bytecode) ----------
    l1 = genesis_l1_chain(1_700_000_000)
    genesis = Genesis(
        l1=BlockID(l1.head.number, l1.head.hash),
        l2=BlockID(0, Hash32(b"\x00" * 32)),
        l2_time=l1.head.timestamp,
        system_config=SYSTEM_CONFIG,
    )
    engine0: EngineState = l2_genesis(devnet_parameters(genesis), predeploys.l2_genesis_alloc({}))
    config = engine0.config
    portal_cfg = portal.PortalConfig(
        address=config.deposit_contract_address, proof_maturity_delay=7 * DAY
    )
    portal_state = portal.new_portal(portal_cfg)
    oracle = proposals.new_output_oracle(
        proposals.OracleConfig(
            submission_interval=1,
            l2_block_time=config.block_time,
            starting_block_number=0,
            starting_timestamp=config.genesis.l2_time,
            proposer=PROPOSER,
            challenger=CHALLENGER,
            finalization_period_seconds=7 * DAY,
        )
    )
    story.facts["l2_genesis_hash"] = to_hex(config.genesis.l2.hash)

    # --- 1. deposit on L1 ---------------------------------------------------------------------
    log = transaction_deposited_log(
        config.deposit_contract_address,
        ALICE,
        ALICE,
        mint=deposit,
        value=0,
        gas_limit=100_000,
        is_creation=False,
        data=b"",
    )
    deposit_tx = L1Transaction(
        sender=ALICE,
        to=config.deposit_contract_address,
        value=deposit,
        data=_deposit_calldata(ALICE, 0, 100_000, b""),
        nonce=0,
    )
    l1 = _l1_block(l1, (deposit_tx, L1Receipt(1, (log,))))
    portal_state = portal.deposit_eth(portal_state, deposit)
    story.add(
        "L1",
        f"alice deposits {deposit / ETHER:g} ETH through the portal (L1 block #{l1.head.number})",
        "TransactionDeposited emitted",
        True,
    )

    # --- 2. the sequencer builds L2 blocks ------------------------------------------------------
    state = engine0
    blocks: list[L2Block] = []

    def build(txs: tuple[bytes, ...] = ()) -> L2Block:
        nonlocal state
        out = sequencer.sequence_block(config, l1, SYSTEM_CONFIG, state, txs)
        if out.block is None:
            raise DemoError(f"the honest sequencer could not build a block: {out.reason}")
        state = out.state
        blocks.append(out.block)
        return out.block

    while state.head.ref.l1_origin.number < l1.head.number:
        build()
    deposit_block = blocks[-1]
    minted = evm.get_balance(state.world, ALICE)
    story.add(
        "L2",
        f"sequencer reaches epoch {deposit_block.l1_origin.number}: deposit minted in L2 block "
        f"#{deposit_block.number}",
        f"alice's L2 balance {minted / ETHER:g} ETH",
        minted == deposit,
    )
    # A deposit bumps its sender's L2 nonce (deposits.md §Execution), so alice asks the state.
    pay = _sign_l2(config, evm.get_nonce(state.world, ALICE), BOB, payment, b"", 21_000)
    pay_block = build((pay,))
    bob_balance = evm.get_balance(state.world, BOB)
    story.add(
        "L2",
        f"alice pays bob {payment / ETHER:g} ETH (L2 block #{pay_block.number})",
        f"bob's balance {bob_balance / ETHER:g} ETH",
        bob_balance == payment,
    )
    wd = _sign_l2(
        config,
        evm.get_nonce(state.world, ALICE),
        predeploys.L2_TO_L1_MESSAGE_PASSER,
        withdrawal,
        _initiate_withdrawal_calldata(ALICE, 100_000, b""),
        200_000,
    )
    wd_block = build((wd,))
    wd_logs = [
        lg
        for r in wd_block.receipts
        for lg in r.logs
        if lg.topics[:1] == (withdrawals.MESSAGE_PASSED_TOPIC,)
    ]
    w = withdrawals.decode_message_passed_log(wd_logs[0]) if wd_logs else None
    story.add(
        "L2",
        f"alice initiates a {withdrawal / ETHER:g} ETH withdrawal through L2ToL1MessagePasser "
        f"(L2 block #{wd_block.number})",
        f"MessagePassed, hash {to_hex(withdrawals.withdrawal_hash(w))[:18]}…"
        if w
        else "no MessagePassed event",
        w is not None,
    )
    if w is None:
        return story
    for _ in range(2):
        build()  # two more empty blocks so the batch spans more than the interesting ones

    # --- 3. the batcher posts the batches to the inbox ----------------------------------------
    batches = [sequencer.block_to_batch(b) for b in blocks]
    frames = batcher.build_channel_frames(
        batches,
        config,
        batcher.channel_id_for(b"l2spec demo", 0),
        max_frame_size=300,
        compression=batcher.default_compression(config, l1.head.timestamp + L1_BLOCK_TIME),
    )
    txs = [
        (L1Transaction(BATCHER, config.batch_inbox_address, 0, data, n), L1Receipt(1, ()))
        for n, data in enumerate(batcher.batcher_transactions(frames))
    ]
    l1 = _l1_block(l1, *txs)
    story.add(
        "L1",
        f"batcher posts {len(batches)} batches as 1 channel in {len(frames)} frames "
        f"(L1 block #{l1.head.number})",
        f"{sum(len(t.data) for t, _ in txs)} bytes of calldata",
        True,
    )

    # --- 4. re-derive the L2 chain from L1 alone ---------------------------------------------
    derived = derive(config, l1, engine0)
    same = [b.hash for b in derived.blocks] == [b.hash for b in blocks]
    story.add(
        "verifier",
        "derives the L2 chain from L1 data alone",
        f"{len(derived.blocks)} blocks, safe head #{derived.safe_head.number}; "
        + ("identical to the sequencer's chain" if same else "DIFFERS from the sequencer's chain"),
        same and derived.halted is None,
    )
    story.facts["derived_blocks"] = len(derived.blocks)
    story.facts["sequencer_blocks"] = len(blocks)
    story.facts["derived_equals_sequenced"] = same
    story.facts["safe_head"] = derived.safe_head.number

    # --- 5. the proposer proposes the output root of the withdrawal's block -------------------
    l1 = _l1_block(l1)
    now = l1.head.timestamp
    wd_state_root = wd_block.header.state_root
    out_proof = output_root_proof_from_state(state.world.db, wd_state_root, wd_block.hash)
    root = output_root(out_proof)
    # The oracle takes one output per submission interval: propose every block up to the
    # withdrawal's (each with its own real output root).
    for b in blocks[: wd_block.number]:
        b_proof = output_root_proof_from_state(state.world.db, b.header.state_root, b.hash)
        res = proposals.propose(oracle, PROPOSER, output_root(b_proof), b.number, now)
        if not res.ok:
            story.add(
                "L1", f"proposer proposes output of L2 block #{b.number}", res.reason or "", False
            )
            return story
        oracle = res.oracle
    index = len(oracle.outputs) - 1
    story.add(
        "L1",
        f"proposer proposes output roots up to L2 block #{wd_block.number}",
        f"output root {to_hex(root)[:18]}… at index {index}",
        oracle.outputs[index].output_root == root,
    )
    story.facts["output_root"] = to_hex(root)

    # --- 6. prove on L1 ----------------------------------------------------------------------
    w_hash = withdrawals.withdrawal_hash(w)
    w_proof = withdrawals.prove_withdrawal(
        state.world.db, out_proof.message_passer_storage_root, w_hash
    )
    pres = portal.prove_withdrawal(
        portal_state, oracle, w, index, out_proof, w_proof, now, prover=ALICE
    )
    portal_state = pres.state
    story.add(
        "L1",
        "alice proves the withdrawal (storage proof of sentMessages)",
        pres.reason or "proven",
        pres.ok,
    )

    # --- 7. finalize: too early, on time, twice ----------------------------------------------
    early = now + DAY
    fres = portal.finalize_withdrawal(portal_state, oracle, w, early)
    story.add(
        "L1",
        "alice finalizes one day later",
        f"refused: {fres.reason}" if not fres.ok else "finalized",
        fres.ok,
        expected_ok=False,
    )
    late = now + 7 * DAY + 1
    before = portal_state.eth_balance
    fres = portal.finalize_withdrawal(portal_state, oracle, w, late)
    portal_state = fres.state
    paid = before - portal_state.eth_balance
    story.add(
        "L1",
        "alice finalizes after the 7-day proof-maturity delay",
        f"finalized: the portal pays {paid / ETHER:g} ETH"
        if fres.ok
        else f"refused: {fres.reason}",
        fres.ok and paid == withdrawal,
    )
    fres = portal.finalize_withdrawal(portal_state, oracle, w, late + 1)
    story.add(
        "L1",
        "alice finalizes the same withdrawal again",
        f"refused: {fres.reason}" if not fres.ok else "finalized twice!",
        fres.ok,
        expected_ok=False,
    )
    story.facts["portal_eth_left"] = portal_state.eth_balance
    return story
