"""The native (Rust) STARK primitives, behind the same API as the spec's ``l2spec.spec.stark``.

This module is the typed Python face of ``impl/native`` (``l2spec.impl._native``), the native
prover and verifier included:

- :func:`prove` ``(air, trace, params) -> bytes``: the same proof bytes as
  ``spec/stark/prover.prove`` for the AIRs in :data:`NATIVE_AIRS` (``fib-small``,
  ``poseidon-chain``), computed in Rust on all cores;
- :func:`verify` / :func:`verify_proof` ``(air_def, proof_bytes, allow_insecure=False,
  public_inputs=None) -> Verdict``: the native verifier, with the spec verifier's verdicts;
- :func:`fib_trace`, :func:`chain_trace`: the AIRs' traces computed natively (benchmarks).

Each primitive below computes the same *values* as its namesake in the spec (protocol contract
``20-stark-contract.md``), which is what makes the proof bytes equal:

- the cubic extension ``E = F[x]/(x^3 − x − 1)`` (``spec/stark/extension.py``): :func:`ext_add`,
  :func:`ext_sub`, :func:`ext_mul`, :func:`ext_pow`, :func:`ext_inv`, :func:`ext_batch_inverse`;
- NTTs and the coset LDE onto ``D = 7·⟨ω_{BN}⟩`` (``spec/stark/ntt.py``): :func:`ntt`,
  :func:`intt`, :func:`evaluate_on_coset`, :func:`interpolate_coset`, :func:`lde`,
  :func:`lde_columns` and the ``*_ext`` forms;
- Poseidon (``spec/zk/poseidon.py``): :func:`poseidon_permute` (sparse partial rounds),
  :func:`poseidon_permute_reference`, :func:`poseidon`;
- the hashers ``"blake3"`` and ``"poseidon"`` (``spec/stark/hashing.py``): :class:`NativeHasher`
  satisfies the spec's ``Hasher`` protocol, so it plugs into the spec's modules too;
- Merkle trees (``spec/stark/merkle.py``): :func:`commit`, :class:`NativeMerkleTree`,
  :func:`merkle_verify` (also reachable as ``verify(hasher, root, index, row, path, depth)``);
- the Fiat–Shamir transcript (``spec/stark/transcript.py``): :class:`NativeTranscript`, whose
  grinding runs on all cores but returns the smallest valid nonce, as the spec does.

Errors follow the spec's: misuse (a non-canonical element, a length that is not a power of two) is
a :class:`~l2spec.spec.stark.errors.StarkError`, a malformed digest a
:class:`~l2spec.spec.stark.errors.ProofFormatError`, the inverse of zero a
:class:`~l2spec.spec.zk.goldilocks.FieldArithmeticError`. Large transforms and trees release the
GIL and use rayon's thread pool (``RAYON_NUM_THREADS`` sets its size).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

from l2spec.spec.stark.air import Air, AirDefinition, AirError, check_declaration
from l2spec.spec.stark.airs.fib import FibAir
from l2spec.spec.stark.airs.poseidon_chain import PoseidonChainAir
from l2spec.spec.stark.composition import CompositionError
from l2spec.spec.stark.errors import ParameterError, ProofFormatError, StarkError
from l2spec.spec.stark.extension import Ext
from l2spec.spec.stark.field import GENERATOR
from l2spec.spec.stark.params import ProofParams, encode_params
from l2spec.spec.stark.proof import decode_header
from l2spec.spec.stark.verifier import Verdict
from l2spec.spec.zk.goldilocks import H4, FieldArithmeticError


class _Tree(Protocol):
    def root(self) -> bytes: ...
    def num_leaves(self) -> int: ...
    def open(self, index: int) -> list[bytes]: ...


class _Transcript(Protocol):
    state: bytes
    counter: int

    def copy(self) -> _Transcript: ...
    def absorb(self, data: bytes) -> None: ...
    def draw_u64(self) -> int: ...
    def draw_felt(self) -> int: ...
    def draw_ext(self) -> Ext: ...
    def draw_index(self, domain_size: int) -> int: ...
    def find_nonce(self, bits: int) -> int: ...
    def grind(self, bits: int) -> int: ...
    def verify_grinding(self, nonce: int, bits: int) -> bool: ...


class _NativeApi(Protocol):
    """The functions of ``l2spec.impl._native`` used here, with their types."""

    def ext3_add(self, a: Ext, b: Ext) -> Ext: ...
    def ext3_sub(self, a: Ext, b: Ext) -> Ext: ...
    def ext3_mul(self, a: Ext, b: Ext) -> Ext: ...
    def ext3_pow(self, a: Ext, e: int) -> Ext: ...
    def ext3_inv(self, a: Ext) -> Ext: ...
    def ext3_batch_inv(self, values: Sequence[Ext]) -> list[Ext]: ...
    def stark_root_of_unity(self, n: int) -> int: ...
    def ntt_forward(self, coeffs: Sequence[int]) -> list[int]: ...
    def ntt_inverse(self, values: Sequence[int]) -> list[int]: ...
    def ntt_evaluate_on_coset(self, coeffs: Sequence[int], offset: int, n: int) -> list[int]: ...
    def ntt_interpolate_coset(self, values: Sequence[int], offset: int) -> list[int]: ...
    def ntt_lde(self, column: Sequence[int], blowup: int) -> list[int]: ...
    def ntt_lde_columns(self, columns: Sequence[Sequence[int]], blowup: int) -> list[list[int]]: ...
    def ntt_forward_ext(self, coeffs: Sequence[Ext]) -> list[Ext]: ...
    def ntt_inverse_ext(self, values: Sequence[Ext]) -> list[Ext]: ...
    def ntt_evaluate_on_coset_ext(
        self, coeffs: Sequence[Ext], offset: int, n: int
    ) -> list[Ext]: ...
    def ntt_interpolate_coset_ext(self, values: Sequence[Ext], offset: int) -> list[Ext]: ...
    def ntt_lde_ext(self, column: Sequence[Ext], blowup: int) -> list[Ext]: ...
    def bit_reverse(self, values: Sequence[int]) -> list[int]: ...
    def poseidon_permute(self, state: Sequence[int]) -> list[int]: ...
    def poseidon_permute_reference(self, state: Sequence[int]) -> list[int]: ...
    def poseidon_hash(self, inputs: Sequence[int], capacity: Sequence[int]) -> H4: ...
    def stark_hash_elements(self, hasher: str, elements: Sequence[int]) -> bytes: ...
    def stark_merge(self, hasher: str, left: bytes, right: bytes) -> bytes: ...
    def stark_hash_bytes(self, hasher: str, data: bytes) -> bytes: ...
    def stark_bytes_to_elements(self, data: bytes) -> list[int]: ...
    def stark_linear_hash(self, elements: Sequence[int]) -> H4: ...
    def merkle_verify(
        self, hasher: str, root: bytes, index: int, row: Sequence[int], path: Sequence[bytes]
    ) -> bool: ...
    def NativeMerkleTree(self, hasher: str, rows: Sequence[Sequence[int]]) -> _Tree: ...
    def NativeTranscript(self, hasher: str) -> _Transcript: ...
    def stark_prove(
        self,
        air_id: str,
        trace_length: int,
        public_inputs: Sequence[int],
        trace: Sequence[Sequence[int]],
        params: bytes,
    ) -> bytes: ...
    def stark_verify(
        self,
        air_id: str,
        proof_bytes: bytes,
        allow_insecure: bool,
        public_inputs: Sequence[int] | None,
    ) -> tuple[str, str] | None: ...
    def stark_native_airs(self) -> list[str]: ...
    def stark_fib_trace(self, n: int) -> list[list[int]]: ...
    def stark_chain_trace(self, x: Sequence[int], hashes: int) -> list[list[int]]: ...


_n = cast(_NativeApi, importlib.import_module("l2spec.impl._native"))

T = TypeVar("T")

DIGEST_BYTES = 32
"""Every hasher's digest is 32 bytes."""

