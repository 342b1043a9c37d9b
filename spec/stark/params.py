"""Proof parameters: blowup, queries, grinding, hash, FRI shape (contract §Parameters).

A :class:`ProofParams` is encoded (and absorbed into the transcript, and written into the proof) as

    log2(B) u8 ‖ q u8 ‖ g u8 ‖ hash id u8 (0 blake3, 1 poseidon) ‖ remainder_max u32 LE ‖
    folding count u8 ‖ log2(f_0) u8 ‖ … ‖ log2(f_{c−1}) u8

FRI folds layer ``ℓ`` by ``f_ℓ``; the last arity repeats while layers remain; FRI stops when a
layer has at most ``remainder_max`` values.

Presets (:data:`PRESETS`): ``"S-100"`` (B 8, q 28, g 16, blake3, fold 8, remainder 256),
``"S-fast"`` (B 2, q 84, g 16, blake3, fold 16, remainder 256) — the two 100-bit configurations of
Plonky2's recursion config and Starky's ``standard_fast_config`` — and ``"test"`` (B 8, q 8, g 2,
poseidon, fold 4, remainder 16), for unit tests only.

Conjectured security (:func:`conjectured_security`): ethSTARK (eprint 2021/582 eq. 19) as
Winterfell computes it (``air/src/proof/security.rs``)::

    min(192, log2(B)·q + (g if log2(B)·q >= 80 else 0)) − 1, capped at 128

(192: the cubic extension's size; 128: the collision bound of a 256-bit digest). S-100 and S-fast
give 99 bits, "test" 23.

The verifier's minimums (:func:`check_verifier_params`): ``B ≥ 2`` and ``B > d − 1`` for the AIR's
maximum transition degree ``d``, ``q ≥ 1``, every arity ``≥ 2``, and (unless explicitly allowed)
conjectured security ``≥ MIN_SECURITY_BITS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.spec.stark.codec import Reader, Writer
from l2spec.spec.stark.errors import ParameterError, ProofFormatError
from l2spec.spec.stark.field import TWO_ADICITY
from l2spec.spec.stark.hashing import HASH_IDS, HASHERS, Hasher

EXTENSION_FIELD_BITS = 192
"""``log2 |E|`` for the cubic extension of Goldilocks (rounded)."""

COLLISION_BITS = 128
"""The collision resistance of a 256-bit digest: the security cap."""

GRINDING_COUNTS_FROM = 80
"""Grinding adds to the estimate only when ``log2(B)·q`` reaches this (ethSTARK eq. 19)."""

MIN_SECURITY_BITS = 96
"""The verifier's default minimum conjectured security (both production presets give 99)."""

MAX_GRINDING_BITS = 32
"""The largest grinding the parameters allow (a proof of work beyond 2^32 hashes is unreasonable)."""


@dataclass(frozen=True)
class ProofParams:
    """The parameters of a proof (contract §Parameters); construction checks the ranges the byte
    format and the field can hold (a :class:`ParameterError` otherwise)."""

    log_blowup: int
    """``log2(B)``: the LDE domain is ``B·N``."""
    num_queries: int
    """``q``: the number of FRI query indices."""
    grinding_bits: int
    """``g``: proof-of-work bits before the queries are drawn."""
    hash_name: str
    """``"blake3"`` or ``"poseidon"``."""
    remainder_max_size: int
    """FRI stops when a layer has at most this many values (then sends the remainder)."""
    folding_log_arities: tuple[int, ...]
    """``log2(f_ℓ)`` for the first layers; the last one repeats."""

    def __post_init__(self) -> None:
        """Check every field fits its encoding and the field's 2-adic domains."""
        if not 0 <= self.log_blowup <= TWO_ADICITY:
            raise ParameterError(f"log2(blowup) {self.log_blowup} out of range [0, 32]")
        if not 0 <= self.num_queries <= 255:
            raise ParameterError(f"queries {self.num_queries} out of range [0, 255]")
        if not 0 <= self.grinding_bits <= MAX_GRINDING_BITS:
            raise ParameterError(f"grinding bits {self.grinding_bits} out of range [0, 32]")
        if self.hash_name not in HASHERS:
            raise ParameterError(f"unknown hash {self.hash_name!r} (blake3 or poseidon)")
        if not 1 <= self.remainder_max_size < 2**32:
            raise ParameterError(f"remainder max size {self.remainder_max_size} out of range")
        if not 1 <= len(self.folding_log_arities) <= 255:
            raise ParameterError("between 1 and 255 folding arities are needed")
        for f in self.folding_log_arities:
            if not 0 <= f <= TWO_ADICITY:
                raise ParameterError(f"log2(folding arity) {f} out of range [0, 32]")

    @property
    def blowup(self) -> int:
        """``B``."""
        return 1 << self.log_blowup

    @property
    def hash_id(self) -> int:
        """The hash's parameter byte (0 blake3, 1 poseidon)."""
        return HASHERS[self.hash_name].hash_id

    @property
    def hasher(self) -> Hasher:
        """The :class:`~l2spec.spec.stark.hashing.Hasher` named by :attr:`hash_name`."""
        return HASHERS[self.hash_name]

    @property
    def folding_arities(self) -> tuple[int, ...]:
        """``f_ℓ`` for the listed layers (``2^log``); the last repeats beyond them."""
        return tuple(1 << f for f in self.folding_log_arities)

    def folding_arity(self, layer: int) -> int:
        """``f_ℓ``: the listed arity of layer ``ℓ``, or the last one when ``ℓ`` is beyond the list."""
        if layer < 0:
            raise ParameterError(f"negative FRI layer {layer}")
        return 1 << self.folding_log_arities[min(layer, len(self.folding_log_arities) - 1)]


