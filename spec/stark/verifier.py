"""The verifier: replay the transcript, check every claim the proof makes.

Contract §Protocol (the verifier replays it), §Parameters (minimums) and §Proof bytes (design
stark.md §7 step 8; winterfell ``verifier/src/lib.rs``). In order:

1. decode the header; the AIR id must be the expected one; build the statement from ``N`` and the
   public inputs (and, if the caller states them, they must be those); check the parameters'
   minimums (``B ≥ 2``, ``B > d − 1``, ``q ≥ 1``, arities ≥ 2, conjectured security unless
   ``allow_insecure``); decode the rest (every count and index range is checked there);
2. replay the transcript exactly as the prover ran it, drawing ``α``, ``z``, ``γ``, ``β``;
3. out-of-domain check: ``C(z)`` recomputed from the frame, the periodic values at ``z`` and the
   assertions equals ``Σ_k z^(kN) H_k(z)``;
4. FRI: the remainder was absorbed; the grinding nonce meets ``g`` bits; the drawn query indices
   equal the proof's;
5. per query: the trace and chunk rows open against their roots; ``DEEP(D[i])`` recomputed from
   them starts the FRI query check (:func:`~l2spec.spec.stark.fri.fri_verify_query`).

:func:`verify` never raises on bad bytes: it returns a :class:`Verdict` whose ``reason`` carries
the typed error's class and message. :func:`verify_strict` raises instead (a
:class:`ProofRejected` for a failed check, a ``ProofFormatError`` for malformed bytes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from l2spec.errors import L2SpecError
from l2spec.spec.stark.air import AirDefinition, check_declaration
from l2spec.spec.stark.composition import chunks_at, composition_at
from l2spec.spec.stark.deep import DeepCoefficients, OodFrame, deep_value
from l2spec.spec.stark.errors import ProofFormatError, StarkError
from l2spec.spec.stark.extension import (
    ext_embed,
    ext_encode,
    ext_inv,
    ext_mul,
    ext_sub,
    ext_unflatten,
)
from l2spec.spec.stark.field import GENERATOR, P, log2_exact, root_of_unity
from l2spec.spec.stark.fri import fri_verify_query
from l2spec.spec.stark.merkle import verify as merkle_verify
from l2spec.spec.stark.params import check_verifier_params
from l2spec.spec.stark.proof import (
    ProofHeader,
    absorb_header,
    decode_header,
    decode_proof,
    proof_layout,
)
from l2spec.spec.stark.prover import draw_ood_point
from l2spec.spec.stark.transcript import Transcript


class ProofRejected(StarkError):
    """A well-formed proof that fails a check (raised only by :func:`verify_strict`)."""


@dataclass(frozen=True)
class Verdict:
    """The verifier's answer: ``ok``, and why not (``reason``); the header when it could be read."""

    ok: bool
    reason: str = ""
    header: ProofHeader | None = None


