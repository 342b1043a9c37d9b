"""The L1 rollup manager and Etrog consensus: sequencing, forced batches, verification, pending
states, emergency state; every refusal by the contract's custom error name.

The re-executor used here is a toy written in this file (a keccak of the old root and the batch
data, limbs kept inside the Goldilocks field): these tests check the L1 state machine
(``PolygonRollupManager`` / ``PolygonRollupBaseEtrog`` at zkevm-contracts ``v4.0.0-fork.7``), not
the EVM. The accInputHash chain is recomputed here from the formula in
``PolygonRollupBaseEtrog.sequenceBatches`` with plain keccak, independently of spec/zk/batch.py.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, address, hash32
from l2spec.spec.zk import rollup as R
from l2spec.spec.zk.bridge import BridgeState
from l2spec.spec.zk.exit_roots import (
    GlobalExitRootManager,
    L1Block,
    global_exit_root,
    tree_from_leaves,
    tree_root,
)

SEQ = address("0x" + "5e" * 20)
AGG = address("0x" + "a9" * 20)
ANYONE = address("0x" + "01" * 20)
COUNCIL = address("0x" + "c0" * 20)
STOPPER = address("0x" + "57" * 20)
MANAGER = address("0x" + "aa" * 20)
BRIDGE = address("0x" + "b0" * 20)
ROLLUP = address("0x" + "7a" * 20)
GENESIS = hash32("0x" + "0e" * 32)
T0 = 1_700_000_000
WEEK = 7 * 24 * 3600


def block(t: int) -> L1Block:
    return L1Block(t, t, keccak256(t.to_bytes(8, "big")))


def _fit(h: bytes) -> Hash32:
    """Clear the top byte of each 64-bit limb so the root is inside the Goldilocks field."""
    b = bytearray(h)
    for i in range(0, 32, 8):
        b[i] = 0
    return Hash32(bytes(b))


def toy_reexecute(req: R.ReexecutionRequest) -> tuple[Hash32, Hash32]:
    root = req.old_state_root
    for b in req.batches:
        root = _fit(keccak256(root + b.transactions))
    return root, keccak256(b"ler" + root)


def initial_state(pending_timeout: int = 0, agg_timeout: int = WEEK - 1) -> R.L1State:
    manager = R.RollupManager(
        MANAGER,
        agg_timeout,
        pending_timeout,
        trusted_aggregators=frozenset({AGG}),
        emergency_council=frozenset({COUNCIL}),
        stop_emergency=frozenset({STOPPER}),
        tweak_parameters=frozenset({COUNCIL}),
    )
    state = R.L1State(manager, (), GlobalExitRootManager(BRIDGE, MANAGER), BridgeState(BRIDGE, 0))
    res = R.create_rollup(
        state, ROLLUP, 1101, 7, GENESIS, SEQ, b"init-tx", block(T0), toy_reexecute
    )
    assert res.ok and res.last_batch == 1
    return res.state


def expected_acc(old: Hash32, tx: bytes, root: Hash32, ts: int, seq: Address, fb: Hash32) -> Hash32:
    return keccak256(old + keccak256(tx) + root + ts.to_bytes(8, "big") + seq + fb)


def proof_for(state: R.L1State, init: int, final: int) -> R.ReexecutionProof:
    return R.ReexecutionProof(state.consensus[0].batch_inputs[init:final])


def claimed_roots(state: R.L1State, init: int, final: int, old: Hash32) -> tuple[Hash32, Hash32]:
    req = R.ReexecutionRequest(old, 1101, 7, init, proof_for(state, init, final).batches, None)
    return toy_reexecute(req)


def verify_args(
    state: R.L1State, init: int, final: int, old: Hash32, pending: int = 0
) -> R.VerifyBatches:
    sr, ler = claimed_roots(state, init, final, old)
    return R.VerifyBatches(1, pending, init, final, ler, sr, proof_for(state, init, final))


def test_create_rollup_initial_batch() -> None:
    state = initial_state()
    rollup = state.manager.rollups[0]
    assert rollup.batch_num_to_state_root == {0: GENESIS}
    t = block(T0)
    acc = expected_acc(
        ZERO_HASH, b"init-tx", global_exit_root(ZERO_HASH, ZERO_HASH), T0, SEQ, t.parent_hash
    )
    assert rollup.sequenced_batches[1] == R.SequencedBatchData(acc, T0, 0)
    assert state.consensus[0].last_acc_input_hash == acc
    again = R.create_rollup(state, ROLLUP, 1101, 7, GENESIS, SEQ, b"", t)
    assert again.reason == R.CHAIN_ID_ALREADY_EXIST


def test_sequence_batches_chain_and_refusals() -> None:
    state = initial_state()
    t = block(T0 + 100)
    res = R.sequence_batches(state, 1, SEQ, [R.BatchData(b"a"), R.BatchData(b"bb")], SEQ, t)
    assert res.ok and res.last_batch == 3
    info_root = tree_root(tree_from_leaves(res.state.ger.l1_info_leaves))
    acc = state.consensus[0].last_acc_input_hash
    for tx in (b"a", b"bb"):
        acc = expected_acc(acc, tx, info_root, t.timestamp, SEQ, ZERO_HASH)
    assert res.state.manager.rollups[0].sequenced_batches[3].acc_input_hash == acc
    assert res.state.manager.rollups[0].sequenced_batches[3].previous_last_batch_sequenced == 1
    assert (
        R.sequence_batches(state, 1, ANYONE, [R.BatchData(b"")], SEQ, t).reason
        == R.ONLY_TRUSTED_SEQUENCER
    )
    assert R.sequence_batches(state, 1, SEQ, [], SEQ, t).reason == R.SEQUENCE_ZERO_BATCHES
    many = [R.BatchData(b"")] * 1001
    assert R.sequence_batches(state, 1, SEQ, many, SEQ, t).reason == R.EXCEED_MAX_VERIFY_BATCHES
    big = [R.BatchData(b"\x00" * 120_001)]
    assert R.sequence_batches(state, 1, SEQ, big, SEQ, t).reason == R.TRANSACTIONS_LENGTH_ABOVE_MAX
    fake_forced = [R.BatchData(b"x", ZERO_HASH, 5, ZERO_HASH)]
    refused = R.sequence_batches(state, 1, SEQ, fake_forced, SEQ, t)
    assert refused.reason == R.FORCED_DATA_DOES_NOT_MATCH and refused.state == state


def test_trusted_verification_and_exit_root_push() -> None:
    state = R.sequence_batches(
        initial_state(), 1, SEQ, [R.BatchData(b"a"), R.BatchData(b"b")], SEQ, block(T0 + 10)
    ).state
    t = block(T0 + 20)
    args = verify_args(state, 0, 3, GENESIS)
    assert (
        R.verify_batches_trusted_aggregator(state, ANYONE, args, t).reason
        == R.ADDRESS_DO_NOT_HAVE_REQUIRED_ROLE
    )
    bad = replace(args, new_state_root=_fit(hash32("0x" + "12" * 32)))
    assert R.verify_batches_trusted_aggregator(state, AGG, bad, t).reason == R.INVALID_PROOF
    outside = replace(args, new_state_root=hash32("0x" + "ff" * 32))
    assert (
        R.verify_batches_trusted_aggregator(state, AGG, outside, t).reason
        == R.NEW_STATE_ROOT_NOT_INSIDE_PRIME
    )
    mid = verify_args(state, 0, 2, GENESIS)  # batch 2 ends no sequence
    assert (
        R.verify_batches_trusted_aggregator(state, AGG, mid, t).reason
        == R.NEW_ACC_INPUT_HASH_DOES_NOT_EXIST
    )
    res = R.verify_batches_trusted_aggregator(state, AGG, args, t)
    assert res.ok
    rollup = res.state.manager.rollups[0]
    assert rollup.last_verified_batch == 3
    assert rollup.batch_num_to_state_root[3] == args.new_state_root
    assert rollup.last_local_exit_root == args.new_local_exit_root
    rer = tree_root(tree_from_leaves([args.new_local_exit_root]))
    assert res.state.ger.last_rollup_exit_root == rer
    assert R.rollup_exit_root(res.state.manager) == rer
    g = global_exit_root(res.state.ger.last_mainnet_exit_root, rer)
    assert res.state.ger.global_exit_root_map[g] == int.from_bytes(t.parent_hash)
    again = R.verify_batches_trusted_aggregator(res.state, AGG, args, t)
    assert again.reason == R.FINAL_NUM_BATCH_BELOW_LAST_VERIFIED_BATCH
    unknown_init = verify_args(res.state, 1, 3, GENESIS)
    assert (
        R.verify_batches_trusted_aggregator(res.state, AGG, unknown_init, t).reason
        == R.OLD_STATE_ROOT_DOES_NOT_EXIST
    )


def test_permissionless_verification_with_pending_states() -> None:
    state = initial_state(pending_timeout=3600)
    state = R.sequence_batches(state, 1, SEQ, [R.BatchData(b"a")], SEQ, block(T0 + 10)).state
    args = verify_args(state, 0, 2, GENESIS)
    early = R.verify_batches(state, ANYONE, args, block(T0 + 20))
    assert early.reason == R.TRUSTED_AGGREGATOR_TIMEOUT_NOT_EXPIRED
    t = block(T0 + 10 + WEEK)
    res = R.verify_batches(state, ANYONE, args, t)
    assert res.ok
    rollup = res.state.manager.rollups[0]
    assert rollup.last_verified_batch == 0 and rollup.last_pending_state == 1
    assert R.last_verified_batch(rollup) == 2
    assert res.state.ger == state.ger  # nothing pushed until consolidation
    s2 = res.state
    assert (
        R.consolidate_pending_state(s2, 1, ANYONE, 1, t).reason == R.PENDING_STATE_NOT_CONSOLIDABLE
    )
    assert R.consolidate_pending_state(s2, 1, AGG, 2, t).reason == R.PENDING_STATE_INVALID
    by_agg = R.consolidate_pending_state(s2, 1, AGG, 1, t)
    assert by_agg.ok and by_agg.state.manager.rollups[0].last_verified_batch == 2
    later = R.consolidate_pending_state(s2, 1, ANYONE, 1, block(t.timestamp + 3600))
    assert (
        later.ok and later.state.manager.rollups[0].last_local_exit_root == args.new_local_exit_root
    )
    assert later.state.ger.last_rollup_exit_root == tree_root(
        tree_from_leaves([args.new_local_exit_root])
    )
    # a pending state verified on top of the pending one
    s3 = R.sequence_batches(s2, 1, SEQ, [R.BatchData(b"c")], SEQ, block(t.timestamp + 1)).state
    on_pending = verify_args(s3, 2, 3, args.new_state_root, pending=1)
    assert R.verify_batches(
        s3, ANYONE, replace(on_pending, init_num_batch=1), block(t.timestamp + 2 * WEEK)
    ).reason == (R.INIT_NUM_BATCH_DOES_NOT_MATCH_PENDING_STATE)
    assert R.verify_batches(
        s3, ANYONE, replace(on_pending, pending_state_num=5), block(t.timestamp + 2 * WEEK)
    ).reason == (R.PENDING_STATE_DOES_NOT_EXIST)
    ok = R.verify_batches(s3, ANYONE, on_pending, block(t.timestamp + 2 * WEEK))
    assert ok.ok
    r = ok.state.manager.rollups[0]
    # the first pending state was old enough: consolidated before the second was queued
    assert r.last_pending_state_consolidated == 1 and r.last_pending_state == 2
    assert r.last_verified_batch == 2 and R.last_verified_batch(r) == 3


def test_forced_batches() -> None:
    state = initial_state()
    t1 = block(T0 + 50)
    state = replace(
        state, manager=replace(state.manager, last_deactivated_emergency_state_timestamp=0)
    )
    assert R.force_batch(state, 1, ANYONE, b"f", t1).reason == R.FORCE_BATCH_NOT_ALLOWED
    assert (
        R.force_batch(state, 1, SEQ, b"\x00" * 5001, t1).reason == R.TRANSACTIONS_LENGTH_ABOVE_MAX
    )
    forced = R.force_batch(state, 1, SEQ, b"f", t1)
    assert forced.ok and forced.last_batch == 1
    data = R.BatchData(b"f", global_exit_root(ZERO_HASH, ZERO_HASH), t1.timestamp, t1.parent_hash)
    assert forced.state.consensus[0].forced_batches[1] == keccak256(
        keccak256(b"f")
        + data.forced_global_exit_root
        + t1.timestamp.to_bytes(8, "big")
        + t1.parent_hash
    )
    s = forced.state
    early = R.sequence_force_batches(s, 1, SEQ, [data], block(T0 + 60))
    assert early.reason == R.FORCE_BATCH_TIMEOUT_NOT_EXPIRED
    assert (
        R.sequence_force_batches(s, 1, SEQ, [data, data], block(T0 + 60 + WEEK)).reason
        == R.FORCE_BATCHES_OVERFLOW
    )
    wrong = replace(data, transactions=b"g")
    assert (
        R.sequence_force_batches(s, 1, SEQ, [wrong], block(T0 + WEEK)).reason
        == R.FORCED_DATA_DOES_NOT_MATCH
    )
    late = block(t1.timestamp + 5 * 24 * 3600)
    done = R.sequence_force_batches(s, 1, SEQ, [data], late)
    assert done.ok and done.last_batch == 2
    acc = expected_acc(
        s.consensus[0].last_acc_input_hash,
        b"f",
        data.forced_global_exit_root,
        t1.timestamp,
        SEQ,
        t1.parent_hash,
    )
    assert done.state.manager.rollups[0].sequenced_batches[2].acc_input_hash == acc
    # the trusted sequencer may include it at once, with its own coinbase
    inline = R.sequence_batches(s, 1, SEQ, [data, R.BatchData(b"n")], ANYONE, block(T0 + 70))
    assert inline.ok and inline.state.consensus[0].last_force_batch_sequenced == 1
    assert inline.state.consensus[0].forced_batches == {}


def test_emergency_state() -> None:
    state = R.sequence_batches(
        initial_state(), 1, SEQ, [R.BatchData(b"a")], SEQ, block(T0 + 1)
    ).state
    t = block(T0 + 2)
    assert R.activate_emergency_state(state, ANYONE, t).reason == R.HALT_TIMEOUT_NOT_EXPIRED
    on = R.activate_emergency_state(state, COUNCIL, t)
    assert on.ok and on.state.manager.emergency and on.state.bridge.emergency
    s = on.state
    assert R.activate_emergency_state(s, COUNCIL, t).reason == R.ONLY_NOT_EMERGENCY_STATE
    assert (
        R.sequence_batches(s, 1, SEQ, [R.BatchData(b"b")], SEQ, t).reason
        == R.ONLY_NOT_EMERGENCY_STATE
    )
    assert (
        R.force_batch(s, 1, SEQ, b"f", t).reason == R.FORCE_BATCHES_NOT_ALLOWED_ON_EMERGENCY_STATE
    )
    args = verify_args(s, 0, 2, GENESIS)
    assert (
        R.verify_batches(s, ANYONE, args, block(T0 + 2 * WEEK)).reason == R.ONLY_NOT_EMERGENCY_STATE
    )
    assert R.verify_batches_trusted_aggregator(s, AGG, args, t).ok  # the trusted path still works
    assert R.set_trusted_aggregator_timeout(s, COUNCIL, 10 * WEEK).ok  # may rise in emergency
    assert (
        R.set_trusted_aggregator_timeout(state, COUNCIL, WEEK).reason
        == R.NEW_TRUSTED_AGGREGATOR_TIMEOUT_MUST_BE_LOWER
    )
    assert (
        R.set_pending_state_timeout(state, COUNCIL, 1).reason
        == R.NEW_PENDING_STATE_TIMEOUT_MUST_BE_LOWER
    )
    assert R.deactivate_emergency_state(s, ANYONE, t).reason == R.ADDRESS_DO_NOT_HAVE_REQUIRED_ROLE
    assert R.deactivate_emergency_state(state, STOPPER, t).reason == R.ONLY_EMERGENCY_STATE
    off = R.deactivate_emergency_state(s, STOPPER, block(T0 + 3))
    assert off.ok and not off.state.manager.emergency and not off.state.bridge.emergency
    assert R.sequence_force_batches(
        off.state, 1, SEQ, [R.BatchData(b"")], block(T0 + 4)
    ).reason == (R.HALT_TIMEOUT_NOT_EXPIRED_AFTER_EMERGENCY_STATE)


def test_verify_batch_proof_checks_batch_count_and_acc() -> None:
    state = R.sequence_batches(
        initial_state(), 1, SEQ, [R.BatchData(b"a")], SEQ, block(T0 + 1)
    ).state
    rollup = state.manager.rollups[0]
    sr, ler = claimed_roots(state, 0, 2, GENESIS)
    publics = R.BatchProofPublics(
        AGG, GENESIS, ZERO_HASH, 0, 1101, 7, sr, rollup.sequenced_batches[2].acc_input_hash, ler, 2
    )
    proof = proof_for(state, 0, 2)
    assert R.verify_batch_proof(publics, proof, toy_reexecute)
    assert not R.verify_batch_proof(publics, R.ReexecutionProof(proof.batches[:1]), toy_reexecute)
    swapped = R.ReexecutionProof((proof.batches[1], proof.batches[0]))
    assert not R.verify_batch_proof(publics, swapped, toy_reexecute)
    assert not R.verify_batch_proof(
        replace(publics, new_local_exit_root=ZERO_HASH), proof, toy_reexecute
    )


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("seq"), st.integers(1, 3)),
        st.tuples(st.just("trusted"), st.integers(0, 4)),
        st.tuples(st.just("anyone"), st.integers(0, 4)),
        st.tuples(st.just("consolidate"), st.integers(0, 3)),
        st.tuples(st.just("wait"), st.sampled_from([60, 3600, WEEK])),
    ),
    max_size=12,
)


@settings(max_examples=30, deadline=None)
@given(OPS)
def test_verified_batch_is_monotone_and_never_above_sequenced(ops: list[tuple[str, int]]) -> None:
    state = initial_state(pending_timeout=3600)
    now = T0 + 1
    seen = 0
    for op, n in ops:
        now += 1
        rollup = state.manager.rollups[0]
        if op == "seq":
            res = R.sequence_batches(
                state, 1, SEQ, [R.BatchData(bytes([n, i])) for i in range(n)], SEQ, block(now)
            )
        elif op in ("trusted", "anyone"):
            boundaries = sorted(rollup.sequenced_batches)
            final = boundaries[min(n, len(boundaries) - 1)]
            init = rollup.last_verified_batch
            old = rollup.batch_num_to_state_root[init]
            args = verify_args(state, init, final, old)
            fn = R.verify_batches_trusted_aggregator if op == "trusted" else R.verify_batches
            res = fn(state, AGG if op == "trusted" else ANYONE, args, block(now))
        elif op == "consolidate":
            res = R.consolidate_pending_state(state, 1, ANYONE, n, block(now))
        else:
            now += n
            continue
        state = res.state
        r = state.manager.rollups[0]
        assert r.last_verified_batch >= seen
        seen = r.last_verified_batch
        assert r.last_verified_batch <= R.last_verified_batch(r) <= r.last_batch_sequenced
