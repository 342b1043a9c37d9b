"""Positions in the fault dispute game's bisection tree (generalized indices).

Upstream rule: ``specs/fault-proof/stage-one/fault-dispute-game.md`` §Game Tree and §Position, and
``packages/contracts-bedrock/src/dispute/lib/LibPosition.sol`` (contracts-bedrock v0.17.3), which this
module mirrors operation for operation.

A position is a *generalized index*: the node at ``depth`` d and ``index_at_depth`` i of a perfect
binary tree is the integer ``2**d + i``. The root is ``1``; the children of ``p`` are ``2p`` (left)
and ``2p + 1`` (right). The highest set bit of a position is its depth; the bits below it are its
index at that depth.

A claim at position ``p`` commits to the state at the *trace index* of the deepest, right-most leaf
beneath ``p``. An **attack** disagrees with a claim and moves to its left child ``2p`` (the midpoint
of the left half); a **defend** agrees with the claim but disagrees with its parent's and moves to
``2(p + 1)``, the left child of the right sibling.

Positions are plain ``int`` values (the contract's ``Position`` is a ``uint128``); the contract only
supports trees up to :data:`MAX_POSITION_BITLEN` bits.
"""

from __future__ import annotations

from l2spec.errors import L2SpecError

MAX_POSITION_BITLEN = 126
"""``LibPosition.MAX_POSITION_BITLEN``: the widest position the library handles safely."""

ROOT_POSITION = 1
"""``FaultDisputeGame.ROOT_POSITION``: the root claim is always at generalized index 1."""

UINT128_MAX = 2**128 - 1


class ClaimAboveSplit(L2SpecError):
    """``ClaimAboveSplit()``: a bounded trace-ancestor query for a position at or above its bound."""


def _check(position: int) -> None:
    if not 0 < position <= UINT128_MAX:
        raise L2SpecError(f"not a position (a uint128 generalized index >= 1): {position}")


def wrap(depth_: int, index_at_depth_: int) -> int:
    """``LibPosition.wrap``: the generalized index ``2**depth + index_at_depth``."""
    if depth_ < 0 or not 0 <= index_at_depth_ < 2**depth_:
        raise L2SpecError(f"index {index_at_depth_} is not at depth {depth_}")
    return (1 << depth_) + index_at_depth_


def depth(position: int) -> int:
    """``LibPosition.depth``: the depth of a position, the offset of its most significant bit."""
    _check(position)
    return position.bit_length() - 1


def index_at_depth(position: int) -> int:
    """``LibPosition.indexAtDepth``: the position's left-to-right index at its depth (from 0)."""
    return position - (1 << depth(position))


def left(position: int) -> int:
    """``LibPosition.left``: the left child ``2p``."""
    _check(position)
    return position << 1


def right(position: int) -> int:
    """``LibPosition.right``: the right child ``2p + 1``."""
    _check(position)
    return (position << 1) | 1


def parent(position: int) -> int:
    """``LibPosition.parent``: ``p >> 1`` (the root has no parent; this gives 0 for it)."""
    _check(position)
    return position >> 1


def right_index(position: int, max_depth: int) -> int:
    """``LibPosition.rightIndex``: the deepest, right-most descendant of ``position`` at ``max_depth``.

    Equivalent to applying :func:`right` until ``max_depth`` is reached.
    """
    remaining = max_depth - depth(position)
    if remaining < 0:
        raise L2SpecError(f"position {position} is below max depth {max_depth}")
    return (position << remaining) | ((1 << remaining) - 1)


def trace_index(position: int, max_depth: int) -> int:
    """``LibPosition.traceIndex``: the trace index a claim at ``position`` commits to.

    It is the index at ``max_depth`` of :func:`right_index` (the deepest, right-most leaf beneath).
    """
    return right_index(position, max_depth) - (1 << max_depth)


def trace_ancestor(position: int) -> int:
    """``LibPosition.traceAncestor``: the highest ancestor committing to the same trace index.

    Moving to a right child keeps the trace index, so the highest such ancestor is found by
    stripping the trailing run of 1 bits (and the first 0 bit above it is kept); the result is
    bounded below by the root, 1.
    """
    _check(position)
    lowest_unset_bit = ~position & (position + 1)
    ancestor = position >> (lowest_unset_bit.bit_length() - 1)
    return ancestor if ancestor else ROOT_POSITION


def trace_ancestor_bounded(position: int, upper_bound_exclusive: int) -> int:
    """``LibPosition.traceAncestorBounded``: :func:`trace_ancestor` kept strictly below a depth.

    Used to stay inside one execution-trace subgame (bound = split depth). A position at or above
    the bound raises :class:`ClaimAboveSplit`, as the library reverts. When the global trace ancestor
    lies at or above the bound (the position commits to the last leaf of its subtree), the answer is
    the deepest right-most position at depth ``upper_bound_exclusive + 1`` beneath that ancestor.
    """
    if depth(position) <= upper_bound_exclusive:
        raise ClaimAboveSplit(f"position {position} is not below depth {upper_bound_exclusive}")
    ancestor = trace_ancestor(position)
    if depth(ancestor) <= upper_bound_exclusive:
        ancestor = right_index(ancestor, upper_bound_exclusive + 1)
    return ancestor


def move(position: int, is_attack: bool) -> int:
    """``LibPosition.move``: an attack goes to ``2p``, a defend to ``2(p | 1)``.

    The contract computes the defend position as ``(p | 1) << 1``; moves are only ever made
    against claims whose defend is meaningful (never the root of a (sub)game), where the parent is a
    left child, so this is ``2(p + 1)``: the left child of ``p``'s right sibling.
    """
    _check(position)
    return (position if is_attack else position | 1) << 1


def attack(position: int) -> int:
    """The attack position ``2p``."""
    return move(position, True)


def defend(position: int) -> int:
    """The defend position, ``2(p | 1)`` (``2(p + 1)`` for a left child)."""
    return move(position, False)
