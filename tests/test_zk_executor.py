"""The Etrog batch executor, the block info tree and the system-contract writes.

Known answers:

- zkevm-commonjs ``test/helpers/test-vectors/processor/state-transition-etrog.json`` (shared file
  ``processor_state-transition-etrog.json``): every case's old/new state root, every expected leaf,
  local exit root, batchHashData and accInputHash;
- zkevm-commonjs ``test/helpers/test-vectors/l2-tx-hash/txs.json`` (commit bb0e77e9): L2 tx hashes;
- zkevm-commonjs ``test/helpers/test-vectors/block-info/block-info-tree.json`` (commit bb0e77e9):
  block info roots, including a transaction with three logs;
- values the vectors imply for other batches: a skipped transaction leaves no trace, so inserting
  one into the vector batch must give the same ``expectedNewRoot``; invalid batches keep
  ``expectedOldRoot``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import ConfigError
from l2spec.paths import vectors_dir
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import Address, address, hash32, hex_to_bytes
from l2spec.spec.zk import block_info, executor, system_contracts
from l2spec.spec.zk.effective_gas_price import effective_gas_price
from l2spec.spec.zk.goldilocks import h4_to_hex, hex_to_h4
from l2spec.spec.zk.smt import ZkAccount
from l2spec.spec.zk.tx_encoding import (
    ChangeL2Block,
    encode_change_l2_block,
    encode_l2_tx,
    sign_l2_tx,
)
from l2spec.vectorcheck import zk_exec

VECTORS = vectors_dir() / "polygon" / "processor_state-transition-etrog.json"


def _load(path: Any) -> Any:
    with open(path) as fh:  # a missing file is a loud failure, never a skip
        return json.load(fh)


CASES = _load(VECTORS)
BY_ID = {case["id"]: case for case in CASES}

SEQUENCER = address("0x617b3a3528F9cDd6630fd3301B9c8911F7Bf063D")
SEQ_KEY = hex_to_bytes("0x28b2b0318721be8c8339199172cd7cc8f5e273800a35616ec893083a4b32c02e")
OTHER = address("0x4d5Cf5032B2a844602278b01199ED191A86c93ff")
OTHER_KEY = hex_to_bytes("0x4d27a600dce8c29b7bd080e29a26972377dbb04d7a27d919adbb602bf13cfd23")
GENESIS_ROOT = "0x4a9bfcb163ec91c5beb22e6aca41592433092c8c7821b01d37fd0de483f9265d"


def _genesis() -> dict[Address, ZkAccount]:
    return zk_exec.genesis_accounts(BY_ID[0]["genesis"])


def _context(case_id: int = 0, **changes: Any) -> executor.BatchContext:
    ctx = zk_exec.batch_context(BY_ID[case_id])
    fields = {name: getattr(ctx, name) for name in ctx.__dataclass_fields__}
    fields.update(changes)
    return executor.BatchContext(**fields)


def _block(delta: int, index: int = 0) -> bytes:
    return encode_change_l2_block(ChangeL2Block(delta, index))


# --- the upstream processor vectors ------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[f"id{c['id']}" for c in CASES])
def test_processor_vector(case: dict[str, Any]) -> None:
    """Old root, new root, every expected leaf, LER, batchHashData and accInputHash."""
    assert zk_exec.check_case(case) == []


def test_vector_outcomes() -> None:
    """Valid batches make the blocks the vectors imply; invalid ones name the ROM's error."""
    r0 = zk_exec.run_case(BY_ID[0])
    assert r0.invalid_reason is None
    assert [(b.number, b.timestamp) for b in r0.blocks] == [(1, 1944498030), (2, 1944498031)]
    # slot 3 of the system contract is the info root of the last block (vector leaf)
    assert h4_to_hex(r0.blocks[-1].block_info_root) == (
        "0x85e9c18a017b997c6b778f0f22938fa3ecf9be2b7ae4f23beaeced0c27dc1eae"
    )
    assert [(t.included, t.status, t.gas_used) for t in r0.txs] == [(True, 1, 21000)]
    r1 = zk_exec.run_case(BY_ID[1])
    assert r1.invalid_reason is None and len(r1.blocks) == 1
    assert h4_to_hex(r1.blocks[0].block_info_root) == (
        "0xc69f62da6469c60bba98bc2113aee05d0a574038a2b171f14a2b6a0b5fd13afd"
    )
    r2 = zk_exec.run_case(BY_ID[2])
    assert r2.invalid_reason == "invalidDecodeChangeL2Block" and r2.blocks == ()
    r3 = zk_exec.run_case(BY_ID[3])
    assert r3.invalid_reason == executor.INVALID_L1_INFO_TREE_INDEX
    assert h4_to_hex(r3.new_state_root) == GENESIS_ROOT


