"""The proof: its record, its canonical bytes, and the transcript header both sides absorb.

Contract §Proof bytes (all integers little-endian; codec in :mod:`l2spec.spec.stark.codec`)::

    magic "L2SK" ‖ version u8 = 1 ‖ AIR id (u32 length + UTF-8) ‖ params ‖ N u64 ‖
    public inputs (u32 count + base elements) ‖ trace root (32) ‖ chunk count K u8 ‖
    chunk root (32) ‖ OOD values (2W + K extension elements) ‖ FRI layer count L u8 ‖
    L roots (32 each) ‖ remainder count u32 + extension elements ‖ nonce u64 ‖
    q query blocks: index u64 ‖ trace row (W base) ‖ opening (log2(BN) digests) ‖
                    chunk row (3K base) ‖ opening (log2(BN) digests) ‖
                    per FRI layer: row (f_ℓ extension) ‖ opening (log2(n_ℓ/f_ℓ) digests)

Nothing in the body carries its own length: ``W`` comes from the AIR named in the header, the FRI
shape from the parameters and ``N``. So decoding is two steps — :func:`decode_header`, then (with
the AIR's width) :func:`decode_proof`, which insists that every count matches what the header
implies and that every byte is consumed. Any deviation is a
:class:`~l2spec.spec.stark.errors.ProofFormatError`.

Transcript header (contract §Transcript "What is absorbed"), four absorbs in this order:
``u32 len ‖ AIR id``, the encoded parameters, ``N`` as u64, ``u32 count ‖ public inputs`` — the
same bytes the proof's header holds (:func:`absorb_header`).
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.spec.stark.codec import Reader, Writer
from l2spec.spec.stark.errors import ProofFormatError, StarkError
from l2spec.spec.stark.extension import Ext
from l2spec.spec.stark.field import TWO_ADICITY, log2_exact
from l2spec.spec.stark.fri import FriLayerOpening, FriLayout, fri_layout
from l2spec.spec.stark.params import ProofParams, encode_params, read_params, write_params
from l2spec.spec.stark.transcript import Transcript

MAGIC = b"L2SK"
VERSION = 1
MIN_LOG_TRACE_LENGTH = 3
"""``N ≥ 8`` (contract §Domains)."""
MAX_CHUNKS = 255
"""``K`` is one byte."""


@dataclass(frozen=True)
class ProofHeader:
    """What the proof states: the AIR, the parameters, the trace length and the public inputs."""

    air_id: str
    params: ProofParams
    trace_length: int
    public_inputs: tuple[int, ...]


@dataclass(frozen=True)
class QueryOpening:
    """One query's openings (contract §Protocol step 7)."""

    index: int
    """The queried position ``i`` in ``D`` (must equal the drawn index)."""
    trace_row: tuple[int, ...]
    trace_path: tuple[bytes, ...]
    chunk_row: tuple[int, ...]
    """The ``K`` chunk values at ``D[i]``, flattened (``3K`` base elements)."""
    chunk_path: tuple[bytes, ...]
    fri: tuple[FriLayerOpening, ...]


@dataclass(frozen=True)
class Proof:
    """A STARK proof, field by field in the order of its bytes."""

    header: ProofHeader
    trace_root: bytes
    num_chunks: int
    chunk_root: bytes
    ood_values: tuple[Ext, ...]
    """``t_i(z)`` (W), ``t_i(z·ω)`` (W), ``H_k(z)`` (K)."""
    fri_roots: tuple[bytes, ...]
    remainder: tuple[Ext, ...]
    nonce: int
    queries: tuple[QueryOpening, ...]


# --- shape ------------------------------------------------------------------------------------


def proof_layout(params: ProofParams, trace_length: int) -> FriLayout:
    """The FRI layout a proof for ``N`` rows with ``params`` has (a misfit is a StarkError)."""
    return fri_layout(
        trace_length * params.blowup,
        params.blowup,
        params.folding_arities,
        params.remainder_max_size,
    )


def check_domain(params: ProofParams, trace_length: int) -> None:
    """``N = 2^n ≥ 8`` and ``B·N ≤ 2^32`` (the field's largest 2-adic subgroup), else an error."""
    try:
        log_n = log2_exact(trace_length)
    except StarkError:
        raise ProofFormatError(f"the trace length {trace_length} is not a power of two") from None
    if log_n < MIN_LOG_TRACE_LENGTH:
        raise ProofFormatError(f"the trace length {trace_length} is below 8")
    if log_n + params.log_blowup > TWO_ADICITY:
        raise ProofFormatError("the LDE domain B·N exceeds 2^32, the field's 2-adic limit")


# --- transcript header ----------------------------------------------------------------------


def absorb_header(transcript: Transcript, header: ProofHeader) -> None:
    """Absorb the header: AIR id, parameters, ``N``, public inputs (four absorbs)."""
    w = Writer()
    w.string(header.air_id)
    transcript.absorb(w.to_bytes())
    transcript.absorb(encode_params(header.params))
    w = Writer()
    w.u64(header.trace_length)
    transcript.absorb(w.to_bytes())
    w = Writer()
    w.u32(len(header.public_inputs))
    w.felts(header.public_inputs)
    transcript.absorb(w.to_bytes())


