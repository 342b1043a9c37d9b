"""The derivation pipeline end to end: L1 alone gives back the sequencer's L2 chain.

The honest path compares block hashes with the chain the sequencer built through the same engine
(deriving from L1 must reproduce it exactly, ``derivation.md`` §Overview). The other expected
values are worked out by hand from the spec rules (window expiry, channel timeout, …) and say how
in their docstrings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
from eth.vm.forks.cancun import CancunVM
from eth_keys import keys
from hypothesis import given, settings
from hypothesis import strategies as st

from l2spec.spec.common.l1 import (
    L1Chain,
    L1Receipt,
    L1Transaction,
    Log,
    append_block,
    genesis_l1_chain,
)
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, address
from l2spec.spec.optimistic.batcher import (
    batcher_transactions,
    build_channel_frames,
    channel_id_for,
)
from l2spec.spec.optimistic.batches import Batch, SingularBatch, singular_batches_to_span
from l2spec.spec.optimistic.channels import CompressionAlgo
from l2spec.spec.optimistic.config import (
    DEFAULT_BATCHER,
    BlockID,
    Genesis,
    RollupConfig,
    SystemConfig,
    devnet_parameters,
)
from l2spec.spec.optimistic.deposits import (
    DEPOSIT_TX_TYPE,
    TRANSACTION_DEPOSITED_TOPIC,
    transaction_deposited_log,
)
from l2spec.spec.optimistic.derivation.pipeline import DerivationResult, derive
from l2spec.spec.optimistic.engine import EngineState, l2_genesis
from l2spec.spec.optimistic.frames import Frame, batcher_tx_data
from l2spec.spec.optimistic.predeploys import l2_genesis_alloc
from l2spec.spec.optimistic.sequencer import sequence_blocks

KEY = keys.PrivateKey(b"\x07" * 32)
ALICE = Address(KEY.public_key.to_canonical_address())
BOB = address("0x" + "b0" * 20)
CAROL = address("0x" + "ca" * 20)  # the L1 depositor (a deposit bumps its sender's L2 nonce)
SYSTEM_CONFIG = SystemConfig(DEFAULT_BATCHER, 0, (1 << 248) | 1368, 30_000_000)
T0 = 1_700_000_000
PORTAL = devnet_parameters(
    Genesis(BlockID(0, ZERO_HASH), BlockID(0, ZERO_HASH), 0, SYSTEM_CONFIG)
).deposit_contract_address


def deposit_pair(nonce: int, amount: int) -> tuple[L1Transaction, L1Receipt]:
    log = transaction_deposited_log(PORTAL, CAROL, BOB, amount, amount, 100_000, False, b"")
    return L1Transaction(CAROL, PORTAL, amount, b"", nonce), L1Receipt(1, (log,))


def empty_l1(n_blocks: int, gap: int = 12, deposits_at: Sequence[int] = ()) -> L1Chain:
    chain = genesis_l1_chain(T0)
    for i in range(1, n_blocks + 1):
        pairs = [deposit_pair(i, 10**18)] if i in deposits_at else []
        chain = append_block(chain, chain.head.timestamp + gap, pairs)
    return chain


def setup(chain: L1Chain, **changes: object) -> tuple[RollupConfig, EngineState]:
    genesis = Genesis(BlockID(0, chain.genesis.hash), BlockID(0, ZERO_HASH), T0, SYSTEM_CONFIG)
    config = replace(devnet_parameters(genesis), **changes)  # type: ignore[arg-type]
    engine = l2_genesis(config, l2_genesis_alloc({ALICE: 10**21}))
    return engine.config, engine


def transfer(nonce: int) -> bytes:
    builder = CancunVM.get_transaction_builder()
    unsigned = builder.new_unsigned_dynamic_fee_transaction(
        chain_id=901,
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


def post(chain: L1Chain, datas: Sequence[bytes], sender: Address = DEFAULT_BATCHER) -> L1Chain:
    """One more L1 block carrying ``datas`` as batcher transactions to the inbox."""
    inbox = devnet_parameters(
        Genesis(BlockID(0, ZERO_HASH), BlockID(0, ZERO_HASH), 0, SYSTEM_CONFIG)
    ).batch_inbox_address
    pairs = [(L1Transaction(sender, inbox, 0, d, n), L1Receipt(1)) for n, d in enumerate(datas)]
    return append_block(chain, chain.head.timestamp + 12, pairs)


def frames_of(
    batches: Sequence[Batch], config: RollupConfig, seed: bytes = b"c", size: int = 300
) -> tuple[Frame, ...]:
    return build_channel_frames(batches, config, channel_id_for(seed), size, CompressionAlgo.ZLIB)


def idle(chain: L1Chain, n: int) -> L1Chain:
    for _ in range(n):
        chain = append_block(chain, chain.head.timestamp + 12)
    return chain


def honest_run(
    n_blocks: int = 24,
) -> tuple[L1Chain, RollupConfig, EngineState, EngineState, tuple[SingularBatch, ...]]:
    """Three L1 blocks (a deposit in block 2), the sequencer's blocks with a transfer every third
    block, and its batches."""
    chain = empty_l1(3, deposits_at=(2,))
    config, genesis = setup(chain)
    txs = [[transfer(i // 3)] if i % 3 == 0 else [] for i in range(n_blocks)]
    state, batches = sequence_blocks(config, chain, SYSTEM_CONFIG, genesis, txs)
    assert len(batches) == n_blocks
    return chain, config, genesis, state, batches


def hashes(blocks: Sequence[object]) -> list[bytes]:
    return [b.hash for b in blocks]  # type: ignore[attr-defined]


def test_singular_batches_derive_the_sequencer_chain() -> None:
    chain, config, genesis, seq, batches = honest_run()
    chain = idle(post(chain, batcher_transactions(frames_of(batches, config))), 2)
    result = derive(config, chain, genesis)
    assert hashes(result.blocks) == hashes(seq.blocks[1:])
    assert result.safe_head == seq.head.ref
    assert result.halted is None
    assert not [e for e in result.events if e.kind == "batch dropped"]


def test_span_batch_derives_the_sequencer_chain() -> None:
    chain, config, genesis, seq, batches = honest_run()
    span = singular_batches_to_span(batches, config, first_sequence_number=1)
    chain = idle(post(chain, batcher_transactions(frames_of([span], config))), 2)
    result = derive(config, chain, genesis)
    assert hashes(result.blocks) == hashes(seq.blocks[1:])
    assert result.safe_head == seq.head.ref


def test_batches_split_over_channels_and_l1_blocks() -> None:
    chain, config, genesis, seq, batches = honest_run()
    for i, part in enumerate((batches[:7], batches[7:15], batches[15:])):
        chain = post(chain, batcher_transactions(frames_of(part, config, seed=bytes([i]))))
    result = derive(config, idle(chain, 1), genesis)
    assert hashes(result.blocks) == hashes(seq.blocks[1:])


def test_window_expiry_derives_deposit_only_blocks() -> None:
    """No batches at all. Epoch ``e``'s window closes once L1 block ``e + 8`` is fully read; then
    empty batches fill epoch ``e`` up to the next L1 timestamp. With L1 blocks 12 s apart and 2 s
    L2 blocks: epoch 0 gets T0+2..T0+10 (5 blocks), every later epoch 6; with L1 head 10, epochs 0,
    1 and 2 are filled: 5 + 6 + 6 = 17 blocks, each with only deposits (the L1 info deposit, and
    the user deposit of L1 block 1 in the first block of epoch 1)."""
    chain = empty_l1(10, deposits_at=(1,))
    config, genesis = setup(chain)
    result = derive(config, chain, genesis)
    refs = [b.ref for b in result.blocks]
    assert len(refs) == 17
    assert [r.l1_origin.number for r in refs] == [0] * 5 + [1] * 6 + [2] * 6
    assert [r.timestamp for r in refs] == [T0 + 2 * (i + 1) for i in range(17)]
    counts = [len(b.transactions) for b in result.blocks]
    assert counts == [1] * 5 + [2] + [1] * 11
    assert all(tx[0] == DEPOSIT_TX_TYPE for b in result.blocks for tx in b.transactions)
    # One L1 block less: epoch 2's window is still open.
    shorter = derive(config, L1Chain(chain.blocks[:-1]), genesis)
    assert len(shorter.blocks) == 11


def test_window_edge_batch_included_last_block_of_window() -> None:
    """A batch for epoch 0 included in L1 block 0 + 8 is accepted. In block 9 it is too late: the
    window closed when block 8 was fully read, an empty block took its slot, and the batch arriving
    afterwards is older than the next timestamp."""
    chain = empty_l1(7)
    config, genesis = setup(chain)
    seq, batches = sequence_blocks(config, chain, SYSTEM_CONFIG, genesis, [[transfer(0)]])
    data = batcher_transactions(frames_of(batches, config))
    on_time = idle(post(chain, data), 2)  # the batch is in block 8
    result = derive(config, on_time, genesis)
    assert result.blocks[0].hash == seq.head.hash
    late = idle(post(idle(chain, 1), data), 1)  # the batch is in block 9
    result = derive(config, late, genesis)
    assert result.blocks[0].hash != seq.head.hash
    assert len(result.blocks[0].transactions) == 1
    assert any(e.kind == "batch dropped" and "older" in e.detail for e in result.events)


def test_duplicate_and_out_of_order_frames() -> None:
    chain, config, genesis, seq, batches = honest_run()
    frames = frames_of(batches, config, size=200)
    assert len(frames) >= 3
    # Closing frame first, frame 1 twice, the middle ones backwards, frame 0 last.
    shuffled = [frames[-1], frames[1], frames[1], *reversed(frames[2:-1]), frames[0]]
    chain = post(chain, batcher_transactions(shuffled[:2]))
    chain = post(chain, batcher_transactions(shuffled[2:]))
    result = derive(config, idle(chain, 1), genesis)
    assert hashes(result.blocks) == hashes(seq.blocks[1:])
    assert any(e.kind == "frame dropped" and "duplicate" in e.detail for e in result.events)


def test_channel_timeout_drops_the_channel() -> None:
    """Frame 0 lands in L1 block 4, the rest in block 4 + channel_timeout (4) + 1 = 9: the
    channel timed out, its batches are never derived, and the window produces empty blocks."""
    chain, config, genesis, seq, batches = honest_run(6)
    frames = frames_of(batches, config, size=100)
    assert len(frames) >= 2
    chain = post(chain, [batcher_tx_data(frames[:1])])
    chain = idle(chain, 4)
    chain = post(chain, batcher_transactions(frames[1:]))
    result = derive(config, idle(chain, 2), genesis)
    assert any(e.kind == "frame dropped" and "timed out" in e.detail for e in result.events) or any(
        e.kind == "channel timed out" for e in result.events
    )
    assert result.blocks and all(
        all(tx[0] == DEPOSIT_TX_TYPE for tx in b.transactions) for b in result.blocks
    )
    # Last frame one block earlier (block 8 = 4 + 4): the channel is complete in time.
    chain2 = idle(post(empty_l1(3, deposits_at=(2,)), [batcher_tx_data(frames[:1])]), 3)
    chain2 = idle(post(chain2, batcher_transactions(frames[1:])), 1)
    result = derive(config, chain2, genesis)
    assert hashes(result.blocks[:6]) == hashes(seq.blocks[1:])


def test_batches_from_another_sender_are_ignored() -> None:
    chain, config, genesis, seq, batches = honest_run(6)
    impostor = address("0x" + "66" * 20)
    chain = idle(post(chain, batcher_transactions(frames_of(batches, config)), sender=impostor), 9)
    result = derive(config, chain, genesis)
    assert result.blocks and hashes(result.blocks[:6]) != hashes(seq.blocks[1:])
    assert all(len(b.transactions) <= 2 for b in result.blocks)


def test_engine_rejection_drops_the_batch_and_uses_the_next() -> None:
    """§L1-sync: a payload the engine rejects drops its batch; the next batch for that timestamp
    is used."""
    chain, config, genesis, seq, batches = honest_run(6)
    bad = replace(batches[0], transactions=(transfer(7),))  # nonce gap: invalid
    chain = idle(post(chain, batcher_transactions(frames_of([bad, *batches], config))), 1)
    result = derive(config, chain, genesis)
    assert hashes(result.blocks) == hashes(seq.blocks[1:])
    assert [e.kind for e in result.events].count("payload rejected, batch dropped") == 1


# --- Arbitrary L1 input ---------------------------------------------------------------------------


def arbitrary_l1(datas: Sequence[bytes], logs: Sequence[tuple[Sequence[Hash32], bytes]]) -> L1Chain:
    """L1 blocks 4 s apart: block 1 carries ``datas`` as batcher transactions and ``logs`` as
    logs of the deposit contract; two more empty blocks follow."""
    chain = genesis_l1_chain(T0)
    inbox = devnet_parameters(
        Genesis(BlockID(0, ZERO_HASH), BlockID(0, ZERO_HASH), 0, SYSTEM_CONFIG)
    ).batch_inbox_address
    pairs = [
        (L1Transaction(DEFAULT_BATCHER, inbox, 0, d, n), L1Receipt(1)) for n, d in enumerate(datas)
    ]
    receipt = L1Receipt(1, tuple(Log(PORTAL, tuple(topics), data) for topics, data in logs))
    pairs.append((L1Transaction(ALICE, PORTAL, 0, b"", 0), receipt))
    chain = append_block(chain, T0 + 4, pairs)
    return append_block(append_block(chain, T0 + 8), T0 + 12)


def valid_frame_data() -> st.SearchStrategy[bytes]:
    """Batcher data that is at least shaped like frames, so that channels get exercised."""
    frame = st.builds(
        lambda cid, n, data, last: Frame(cid, n, data, last),
        st.sampled_from([b"\x01" * 16, b"\x02" * 16]),
        st.integers(0, 2),
        st.binary(max_size=40),
        st.booleans(),
    )
    return st.lists(frame, min_size=1, max_size=3).map(batcher_tx_data)


GENESIS_L1 = genesis_l1_chain(T0)
GENESIS_CONFIG, GENESIS_ENGINE = setup(GENESIS_L1)


def plausible_channel(batches: list[SingularBatch]) -> bytes:
    """A well-formed channel of batches for epoch 0, some on the L2 genesis (the L2 genesis does
    not depend on later L1 blocks, so these can be accepted and executed)."""
    frames = frames_of(batches, GENESIS_CONFIG, seed=b"plausible", size=1000)
    return batcher_tx_data(frames)


plausible_batch = st.builds(
    lambda slot, txs, good_parent: SingularBatch(
        GENESIS_ENGINE.head.hash if good_parent else Hash32(b"\x09" * 32),
        0,
        GENESIS_L1.genesis.hash,
        T0 + 2 * slot,
        tuple(txs),
    ),
    st.integers(1, 3),
    st.lists(
        st.one_of(st.binary(max_size=8), st.sampled_from([transfer(0), transfer(1)])), max_size=2
    ),
    st.booleans(),
)
batcher_datas = st.lists(
    st.one_of(
        st.binary(max_size=60),
        valid_frame_data(),
        st.lists(plausible_batch, min_size=1, max_size=3).map(plausible_channel),
    ),
    max_size=3,
)
deposit_logs = st.lists(
    st.tuples(
        st.lists(
            st.one_of(
                st.just(TRANSACTION_DEPOSITED_TOPIC),
                st.binary(min_size=32, max_size=32).map(Hash32),
            ),
            max_size=4,
        ),
        st.binary(max_size=200),
    ),
    max_size=2,
)


def check_arbitrary_input(datas: list[bytes], logs: list[tuple[list[Hash32], bytes]]) -> None:
    chain = arbitrary_l1(datas, logs)
    config, genesis = setup(chain, seq_window_size=1)
    first: DerivationResult = derive(config, chain, genesis)
    second = derive(config, chain, genesis)
    assert hashes(first.blocks) == hashes(second.blocks)
    assert first.events == second.events
    if first.halted is None:
        # Windows of epochs 0 and 1 closed (1 + 1 <= 3): at least one block per epoch.
        assert {b.ref.l1_origin.number for b in first.blocks} >= {0, 1}


@settings(max_examples=8)
@given(batcher_datas, deposit_logs)
def test_arbitrary_l1_input_never_raises_and_is_deterministic(
    datas: list[bytes], logs: list[tuple[list[Hash32], bytes]]
) -> None:
    check_arbitrary_input(datas, logs)


@pytest.mark.fuzz  # deselected by default; `tox -e fuzz` runs it under the large `fuzz` profile
@given(batcher_datas, deposit_logs)
def test_arbitrary_l1_input_fuzz(
    datas: list[bytes], logs: list[tuple[list[Hash32], bytes]]
) -> None:
    check_arbitrary_input(datas, logs)