U64_LIMIT = 2**64


def _call(fn: Callable[[], T]) -> T:
    """Run a native call, turning its ``ValueError``/``OverflowError``/``TypeError`` (bad input)
    into :class:`StarkError` and ``ZeroDivisionError`` into :class:`FieldArithmeticError`."""
    try:
        return fn()
    except ZeroDivisionError as exc:
        raise FieldArithmeticError(str(exc)) from None
    except (ValueError, OverflowError, TypeError) as exc:
        raise StarkError(f"native STARK call refused its input: {exc}") from None


def _ext(a: Sequence[int]) -> Ext:
    return (a[0], a[1], a[2])


# --- the cubic extension -------------------------------------------------------------------------


def ext_add(a: Ext, b: Ext) -> Ext:
    """``a + b`` in ``E``."""
    return _call(lambda: _ext(_n.ext3_add(a, b)))


def ext_sub(a: Ext, b: Ext) -> Ext:
    """``a − b`` in ``E``."""
    return _call(lambda: _ext(_n.ext3_sub(a, b)))


def ext_mul(a: Ext, b: Ext) -> Ext:
    """``a · b`` in ``E`` (reduced with ``x^3 = x + 1``)."""
    return _call(lambda: _ext(_n.ext3_mul(a, b)))


def ext_pow(a: Ext, e: int) -> Ext:
    """``a^e`` for ``0 <= e < 2^64``."""
    if not 0 <= e < U64_LIMIT:
        raise StarkError(f"exponent {e} out of range [0, 2^64)")
    return _call(lambda: _ext(_n.ext3_pow(a, e)))


