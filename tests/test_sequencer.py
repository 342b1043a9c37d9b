"""The honest sequencer: L1 origin selection, drift, deposits at epoch starts, batches.

Origin selection cases are ported from op-node's ``origin_selector_test.go``
(``op-node/rollup/sequencing``, ethereum-optimism/optimism @ d317e96): same block times, block
time 2, drift 500 or 8, and the origin upstream expects (the confirmation-depth cases are a
property of which L1 blocks the sequencer is shown, so they appear as "next origin unknown").
Block contents are checked against the real ``L1Block`` predeploy bytecode, which decodes the
L1 attributes deposit on L2 and stores the origin it was given.
"""

from __future__ import annotations

from dataclasses import replace

from eth.vm.forks.cancun import CancunVM
from eth_keys import keys

from l2spec.spec.common import evm
from l2spec.spec.common.l1 import L1Chain, L1Receipt, L1Transaction, append_block, genesis_l1_chain
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, address
from l2spec.spec.optimistic.blocks import L1BlockRef, L2BlockRef
from l2spec.spec.optimistic.config import (
    DEFAULT_BATCHER,
    BlockID,
    Genesis,
    RollupConfig,
    SystemConfig,
    devnet_parameters,
)
from l2spec.spec.optimistic.deposits import DEPOSIT_TX_TYPE, transaction_deposited_log
from l2spec.spec.optimistic.engine import EngineState, l2_genesis
from l2spec.spec.optimistic.predeploys import L1_BLOCK, l2_genesis_alloc, storage_slot
from l2spec.spec.optimistic.sequencer import (
    block_to_batch,
    past_sequencer_drift,
    select_l1_origin,
    sequence_block,
    sequence_blocks,
)

KEY = keys.PrivateKey(b"\x07" * 32)
ALICE = Address(KEY.public_key.to_canonical_address())
BOB = address("0x" + "b0" * 20)
SYSTEM_CONFIG = SystemConfig(DEFAULT_BATCHER, 0, (1 << 248) | 1368, 30_000_000)
T0 = 1_700_000_000


def l1_chain(n_blocks: int, gap: int = 12, deposits_at: dict[int, int] | None = None) -> L1Chain:
    """Genesis at ``T0`` and ``n_blocks`` more, ``gap`` seconds apart; ``deposits_at`` maps a block
    number to an amount (wei) deposited to BOB in that block: minted to the sender on L2 and sent
    on as the value (the portal's TransactionDeposited log)."""
    chain = genesis_l1_chain(T0)
    for i in range(1, n_blocks + 1):
        pairs = []
        if deposits_at and i in deposits_at:
            config = make_config(chain)
            log = transaction_deposited_log(
                config.deposit_contract_address,
                ALICE,
                BOB,
                deposits_at[i],
                deposits_at[i],
                100_000,
                False,
                b"",
            )
            tx = L1Transaction(ALICE, config.deposit_contract_address, deposits_at[i], b"", i)
            pairs.append((tx, L1Receipt(1, (log,))))
        chain = append_block(chain, chain.head.timestamp + gap, pairs)
    return chain


def make_config(chain: L1Chain, **changes: object) -> RollupConfig:
    genesis = Genesis(BlockID(0, chain.genesis.hash), BlockID(0, ZERO_HASH), T0, SYSTEM_CONFIG)
    return replace(devnet_parameters(genesis), **changes)  # type: ignore[arg-type]


def engine_for(config: RollupConfig) -> EngineState:
    return l2_genesis(config, l2_genesis_alloc({ALICE: 10**21}))


def transfer(nonce: int, chain_id: int = 901) -> bytes:
    builder = CancunVM.get_transaction_builder()
    unsigned = builder.new_unsigned_dynamic_fee_transaction(
        chain_id=chain_id,
        nonce=nonce,
        max_priority_fee_per_gas=1,
        max_fee_per_gas=10**10,
        gas=21_000,
        to=BOB,
        value=1,
        data=b"",
        access_list=(),
    )
    return bytes(unsigned.as_signed_transaction(KEY).encode())


