"""Deposits: source hashes (upstream vectors), aliasing, the 0x7E encoding, TransactionDeposited logs."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import DecodingError
from l2spec.paths import vectors_dir
from l2spec.spec.common.l1 import L1Receipt, L1Transaction, Log, append_block, genesis_l1_chain
from l2spec.spec.common.types import Address, Hash32, address, hash32
from l2spec.spec.optimistic import deposits as d

PORTAL = address("0xbEb5Fc579115071764c7423A4f12eDde41f106Ed")


def _vectors(name: str) -> dict[str, object]:
    path = vectors_dir() / "opstack" / name
    assert path.is_file(), f"upstream vector file {path} is missing"
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


def test_source_hash_vectors() -> None:
    data = _vectors("deposit-source-hash.json")
    assert data["kind"] == "deposit_source_hash"
    cases = data["cases"]
    assert isinstance(cases, list) and cases
    seen = set()
    for case in cases:
        domain = case["domain"]
        seen.add(domain)
        if domain == "user":
            got = d.user_deposit_source_hash(hash32(case["l1_block_hash"]), int(case["log_index"]))
        elif domain == "l1_info":
            got = d.l1_info_deposit_source_hash(
                hash32(case["l1_block_hash"]), int(case["seq_number"])
            )
        elif domain == "upgrade":
            got = d.upgrade_deposit_source_hash(case["intent"])
        elif domain == "after_force_include":
            got = d.after_force_include_source_hash(
                hash32(case["l1_block_hash"]), int(case["seq_number"])
            )
        else:
            pytest.fail(f"unknown domain {domain}")
        assert got == hash32(case["expected"]), case
    assert {"upgrade", "l1_info"} <= seen


def test_source_hash_domains_differ() -> None:
    block = Hash32(b"\x11" * 32)
    hashes = {
        d.user_deposit_source_hash(block, 4),
        d.l1_info_deposit_source_hash(block, 4),
        d.after_force_include_source_hash(block, 4),
    }
    assert len(hashes) == 3


def test_alias_known_value() -> None:
    # OP Mainnet's L1CrossDomainMessenger proxy and its published L2 alias (OP docs, "Address
    # aliasing"; the sender seen by L2CrossDomainMessenger.relayMessage).
    l1 = address("0x25ace71c97B33Cc4729CF772ae268934F7ab5fA1")
    assert d.apply_l1_to_l2_alias(l1) == address("0x36BDE71C97B33Cc4729cf772aE268934f7AB70B2")


def test_alias_wraps_modulo_2_160() -> None:
    top = Address(b"\xff" * 20)
    assert d.apply_l1_to_l2_alias(top) == address("0x1111000000000000000000000000000000001110")
    assert d.undo_l1_to_l2_alias(Address(b"\x00" * 20)) == address(
        "0xeeeeffffffffffffffffffffffffffffffffeeef"
    )


@given(st.binary(min_size=20, max_size=20))
def test_alias_round_trip(raw: bytes) -> None:
    a = Address(raw)
    assert d.undo_l1_to_l2_alias(d.apply_l1_to_l2_alias(a)) == a
    assert d.apply_l1_to_l2_alias(d.undo_l1_to_l2_alias(a)) == a


def test_transaction_deposited_topic() -> None:
    # keccak256("TransactionDeposited(address,address,uint256,bytes)"), as in op-node deposit_log.go
    assert (
        hash32("0xb3813568d9991fc951961fcb4c784893574240a28925604d09fc577c55bb7c32")
        == d.TRANSACTION_DEPOSITED_TOPIC
    )


deposits_strategy = st.builds(
    d.DepositTx,
    source_hash=st.binary(min_size=32, max_size=32).map(Hash32),
    from_=st.binary(min_size=20, max_size=20).map(Address),
    to=st.none() | st.binary(min_size=20, max_size=20).map(Address),
    mint=st.integers(0, 2**256 - 1),
    value=st.integers(0, 2**256 - 1),
    gas=st.integers(0, 2**64 - 1),
    is_system_tx=st.booleans(),
    data=st.binary(max_size=300),
)


@given(deposits_strategy)
def test_deposit_tx_round_trip(tx: d.DepositTx) -> None:
    encoded = d.encode_deposit_tx(tx)
    assert encoded[0] == 0x7E
    assert d.decode_deposit_tx(encoded) == tx


def test_deposit_tx_encoding_layout() -> None:
    # rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data]) after 0x7E; a creation has an
    # empty `to`, zero mint/value/false encode as empty strings (deposits.md).
    tx = d.DepositTx(Hash32(b"\x01" * 32), Address(b"\x02" * 20), None, 0, 0, 21000, False, b"")
    payload = (
        b"\xa0" + b"\x01" * 32 + b"\x94" + b"\x02" * 20 + b"\x80" + b"\x80" + b"\x80"
        b"\x82\x52\x08" + b"\x80" + b"\x80"
    )
    assert len(payload) == 62  # >= 56: long list form 0xf8 ‖ length
    assert d.encode_deposit_tx(tx) == b"\x7e\xf8" + bytes([len(payload)]) + payload


def _payload(fields: bytes) -> bytes:
    assert 56 <= len(fields) < 256
    return b"\x7e\xf8" + bytes([len(fields)]) + fields


_HEAD = b"\xa0" + b"\x01" * 32 + b"\x94" + b"\x02" * 20


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x02\xc0",
        b"\x7e",
        b"\x7e\xc0",
        b"\x7e\x80",
        _payload(_HEAD + b"\x80\x80\x80\x82\x00\x08\x80\x80"),  # gas with a leading zero
        _payload(_HEAD + b"\x80\x80\x80\x01\x02\x80"),  # isSystemTx = 0x02
        _payload(_HEAD + b"\x80\x80\x80\x01\x80"),  # 7 fields
        _payload(_HEAD + b"\x80\x80\x80\x01\x80\x80\x80"),  # 9 fields
        _payload(_HEAD + b"\x83\x01\x02\x03\x80\x80\x01\x80\x80"),  # 3-byte `to`
        _payload(_HEAD + b"\x80\x80\x80\x89" + b"\x01" * 9 + b"\x80\x80"),  # gas > uint64
        _payload(_HEAD + b"\x80\x80\x80\x01\x80\x80") + b"\x00",  # trailing byte
    ],
)
def test_deposit_tx_decode_rejects(raw: bytes) -> None:
    with pytest.raises(DecodingError):
        d.decode_deposit_tx(raw)


@given(st.binary(max_size=200))
def test_deposit_tx_decode_only_decoding_error(raw: bytes) -> None:
    for data in (raw, b"\x7e" + raw):
        with contextlib.suppress(DecodingError):
            d.decode_deposit_tx(data)


def test_log_layout_matches_portal_abi() -> None:
    # OptimismPortal: opaqueData = abi.encodePacked(mint, value, uint64 gasLimit, bool isCreation,
    # data); the event data is abi.encode(bytes opaqueData) = offset 0x20, length, padded content.
    log = d.transaction_deposited_log(
        PORTAL, Address(b"\xaa" * 20), Address(b"\xbb" * 20), 5, 7, 100_000, False, b"\xde\xad"
    )
    assert log.address == PORTAL
    assert log.topics[1] == Hash32(b"\x00" * 12 + b"\xaa" * 20)
    assert log.topics[2] == Hash32(b"\x00" * 12 + b"\xbb" * 20)
    assert log.topics[3] == Hash32(b"\x00" * 32)
    opaque = (5).to_bytes(32, "big") + (7).to_bytes(32, "big") + (100_000).to_bytes(8, "big")
    opaque += b"\x00" + b"\xde\xad"
    expected = (32).to_bytes(32, "big") + len(opaque).to_bytes(32, "big") + opaque
    expected += b"\x00" * (-len(expected) % 32)
    assert log.data == expected
    assert len(opaque) == 75


@given(
    st.binary(min_size=20, max_size=20).map(Address),
    st.binary(min_size=20, max_size=20).map(Address),
    st.integers(0, 2**256 - 1),
    st.integers(0, 2**256 - 1),
    st.integers(0, 2**64 - 1),
    st.booleans(),
    st.binary(max_size=200),
    st.integers(0, 1000),
)
def test_log_round_trip(
    from_: Address,
    to: Address,
    mint: int,
    value: int,
    gas: int,
    creation: bool,
    data: bytes,
    index: int,
) -> None:
    block_hash = Hash32(b"\x42" * 32)
    log = d.transaction_deposited_log(PORTAL, from_, to, mint, value, gas, creation, data)
    result = d.unmarshal_deposit_log(log, block_hash, index)
    assert result.error is None
    assert result.deposit == d.DepositTx(
        source_hash=d.user_deposit_source_hash(block_hash, index),
        from_=from_,
        to=None if creation else to,
        mint=mint,
        value=value,
        gas=gas,
        is_system_tx=False,
        data=data,
    )


def test_malformed_logs_are_values() -> None:
    good = d.transaction_deposited_log(
        PORTAL, Address(b"\x01" * 20), Address(b"\x02" * 20), 0, 0, 1, False, b""
    )
    bad_version = Log(good.address, (*good.topics[:3], Hash32(b"\x00" * 31 + b"\x01")), good.data)
    extra_padding = Log(good.address, good.topics, good.data + b"\x00" * 32)
    bad_offset = Log(good.address, good.topics, b"\x00" * 31 + b"\x40" + good.data[32:])
    short_opaque = Log(
        good.address,
        good.topics,
        (32).to_bytes(32, "big") + (72).to_bytes(32, "big") + b"\x00" * 96,
    )
    for log in (bad_version, extra_padding, bad_offset, short_opaque):
        result = d.unmarshal_deposit_log(log, Hash32(b"\x00" * 32), 0)
        assert result.deposit is None and result.error


@given(
    st.lists(st.binary(min_size=32, max_size=32).map(Hash32), max_size=5),
    st.binary(max_size=400),
    st.booleans(),
)
def test_arbitrary_logs_never_raise(topics: list[Hash32], data: bytes, real_topic: bool) -> None:
    if real_topic and topics:
        topics[0] = d.TRANSACTION_DEPOSITED_TOPIC
    log = Log(PORTAL, tuple(topics), data)
    result = d.unmarshal_deposit_log(log, Hash32(b"\x00" * 32), 3)
    assert (result.deposit is None) != (result.error is None)


def test_user_deposits_from_block() -> None:
    alice, bob = Address(b"\xa1" * 20), Address(b"\xb0" * 20)
    dep = d.transaction_deposited_log(PORTAL, alice, bob, 10, 3, 50_000, False, b"hi")
    other = Log(Address(b"\x99" * 20), dep.topics, dep.data)  # not the deposit contract
    noise = Log(PORTAL, (Hash32(b"\x07" * 32),), b"")
    malformed = Log(PORTAL, dep.topics, dep.data[:40])
    tx = L1Transaction(alice, PORTAL, 10, b"", 0)
    chain = genesis_l1_chain(1000)
    chain = append_block(
        chain,
        1012,
        [
            (tx, L1Receipt(1, (noise, other, dep))),  # log indices 0, 1, 2
            (tx, L1Receipt(0, ())),  # failed: no logs
            (tx, L1Receipt(1, (malformed, dep))),  # indices 3, 4
        ],
    )
    block = chain.head
    read = d.read_user_deposits(block, PORTAL)
    assert [x.source_hash for x in read.deposits] == [
        d.user_deposit_source_hash(block.hash, 2),
        d.user_deposit_source_hash(block.hash, 4),
    ]
    assert read.skipped and read.skipped[0][0] == 3
    assert d.user_deposits(block, PORTAL) == read.deposits
    first = read.deposits[0]
    assert (first.from_, first.to, first.mint, first.value, first.gas, first.data) == (
        alice,
        bob,
        10,
        3,
        50_000,
        b"hi",
    )