def test_checker_notices_a_wrong_leaf() -> None:
    """The vector checker really compares leaves: a changed expected balance is reported."""
    case = json.loads(json.dumps(BY_ID[0]))
    leaf = case["expectedNewLeafs"]["0x4d5cf5032b2a844602278b01199ed191a86c93ff"]
    leaf["balance"] = str(int(leaf["balance"]) + 1)
    problems = zk_exec.check_case(case)
    assert len(problems) == 1 and "balance" in problems[0]
    ok = zk_exec.FAMILIES["processor_state-transition-etrog.json"](CASES)
    assert ok == [(True, "")] * len(CASES)


# --- system contract slots ---------------------------------------------------------------------------------


def test_system_slots_match_vector_keys() -> None:
    """The slot keys of the vector leaves: keccak(n ‖ 1) for state roots, keccak(GER ‖ 0)."""
    assert hex(system_contracts.state_root_slot(0)) == (
        "0xa6eef7e35abe7026729641147f7915573c7e97b47efa546f5f6e3230263bcb49"
    )
    assert hex(system_contracts.state_root_slot(1)) == (
        "0xcc69885fda6bcc1a4ace058b4a62bf5e179ea78fd58a1ccd71c22cc9b688792f"
    )
    ger = hash32("0x16994edfddddb9480667b64174fc00d3b6da7290d37b8db3a16571b4ddf0789f")
    assert hex(system_contracts.global_exit_root_slot(ger)) == (
        "0xe4432181e398ba2075bafb32c15cbb06d123151b69167397076f8e260276510b"
    )


def test_global_exit_root_written_once() -> None:
    """ROM ``setGERL1InfoTree``: a zero GER is not written; an existing entry is not overwritten."""
    ger = hash32(b"\x11" * 32)
    first, second = hash32(b"\x22" * 32), hash32(b"\x33" * 32)
    state = system_contracts.import_global_exit_root({}, hash32(b"\x00" * 32), first)
    assert dict(state) == {}
    state = system_contracts.import_global_exit_root(state, ger, first)
    state = system_contracts.import_global_exit_root(state, ger, second)
    assert system_contracts.global_exit_root_entry(state, ger) == int.from_bytes(first, "big")


# --- L2 tx hash and block info tree (commonjs vectors) ------------------------------------------------------

