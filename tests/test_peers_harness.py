"""The first real-contract differential checks: the OP Stack's own Solidity against the spec.

The harness contracts in ``corpus/contracts/`` call contracts-bedrock 0.17.3's ``Hashing``,
``Encoding`` and ``LibPosition`` libraries; they were compiled with solc 0.8.15 (solc-js) through
crytic-compile by ``tools/compile_contracts.py`` and the export is committed, so these tests need
no compiler. Every known answer here comes from running that bytecode (or contracts-bedrock's own
``forge-artifacts`` bytecode) on py-evm via :mod:`l2spec.peers.evm_runner`, never from the spec.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import ExecutionError
from l2spec.peers.evm_runner import (
    DEFAULT_SENDER,
    ContractArtifact,
    EvmRunner,
    encode_call,
    forge_artifact,
    harness_export_path,
    load_export,
)
from l2spec.spec.common.types import Address, Hash32
from l2spec.spec.optimistic import deposits, l1_info, outputs, withdrawals

HAS_CRYTIC = importlib.util.find_spec("crytic_compile") is not None

addresses = st.binary(min_size=20, max_size=20).map(Address)
hashes = st.binary(min_size=32, max_size=32).map(Hash32)
uint256 = st.integers(0, 2**256 - 1)
payloads = st.binary(max_size=200)


class Deployed:
    """The harness contracts deployed once into one runner."""

    def __init__(self) -> None:
        self.artifacts = load_export()
        self.runner = EvmRunner()
        self.hashing = self.runner.deploy_artifact(self.artifacts["HashingHarness"])
        self.position = self.runner.deploy_artifact(self.artifacts["PositionHarness"])

    def hashing_call(self, signature: str, args: list[Any], returns: list[str]) -> Any:
        return self.runner.call_function(self.hashing, signature, args, returns)

    def position_call(
        self, signature: str, args: list[Any], returns: tuple[str, ...] = ("uint128",)
    ) -> Any:
        return self.runner.call_function(self.position, signature, args, returns)[0]


@pytest.fixture(scope="module")
def deployed() -> Deployed:
    return Deployed()


# The committed export
# ---------------------------------------------------------------------------------------------


def test_export_reloads_with_crytic_compile_and_no_compiler() -> None:
    from crytic_compile import CryticCompile
    from crytic_compile.platform.standard import Standard

    compilation = CryticCompile(Standard(str(harness_export_path())))
    units = list(compilation.compilation_units.values())
    assert len(units) == 1
    version = units[0].compiler_version
    assert (version.compiler, version.version, version.optimized) == ("solc", "0.8.15", True)
    names = {n for s in units[0].source_units.values() for n in s.contracts_names}
    assert {"HashingHarness", "PositionHarness", "Hashing", "Encoding", "LibPosition"} <= names
    # crytic-compile's reading and the plain-JSON fallback give the same artifacts.
    assert load_export(use_crytic=True) == load_export(use_crytic=False)


def test_committed_export_is_what_the_compiler_builds_now() -> None:
    """Recompiling the harness sources (solc-js 0.8.15 via ``tools/compile_contracts.py``)
    reproduces the committed export byte for byte, so the export is not stale."""
    repo = harness_export_path().parents[3]
    tool = repo / "tools" / "compile_contracts.py"
    # The project installs all of these (tox: `npm ci`, the test extra): missing is a failure.
    assert shutil.which("node"), "Node.js is a prerequisite"
    assert (repo / "node_modules" / "solc").is_dir(), "run `npm ci` (tox does)"
    assert tool.is_file()
    spec = importlib.util.spec_from_file_location("compile_contracts", tool)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0


def test_export_paths_are_relative() -> None:
    text = harness_export_path().read_text()
    assert '"working_dir": "."' in text
    assert "/work/" not in text and "/home/" not in text


def test_deployed_runtime_code_is_the_exported_runtime_code(deployed: Deployed) -> None:
    for name, where in (
        ("HashingHarness", deployed.hashing),
        ("PositionHarness", deployed.position),
    ):
        artifact: ContractArtifact = deployed.artifacts[name]
        assert deployed.runner.code(where) == artifact.runtime_code
        assert len(artifact.runtime_code) > 1000


# Hashing / Encoding against the spec
# ---------------------------------------------------------------------------------------------


@given(uint256, addresses, addresses, uint256, uint256, payloads)
def test_hash_withdrawal(
    deployed: Deployed,
    nonce: int,
    sender: Address,
    target: Address,
    value: int,
    gas: int,
    data: bytes,
) -> None:
    (real,) = deployed.hashing_call(
        "hashWithdrawal(uint256,address,address,uint256,uint256,bytes)",
        [nonce, sender, target, value, gas, data],
        ["bytes32"],
    )
    w = withdrawals.Withdrawal(nonce, sender, target, value, gas, data)
    assert withdrawals.withdrawal_hash(w) == real


@given(hashes, hashes, hashes, hashes)
def test_hash_output_root_proof(
    deployed: Deployed, v: Hash32, s: Hash32, m: Hash32, b: Hash32
) -> None:
    (real,) = deployed.hashing_call(
        "hashOutputRootProof(bytes32,bytes32,bytes32,bytes32)", [v, s, m, b], ["bytes32"]
    )
    assert outputs.output_root(outputs.OutputRootProof(v, s, m, b)) == real


@given(st.integers(0, 2**240 - 1), st.integers(0, 2**16 - 1))
def test_encode_versioned_nonce(deployed: Deployed, nonce: int, version: int) -> None:
    (real,) = deployed.hashing_call(
        "encodeVersionedNonce(uint240,uint16)", [nonce, version], ["uint256"]
    )
    assert withdrawals.encode_versioned_nonce(nonce, version) == real


@given(uint256)
def test_decode_versioned_nonce(deployed: Deployed, versioned: int) -> None:
    real = deployed.hashing_call(
        "decodeVersionedNonce(uint256)", [versioned], ["uint240", "uint16"]
    )
    assert withdrawals.decode_versioned_nonce(versioned) == tuple(real)


@given(hashes, uint256)
def test_hash_deposit_source(deployed: Deployed, block_hash: Hash32, log_index: int) -> None:
    (real,) = deployed.hashing_call(
        "hashDepositSource(bytes32,uint256)", [block_hash, log_index], ["bytes32"]
    )
    assert deposits.user_deposit_source_hash(block_hash, log_index) == real


@given(
    addresses,
    st.none() | addresses,
    uint256,
    uint256,
    st.integers(0, 2**64 - 1),
    payloads,
    hashes,
    uint256,
)
def test_encode_deposit_transaction(
    deployed: Deployed,
    sender: Address,
    to: Address | None,
    value: int,
    mint: int,
    gas: int,
    data: bytes,
    block_hash: Hash32,
    log_index: int,
) -> None:
    (real,) = deployed.hashing_call(
        "encodeDepositTransaction(address,address,bool,uint256,uint256,uint64,bytes,bytes32,uint256)",
        [sender, to or bytes(20), to is None, value, mint, gas, data, block_hash, log_index],
        ["bytes"],
    )
    tx = deposits.DepositTx(
        source_hash=deposits.user_deposit_source_hash(block_hash, log_index),
        from_=sender,
        to=to,
        mint=mint,
        value=value,
        gas=gas,
        is_system_tx=False,
        data=data,
    )
    assert deposits.encode_deposit_tx(tx) == real
    assert deposits.decode_deposit_tx(real) == tx
    (real_hash,) = deployed.hashing_call(
        "hashDepositTransaction(address,address,bool,uint256,uint256,uint64,bytes,bytes32,uint256)",
        [sender, to or bytes(20), to is None, value, mint, gas, data, block_hash, log_index],
        ["bytes32"],
    )
    assert tx.hash == real_hash


uint32 = st.integers(0, 2**32 - 1)
uint64 = st.integers(0, 2**64 - 1)


@st.composite
def l1_infos(draw: st.DrawFn) -> l1_info.L1BlockInfo:
    return l1_info.L1BlockInfo(
        number=draw(uint64),
        timestamp=draw(uint64),
        base_fee=draw(uint256),
        block_hash=draw(hashes),
        sequence_number=draw(uint64),
        batcher_hash=draw(hashes),
        blob_base_fee=draw(uint256),
        base_fee_scalar=draw(uint32),
        blob_base_fee_scalar=draw(uint32),
        l1_fee_overhead=draw(uint256),
        l1_fee_scalar=draw(uint256),
    )


@given(l1_infos())
def test_encode_set_l1_block_values_ecotone(deployed: Deployed, info: l1_info.L1BlockInfo) -> None:
    (real,) = deployed.hashing_call(
        "encodeSetL1BlockValuesEcotone(uint32,uint32,uint64,uint64,uint64,uint256,uint256,bytes32,bytes32)",
        [
            info.base_fee_scalar,
            info.blob_base_fee_scalar,
            info.sequence_number,
            info.timestamp,
            info.number,
            info.base_fee,
            info.blob_base_fee,
            info.block_hash,
            info.batcher_hash,
        ],
        ["bytes"],
    )
    assert l1_info.encode_l1_info_ecotone(info) == real
    assert l1_info.decode_l1_info_ecotone(real) == dataclasses.replace(
        info, l1_fee_overhead=0, l1_fee_scalar=0
    )


DEPOSITOR_ACCOUNT = bytes.fromhex("deaddeaddeaddeaddeaddeaddeaddeaddead0001")
"""``Constants.DEPOSITOR_ACCOUNT`` (contracts-bedrock ``src/libraries/Constants.sol``)."""


@pytest.fixture(scope="module")
def l1_block() -> tuple[EvmRunner, bytes]:
    runner = EvmRunner(funded={DEPOSITOR_ACCOUNT: 0})
    return runner, runner.deploy_artifact(forge_artifact("L1Block"))


def _l1_block_values(runner: EvmRunner, where: bytes, names: list[str]) -> dict[str, Any]:
    types = {"hash": "bytes32", "batcherHash": "bytes32"}
    return {
        name: runner.call_function(where, f"{name}()", [], [types.get(name, "uint256")])[0]
        for name in names
    }


@given(l1_infos())
def test_real_l1_block_reads_the_spec_ecotone_calldata(
    l1_block: tuple[EvmRunner, bytes], info: l1_info.L1BlockInfo
) -> None:
    """The real ``L1Block.setL1BlockValuesEcotone`` (forge artifact) stores exactly the fields the
    spec encoded."""
    runner, where = l1_block
    result = runner.call(where, l1_info.encode_l1_info_ecotone(info), sender=DEPOSITOR_ACCOUNT)
    assert result.success, result
    names = ["number", "timestamp", "basefee", "hash", "sequenceNumber", "batcherHash"]
    names += ["baseFeeScalar", "blobBaseFeeScalar", "blobBaseFee"]
    assert _l1_block_values(runner, where, names) == {
        "number": info.number,
        "timestamp": info.timestamp,
        "basefee": info.base_fee,
        "hash": info.block_hash,
        "sequenceNumber": info.sequence_number,
        "batcherHash": info.batcher_hash,
        "baseFeeScalar": info.base_fee_scalar,
        "blobBaseFeeScalar": info.blob_base_fee_scalar,
        "blobBaseFee": info.blob_base_fee,
    }


@given(l1_infos())
def test_real_l1_block_reads_the_spec_bedrock_calldata(
    l1_block: tuple[EvmRunner, bytes], info: l1_info.L1BlockInfo
) -> None:
    """The real ``L1Block.setL1BlockValues`` (Bedrock ABI call) stores the spec's fields."""
    runner, where = l1_block
    result = runner.call(where, l1_info.encode_l1_info_bedrock(info), sender=DEPOSITOR_ACCOUNT)
    assert result.success, result
    names = ["number", "timestamp", "basefee", "hash", "sequenceNumber", "batcherHash"]
    names += ["l1FeeOverhead", "l1FeeScalar"]
    assert _l1_block_values(runner, where, names) == {
        "number": info.number,
        "timestamp": info.timestamp,
        "basefee": info.base_fee,
        "hash": info.block_hash,
        "sequenceNumber": info.sequence_number,
        "batcherHash": info.batcher_hash,
        "l1FeeOverhead": info.l1_fee_overhead,
        "l1FeeScalar": info.l1_fee_scalar,
    }
    # Anyone but the depositor is refused.
    assert not runner.call(where, l1_info.encode_l1_info_bedrock(info)).success