def l1_block_storage(state: EngineState, label: str) -> int:
    """A uint64 field of the L2 ``L1Block`` predeploy, from its storage layout."""
    slot, offset = storage_slot("L1Block", label)
    word = evm.get_storage(state.world, L1_BLOCK, slot)
    return (word >> (8 * offset)) & (2**64 - 1)


# --- Origin selection (origin_selector_test.go) -------------------------------------------------


def ref(name: str, number: int, time: int) -> L1BlockRef:
    return L1BlockRef(Hash32(name.encode().ljust(32, b"\x00")), number, ZERO_HASH, time)


def head(time: int, origin: L1BlockRef) -> L2BlockRef:
    return L2BlockRef(Hash32(b"\x02" * 32), 1, ZERO_HASH, time, origin.id, 0)


CHAIN0 = l1_chain(0)


def cfg(drift: int, **changes: object) -> RollupConfig:
    return make_config(CHAIN0, max_sequencer_drift=drift, **changes)


def test_origin_advances_when_next_l2_time_reaches_next_origin() -> None:
    """TestOriginSelectorAdvances: L1 at 20, 22, 24; L2 head at 24 -> b, then c."""
    a, b, c = ref("a", 10, 20), ref("b", 11, 22), ref("c", 12, 24)
    assert select_l1_origin(cfg(500), head(24, a), a, b) == b
    assert select_l1_origin(cfg(500), head(26, b), b, c) == c


def test_origin_respects_origin_timing() -> None:
    """TestOriginSelectorRespectsOriginTiming: L1 at 20 & 25, L2 head at 22 -> stay on a."""
    a, b = ref("a", 10, 20), ref("b", 11, 25)
    assert select_l1_origin(cfg(500), head(22, a), a, b) == a


def test_origin_respects_seq_drift() -> None:
    """TestOriginSelectorRespectsSeqDrift: drift 8, head 27 (next 29 > 20 + 8) -> b."""
    a, b = ref("a", 10, 20), ref("b", 11, 25)
    assert select_l1_origin(cfg(8), head(27, a), a, b) == b


def test_origin_not_known_past_drift_is_an_outcome() -> None:
    """TestOriginSelectorStrictConfDepth: past the drift without the next origin, no block; below
    the drift, stay (TestOriginSelectorRespectsConfDepth)."""
    a = ref("a", 10, 20)
    assert select_l1_origin(cfg(8), head(27, a), a, None) is None
    assert select_l1_origin(cfg(500), head(27, a), a, None) == a


def test_origin_fjord_drift() -> None:
    """TestOriginSelector_FjordSeqDrift: Fjord at a's time raises the drift to 1800 -> stay on a."""
    a = ref("a", 10, 20)
    assert select_l1_origin(cfg(8, fjord_time=20), head(27, a), a, None) == a


def test_origin_past_drift_respects_next_origin_time() -> None:
    """TestOriginSelectorSeqDriftRespectsNextOriginTime: L1 at 20 & 100, head 27 -> stay on a."""
    a, b = ref("a", 10, 20), ref("b", 11, 100)
    assert select_l1_origin(cfg(8), head(27, a), a, b) == a


def test_drift_boundary() -> None:
    """`timestamp > origin.time + max_sequencer_drift` bars sequenced transactions; equal is fine."""
    a = ref("a", 10, 20)
    assert not past_sequencer_drift(cfg(8), 28, a)
    assert past_sequencer_drift(cfg(8), 29, a)
    assert select_l1_origin(cfg(8), head(26, a), a, None) == a  # next = 28, at the edge


# --- Building blocks -----------------------------------------------------------------------------


