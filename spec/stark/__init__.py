"""The l2spec STARK: a readable reference prover and verifier over Goldilocks with FRI.

A STARK proves that an execution trace satisfies an AIR (polynomial constraints between one row
and the next, plus boundary assertions) with a proof that is short and quick to check, using only
hashes (no trusted setup). This package is the *executable specification* of the l2spec STARK
protocol: every byte of a proof is fixed by the protocol contract, so the native Rust prover
(``impl/native``) must produce byte-identical proofs for the same AIR, trace and parameters. The
design follows ethSTARK (eprint 2021/582) and Winterfell's choices (Goldilocks, cubic extension
``x^3 − x − 1``, DEEP-ALI, FRI with a coefficient remainder, BLAKE3 or Poseidon Merkle trees).

Module map:

- :mod:`~l2spec.spec.stark.errors`: ``StarkError``, ``ProofFormatError``, ``ParameterError``.
- :mod:`~l2spec.spec.stark.field`: the base field ``p = 2^64 − 2^32 + 1``, roots of unity
  ``ω_{2^k} = 7^((p−1)/2^k)``, domains, batch inversion, 8-byte element encoding.
- :mod:`~l2spec.spec.stark.extension`: the cubic extension ``E = F[x]/(x^3 − x − 1)``.
- :mod:`~l2spec.spec.stark.ntt`: NTT / inverse NTT, coset evaluation and interpolation, the LDE,
  Horner evaluation at base and extension points.
- :mod:`~l2spec.spec.stark.hashing`: the ``"blake3"`` and ``"poseidon"`` hashers.
- :mod:`~l2spec.spec.stark.merkle`: row commitments, openings, verification.
- :mod:`~l2spec.spec.stark.transcript`: the Fiat–Shamir transcript (draws and grinding).
- :mod:`~l2spec.spec.stark.params`: proof parameters, presets, security estimate, minimums.
- :mod:`~l2spec.spec.stark.codec`: the strict byte reader/writer of the proof format.
- :mod:`~l2spec.spec.stark.air`: the AIR interface; :mod:`~l2spec.spec.stark.airs`: example AIRs.
- :mod:`~l2spec.spec.stark.composition`, :mod:`~l2spec.spec.stark.deep`,
  :mod:`~l2spec.spec.stark.fri`: the protocol's polynomial steps;
  :mod:`~l2spec.spec.stark.proof`, :mod:`~l2spec.spec.stark.prover`,
  :mod:`~l2spec.spec.stark.verifier`: the proof object, ``prove`` and ``verify``.

The protocol, phase by phase (the verifier replays the same transcript):

**Header.** The transcript (:mod:`~l2spec.spec.stark.transcript`) starts from
``hash_bytes(b"l2spec-stark-v1")`` and absorbs the AIR id, the encoded parameters
(:mod:`~l2spec.spec.stark.params`), the trace length and the public inputs.

**Trace commitment.** Each of the ``W`` trace columns (``N = 2^n`` rows on ``H = ⟨ω_N⟩``) is
extended to the LDE domain ``D = 7·⟨ω_{BN}⟩`` (:func:`~l2spec.spec.stark.ntt.lde`); the ``BN``
rows are committed in a Merkle tree (:mod:`~l2spec.spec.stark.merkle`, hashers in
:mod:`~l2spec.spec.stark.hashing`) and the root is absorbed.

**Composition.** One extension coefficient per constraint is drawn and the constraints, divided by
their vanishing polynomials, are summed into the composition polynomial, split into ``K`` chunks of
degree ``< N`` whose LDE rows are committed (:mod:`~l2spec.spec.stark.composition`).

**Out-of-domain check.** A point ``z ∈ E`` is drawn; the prover sends the trace frame at ``z`` and
``z·ω_N`` and the chunks at ``z``; the verifier checks the composition identity at ``z``
(arithmetic in :mod:`~l2spec.spec.stark.extension`).

**DEEP.** With one drawn coefficient per sent value, the quotients ``(t(x) − t(z))/(x − z)`` are
combined into one codeword on ``D`` (:mod:`~l2spec.spec.stark.deep`).

**FRI.** The DEEP codeword is committed and folded layer by layer by the arities of the parameters
until at most ``remainder_max`` values remain, whose polynomial's coefficients are sent
(:mod:`~l2spec.spec.stark.fri`).

**Grinding and queries.** A proof-of-work nonce is found and absorbed
(:meth:`~l2spec.spec.stark.transcript.Transcript.grind`), then ``q`` query indices are drawn; for
each, the trace row, chunk row and FRI rows are opened and checked against the roots, the DEEP
value is recomputed and every fold is checked down to the remainder. The proof bytes are written
and parsed with :mod:`~l2spec.spec.stark.codec`; a malformed proof is a
:class:`~l2spec.spec.stark.errors.ProofFormatError` or a rejection, never a crash.
"""