def ext_inv(a: Ext) -> Ext:
    """``a^(−1)``; zero has none (:class:`FieldArithmeticError`)."""
    return _call(lambda: _ext(_n.ext3_inv(a)))


def ext_batch_inverse(values: Sequence[Ext]) -> list[Ext]:
    """The inverses of all ``values`` (one inversion, Montgomery's trick)."""
    return _call(lambda: [_ext(v) for v in _n.ext3_batch_inv(list(values))])


# --- NTT and LDE -----------------------------------------------------------------------------------


def root_of_unity(n: int) -> int:
    """``ω_n = 7^((p − 1)/n)`` for ``n = 2^k``, ``k ≤ 32``."""
    return _call(lambda: _n.stark_root_of_unity(n))


def ntt(coeffs: Sequence[int]) -> list[int]:
    """The values of the polynomial ``coeffs`` on ``⟨ω_n⟩`` (``n = len(coeffs)``)."""
    return _call(lambda: _n.ntt_forward(list(coeffs)))


def intt(values: Sequence[int]) -> list[int]:
    """The coefficients of the polynomial of degree ``< n`` with ``values`` on ``⟨ω_n⟩``."""
    return _call(lambda: _n.ntt_inverse(list(values)))


def evaluate_on_coset(coeffs: Sequence[int], offset: int, n: int) -> list[int]:
    """The values of ``coeffs`` (at most ``n``) on ``offset·⟨ω_n⟩``."""
    return _call(lambda: _n.ntt_evaluate_on_coset(list(coeffs), offset, n))


def interpolate_coset(values: Sequence[int], offset: int) -> list[int]:
    """The coefficients of the polynomial of degree ``< n`` with ``values`` on
    ``offset·⟨ω_n⟩``."""
    return _call(lambda: _n.ntt_interpolate_coset(list(values), offset))


def lde(column: Sequence[int], blowup: int, offset: int = GENERATOR) -> list[int]:
    """The low-degree extension of a column (values on ``⟨ω_N⟩``) onto
    ``offset·⟨ω_{B·N}⟩`` (the contract's ``D`` for the default offset 7)."""
    if offset == GENERATOR:
        return _call(lambda: _n.ntt_lde(list(column), blowup))
    if blowup < 1 or blowup & (blowup - 1):
        raise StarkError(f"blowup {blowup} is not a power of two")
    return evaluate_on_coset(intt(column), offset, blowup * len(column))


