"""``l2spec prove`` / ``l2spec verify`` (l2spec/commands/stark.py through prove.py and verify.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from l2spec.commands import prove, verify
from l2spec.errors import L2SpecError


def _run(module: object, argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)  # type: ignore[attr-defined]
    return int(module.run(parser.parse_args(argv)))  # type: ignore[attr-defined]


def test_prove_then_verify_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fib.proof"
    argv = ["--air", "fib", "--log-rows", "4", "--params", "test", "--out", str(out), "--json"]
    assert _run(prove, argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] == 16 and report["air"] == "fib-small" and report["verified"] is True
    assert report["proof_bytes"] == out.stat().st_size > 0
    assert report["params"]["name"] == "test" and report["conjectured_bits"] == 23
    assert report["prove_seconds"] > 0 and report["verify_seconds"] > 0

    assert _run(verify, [str(out), "--allow-insecure", "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["valid"] is True and verdict["rows"] == 16 and verdict["air"] == "fib-small"
    assert verdict["public_inputs"] == ["2178309"]

    # without --allow-insecure the "test" preset is refused
    assert _run(verify, [str(out), "--json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["valid"] is False and "security" in verdict["reason"]


def test_verify_rejects_tampered_and_garbage_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.proof"
    assert (
        _run(prove, ["--air", "fib", "--log-rows", "3", "--params", "S-fast", "--out", str(out)])
        == 0
    )
    assert _run(verify, [str(out)]) == 0
    capsys.readouterr()
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 1
    bad = tmp_path / "bad.proof"
    bad.write_bytes(bytes(data))
    assert _run(verify, [str(bad), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["valid"] is False
    junk = tmp_path / "junk.proof"
    junk.write_bytes(b"hello")
    assert _run(verify, [str(junk), "--json"]) == 1
    assert "ProofFormatError" in json.loads(capsys.readouterr().out)["reason"]
    with pytest.raises(L2SpecError):
        _run(verify, [str(tmp_path / "missing.proof")])


def test_poseidon_chain_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "chain.proof"
    argv = ["--air", "poseidon-chain", "--log-rows", "5", "--params", "S-100", "--out", str(out)]
    assert _run(prove, [*argv, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["air"] == "poseidon-chain" and report["width"] == 12 and report["verified"]
    assert _run(verify, [str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["conjectured_bits"] == 99


def test_misuse_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(L2SpecError):
        _run(prove, ["--air", "poseidon-chain", "--log-rows", "4", "--out", str(tmp_path / "x")])
    with pytest.raises(L2SpecError):
        _run(prove, ["--air", "fib", "--log-rows", "2", "--out", str(tmp_path / "x")])
