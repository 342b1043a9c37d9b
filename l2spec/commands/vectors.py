"""``l2spec vectors``: check the spec against upstream known-answer vectors.

Two families of files are recognised:

- OP Stack files are one JSON object ``{"kind": KIND, "source": ..., "cases": [...]}`` (format in
  ``shared/vectors/README.md``); they are dispatched on ``kind`` — never on the file name.
- Polygon zkEVM files keep their upstream layout and are recognised by their upstream name (the path
  in zkevm-commonjs ``test/helpers/test-vectors/`` or zkevm-testvectors, ``/`` turned into ``_``);
  their checkers live in :mod:`l2spec.vectorcheck` (one ``FAMILIES`` table per module).

Each checker recomputes every case with the spec and compares it with the expected value. An unknown
kind, an unrecognised file, a malformed file or a single failing case makes the command exit 1.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from l2spec.errors import L2SpecError, VectorError
from l2spec.paths import vectors_dir
from l2spec.spec.common.types import address, hash32, hex_to_bytes, to_hex, uint256_to_bytes


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one vector case."""

    index: int
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class FileResult:
    """The outcome of one vector file."""

    path: str
    kind: str
    cases: tuple[CaseResult, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and all(c.ok for c in self.cases)

    @property
    def passed(self) -> int:
        return sum(c.ok for c in self.cases)


Checker = Callable[[Mapping[str, Any]], str | None]
"""A checker recomputes one case; it returns None when it matches, else what differed."""


def _compare(name: str, got: bytes, expected: str) -> str | None:
    want = hex_to_bytes(expected)
    return None if got == want else f"{name}: expected {to_hex(want)}, got {to_hex(got)}"


def check_deposit_source_hash(case: Mapping[str, Any]) -> str | None:
    """Kind ``deposit_source_hash``: the four source-hash domains of ``deposits.md``."""
    from l2spec.spec.optimistic import deposits

    domain = case["domain"]
    if domain == "user":
        got = deposits.user_deposit_source_hash(
            hash32(case["l1_block_hash"]), int(case["log_index"])
        )
    elif domain == "l1_info":
        got = deposits.l1_info_deposit_source_hash(
            hash32(case["l1_block_hash"]), int(case["seq_number"])
        )
    elif domain == "upgrade":
        got = deposits.upgrade_deposit_source_hash(str(case["intent"]))
    elif domain == "after_force_include":
        got = deposits.after_force_include_source_hash(
            hash32(case["l1_block_hash"]), int(case["seq_number"])
        )
    else:
        return f"unknown source-hash domain {domain!r}"
    return _compare("source hash", got, case["expected"])


def check_withdrawal_hash(case: Mapping[str, Any]) -> str | None:
    """Kind ``withdrawal_hash``: the withdrawal hash and its ``sentMessages`` storage slot."""
    from l2spec.spec.optimistic import withdrawals

    w = withdrawals.Withdrawal(
        nonce=int(case["nonce"]),
        sender=address(case["sender"]),
        target=address(case["target"]),
        value=int(case["value"]),
        gas_limit=int(case["gas_limit"]),
        data=hex_to_bytes(case["data"]),
    )
    h = withdrawals.withdrawal_hash(w)
    return _compare("withdrawal hash", h, case["expected_hash"]) or _compare(
        "sentMessages slot",
        uint256_to_bytes(withdrawals.sent_messages_slot(h)),
        case["expected_slot"],
    )


#: kind -> checker. Later issues add the Polygon families here.
CHECKERS: dict[str, Checker] = {
    "deposit_source_hash": check_deposit_source_hash,
    "withdrawal_hash": check_withdrawal_hash,
}


FamilyChecker = Callable[[Any], list[tuple[bool, str]]]
"""A family checker takes the parsed upstream file and returns (ok, detail) for each case."""


def family_checkers() -> dict[str, FamilyChecker]:
    """Upstream file name -> checker, gathered from every module of :mod:`l2spec.vectorcheck`."""
    import importlib
    import pkgutil

    try:
        package = importlib.import_module("l2spec.vectorcheck")
    except ImportError:
        return {}
    table: dict[str, FamilyChecker] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"l2spec.vectorcheck.{info.name}")
        table.update(getattr(module, "FAMILIES", {}))
    return table


