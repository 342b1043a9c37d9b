"""Polygon zkEVM custom raw transactions and the ROM's parse of ``batchL2Data``.

Known answers: zkevm-commonjs ``test/helpers/test-vectors/processor/state-transition-etrog.json``
(custom and standard raw txs, senders, changeL2Blocks, whole batches; file
``processor_state-transition-etrog.json`` in the shared vectors), zkevm-contracts
``test/contracts/real-prover/test-inputs/input.json`` (fork-3 batches: no effective-percentage
byte), and py-evm's own legacy-transaction decoder as an independent implementation of signing and
sender recovery. The rejection tests follow zkevm-rom ``main/load-tx-rlp.zkasm`` rule by rule.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from eth.vm.forks.berlin.transactions import BerlinTransactionBuilder
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import DecodingError
from l2spec.paths import vectors_dir
from l2spec.spec.common import rlp
from l2spec.spec.common.types import Address, address, hex_to_bytes
from l2spec.spec.zk import tx_encoding as te
from l2spec.spec.zk.tx_encoding import ChangeL2Block, L2Tx

ETROG_VECTORS = vectors_dir() / "polygon" / "processor_state-transition-etrog.json"


def _load(path: Any) -> Any:
    with open(path) as fh:  # a missing file is a loud failure, never a skip
        return json.load(fh)


STATE_TRANSITIONS = _load(ETROG_VECTORS)

# zkevm-contracts test/contracts/real-prover/test-inputs/input.json, singleBatchData[2] (fork 3):
# two transfers from 0x4d5C… to 0x617b…, nonces 1 and 2, chainID 1000, no effPct byte.
FORK3_BATCH = hex_to_bytes(
    "0xee01843b9aca00830186a094617b3a3528f9cdd6630fd3301b9c8911f7bf063d880de0b6b3a7640000808203e8"
    "8080d71f728226f6e692289eab9f2c9565036ffda72650c88e2b9c001b95a5f1a2e647612249728261ab90977a2c"
    "50b22b8fd486f88b356a921f4487327e5d2775651cee02843b9aca00830186a094617b3a3528f9cdd6630fd3301b"
    "9c8911f7bf063d880de0b6b3a7640000808203e880808ab4d93e176f0762b48dfd8382f97200e134eb1e8e642395"
    "1d70af8f99e53c805b61ee8721981423a592c0c1af55c482bed43a45e2e3c1ecc70d350e2083ebc11b"
)
FORK3_SENDER = address("0x4d5Cf5032B2a844602278b01199ED191A86c93ff")

KEY = bytes.fromhex("28b2b0318721be8c8339199172cd7cc8f5e273800a35616ec893083a4b32c02e")
"""The private key of 0x617b… in the vectors' genesis (``pvtKey``)."""
KEY_ADDRESS = address("0x617b3a3528F9cDd6630fd3301B9c8911F7Bf063D")
TO = address("0x4d5Cf5032B2a844602278b01199ED191A86c93ff")

# ---------------------------------------------------------------------------------------------
# Upstream vectors
# ---------------------------------------------------------------------------------------------


def test_vector_file_has_the_expected_cases() -> None:
    assert len(STATE_TRANSITIONS) == 4
    assert sum(len(case["txs"]) for case in STATE_TRANSITIONS) == 10


def test_genesis_key_is_the_sender_of_the_vectors() -> None:
    genesis = STATE_TRANSITIONS[0]["genesis"]
    entry = next(g for g in genesis if address(g["address"]) == KEY_ADDRESS)
    assert hex_to_bytes(entry["pvtKey"]) == KEY


@pytest.mark.parametrize("case", STATE_TRANSITIONS, ids=lambda c: f"id{c['id']}")
def test_every_custom_tx_decodes_and_reencodes(case: Any) -> None:
    for item in case["txs"]:
        custom = hex_to_bytes(item["customRawTx"])
        if int(item.get("type", 0)) == te.TX_CHANGE_L2_BLOCK:
            block = te.decode_change_l2_block(custom)
            assert block == ChangeL2Block(int(item["deltaTimestamp"]), int(item["indexL1InfoTree"]))
            assert te.encode_change_l2_block(block) == custom
            continue
        tx = te.decode_l2_tx(custom)
        assert te.encode_l2_tx(tx) == custom
        assert tx.sender == address(item["from"])
        assert tx.to == address(item["to"])
        assert (tx.nonce, tx.gas_limit, tx.chain_id) == (
            int(item["nonce"]),
            int(item["gasLimit"]),
            int(item["chainId"]),
        )
        assert (tx.value, tx.gas_price) == (int(item["value"]), int(item["gasPrice"]))
        assert tx.v in (27, 28) and tx.effective_percentage == 0xFF
        raw = hex_to_bytes(item["rawTx"])
        assert te.custom_raw_tx_to_raw_tx(custom) == raw
        assert te.raw_tx_to_custom_raw_tx(raw) == custom


