"""The OP Stack fault dispute game (``FaultDisputeGame``), as a pure state machine.

Upstream: ``specs/fault-proof/stage-one/fault-dispute-game.md``, ``dispute-game-interface.md``,
``bond-incentives.md`` and ``honest-challenger-fdg.md`` (ethereum-optimism/specs), and the contract
``src/dispute/FaultDisputeGame.sol`` v1.2.0 with its libraries ``LibPosition``, ``LibClock`` and
``Errors`` from contracts-bedrock v0.17.3, whose rules (error names, order of checks, clock
extension, bonds) these modules follow.

A proposer claims an output root for some L2 block. Anyone who disagrees **bisects**: the claims
form a binary tree of positions (generalized indices ``2**depth + index``, :mod:`.position`); a
claim at a position commits to the state at the trace index of its deepest right-most leaf. The top
``split_depth`` levels bisect over *output roots* (one leaf per L2 block after the anchor); below the
split, each output-root leaf starts an *execution trace* subgame that bisects over the instructions
of the fault proof program, down to ``max_game_depth``. An **attack** says "the parent is wrong, and
the state at the midpoint of its left half is X" (position ``2p``); a **defend** says "the parent is
right but its parent is wrong; the state at the midpoint of the right half is X" (``2(p+1)``). At
the bottom, a claim is countered by a one-instruction **step** of an on-chain VM (:mod:`.vm`) from
the pre-state to the post-state.

Each team has a chess clock (:mod:`.clock`): a move is allowed while the mover's accumulated time is
below ``max_clock_duration``; a move made with less than ``clock_extension`` left resets the new
clock so the opponent gets exactly the extension. Every move posts a bond that grows with depth.
When clocks run out, subgames are resolved bottom-up: a claim **stands iff none of its children
stands**; the bond of a countered claim goes to the left-most child that stands. The game ends
``DEFENDER_WINS`` if the root stands, ``CHALLENGER_WINS`` otherwise (:mod:`.game`).

A small worked bisection with no output half (split depth 0 ignored for the picture), max depth 3,
trace indices 0..7: a claim at position ``p`` commits to the state at ``trace_index(p, 3)``. The
proposer's trace agrees with the honest one up to index 3 and is wrong from index 4 on::

    depth 0        [1] @7  proposer: X7 (wrong)
                    |  attack (challenger disagrees)
    depth 1        [2] @3  challenger: S3 (right; the proposer agrees with it)
                    |  defend (the proposer agrees with [2] but not with [1]'s challenger side)
    depth 2        [6] @5  proposer: X5 (wrong)
                    |  attack
    depth 3       [12] @4  challenger: S4 (right)
                    :  the proposer's only counter is a step against [12]: an attack step with
                    :  pre-state = the claim at trace index 3 ([2], S3) and post-state [12];
                    :  VM(S3) == S4, so the step is refused (``ValidStep``).

Resolution, bottom-up: [12] has no child and was not stepped against, so it stands; [6] has a
standing child, so it falls; [2]'s only child fell, so it stands; the root has a standing child,
so it falls: ``CHALLENGER_WINS``, and the root's bond goes to the claimant of [2], the left-most
standing child.
"""
