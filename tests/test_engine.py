"""The L2 engine: blocks from payload attributes, deposits, fees, the real message passer, hashes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from eth.vm.forks.cancun import CancunVM
from eth.vm.forks.cancun.headers import CancunBlockHeader
from eth_abi import encode as abi_encode
from eth_keys import keys

from l2spec.spec.common import evm
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.l1 import L1Block, append_block, genesis_l1_chain
from l2spec.spec.common.types import Address, Hash32, address
from l2spec.spec.optimistic import engine as en
from l2spec.spec.optimistic import predeploys as pd
from l2spec.spec.optimistic.config import BlockID, Genesis, SystemConfig, devnet_parameters
from l2spec.spec.optimistic.deposits import (
    DepositTx,
    apply_l1_to_l2_alias,
    encode_deposit_tx,
    user_deposit_source_hash,
)
from l2spec.spec.optimistic.l1_info import l1_info_deposit

KEY = keys.PrivateKey(b"\x02" * 32)
ALICE = Address(KEY.public_key.to_canonical_address())
BOB = Address(b"\xb0" * 20)
SYSTEM = SystemConfig(
    batcher_address=address("0x6887246668a3b87f54deb3b94ba47a6f63f32985"),
    overhead=0,
    scalar=(1 << 248) | (810_949 << 32) | 1_368,
    gas_limit=30_000_000,
)


def _l1() -> L1Block:
    return append_block(genesis_l1_chain(1000), 1012).head


def _engine() -> en.EngineState:
    l1 = _l1()
    genesis = Genesis(BlockID(1, l1.hash), BlockID(0, Hash32(b"\x00" * 32)), 2000, SYSTEM)
    alloc = pd.l2_genesis_alloc({ALICE: 10**18})
    return en.l2_genesis(devnet_parameters(genesis), alloc)


def _attrs(state: en.EngineState, *txs: bytes, seq: int = 0) -> en.PayloadAttributes:
    l1 = _l1()
    ts = state.head.timestamp + 2
    info = l1_info_deposit(state.config, SYSTEM, seq, l1, ts)
    return en.PayloadAttributes(
        timestamp=ts,
        prev_randao=Hash32(b"\x33" * 32),
        suggested_fee_recipient=en.DEFAULT_FEE_RECIPIENT,
        transactions=(encode_deposit_tx(info), *txs),
        no_tx_pool=True,
        gas_limit=SYSTEM.gas_limit,
        parent_beacon_block_root=l1.parent_beacon_root,
    )


def _user_deposit(
    from_: Address,
    to: Address | None,
    mint: int,
    value: int = 0,
    gas: int = 100_000,
    data: bytes = b"",
    index: int = 0,
) -> bytes:
    return encode_deposit_tx(
        DepositTx(
            user_deposit_source_hash(_l1().hash, index), from_, to, mint, value, gas, False, data
        )
    )


def _sign(
    nonce: int,
    to: Address,
    value: int = 0,
    data: bytes = b"",
    gas: int = 21_000,
    max_fee: int = 2 * 10**9,
) -> bytes:
    unsigned = CancunVM.get_transaction_builder().new_unsigned_dynamic_fee_transaction(
        chain_id=901,
        nonce=nonce,
        max_priority_fee_per_gas=10,
        max_fee_per_gas=max_fee,
        gas=gas,
        to=to,
        value=value,
        data=data,
        access_list=(),
    )
    return bytes(unsigned.as_signed_transaction(KEY).encode())


def _build(state: en.EngineState, *txs: bytes) -> en.BuildResult:
    return en.build_block(state, _attrs(state, *txs))


def _ok(result: en.BuildResult) -> en.L2Block:
    assert result.valid, result.reason
    assert result.block is not None
    return result.block


def test_deposit_block_and_ref() -> None:
    state = _engine()
    fresh = Address(b"\xf0" * 20)
    result = _build(state, _user_deposit(fresh, BOB, mint=500, value=200))
    block = _ok(result)
    world = result.state.world
    assert evm.get_balance(world, fresh) == 300 and evm.get_balance(world, BOB) == 200
    assert block.ref.l1_origin == BlockID(_l1().number, _l1().hash)
    assert block.ref.sequence_number == 0 and block.ref.parent_hash == state.head.hash
    assert result.state.head == block and result.state.block_by_number(block.number) == block
    # Canyon deposit receipts carry depositNonce and version 1 (deposits.md §Deposit Receipt)
    assert block.receipts[1].deposit_nonce == 0 and block.receipts[1].deposit_receipt_version == 1
    assert block.header.gas_used == block.receipts[-1].cumulative_gas_used


def test_failing_deposit_still_mints_and_bumps_nonce() -> None:
    fresh = Address(b"\xf1" * 20)
    result = _build(_engine(), _user_deposit(fresh, BOB, mint=10, value=11, gas=50_000))
    block = _ok(result)
    assert block.receipts[1].status == 0 and block.receipts[1].gas_used == 50_000
    assert evm.get_balance(result.state.world, fresh) == 10
    assert evm.get_nonce(result.state.world, fresh) == 1


def test_aliased_sender_deposit() -> None:
    l1_contract = Address(b"\xc0" * 20)
    alias = apply_l1_to_l2_alias(l1_contract)
    result = _build(_engine(), _user_deposit(alias, BOB, mint=0, value=0, gas=30_000))
    _ok(result)
    assert evm.get_nonce(result.state.world, alias) == 1
    assert evm.get_nonce(result.state.world, l1_contract) == 0


def test_signed_transfer_pays_vaults() -> None:
    state = _engine()
    raw = _sign(0, BOB, value=1234)
    result = _build(state, raw)
    block = _ok(result)
    world = result.state.world
    base_fee = block.header.base_fee
    assert evm.get_balance(world, BOB) == 1234
    assert evm.get_balance(world, pd.BASE_FEE_VAULT) == 21_000 * base_fee
    assert evm.get_balance(world, pd.SEQUENCER_FEE_VAULT) == 21_000 * 10
    l1_fee = evm.get_balance(world, pd.L1_FEE_VAULT)
    # Ecotone L1 cost from the L1 attributes just set (exec-engine.md §Ecotone L1-Cost fee changes)
    zeros = raw.count(0)
    data_gas = zeros * 4 + (len(raw) - zeros) * 16
    l1 = _l1()
    expected = data_gas * (16 * l1.base_fee * 1_368 + l1.blob_base_fee * 810_949) // 16_000_000
    assert l1_fee == expected > 0
    assert evm.get_balance(world, ALICE) == 10**18 - 1234 - 21_000 * (base_fee + 10) - l1_fee


def test_withdrawal_through_real_message_passer() -> None:
    selector = pd.load_forge_artifact("L2ToL1MessagePasser")["methodIdentifiers"][
        "initiateWithdrawal(address,uint256,bytes)"
    ]
    target, gas_limit, payload = Address(b"\x7a" * 20), 100_000, b"\xca\xfe"
    calldata = bytes.fromhex(selector) + abi_encode(
        ["address", "uint256", "bytes"], [target, gas_limit, payload]
    )
    result = _build(_engine(), _sign(0, pd.L2_TO_L1_MESSAGE_PASSER, 777, calldata, gas=200_000))
    block = _ok(result)
    receipt = block.receipts[1]
    assert receipt.status == 1
    # Hashing.hashWithdrawal: keccak256(abi.encode(nonce, sender, target, value, gasLimit, data));
    # the nonce carries version 1 in its top two bytes (Encoding.encodeVersionedNonce).
    nonce = 1 << 240
    whash = keccak256(
        abi_encode(
            ["uint256", "address", "address", "uint256", "uint256", "bytes"],
            [nonce, ALICE, target, 777, gas_limit, payload],
        )
    )
    slot = int.from_bytes(keccak256(whash + b"\x00" * 32), "big")
    world = result.state.world
    assert evm.get_storage(world, pd.L2_TO_L1_MESSAGE_PASSER, slot) == 1
    topic = keccak256(b"MessagePassed(uint256,address,address,uint256,uint256,bytes,bytes32)")
    (log,) = receipt.logs
    assert log.address == pd.L2_TO_L1_MESSAGE_PASSER and log.topics[0] == topic
    assert log.topics[1:] == (
        Hash32(nonce.to_bytes(32, "big")),
        Hash32(b"\x00" * 12 + ALICE),
        Hash32(b"\x00" * 12 + target),
    )
    assert log.data == abi_encode(
        ["uint256", "uint256", "bytes", "bytes32"], [777, gas_limit, payload, whash]
    )
    assert evm.get_balance(world, pd.L2_TO_L1_MESSAGE_PASSER) == 777


def test_invalid_user_tx_makes_payload_invalid() -> None:
    state = _engine()
    for raw, why in (
        (_sign(1, BOB), "nonce"),
        (_sign(0, BOB, value=10**19), "insufficient"),
        (_sign(0, BOB, gas=30_000_001), "gas"),
        (b"\x02\xc3\x01\x02\x03", "malformed"),
    ):
        result = _build(state, raw)
        assert not result.valid and result.block is None
        assert result.reason is not None and why in result.reason
        assert result.state is state
    # deposit-only fallback still builds
    _ok(_build(state))


def test_header_hash_matches_py_evm() -> None:
    block = _ok(_build(_engine(), _sign(0, BOB, value=1)))
    h = block.header
    reference = CancunBlockHeader(
        parent_hash=h.parent_hash,
        uncles_hash=en.EMPTY_OMMERS_HASH,
        coinbase=h.fee_recipient,
        state_root=h.state_root,
        transaction_root=h.transactions_root,
        receipt_root=h.receipts_root,
        bloom=int.from_bytes(h.logs_bloom, "big"),
        difficulty=0,
        block_number=h.number,
        gas_limit=h.gas_limit,
        gas_used=h.gas_used,
        timestamp=h.timestamp,
        extra_data=h.extra_data,
        mix_hash=h.prev_randao,
        nonce=b"\x00" * 8,
        base_fee_per_gas=h.base_fee,
        withdrawals_root=h.withdrawals_root,
        blob_gas_used=0,
        excess_blob_gas=0,
        parent_beacon_block_root=h.parent_beacon_block_root,
    )
    assert block.hash == reference.hash


def test_block_hash_changes_with_content() -> None:
    state = _engine()
    base = _attrs(state, _sign(0, BOB, value=1))
    ref_hash = _ok(en.build_block(state, base)).hash
    variants: list[Any] = [
        replace(base, transactions=(*base.transactions[:1], _sign(0, BOB, value=2))),
        replace(base, prev_randao=Hash32(b"\x34" * 32)),
        replace(base, timestamp=base.timestamp + 1),
        replace(base, suggested_fee_recipient=BOB),
        replace(base, gas_limit=base.gas_limit - 1),
        replace(base, parent_beacon_block_root=Hash32(b"\x01" * 32)),
    ]
    hashes = {_ok(en.build_block(state, v)).hash for v in variants}
    assert ref_hash not in hashes and len(hashes) == len(variants)


def test_base_fee_follows_eip1559_with_op_params() -> None:
    # exec-engine.md §1559 Parameters: elasticity 6, Canyon denominator 250.
    state = _engine()
    g = state.head.header
    assert g.base_fee == 10**9
    block = _ok(_build(state))
    target = g.gas_limit // 6
    assert block.header.base_fee == g.base_fee - g.base_fee * target // target // 250
    full = replace(block.header, gas_used=block.header.gas_limit)
    up = en.next_base_fee(state.params, state.config, full, full.timestamp + 2)
    assert up == full.base_fee + full.base_fee * (full.gas_limit - target) // target // 250
