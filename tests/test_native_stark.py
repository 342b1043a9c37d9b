"""The native (Rust) STARK primitives agree with the spec's Python, value for value.

Every native function in ``l2spec.impl.stark`` is compared with its namesake in ``spec/stark``
(and ``spec/zk/poseidon``) on Hypothesis-generated inputs: the spec is the independent
implementation. Known answers come from Plonky2's Poseidon permutation vectors
(``/work/shared/vectors/polygon/poseidon_goldilocks.json``, from ``poseidon_goldilocks.rs``) and
zkevm-commonjs ``HASH_POSEIDON_ALL_ZEROES``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.impl import stark as native
from l2spec.paths import vectors_dir
from l2spec.spec.stark import extension as sx
from l2spec.spec.stark import hashing as sh
from l2spec.spec.stark import merkle as sm
from l2spec.spec.stark import ntt as sn
from l2spec.spec.stark import transcript as st_
from l2spec.spec.stark.errors import ProofFormatError, StarkError
from l2spec.spec.stark.field import GENERATOR, P, root_of_unity
from l2spec.spec.zk import poseidon as zkp
from l2spec.spec.zk.goldilocks import FieldArithmeticError

felts = st.one_of(
    st.integers(0, P - 1),
    st.sampled_from([0, 1, 2, P - 1, P - 2, 2**32 - 1, 2**32, 2**63, GENERATOR]),
)
exts = st.tuples(felts, felts, felts)
u64s = st.integers(0, 2**64 - 1)
hasher_names = st.sampled_from(["blake3", "poseidon"])


def pow2_lists(elements: st.SearchStrategy[Any], max_log: int = 6) -> st.SearchStrategy[list[Any]]:
    """Lists of a power-of-two length 1 … 2^max_log."""
    return st.integers(0, max_log).flatmap(
        lambda k: st.lists(elements, min_size=1 << k, max_size=1 << k)
    )


# --- the cubic extension -------------------------------------------------------------------------


@given(exts, exts)
def test_ext_ring_ops_match_spec(a: sx.Ext, b: sx.Ext) -> None:
    assert native.ext_add(a, b) == sx.ext_add(a, b)
    assert native.ext_sub(a, b) == sx.ext_sub(a, b)
    assert native.ext_mul(a, b) == sx.ext_mul(a, b)


@given(exts, st.integers(0, 2**64 - 1))
def test_ext_pow_matches_spec(a: sx.Ext, e: int) -> None:
    assert native.ext_pow(a, e) == sx.ext_pow(a, e)


@given(exts)
def test_ext_inverse_matches_spec(a: sx.Ext) -> None:
    if a == sx.EXT_ZERO:
        with pytest.raises(FieldArithmeticError):
            native.ext_inv(a)
    else:
        assert native.ext_inv(a) == sx.ext_inv(a)
        assert sx.ext_mul(a, native.ext_inv(a)) == sx.EXT_ONE


@given(st.lists(exts.filter(lambda a: a != sx.EXT_ZERO), max_size=20))
def test_ext_batch_inverse_matches_spec(values: list[sx.Ext]) -> None:
    assert native.ext_batch_inverse(values) == sx.ext_batch_inverse(values)


def test_ext_rejects_non_canonical_and_zero() -> None:
    with pytest.raises(StarkError):
        native.ext_mul((P, 0, 0), (1, 0, 0))
    with pytest.raises(StarkError):
        native.ext_add((-1, 0, 0), (1, 0, 0))
    with pytest.raises(FieldArithmeticError):
        native.ext_batch_inverse([(1, 0, 0), (0, 0, 0)])


# --- NTT and LDE -----------------------------------------------------------------------------------


@given(pow2_lists(felts))
def test_ntt_and_intt_match_spec(values: list[int]) -> None:
    assert native.ntt(values) == sn.ntt(values)
    assert native.intt(values) == sn.intt(values)
    assert native.root_of_unity(len(values)) == root_of_unity(len(values))


@given(pow2_lists(felts, 5), st.sampled_from([1, 2, 4, 8]))
def test_lde_matches_spec(column: list[int], blowup: int) -> None:
    assert native.lde(column, blowup) == sn.lde(column, blowup)
    assert native.lde_columns([column, column[::-1]], blowup) == [
        sn.lde(column, blowup),
        sn.lde(column[::-1], blowup),
    ]


@given(pow2_lists(felts, 5), st.integers(1, P - 1), st.integers(0, 2))
def test_coset_transforms_match_spec(coeffs: list[int], offset: int, extra: int) -> None:
    n = len(coeffs) << extra
    assert native.evaluate_on_coset(coeffs, offset, n) == sn.evaluate_on_coset(coeffs, offset, n)
    assert native.interpolate_coset(coeffs, offset) == sn.interpolate_coset(coeffs, offset)
    assert native.lde(coeffs, 1 << extra, offset) == sn.lde(coeffs, 1 << extra, offset)


@given(pow2_lists(exts, 4), st.sampled_from([2, 4]), st.integers(1, P - 1))
def test_ext_transforms_match_spec(values: list[sx.Ext], blowup: int, offset: int) -> None:
    n = len(values) * blowup
    assert native.ntt_ext(values) == sn.ntt_ext(values)
    assert native.intt_ext(values) == sn.intt_ext(values)
    assert native.lde_ext(values, blowup) == sn.lde_ext(values, blowup)
    assert native.evaluate_on_coset_ext(values, offset, n) == sn.evaluate_on_coset_ext(
        values, offset, n
    )
    assert native.interpolate_coset_ext(values, offset) == sn.interpolate_coset_ext(values, offset)


def test_parallel_sized_lde_matches_spec() -> None:
    # 2^11 values × blowup 4 = 2^13 points: above the native transform's parallel threshold.
    column = [(i * 0x9E3779B97F4A7C15) % P for i in range(1 << 11)]
    assert native.lde(column, 4) == sn.lde(column, 4)
    assert native.intt(native.ntt(column)) == column


def test_bit_reverse() -> None:
    assert native.bit_reverse(list(range(8))) == [0, 4, 2, 6, 1, 5, 3, 7]
    with pytest.raises(StarkError):
        native.bit_reverse([1, 2, 3])


@pytest.mark.parametrize(
    "call",
    [
        lambda: native.ntt([1, 2, 3]),
        lambda: native.ntt([]),
        lambda: native.intt([P, 0]),
        lambda: native.lde([1, 2], 3),
        lambda: native.evaluate_on_coset([1, 2, 3], 7, 2),
        lambda: native.interpolate_coset([1, 2], 0),
        lambda: native.root_of_unity(2**33),
    ],
)
def test_transform_misuse_is_a_stark_error(call: Callable[[], object]) -> None:
    with pytest.raises(StarkError):
        call()


# --- Poseidon ---------------------------------------------------------------------------------------


def test_poseidon_plonky2_vectors() -> None:
    doc = json.loads((vectors_dir() / "polygon" / "poseidon_goldilocks.json").read_text())
    vectors = doc["permutation_vectors"]
    assert len(vectors) == 4
    for case in vectors:
        state = [int(x, 16) for x in case["input"]]
        expected = tuple(int(x, 16) for x in case["output"])
        assert native.poseidon_permute(state) == expected
        assert native.poseidon_permute_reference(state) == expected


def test_poseidon_hash_zero() -> None:
    # zkevm-commonjs src/constants.js HASH_POSEIDON_ALL_ZEROES (h3‖h2‖h1‖h0 big-endian hex).
    h = native.poseidon([0] * 8)
    text = "".join(f"{x:016x}" for x in reversed(h))
    assert text == "c71603f33a1144ca7953db0ab48808f4c4055e3364a246c33c18a9786cb0b359"


@given(st.lists(u64s, min_size=12, max_size=12))
def test_poseidon_fast_and_reference_match_spec(state: list[int]) -> None:
    expected = zkp.permute(state)
    assert native.poseidon_permute(state) == expected
    assert native.poseidon_permute_reference(state) == expected


@given(st.lists(felts, min_size=8, max_size=8), st.lists(felts, min_size=4, max_size=4))
def test_poseidon_hash_matches_spec(inputs: list[int], capacity: list[int]) -> None:
    assert native.poseidon(inputs, capacity) == zkp.poseidon(inputs, capacity)


def test_poseidon_misuse() -> None:
    with pytest.raises(StarkError):
        native.poseidon_permute([0] * 11)
    with pytest.raises(StarkError):
        native.poseidon([0] * 7)


# --- hashers ----------------------------------------------------------------------------------------


@given(hasher_names, st.lists(felts, max_size=21))
def test_hash_elements_match_spec(name: str, row: list[int]) -> None:
    assert native.get_hasher(name).hash_elements(row) == sh.get_hasher(name).hash_elements(row)


@given(st.lists(felts, max_size=21))
def test_linear_hash_matches_spec(row: list[int]) -> None:
    assert native.linear_hash(row) == sh.linear_hash(row)


@given(hasher_names, st.binary(max_size=80))
def test_hash_bytes_and_bytes_to_elements_match_spec(name: str, data: bytes) -> None:
    assert native.get_hasher(name).hash_bytes(data) == sh.get_hasher(name).hash_bytes(data)
    assert native.bytes_to_elements(data) == sh.bytes_to_elements(data)


@given(hasher_names, st.lists(felts, min_size=4, max_size=4), st.binary(min_size=32, max_size=32))
def test_merge_matches_spec(name: str, limbs: list[int], other: bytes) -> None:
    left = sh.elements_to_digest(limbs)
    spec, nat = sh.get_hasher(name), native.get_hasher(name)
    right = other if spec.is_valid_digest(other) else left
    assert nat.merge(left, right) == spec.merge(left, right)
    assert nat.is_valid_digest(other) == spec.is_valid_digest(other)


def test_hasher_refusals_match_spec() -> None:
    bad_limb = (P).to_bytes(8, "little") + bytes(24)
    with pytest.raises(ProofFormatError):
        native.POSEIDON.merge(bad_limb, bytes(32))
    with pytest.raises(ProofFormatError):
        sh.POSEIDON.merge(bad_limb, bytes(32))
    with pytest.raises(ProofFormatError):
        native.BLAKE3.merge(bytes(31), bytes(32))
    for hasher in (native.BLAKE3, native.POSEIDON):
        with pytest.raises(StarkError):
            hasher.hash_elements([P])
    with pytest.raises(StarkError):
        native.get_hasher("sha256")
    assert native.BLAKE3.hash_id == sh.BLAKE3.hash_id
    assert native.POSEIDON.hash_id == sh.POSEIDON.hash_id


# --- Merkle trees -----------------------------------------------------------------------------------


@st.composite
def row_sets(draw: st.DrawFn) -> tuple[str, list[list[int]]]:
    name = draw(hasher_names)
    log_rows = draw(st.integers(0, 5))
    width = draw(st.integers(1, 10))
    rows = [draw(st.lists(felts, min_size=width, max_size=width)) for _ in range(1 << log_rows)]
    return name, rows


@given(row_sets(), st.data())
def test_merkle_matches_spec(case: tuple[str, list[list[int]]], data: st.DataObject) -> None:
    name, rows = case
    nat_hasher, spec_hasher = native.get_hasher(name), sh.get_hasher(name)
    tree = native.commit(nat_hasher, rows)
    ref = sm.commit(spec_hasher, rows)
    assert tree.root == ref.root
    assert tree.depth == ref.depth and tree.num_leaves == ref.num_leaves
    i = data.draw(st.integers(0, len(rows) - 1))
    path = tree.open(i)
    assert path == ref.open(i)
    assert native.merkle_verify(nat_hasher, tree.root, i, rows[i], path, tree.depth)
    assert sm.verify(spec_hasher, tree.root, i, rows[i], path, ref.depth)
    # The spec's Merkle module accepts the native hasher (same Hasher protocol, same root).
    assert sm.commit(nat_hasher, rows).root == ref.root


@given(row_sets(), st.data())
def test_merkle_tampering_verdicts_match_spec(
    case: tuple[str, list[list[int]]], data: st.DataObject
) -> None:
    name, rows = case
    nat_hasher, spec_hasher = native.get_hasher(name), sh.get_hasher(name)
    tree = native.commit(nat_hasher, rows)
    i = data.draw(st.integers(0, len(rows) - 1))
    path = list(tree.open(i))
    row = list(rows[i])
    index = i
    kind = data.draw(st.sampled_from(["row", "index", "path", "noncanonical", "depth", "big"]))
    if kind == "row":
        row[0] = (row[0] + 1) % P
    elif kind == "index":
        index = i + len(rows)
    elif kind == "path" and path:
        path[0] = bytes(32)
    elif kind == "noncanonical":
        row[-1] = P
    elif kind == "big":
        row[-1] = 2**64 + 5
    depth = tree.depth + (1 if kind == "depth" else 0)
    nat = native.merkle_verify(nat_hasher, tree.root, index, row, path, depth)
    ref = sm.verify(spec_hasher, tree.root, index, row, path, depth)
    assert nat == ref
    assert nat is (kind == "path" and not path)  # only an untouched (empty) path still verifies


def test_merkle_shape_misuse() -> None:
    with pytest.raises(StarkError):
        native.commit(native.BLAKE3, [[1], [2], [3]])
    with pytest.raises(StarkError):
        native.commit(native.BLAKE3, [[1], [2, 3]])
    with pytest.raises(StarkError):
        native.commit(native.POSEIDON, [[P], [0]])
    tree = native.commit(native.BLAKE3, [[1], [2]])
    with pytest.raises(StarkError):
        tree.open(2)


def test_large_tree_matches_spec() -> None:
    # 2^10 leaves: above the native tree's parallel threshold.
    rows = [[i, (i * i) % P, P - 1 - i] for i in range(1 << 10)]
    for name in ("blake3", "poseidon"):
        tree = native.commit(native.get_hasher(name), rows)
        ref = sm.commit(sh.get_hasher(name), rows)
        assert tree.root == ref.root
        assert tree.open(777) == ref.open(777)


# --- the transcript ---------------------------------------------------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("absorb"), st.binary(max_size=40)),
        st.tuples(st.just("u64"), st.none()),
        st.tuples(st.just("felt"), st.none()),
        st.tuples(st.just("ext"), st.none()),
        st.tuples(st.just("index"), st.integers(0, 64)),
        st.tuples(st.just("grind"), st.integers(0, 6)),
    ),
    max_size=12,
)


@given(hasher_names, operations)
def test_transcript_matches_spec(name: str, ops: list[tuple[str, Any]]) -> None:
    nat = native.NativeTranscript(native.get_hasher(name))
    ref = st_.Transcript(sh.get_hasher(name))
    assert nat.state == ref.state
    for op, arg in ops:
        if op == "absorb":
            nat.absorb(arg)
            ref.absorb(arg)
        elif op == "u64":
            assert nat.draw_u64() == ref.draw_u64()
        elif op == "felt":
            assert nat.draw_felt() == ref.draw_felt()
        elif op == "ext":
            assert nat.draw_ext() == ref.draw_ext()
        elif op == "index":
            assert nat.draw_index(1 << arg) == ref.draw_index(1 << arg)
        elif op == "grind":
            assert nat.grind(arg) == ref.grind(arg)
        assert nat.state == ref.state
        assert nat.counter == ref.counter


@pytest.mark.parametrize("name", ["blake3", "poseidon"])
def test_parallel_grinding_returns_the_smallest_nonce(name: str) -> None:
    # 10 bits takes the native search's parallel path (> 8 bits); the spec searches sequentially.
    bits = 10 if name == "blake3" else 9
    nat = native.NativeTranscript(native.get_hasher(name))
    nat.absorb(b"grinding test")
    ref = st_.Transcript(sh.get_hasher(name))
    ref.absorb(b"grinding test")
    nonce = nat.grind(bits)
    assert nonce == ref.grind(bits)
    assert nat.state == ref.state


@given(hasher_names, st.binary(max_size=8), u64s, st.integers(0, 6))
def test_verify_grinding_matches_spec(name: str, seed: bytes, nonce: int, bits: int) -> None:
    nat = native.NativeTranscript(native.get_hasher(name))
    ref = st_.Transcript(sh.get_hasher(name))
    nat.absorb(seed)
    ref.absorb(seed)
    assert nat.verify_grinding(nonce, bits) == ref.verify_grinding(nonce, bits)
    assert nat.state == ref.state


def test_transcript_copy_and_misuse() -> None:
    t = native.NativeTranscript(native.BLAKE3)
    c = t.copy()
    t.absorb(b"x")
    assert c.state != t.state
    assert c.state == st_.Transcript(sh.BLAKE3).state
    with pytest.raises(StarkError):
        t.draw_index(48)
    with pytest.raises(StarkError):
        t.grind(65)
    with pytest.raises(StarkError):
        t.verify_grinding(0, 65)
    assert t.verify_grinding(2**64, 0) is False
    full = t.copy()
    ref = st_.Transcript(sh.BLAKE3)
    ref.absorb(b"x")
    assert full.draw_index(2**64) == ref.draw_index(2**64)
