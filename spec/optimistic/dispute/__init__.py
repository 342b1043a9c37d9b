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

A small worked bisection (max depth 3, trace indices 0..7, the root commits to index 7; the honest
trace disagrees from index 4 on)::

    depth 0                 [1] root: state@7 = X7'  (wrong)
                              |  attack
    depth 1                 [2] state@3 = S3         (right; challenger)
                              |  defend (agree with 2, disagree with root)
    depth 2                 [6] state@5 = X5'        (wrong; defender)
                              |  attack
    depth 3                [12] state@4 = S4         (right; challenger)
                              |  attack -> step at index 4: pre = claim@3 (position 2),
                                 post = claim@4 (position 12); VM(pre) == post, and position
                                 12 agrees with the stepper's side... so the defender cannot step;
                                 instead the defender's claim 6 is countered by 12 standing.

Resolution: 12 has no children and was not stepped against, so it stands; 6 has a standing child so
it does not stand; 2's only child 6 does not stand, so 2 stands; the root has a standing child, so
the challenger wins and the claimant of 2 receives the root's bond.
"""
