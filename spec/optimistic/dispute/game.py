"""The fault dispute game: claims, moves, steps, chess clocks, bonds and resolution.

Upstream rules: ``specs/fault-proof/stage-one/fault-dispute-game.md`` (§Actors, §Moves, §Step,
§Game Clock, §Resolution), ``bond-incentives.md`` (§Moves, §Game Finalization) and, for every
detail the prose leaves open, ``packages/contracts-bedrock/src/dispute/FaultDisputeGame.sol``
version 1.2.0 as shipped in contracts-bedrock v0.17.3. Each public function below is one of the
contract's external functions and checks the same invariants **in the same order**, so the first
failing rule decides the refusal; a refusal is the value :class:`Rejected` carrying the contract's
custom error name (:class:`GameError`), and the game state is never changed by a refused call.

The state is immutable: every accepted action returns a new :class:`GameState`. Time
(``block.timestamp``), the sender and the value sent are explicit arguments.

Out of scope here (they live outside the game or are later steps): the ``DisputeGameFactory`` (game
creation bonds and UUIDs), ``DelayedWETH`` (bonds are credited here; the withdrawal delay is the
WETH contract's), the ``AnchorStateRegistry`` update after resolution, and the preimage oracle's
storage (the VM receives the local data directly, see :class:`~.vm.LocalContext`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import Enum, IntEnum

from eth_abi.abi import encode as abi_encode

from l2spec.errors import ConfigError, DecodingError, L2SpecError
from l2spec.spec.common import rlp
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import (
    ZERO_ADDRESS,
    ZERO_HASH,
    Address,
    Hash32,
    hash32,
    uint256_to_bytes,
)

from ..outputs import OutputRootProof, output_root
from . import position as pos
from .clock import Clock
from .vm import VM, LocalContext, VMStatus, same_state

NO_PARENT = 2**32 - 1
"""``type(uint32).max``: the root claim's ``parentIndex``."""

UINT128_MAX = 2**128 - 1
WAD = 10**18


class GameStatus(IntEnum):
    """``GameStatus`` (``src/dispute/lib/Types.sol``)."""

    IN_PROGRESS = 0
    CHALLENGER_WINS = 1
    DEFENDER_WINS = 2


class GameError(Enum):
    """Why the contract refuses a call: its custom error names (``src/dispute/lib/Errors.sol``).

    ``RLP_READER_REVERT`` stands for any revert of ``RLPReader`` on a header that is not an RLP
    list of at least 9 items (the contract's RLPReader errors are not distinguished here).
    ``ARRAY_OUT_OF_BOUNDS`` and ``ARITHMETIC_OVERFLOW`` stand for Solidity's built-in panics
    (``Panic(0x32)`` and ``Panic(0x11)``) that the contract relies on for a missing claim index
    and an out-of-range clock computation; ``VM_REVERTED`` for a step whose VM call reverts.
    """

    GAME_NOT_IN_PROGRESS = "GameNotInProgress"
    INVALID_DISPUTED_CLAIM_INDEX = "InvalidDisputedClaimIndex"
    CANNOT_DEFEND_ROOT_CLAIM = "CannotDefendRootClaim"
    L2_BLOCK_NUMBER_CHALLENGED = "L2BlockNumberChallenged"
    GAME_DEPTH_EXCEEDED = "GameDepthExceeded"
    UNEXPECTED_ROOT_CLAIM = "UnexpectedRootClaim"
    INCORRECT_BOND_AMOUNT = "IncorrectBondAmount"
    CLOCK_TIME_EXCEEDED = "ClockTimeExceeded"
    CLAIM_ALREADY_EXISTS = "ClaimAlreadyExists"
    INVALID_PARENT = "InvalidParent"
    INVALID_PRESTATE = "InvalidPrestate"
    VALID_STEP = "ValidStep"
    DUPLICATE_STEP = "DuplicateStep"
    CLAIM_ABOVE_SPLIT = "ClaimAboveSplit"
    CLOCK_NOT_EXPIRED = "ClockNotExpired"
    CLAIM_ALREADY_RESOLVED = "ClaimAlreadyResolved"
    OUT_OF_ORDER_RESOLUTION = "OutOfOrderResolution"
    NO_CREDIT_TO_CLAIM = "NoCreditToClaim"
    ANCHOR_ROOT_NOT_FOUND = "AnchorRootNotFound"
    INVALID_OUTPUT_ROOT_PROOF = "InvalidOutputRootProof"
    INVALID_HEADER_RLP = "InvalidHeaderRLP"
    BLOCK_NUMBER_MATCHES = "BlockNumberMatches"
    RLP_READER_REVERT = "RLPReader revert"
    ARRAY_OUT_OF_BOUNDS = "Panic(0x32)"
    ARITHMETIC_OVERFLOW = "Panic(0x11)"
    VM_REVERTED = "VMReverted"