PRESETS: dict[str, ProofParams] = {
    "S-100": ProofParams(3, 28, 16, "blake3", 256, (3,)),
    "S-fast": ProofParams(1, 84, 16, "blake3", 256, (4,)),
    "test": ProofParams(3, 8, 2, "poseidon", 16, (2,)),
}
"""The contract's presets by name."""


def preset(name: str) -> ProofParams:
    """The preset called ``name`` (``"S-100"``, ``"S-fast"`` or ``"test"``)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ParameterError(f"unknown preset {name!r} (one of {sorted(PRESETS)})") from None


def write_params(writer: Writer, params: ProofParams) -> None:
    """Append the encoding of ``params`` (see the module docstring)."""
    writer.u8(params.log_blowup)
    writer.u8(params.num_queries)
    writer.u8(params.grinding_bits)
    writer.u8(params.hash_id)
    writer.u32(params.remainder_max_size)
    writer.u8(len(params.folding_log_arities))
    for f in params.folding_log_arities:
        writer.u8(f)


def encode_params(params: ProofParams) -> bytes:
    """The bytes of ``params`` (absorbed into the transcript and written into the proof)."""
    writer = Writer()
    write_params(writer, params)
    return writer.to_bytes()


def read_params(reader: Reader) -> ProofParams:
    """Read encoded parameters; an unknown hash id or a value out of range is a ProofFormatError."""
    log_blowup = reader.u8("log2(blowup)")
    num_queries = reader.u8("queries")
    grinding_bits = reader.u8("grinding bits")
    hash_id = reader.u8("hash id")
    remainder_max_size = reader.u32("remainder max size")
    count = reader.u8("folding arity count")
    folding = tuple(reader.u8("log2(folding arity)") for _ in range(count))
    if hash_id not in HASH_IDS:
        raise ProofFormatError(f"unknown hash id {hash_id} (0 blake3, 1 poseidon)")
    try:
        return ProofParams(
            log_blowup=log_blowup,
            num_queries=num_queries,
            grinding_bits=grinding_bits,
            hash_name=HASH_IDS[hash_id],
            remainder_max_size=remainder_max_size,
            folding_log_arities=folding,
        )
    except ParameterError as exc:
        raise ProofFormatError(f"parameters out of range: {exc}") from exc


def decode_params(data: bytes) -> ProofParams:
    """Parameters from exactly ``data`` (every byte must be consumed)."""
    reader = Reader(data)
    params = read_params(reader)
    reader.finish()
    return params


def conjectured_security(params: ProofParams) -> int:
    """Conjectured bits of security (ethSTARK eq. 19 as Winterfell computes it).

    ``min(192, log2(B)·q + (g if log2(B)·q >= 80 else 0)) − 1``, capped at 128.
    """
    query_bits = params.log_blowup * params.num_queries
    if query_bits >= GRINDING_COUNTS_FROM:
        query_bits += params.grinding_bits
    return min(min(EXTENSION_FIELD_BITS, query_bits) - 1, COLLISION_BITS)


def check_verifier_params(
    params: ProofParams,
    max_transition_degree: int,
    *,
    min_security_bits: int = MIN_SECURITY_BITS,
    allow_insecure: bool = False,
) -> str | None:
    """Why the verifier refuses ``params`` for an AIR of maximum transition degree ``d``, or
    ``None`` if it accepts them (contract §Parameters: the verifier's minimums).

    Refused: ``B < 2``; ``B <= d − 1`` (the composition's ``d − 1`` chunks need ``B > d − 1``);
    ``q < 1``; any folding arity below 2; conjectured security below ``min_security_bits``
    unless ``allow_insecure`` (which is how the "test" preset is accepted in unit tests).
    """
    if params.blowup < 2:
        return f"blowup {params.blowup} is below 2"
    if params.blowup <= max_transition_degree - 1:
        return (
            f"blowup {params.blowup} must exceed d − 1 = {max_transition_degree - 1} "
            "(the AIR's maximum transition degree minus one)"
        )
    if params.num_queries < 1:
        return "at least one query is needed"
    if any(f < 1 for f in params.folding_log_arities):
        return "every folding arity must be at least 2"
    if not allow_insecure:
        bits = conjectured_security(params)
        if bits < min_security_bits:
            return f"conjectured security {bits} bits is below the minimum {min_security_bits}"
    return None