# zkevm-commonjs test/helpers/test-vectors/l2-tx-hash/txs.json, cases 3, 4, 6, 7, 8, 9.
CALL_DATA = hex_to_bytes(
    "0x56d5be740000000000000000000000001275fbb540c8efc58b812ba83b0d0b8b9917ae98"
)
DEPLOY_DATA = hex_to_bytes(
    "0x5b8e9959000000000000000000000000000000000000000000000000000000000000004000000000000000000000"
    "000000000000000000000000000000000000000000da000000000000000000000000000000000000000000000000"
    "00000000000000da608060405234801561001057600080fd5b5060bb8061001f6000396000f3fe60806040523480"
    "15600f57600080fd5b506004361060285760003560e01c8063f6d97e8c14602d575b600080fd5b60336047565b"
    "604051603e91906062565b60405180910390f35b600080600390508091505090565b605c81607b565b8252505056"
    "5b6000602082019050607560008301846055565b92915050565b600081905091905056fea26469706673582212"
    "20a33fdecaf587db45fa0e1fe4bfca25de09e35bb9a45fa6dab1bf1964244a929164736f6c634300080700330000"
    "00000000"
)
L2_TX_HASHES = [
    (0, address("0x005Cf5032B2a844602278b01199ED191A86c93ff"), 0, CALL_DATA, 0x6A4,
     "0x42e14eabd58bb4f26e928cada9a74081343e9ca0aad0d4f3f4e6254cb3a805ca"),
    (0, None, 0, CALL_DATA, 0x6A4,
     "0x8f9cfb43c0f6bc7ce9f9e43e8761776a2ef9657ccf87318e2487c313d119b8cf"),
    (0, None, 0, CALL_DATA, 0x1000,
     "0xe93d9aadf9ec7453204b7f26380472820729cb401e371b473132cc3ea27d2eef"),
    (0, None, 0, b"", None,
     "0x72ee790a30ec6b29028770a9b04fbd1b5a38812834e3e3656eb60cf845fc2a56"),
    (0, None, 0, b"", 0x6A4,
     "0xe8cd2bb2321ae825c970cb1b8ffd3ba6fb28488ca2a8003f9622d07d0cb2b63c"),
    (1, address("0x1275fbb540c8efc58b812ba83b0d0b8b9917ae98"), 0x100, DEPLOY_DATA, None,
     "0xc1cbdba9410c0d699e2a7bc392065fef16d0dd145cdfcbd6b5ea30a717916ebc"),
]  # fmt: skip


@pytest.mark.parametrize("nonce,to,value,data,chain_id,expected", L2_TX_HASHES)
def test_l2_tx_hash(
    nonce: int, to: Address | None, value: int, data: bytes, chain_id: int | None, expected: str
) -> None:
    got = block_info.l2_tx_hash(
        nonce=nonce,
        gas_price=0x3B9ACA00,
        gas_limit=0x186A0,
        to=to,
        value=value,
        data=data,
        chain_id=chain_id,
        sender=OTHER,
    )
    assert h4_to_hex(got) == expected


def _topic(n: int) -> Any:
    return hash32(n.to_bytes(32, "big"))


# zkevm-commonjs test/helpers/test-vectors/block-info/block-info-tree.json, cases 0..3:
# (old state root, block number, [(status, logs topics, l2TxHash, gasUsed, effPct)], root)
BLOCK_INFO_TREES = [
    ("0x1fe466d9df83e1d2a4c32e21c6078b8f5f590e7db30b006965faa2f27a9b4fea", 1,
     [(1, [[1], [4, 5, 6], [1, 2]],
       "0xd2a69c7d3c99953bae9d273f2375b2653bd4ec47a05eefc5fc7c041d07fba8a0", 26336, 0xFF)],
     "0xc613144bc2893293e4ec4db6a225ccaf58ab9ebe820035e74f44013f85db1067"),
    (GENESIS_ROOT, 1,
     [(0, [], "0xac65e2fd657a4ee6318cc66cf98b05ae74ce3f0f3982370af951176e7b599c2c", 21000, 0)],
     "0x01f06eb68cadab49affb988b9f03dcb1789f852e1046c6f74c3b0d758af1cc8b"),
    (GENESIS_ROOT, 1,
     [(1, [], "0xac65e2fd657a4ee6318cc66cf98b05ae74ce3f0f3982370af951176e7b599c2c", 21000, 0xFF)],
     "0x34805cbe4a3afd8f8d2d091f284a2bb52a60827af14cce94063bc54728466703"),
    (GENESIS_ROOT, 5,
     [(1, [], "0x8f9b0375a6b0f1bd9d54ff499921766828ae8e5314fc44a494736b5c4cc3bb56", 10000, 0xFF)],
     "0x774e651f18ea6fb4ecfb698ec769bc519b59474474dae344c360301792d0a9f1"),
]  # fmt: skip