@dataclass(frozen=True)
class Rejected:
    """A refused call: the contract's error and a human-readable detail."""

    error: GameError
    detail: str = ""


@dataclass(frozen=True)
class GameConfig:
    """The immutables of a ``FaultDisputeGame`` implementation (its constructor arguments).

    The constructor's checks are API-level preconditions here (:class:`ConfigError` named after the
    contract's errors): ``max_game_depth <= MAX_POSITION_BITLEN - 1`` (``MaxDepthTooLarge``),
    ``split_depth < max_game_depth`` (``InvalidSplitDepth``) and ``clock_extension <=
    max_clock_duration`` (``InvalidClockExtension``).
    """

    absolute_prestate: Hash32
    max_game_depth: int
    split_depth: int
    clock_extension: int
    max_clock_duration: int
    vm: VM
    game_type: int = 0
    l2_chain_id: int = 0

    def __post_init__(self) -> None:
        if self.max_game_depth > pos.MAX_POSITION_BITLEN - 1:
            raise ConfigError("MaxDepthTooLarge")
        if not 0 <= self.split_depth < self.max_game_depth:
            raise ConfigError("InvalidSplitDepth")
        if not 0 <= self.clock_extension <= self.max_clock_duration < 2**64:
            raise ConfigError("InvalidClockExtension")


@dataclass(frozen=True)
class OutputRoot:
    """``OutputRoot``: the anchor the output bisection starts from (root and its L2 block)."""

    root: Hash32
    l2_block_number: int


@dataclass(frozen=True)
class ClaimData:
    """One claim of the game DAG (``IFaultDisputeGame.ClaimData``).

    ``parent_index`` is the index of the claim it counters (:data:`NO_PARENT` for the root);
    ``countered_by`` is set by a successful step, or by resolution to the claimant of the left-most
    uncountered child; ``bond`` is the wei posted with the claim.
    """

    parent_index: int
    countered_by: Address
    claimant: Address
    bond: int
    claim: Hash32
    position: int
    clock: Clock


@dataclass(frozen=True)
class ResolutionCheckpoint:
    """``ResolutionCheckpoint``: progress of a subgame resolved over several calls."""

    initial_checkpoint_complete: bool = False
    subgame_index: int = 0
    leftmost_position: int = 0
    countered_by: Address = ZERO_ADDRESS


@dataclass(frozen=True)
class GameState:
    """The storage of one game (``FaultDisputeGame`` state variables and clone arguments).

    ``subgames[i]`` lists, in order of creation, the indices of the claims that counter claim ``i``;
    ``claim_hashes`` holds ``hashClaimPos`` of every move made (no two identical moves on the same
    parent). The mappings are never mutated: each transition builds new ones.
    """

    config: GameConfig
    creator: Address
    root_claim: Hash32
    l1_head: Hash32
    l2_block_number: int
    starting_output_root: OutputRoot
    created_at: int
    claims: tuple[ClaimData, ...]
    subgames: tuple[tuple[int, ...], ...]
    claim_hashes: frozenset[bytes] = frozenset()
    status: GameStatus = GameStatus.IN_PROGRESS
    resolved_at: int = 0
    resolved_subgames: frozenset[int] = frozenset()
    checkpoints: Mapping[int, ResolutionCheckpoint] = dataclasses.field(default_factory=dict)
    credit: Mapping[Address, int] = dataclasses.field(default_factory=dict)
    l2_block_number_challenged: bool = False
    l2_block_number_challenger: Address = ZERO_ADDRESS


# ---------------------------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------------------------


def create(
    config: GameConfig,
    *,
    creator: Address,
    root_claim: Hash32,
    l1_head: Hash32,
    l2_block_number: int,
    anchor: OutputRoot,
    bond: int,
    now: int,
) -> GameState | Rejected:
    """``FaultDisputeGame.initialize``: start a game on ``root_claim`` for ``l2_block_number``.

    The anchor (the registry's latest root for this game type) must exist (``AnchorRootNotFound``)
    and the proposal must be for a block after it (``UnexpectedRootClaim``). The root claim sits at
    position 1 with the creator's bond and a clock of duration 0 started ``now``. (The factory
    checks the bond amount and the extra-data length; not modelled here.)
    """
    if anchor.root == ZERO_HASH:
        return Rejected(GameError.ANCHOR_ROOT_NOT_FOUND)
    if l2_block_number <= anchor.l2_block_number:
        return Rejected(GameError.UNEXPECTED_ROOT_CLAIM, "proposal at or before the anchor block")
    root = ClaimData(
        parent_index=NO_PARENT,
        countered_by=ZERO_ADDRESS,
        claimant=creator,
        bond=bond,
        claim=root_claim,
        position=pos.ROOT_POSITION,
        clock=Clock(duration=0, timestamp=now),
    )
    return GameState(
        config=config,
        creator=creator,
        root_claim=root_claim,
        l1_head=l1_head,
        l2_block_number=l2_block_number,
        starting_output_root=anchor,
        created_at=now,
        claims=(root,),
        subgames=((),),
    )