def test_sequencer_blocks_origins_and_sequence_numbers() -> None:
    chain = l1_chain(3)
    config = engine_for(make_config(chain)).config
    state, batches = sequence_blocks(config, chain, SYSTEM_CONFIG, engine_for(config), [[]] * 18)
    refs = [b.ref for b in state.blocks[1:]]
    # 12 s L1 blocks, 2 s L2 blocks: epoch 0 has blocks at T0+2..T0+10, then 6 blocks per epoch.
    assert [r.l1_origin.number for r in refs] == [0] * 5 + [1] * 6 + [2] * 6 + [3]
    assert [r.sequence_number for r in refs] == [1, 2, 3, 4, 5] + list(range(6)) * 2 + [0]
    assert all(r.timestamp == T0 + 2 * (i + 1) for i, r in enumerate(refs))
    for r in refs:
        assert r.l1_origin.hash == chain.blocks[r.l1_origin.number].hash
    # The real L1Block contract stored what the last L1 attributes deposit said.
    assert l1_block_storage(state, "number") == 3
    assert l1_block_storage(state, "sequenceNumber") == 0
    assert [b.timestamp for b in batches] == [r.timestamp for r in refs]
    assert all(b.transactions == () for b in batches)


def test_user_deposits_only_in_first_block_of_epoch() -> None:
    chain = l1_chain(2, deposits_at={1: 5 * 10**18})
    config = engine_for(make_config(chain)).config
    state, _ = sequence_blocks(config, chain, SYSTEM_CONFIG, engine_for(config), [[]] * 12)
    deposit_counts = [
        sum(1 for tx in b.transactions if tx[0] == DEPOSIT_TX_TYPE) for b in state.blocks[1:]
    ]
    origins = [b.ref.l1_origin.number for b in state.blocks[1:]]
    first_of_epoch_1 = origins.index(1)
    assert deposit_counts[first_of_epoch_1] == 2  # L1 info + the user deposit
    assert sum(deposit_counts) == len(deposit_counts) + 1
    assert evm.get_balance(state.world, BOB) == 5 * 10**18  # the mint arrived on L2


def test_user_transactions_are_batched_without_deposits() -> None:
    chain = l1_chain(1)
    config = engine_for(make_config(chain)).config
    txs = [transfer(0), transfer(1)]
    out = sequence_block(config, chain, SYSTEM_CONFIG, engine_for(config), txs)
    assert out.block is not None and out.batch is not None
    assert out.batch.transactions == tuple(txs)
    assert out.block.transactions[-2:] == tuple(txs)
    assert block_to_batch(out.block) == out.batch
    assert out.batch.parent_hash == out.block.ref.parent_hash
    assert evm.get_balance(out.state.world, BOB) == 2


def test_invalid_transaction_is_a_value() -> None:
    chain = l1_chain(1)
    config = engine_for(make_config(chain)).config
    engine = engine_for(config)
    out = sequence_block(config, chain, SYSTEM_CONFIG, engine, [transfer(5)])  # nonce gap
    assert out.block is None and out.reason and out.state is engine


def test_past_drift_blocks_carry_no_transactions() -> None:
    """A 100 s L1 gap with drift 60: blocks past origin + 60 leave the user transactions out."""
    chain = l1_chain(1, gap=100)
    config = engine_for(make_config(chain)).config
    state = engine_for(config)
    nonce = 0
    for _ in range(40):
        out = sequence_block(config, chain, SYSTEM_CONFIG, state, [transfer(nonce)])
        assert out.block is not None and out.batch is not None
        r = out.block.ref
        origin_time = chain.blocks[r.l1_origin.number].timestamp
        if r.timestamp > origin_time + config.max_sequencer_drift:
            assert out.batch.transactions == ()
        else:
            assert len(out.batch.transactions) == 1
            nonce += 1
        state = out.state
    origins = [b.ref.l1_origin.number for b in state.blocks[1:]]
    # Origin 0 until T0+100 (block 50 would be at T0+100): blocks 1..30 are within 60 s, 31..40 not.
    assert origins == [0] * 40
    assert nonce == 30


def test_past_drift_without_next_origin_no_block() -> None:
    chain = l1_chain(0)
    config = engine_for(make_config(chain)).config
    state, batches = sequence_blocks(config, chain, SYSTEM_CONFIG, engine_for(config), [[]] * 40)
    assert len(batches) == 30  # T0+60 is the last timestamp within the drift of genesis L1
    out = sequence_block(config, chain, SYSTEM_CONFIG, state)
    assert out.block is None and out.reason is not None and "drift" in out.reason
