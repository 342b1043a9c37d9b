"""Poseidon over Goldilocks: the hash of every zkEVM state commitment.

The permutation is Plonky2's ``PoseidonGoldilocks``, which Polygon zkEVM uses unchanged
(zkevm-commonjs ``src/poseidon.js``; the optimised ``src/poseidon_opt.js`` gives the same output):

- width ``t = 12`` lanes: 8 "rate" lanes (the inputs) and 4 "capacity" lanes;
- S-box ``x ↦ x^7``;
- ``R_F = 8`` full rounds (4 before and 4 after) and ``R_P = 22`` partial rounds, 30 in all.

Round ``r`` (``r = 0 … 29``) does three steps:

1. add the round constants: ``state[i] += C[12·r + i]`` on all 12 lanes (partial rounds too);
2. apply the S-box to every lane in a full round (``r < 4`` or ``r >= 26``), to lane 0 only in a
   partial round;
3. mix: ``state = M · state`` with ``out[i] = Σ_j M[i][j] · state[j]``.

The MDS matrix is a circulant plus a diagonal, ``M[i][j] = MCIRC[(j − i) mod 12] + (MDIAG[i] if
i == j)``, with ``MDIAG = [8, 0, …, 0]``: only ``M[0][0]`` gets the extra 8 (Plonky2
``poseidon_goldilocks.rs`` ``MDS_MATRIX_DIAG``).

The round constants and the matrix are data, loaded from ``data/poseidon_goldilocks.json``
(Plonky2's ``ALL_ROUND_CONSTANTS``, ``MDS_MATRIX_CIRC``, ``MDS_MATRIX_DIAG``; MIT/Apache-2.0).

The hash API used everywhere in the zkEVM is ``H(in[8], cap[4]) -> state[0..3]``: the initial state
is ``in0 … in7, cap0 … cap3`` and the digest is the first four lanes after the permutation
(:func:`poseidon`). Inputs are taken modulo ``p``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources

from l2spec.errors import DecodingError
from l2spec.spec.zk.goldilocks import H4, P

WIDTH = 12
"""State width ``t``: 8 rate lanes and 4 capacity lanes."""

RATE = 8
"""Number of input lanes of :func:`poseidon`."""

CAPACITY = 4
"""Number of capacity lanes (the last four of the state)."""

FULL_ROUNDS = 8
"""``R_F``: full rounds, half before and half after the partial rounds."""

PARTIAL_ROUNDS = 22
"""``R_P``: partial rounds (S-box on lane 0 only)."""

SBOX_EXPONENT = 7
"""The S-box is ``x ↦ x^7`` (7 is the smallest ``d`` with ``gcd(d, p − 1) = 1``)."""


def _load_parameters() -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Read the round constants, MCIRC and MDIAG from the package data file."""
    text = (
        resources.files("l2spec.spec.zk")
        .joinpath("data", "poseidon_goldilocks.json")
        .read_text(encoding="utf-8")
    )
    doc = json.loads(text)
    if int(doc["p"], 16) != P:
        raise DecodingError("poseidon_goldilocks.json is for another field")
    constants = tuple(int(c, 16) for c in doc["round_constants"])
    circ = tuple(int(c) for c in doc["mds_circ"])
    diag = tuple(int(c) for c in doc["mds_diag"])
    if len(constants) != WIDTH * (FULL_ROUNDS + PARTIAL_ROUNDS):
        raise DecodingError(f"expected 360 round constants, got {len(constants)}")
    if len(circ) != WIDTH or len(diag) != WIDTH:
        raise DecodingError("the MDS circulant and diagonal have 12 entries each")
    return constants, circ, diag


ROUND_CONSTANTS, MDS_CIRC, MDS_DIAG = _load_parameters()
"""``C`` (360 values), ``MCIRC`` and ``MDIAG`` (12 values each)."""

MDS_MATRIX: tuple[tuple[int, ...], ...] = tuple(
    tuple(MDS_CIRC[(j - i) % WIDTH] + (MDS_DIAG[i] if i == j else 0) for j in range(WIDTH))
    for i in range(WIDTH)
)
"""``M[i][j] = MCIRC[(j − i) mod 12] + (MDIAG[i] if i == j)``."""


def is_full_round(r: int) -> bool:
    """Whether round ``r`` applies the S-box to every lane (the first and last ``R_F / 2``)."""
    half = FULL_ROUNDS // 2
    return r < half or r >= half + PARTIAL_ROUNDS


def sbox(x: int) -> int:
    """``x^7 mod p``."""
    return pow(x, SBOX_EXPONENT, P)


def mds(state: Sequence[int]) -> tuple[int, ...]:
    """The linear layer ``out[i] = Σ_j M[i][j] · state[j] mod p``."""
    return tuple(sum(m * s for m, s in zip(row, state, strict=True)) % P for row in MDS_MATRIX)


def permute(state: Sequence[int]) -> tuple[int, ...]:
    """The Poseidon permutation of a 12-lane state (each lane taken mod ``p``)."""
    if len(state) != WIDTH:
        raise DecodingError(f"the Poseidon state has {WIDTH} lanes, got {len(state)}")
    s = [x % P for x in state]
    for r in range(FULL_ROUNDS + PARTIAL_ROUNDS):
        s = [(x + ROUND_CONSTANTS[WIDTH * r + i]) % P for i, x in enumerate(s)]
        if is_full_round(r):
            s = [sbox(x) for x in s]
        else:
            s[0] = sbox(s[0])
        s = list(mds(s))
    return tuple(s)


def poseidon(inputs: Sequence[int], capacity: Sequence[int] = (0, 0, 0, 0)) -> H4:
    """``H(in[8], cap[4])``: permute ``in ‖ cap`` and return lanes 0..3.

    zkevm-commonjs ``src/poseidon_opt.js`` (the ``poseidon(inputs, capacity)`` it exports).
    """
    if len(inputs) != RATE:
        raise DecodingError(f"Poseidon takes {RATE} inputs, got {len(inputs)}")
    if len(capacity) != CAPACITY:
        raise DecodingError(f"Poseidon takes a {CAPACITY}-element capacity, got {len(capacity)}")
    out = permute([*inputs, *capacity])
    return (out[0], out[1], out[2], out[3])


HASH_ZERO: H4 = poseidon([0] * RATE)
"""``HZ = H([0]*8, [0,0,0,0])``, the capacity of the account keys (``smt-utils.js``).

As 32-byte hex this is ``HASH_POSEIDON_ALL_ZEROES`` =
``0xc71603f33a1144ca7953db0ab48808f4c4055e3364a246c33c18a9786cb0b359`` (zkevm-commonjs
``src/constants.js``).
"""