def verify_strict(
    air: AirDefinition,
    proof_bytes: bytes,
    allow_insecure: bool = False,
    public_inputs: Sequence[int] | None = None,
) -> ProofHeader:
    """Check the proof; return its header if it is valid, else raise (see the module docstring)."""
    header = decode_header(proof_bytes)
    if header.air_id != air.air_id:
        raise ProofFormatError(
            f"the proof is for AIR {header.air_id!r}, the verifier expects {air.air_id!r}"
        )
    if public_inputs is not None and tuple(public_inputs) != header.public_inputs:
        raise ProofRejected("the proof's public inputs are not the stated ones")
    statement = air.build(header.trace_length, header.public_inputs)
    check_declaration(statement)
    params = header.params
    refusal = check_verifier_params(params, statement.max_degree(), allow_insecure=allow_insecure)
    if refusal is not None:
        raise ProofRejected(f"parameters refused: {refusal}")
    proof = decode_proof(proof_bytes, statement.width)
    n, width, k = statement.trace_length, statement.width, statement.num_chunks()
    if proof.num_chunks != k:
        raise ProofFormatError(f"{proof.num_chunks} composition chunks, the AIR needs {k}")
    hasher = params.hasher
    for root in (proof.trace_root, proof.chunk_root, *proof.fri_roots):
        if not hasher.is_valid_digest(root):
            raise ProofFormatError("a commitment root is not a valid digest")
    size = n * params.blowup
    layout = proof_layout(params, n)

    # 2. replay the transcript
    transcript = Transcript(hasher)
    absorb_header(transcript, header)
    transcript.absorb(proof.trace_root)
    alphas = [transcript.draw_ext() for _ in range(statement.num_constraints())]
    transcript.absorb(proof.chunk_root)
    z = draw_ood_point(transcript, n, size)
    zw = ext_mul(z, ext_embed(root_of_unity(n)))
    ood = OodFrame(
        proof.ood_values[:width], proof.ood_values[width : 2 * width], proof.ood_values[2 * width :]
    )
    transcript.absorb(b"".join(ext_encode(v) for v in ood.values()))

    # 3. the out-of-domain check
    expected = composition_at(statement, z, ood.trace_z, ood.trace_zw, alphas)
    if expected != chunks_at(ood.chunks_z, z, n):
        raise ProofRejected("out-of-domain check fails: C(z) != Σ z^(kN)·H_k(z)")

    # 4. DEEP coefficients, FRI challenges, remainder, grinding, query indices
    gammas = DeepCoefficients.from_draws(
        [transcript.draw_ext() for _ in range(2 * width + k)], width, k
    )
    betas = []
    for root in proof.fri_roots:
        transcript.absorb(root)
        betas.append(transcript.draw_ext())
    transcript.absorb(b"".join(ext_encode(c) for c in proof.remainder))
    if not transcript.verify_grinding(proof.nonce, params.grinding_bits):
        raise ProofRejected(f"the nonce does not meet {params.grinding_bits} bits of work")
    indices = [transcript.draw_index(size) for _ in range(params.num_queries)]
    if [q.index for q in proof.queries] != indices:
        raise ProofRejected("the query indices are not the ones the transcript draws")

    # 5. the queries
    depth = log2_exact(size)
    omega = root_of_unity(size)
    for number, q in enumerate(proof.queries):
        if not merkle_verify(hasher, proof.trace_root, q.index, q.trace_row, q.trace_path, depth):
            raise ProofRejected(f"query {number}: the trace row does not open")
        if not merkle_verify(hasher, proof.chunk_root, q.index, q.chunk_row, q.chunk_path, depth):
            raise ProofRejected(f"query {number}: the chunk row does not open")
        x = ext_embed(GENERATOR * pow(omega, q.index, P) % P)
        value = deep_value(
            q.trace_row,
            ext_unflatten(q.chunk_row),
            ext_inv(ext_sub(x, z)),
            ext_inv(ext_sub(x, zw)),
            ood,
            gammas,
        )
        reason = fri_verify_query(
            hasher, layout, proof.fri_roots, betas, proof.remainder, q.index, value, q.fri
        )
        if reason is not None:
            raise ProofRejected(f"query {number}: {reason}")
    return header


def verify(
    air: AirDefinition,
    proof_bytes: bytes,
    allow_insecure: bool = False,
    public_inputs: Sequence[int] | None = None,
) -> Verdict:
    """Whether ``proof_bytes`` proves a statement of ``air`` (never raises on bad bytes).

    ``allow_insecure`` accepts parameters below the minimum conjectured security (the "test"
    preset); ``public_inputs``, when given, must be exactly the proof's.
    """
    try:
        header = verify_strict(air, proof_bytes, allow_insecure, public_inputs)
    except L2SpecError as exc:
        return Verdict(False, f"{type(exc).__name__}: {exc}")
    return Verdict(True, "", header)


__all__ = ["ProofRejected", "Verdict", "verify", "verify_strict"]