@pytest.mark.parametrize("case", STATE_TRANSITIONS, ids=lambda c: f"id{c['id']}")
def test_batch_l2_data_is_the_concatenation_and_round_trips(case: Any) -> None:
    raw = hex_to_bytes(case["batchL2Data"])
    assert raw == b"".join(hex_to_bytes(t["customRawTx"]) for t in case["txs"])
    forced = int(case["forcedBlockHashL1"], 16) != 0
    decoded = te.decode_batch_l2_data(raw, is_forced=forced)
    if case["id"] == 2:
        # "Forced batch: starts with changeL2Block --> invalid batch": upstream keeps the old root.
        assert case["expectedNewRoot"] == case["expectedOldRoot"]
        assert decoded.invalid_reason == te.INVALID_DECODE_CHANGE_L2_BLOCK
        assert decoded.txs == ()
    else:
        assert decoded.is_valid, decoded.detail
        assert te.encode_batch_l2_data(decoded.txs) == raw
        assert len(decoded.txs) == len(case["txs"])


def test_forced_vector_parses_without_change_l2_block_and_not_as_sequenced() -> None:
    case = STATE_TRANSITIONS[1]
    raw = hex_to_bytes(case["batchL2Data"])
    forced = te.decode_batch_l2_data(raw, is_forced=True)
    assert forced.is_valid and isinstance(forced.txs[0], L2Tx)
    sequenced = te.decode_batch_l2_data(raw, is_forced=False)
    assert sequenced.invalid_reason == te.INVALID_NOT_FIRST_TX_CHANGE_L2_BLOCK


def test_fork3_batch_has_no_effective_percentage_byte() -> None:
    decoded = te.decode_batch_l2_data(FORK3_BATCH, fork_id=3)
    assert decoded.is_valid, decoded.detail
    txs = [tx for tx in decoded.txs if isinstance(tx, L2Tx)]
    assert [tx.nonce for tx in txs] == [1, 2]
    assert all(tx.sender == FORK3_SENDER and tx.chain_id == 1000 for tx in txs)
    assert te.encode_batch_l2_data(decoded.txs, fork_id=3) == FORK3_BATCH
    # Read with the Etrog layout the same bytes are not a valid batch.
    assert not te.decode_batch_l2_data(FORK3_BATCH, is_forced=True).is_valid


# ---------------------------------------------------------------------------------------------
# The ROM's parse rules (zkevm-rom main/load-tx-rlp.zkasm), one by one
# ---------------------------------------------------------------------------------------------

BLOCK = te.encode_change_l2_block(ChangeL2Block(1, 0))
SIG = bytes(31) + b"\x01" + bytes(31) + b"\x01" + b"\x1b" + b"\xff"


def _batch(rlp_part: bytes, tail: bytes = SIG) -> te.DecodedBatch:
    return te.decode_batch_l2_data(BLOCK + rlp_part + tail)


def _tx_list(*fields: bytes) -> bytes:
    payload = b"".join(fields)
    assert len(payload) < 56
    return bytes([0xC0 + len(payload)]) + payload


GOOD_FIELDS = (b"\x80", b"\x01", b"\x82\x52\x08", b"\x94" + bytes(TO), b"\x80", b"\x80")
"""nonce 0, gasPrice 1, gasLimit 21000, to, value 0, empty data (pre-EIP-155 layout)."""


def test_hand_built_pre_eip155_and_eip155_txs_parse() -> None:
    pre = _batch(_tx_list(*GOOD_FIELDS))
    assert pre.is_valid
    tx = pre.txs[1]
    assert isinstance(tx, L2Tx) and tx.chain_id is None and tx.gas_limit == 21000
    eip155 = _batch(_tx_list(*GOOD_FIELDS, b"\x82\x03\xe8", b"\x80\x80"))
    assert eip155.is_valid
    tx = eip155.txs[1]
    assert isinstance(tx, L2Tx) and tx.chain_id == 1000


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ((b"\x81\x05", *GOOD_FIELDS[1:]), "nonce: single byte below 0x80 prefixed"),
        ((b"\x82\x00\x01", *GOOD_FIELDS[1:]), "nonce: leading zero"),
        ((b"\x89" + b"\x01" * 9, *GOOD_FIELDS[1:]), "nonce over 8 bytes"),
        ((*GOOD_FIELDS[:2], b"\x89" + b"\x01" * 9, *GOOD_FIELDS[3:]), "gasLimit over 8 bytes"),
        ((*GOOD_FIELDS[:3], b"\x93" + bytes(19), *GOOD_FIELDS[4:]), "to of 19 bytes"),
        ((*GOOD_FIELDS[:3], b"\xc0", *GOOD_FIELDS[4:]), "to as a list"),
        ((*GOOD_FIELDS[:5], b"\x81\x05"), "data: single byte below 0x80 prefixed"),
        ((*GOOD_FIELDS[:5], b"\xc0"), "data as a list"),
        ((*GOOD_FIELDS, b"\x82\x03\xe8", b"\x80\x81"), "not 0x8080 after chainId"),
        ((*GOOD_FIELDS, b"\x82\x03\xe8", b"\x80"), "one field after chainId"),
        ((*GOOD_FIELDS, b"\x89" + b"\x01" * 9, b"\x80\x80"), "chainId over 8 bytes"),
    ],
)
def test_rom_rejects_malformed_fields(fields: tuple[bytes, ...], why: str) -> None:
    decoded = _batch(_tx_list(*fields))
    assert decoded.invalid_reason == te.INVALID_RLP, why
    assert decoded.txs == ()


