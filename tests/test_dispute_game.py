"""The fault dispute game state machine (``FaultDisputeGame`` v1.2.0 of contracts-bedrock v0.17.3).

Independent known answers:

- ``getRequiredBond`` is run from the REAL ``FaultDisputeGame`` creation code of the installed
  ``@eth-optimism/contracts-bedrock`` on py-evm (constructor with chosen immutables, then a static
  call), for every depth of several max depths;
- the AlphabetVM is run from the REAL ``AlphabetVM`` bytecode, with the REAL ``PreimageOracle``
  holding the local ``DISPUTED_L2_BLOCK_NUMBER`` for its first-instruction branch.

The scenario tests spell out, by hand from the rules of ``FaultDisputeGame.sol`` and
``specs/fault-proof/stage-one/fault-dispute-game.md``, which call each check refuses and how a small
game resolves; the Hypothesis test plays random valid moves and checks resolution against the
rule "a claim stands iff none of its children stands" stated independently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from eth._utils.address import generate_contract_address
from eth.db.atomic import AtomicDB
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun.computation import CancunComputation
from eth.vm.forks.cancun.state import CancunState
from eth.vm.forks.cancun.transaction_context import CancunTransactionContext
from eth.vm.message import Message
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_typing import Address as EvmAddress
from eth_typing import BlockNumber
from eth_typing import Hash32 as EvmHash32
from hypothesis import given, settings
from hypothesis import strategies as st

from l2spec.paths import node_modules_dir
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_ADDRESS, Address, Hash32, address, hash32
from l2spec.spec.optimistic.dispute import game as g
from l2spec.spec.optimistic.dispute import position as pos
from l2spec.spec.optimistic.dispute.clock import Clock, pack, unpack
from l2spec.spec.optimistic.dispute.vm import (
    AlphabetVM,
    LocalContext,
    VMStatus,
    alphabet_state,
    with_status,
)

# ---------------------------------------------------------------------------------------------
# A minimal py-evm harness for the real contracts (independent of the spec)
# ---------------------------------------------------------------------------------------------

DEPLOYER = EvmAddress(bytes.fromhex("00000000000000000000000000000000000d1597"))


def _artifact(source: str, name: str) -> dict[str, Any]:
    folder = (
        node_modules_dir()
        / "@eth-optimism"
        / "contracts-bedrock"
        / "forge-artifacts"
        / f"{source}.sol"
    )
    for candidate in (folder / f"{name}.json", folder / f"{name}.0.8.15.json"):
        if candidate.is_file():
            data: dict[str, Any] = json.loads(candidate.read_text())
            return data
    pytest.fail(f"no forge artifact {source}/{name}: run `npm ci` (tox does)")


@dataclass
class Evm:
    state: CancunState

    @classmethod
    def fresh(cls) -> Evm:
        context = ExecutionContext(
            coinbase=EvmAddress(bytes(20)),
            timestamp=1,
            block_number=BlockNumber(1),
            difficulty=0,
            mix_hash=EvmHash32(bytes(32)),
            gas_limit=60_000_000,
            prev_hashes=(),
            chain_id=900,
            base_fee_per_gas=0,
            excess_blob_gas=0,
        )
        return cls(CancunState(AtomicDB(), context, EvmHash32(keccak256(b"\x80"))))

    def _run(self, message: Message) -> CancunComputation:
        context = CancunTransactionContext(gas_price=0, origin=DEPLOYER)
        if message.is_create:
            return CancunComputation.apply_create_message(self.state, message, context)
        return CancunComputation.apply_message(self.state, message, context)

    def deploy(self, init_code: bytes) -> EvmAddress:
        target = EvmAddress(generate_contract_address(DEPLOYER, self.state.get_nonce(DEPLOYER)))
        self.state.increment_nonce(DEPLOYER)
        msg = Message(
            gas=30_000_000,
            to=EvmAddress(b""),
            sender=DEPLOYER,
            value=0,
            data=b"",
            code=init_code,
            create_address=target,
        )
        computation = self._run(msg)
        assert computation.is_success, computation.error
        return target

    def call(self, to: EvmAddress, data: bytes) -> bytes:
        msg = Message(
            gas=30_000_000, to=to, sender=DEPLOYER, value=0, data=data, code=self.state.get_code(to)
        )
        computation = self._run(msg)
        assert computation.is_success, computation.error
        return bytes(computation.output)


def _calldata(signature: str, types: list[str], args: list[Any]) -> bytes:
    return keccak256(signature.encode())[:4] + abi_encode(types, args)


# ---------------------------------------------------------------------------------------------
# Bonds and VM against the real bytecode
# ---------------------------------------------------------------------------------------------

PRESTATE_DATA = alphabet_state(0, 0)[:32]  # abi.encode(uint256(0)): the AlphabetVM's claim0 = 0
ABSOLUTE_PRESTATE = with_status(keccak256(PRESTATE_DATA), VMStatus.VALID)


def _config(
    max_depth: int, split: int, extension: int = 100, max_duration: int = 1000
) -> g.GameConfig:
    return g.GameConfig(
        absolute_prestate=ABSOLUTE_PRESTATE,
        max_game_depth=max_depth,
        split_depth=split,
        clock_extension=extension,
        max_clock_duration=max_duration,
        vm=AlphabetVM(ABSOLUTE_PRESTATE),
        l2_chain_id=10,
    )


@pytest.mark.parametrize("max_depth", [1, 8, 30, 73])
def test_required_bond_matches_contract(max_depth: int) -> None:
    evm = Evm.fresh()
    art = _artifact("FaultDisputeGame", "FaultDisputeGame")
    ctor = abi_encode(
        [
            "uint32",
            "bytes32",
            "uint256",
            "uint256",
            "uint64",
            "uint64",
            "address",
            "address",
            "address",
            "uint256",
        ],
        [
            0,
            ABSOLUTE_PRESTATE,
            max_depth,
            max_depth // 2,
            100,
            1000,
            bytes(20),
            bytes(20),
            bytes(20),
            10,
        ],
    )
    game = evm.deploy(bytes.fromhex(art["bytecode"]["object"][2:]) + ctor)
    config = _config(max_depth, max_depth // 2)
    for depth in range(max_depth + 1):
        for index in {0, 2**depth - 1}:
            position = pos.wrap(depth, index)
            out = evm.call(game, _calldata("getRequiredBond(uint128)", ["uint128"], [position]))
            (want,) = abi_decode(["uint256"], out)
            assert g.get_required_bond(config, position) == want, (max_depth, depth)


def test_alphabet_vm_matches_contract() -> None:
    evm = Evm.fresh()
    oracle_art = _artifact("PreimageOracle", "PreimageOracle")
    oracle = evm.deploy(
        bytes.fromhex(oracle_art["bytecode"]["object"][2:])
        + abi_encode(["uint256", "uint256"], [0, 0])
    )
    vm_art = _artifact("AlphabetVM", "AlphabetVM")
    vm_address = evm.deploy(
        bytes.fromhex(vm_art["bytecode"]["object"][2:])
        + abi_encode(["bytes32", "address"], [ABSOLUTE_PRESTATE, oracle])
    )
    uuid = hash32(keccak256(b"local context"))
    block = 0x1_0000_0007  # bits above 32 are dropped by the mock
    word = (block << 192).to_bytes(32, "big")
    evm.call(
        oracle,
        _calldata(
            "loadLocalData(uint256,bytes32,bytes32,uint256,uint256)",
            ["uint256", "bytes32", "bytes32", "uint256", "uint256"],
            [4, uuid, word, 8, 0],
        ),
    )
    context = LocalContext(uuid, hash32(bytes(32)), hash32(bytes(32)), hash32(bytes(32)), block, 10)
    ours = AlphabetVM(ABSOLUTE_PRESTATE)
    for state_data in (
        PRESTATE_DATA,
        alphabet_state(0, 0),
        alphabet_state(5, 77),
        alphabet_state(2**64, 3),
    ):
        out = evm.call(
            vm_address,
            _calldata(
                "step(bytes,bytes,bytes32)", ["bytes", "bytes", "bytes32"], [state_data, b"", uuid]
            ),
        )
        (want,) = abi_decode(["bytes32"], out)
        assert ours.step(state_data, b"", context) == want


# ---------------------------------------------------------------------------------------------
# Clocks
# ---------------------------------------------------------------------------------------------


def test_clock_packing() -> None:
    # LibClock: duration in bits [64, 128), timestamp in [0, 64).
    clock = Clock(duration=0x1234, timestamp=0xABCD)
    assert pack(clock) == 0x1234_0000_0000_0000_ABCD
    assert unpack(pack(clock)) == clock
    assert unpack(2**128 - 1) == Clock(2**64 - 1, 2**64 - 1)


# ---------------------------------------------------------------------------------------------
# Scenarios (hand-derived from FaultDisputeGame.sol's rules)
# ---------------------------------------------------------------------------------------------

PROPOSER = address(b"\x11" * 20)
CHALLENGER = address(b"\x22" * 20)
ANCHOR = g.OutputRoot(root=hash32(b"\xaa" * 32), l2_block_number=100)


def _claim(tag: int, status: int = 0) -> Hash32:
    return hash32(bytes([status]) + bytes([tag]) * 31)


def _new_game(config: g.GameConfig) -> g.GameState:
    state = g.create(
        config,
        creator=PROPOSER,
        root_claim=_claim(0xEE),
        l1_head=hash32(b"\x01" * 32),
        l2_block_number=104,
        anchor=ANCHOR,
        bond=10**18,
        now=0,
    )
    assert isinstance(state, g.GameState)
    return state


def _move(
    state: g.GameState, parent: int, claim: Hash32, attack: bool, who: Address, now: int
) -> g.GameState | g.Rejected:
    position = pos.move(state.claims[parent].position, attack)
    bond = (
        g.get_required_bond(state.config, position)
        if pos.depth(position) <= state.config.max_game_depth
        else 0
    )
    return g.move(
        state,
        disputed=state.claims[parent].claim,
        challenge_index=parent,
        claim=claim,
        is_attack=attack,
        sender=who,
        value=bond,
        now=now,
    )


def _ok(result: g.GameState | g.Rejected) -> g.GameState:
    assert isinstance(result, g.GameState), result
    return result


def _refused(result: object, error: g.GameError) -> None:
    assert isinstance(result, g.Rejected), result
    assert result.error == error, result


def test_create_refusals() -> None:
    config = _config(4, 2)
    kw: dict[str, Any] = dict(
        creator=PROPOSER, root_claim=_claim(1), l1_head=hash32(bytes(32)), bond=0, now=0
    )
    _refused(
        g.create(config, l2_block_number=100, anchor=ANCHOR, **kw),
        g.GameError.UNEXPECTED_ROOT_CLAIM,
    )
    _refused(
        g.create(config, l2_block_number=101, anchor=g.OutputRoot(hash32(bytes(32)), 0), **kw),
        g.GameError.ANCHOR_ROOT_NOT_FOUND,
    )


def test_move_refusals() -> None:
    state = _new_game(_config(4, 2))
    _refused(_move(state, 0, _claim(1), False, CHALLENGER, 1), g.GameError.CANNOT_DEFEND_ROOT_CLAIM)
    missing = g.move(
        state,
        disputed=_claim(1),
        challenge_index=1,
        claim=_claim(1),
        is_attack=True,
        sender=CHALLENGER,
        value=0,
        now=1,
    )
    _refused(missing, g.GameError.ARRAY_OUT_OF_BOUNDS)
    wrong_disputed = g.move(
        state,
        disputed=_claim(9),
        challenge_index=0,
        claim=_claim(1),
        is_attack=True,
        sender=CHALLENGER,
        value=0,
        now=1,
    )
    _refused(wrong_disputed, g.GameError.INVALID_DISPUTED_CLAIM_INDEX)
    wrong_bond = g.move(
        state,
        disputed=_claim(0xEE),
        challenge_index=0,
        claim=_claim(1),
        is_attack=True,
        sender=CHALLENGER,
        value=1,
        now=1,
    )
    _refused(wrong_bond, g.GameError.INCORRECT_BOND_AMOUNT)
    _refused(_move(state, 0, _claim(1), True, CHALLENGER, 1000), g.GameError.CLOCK_TIME_EXCEEDED)
    s1 = _ok(_move(state, 0, _claim(1), True, CHALLENGER, 1))
    _refused(_move(s1, 0, _claim(1), True, PROPOSER, 2), g.GameError.CLAIM_ALREADY_EXISTS)
    s2 = _ok(_move(s1, 0, _claim(2), True, PROPOSER, 2))  # same position, other value: allowed
    assert s2.subgames[0] == (1, 2)
    s3 = _ok(_move(s2, 1, _claim(3), True, PROPOSER, 3))  # depth 2 = split depth
    # Execution subgame root (depth 3) attacking an output: status must be INVALID or PANIC.
    _refused(
        _move(s3, 3, _claim(4, VMStatus.VALID), True, CHALLENGER, 4),
        g.GameError.UNEXPECTED_ROOT_CLAIM,
    )
    s4 = _ok(_move(s3, 3, _claim(4, VMStatus.PANIC), True, CHALLENGER, 4))
    # Defending an execution subgame root (next depth split + 2) is refused.
    _refused(_move(s4, 4, _claim(5), False, PROPOSER, 5), g.GameError.CANNOT_DEFEND_ROOT_CLAIM)
    s5 = _ok(_move(s4, 4, _claim(5), True, PROPOSER, 5))  # depth 4 = max depth
    _refused(_move(s5, 5, _claim(6), True, CHALLENGER, 6), g.GameError.GAME_DEPTH_EXCEEDED)
    # Anything against a resolved game is refused.
    done = _ok(g.resolve_all(s5, 10_000))
    _refused(_move(done, 5, _claim(6), True, CHALLENGER, 6), g.GameError.GAME_NOT_IN_PROGRESS)


def test_clock_extension() -> None:
    state = _new_game(_config(4, 2, extension=100, max_duration=1000))
    # 950 s used > 1000 - 100: the new clock is reset to leave the extension; the new position is at
    # depth 1 = split depth - 1, where v1.2.0 doubles it: duration 1000 - 200.
    s1 = _ok(_move(state, 0, _claim(1), True, CHALLENGER, 950))
    assert s1.claims[1].clock == Clock(duration=800, timestamp=950)
    # The proposer answers at 1900: root clock 0 + 950 s > 900 -> depth 2, single extension.
    s2 = _ok(_move(s1, 1, _claim(2), True, PROPOSER, 1900))
    assert s2.claims[2].clock == Clock(duration=900, timestamp=1900)
    # The challenger's clock (800) plus 150 s = 950 > 900 -> depth 3, single extension.
    s3 = _ok(_move(s2, 2, _claim(3, VMStatus.INVALID), True, CHALLENGER, 2050))
    assert s3.claims[3].clock.duration == 900
    # Without pressure, the duration is the grandparent's plus the elapsed time.
    fresh = _ok(_move(state, 0, _claim(1), True, CHALLENGER, 10))
    fresh2 = _ok(_move(fresh, 1, _claim(2), True, PROPOSER, 30))
    assert fresh2.claims[2].clock == Clock(duration=20, timestamp=30)
    assert g.get_challenger_duration(fresh2, 2, 40) == 10 + 10
    assert g.get_challenger_duration(fresh2, 2, 10**6) == 1000


def _bottom_game() -> g.GameState:
    """Root <- attack (O1) <- attack (O0', at the split) <- attack (exec root) <- attack (leaf X)."""
    state = _new_game(_config(4, 2))
    state = _ok(_move(state, 0, _claim(1), True, CHALLENGER, 1))
    state = _ok(_move(state, 1, _claim(2), True, PROPOSER, 2))
    state = _ok(_move(state, 2, _claim(3, VMStatus.INVALID), True, CHALLENGER, 3))
    return _ok(_move(state, 3, _claim(4), True, PROPOSER, 4))


def test_local_context_of_first_output() -> None:
    state = _bottom_game()
    context = g.local_context(state, 4)
    assert isinstance(context, LocalContext)
    # The exec root attacked the first output (position 4, index 0): starting = anchor (position 0),
    # so only (disputed, disputed position) are hashed; the disputed block is anchor + 0 + 1.
    assert context.starting_output_root == ANCHOR.root
    assert context.disputed_output_root == _claim(2)
    assert context.disputed_l2_block_number == 101
    assert context.uuid == keccak256(abi_encode(["bytes32", "uint128"], [_claim(2), 4]))


def test_step_and_resolution() -> None:
    state = _bottom_game()
    _refused(
        g.step(
            state,
            claim_index=3,
            is_attack=True,
            state_data=PRESTATE_DATA,
            proof=b"",
            sender=CHALLENGER,
        ),
        g.GameError.INVALID_PARENT,
    )
    _refused(
        g.step(
            state,
            claim_index=4,
            is_attack=True,
            state_data=b"\x01" * 32,
            proof=b"",
            sender=CHALLENGER,
        ),
        g.GameError.INVALID_PRESTATE,
    )
    _refused(g.resolve_claim(state, 4, 0, 500), g.GameError.CLOCK_NOT_EXPIRED)
    _refused(g.resolve_claim(state, 3, 0, 10_000), g.GameError.OUT_OF_ORDER_RESOLUTION)
    _refused(g.resolve(state, 10_000), g.GameError.OUT_OF_ORDER_RESOLUTION)
    # Claim 4 (trace index 0 of the first block's subgame) says X; the VM from the absolute
    # prestate gives keccak(abi.encode(1600, 1600)) with status 1 (disputed block 101, trace index
    # (101 - 1) << 4, claim0 0 + 1600: see AlphabetVM), which differs, so the attack step counters it.
    stepped = _ok(
        g.step(
            state,
            claim_index=4,
            is_attack=True,
            state_data=PRESTATE_DATA,
            proof=b"",
            sender=CHALLENGER,
        )
    )
    assert stepped.claims[4].countered_by == CHALLENGER
    _refused(
        g.step(
            stepped,
            claim_index=4,
            is_attack=True,
            state_data=PRESTATE_DATA,
            proof=b"",
            sender=PROPOSER,
        ),
        g.GameError.DUPLICATE_STEP,
    )
    # A correct leaf cannot be stepped against: ValidStep.
    context = g.local_context(state, 4)
    assert isinstance(context, LocalContext)
    honest = AlphabetVM(ABSOLUTE_PRESTATE).step(PRESTATE_DATA, b"", context)
    assert honest == with_status(keccak256(alphabet_state(1600, 1600)), VMStatus.INVALID)
    other = _ok(
        g.move(
            state,
            disputed=_claim(3, 1),
            challenge_index=3,
            claim=honest,
            is_attack=True,
            sender=PROPOSER,
            value=g.get_required_bond(state.config, 16),
            now=5,
        )
    )
    _refused(
        g.step(
            other,
            claim_index=5,
            is_attack=True,
            state_data=PRESTATE_DATA,
            proof=b"",
            sender=CHALLENGER,
        ),
        g.GameError.VALID_STEP,
    )
    # Resolve: 4 stepped -> its bond to the challenger; 3 stands (its only child fell); 2 falls
    # (to the challenger, claimant of 3); 1 stands; the root falls: CHALLENGER_WINS.
    done = _ok(g.resolve_all(stepped, 10_000))
    assert done.status == g.GameStatus.CHALLENGER_WINS
    assert done.resolved_at == 10_000
    assert [c.countered_by for c in done.claims] == [
        CHALLENGER,
        ZERO_ADDRESS,
        CHALLENGER,
        ZERO_ADDRESS,
        CHALLENGER,
    ]
    bonds = [c.bond for c in done.claims]
    assert done.credit[CHALLENGER] == sum(bonds)  # every claim's bond ends with the challenger
    assert PROPOSER not in done.credit
    _refused(g.resolve_claim(done, 0, 0, 10_001), g.GameError.GAME_NOT_IN_PROGRESS)
    paid = g.claim_credit(done, CHALLENGER)
    assert isinstance(paid, tuple) and paid[1] == sum(bonds)
    _refused(g.claim_credit(paid[0], CHALLENGER), g.GameError.NO_CREDIT_TO_CLAIM)


def test_unchallenged_root_defender_wins() -> None:
    state = _new_game(_config(4, 2))
    _refused(g.resolve_claim(state, 0, 0, 999), g.GameError.CLOCK_NOT_EXPIRED)
    done = _ok(g.resolve_all(state, 1000))
    assert done.status == g.GameStatus.DEFENDER_WINS
    assert done.credit == {PROPOSER: 10**18}
    _refused(
        g.resolve_claim(_ok(g.resolve_claim(state, 0, 0, 1000)), 0, 0, 1000),
        g.GameError.CLAIM_ALREADY_RESOLVED,
    )


def test_leftmost_uncountered_child_takes_the_bond() -> None:
    # Two challengers attack the root; the later one at the same (left-most) position is not
    # preferred over the first: the scan keeps the first strictly smaller position.
    other = address(b"\x33" * 20)
    state = _new_game(_config(4, 2))
    state = _ok(_move(state, 0, _claim(1), True, CHALLENGER, 1))
    state = _ok(_move(state, 0, _claim(2), True, other, 2))
    done = _ok(g.resolve_all(state, 10_000))
    assert done.claims[0].countered_by == CHALLENGER
    assert done.credit[CHALLENGER] == 10**18 + done.claims[1].bond
    assert done.credit[other] == done.claims[2].bond


def test_partial_resolution_with_checkpoints() -> None:
    state = _new_game(_config(4, 2))
    for i in range(3):
        state = _ok(_move(state, 0, _claim(10 + i), True, CHALLENGER, 1 + i))
    for i in (3, 2, 1):
        state = _ok(g.resolve_claim(state, i, 0, 10_000))
    part = _ok(g.resolve_claim(state, 0, 2, 10_000))
    assert 0 not in part.resolved_subgames and part.checkpoints[0].subgame_index == 2
    whole = _ok(g.resolve_claim(part, 0, 5, 10_000))
    assert 0 in whole.resolved_subgames and whole.claims[0].countered_by == CHALLENGER


# ---------------------------------------------------------------------------------------------
# Random valid games
# ---------------------------------------------------------------------------------------------

actions = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10**6),  # parent choice
        st.booleans(),  # attack?
        st.integers(min_value=0, max_value=3),  # claim value tag
        st.sampled_from([VMStatus.VALID, VMStatus.INVALID, VMStatus.PANIC]),
        st.booleans(),  # challenger or proposer
    ),
    max_size=25,
)


