"""The prover: ``prove(air, trace, params) -> proof bytes`` (orchestration only).

Contract §Protocol (winterfell ``prover/src/lib.rs`` steps 0–8; ethSTARK eprint 2021/582 §3;
design stark.md §7). Each step names the module that defines it:

1. absorb the header (:func:`~l2spec.spec.stark.proof.absorb_header`); commit the trace's LDE rows
   on ``D = 7·⟨ω_{BN}⟩`` (:mod:`.merkle`); absorb the root;
2. draw one ``α ∈ E`` per constraint; evaluate the composition polynomial on ``D``, split it into
   ``K`` chunks and commit their LDE rows (:mod:`.composition`); absorb the root;
3. draw ``z ∈ E`` (again while ``z ∈ H ∪ D``); send and absorb the trace frame at ``z`` and
   ``z·ω_N`` and the chunks at ``z`` (one absorb of all ``2W + K`` values, 24 bytes each);
4. draw the DEEP coefficients and build the DEEP codeword on ``D`` (:mod:`.deep`);
5. FRI (:mod:`.fri`): commit layers, draw ``β``'s, send the remainder;
6. grinding (:mod:`.transcript`), then draw ``q`` query indices in ``[0, BN)``;
7. open the trace row, the chunk row and every FRI layer's row for each query.

The prover first checks the trace against the AIR (:func:`~l2spec.spec.stark.air.check_trace`)
and the parameters against the verifier's structural minimums; it never emits a proof the
verifier would reject for its shape.
"""

from __future__ import annotations

from collections.abc import Sequence

from l2spec.spec.stark.air import Air, check_declaration, check_trace
from l2spec.spec.stark.composition import chunk_ldes, composition_on_domain, split_composition
from l2spec.spec.stark.deep import DeepCoefficients, OodFrame, deep_on_domain
from l2spec.spec.stark.errors import ParameterError, StarkError
from l2spec.spec.stark.extension import Ext, ext_embed, ext_encode, ext_flatten, ext_mul
from l2spec.spec.stark.field import GENERATOR, P, coset, inv, root_of_unity
from l2spec.spec.stark.fri import fri_open, fri_prove
from l2spec.spec.stark.merkle import commit
from l2spec.spec.stark.ntt import evaluate_at_ext, evaluate_ext, evaluate_on_coset, intt
from l2spec.spec.stark.params import ProofParams, check_verifier_params
from l2spec.spec.stark.proof import (
    Proof,
    ProofHeader,
    QueryOpening,
    absorb_header,
    check_domain,
    encode_proof,
    proof_layout,
)
from l2spec.spec.stark.transcript import Transcript


def draw_ood_point(transcript: Transcript, trace_length: int, lde_size: int) -> Ext:
    """``z ∈ E``, drawn again while it lies in ``H`` (``z^N = 1``) or ``D`` (``(z/7)^{BN} = 1``).

    Both sets are inside the base field, so an ``E`` point with a non-zero ``x`` or ``x²``
    coordinate is never in them; the redraw is practically never taken.
    """
    while True:
        z = transcript.draw_ext()
        if z[1] or z[2]:
            return z
        if pow(z[0], trace_length, P) == 1:
            continue
        if z[0] and pow(z[0] * inv(GENERATOR) % P, lde_size, P) == 1:
            continue
        return z


def prove_proof(air: Air, trace: Sequence[Sequence[int]], params: ProofParams) -> Proof:
    """The :class:`~l2spec.spec.stark.proof.Proof` record for ``trace`` under ``air``."""
    check_declaration(air)
    check_trace(air, trace)
    n = air.trace_length
    check_domain(params, n)
    refusal = check_verifier_params(params, air.max_degree(), allow_insecure=True)
    if refusal is not None:
        raise ParameterError(refusal)
    if air.num_chunks() > 255:
        raise StarkError("more than 255 composition chunks")
    blowup = params.blowup
    size = n * blowup
    hasher = params.hasher
    layout = proof_layout(params, n)
    transcript = Transcript(hasher)
    header = ProofHeader(air.air_id, params, n, air.public_inputs)
    absorb_header(transcript, header)

    # 1. trace LDE, committed row by row
    trace_polys = [intt(list(col)) for col in trace]
    trace_lde = [evaluate_on_coset(p, GENERATOR, size) for p in trace_polys]
    trace_tree = commit(hasher, [[col[i] for col in trace_lde] for i in range(size)])
    transcript.absorb(trace_tree.root)

    # 2. composition polynomial, split into K chunks, their LDE rows committed
    alphas = [transcript.draw_ext() for _ in range(air.num_constraints())]
    composition = composition_on_domain(air, trace_lde, blowup, alphas)
    chunks = split_composition(composition, n, air.num_chunks())
    chunk_lde = chunk_ldes(chunks, blowup)
    chunk_tree = commit(hasher, [ext_flatten(col[i] for col in chunk_lde) for i in range(size)])
    transcript.absorb(chunk_tree.root)

    # 3. out-of-domain frame
    z = draw_ood_point(transcript, n, size)
    zw = ext_mul(z, ext_embed(root_of_unity(n)))
    ood = OodFrame(
        tuple(evaluate_at_ext(p, z) for p in trace_polys),
        tuple(evaluate_at_ext(p, zw) for p in trace_polys),
        tuple(evaluate_ext(c, z) for c in chunks),
    )
    transcript.absorb(b"".join(ext_encode(v) for v in ood.values()))

    # 4. DEEP codeword
    width, k = air.width, air.num_chunks()
    gammas = DeepCoefficients.from_draws(
        [transcript.draw_ext() for _ in range(2 * width + k)], width, k
    )
    domain = coset(GENERATOR, size)
    codeword = deep_on_domain(domain, trace_lde, chunk_lde, z, zw, ood, gammas)

    # 5. FRI
    fri = fri_prove(transcript, hasher, codeword, layout)

    # 6. grinding, then the query indices
    nonce = transcript.grind(params.grinding_bits)
    indices = [transcript.draw_index(size) for _ in range(params.num_queries)]

    # 7. openings
    queries = tuple(
        QueryOpening(
            index=i,
            trace_row=tuple(col[i] for col in trace_lde),
            trace_path=trace_tree.open(i),
            chunk_row=tuple(ext_flatten(col[i] for col in chunk_lde)),
            chunk_path=chunk_tree.open(i),
            fri=tuple(fri_open(fri, i)),
        )
        for i in indices
    )
    return Proof(
        header=header,
        trace_root=trace_tree.root,
        num_chunks=k,
        chunk_root=chunk_tree.root,
        ood_values=ood.values(),
        fri_roots=tuple(t.root for t in fri.trees),
        remainder=fri.remainder,
        nonce=nonce,
        queries=queries,
    )


def prove(air: Air, trace: Sequence[Sequence[int]], params: ProofParams) -> bytes:
    """The canonical proof bytes that ``trace`` satisfies ``air`` (contract §Proof bytes)."""
    return encode_proof(prove_proof(air, trace, params))


__all__ = ["draw_ood_point", "prove", "prove_proof"]