def test_rom_rejects_bad_list_headers() -> None:
    assert _batch(b"\xc0").invalid_reason == te.INVALID_RLP  # empty list
    assert _batch(b"\x80").invalid_reason == te.INVALID_RLP  # not a list
    assert _batch(b"\xfb" + bytes(4)).invalid_reason == te.INVALID_RLP  # 4-byte length
    payload = b"".join(GOOD_FIELDS)
    # long form for a short list
    assert _batch(bytes([0xF8, len(payload)]) + payload).invalid_reason == te.INVALID_RLP
    # declared longer than the fields (the next bytes would be read as a chain id)
    assert _batch(bytes([0xC0 + len(payload) + 1]) + payload).invalid_reason == te.INVALID_RLP
    # declared shorter than the fields
    assert _batch(bytes([0xC0 + len(payload) - 1]) + payload).invalid_reason == te.INVALID_RLP


def test_long_data_and_long_list_parse() -> None:
    data = bytes(range(60))
    fields = (*GOOD_FIELDS[:5], b"\xb8\x3c" + data)
    payload = b"".join(fields)
    decoded = _batch(bytes([0xF8, len(payload)]) + payload)
    assert decoded.is_valid, decoded.detail
    tx = decoded.txs[1]
    assert isinstance(tx, L2Tx) and tx.data == data
    non_canonical = (*GOOD_FIELDS[:5], b"\xb8\x05" + data[:5])
    payload = b"".join(non_canonical)
    assert _batch(bytes([0xC0 + len(payload)]) + payload).invalid_reason == te.INVALID_RLP


def test_signature_and_percentage_must_be_inside_the_batch() -> None:
    tx = _tx_list(*GOOD_FIELDS)
    assert _batch(tx, SIG[:-1]).invalid_reason == te.INVALID_RLP  # no effPct byte
    assert _batch(tx, SIG[:40]).invalid_reason == te.INVALID_RLP


def test_change_l2_block_rules() -> None:
    assert te.decode_batch_l2_data(b"").is_valid  # an empty batch has no items
    assert te.decode_batch_l2_data(BLOCK[:8]).invalid_reason == te.INVALID_DECODE_CHANGE_L2_BLOCK
    assert (
        te.decode_batch_l2_data(BLOCK, is_forced=True).invalid_reason
        == te.INVALID_DECODE_CHANGE_L2_BLOCK
    )
    first_tx = te.decode_batch_l2_data(_tx_list(*GOOD_FIELDS) + SIG)
    assert first_tx.invalid_reason == te.INVALID_NOT_FIRST_TX_CHANGE_L2_BLOCK
    two = te.decode_batch_l2_data(BLOCK + te.encode_change_l2_block(ChangeL2Block(2**32 - 1, 7)))
    assert two.txs == (ChangeL2Block(1, 0), ChangeL2Block(2**32 - 1, 7))
    # before Etrog 0x0b is not a list prefix
    assert te.decode_batch_l2_data(BLOCK, fork_id=6).invalid_reason == te.INVALID_RLP