@settings(deadline=None)
@given(actions)
def test_random_games_resolve_by_the_stand_rule(
    moves: list[tuple[int, bool, int, VMStatus, bool]],
) -> None:
    state = _new_game(_config(4, 2))
    now = 1
    for choice, attack, tag, status, is_challenger in moves:
        parent = choice % len(state.claims)
        who = CHALLENGER if is_challenger else PROPOSER
        if pos.depth(state.claims[parent].position) == state.config.max_game_depth:
            result = g.step(
                state,
                claim_index=parent,
                is_attack=True,
                state_data=PRESTATE_DATA,
                proof=b"",
                sender=who,
            )
        else:
            result = _move(state, parent, _claim(tag, status), attack, who, now)
        if isinstance(result, g.GameState):
            state = result
        now += 1
    done = g.resolve_all(state, now + 10_000)
    assert isinstance(done, g.GameState)
    assert done == g.resolve_all(state, now + 10_000)  # deterministic
    for index in range(len(done.claims)):
        assert (done.claims[index].countered_by == ZERO_ADDRESS) == g.claim_stands(state, index)
    expected = (
        g.GameStatus.DEFENDER_WINS if g.claim_stands(state, 0) else g.GameStatus.CHALLENGER_WINS
    )
    assert done.status == expected
    assert sum(done.credit.values()) == sum(c.bond for c in state.claims)  # every bond paid once