# ---------------------------------------------------------------------------------------------
# Bonds
# ---------------------------------------------------------------------------------------------

ASSUMED_BASE_FEE = 200 * 10**9
"""``getRequiredBond``: the assumed base fee, 200 gwei (``bond-incentives.md`` §Moves)."""
BASE_GAS_CHARGED = 400_000
"""``getRequiredBond``: gas charged for a move at depth 0."""
HIGH_GAS_CHARGED = 300_000_000
"""``getRequiredBond``: gas charged for a move at the maximum depth."""


def _ln_wad(x: int) -> int:
    """``ln(x / 1e18) * 1e18`` truncated, standing for Solady's ``lnWad``.

    Solady evaluates ln and exp with rational approximations good to the last unit; computing them
    to 80 digits and truncating gives the contract's bond at every depth of every max depth from
    1 to 125 (checked against the contract's bytecode; see ``tests/test_dispute_game.py``).
    """
    with localcontext() as ctx:
        ctx.prec = 80
        return int((Decimal(x) / WAD).ln() * WAD)


def _exp_wad(x: int) -> int:
    """``exp(x / 1e18) * 1e18`` rounded toward zero (Solady ``expWad``)."""
    with localcontext() as ctx:
        ctx.prec = 80
        return int((Decimal(x) / WAD).exp() * WAD)


