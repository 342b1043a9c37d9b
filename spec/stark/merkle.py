"""Merkle commitments to rows of base elements (contract §Merkle commitments).

``commit(hasher, rows)`` hashes each row into a leaf (``leaf_i = hash_elements(row_i)``; an
extension value contributes its three coordinates in place, see
:func:`l2spec.spec.stark.extension.ext_flatten`), then builds a binary tree in natural index order
with ``node = merge(left, right)``; the root is the top digest. The number of rows must be a power
of two (one row is allowed: the root is then that leaf).

An opening of leaf ``i`` is the list of sibling digests from the leaf level up (``log2(#leaves)``
digests); there is no multiproof de-duplication. The width of every committed row is fixed by the
protocol: with poseidon a row of at most 4 elements is its own zero-padded digest, so rows of
different widths could share a leaf. :func:`verify` recomputes the root from a row, its
index and its opening and compares; a failed check is the verdict ``False``, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.field import P, log2_exact
from l2spec.spec.stark.hashing import Hasher


@dataclass(frozen=True)
class MerkleTree:
    """A committed tree: ``layers[0]`` are the leaves, ``layers[-1] == (root,)``."""

    hasher: Hasher
    layers: tuple[tuple[bytes, ...], ...]

    @property
    def root(self) -> bytes:
        """The 32-byte commitment."""
        return self.layers[-1][0]

    @property
    def num_leaves(self) -> int:
        """The number of committed rows (a power of two)."""
        return len(self.layers[0])

    @property
    def depth(self) -> int:
        """``log2(num_leaves)``: the length of every opening."""
        return len(self.layers) - 1

    def open(self, index: int) -> tuple[bytes, ...]:
        """The opening of leaf ``index``: its sibling digests from the leaf level up."""
        if not 0 <= index < self.num_leaves:
            raise StarkError(f"leaf index {index} out of range [0, {self.num_leaves})")
        path = []
        for layer in self.layers[:-1]:
            path.append(layer[index ^ 1])
            index >>= 1
        return tuple(path)


def commit(hasher: Hasher, rows: Sequence[Sequence[int]]) -> MerkleTree:
    """The Merkle tree over ``rows`` (a power-of-two number of rows of base elements)."""
    log2_exact(len(rows))
    layer = tuple(hasher.hash_elements(row) for row in rows)
    layers = [layer]
    while len(layer) > 1:
        layer = tuple(hasher.merge(layer[i], layer[i + 1]) for i in range(0, len(layer), 2))
        layers.append(layer)
    return MerkleTree(hasher=hasher, layers=tuple(layers))


def root_from_path(
    hasher: Hasher, index: int, row: Sequence[int], path: Sequence[bytes]
) -> bytes | None:
    """The root implied by ``row`` at ``index`` with opening ``path``, or ``None`` if the inputs
    cannot be part of a valid opening (index out of ``[0, 2^len(path))``, an invalid digest in the
    path, a non-canonical element in the row)."""
    if not 0 <= index < (1 << len(path)):
        return None
    if not all(isinstance(x, int) and 0 <= x < P for x in row):
        return None
    if not all(hasher.is_valid_digest(d) for d in path):
        return None
    node = hasher.hash_elements(row)
    for sibling in path:
        node = hasher.merge(sibling, node) if index & 1 else hasher.merge(node, sibling)
        index >>= 1
    return node


def verify(
    hasher: Hasher,
    root: bytes,
    index: int,
    row: Sequence[int],
    path: Sequence[bytes],
    depth: int | None = None,
) -> bool:
    """Whether ``path`` opens leaf ``index`` of the tree with ``root`` to ``row``.

    With ``depth`` given, the opening must have exactly that many digests (``log2(#leaves)``).
    """
    if depth is not None and len(path) != depth:
        return False
    return root_from_path(hasher, index, row, path) == root
