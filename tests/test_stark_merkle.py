"""Merkle commitments (contract §Merkle commitments).

The reference root is computed in the test from the definition (leaf = hash_elements(row), node =
merge(left, right), natural order) using the hashers' primitives directly; every tampered row,
path digest, index or path length must be rejected.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.field import P
from l2spec.spec.stark.hashing import BLAKE3, POSEIDON, Hasher
from l2spec.spec.stark.merkle import commit, verify

felts = st.integers(min_value=0, max_value=P - 1)


def rows_of(log_n: int, width: int) -> st.SearchStrategy[list[list[int]]]:
    row = st.lists(felts, min_size=width, max_size=width)
    return st.lists(row, min_size=2**log_n, max_size=2**log_n)


def test_root_by_hand_four_leaves() -> None:
    rows = [[1, 2], [3, 4], [5, 6], [7, 8]]
    for hasher in (BLAKE3, POSEIDON):
        leaves = [hasher.hash_elements(r) for r in rows]
        expected = hasher.merge(
            hasher.merge(leaves[0], leaves[1]), hasher.merge(leaves[2], leaves[3])
        )
        tree = commit(hasher, rows)
        assert tree.root == expected and tree.depth == 2 and tree.num_leaves == 4
        assert tree.open(2) == (leaves[3], hasher.merge(leaves[0], leaves[1]))


def test_single_leaf() -> None:
    tree = commit(BLAKE3, [[9, 9, 9]])
    assert tree.root == BLAKE3.hash_elements([9, 9, 9]) and tree.open(0) == ()
    assert verify(BLAKE3, tree.root, 0, [9, 9, 9], ())
    assert not verify(BLAKE3, tree.root, 1, [9, 9, 9], ())


@pytest.mark.parametrize("hasher", [BLAKE3, POSEIDON], ids=lambda h: h.name)
def test_every_tampering_is_rejected(hasher: Hasher) -> None:
    rows = [[i, i * i % P, P - 1 - i] for i in range(8)]
    tree = commit(hasher, rows)
    for i, row in enumerate(rows):
        path = tree.open(i)
        assert verify(hasher, tree.root, i, row, path, depth=3)
        # wrong index (every other index), wrong row (every coordinate), wrong path digest
        for j in range(8):
            assert verify(hasher, tree.root, j, row, path) == (j == i)
        for k in range(3):
            bad_row = list(row)
            bad_row[k] = (bad_row[k] + 1) % P
            assert not verify(hasher, tree.root, i, bad_row, path)
        # a longer row (with poseidon a row of <= 4 elements is zero-padded, so append non-zero)
        assert not verify(hasher, tree.root, i, [*row, 1], path)
        for level in range(3):
            bad_path = list(path)
            bad_path[level] = bytes([path[level][0] ^ 1]) + path[level][1:]
            assert not verify(hasher, tree.root, i, row, bad_path)
        # short or long paths, a wrong declared depth, indices out of range, a wrong root
        assert not verify(hasher, tree.root, i, row, path[:-1])
        assert not verify(hasher, tree.root, i, row, [*path, path[0]])
        assert not verify(hasher, tree.root, i, row, path, depth=2)
        assert not verify(hasher, tree.root, i + 8, row, path)
        assert not verify(hasher, tree.root, -1, row, path)
        assert not verify(hasher, bytes(32), i, row, path)


def test_poseidon_short_rows_are_zero_padded() -> None:
    # pil-stark's LinearHash returns <= 4 elements padded with zeros: rows of different widths can
    # share a leaf, which is why the protocol fixes every committed row's width.
    assert commit(POSEIDON, [[5]]).root == commit(POSEIDON, [[5, 0, 0]]).root
    assert commit(BLAKE3, [[5]]).root != commit(BLAKE3, [[5, 0, 0]]).root


def test_malformed_openings_are_a_false_verdict() -> None:
    tree = commit(POSEIDON, [[1], [2]])
    non_canonical = P.to_bytes(8, "little") + bytes(24)
    assert not verify(POSEIDON, tree.root, 0, [1], [non_canonical])
    assert not verify(POSEIDON, tree.root, 0, [1], [bytes(31)])
    assert not verify(POSEIDON, tree.root, 0, [P + 1], tree.open(0))
    assert not verify(BLAKE3, commit(BLAKE3, [[1], [2]]).root, 0, [1], [bytes(33)])


@given(st.integers(min_value=0, max_value=4).flatmap(lambda k: rows_of(k, 2)), st.data())
def test_openings_verify(rows: list[list[int]], data: st.DataObject) -> None:
    tree = commit(BLAKE3, rows)
    i = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    assert verify(BLAKE3, tree.root, i, rows[i], tree.open(i), depth=tree.depth)
    other = data.draw(rows_of(0, 2))[0]
    assert verify(BLAKE3, tree.root, i, other, tree.open(i)) == (other == rows[i])


def test_refusals() -> None:
    with pytest.raises(StarkError):
        commit(BLAKE3, [[1], [2], [3]])
    with pytest.raises(StarkError):
        commit(BLAKE3, [])
    with pytest.raises(StarkError):
        commit(BLAKE3, [[1], [2]]).open(2)
