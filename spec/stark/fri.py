"""FRI: the low-degree test on the DEEP codeword (prover and verifier halves).

Contract §Protocol steps 5 and 7 (Ben-Sasson et al., "Fast Reed–Solomon IOP of Proximity", ICALP
2018; ethSTARK eprint 2021/582 §3.4; winterfell ``fri`` crate: folding by an arity ``f``,
remainder sent as coefficients).

Layer ``ℓ`` is a codeword of ``n_ℓ`` extension values on the coset ``o_ℓ·⟨ω_{n_ℓ}⟩`` (``n_0 = B·N``,
``o_0 = 7``). While ``n_ℓ > remainder_max``, with arity ``f = f_ℓ``:

- the layer is committed as ``n_ℓ / f`` rows, row ``k`` = the ``f`` values at indices
  ``k + j·n_ℓ/f`` (``j = 0 … f − 1``): the points ``s·ω_f^j`` with ``s = o_ℓ·ω_{n_ℓ}^k``, one coset of
  ``⟨ω_f⟩`` — so a single opening gives everything needed to fold;
- ``β_ℓ`` is drawn and the next layer's value at ``k`` is the polynomial of degree ``< f`` through
  the row's ``f`` points, evaluated at ``β_ℓ``. That is the "split-and-fold" of FRI: if
  ``P(X) = Σ_j X^j·P_j(X^f)`` then the row's interpolant at ``β`` is ``Σ_j β^j·P_j(s^f)``, the value
  at ``s^f`` of ``Σ_j β^j P_j`` — a polynomial of ``1/f`` the degree on ``o_ℓ^f·⟨ω_{n_ℓ/f}⟩``.

The last layer (``n_last ≤ remainder_max``) is sent as the coefficients of its polynomial, only the
first ``n_last / B`` of them: a codeword of degree ``< N`` stays of degree ``< n_ℓ / B`` after each
fold, so any higher coefficient is simply not representable in the proof.

A query at ``i ∈ [0, n_0)`` follows ``i_0 = i``, ``k_ℓ = i_ℓ mod (n_ℓ/f_ℓ)``, ``i_{ℓ+1} = k_ℓ``; the
queried value sits at position ``j = i_ℓ div (n_ℓ/f_ℓ)`` of row ``k_ℓ``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.extension import EXT_ZERO, Ext, ext_encode, ext_flatten
from l2spec.spec.stark.field import GENERATOR, P, log2_exact, root_of_unity
from l2spec.spec.stark.hashing import Hasher
from l2spec.spec.stark.merkle import MerkleTree, commit, verify
from l2spec.spec.stark.ntt import evaluate_ext, interpolate_coset_ext
from l2spec.spec.stark.transcript import Transcript


@dataclass(frozen=True)
class FriLayout:
    """The shape of FRI for a codeword of ``n_0`` values: every layer's size, offset and arity."""

    sizes: tuple[int, ...]
    """``n_ℓ`` for every committed layer ``ℓ`` (then ``last_size`` for the remainder)."""
    offsets: tuple[int, ...]
    """``o_ℓ`` for every committed layer."""
    arities: tuple[int, ...]
    """``f_ℓ`` for every committed layer."""
    last_size: int
    """``n_last``, the size of the remainder's codeword."""
    last_offset: int
    """``o_last``."""
    remainder_length: int
    """``n_last / B``: the number of remainder coefficients sent."""
    blowup: int
    """``B``."""

    @property
    def num_layers(self) -> int:
        return len(self.sizes)

    def row_count(self, layer: int) -> int:
        """``n_ℓ / f_ℓ``: the rows (Merkle leaves) of layer ``ℓ``."""
        return self.sizes[layer] // self.arities[layer]