@pytest.mark.parametrize("old_root,number,txs,expected", BLOCK_INFO_TREES)
def test_block_info_tree(old_root: str, number: int, txs: list[Any], expected: str) -> None:
    """Header (gas limit 0xffffffff in these vectors), receipts with logs (data = 32 zero bytes),
    gas used; the vector sets the gas used after every tx, which the last one decides."""
    tree = block_info.init_block_header(
        previous_block_hash=hex_to_h4(old_root),
        coinbase=SEQUENCER,
        block_number=number,
        timestamp=1944498031,
        global_exit_root=hash32(b"\x00" * 32),
        block_hash_l1=hash32(b"\x00" * 32),
        gas_limit=0xFFFFFFFF,
    )
    cumulative, log_index = 0, 0
    for index, (status, logs, l2_hash, gas_used, pct) in enumerate(txs):
        cumulative += gas_used
        tx_logs = [
            block_info.TxLog(b"\x00" * 32, tuple(_topic(t) for t in topics)) for topics in logs
        ]
        tree = block_info.add_tx_receipt(
            tree,
            tx_index=index,
            l2_hash=hex_to_h4(l2_hash),
            status=status,
            cumulative_gas_used=cumulative,
            logs=tx_logs,
            first_log_index=log_index,
            effective_percentage=pct,
        )
        log_index += len(logs)
    tree = block_info.set_gas_used(tree, cumulative)
    assert h4_to_hex(block_info.block_info_root(tree)) == expected


# --- batches derived from the vectors ------------------------------------------------------------------------


def _vector0_items() -> list[bytes]:
    return [hex_to_bytes(tx["customRawTx"]) for tx in BY_ID[0]["txs"]]


@pytest.mark.parametrize("where", [1, 2, 3])
def test_skipped_tx_leaves_no_trace(where: int) -> None:
    """A transaction with a wrong nonce is skipped (``intrinsic_invalid_nonce``): the state root is
    the vector's, wherever it sits — even right before a changeL2Block, where the ROM still closes
    the block (commonjs would not)."""
    bad = sign_l2_tx(
        SEQ_KEY, nonce=7, gas_price=10**9, gas_limit=100_000, to=OTHER, value=1, chain_id=1000
    )
    items = _vector0_items()
    items.insert(where, encode_l2_tx(bad))
    result = executor.execute_batch(_genesis(), b"".join(items), _context())
    assert result.invalid_reason is None
    assert h4_to_hex(result.new_state_root) == BY_ID[0]["expectedNewRoot"]
    skipped = [t for t in result.txs if not t.included]
    assert [(t.position, t.reason) for t in skipped] == [(where, executor.INTRINSIC_INVALID_NONCE)]


def test_wrong_chain_id_and_balance_are_skipped() -> None:
    wrong_chain = sign_l2_tx(
        SEQ_KEY, nonce=1, gas_price=10**9, gas_limit=100_000, to=OTHER, value=1, chain_id=1001
    )
    too_much = sign_l2_tx(
        OTHER_KEY, nonce=0, gas_price=10**9, gas_limit=100_000, to=SEQUENCER,
        value=300 * 10**18, chain_id=1000,
    )  # fmt: skip
    items = _vector0_items()
    items[2:2] = [encode_l2_tx(wrong_chain), encode_l2_tx(too_much)]
    result = executor.execute_batch(_genesis(), b"".join(items), _context())
    assert h4_to_hex(result.new_state_root) == BY_ID[0]["expectedNewRoot"]
    assert [t.reason for t in result.txs if not t.included] == [
        "invalidIntrinsicTxChainId",
        executor.INTRINSIC_INVALID_BALANCE,
    ]


def test_timestamp_over_limit_invalidates_the_batch() -> None:
    """Vector 0 with timestampLimit one second lower: its second block is too late."""
    ctx = _context(timestamp_limit=1944498030)
    result = executor.execute_batch(_genesis(), hex_to_bytes(BY_ID[0]["batchL2Data"]), ctx)
    assert result.invalid_reason == executor.INVALID_LIMIT_TIMESTAMP
    assert h4_to_hex(result.new_state_root) == GENESIS_ROOT
    assert result.accounts == _genesis()