def test_challenge_root_l2_block() -> None:
    from l2spec.spec.common import rlp
    from l2spec.spec.optimistic.outputs import OutputRootProof, output_root

    def header(number: int) -> bytes:
        # A header is an RLP list whose item 8 is the block number (FaultDisputeGame
        # HEADER_BLOCK_NUMBER_INDEX); the other fields do not matter to the challenge.
        return rlp.encode(
            [b"\x01" * 32, b"\x02" * 32, b"\x03" * 20, *([b""] * 5), number, 30_000_000, 0]
        )

    def game_for(number_in_header: int) -> tuple[g.GameState, OutputRootProof, bytes]:
        data = header(number_in_header)
        proof = OutputRootProof(
            hash32(bytes(32)), hash32(b"\x05" * 32), hash32(b"\x06" * 32), hash32(keccak256(data))
        )
        state = g.create(
            _config(4, 2),
            creator=PROPOSER,
            root_claim=output_root(proof),
            l1_head=hash32(bytes(32)),
            l2_block_number=104,
            anchor=ANCHOR,
            bond=7,
            now=0,
        )
        assert isinstance(state, g.GameState)
        return state, proof, data

    state, proof, data = game_for(104)
    _refused(
        g.challenge_root_l2_block(
            state, output_root_proof=proof, header_rlp=data, sender=CHALLENGER
        ),
        g.GameError.BLOCK_NUMBER_MATCHES,
    )
    _refused(
        g.challenge_root_l2_block(
            state, output_root_proof=proof, header_rlp=data + b"\x00", sender=CHALLENGER
        ),
        g.GameError.INVALID_HEADER_RLP,
    )
    wrong_proof = OutputRootProof(
        proof.version, proof.state_root, proof.state_root, proof.latest_block_hash
    )
    _refused(
        g.challenge_root_l2_block(
            state, output_root_proof=wrong_proof, header_rlp=data, sender=CHALLENGER
        ),
        g.GameError.INVALID_OUTPUT_ROOT_PROOF,
    )
    state, proof, data = game_for(105)
    challenged = _ok(
        g.challenge_root_l2_block(
            state, output_root_proof=proof, header_rlp=data, sender=CHALLENGER
        )
    )
    _refused(
        g.challenge_root_l2_block(
            challenged, output_root_proof=proof, header_rlp=data, sender=CHALLENGER
        ),
        g.GameError.L2_BLOCK_NUMBER_CHALLENGED,
    )
    _refused(
        _move(challenged, 0, _claim(1), True, CHALLENGER, 1), g.GameError.L2_BLOCK_NUMBER_CHALLENGED
    )
    done = _ok(g.resolve_all(challenged, 1000))
    assert done.status == g.GameStatus.CHALLENGER_WINS
    assert done.credit == {CHALLENGER: 7}
    assert not g.claim_stands(challenged, 0)