def lde_columns(columns: Sequence[Sequence[int]], blowup: int) -> list[list[int]]:
    """The LDEs onto ``D = 7·⟨ω_{B·N}⟩`` of several columns (computed in parallel)."""
    return _call(lambda: _n.ntt_lde_columns([list(c) for c in columns], blowup))


def ntt_ext(coeffs: Sequence[Ext]) -> list[Ext]:
    """:func:`ntt` for extension coefficients."""
    return _call(lambda: [_ext(v) for v in _n.ntt_forward_ext(list(coeffs))])


def intt_ext(values: Sequence[Ext]) -> list[Ext]:
    """:func:`intt` for extension values."""
    return _call(lambda: [_ext(v) for v in _n.ntt_inverse_ext(list(values))])


def evaluate_on_coset_ext(coeffs: Sequence[Ext], offset: int, n: int) -> list[Ext]:
    """:func:`evaluate_on_coset` for extension coefficients."""
    return _call(lambda: [_ext(v) for v in _n.ntt_evaluate_on_coset_ext(list(coeffs), offset, n)])


def interpolate_coset_ext(values: Sequence[Ext], offset: int) -> list[Ext]:
    """:func:`interpolate_coset` for extension values."""
    return _call(lambda: [_ext(v) for v in _n.ntt_interpolate_coset_ext(list(values), offset)])


def lde_ext(column: Sequence[Ext], blowup: int, offset: int = GENERATOR) -> list[Ext]:
    """:func:`lde` for an extension-valued column."""
    if offset == GENERATOR:
        return _call(lambda: [_ext(v) for v in _n.ntt_lde_ext(list(column), blowup)])
    if blowup < 1 or blowup & (blowup - 1):
        raise StarkError(f"blowup {blowup} is not a power of two")
    return evaluate_on_coset_ext(intt_ext(column), offset, blowup * len(column))


def bit_reverse(values: Sequence[int]) -> list[int]:
    """``values`` permuted so that position ``i`` holds ``values[bitreverse(i)]`` (u64 values,
    a power-of-two length)."""
    return _call(lambda: _n.bit_reverse(list(values)))


# --- Poseidon ---------------------------------------------------------------------------------------


def poseidon_permute(state: Sequence[int]) -> tuple[int, ...]:
    """The width-12 Poseidon permutation (sparse partial rounds); lanes must be u64 and are taken
    mod ``p``, as ``spec/zk/poseidon.permute`` does."""
    return tuple(_call(lambda: _n.poseidon_permute(list(state))))


def poseidon_permute_reference(state: Sequence[int]) -> tuple[int, ...]:
    """The same permutation computed round by round as specified (a cross-check)."""
    return tuple(_call(lambda: _n.poseidon_permute_reference(list(state))))


def poseidon(inputs: Sequence[int], capacity: Sequence[int] = (0, 0, 0, 0)) -> H4:
    """Polygon's ``H(in[8], cap[4])``: lanes 0..3 of the permuted ``in ‖ cap``."""
    if len(inputs) != 8 or len(capacity) != 4:
        raise StarkError("Poseidon takes 8 inputs and a 4-element capacity")
    return _call(lambda: _n.poseidon_hash(list(inputs), list(capacity)))


def bytes_to_elements(data: bytes) -> list[int]:
    """Bytes as base elements: append ``0x01``, zero-pad to a multiple of 7, 7-byte LE chunks."""
    return _n.stark_bytes_to_elements(bytes(data))


def linear_hash(elements: Sequence[int]) -> H4:
    """pil-stark's ``LinearHash`` of canonical base elements."""
    return _call(lambda: _n.stark_linear_hash(list(elements)))