def test_timestamp_below_l1_info_leaf_invalidates_the_batch() -> None:
    """Leaf 1 of vector 0 has timestamp 42; a first block at timestamp 10 is too early."""
    result = executor.execute_batch(_genesis(), _block(10, 1), _context())
    assert result.invalid_reason == executor.INVALID_MIN_TIMESTAMP
    assert h4_to_hex(result.new_state_root) == GENESIS_ROOT


def test_missing_first_change_l2_block_and_bad_rlp() -> None:
    tx = _vector0_items()[1]
    result = executor.execute_batch(_genesis(), tx, _context())
    assert result.invalid_reason == "invalidNotFirstTxChangeL2Block"
    result = executor.execute_batch(_genesis(), _block(1) + tx[:-3], _context())
    assert result.invalid_reason == "invalidRLP"
    assert h4_to_hex(result.new_state_root) == GENESIS_ROOT


def test_empty_batch_changes_nothing() -> None:
    """``batchL2DataLength == 0`` goes straight to ``finalizeBatch``: no block, same root."""
    result = executor.execute_batch(_genesis(), b"", _context())
    assert result.invalid_reason is None and result.blocks == ()
    assert h4_to_hex(result.new_state_root) == GENESIS_ROOT
    assert result.batch_hash_data == keccak256(b"")


def test_l1_info_proof_that_does_not_verify_is_a_config_error() -> None:
    ctx = _context()
    leaves = dict(ctx.l1_info)
    leaves[1] = executor.L1InfoLeaf(
        leaves[1].global_exit_root, leaves[1].block_hash, leaves[1].timestamp, leaves[2].smt_proof
    )
    with pytest.raises(ConfigError):
        executor.execute_batch(_genesis(), _block(100, 1), _context(l1_info=leaves))


def test_block_without_l1_info_has_zero_ger() -> None:
    """Index 0: no GER import, header GER and L1 block hash are zero; the timestamp accumulates."""
    data = _block(100) + _block(5)
    result = executor.execute_batch(_genesis(), data, _context())
    assert [(b.number, b.timestamp) for b in result.blocks] == [(1, 100), (2, 105)]
    assert all(not any(b.global_exit_root) for b in result.blocks)
    ger_manager = result.accounts.get(system_contracts.ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2)
    assert ger_manager is None
    # the second block records the first block's closing root as block 1's hash
    assert system_contracts.block_hash(result.accounts, 0) == hex_to_bytes(GENESIS_ROOT)
    assert system_contracts.last_block_number(result.accounts) == 2


def test_fees_go_to_the_sequencer_at_the_effective_gas_price() -> None:
    """Sender pays and the sequencer gets ``gasUsed · gasPrice·(pct+1)/256`` (pct = 0x7f: half)."""
    tx = sign_l2_tx(
        OTHER_KEY, nonce=0, gas_price=10**9, gas_limit=100_000, to=SEQUENCER, value=5,
        chain_id=1000, effective_percentage=0x7F,
    )  # fmt: skip
    result = executor.execute_batch(_genesis(), _block(1) + encode_l2_tx(tx), _context())
    fee = 21_000 * effective_gas_price(10**9, 0x7F)
    assert fee == 21_000 * 10**9 // 2
    assert result.accounts[OTHER].balance == 200 * 10**18 - 5 - fee
    assert result.accounts[SEQUENCER].balance == 100 * 10**18 + 5 + fee
    assert result.accounts[OTHER].nonce == 1


# runtime: SSTORE NUMBER→0, TIMESTAMP→1, COINBASE→2, BLOCKHASH(0)→3, GASLIMIT→4, CHAINID→5,
# then LOG1(topic 7) of the word 42; init code copies it out (PUSH1 len DUP1 PUSH1 11 PUSH1 0
# CODECOPY PUSH1 0 RETURN).
RUNTIME = bytes.fromhex(
    "43600055" "42600155" "41600255" "600040600355" "45600455" "46600555" "602a600052"
    "6007" "6020" "6000" "a1" "00"
)  # fmt: skip
INIT = bytes([0x60, len(RUNTIME), 0x80, 0x60, 0x0B, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3]) + RUNTIME