def _h(i: int) -> Hash32:
    """The AlphabetVM's honest state commitment at local trace index ``i`` of block 101's subgame:
    the first step from the absolute prestate lands on (1600, 1600), each later step adds 1."""
    return with_status(keccak256(alphabet_state(1600 + i, 1600 + i)), VMStatus.INVALID)


def _deep_game(leaf2: Hash32, exec_root: Hash32) -> g.GameState:
    """Max depth 5, split 2 (an execution subgame of depth 3, 8 leaves): root <- 2 <- 4 (split) <-
    8 (exec root, trace index 3) <- 16 (index 1) <- defend: 34 (index 2)."""
    state = _new_game(_config(5, 2))
    state = _ok(_move(state, 0, _claim(1), True, CHALLENGER, 1))
    state = _ok(_move(state, 1, _claim(2), True, PROPOSER, 2))
    state = _ok(_move(state, 2, exec_root, True, CHALLENGER, 3))
    state = _ok(_move(state, 3, _h(1), True, PROPOSER, 4))
    state = _ok(_move(state, 4, leaf2, False, CHALLENGER, 5))
    assert [c.position for c in state.claims] == [1, 2, 4, 8, 16, 34]
    assert [pos.trace_index(c.position, 5) for c in state.claims[3:]] == [3, 1, 2]
    return state