# --- the hashers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NativeHasher:
    """A hash option computed natively; it satisfies ``spec/stark/hashing.Hasher``."""

    name: str
    hash_id: int

    def hash_elements(self, elements: Sequence[int]) -> bytes:
        """The digest of a row of canonical base elements (a Merkle leaf)."""
        return _call(lambda: _n.stark_hash_elements(self.name, list(elements)))

    def merge(self, left: bytes, right: bytes) -> bytes:
        """A Merkle node; a child that is not a valid digest is a :class:`ProofFormatError`."""
        for child in (left, right):
            if not self.is_valid_digest(child):
                raise ProofFormatError(f"not a valid {self.name} digest: {bytes(child).hex()}")
        return _call(lambda: _n.stark_merge(self.name, bytes(left), bytes(right)))

    def hash_bytes(self, data: bytes) -> bytes:
        """The transcript hash of a byte string."""
        return _call(lambda: _n.stark_hash_bytes(self.name, bytes(data)))

    def is_valid_digest(self, digest: bytes) -> bool:
        """32 bytes (for poseidon: four canonical 8-byte LE limbs)."""
        if len(digest) != DIGEST_BYTES:
            return False
        if self.name == "poseidon":
            p = 2**64 - 2**32 + 1
            return all(int.from_bytes(digest[i : i + 8], "little") < p for i in range(0, 32, 8))
        return True


BLAKE3 = NativeHasher("blake3", 0)
"""The native ``"blake3"`` hasher."""

POSEIDON = NativeHasher("poseidon", 1)
"""The native ``"poseidon"`` hasher."""

HASHERS: dict[str, NativeHasher] = {"blake3": BLAKE3, "poseidon": POSEIDON}


def get_hasher(name: str) -> NativeHasher:
    """The native hasher named ``"blake3"`` or ``"poseidon"`` (else a :class:`StarkError`)."""
    try:
        return HASHERS[name]
    except KeyError:
        raise StarkError(f"unknown hash {name!r} (blake3 or poseidon)") from None


# --- Merkle trees -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NativeMerkleTree:
    """A Merkle tree committed natively (all nodes kept in Rust for openings)."""

    hasher: NativeHasher
    _tree: _Tree

    @property
    def root(self) -> bytes:
        """The 32-byte commitment."""
        return self._tree.root()

    @property
    def num_leaves(self) -> int:
        """The number of committed rows."""
        return self._tree.num_leaves()

    @property
    def depth(self) -> int:
        """``log2(num_leaves)``: the length of every opening."""
        return self.num_leaves.bit_length() - 1

    def open(self, index: int) -> tuple[bytes, ...]:
        """The sibling digests of leaf ``index`` from the leaf level up."""
        if not 0 <= index < self.num_leaves:
            raise StarkError(f"leaf index {index} out of range [0, {self.num_leaves})")
        return tuple(self._tree.open(index))


def commit(hasher: NativeHasher, rows: Sequence[Sequence[int]]) -> NativeMerkleTree:
    """The Merkle tree over a power-of-two number of equal-width rows of canonical elements."""
    rows_list = [list(r) for r in rows]
    return NativeMerkleTree(hasher, _call(lambda: _n.NativeMerkleTree(hasher.name, rows_list)))


def merkle_verify(
    hasher: NativeHasher,
    root: bytes,
    index: int,
    row: Sequence[int],
    path: Sequence[bytes],
    depth: int | None = None,
) -> bool:
    """Whether ``path`` opens leaf ``index`` of the tree with ``root`` to ``row``; anything
    malformed is the verdict ``False`` (as ``spec/stark/merkle.verify``)."""
    if depth is not None and len(path) != depth:
        return False
    if not 0 <= index < min(1 << len(path), U64_LIMIT):
        return False
    if not all(isinstance(x, int) and 0 <= x < U64_LIMIT for x in row):
        return False
    if not all(hasher.is_valid_digest(bytes(d)) for d in path):
        return False  # as the spec: a poseidon limb >= p is no digest, even if it hashes alike
    return _n.merkle_verify(hasher.name, bytes(root), index, list(row), [bytes(d) for d in path])