def test_contract_sees_the_zkevm_block_context() -> None:
    """Deploy in block 1, call in block 2: NUMBER 2, TIMESTAMP 105, COINBASE the sequencer,
    BLOCKHASH(0) the state root before block 1 (the genesis root), GASLIMIT 2^50, CHAINID 1000;
    the log is reported; code and its Poseidon hash are in the state."""
    deploy = sign_l2_tx(
        OTHER_KEY, nonce=0, gas_price=10**9, gas_limit=200_000, to=None, value=0, data=INIT,
        chain_id=1000,
    )  # fmt: skip
    from eth._utils.address import generate_contract_address

    created = Address(generate_contract_address(OTHER, 0))
    call = sign_l2_tx(
        OTHER_KEY, nonce=1, gas_price=10**9, gas_limit=200_000, to=created, value=0, chain_id=1000
    )
    data = _block(100) + encode_l2_tx(deploy) + _block(5) + encode_l2_tx(call)
    result = executor.execute_batch(_genesis(), data, _context())
    assert result.invalid_reason is None
    assert [t.status for t in result.txs] == [1, 1]
    assert result.txs[0].contract_address == created
    account = result.accounts[created]
    assert account.code == RUNTIME
    assert dict(account.storage) == {
        0: 2,
        1: 105,
        2: int.from_bytes(SEQUENCER, "big"),
        3: int(GENESIS_ROOT, 16),
        4: 2**50,
        5: 1000,
    }
    (log,) = result.txs[1].logs
    assert log.address == created and log.topics == (_topic(7),)
    assert log.data == (42).to_bytes(32, "big")
    assert result.blocks[1].gas_used == result.txs[1].gas_used > 21_000


# --- arbitrary input -------------------------------------------------------------------------------------------------


@given(
    prefix=st.sampled_from([b"", _block(1), _block(1, 1), _block(2**32 - 1, 3)]),
    body=st.binary(max_size=200),
    forced=st.booleans(),
)
def test_arbitrary_batch_data_never_raises(prefix: bytes, body: bytes, forced: bool) -> None:
    """Any bytes give a result; an invalid batch keeps the old state root."""
    ctx = _context(1) if forced else _context(0)
    result = executor.execute_batch(_genesis(), prefix + body, ctx)
    if result.invalid_reason is not None:
        assert h4_to_hex(result.new_state_root) == GENESIS_ROOT
        assert result.blocks == () and result.txs == ()
    else:
        assert len(result.blocks) >= (1 if prefix + body else 0)


def test_reverted_tx_is_included_with_status_zero() -> None:
    """A call that reverts still bumps the nonce and pays its gas to the sequencer (status 0)."""
    runtime = bytes.fromhex("60006000fd")  # PUSH1 0 PUSH1 0 REVERT
    init = bytes([0x60, len(runtime), 0x80, 0x60, 0x0B, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3])
    from eth._utils.address import generate_contract_address

    created = Address(generate_contract_address(OTHER, 0))
    deploy = sign_l2_tx(
        OTHER_KEY, nonce=0, gas_price=1, gas_limit=100_000, to=None, value=0,
        data=init + runtime, chain_id=1000,
    )  # fmt: skip
    call = sign_l2_tx(
        OTHER_KEY, nonce=1, gas_price=1, gas_limit=50_000, to=created, value=7, chain_id=1000
    )
    data = _block(1) + encode_l2_tx(deploy) + encode_l2_tx(call)
    result = executor.execute_batch(_genesis(), data, _context())
    deployed, reverted = result.txs
    assert (deployed.status, reverted.status, reverted.included) == (1, 0, True)
    assert reverted.gas_used == 21_000 + 3 + 3  # intrinsic + two PUSH1; REVERT costs 0
    assert reverted.cumulative_gas_used == deployed.gas_used + reverted.gas_used
    assert result.accounts[OTHER].nonce == 2
    paid = deployed.gas_used + reverted.gas_used
    assert result.accounts[OTHER].balance == 200 * 10**18 - paid
    assert result.accounts[SEQUENCER].balance == 100 * 10**18 + paid
    assert created not in result.accounts or result.accounts[created].balance == 0
