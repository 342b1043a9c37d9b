"""``l2spec prove`` and ``l2spec verify``: the STARK from the command line.

``l2spec prove --air {fib,poseidon-chain} --log-rows N --backend {spec,native} [--params NAME]
--out FILE [--json]`` builds the trace, proves it, verifies the proof once (timed) and writes the
proof bytes to FILE. ``l2spec verify FILE [--allow-insecure] [--json]`` reads a proof, picks the AIR
from the AIR id in its header (the public inputs are in the proof too) and verifies it.

The JSON reports rows, params, conjectured security bits, proof bytes and prove / verify seconds.
The ``native`` backend is the Rust prover (``l2spec.impl.stark``); until it exists the command
answers with a typed error.
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console

from l2spec.errors import L2SpecError
from l2spec.spec.stark.air import Air
from l2spec.spec.stark.airs import air_definition
from l2spec.spec.stark.airs.fib import fib_air, fib_trace
from l2spec.spec.stark.airs.poseidon_chain import ROWS_PER_HASH, chain_trace, poseidon_chain_air
from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.params import PRESETS, ProofParams, conjectured_security, preset
from l2spec.spec.stark.proof import decode_header
from l2spec.spec.stark.prover import prove
from l2spec.spec.stark.verifier import verify

AIR_CHOICES = {"fib": "fib-small", "poseidon-chain": "poseidon-chain"}
"""CLI name -> AIR id."""

POSEIDON_CHAIN_INPUT = (1, 2, 3, 4)
"""The chain's start ``x`` for ``--air poseidon-chain``."""


class NativeBackendMissing(StarkError):
    """``--backend native`` before the Rust prover is built."""


def statement(air_name: str, log_rows: int) -> tuple[Air, list[list[int]]]:
    """The AIR instance and its trace for ``2^log_rows`` rows."""
    rows = 1 << log_rows
    if air_name == "fib":
        if log_rows < 3:
            raise StarkError("fib needs --log-rows ≥ 3")
        return fib_air(rows), fib_trace(rows)
    if air_name == "poseidon-chain":
        if rows < ROWS_PER_HASH:
            raise StarkError("poseidon-chain needs --log-rows ≥ 5 (32 rows per hash)")
        hashes = rows // ROWS_PER_HASH
        return poseidon_chain_air(POSEIDON_CHAIN_INPUT, hashes), chain_trace(
            POSEIDON_CHAIN_INPUT, hashes
        )
    raise StarkError(f"unknown AIR {air_name!r}")


def native_prover() -> Callable[[Air, Sequence[Sequence[int]], ProofParams], bytes]:
    """The Rust prover's ``prove(air, trace, params) -> bytes``, or :class:`NativeBackendMissing`."""
    try:
        module = importlib.import_module("l2spec.impl.stark")
    except ImportError:
        raise NativeBackendMissing("the native prover is not built yet") from None
    fn = getattr(module, "prove", None)
    if not callable(fn):
        raise NativeBackendMissing("the native prover is not built yet")
    return fn  # type: ignore[no-any-return]


def params_json(name: str, params: ProofParams) -> dict[str, Any]:
    """The parameters as JSON, with their name and conjectured bits."""
    return {
        "name": name,
        **asdict(params),
        "blowup": params.blowup,
        "conjectured_bits": conjectured_security(params),
    }


def add_prove_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--air", choices=sorted(AIR_CHOICES), required=True, help="the AIR")
    parser.add_argument("--log-rows", type=int, required=True, help="log2 of the trace rows")
    parser.add_argument("--backend", choices=["spec", "native"], default="spec")
    parser.add_argument("--params", choices=sorted(PRESETS), default="S-100", help="preset")
    parser.add_argument("--out", type=Path, required=True, help="where to write the proof")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run_prove(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    params = preset(args.params)
    if not 3 <= args.log_rows <= 32 - params.log_blowup:
        raise StarkError(f"--log-rows must be in [3, {32 - params.log_blowup}]")
    prover = native_prover() if args.backend == "native" else prove
    with console.status(f"building the {args.air} trace (2^{args.log_rows} rows)…"):
        air, trace = statement(args.air, args.log_rows)
    with console.status(f"proving with the {args.backend} prover ({args.params})…"):
        start = time.perf_counter()
        proof = prover(air, trace, params)
        prove_seconds = time.perf_counter() - start
    with console.status("verifying the proof…"):
        start = time.perf_counter()
        verdict = verify(air_definition(air.air_id), proof, allow_insecure=True)
        verify_seconds = time.perf_counter() - start
    args.out.write_bytes(proof)
    result = {
        "air": air.air_id,
        "rows": air.trace_length,
        "width": air.width,
        "backend": args.backend,
        "params": params_json(args.params, params),
        "conjectured_bits": conjectured_security(params),
        "public_inputs": [str(x) for x in air.public_inputs],
        "proof_bytes": len(proof),
        "prove_seconds": prove_seconds,
        "verify_seconds": verify_seconds,
        "verified": verdict.ok,
        "reason": verdict.reason,
        "out": str(args.out),
    }
    if args.json:
        from l2spec.cli import emit_json

        emit_json(result)
    else:
        out = Console()
        out.print(
            f"{air.air_id}: {air.trace_length} rows × {air.width} columns, params {args.params} "
            f"({conjectured_security(params)} conjectured bits), {args.backend} prover"
        )
        out.print(
            f"proof: {len(proof)} bytes → {args.out}; prove {prove_seconds:.3f} s, "
            f"verify {verify_seconds:.3f} s: "
            + ("[green]valid[/]" if verdict.ok else f"[bold red]REJECTED[/] ({verdict.reason})")
        )
    return 0 if verdict.ok else 1


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a proof written by l2spec prove")
    parser.add_argument(
        "--allow-insecure",
        action="store_true",
        help="accept parameters below the minimum security (the 'test' preset)",
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")


def run_verify(args: argparse.Namespace) -> int:
    try:
        proof = args.file.read_bytes()
    except OSError as exc:
        raise StarkError(f"cannot read {args.file}: {exc.strerror}") from None
    header = None
    try:
        header = decode_header(proof)
        definition = air_definition(header.air_id)
    except L2SpecError as exc:
        ok, reason, seconds = False, f"{type(exc).__name__}: {exc}", 0.0
    else:
        with Console(stderr=True).status(f"verifying a {header.air_id} proof…"):
            start = time.perf_counter()
            verdict = verify(definition, proof, allow_insecure=args.allow_insecure)
            seconds = time.perf_counter() - start
        ok, reason = verdict.ok, verdict.reason
    result: dict[str, Any] = {
        "file": str(args.file),
        "valid": ok,
        "reason": reason,
        "proof_bytes": len(proof),
        "verify_seconds": seconds,
    }
    if header is not None:
        result.update(
            air=header.air_id,
            rows=header.trace_length,
            params=params_json("", header.params),
            conjectured_bits=conjectured_security(header.params),
            public_inputs=[str(x) for x in header.public_inputs],
        )
    if args.json:
        from l2spec.cli import emit_json

        emit_json(result)
    else:
        out = Console()
        if ok:
            out.print(
                f"[green]valid[/]: {result['air']} proof, {result['rows']} rows, "
                f"{result['conjectured_bits']} conjectured bits, {len(proof)} bytes, "
                f"verified in {seconds:.3f} s"
            )
        else:
            out.print(f"[bold red]rejected[/]: {reason}")
    return 0 if ok else 1