# --- the transcript -----------------------------------------------------------------------------------


class NativeTranscript:
    """The Fiat–Shamir transcript computed natively (same calls as ``spec/stark/transcript``)."""

    def __init__(self, hasher: NativeHasher, _state: _Transcript | None = None) -> None:
        """Start from ``hash_bytes(b"l2spec-stark-v1")`` with the counter at 0."""
        self.hasher = hasher
        self._t = _state if _state is not None else _call(lambda: _n.NativeTranscript(hasher.name))

    @property
    def state(self) -> bytes:
        """The 32-byte state."""
        return self._t.state

    @property
    def counter(self) -> int:
        """Draws since the last absorb."""
        return self._t.counter

    def copy(self) -> NativeTranscript:
        """An independent transcript in the same state."""
        return NativeTranscript(self.hasher, self._t.copy())

    def absorb(self, data: bytes) -> None:
        """``state = hash_bytes(state ‖ data)``; the counter restarts at 0."""
        self._t.absorb(bytes(data))

    def draw_u64(self) -> int:
        """The next u64."""
        return self._t.draw_u64()

    def draw_felt(self) -> int:
        """A base element (rejection sampling below ``p``)."""
        return self._t.draw_felt()

    def draw_ext(self) -> Ext:
        """An extension element (three base draws)."""
        return _ext(self._t.draw_ext())

    def draw_index(self, domain_size: int) -> int:
        """An index in ``[0, domain_size)`` for ``domain_size = 2^k <= 2^64``."""
        if domain_size == U64_LIMIT:
            return self._t.draw_u64()
        return _call(lambda: self._t.draw_index(domain_size))

    def grind(self, bits: int) -> int:
        """Prover: the smallest nonce meeting ``bits`` of work (searched on all cores), absorbed."""
        return _call(lambda: self._t.grind(bits))

    def verify_grinding(self, nonce: int, bits: int) -> bool:
        """Verifier: whether ``nonce`` meets ``bits`` of work; if so it is absorbed."""
        if not 0 <= nonce < U64_LIMIT:
            if not 0 <= bits <= 64:
                raise StarkError(f"grinding bits {bits} out of range [0, 64]")
            return False
        return _call(lambda: self._t.verify_grinding(nonce, bits))


# --- the native prover and verifier -------------------------------------------------------------

NATIVE_AIRS: dict[type[Air], str] = {FibAir: "fib-small", PoseidonChainAir: "poseidon-chain"}
"""The spec AIR classes with a native twin (``impl/native/src/air.rs``: same constraints, degrees,
periodic columns and assertions, in the same order), by the AIR id both write in proofs."""

_PROVE_ERRORS: dict[str, type[StarkError]] = {
    "AirError": AirError,
    "ParameterError": ParameterError,
    "ProofFormatError": ProofFormatError,
    "CompositionError": CompositionError,
    "StarkError": StarkError,
}


def _native_air_id(air: Air) -> str:
    """The native AIR id for a spec AIR instance (exactly a class in :data:`NATIVE_AIRS`)."""
    air_id = NATIVE_AIRS.get(type(air))
    if air_id is None or air.air_id != air_id:
        raise StarkError(
            f"no native AIR for {type(air).__name__} ({air.air_id!r}); "
            f"native: {', '.join(sorted(NATIVE_AIRS.values()))}"
        )
    return air_id


