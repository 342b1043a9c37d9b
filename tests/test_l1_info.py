"""L1 attributes calldata, checked by running the REAL contracts-bedrock L1Block code on py-evm."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import DecodingError, ExecutionError
from l2spec.spec.common import evm
from l2spec.spec.common.l1 import append_block, genesis_l1_chain
from l2spec.spec.common.types import Address, Hash32, address
from l2spec.spec.optimistic import l1_info as li
from l2spec.spec.optimistic import predeploys as pd
from l2spec.spec.optimistic.config import (
    BlockID,
    Genesis,
    SystemConfig,
    devnet_parameters,
)
from l2spec.spec.optimistic.deposits import l1_info_deposit_source_hash

ENV = evm.BlockEnv(1, 1002, Address(b"\x00" * 20), 30_000_000, 1, Hash32(b"\x00" * 32), 901)
BATCHER = address("0x6887246668a3b87f54deb3b94ba47a6f63f32985")
SYSTEM = SystemConfig(
    batcher_address=BATCHER,
    overhead=188,
    scalar=(1 << 248) | (810_949 << 32) | 1_368,
    gas_limit=30_000_000,
)


def _config(ecotone_time: int | None = 0):  # type: ignore[no-untyped-def]
    genesis = Genesis(BlockID(0, Hash32(b"\x00" * 32)), BlockID(0, Hash32(b"\x00" * 32)), 0, SYSTEM)
    from dataclasses import replace

    return replace(devnet_parameters(genesis), ecotone_time=ecotone_time)


def _l1_block():  # type: ignore[no-untyped-def]
    chain = genesis_l1_chain(1000, base_fee=7_000_000_123, blob_base_fee=3)
    return append_block(chain, 1012, base_fee=9_876_543_210, blob_base_fee=42).head


def _getter(world: evm.WorldState, name: str) -> int:
    selector = pd.load_forge_artifact("L1Block")["methodIdentifiers"][f"{name}()"]
    return int.from_bytes(evm.call(world, ENV, pd.L1_BLOCK, bytes.fromhex(selector)), "big")


def test_selectors_match_artifact() -> None:
    ids = pd.load_forge_artifact("L1Block")["methodIdentifiers"]
    assert bytes.fromhex(ids["setL1BlockValuesEcotone()"]) == li.SET_L1_BLOCK_VALUES_ECOTONE
    key = "setL1BlockValues(uint64,uint64,uint256,bytes32,uint64,bytes32,uint256,uint256)"
    assert bytes.fromhex(ids[key]) == li.SET_L1_BLOCK_VALUES_BEDROCK


def test_real_l1block_reads_back_ecotone_values() -> None:
    block = _l1_block()
    dep = li.l1_info_deposit(_config(), SYSTEM, 3, block, 1002)
    assert dep.from_ == pd.L1_ATTRIBUTES_DEPOSITOR and dep.to == pd.L1_BLOCK
    assert dep.gas == 1_000_000 and not dep.is_system_tx and dep.mint == 0
    assert dep.source_hash == l1_info_deposit_source_hash(block.hash, 3)
    assert len(dep.data) == 164
    world = evm.genesis_state(pd.l2_genesis_alloc())
    done = evm.apply_deposit(
        world, ENV, sender=dep.from_, to=dep.to, mint=0, value=0, gas=dep.gas, data=dep.data
    )
    assert done.receipt.status == 1
    w = done.state
    assert _getter(w, "number") == block.number
    assert _getter(w, "timestamp") == block.timestamp
    assert _getter(w, "basefee") == 9_876_543_210
    assert _getter(w, "hash").to_bytes(32, "big") == block.hash
    assert _getter(w, "sequenceNumber") == 3
    assert _getter(w, "batcherHash").to_bytes(32, "big") == b"\x00" * 12 + BATCHER
    assert _getter(w, "blobBaseFee") == 42
    assert _getter(w, "baseFeeScalar") == 1_368
    assert _getter(w, "blobBaseFeeScalar") == 810_949
    # exec-engine.md §Ecotone L1-Cost: scalars in slot 3 at offsets 12 and 8, storageLayout agrees
    assert pd.storage_slot("L1Block", "baseFeeScalar") == (3, 12)
    assert pd.storage_slot("L1Block", "blobBaseFeeScalar") == (3, 8)


def test_real_l1block_reads_back_bedrock_values() -> None:
    block = _l1_block()
    dep = li.l1_info_deposit(_config(ecotone_time=None), SYSTEM, 5, block, 1002)
    assert dep.data[:4] == li.SET_L1_BLOCK_VALUES_BEDROCK
    world = evm.genesis_state(pd.l2_genesis_alloc())
    w = evm.apply_deposit(
        world, ENV, sender=dep.from_, to=dep.to, mint=0, value=0, gas=dep.gas, data=dep.data
    ).state
    assert _getter(w, "number") == block.number
    assert _getter(w, "sequenceNumber") == 5
    assert _getter(w, "l1FeeOverhead") == 188
    assert _getter(w, "l1FeeScalar") == SYSTEM.scalar


def test_real_l1block_rejects_other_senders() -> None:
    dep = li.l1_info_deposit(_config(), SYSTEM, 0, _l1_block(), 1002)
    world = evm.genesis_state(pd.l2_genesis_alloc())
    done = evm.apply_deposit(
        world,
        ENV,
        sender=Address(b"\x12" * 20),
        to=pd.L1_BLOCK,
        mint=0,
        value=0,
        gas=dep.gas,
        data=dep.data,
    )
    assert done.receipt.status == 0
    with pytest.raises(ExecutionError):
        evm.call(world, ENV, pd.L1_BLOCK, dep.data)


def test_ecotone_activation_block_uses_bedrock_format() -> None:
    config = _config(ecotone_time=10)
    assert li.is_ecotone_activation_block(config, 10)
    assert li.l1_info_deposit(config, SYSTEM, 0, _l1_block(), 10).data[:4] == (
        li.SET_L1_BLOCK_VALUES_BEDROCK
    )
    assert li.l1_info_deposit(config, SYSTEM, 0, _l1_block(), 12).data[:4] == (
        li.SET_L1_BLOCK_VALUES_ECOTONE
    )


info_strategy = st.builds(
    li.L1BlockInfo,
    number=st.integers(0, 2**64 - 1),
    timestamp=st.integers(0, 2**64 - 1),
    base_fee=st.integers(0, 2**256 - 1),
    block_hash=st.binary(min_size=32, max_size=32).map(Hash32),
    sequence_number=st.integers(0, 2**64 - 1),
    batcher_hash=st.binary(min_size=32, max_size=32).map(Hash32),
    blob_base_fee=st.integers(0, 2**256 - 1),
    base_fee_scalar=st.integers(0, 2**32 - 1),
    blob_base_fee_scalar=st.integers(0, 2**32 - 1),
)


@given(info_strategy)
def test_ecotone_round_trip(info: li.L1BlockInfo) -> None:
    data = li.encode_l1_info_ecotone(info)
    assert len(data) == 164
    assert li.decode_l1_info(data) == info


@given(st.binary(max_size=300))
def test_decode_only_decoding_error(data: bytes) -> None:
    for raw in (data, li.SET_L1_BLOCK_VALUES_ECOTONE + data, li.SET_L1_BLOCK_VALUES_BEDROCK + data):
        with contextlib.suppress(DecodingError):
            li.decode_l1_info(raw)