def check_family_file(path: Path, doc: Any, checker: FamilyChecker) -> FileResult:
    """Run an upstream family's checker; any exception from a malformed file is a failed file."""
    family = path.name.removesuffix(".json")
    try:
        outcomes = checker(doc)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, L2SpecError) as exc:
        return FileResult(str(path), family, error=f"malformed file: {type(exc).__name__}: {exc}")
    if not outcomes:
        return FileResult(str(path), family, error="the file holds no case")
    cases = tuple(CaseResult(i, ok, detail) for i, (ok, detail) in enumerate(outcomes))
    return FileResult(str(path), family, cases)


def check_file(path: Path, families: Mapping[str, FamilyChecker] | None = None) -> FileResult:
    """Check every case of one vector file; problems with the file itself are an ``error``."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return FileResult(str(path), "?", error=f"not a readable JSON file: {exc}")
    families = family_checkers() if families is None else families
    if path.name in families and not (isinstance(doc, dict) and "kind" in doc):
        return check_family_file(path, doc, families[path.name])
    if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
        return FileResult(
            str(path), "?", error="unrecognised file: no 'kind' field and no known upstream name"
        )
    kind = doc["kind"]
    checker = CHECKERS.get(kind)
    if checker is None:
        return FileResult(str(path), kind, error=f"unknown vector kind {kind!r}")
    cases = doc.get("cases")
    if not isinstance(cases, list) or not cases:
        return FileResult(str(path), kind, error="'cases' must be a non-empty list")
    results = []
    for i, case in enumerate(cases):
        try:
            if not isinstance(case, dict):
                raise VectorError("a case must be an object")
            diff = checker(case)
        except (KeyError, TypeError, ValueError, L2SpecError) as exc:
            diff = f"malformed case: {type(exc).__name__}: {exc}"
        results.append(CaseResult(i, diff is None, diff or ""))
    return FileResult(str(path), kind, tuple(results))


def check_dir(directory: Path) -> list[FileResult]:
    """Check every ``*.json`` file under ``directory`` (recursively, in name order)."""
    if not directory.is_dir():
        raise VectorError(f"{directory} is not a directory")
    files = sorted(directory.rglob("*.json"))
    if not files:
        raise VectorError(f"no *.json vector files under {directory}")
    families = family_checkers()
    return [check_file(f, families) for f in files]


@dataclass
class Summary:
    files: int = 0
    cases: int = 0
    failed_cases: int = 0
    failed_files: list[str] = field(default_factory=list)


def summarize(results: list[FileResult]) -> Summary:
    s = Summary(files=len(results))
    for r in results:
        s.cases += len(r.cases)
        s.failed_cases += len(r.cases) - r.passed
        if not r.ok:
            s.failed_files.append(r.path)
    return s


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="folder of vector files, searched recursively (default: the shared vectors folder)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace) -> int:
    directory: Path = args.dir if args.dir is not None else vectors_dir()
    results = check_dir(directory)
    summary = summarize(results)
    if args.json:
        from l2spec.cli import emit_json

        emit_json(
            {
                "dir": str(directory),
                "ok": not summary.failed_files,
                "summary": asdict(summary),
                "files": [
                    {
                        **asdict(r),
                        "ok": r.ok,
                        "passed": r.passed,
                        "cases": [asdict(c) for c in r.cases],
                    }
                    for r in results
                ],
            }
        )
    else:
        console = Console()
        table = Table(title=f"vectors in {directory}")
        table.add_column("file")
        table.add_column("kind")
        table.add_column("cases", justify="right")
        table.add_column("result")
        for r in results:
            verdict = "[green]pass[/]" if r.ok else f"[red]FAIL[/] {r.error or ''}"
            table.add_row(Path(r.path).name, r.kind, f"{r.passed}/{len(r.cases)}", verdict)
        console.print(table)
        for r in results:
            for c in r.cases:
                if not c.ok:
                    console.print(f"[red]{Path(r.path).name} case {c.index}:[/] {c.detail}")
        console.print(
            f"{summary.files} files, {summary.cases} cases, {summary.failed_cases} failed cases, "
            f"{len(summary.failed_files)} failed files"
        )
    return 0 if not summary.failed_files else 1