def fri_layout(
    domain_size: int, blowup: int, arities: Sequence[int], remainder_max: int
) -> FriLayout:
    """The layers for ``n_0 = domain_size`` with the given per-layer arities (the last repeats).

    Each fold must leave at least ``B`` values (so the remainder has ``n_last / B ≥ 1``
    coefficients); otherwise the parameters do not fit this trace length (:class:`StarkError`).
    """
    if not arities:
        raise StarkError("at least one folding arity is needed")
    for f in arities:
        if f < 2:
            raise StarkError(f"a folding arity must be at least 2, got {f}")
        log2_exact(f)
    sizes: list[int] = []
    offsets: list[int] = []
    used: list[int] = []
    n, offset = domain_size, GENERATOR
    while n > remainder_max:
        f = arities[min(len(sizes), len(arities) - 1)]
        if n // f < blowup:
            raise StarkError(
                f"folding {n} values by {f} leaves fewer than the blowup {blowup}: "
                "the trace is too short for these FRI parameters"
            )
        sizes.append(n)
        offsets.append(offset)
        used.append(f)
        n //= f
        offset = pow(offset, f, P)
    return FriLayout(tuple(sizes), tuple(offsets), tuple(used), n, offset, n // blowup, blowup)


# --- folding (shared by prover and verifier) ------------------------------------------------


def layer_rows(values: Sequence[Ext], arity: int) -> list[list[Ext]]:
    """Row ``k`` = the values at indices ``k + j·n/f``, ``j = 0 … f − 1``."""
    stride = len(values) // arity
    return [[values[k + j * stride] for j in range(arity)] for k in range(stride)]


def row_point(layer_size: int, layer_offset: int, k: int) -> int:
    """``s = o_ℓ·ω_{n_ℓ}^k``: row ``k``'s values sit at ``s·ω_f^j``."""
    return layer_offset * pow(root_of_unity(layer_size), k, P) % P


def fold_row(row: Sequence[Ext], s: int, beta: Ext) -> Ext:
    """The polynomial of degree ``< f`` with ``row[j]`` at ``s·ω_f^j``, evaluated at ``β``."""
    return evaluate_ext(interpolate_coset_ext(list(row), s), beta)


def fold_layer(values: Sequence[Ext], offset: int, arity: int, beta: Ext) -> list[Ext]:
    """The next layer: :func:`fold_row` on every row of ``values``."""
    n = len(values)
    return [
        fold_row(row, row_point(n, offset, k), beta)
        for k, row in enumerate(layer_rows(values, arity))
    ]


def remainder_coefficients(values: Sequence[Ext], offset: int, blowup: int) -> list[Ext]:
    """The first ``n_last / B`` coefficients of the last layer's polynomial.

    The prover checks the rest are zero (a codeword that is not of low degree means a bug or a
    false statement upstream, :class:`StarkError`).
    """
    coeffs = interpolate_coset_ext(list(values), offset)
    keep = len(values) // blowup
    if any(c != EXT_ZERO for c in coeffs[keep:]):
        raise StarkError("the FRI remainder is not of degree < n_last / B")
    return coeffs[:keep]


# --- prover ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FriCommitment:
    """What the FRI prover keeps: each committed layer's values and Merkle tree, the remainder."""

    layout: FriLayout
    layers: tuple[tuple[Ext, ...], ...]
    trees: tuple[MerkleTree, ...]
    remainder: tuple[Ext, ...]


def commit_rows(hasher: Hasher, values: Sequence[Ext], arity: int) -> MerkleTree:
    """The Merkle tree of a layer's rows (each row's ``f`` values flattened to ``3f`` coordinates)."""
    return commit(hasher, [ext_flatten(row) for row in layer_rows(values, arity)])


def encode_ext_values(values: Sequence[Ext]) -> bytes:
    """``a0 ‖ a1 ‖ a2`` (8 bytes LE each) for each value, concatenated (24 bytes per value)."""
    return b"".join(ext_encode(v) for v in values)


def fri_prove(
    transcript: Transcript, hasher: Hasher, codeword: Sequence[Ext], layout: FriLayout
) -> FriCommitment:
    """Commit phase (contract §5): commit, absorb the root, draw ``β``, fold — per layer; then
    absorb the remainder's coefficients (all of them in one absorb, 24 bytes each)."""
    values = list(codeword)
    layers, trees = [], []
    for layer in range(layout.num_layers):
        arity = layout.arities[layer]
        tree = commit_rows(hasher, values, arity)
        transcript.absorb(tree.root)
        beta = transcript.draw_ext()
        layers.append(tuple(values))
        trees.append(tree)
        values = fold_layer(values, layout.offsets[layer], arity, beta)
    remainder = remainder_coefficients(values, layout.last_offset, layout.blowup)
    transcript.absorb(encode_ext_values(remainder))
    return FriCommitment(layout, tuple(layers), tuple(trees), tuple(remainder))


@dataclass(frozen=True)
class FriLayerOpening:
    """One layer's part of a query: the row (``f`` values) and its Merkle opening."""

    row: tuple[Ext, ...]
    path: tuple[bytes, ...]


def fri_open(commitment: FriCommitment, index: int) -> list[FriLayerOpening]:
    """Query phase: the opened row of every layer for the query at ``index`` (contract §7)."""
    openings = []
    i = index
    for layer in range(commitment.layout.num_layers):
        rows = commitment.layout.row_count(layer)
        k = i % rows
        arity = commitment.layout.arities[layer]
        values = commitment.layers[layer]
        row = tuple(values[k + j * rows] for j in range(arity))
        openings.append(FriLayerOpening(row, commitment.trees[layer].open(k)))
        i = k
    return openings


# --- verifier -------------------------------------------------------------------------------


def fri_verify_query(
    hasher: Hasher,
    layout: FriLayout,
    roots: Sequence[bytes],
    betas: Sequence[Ext],
    remainder: Sequence[Ext],
    index: int,
    value: Ext,
    openings: Sequence[FriLayerOpening],
) -> str | None:
    """Check one query whose layer-0 value at ``index`` is ``value`` (the verifier's ``DEEP(D[i])``).

    Returns ``None`` when every check passes, else the reason: a row or path of the wrong shape, a
    Merkle opening that fails, a value that is not where the previous fold put it, or a last value
    that disagrees with the remainder polynomial.
    """
    if len(openings) != layout.num_layers or len(remainder) != layout.remainder_length:
        return "FRI opening has the wrong number of layers or remainder coefficients"
    i = index
    for layer, opening in enumerate(openings):
        rows = layout.row_count(layer)
        k, j = i % rows, i // rows
        arity = layout.arities[layer]
        if len(opening.row) != arity:
            return f"FRI layer {layer}: the row has {len(opening.row)} values, not {arity}"
        depth = log2_exact(rows)
        if not verify(hasher, roots[layer], k, ext_flatten(opening.row), opening.path, depth):
            return f"FRI layer {layer}: Merkle opening of row {k} fails"
        if opening.row[j] != value:
            return f"FRI layer {layer}: value at position {i} does not match the previous fold"
        value = fold_row(
            opening.row, row_point(layout.sizes[layer], layout.offsets[layer], k), betas[layer]
        )
        i = k
    x = row_point(layout.last_size, layout.last_offset, i)
    if evaluate_ext(list(remainder), (x, 0, 0)) != value:
        return "FRI: the last folded value disagrees with the remainder polynomial"
    return None


__all__ = [
    "FriCommitment",
    "FriLayerOpening",
    "FriLayout",
    "commit_rows",
    "encode_ext_values",
    "fold_layer",
    "fold_row",
    "fri_layout",
    "fri_open",
    "fri_prove",
    "fri_verify_query",
    "layer_rows",
    "remainder_coefficients",
    "row_point",
]