# The real L2ToL1MessagePasser (contracts-bedrock's own forge artifact)
# ---------------------------------------------------------------------------------------------


def test_message_passer_log_and_storage_match_the_spec() -> None:
    runner = EvmRunner()
    passer = runner.deploy_artifact(forge_artifact("L2ToL1MessagePasser"))
    target = Address(bytes.fromhex("00000000000000000000000000000000000000b0"))
    calls = [(0, 100_000, b""), (7, 21_000, b"\x01\x02" * 40)]
    for i, (value, gas, data) in enumerate(calls):
        result = runner.call(
            passer,
            encode_call("initiateWithdrawal(address,uint256,bytes)", [target, gas, data]),
            value=value,
        )
        assert result.success, result
        w = withdrawals.Withdrawal(
            withdrawals.encode_versioned_nonce(i, 1),
            Address(DEFAULT_SENDER),
            target,
            value,
            gas,
            data,
        )
        expected = withdrawals.message_passed_log(w, Address(passer))
        assert len(result.logs) == 1
        log = result.logs[0]
        assert (log.address, log.topics, log.data) == (
            expected.address,
            expected.topics,
            expected.data,
        )
        slot = withdrawals.sent_messages_slot(withdrawals.withdrawal_hash(w))
        assert runner.storage(passer, slot) == 1
    assert runner.balance(passer) == sum(value for value, _, _ in calls)


