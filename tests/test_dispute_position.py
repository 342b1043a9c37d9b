"""Positions of the fault dispute game (``LibPosition``).

Known answers: the static table of ``test_pos_correctness_succeeds`` in optimism's
``packages/contracts-bedrock/test/dispute/lib/LibPosition.t.sol`` (max depth 4: every gindex, its
depth, index at depth and right-most leaf). Properties: the same file's fuzz properties (trace
ancestor found by a parent-walking loop, left/right/parent/attack/defend index arithmetic), restated
as Hypothesis tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import L2SpecError
from l2spec.spec.optimistic.dispute import position as pos

# LibPosition.t.sol test_pos_correctness_succeeds, maxDepth = 4: gindex -> right-most gindex.
RIGHT_INDEX_MAX_DEPTH_4 = {
    1: 31, 2: 23, 3: 31, 4: 19, 5: 23, 6: 27, 7: 31,
    8: 17, 9: 19, 10: 21, 11: 23, 12: 25, 13: 27, 14: 29, 15: 31,
}  # fmt: skip


def test_static_table_max_depth_4() -> None:
    for gindex, right in RIGHT_INDEX_MAX_DEPTH_4.items():
        depth = gindex.bit_length() - 1
        assert pos.wrap(depth, gindex - 2**depth) == gindex
        assert pos.depth(gindex) == depth
        assert pos.index_at_depth(gindex) == gindex - 2**depth
        assert pos.right_index(gindex, 4) == right
        assert pos.trace_index(gindex, 4) == right - 16
    for gindex in range(16, 32):  # leaves are their own right-most leaf
        assert pos.right_index(gindex, 4) == gindex
        assert pos.trace_index(gindex, 4) == gindex - 16


def test_small_known_moves() -> None:
    # fault-dispute-game.md §Game Tree: attack 2p, defend 2(p+1) for a left child.
    assert pos.attack(1) == 2
    assert pos.defend(2) == 6
    assert pos.attack(6) == 12
    assert pos.defend(12) == 26
    assert pos.parent(26) == 13
    assert pos.trace_ancestor(23) == 2  # 10111 -> strip the trailing ones -> 10
    assert pos.trace_ancestor(31) == 1  # all ones: bounded to the root


def test_bounded_ancestor_and_misuse() -> None:
    # Below split depth 2 in a max-depth-4 tree: 23 (depth 4) has global ancestor 2 (depth 1), so
    # the bounded ancestor is 2's right-most descendant at depth 3, 11.
    assert pos.trace_ancestor_bounded(23, 2) == 11
    with pytest.raises(pos.ClaimAboveSplit):
        pos.trace_ancestor_bounded(5, 2)
    with pytest.raises(L2SpecError):
        pos.depth(0)
    with pytest.raises(L2SpecError):
        pos.wrap(2, 4)


MAX_DEPTH = 126
SPLIT = 64

positions = st.integers(min_value=0, max_value=MAX_DEPTH).flatmap(
    lambda d: st.integers(min_value=0, max_value=2**d - 1).map(lambda i: (d, i))
)


@given(positions)
def test_depth_index_left_right_parent(di: tuple[int, int]) -> None:
    d, i = di
    p = pos.wrap(d, i)
    assert (pos.depth(p), pos.index_at_depth(p)) == (d, i)
    assert (pos.depth(pos.left(p)), pos.index_at_depth(pos.left(p))) == (d + 1, 2 * i)
    assert (pos.depth(pos.right(p)), pos.index_at_depth(pos.right(p))) == (d + 1, 2 * i + 1)
    assert pos.parent(pos.left(p)) == p == pos.parent(pos.right(p))
    assert pos.attack(p) == pos.left(p)
    if d >= 1:  # LibPosition.t.sol testFuzz_defend: a defend is never made against the root
        assert pos.index_at_depth(pos.defend(p)) == ((i // 2) * 2 + 1) * 2
    if d >= 1 and i % 2 == 0:  # a left child: defend is the left child of the right sibling
        assert pos.defend(p) == pos.left(p + 1)
        assert pos.parent(pos.defend(p)) - 1 == p


@given(positions, st.integers(min_value=0, max_value=MAX_DEPTH))
def test_right_index_is_repeated_right(di: tuple[int, int], extra: int) -> None:
    d, i = di
    max_depth = min(MAX_DEPTH, d + extra)
    p = pos.wrap(d, i)
    walked = p
    for _ in range(d, max_depth):
        walked = pos.right(walked)
    assert pos.right_index(p, max_depth) == walked
    assert 0 <= pos.trace_index(p, max_depth) < 2**max_depth
    # attack commits to a smaller trace index than its parent; a defend of a left child to a larger
    if d < max_depth:
        assert pos.trace_index(pos.attack(p), max_depth) < pos.trace_index(p, max_depth)


@given(positions.filter(lambda di: di[0] >= 1))
def test_trace_ancestor_by_walking(di: tuple[int, int]) -> None:
    p = pos.wrap(*di)
    walk = p
    while walk > 1 and pos.trace_index(pos.parent(walk), MAX_DEPTH) == pos.trace_index(
        p, MAX_DEPTH
    ):
        walk = pos.parent(walk)
    assert pos.trace_ancestor(p) == walk


@given(positions.filter(lambda di: di[0] > SPLIT))
def test_trace_ancestor_bounded_by_walking(di: tuple[int, int]) -> None:
    p = pos.wrap(*di)
    walk = p
    while (
        pos.trace_index(pos.parent(walk), MAX_DEPTH) == pos.trace_index(p, MAX_DEPTH)
        and pos.depth(walk) != SPLIT + 1
    ):
        walk = pos.parent(walk)
    assert pos.trace_ancestor_bounded(p, SPLIT) == walk