def prove(air: Air, trace: Sequence[Sequence[int]], params: ProofParams) -> bytes:
    """The proof bytes that ``trace`` satisfies ``air``, computed natively.

    The bytes equal ``l2spec.spec.stark.prover.prove(air, trace, params)`` (contract §Protocol,
    §Proof bytes): the Rust prover replays the spec's transcript and commits the same values. The
    errors are the spec prover's, in its order: :class:`AirError` (the trace does not satisfy the
    AIR or has the wrong shape), :class:`ProofFormatError` (``B·N`` beyond ``2^32``),
    :class:`ParameterError` (parameters the verifier refuses structurally),
    :class:`CompositionError` and :class:`StarkError` (FRI parameters that do not fit ``N``).
    ``air`` must be an instance of a class in :data:`NATIVE_AIRS` (else :class:`StarkError`).
    The work releases the GIL and runs on rayon's pool (``RAYON_NUM_THREADS``).
    """
    air_id = _native_air_id(air)
    check_declaration(air)
    encoded = encode_params(params)
    try:
        columns = [list(column) for column in trace]
    except TypeError as exc:
        raise AirError(f"{air_id}: the trace must be a sequence of columns: {exc}") from None
    try:
        return _n.stark_prove(air_id, air.trace_length, list(air.public_inputs), columns, encoded)
    except (OverflowError, TypeError) as exc:
        raise AirError(f"{air_id}: trace value is not a canonical field element ({exc})") from None
    except ValueError as exc:
        kind, message = exc.args if len(exc.args) == 2 else ("StarkError", str(exc))
        raise _PROVE_ERRORS.get(kind, StarkError)(message) from None


def verify_proof(
    air_def: AirDefinition,
    proof_bytes: bytes,
    allow_insecure: bool = False,
    public_inputs: Sequence[int] | None = None,
) -> Verdict:
    """The native verifier: the same verdict as ``l2spec.spec.stark.verifier.verify``.

    ``ok`` exactly when the spec verifier accepts; a rejection's ``reason`` names the spec's error
    class (``ProofFormatError``, ``AirError``, ``ProofRejected``) and the failed check. Never
    raises on bad bytes; ``air_def`` must be one of the spec's definitions of a native AIR
    (``FIB``, ``POSEIDON_CHAIN``), else :class:`StarkError` (API misuse).
    """
    build = cast(object, air_def.build)
    air_id = NATIVE_AIRS.get(build) if isinstance(build, type) else None
    if air_id is None or air_id != air_def.air_id:
        raise StarkError(f"no native verifier for the AIR definition {air_def.air_id!r}")
    if not isinstance(proof_bytes, bytes | bytearray | memoryview):
        return Verdict(False, f"ProofFormatError: expected bytes, got {type(proof_bytes).__name__}")
    data = bytes(proof_bytes)
    stated: list[int] | None = None
    if public_inputs is not None:
        stated = list(public_inputs)
        if not all(isinstance(x, int) and 0 <= x < U64_LIMIT for x in stated):
            return Verdict(
                False, "ProofRejected: the proof's public inputs are not the stated ones"
            )
    failure = _n.stark_verify(air_id, data, bool(allow_insecure), stated)
    if failure is not None:
        return Verdict(False, f"{failure[0]}: {failure[1]}")
    return Verdict(True, "", decode_header(data))


def verify(
    air_def: AirDefinition,
    proof_bytes: bytes,
    allow_insecure: bool = False,
    public_inputs: Sequence[int] | None = None,
) -> Verdict:
    """The native STARK verifier (:func:`verify_proof`), with the spec verifier's signature and
    :class:`Verdict`. The Merkle opening check is :func:`merkle_verify`."""
    return verify_proof(air_def, proof_bytes, allow_insecure, public_inputs)


def fib_trace(n_rows: int) -> list[list[int]]:
    """``spec/stark/airs/fib.fib_trace`` computed natively (for large benchmark traces)."""
    return _call(lambda: _n.stark_fib_trace(n_rows))


def chain_trace(x: Sequence[int], hashes: int) -> list[list[int]]:
    """``spec/stark/airs/poseidon_chain.chain_trace`` computed natively."""
    if len(x) != 4:
        raise AirError("x is 4 canonical field elements")
    try:
        return _n.stark_chain_trace(list(x), hashes)
    except (ValueError, OverflowError, TypeError) as exc:
        raise AirError(f"x is 4 canonical field elements ({exc})") from None