# --- bytes ----------------------------------------------------------------------------------


def encode_proof(proof: Proof) -> bytes:
    """The canonical bytes of ``proof``."""
    w = Writer()
    h = proof.header
    w.raw(MAGIC)
    w.u8(VERSION)
    w.string(h.air_id)
    write_params(w, h.params)
    w.u64(h.trace_length)
    w.u32(len(h.public_inputs))
    w.felts(h.public_inputs)
    w.digest(proof.trace_root)
    w.u8(proof.num_chunks)
    w.digest(proof.chunk_root)
    w.exts(proof.ood_values)
    w.u8(len(proof.fri_roots))
    w.digests(proof.fri_roots)
    w.u32(len(proof.remainder))
    w.exts(proof.remainder)
    w.u64(proof.nonce)
    for q in proof.queries:
        w.u64(q.index)
        w.felts(q.trace_row)
        w.digests(q.trace_path)
        w.felts(q.chunk_row)
        w.digests(q.chunk_path)
        for layer in q.fri:
            w.exts(layer.row)
            w.digests(layer.path)
    return w.to_bytes()


def _read_header(r: Reader) -> ProofHeader:
    if r.raw(len(MAGIC), "magic") != MAGIC:
        raise ProofFormatError("not an l2spec STARK proof (magic is not L2SK)")
    version = r.u8("version")
    if version != VERSION:
        raise ProofFormatError(f"unsupported proof version {version} (expected {VERSION})")
    air_id = r.string("AIR id")
    params = read_params(r)
    trace_length = r.u64("trace length")
    check_domain(params, trace_length)
    count = r.u32("public input count")
    public_inputs = tuple(r.felts(count, "public input"))
    return ProofHeader(air_id, params, trace_length, public_inputs)


def decode_header(data: bytes) -> ProofHeader:
    """The header of proof bytes (the rest is not read): enough to pick the AIR."""
    return _read_header(Reader(data))


def decode_proof(data: bytes, width: int) -> Proof:
    """The proof in ``data`` for an AIR of ``width`` trace columns; every byte must be consumed.

    Every count is checked against what the header implies (``K ≥ 1``, ``L`` and the remainder
    length from the FRI layout, ``q`` from the parameters); a query index must be in ``[0, BN)``.
    """
    r = Reader(data)
    header = _read_header(r)
    params, n = header.params, header.trace_length
    try:
        layout = proof_layout(params, n)
    except StarkError as exc:
        raise ProofFormatError(f"the parameters do not fit N = {n}: {exc}") from exc
    lde_size = n * params.blowup
    depth = log2_exact(lde_size)
    trace_root = r.digest("trace root")
    num_chunks = r.u8("chunk count")
    if num_chunks < 1:
        raise ProofFormatError("the chunk count must be at least 1")
    chunk_root = r.digest("chunk root")
    ood = tuple(r.exts(2 * width + num_chunks, "out-of-domain value"))
    num_layers = r.u8("FRI layer count")
    if num_layers != layout.num_layers:
        raise ProofFormatError(f"{num_layers} FRI layers, the parameters give {layout.num_layers}")
    fri_roots = tuple(r.digests(num_layers, "FRI root"))
    remainder_count = r.u32("remainder count")
    if remainder_count != layout.remainder_length:
        raise ProofFormatError(
            f"{remainder_count} remainder coefficients, expected {layout.remainder_length}"
        )
    remainder = tuple(r.exts(remainder_count, "remainder coefficient"))
    nonce = r.u64("nonce")
    queries = []
    for _ in range(params.num_queries):
        index = r.u64("query index")
        if index >= lde_size:
            raise ProofFormatError(f"query index {index} out of range [0, {lde_size})")
        trace_row = tuple(r.felts(width, "trace row"))
        trace_path = tuple(r.digests(depth, "trace opening"))
        chunk_row = tuple(r.felts(3 * num_chunks, "chunk row"))
        chunk_path = tuple(r.digests(depth, "chunk opening"))
        fri = []
        for layer in range(layout.num_layers):
            row = tuple(r.exts(layout.arities[layer], "FRI row"))
            path = tuple(r.digests(log2_exact(layout.row_count(layer)), "FRI opening"))
            fri.append(FriLayerOpening(row, path))
        queries.append(
            QueryOpening(index, trace_row, trace_path, chunk_row, chunk_path, tuple(fri))
        )
    r.finish()
    return Proof(
        header,
        trace_root,
        num_chunks,
        chunk_root,
        ood,
        fri_roots,
        remainder,
        nonce,
        tuple(queries),
    )


__all__ = [
    "MAGIC",
    "VERSION",
    "Proof",
    "ProofHeader",
    "QueryOpening",
    "absorb_header",
    "check_domain",
    "decode_header",
    "decode_proof",
    "encode_proof",
    "proof_layout",
]