def test_attack_step_inside_a_subgame() -> None:
    # Step at leaf index 2: the pre-state is the claim at index 1 (position 16, the trace ancestor
    # of 33 within the subgame), the post-state the stepped claim itself.
    pre = alphabet_state(1601, 1601)
    wrong = _deep_game(_claim(7), _h(3))
    stepped = _ok(
        g.step(wrong, claim_index=5, is_attack=True, state_data=pre, proof=b"", sender=PROPOSER)
    )
    assert stepped.claims[5].countered_by == PROPOSER
    right = _deep_game(_h(2), _h(3))
    _refused(
        g.step(right, claim_index=5, is_attack=True, state_data=pre, proof=b"", sender=PROPOSER),
        g.GameError.VALID_STEP,
    )
    _refused(
        g.step(
            right,
            claim_index=5,
            is_attack=True,
            state_data=alphabet_state(1600, 1600),
            proof=b"",
            sender=PROPOSER,
        ),
        g.GameError.INVALID_PRESTATE,
    )


def test_defend_step_uses_the_bounded_trace_ancestor() -> None:
    # Defend step on position 34: the pre-state is 34's claim; the post-state is the claim at the
    # trace ancestor of 35 bounded below the split, position 8 (the exec root, index 3). Depths 5
    # and 3 agree (even difference), so the step counters 34 iff VM(pre) differs from 8's claim.
    pre = alphabet_state(1602, 1602)
    honest = _deep_game(_h(2), _h(3))
    _refused(
        g.step(honest, claim_index=5, is_attack=False, state_data=pre, proof=b"", sender=PROPOSER),
        g.GameError.VALID_STEP,
    )
    lying_root = _deep_game(_h(2), with_status(_claim(9), VMStatus.INVALID))
    stepped = _ok(
        g.step(
            lying_root, claim_index=5, is_attack=False, state_data=pre, proof=b"", sender=PROPOSER
        )
    )
    assert stepped.claims[5].countered_by == PROPOSER
