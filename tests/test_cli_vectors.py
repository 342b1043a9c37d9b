"""`l2spec vectors`: dispatch on kind, pass on the upstream OP vectors, fail loudly otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from l2spec.cli import main
from l2spec.paths import vectors_dir

OPSTACK = vectors_dir() / "opstack"


def test_upstream_opstack_vectors_are_present() -> None:
    # The vectors are the proof of fidelity: their absence is a failure, never a skip.
    names = {p.name for p in OPSTACK.glob("*.json")}
    assert {"deposit-source-hash.json", "withdrawal-hash.json"} <= names


def test_every_opstack_vector_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectors", "--dir", str(OPSTACK), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    kinds = {f["kind"] for f in report["files"]}
    assert {"deposit_source_hash", "withdrawal_hash"} <= kinds
    assert report["summary"]["cases"] >= 6
    assert report["summary"]["failed_cases"] == 0


def _write(tmp_path: Path, name: str, doc: object) -> Path:
    (tmp_path / name).write_text(json.dumps(doc))
    return tmp_path


def test_unknown_kind_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "x.json", {"kind": "no_such_kind", "cases": [{}]})
    assert main(["vectors", "--dir", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert "unknown vector kind" in report["files"][0]["error"]


def test_a_wrong_expected_value_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads((OPSTACK / "deposit-source-hash.json").read_text())
    case = dict(doc["cases"][0])
    good = case["expected"]
    case["expected"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    doc["cases"] = [doc["cases"][0], case]
    _write(tmp_path, "tampered.json", doc)
    assert main(["vectors", "--dir", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [c["ok"] for c in report["files"][0]["cases"]] == [True, False]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"kind": "withdrawal_hash", "cases": [{"nonce": "x"}]}),
    ],
)
def test_malformed_files_fail_without_traceback(tmp_path: Path, content: str) -> None:
    (tmp_path / "bad.json").write_text(content)
    assert main(["vectors", "--dir", str(tmp_path)]) == 1


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["vectors", "--dir", str(tmp_path / "nope")]) == 2


POLYGON = vectors_dir() / "polygon"


def test_every_polygon_vector_file_is_recognised_and_passes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["vectors", "--dir", str(POLYGON), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    files = sorted(p.name for p in POLYGON.glob("*.json"))
    assert len(files) >= 13
    assert sorted(Path(f["path"]).name for f in report["files"]) == files
    assert all(f["ok"] and f["error"] is None and f["cases"] for f in report["files"])
    assert report["summary"]["failed_cases"] == 0


def test_an_unrecognised_upstream_file_fails(tmp_path: Path) -> None:
    (tmp_path / "merkle-tree_smt-unknown.json").write_text("[]")
    assert main(["vectors", "--dir", str(tmp_path)]) == 1


def test_a_tampered_polygon_case_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = json.loads((POLYGON / "merkle-tree_smt-raw.json").read_text())
    bad = dict(cases[1])
    bad["expectedRoot"] = (
        str(int(bad["expectedRoot"]) + 1)
        if str(bad["expectedRoot"]).isdigit()
        else "0x" + "11" * 32
    )
    (tmp_path / "merkle-tree_smt-raw.json").write_text(json.dumps([cases[1], bad]))
    assert main(["vectors", "--dir", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [c["ok"] for c in report["files"][0]["cases"]] == [True, False]