def get_required_bond(config: GameConfig, position: int) -> int:
    """``FaultDisputeGame.getRequiredBond``: the wei a move to ``position`` must post.

    ``bond-incentives.md`` §Moves: the gas charged grows geometrically with depth, from
    :data:`BASE_GAS_CHARGED` at depth 0 to :data:`HIGH_GAS_CHARGED` at ``max_game_depth``, priced
    at :data:`ASSUMED_BASE_FEE`. The contract computes the per-level multiplier in 18-decimal fixed
    point: ``base = exp(ln(750) * (1 / max_depth))`` with ``ln(750)`` and the quotient
    ``1e18 * 1e18 / (max_depth * 1e18)`` each truncated, then ``required_gas = 400_000 *
    base**depth / 1e18`` (truncated) and ``bond = 200 gwei * required_gas``.

    A position deeper than ``max_game_depth`` is an API error (the contract reverts
    ``GameDepthExceeded``; :func:`move` checks depth before asking for the bond).
    """
    depth = pos.depth(position)
    if depth > config.max_game_depth:
        raise L2SpecError("GameDepthExceeded")
    a = HIGH_GAS_CHARGED // BASE_GAS_CHARGED
    ln_a = _ln_wad(a * WAD)
    b_over_c = WAD * WAD // (config.max_game_depth * WAD)
    numerator = ln_a * b_over_c // WAD
    base = _exp_wad(numerator)
    raw_gas = _exp_wad(_ln_wad(base) * (depth * WAD) // WAD)
    required_gas = BASE_GAS_CHARGED * raw_gas // WAD
    return ASSUMED_BASE_FEE * required_gas


# ---------------------------------------------------------------------------------------------
# Clocks
# ---------------------------------------------------------------------------------------------


def get_challenger_duration(state: GameState, claim_index: int, now: int) -> int | Rejected:
    """``getChallengerDuration``: time used by the team that would counter ``claim_index``.

    ``fault-dispute-game.md`` §Game Clock: the potential counter's team has used the duration
    recorded on the claim's *parent* (that team's last clock) plus the time since the claim was
    made; the result is capped at ``max_clock_duration``.
    """
    if state.status != GameStatus.IN_PROGRESS:
        return Rejected(GameError.GAME_NOT_IN_PROGRESS)
    if not 0 <= claim_index < len(state.claims):
        return Rejected(GameError.ARRAY_OUT_OF_BOUNDS, f"no claim {claim_index}")
    claim = state.claims[claim_index]
    if now < claim.clock.timestamp:
        raise L2SpecError("time runs backwards: now is before the claim's timestamp")
    parent_duration = 0
    if claim.parent_index != NO_PARENT:
        parent_duration = state.claims[claim.parent_index].clock.duration
    elapsed = (parent_duration + (now - claim.clock.timestamp)) % 2**64  # uint64(...) cast
    return min(elapsed, state.config.max_clock_duration)


# ---------------------------------------------------------------------------------------------
# Moves
# ---------------------------------------------------------------------------------------------


def hash_claim_pos(claim: bytes, position: int, challenge_index: int) -> bytes:
    """``LibClaim.hashClaimPos``: ``keccak256(claim ++ uint256(position << 128 | challenge_index))``.

    The challenge index is truncated to its low 128 bits, as the contract masks it.
    """
    word = (position << 128) | (challenge_index & UINT128_MAX)
    return keccak256(claim + uint256_to_bytes(word % 2**256))


def _find_trace_ancestor(
    state: GameState, position: int, start: int, global_: bool
) -> ClaimData | Rejected:
    """``_findTraceAncestor``: walk up from claim ``start`` to the claim at ``position``'s trace
    ancestor (global, or bounded to the execution subgame below the split depth)."""
    try:
        if global_:
            target = pos.trace_ancestor(position)
        else:
            target = pos.trace_ancestor_bounded(position, state.config.split_depth)
    except pos.ClaimAboveSplit:
        return Rejected(GameError.CLAIM_ABOVE_SPLIT)
    index = start
    while 0 <= index < len(state.claims):
        claim = state.claims[index]
        if claim.position == target:
            return claim
        index = claim.parent_index
    return Rejected(GameError.ARRAY_OUT_OF_BOUNDS, f"no ancestor at position {target}")


def _verify_exec_bisection_root(
    state: GameState, root_claim: Hash32, parent_index: int, parent_position: int, is_attack: bool
) -> Rejected | None:
    """``_verifyExecBisectionRoot``: the status byte of an execution subgame's root claim.

    ``fault-dispute-game.md`` §Moves (execution trace subgame roots): the claim just below the
    split depth must say the VM ends ``INVALID`` or ``PANIC`` when it disputes the output root at
    the split (always for an attack; for a defend, when the disputed output — the trace ancestor of
    ``parent + 1`` — is at a depth of the same parity as the split depth), and ``VALID`` otherwise.
    """
    disputed = _find_trace_ancestor(state, parent_position + 1, parent_index, True)
    if isinstance(disputed, Rejected):
        return disputed
    status = root_claim[0]
    if is_attack or pos.depth(disputed.position) % 2 == state.config.split_depth % 2:
        if status not in (VMStatus.INVALID, VMStatus.PANIC):
            return Rejected(
                GameError.UNEXPECTED_ROOT_CLAIM, "execution root must be INVALID or PANIC"
            )
    elif status != VMStatus.VALID:
        return Rejected(GameError.UNEXPECTED_ROOT_CLAIM, "execution root must be VALID")
    return None


def move(
    state: GameState,
    *,
    disputed: Hash32,
    challenge_index: int,
    claim: Hash32,
    is_attack: bool,
    sender: Address,
    value: int,
    now: int,
) -> GameState | Rejected:
    """``FaultDisputeGame.move`` (``attack`` / ``defend``): counter claim ``challenge_index``.

    In the contract's order: the game is in progress; the claim exists and its value is
    ``disputed``; no defend of the root or of an execution subgame root (``CannotDefendRootClaim``);
    no move on the root after ``challengeRootL2Block``; the new position is at most
    ``max_game_depth`` deep; an execution subgame root has the right status byte; ``value`` is
    exactly :func:`get_required_bond`; the mover's clock has not run out (``ClockTimeExceeded``),
    and if less than ``clock_extension`` is left it is set back to leave exactly the extension
    (doubled when the new position is at ``split_depth - 1``, as v1.2.0 writes the rule); the same
    claim value at the same position against the same parent is not already there.
    """
    config = state.config
    if state.status != GameStatus.IN_PROGRESS:
        return Rejected(GameError.GAME_NOT_IN_PROGRESS)
    if not 0 <= challenge_index < len(state.claims):
        return Rejected(GameError.ARRAY_OUT_OF_BOUNDS, f"no claim {challenge_index}")
    parent = state.claims[challenge_index]
    if parent.claim != disputed:
        return Rejected(GameError.INVALID_DISPUTED_CLAIM_INDEX)
    next_position = pos.move(parent.position, is_attack)
    next_depth = pos.depth(next_position)
    if (challenge_index == 0 or next_depth == config.split_depth + 2) and not is_attack:
        return Rejected(GameError.CANNOT_DEFEND_ROOT_CLAIM)
    if state.l2_block_number_challenged and challenge_index == 0:
        return Rejected(GameError.L2_BLOCK_NUMBER_CHALLENGED)
    if next_depth > config.max_game_depth:
        return Rejected(GameError.GAME_DEPTH_EXCEEDED)
    if next_depth == config.split_depth + 1:
        refused = _verify_exec_bisection_root(
            state, claim, challenge_index, parent.position, is_attack
        )
        if refused is not None:
            return refused
    if get_required_bond(config, next_position) != value:
        return Rejected(GameError.INCORRECT_BOND_AMOUNT)
    next_duration = get_challenger_duration(state, challenge_index, now)
    if isinstance(next_duration, Rejected):
        return next_duration
    if next_duration == config.max_clock_duration:
        return Rejected(GameError.CLOCK_TIME_EXCEEDED)
    if next_duration > config.max_clock_duration - config.clock_extension:
        if config.split_depth == 0:  # ``SPLIT_DEPTH - 1`` underflows in checked uint256 arithmetic
            return Rejected(
                GameError.ARITHMETIC_OVERFLOW, "split depth 0 - 1 in the clock extension rule"
            )
        extension = config.clock_extension * (2 if next_depth == config.split_depth - 1 else 1)
        if extension > config.max_clock_duration:
            return Rejected(
                GameError.ARITHMETIC_OVERFLOW, "doubled clock extension exceeds the max duration"
            )
        next_duration = config.max_clock_duration - extension
    claim_hash = hash_claim_pos(claim, next_position, challenge_index)
    if claim_hash in state.claim_hashes:
        return Rejected(GameError.CLAIM_ALREADY_EXISTS)
    new_claim = ClaimData(
        parent_index=challenge_index,
        countered_by=ZERO_ADDRESS,
        claimant=sender,
        bond=value,
        claim=claim,
        position=next_position,
        clock=Clock(duration=next_duration, timestamp=now),
    )
    subgames = list(state.subgames)
    subgames[challenge_index] = subgames[challenge_index] + (len(state.claims),)
    subgames.append(())
    return dataclasses.replace(
        state,
        claims=(*state.claims, new_claim),
        subgames=tuple(subgames),
        claim_hashes=state.claim_hashes | {claim_hash},
    )


def attack(
    state: GameState,
    *,
    disputed: Hash32,
    parent_index: int,
    claim: Hash32,
    sender: Address,
    value: int,
    now: int,
) -> GameState | Rejected:
    """``FaultDisputeGame.attack``: :func:`move` with ``is_attack=True``."""
    return move(
        state,
        disputed=disputed,
        challenge_index=parent_index,
        claim=claim,
        is_attack=True,
        sender=sender,
        value=value,
        now=now,
    )


def defend(
    state: GameState,
    *,
    disputed: Hash32,
    parent_index: int,
    claim: Hash32,
    sender: Address,
    value: int,
    now: int,
) -> GameState | Rejected:
    """``FaultDisputeGame.defend``: :func:`move` with ``is_attack=False``."""
    return move(
        state,
        disputed=disputed,
        challenge_index=parent_index,
        claim=claim,
        is_attack=False,
        sender=sender,
        value=value,
        now=now,
    )


# ---------------------------------------------------------------------------------------------
# Step
# ---------------------------------------------------------------------------------------------


def _starting_and_disputed_outputs(
    state: GameState, start: int
) -> tuple[bytes, int, bytes, int] | Rejected:
    """``_findStartingAndDisputedOutputs``: the output roots an execution subgame runs between.

    Walk up from claim ``start`` (below the split) to the output-root claim at the split depth. If
    the execution subgame's root attacked it, it is the *disputed* output and the *starting* output
    is the trace ancestor of ``position - 1`` (or the anchor root, position 0, when it is the first
    output); if it defended it, it is the *starting* output and the disputed one is the trace
    ancestor of ``position + 1``. Returns ``(starting, starting_position, disputed,
    disputed_position)``.
    """
    split = state.config.split_depth
    index = start
    claim = state.claims[index]
    if pos.depth(claim.position) <= split:
        return Rejected(GameError.CLAIM_ABOVE_SPLIT)
    exec_root = claim
    while pos.depth(claim.position) > split:
        if pos.depth(claim.position) == split + 1:
            exec_root = claim
        index = claim.parent_index
        claim = state.claims[index]
    output_position = claim.position
    if pos.parent(exec_root.position) == output_position:
        if pos.index_at_depth(output_position) > 0:
            starting = _find_trace_ancestor(state, output_position - 1, index, True)
            if isinstance(starting, Rejected):
                return starting
            return starting.claim, starting.position, claim.claim, output_position
        return state.starting_output_root.root, 0, claim.claim, output_position
    disputed = _find_trace_ancestor(state, output_position + 1, index, True)
    if isinstance(disputed, Rejected):
        return disputed
    return claim.claim, output_position, disputed.claim, disputed.position


def local_context_hash(
    starting: bytes, starting_position: int, disputed: bytes, disputed_position: int
) -> Hash32:
    """``_computeLocalContext``: ``keccak256(abi.encode(...))`` of the subgame's outputs.

    With the anchor as starting output (position 0) only ``(disputed, disputed_position)`` are
    hashed; otherwise ``(starting, starting_position, disputed, disputed_position)``.
    """
    if starting_position == 0:
        data = abi_encode(["bytes32", "uint128"], [disputed, disputed_position])
    else:
        data = abi_encode(
            ["bytes32", "uint128", "bytes32", "uint128"],
            [starting, starting_position, disputed, disputed_position],
        )
    return hash32(keccak256(data))


def local_context(state: GameState, claim_index: int) -> LocalContext | Rejected:
    """The local data ``addLocalData`` would load for the execution subgame of ``claim_index``.

    The disputed L2 block number is ``starting block + traceIndex(disputed position, split) + 1``.
    """
    outputs = _starting_and_disputed_outputs(state, claim_index)
    if isinstance(outputs, Rejected):
        return outputs
    starting, starting_position, disputed, disputed_position = outputs
    block = (
        state.starting_output_root.l2_block_number
        + pos.trace_index(disputed_position, state.config.split_depth)
        + 1
    )
    return LocalContext(
        uuid=local_context_hash(starting, starting_position, disputed, disputed_position),
        l1_head=state.l1_head,
        starting_output_root=hash32(starting),
        disputed_output_root=hash32(disputed),
        disputed_l2_block_number=block,
        l2_chain_id=state.config.l2_chain_id,
    )


def step(
    state: GameState,
    *,
    claim_index: int,
    is_attack: bool,
    state_data: bytes,
    proof: bytes,
    sender: Address,
) -> GameState | Rejected:
    """``FaultDisputeGame.step``: counter a claim at ``max_game_depth`` by running one instruction.

    ``fault-dispute-game.md`` §Step. The step position (one below the max depth) fixes the
    pre-state and post-state claims: an attack's post-state is the parent and its pre-state the
    absolute prestate for the first instruction of an execution subgame, else the claim at the
    trace ancestor of ``parent - 1`` within the subgame; a defend's pre-state is the parent and its
    post-state the claim at the trace ancestor of ``parent + 1``. ``state_data`` must be the
    pre-state's preimage (``InvalidPrestate``). The step counters the parent iff the VM's result
    *disagrees* with the post-state claim when the parent and post-state are on the same side
    (even depth difference), or *agrees* with it otherwise; else ``ValidStep``. A claim can be
    stepped against once (``DuplicateStep``); success sets its ``countered_by`` to ``sender``.
    """
    config = state.config
    if state.status != GameStatus.IN_PROGRESS:
        return Rejected(GameError.GAME_NOT_IN_PROGRESS)
    if not 0 <= claim_index < len(state.claims):
        return Rejected(GameError.ARRAY_OUT_OF_BOUNDS, f"no claim {claim_index}")
    parent = state.claims[claim_index]
    parent_position = parent.position
    step_position = pos.move(parent_position, is_attack)
    if pos.depth(step_position) != config.max_game_depth + 1:
        return Rejected(GameError.INVALID_PARENT)
    pre_state_claim: bytes
    post_state: ClaimData | Rejected
    if is_attack:
        leaves_per_subgame = 1 << (config.max_game_depth - config.split_depth)
        if pos.index_at_depth(step_position) % leaves_per_subgame == 0:
            pre_state_claim = config.absolute_prestate
        else:
            ancestor = _find_trace_ancestor(state, parent_position - 1, parent.parent_index, False)
            if isinstance(ancestor, Rejected):
                return ancestor
            pre_state_claim = ancestor.claim
        post_state = parent
    else:
        pre_state_claim = parent.claim
        post_state = _find_trace_ancestor(state, parent_position + 1, parent.parent_index, False)
        if isinstance(post_state, Rejected):
            return post_state
    if not same_state(state_data, pre_state_claim):
        return Rejected(GameError.INVALID_PRESTATE)
    context = local_context(state, claim_index)
    if isinstance(context, Rejected):
        return context
    try:
        result = config.vm.step(state_data, proof, context)
    except DecodingError as exc:
        return Rejected(GameError.VM_REVERTED, str(exc))
    valid_step = result == post_state.claim
    parent_post_agree = (pos.depth(parent_position) - pos.depth(post_state.position)) % 2 == 0
    if parent_post_agree == valid_step:
        return Rejected(GameError.VALID_STEP)
    if parent.countered_by != ZERO_ADDRESS:
        return Rejected(GameError.DUPLICATE_STEP)
    return _with_claim(state, claim_index, dataclasses.replace(parent, countered_by=sender))


def _with_claim(state: GameState, index: int, claim: ClaimData) -> GameState:
    claims = (*state.claims[:index], claim, *state.claims[index + 1 :])
    return dataclasses.replace(state, claims=claims)


HEADER_BLOCK_NUMBER_INDEX = 8
"""``FaultDisputeGame.HEADER_BLOCK_NUMBER_INDEX``: the block number is item 8 of a header's RLP list."""


def challenge_root_l2_block(
    state: GameState, *, output_root_proof: OutputRootProof, header_rlp: bytes, sender: Address
) -> GameState | Rejected:
    """``FaultDisputeGame.challengeRootL2Block``: show the root claim is for another L2 block.

    ``fault-dispute-game.md`` (L2 block number challenge): the challenger opens the root claim
    (``InvalidOutputRootProof`` unless the proof hashes to it) and its block header
    (``InvalidHeaderRLP`` unless ``keccak256(header_rlp)`` is the proof's block hash); the header's
    number (item 8, at most 32 bytes, read big-endian) must differ from the game's
    ``l2_block_number`` (``BlockNumberMatches``). Once only (``L2BlockNumberChallenged``). Then no
    move may target the root, and resolving the root pays its bond to this challenger.
    """
    if state.status != GameStatus.IN_PROGRESS:
        return Rejected(GameError.GAME_NOT_IN_PROGRESS)
    if state.l2_block_number_challenged:
        return Rejected(GameError.L2_BLOCK_NUMBER_CHALLENGED)
    if output_root(output_root_proof) != state.root_claim:
        return Rejected(GameError.INVALID_OUTPUT_ROOT_PROOF)
    if keccak256(header_rlp) != output_root_proof.latest_block_hash:
        return Rejected(GameError.INVALID_HEADER_RLP)
    try:
        header = rlp.decode(header_rlp)
    except DecodingError as exc:
        return Rejected(GameError.RLP_READER_REVERT, str(exc))
    if not isinstance(header, list) or len(header) <= HEADER_BLOCK_NUMBER_INDEX:
        return Rejected(GameError.RLP_READER_REVERT, "header is not a list of at least 9 items")
    raw_number = header[HEADER_BLOCK_NUMBER_INDEX]
    if not isinstance(raw_number, bytes):
        return Rejected(GameError.RLP_READER_REVERT, "block number is a list")
    if len(raw_number) > 32:
        return Rejected(GameError.INVALID_HEADER_RLP, "block number longer than 32 bytes")
    if int.from_bytes(raw_number, "big") == state.l2_block_number:
        return Rejected(GameError.BLOCK_NUMBER_MATCHES)
    return dataclasses.replace(
        state, l2_block_number_challenged=True, l2_block_number_challenger=sender
    )


# ---------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------


def _credit(credit: Mapping[Address, int], recipient: Address, amount: int) -> dict[Address, int]:
    """``_distributeBond``: add a claim's bond to the recipient's credit (the bond field stays)."""
    updated = dict(credit)
    updated[recipient] = updated.get(recipient, 0) + amount
    return updated


def resolve_claim(
    state: GameState, claim_index: int, num_to_resolve: int, now: int
) -> GameState | Rejected:
    """``FaultDisputeGame.resolveClaim``: settle the subgame rooted at ``claim_index``.

    ``fault-dispute-game.md`` §Resolution: subgames resolve bottom-up; a claim *stands* iff none of
    its children stands. Resolution needs the clock of the claim's would-be counter to have run
    out (``ClockNotExpired``), happens once (``ClaimAlreadyResolved``) and needs every child
    subgame resolved first (``OutOfOrderResolution``).

    - A leaf other than the root pays its bond to whoever stepped against it (``countered_by``), or
      back to its claimant.
    - Otherwise the children are scanned (``num_to_resolve`` at a time, 0 meaning all on the first
      call; progress kept in a :class:`ResolutionCheckpoint`); the claimant of the **left-most**
      (smallest position) uncountered child becomes the claim's ``countered_by`` and receives its
      bond (``bond-incentives.md`` §Game Finalization); with no uncountered child the claimant
      gets the bond back. After ``challengeRootL2Block`` the root's bond and ``countered_by`` go
      to that challenger.
    """
    if state.status != GameStatus.IN_PROGRESS:
        return Rejected(GameError.GAME_NOT_IN_PROGRESS)
    if not 0 <= claim_index < len(state.claims):
        return Rejected(GameError.ARRAY_OUT_OF_BOUNDS, f"no claim {claim_index}")
    root = state.claims[claim_index]
    challenge_duration = get_challenger_duration(state, claim_index, now)
    if isinstance(challenge_duration, Rejected):
        return challenge_duration
    if challenge_duration < state.config.max_clock_duration:
        return Rejected(GameError.CLOCK_NOT_EXPIRED)
    if claim_index in state.resolved_subgames:
        return Rejected(GameError.CLAIM_ALREADY_RESOLVED)
    children = state.subgames[claim_index]
    if not children and claim_index != 0:
        recipient = root.claimant if root.countered_by == ZERO_ADDRESS else root.countered_by
        return dataclasses.replace(
            state,
            credit=_credit(state.credit, recipient, root.bond),
            resolved_subgames=state.resolved_subgames | {claim_index},
        )
    checkpoint = state.checkpoints.get(claim_index, ResolutionCheckpoint())
    if not checkpoint.initial_checkpoint_complete:
        checkpoint = dataclasses.replace(
            checkpoint, initial_checkpoint_complete=True, leftmost_position=UINT128_MAX
        )
        if num_to_resolve == 0:
            num_to_resolve = len(children)
    final_cursor = min(checkpoint.subgame_index + num_to_resolve, len(children))
    leftmost, countered = checkpoint.leftmost_position, checkpoint.countered_by
    for child_index in children[checkpoint.subgame_index : final_cursor]:
        if child_index not in state.resolved_subgames:
            return Rejected(GameError.OUT_OF_ORDER_RESOLUTION, f"child {child_index} is unresolved")
        child = state.claims[child_index]
        if child.countered_by == ZERO_ADDRESS and leftmost > child.position:
            countered, leftmost = child.claimant, child.position
    checkpoint = ResolutionCheckpoint(True, final_cursor, leftmost, countered)
    checkpoints = dict(state.checkpoints)
    checkpoints[claim_index] = checkpoint
    state = dataclasses.replace(state, checkpoints=checkpoints)
    if final_cursor != len(children):
        return state
    if claim_index == 0 and state.l2_block_number_challenged:
        winner = state.l2_block_number_challenger
        credit = _credit(state.credit, winner, root.bond)
        settled = dataclasses.replace(root, countered_by=winner)
    else:
        credit = _credit(
            state.credit, root.claimant if countered == ZERO_ADDRESS else countered, root.bond
        )
        settled = dataclasses.replace(root, countered_by=countered)
    state = _with_claim(state, claim_index, settled)
    return dataclasses.replace(
        state, credit=credit, resolved_subgames=state.resolved_subgames | {claim_index}
    )


def resolve(state: GameState, now: int) -> GameState | Rejected:
    """``FaultDisputeGame.resolve``: end the game once the root subgame is resolved.

    ``CHALLENGER_WINS`` if the root claim was countered, else ``DEFENDER_WINS``; ``resolved_at`` is
    ``now``. (The contract then asks the anchor state registry to update; not modelled here.)
    """
    if state.status != GameStatus.IN_PROGRESS:
        return Rejected(GameError.GAME_NOT_IN_PROGRESS)
    if 0 not in state.resolved_subgames:
        return Rejected(GameError.OUT_OF_ORDER_RESOLUTION)
    status = (
        GameStatus.DEFENDER_WINS
        if state.claims[0].countered_by == ZERO_ADDRESS
        else GameStatus.CHALLENGER_WINS
    )
    return dataclasses.replace(state, status=status, resolved_at=now)


def claim_credit(state: GameState, recipient: Address) -> tuple[GameState, int] | Rejected:
    """``FaultDisputeGame.claimCredit``: take all of ``recipient``'s credit (``NoCreditToClaim``).

    Returns the new state and the amount paid (the DelayedWETH withdrawal delay is not modelled).
    """
    amount = state.credit.get(recipient, 0)
    if amount == 0:
        return Rejected(GameError.NO_CREDIT_TO_CLAIM)
    credit = dict(state.credit)
    credit[recipient] = 0
    return dataclasses.replace(state, credit=credit), amount


def resolve_all(state: GameState, now: int) -> GameState | Rejected:
    """Resolve every subgame bottom-up (children before parents, i.e. highest index first), then
    the game: what an honest resolver does once every clock has expired."""
    for index in reversed(range(len(state.claims))):
        result = resolve_claim(state, index, 0, now)
        if isinstance(result, Rejected):
            return result
        state = result
    return resolve(state, now)


def claim_stands(state: GameState, claim_index: int) -> bool:
    """The resolution rule stated directly (``fault-dispute-game.md`` §Resolution): a claim stands
    iff it was not stepped against and none of its children stands (and the root falls to a
    successful ``challengeRootL2Block``). Independent of the
    contract's bookkeeping; used to check :func:`resolve_claim`."""
    claim = state.claims[claim_index]
    children = state.subgames[claim_index]
    if claim_index == 0 and state.l2_block_number_challenged:
        return False
    if not children:
        return claim.countered_by == ZERO_ADDRESS or claim_index == 0
    return not any(claim_stands(state, child) for child in children)