def test_static_call_keeps_no_state_and_reports_revert_data(deployed: Deployed) -> None:
    runner = EvmRunner()
    passer = runner.deploy_artifact(forge_artifact("L2ToL1MessagePasser"))
    call = encode_call("initiateWithdrawal(address,uint256,bytes)", [bytes(20), 1, b""])
    assert not runner.static_call(passer, call).success  # SSTORE in a static call fails
    (nonce,) = runner.call_function(passer, "messageNonce()", [], ["uint256"])
    assert nonce == 1 << 240  # version 1, nothing sent
    # LibPosition.traceAncestorBounded reverts with ClaimAboveSplit() (selector 0xb34b5c22).
    bounded = deployed.runner.static_call(
        deployed.position, encode_call("traceAncestorBounded(uint128,uint256)", [1, 5])
    )
    assert not bounded.success
    assert bounded.revert_data == bytes.fromhex("b34b5c22")
    # Out of gas is a failure with no revert data; a failed creation is harness misuse.
    starved = deployed.runner.static_call(
        deployed.hashing, encode_call("hashDepositSource(bytes32,uint256)", [bytes(32), 0]), gas=100
    )
    assert not starved.success and starved.revert_data == b"" and starved.error
    with pytest.raises(ExecutionError):
        runner.deploy(bytes.fromhex("fe"))  # INVALID in the init code


