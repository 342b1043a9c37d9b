"""Polygon zkEVM batches on L1: effective gas price, batchHashData, accInputHash, SNARK input.

Known answers:
- zkevm-commonjs ``test/helpers/test-vectors/effective-gas-price/effective-gas-price.json`` (263
  cases), ``processor/state-transition-etrog.json`` and ``inputs-executor/input_executor.json``
  (batchHashData and the Etrog accInputHash), all in the shared vectors;
- zkevm-contracts ``test/contracts/real-prover/test-inputs/input.json`` (fork 3): the v1
  accInputHash chain of four batches and the aggregated ``inputSnark``, copied below.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import L2SpecError
from l2spec.paths import vectors_dir
from l2spec.spec.common.types import ZERO_HASH, Address, address, hash32, hex_to_bytes
from l2spec.spec.zk import batch as zb
from l2spec.spec.zk.effective_gas_price import effective_gas_price
from l2spec.vectorcheck import zk_batch

POLYGON = vectors_dir() / "polygon"


def _load(name: str) -> Any:
    with open(POLYGON / name) as fh:  # a missing file is a loud failure, never a skip
        return json.load(fh)


EGP = _load("effective-gas-price_effective-gas-price.json")
STATE_TRANSITIONS = _load("processor_state-transition-etrog.json")
EXECUTOR_INPUT = _load("inputs-executor_input_executor.json")

# zkevm-contracts test/contracts/real-prover/test-inputs/input.json (fork 3). Per batch:
# (batchHashData, globalExitRoot, timestamp, sequencerAddr, newAccInputHash); oldAcc of batch 1 is 0.
GER = "0x090bcaf734c4f06c93954a827b45a6e8c67b8e0fd1e0a35a1c5982d6961828f9"
SEQ_A = "0x617b3a3528F9cDd6630fd3301B9c8911F7Bf063D"
SEQ_B = "0x4d5Cf5032B2a844602278b01199ED191A86c93ff"
FORK3_BATCHES = [
    (
        "0x0e8a7e57fe270ab7780cb10ca4b4a39792432701268b0d3a64e6870729e506d1",
        1944498031,
        SEQ_A,
        "0x070c0c1abe776249fe4011d71b63a0cce202069584af3801d5df2dccf64a2d9a",
    ),
    (
        "0xe2058260b8a93dc906fd253c2af22d4cb6136e6833b110a2655f6e0637952e07",
        1944498032,
        SEQ_B,
        "0x389bc63239f455750717b4efb5e9440d7b08751241b546e70ffe6075509d6c32",
    ),
    (
        "0xe0b9d084dae9d015aaf65bc9b013b37c12b3cc31ae4e9590296c50eda518d8a1",
        1944498032,
        SEQ_B,
        "0xad1915669aaf61a83bbfad1f4360c1a32245e38ffb67b1afa68c825135890fc9",
    ),
    (
        "0x763d3272e66b10bef69106ea07750823c580d20802fb1141b69b5ec56790a449",
        1944498032,
        SEQ_A,
        "0xbd71644a8d0eff3d5ae771310c7f15c097dddffe7199e6db738479b01729abfe",
    ),
]
FORK3_FIRST_BATCH_L2_DATA = hex_to_bytes(
    "0xef80843b9aca00830186a0944d5cf5032b2a844602278b01199ed191a86c93ff8901314fb37062980000808203"
    "e88080f9ea8e90ae323e360a22bd0b1a972d15cb33df6ccbfbada4a0d49792d1164ea56029d84d5093a7186fb5bf"
    "2f1b7258d57e9c09ac89c4cb8eb44a3c961c4dd89b1b"
)
SNARK_CASE = {
    "aggregator": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    "old_state_root": "0x3ca39a7b5b419d1c50c89a8d15d1234f6cbc8baadb465efb609832bbc19f9026",
    "new_state_root": "0x5efb129d7896f694f081751b6ebadf12fd3e5ecd72c5c4750a0fc6ffd3040fe2",
    "input_snark": 0x2B4CEE8B70441373144781576BA4D09DF1C259EEF85F73585B373D7337621A5A,
}


# ---------------------------------------------------------------------------------------------
# Effective gas price
# ---------------------------------------------------------------------------------------------


def test_effective_gas_price_vectors() -> None:
    assert len(EGP) == 263
    for case in EGP:
        got = effective_gas_price(int(case["gasPrice"], 16), int(case["effectivePercentage"], 16))
        assert got == int(case["expectedOutput"], 16), case


@given(st.integers(0, 2**256 - 1), st.integers(0, 255))
def test_effective_gas_price_never_exceeds_gas_price(gas_price: int, pct: int) -> None:
    got = effective_gas_price(gas_price, pct)
    assert 0 <= got <= gas_price
    assert effective_gas_price(gas_price, 0xFF) == gas_price


def test_effective_gas_price_misuse() -> None:
    with pytest.raises(L2SpecError):
        effective_gas_price(1, 256)
    with pytest.raises(L2SpecError):
        effective_gas_price(-1, 0)


# ---------------------------------------------------------------------------------------------
# batchHashData and accInputHash
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", STATE_TRANSITIONS, ids=lambda c: f"id{c['id']}")
def test_etrog_acc_input_hash_of_state_transition_vectors(case: Any) -> None:
    bhd = zb.batch_hash_data(hex_to_bytes(case["batchL2Data"]))
    assert bhd == hash32(case["batchHashData"])
    acc = zb.acc_input_hash_etrog(
        hash32(case["oldAccInputHash"]),
        bhd,
        hash32(case["l1InfoRoot"]),
        case["timestampLimit"],
        address(case["sequencerAddress"]),
        hash32(case["forcedBlockHashL1"]),
    )
    assert acc == hash32(case["expectedNewAccInputHash"])


def test_etrog_acc_input_hash_of_executor_input() -> None:
    e = EXECUTOR_INPUT
    bhd = zb.batch_hash_data(hex_to_bytes(e["batchL2Data"]))
    assert bhd == hash32(e["batchHashData"])
    preimage = zb.acc_input_hash_preimage_etrog(
        hash32(e["oldAccInputHash"]),
        bhd,
        hash32(e["l1InfoRoot"]),
        int(e["timestampLimit"]),
        address(e["sequencerAddr"]),
        hash32(e["forcedBlockHashL1"]),
    )
    assert len(preimage) == 156
    acc = zb.acc_input_hash_etrog(
        hash32(e["oldAccInputHash"]),
        bhd,
        hash32(e["l1InfoRoot"]),
        int(e["timestampLimit"]),
        address(e["sequencerAddr"]),
    )
    assert acc == hash32(e["newAccInputHash"])
    # the forced block hash is part of the preimage
    other = zb.acc_input_hash_etrog(
        hash32(e["oldAccInputHash"]),
        bhd,
        hash32(e["l1InfoRoot"]),
        int(e["timestampLimit"]),
        address(e["sequencerAddr"]),
        hash32(b"\x01" * 32),
    )
    assert other != acc


def test_v1_acc_input_hash_chain_of_fork3_inputs() -> None:
    assert zb.batch_hash_data(FORK3_FIRST_BATCH_L2_DATA) == hash32(FORK3_BATCHES[0][0])
    acc = ZERO_HASH
    for bhd, timestamp, sequencer, expected in FORK3_BATCHES:
        acc = zb.acc_input_hash_v1(acc, hash32(bhd), hash32(GER), timestamp, address(sequencer))
        assert acc == hash32(expected)


def test_snark_input_of_fork3_aggregation() -> None:
    args = (
        address(SNARK_CASE["aggregator"]),
        hash32(SNARK_CASE["old_state_root"]),
        ZERO_HASH,
        0,
        1000,
        3,
        hash32(SNARK_CASE["new_state_root"]),
        hash32(FORK3_BATCHES[-1][3]),
        ZERO_HASH,
        4,
    )
    assert len(zb.snark_input_bytes(*args)) == zb.SNARK_INPUT_BYTES_LENGTH == 212
    assert zb.snark_input(*args) == SNARK_CASE["input_snark"]
    assert zb.snark_input(*args) < zb.BN254_SCALAR_FIELD


def test_batch_length_limits() -> None:
    assert zb.batch_length_ok(bytes(120_000))
    assert not zb.batch_length_ok(bytes(120_001))
    assert zb.batch_length_ok(bytes(5_000), forced=True)
    assert not zb.batch_length_ok(bytes(5_001), forced=True)


def test_packing_misuse_raises() -> None:
    with pytest.raises(L2SpecError):
        zb.acc_input_hash_v1(ZERO_HASH, ZERO_HASH, ZERO_HASH, 2**64, address(SEQ_A))
    with pytest.raises(L2SpecError):
        zb.acc_input_hash_etrog(ZERO_HASH, ZERO_HASH, ZERO_HASH, 0, Address(bytes(19)))


# ---------------------------------------------------------------------------------------------
# l2spec vectors checkers
# ---------------------------------------------------------------------------------------------


def test_vectorcheck_families_pass_on_upstream_files() -> None:
    assert set(zk_batch.FAMILIES) == {
        "effective-gas-price_effective-gas-price.json",
        "inputs-executor_input_executor.json",
    }
    for name, check in zk_batch.FAMILIES.items():
        results = check(_load(name))
        assert results and all(ok and not detail for ok, detail in results), name
    assert len(zk_batch.check_effective_gas_price(EGP)) == 263


def test_vectorcheck_reports_tampered_cases() -> None:
    bad_egp = [dict(EGP[5], expectedOutput=hex(int(EGP[5]["expectedOutput"], 16) + 1))]
    [(ok, detail)] = zk_batch.check_effective_gas_price(bad_egp)
    assert not ok and "case 0" in detail
    bad_acc = dict(EXECUTOR_INPUT, timestampLimit=str(int(EXECUTOR_INPUT["timestampLimit"]) + 1))
    [(ok, detail)] = zk_batch.check_input_executor(bad_acc)
    assert not ok and "newAccInputHash" in detail
    bad_data = dict(EXECUTOR_INPUT, batchL2Data=EXECUTOR_INPUT["batchL2Data"][:-2])
    [(ok, detail)] = zk_batch.check_input_executor(bad_data)
    assert not ok and "does not parse" in detail
    [(ok, detail)] = zk_batch.check_input_executor({"batchL2Data": "0x"})
    assert not ok and "malformed" in detail
