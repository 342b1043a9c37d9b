"""Proof parameters and the strict proof codec (contract §Parameters, §Proof bytes).

Security numbers are the contract's (ethSTARK eprint 2021/582 eq. 19 as Winterfell's
``air/src/proof/security.rs`` computes it): S-100 → min(192, 3·28 + 16) − 1 = 99,
S-fast → min(192, 1·84 + 16) − 1 = 99. Encodings are written out byte by byte from the contract.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import DecodingError
from l2spec.spec.stark.codec import Reader, Writer
from l2spec.spec.stark.errors import ParameterError, ProofFormatError, StarkError
from l2spec.spec.stark.field import P
from l2spec.spec.stark.hashing import BLAKE3, POSEIDON
from l2spec.spec.stark.params import (
    PRESETS,
    ProofParams,
    check_verifier_params,
    conjectured_security,
    decode_params,
    encode_params,
    preset,
    read_params,
)

params_strategy = st.builds(
    ProofParams,
    log_blowup=st.integers(min_value=0, max_value=32),
    num_queries=st.integers(min_value=0, max_value=255),
    grinding_bits=st.integers(min_value=0, max_value=32),
    hash_name=st.sampled_from(["blake3", "poseidon"]),
    remainder_max_size=st.integers(min_value=1, max_value=2**32 - 1),
    folding_log_arities=st.lists(
        st.integers(min_value=0, max_value=32), min_size=1, max_size=5
    ).map(tuple),
)


def test_presets() -> None:
    s100, fast, test = preset("S-100"), preset("S-fast"), preset("test")
    assert (s100.blowup, s100.num_queries, s100.grinding_bits, s100.hasher) == (8, 28, 16, BLAKE3)
    assert (s100.remainder_max_size, s100.folding_arities) == (256, (8,))
    assert (fast.blowup, fast.num_queries, fast.grinding_bits, fast.hasher) == (2, 84, 16, BLAKE3)
    assert (fast.remainder_max_size, fast.folding_arities) == (256, (16,))
    assert (test.blowup, test.num_queries, test.grinding_bits, test.hasher) == (8, 8, 2, POSEIDON)
    assert (test.remainder_max_size, test.folding_arities) == (16, (4,))
    with pytest.raises(ParameterError):
        preset("S-200")


def test_security_numbers() -> None:
    assert conjectured_security(PRESETS["S-100"]) == 99
    assert conjectured_security(PRESETS["S-fast"]) == 99
    assert conjectured_security(PRESETS["test"]) == 3 * 8 - 1  # below 80: no grinding credit
    # grinding counts only from log2(B)·q >= 80
    assert conjectured_security(ProofParams(1, 79, 20, "blake3", 16, (1,))) == 78
    assert conjectured_security(ProofParams(1, 80, 20, "blake3", 16, (1,))) == 99
    # the 128-bit cap (digest collisions) binds before the 192-bit extension bound
    assert conjectured_security(ProofParams(4, 50, 0, "blake3", 16, (1,))) == 128


def test_encoding_by_hand() -> None:
    # S-100: log2 B = 3, q = 28, g = 16, blake3 = 0, remainder 256 (u32 LE), 1 arity log2 8 = 3
    assert encode_params(PRESETS["S-100"]) == bytes([3, 28, 16, 0, 0, 1, 0, 0, 1, 3])
    assert encode_params(PRESETS["test"]) == bytes([3, 8, 2, 1, 16, 0, 0, 0, 1, 2])
    p = ProofParams(2, 40, 0, "blake3", 64, (3, 4, 1))
    assert encode_params(p) == bytes([2, 40, 0, 0, 64, 0, 0, 0, 3, 3, 4, 1])
    assert [p.folding_arity(i) for i in range(5)] == [8, 16, 2, 2, 2]


@given(params_strategy)
def test_round_trip(params: ProofParams) -> None:
    data = encode_params(params)
    assert len(data) == 9 + len(params.folding_log_arities)
    assert decode_params(data) == params


def test_decoding_refusals() -> None:
    good = encode_params(PRESETS["S-100"])
    for bad in (
        good[:-1],  # short
        good + b"\x00",  # trailing byte
        good[:3] + b"\x02" + good[4:],  # unknown hash id
        b"\x21" + good[1:],  # log2 blowup 33 > two-adicity
        good[:2] + b"\x21" + good[2:],  # grinding 33
        good[:4] + bytes(4) + good[8:],  # remainder max 0
        good[:8] + b"\x00",  # no folding arity
        b"",
    ):
        with pytest.raises(ProofFormatError):
            decode_params(bad)


@given(st.binary(max_size=24))
def test_decoding_arbitrary_bytes_only_raises_proof_format_error(data: bytes) -> None:
    try:
        params = decode_params(data)
    except ProofFormatError:
        return
    assert encode_params(params) == data


def test_construction_refusals() -> None:
    with pytest.raises(ParameterError):
        ProofParams(3, 256, 16, "blake3", 256, (3,))
    with pytest.raises(ParameterError):
        ProofParams(3, 28, 16, "sha3", 256, (3,))
    with pytest.raises(ParameterError):
        ProofParams(3, 28, 16, "blake3", 256, ())
    with pytest.raises(ParameterError):
        ProofParams(3, 28, 33, "blake3", 256, (3,))
    with pytest.raises(ParameterError):
        PRESETS["S-100"].folding_arity(-1)


def test_verifier_minimums() -> None:
    s100 = PRESETS["S-100"]
    assert check_verifier_params(s100, 2) is None
    assert check_verifier_params(PRESETS["S-fast"], 2) is None
    # S-fast has B = 2: a degree-3 AIR needs B > 2
    assert check_verifier_params(PRESETS["S-fast"], 3) is not None
    assert check_verifier_params(s100, 8) is None and check_verifier_params(s100, 9) is not None
    # the test preset is refused unless explicitly allowed
    assert "security" in (check_verifier_params(PRESETS["test"], 2) or "")
    assert check_verifier_params(PRESETS["test"], 2, allow_insecure=True) is None
    assert check_verifier_params(s100, 2, min_security_bits=100) is not None
    insecure = dict(allow_insecure=True)
    assert check_verifier_params(ProofParams(0, 8, 0, "blake3", 16, (2,)), 1, **insecure)
    assert check_verifier_params(ProofParams(3, 0, 0, "blake3", 16, (2,)), 2, **insecure)
    assert check_verifier_params(ProofParams(3, 8, 0, "blake3", 16, (2, 0)), 2, **insecure)


# --- the codec ----------------------------------------------------------------------------------


def test_writer_reader_round_trip() -> None:
    w = Writer()
    w.u8(7)
    w.u32(0x01020304)
    w.u64(2**64 - 1)
    w.felt(P - 1)
    w.ext((1, 2, 3))
    w.digest(bytes(range(32)))
    w.string("fib-ü")
    data = w.to_bytes()
    assert data[:5] == bytes([7, 4, 3, 2, 1])
    r = Reader(data)
    assert (r.u8(), r.u32(), r.u64(), r.felt()) == (7, 0x01020304, 2**64 - 1, P - 1)
    assert r.ext() == (1, 2, 3) and r.digest() == bytes(range(32)) and r.string() == "fib-ü"
    assert r.remaining == 0
    r.finish()


def test_reader_refusals() -> None:
    with pytest.raises(ProofFormatError):
        Reader(bytes(3)).u32()
    with pytest.raises(ProofFormatError):
        Reader(P.to_bytes(8, "little")).felt()
    with pytest.raises(ProofFormatError):
        Reader(bytes(24) + P.to_bytes(8, "little")).exts(2)
    with pytest.raises(ProofFormatError):
        Reader(bytes(31)).digest()
    with pytest.raises(ProofFormatError):
        Reader(b"\x02\x00\x00\x00\xff\xfe").string()
    with pytest.raises(ProofFormatError):
        Reader(bytes(2)).finish()
    # a huge declared count fails at once, before any allocation
    with pytest.raises(ProofFormatError):
        Reader(bytes(16)).felts(2**40)
    with pytest.raises(ProofFormatError):
        Reader(b"\xff\xff\xff\xff").string()
    with pytest.raises(ProofFormatError):
        Reader("not bytes")  # type: ignore[arg-type]
    assert issubclass(ProofFormatError, DecodingError)


def test_writer_refusals() -> None:
    w = Writer()
    with pytest.raises(StarkError):
        w.u8(256)
    with pytest.raises(StarkError):
        w.u32(-1)
    with pytest.raises(StarkError):
        w.felt(P)
    with pytest.raises(StarkError):
        w.digest(bytes(31))


def test_read_params_from_a_stream() -> None:
    w = Writer()
    w.raw(encode_params(PRESETS["S-fast"]))
    w.u64(1024)
    r = Reader(w.to_bytes())
    assert read_params(r) == PRESETS["S-fast"] and r.u64() == 1024
    r.finish()