def test_bad_signatures_leave_the_batch_valid_and_the_sender_unknown() -> None:
    good = te.sign_l2_tx(KEY, nonce=0, gas_price=1, gas_limit=21000, to=TO, value=1, chain_id=1000)
    assert good.sender == KEY_ADDRESS and te.recover_sender(good) == KEY_ADDRESS
    variants = {
        "high s": (good.r, te.SECP256K1_N - good.s, 55 - good.v),
        "v = 29": (good.r, good.s, 29),
        "r = 0": (0, good.s, good.v),
        "s = 0": (good.r, 0, good.v),
        "r = n": (te.SECP256K1_N, good.s, good.v),
    }
    for why, (r, s, v) in variants.items():
        bad = L2Tx(0, 1, 21000, TO, 1, b"", 1000, r, s, v)
        decoded = te.decode_batch_l2_data(BLOCK + te.encode_l2_tx(bad))
        assert decoded.is_valid, why
        tx = decoded.txs[1]
        assert isinstance(tx, L2Tx) and tx.sender is None, why
        assert te.intrinsic_decode_reason(tx, 1000) == te.INVALID_TX_SIGNATURE, why
    assert te.intrinsic_decode_reason(good, 1000) is None
    assert te.intrinsic_decode_reason(good, 1001) == te.INVALID_TX_CHAIN_ID


def test_strict_apis_raise_decoding_errors() -> None:
    custom = hex_to_bytes(STATE_TRANSITIONS[0]["txs"][1]["customRawTx"])
    with pytest.raises(DecodingError):
        te.decode_l2_tx(custom + b"\x00")
    with pytest.raises(DecodingError):
        te.decode_l2_tx(custom[:-1])
    with pytest.raises(DecodingError):
        te.decode_change_l2_block(BLOCK + b"\x00")
    with pytest.raises(DecodingError):
        te.raw_tx_to_custom_raw_tx(b"\xc0")
    with pytest.raises(DecodingError):
        te.decode_batch_l2_data("0x0b00000001")  # type: ignore[arg-type]
    with pytest.raises(DecodingError):
        te.raw_tx_to_custom_raw_tx(rlp.encode([0, 1, 2, b"", 0, b"", 30, 1, 1]))


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@given(st.binary(max_size=400), st.booleans())
def test_any_bytes_give_a_decoded_batch(data: bytes, forced: bool) -> None:
    decoded = te.decode_batch_l2_data(data, is_forced=forced)
    assert isinstance(decoded, te.DecodedBatch)
    if decoded.is_valid:
        assert te.encode_batch_l2_data(decoded.txs) == data
    else:
        assert decoded.txs == () and decoded.detail


@given(st.binary(max_size=200), st.integers(0, 300), st.integers(0, 255))
def test_mutated_real_batch_never_crashes(extra: bytes, at: int, value: int) -> None:
    raw = bytearray(hex_to_bytes(STATE_TRANSITIONS[0]["batchL2Data"]))
    raw[at % len(raw)] = value
    decoded = te.decode_batch_l2_data(bytes(raw) + extra)
    if decoded.is_valid:
        assert te.encode_batch_l2_data(decoded.txs) == bytes(raw) + extra


addresses = st.none() | st.binary(min_size=20, max_size=20).map(Address)
uint = st.integers(0, 2**256 - 1)
uint64 = st.integers(0, 2**64 - 1)


@st.composite
def signed_txs(draw: st.DrawFn) -> L2Tx:
    key = draw(st.integers(1, te.SECP256K1_N - 1)).to_bytes(32, "big")
    return te.sign_l2_tx(
        key,
        nonce=draw(uint64),
        gas_price=draw(uint),
        gas_limit=draw(uint64),
        to=draw(addresses),
        value=draw(uint),
        data=draw(st.binary(max_size=80)),
        chain_id=draw(st.none() | st.integers(0, 2**32)),
        effective_percentage=draw(st.integers(0, 255)),
    )


@given(st.lists(signed_txs(), min_size=1, max_size=3), st.integers(0, 2**32 - 1))
def test_signed_txs_round_trip(txs: list[L2Tx], delta: int) -> None:
    items = (ChangeL2Block(delta, 0), *txs)
    raw = te.encode_batch_l2_data(items)
    decoded = te.decode_batch_l2_data(raw)
    assert decoded.is_valid, decoded.detail
    assert decoded.txs == items
    for got, sent in zip(decoded.txs[1:], txs, strict=True):
        assert isinstance(got, L2Tx) and got.sender == sent.sender


@given(signed_txs())
def test_standard_raw_tx_agrees_with_py_evm(tx: L2Tx) -> None:
    # py-evm decodes the standard form independently and recovers the same sender.
    custom = te.encode_l2_tx(tx)
    raw = te.custom_raw_tx_to_raw_tx(custom)
    evm_tx = BerlinTransactionBuilder.decode(raw)
    assert evm_tx.sender == tx.sender
    assert (evm_tx.nonce, evm_tx.gas_price, evm_tx.gas, evm_tx.value, evm_tx.data) == (
        tx.nonce,
        tx.gas_price,
        tx.gas_limit,
        tx.value,
        tx.data,
    )
    assert evm_tx.chain_id == tx.chain_id
    assert te.raw_tx_to_custom_raw_tx(raw, tx.effective_percentage) == custom