# LibPosition: the generalized-index rule of the fault dispute game
# ---------------------------------------------------------------------------------------------
# ``specs/fault-proof/stage-one/fault-dispute-game.md`` §Position: a position is the generalized
# index 2^depth + indexAtDepth; its children are 2g and 2g+1; an attack moves to the left child,
# a defense to the left child of the right sibling.


@given(st.integers(0, 62), st.data())
def test_position_generalized_index(deployed: Deployed, depth: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, 2**depth - 1))
    g = deployed.position_call("wrap(uint8,uint128)", [depth, index])
    assert g == (1 << depth) + index
    assert deployed.position_call("depth(uint128)", [g], ["uint8"]) == depth
    assert deployed.position_call("indexAtDepth(uint128)", [g]) == index
    assert deployed.position_call("left(uint128)", [g]) == 2 * g
    assert deployed.position_call("right(uint128)", [g]) == 2 * g + 1
    assert deployed.position_call("move(uint128,bool)", [g, True]) == 2 * g
    assert deployed.position_call("move(uint128,bool)", [g, False]) == 2 * (g | 1)
    if depth > 0:
        assert deployed.position_call("parent(uint128)", [g]) == g >> 1


# LibPosition against the spec's dispute positions (spec/optimistic/dispute/position.py)
# ---------------------------------------------------------------------------------------------


@st.composite
def tree_points(draw: st.DrawFn) -> tuple[int, int, int]:
    """A position of depth <= 125 (its children still fit LibPosition's 126 bits), a max depth at
    or below it (<= 126) and an upper bound for the bounded trace-ancestor query."""
    d = draw(st.integers(0, 125))
    position = (1 << d) + draw(st.integers(0, 2**d - 1))
    max_depth = draw(st.integers(d, 126))
    bound = draw(st.integers(0, 126))
    return position, max_depth, bound


@given(tree_points())
def test_position_math_matches_the_spec(deployed: Deployed, point: tuple[int, int, int]) -> None:
    from l2spec.spec.optimistic.dispute import position as pos

    g, max_depth, bound = point
    call = deployed.position_call
    assert call("depth(uint128)", [g], ("uint8",)) == pos.depth(g)
    assert call("indexAtDepth(uint128)", [g]) == pos.index_at_depth(g)
    assert call("wrap(uint8,uint128)", [pos.depth(g), pos.index_at_depth(g)]) == g
    assert call("left(uint128)", [g]) == pos.left(g)
    assert call("right(uint128)", [g]) == pos.right(g)
    assert call("parent(uint128)", [g]) == pos.parent(g)
    assert call("move(uint128,bool)", [g, True]) == pos.move(g, True)
    assert call("move(uint128,bool)", [g, False]) == pos.move(g, False)
    assert call("rightIndex(uint128,uint256)", [g, max_depth]) == pos.right_index(g, max_depth)
    assert call("traceIndex(uint128,uint256)", [g, max_depth], ("uint256",)) == pos.trace_index(
        g, max_depth
    )
    assert call("traceAncestor(uint128)", [g]) == pos.trace_ancestor(g)
    bounded = deployed.runner.static_call(
        deployed.position, encode_call("traceAncestorBounded(uint128,uint256)", [g, bound])
    )
    try:
        expected = pos.trace_ancestor_bounded(g, bound)
    except pos.ClaimAboveSplit:
        assert bounded.revert_data == bytes.fromhex("b34b5c22")
    else:
        assert bounded.decode(["uint128"]) == (expected,)
