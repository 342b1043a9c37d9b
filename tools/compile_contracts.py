"""Compile l2spec's harness contracts with solc-js through crytic-compile and export them.

The harness sources under ``corpus/contracts/*.sol`` import the real OP Stack libraries of the
npm package ``@eth-optimism/contracts-bedrock`` (``src/...``). They are compiled as one
crytic-compile ``SolcStandardJson`` compilation unit (the only route that works with solc-js,
``/work/shared/design/fuzzing.md`` §5) by ``tools/solc_wrapper.js``, which fronts the npm ``solc``
package pinned in ``package.json`` (0.8.15, the compiler of contracts-bedrock 0.17.3's
``forge-artifacts``). The compiler settings are those of the package's own artifacts' metadata:
optimizer on with 999999 runs, EVM version ``london``.

The result is written in crytic-compile's ``standard`` export format to
``corpus/contracts/export/harness_export.json``; that file is committed, so tests reload it with
``crytic_compile.CryticCompile(Standard(path))`` and need no compiler. Paths in the export are
made relative to the repository root so the file does not depend on where the repository lives.

Usage (needs node, ``npm install`` and ``pip install crytic-compile==0.4.2``)::

    python tools/compile_contracts.py          # rewrite the export
    python tools/compile_contracts.py --check  # exit 1 if the committed export is stale
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = REPO_ROOT / "corpus" / "contracts"
EXPORT_PATH = CONTRACTS_DIR / "export" / "harness_export.json"
WRAPPER = REPO_ROOT / "tools" / "solc_wrapper.js"
BEDROCK = "node_modules/@eth-optimism/contracts-bedrock"

SETTINGS: dict[str, Any] = {
    "optimizer": {"enabled": True, "runs": 999999},
    "evmVersion": "london",
    "remappings": [f"src/={BEDROCK}/src/"],
}
"""The settings recorded in contracts-bedrock 0.17.3's ``forge-artifacts`` metadata (0.8.15
builds), with the one remapping the imported libraries need (they import ``src/...``)."""


def harness_sources() -> list[str]:
    """The harness ``.sol`` files, as paths relative to the repository root, sorted."""
    return sorted(p.relative_to(REPO_ROOT).as_posix() for p in CONTRACTS_DIR.glob("*.sol"))


def _relativize(value: Any, root: str) -> Any:
    """Strip the repository root from every string in a JSON value."""
    if isinstance(value, str):
        if value == root:
            return "."
        return value.replace(root + "/", "")
    if isinstance(value, list):
        return [_relativize(v, root) for v in value]
    if isinstance(value, dict):
        return {k: _relativize(v, root) for k, v in value.items()}
    return value


def build_export() -> dict[str, Any]:
    """Compile the harness sources and return crytic-compile's standard export, paths relative."""
    from crytic_compile import CryticCompile
    from crytic_compile.platform.solc_standard_json import SolcStandardJson
    from crytic_compile.platform.standard import generate_standard_export

    if shutil.which("node") is None:
        raise SystemExit("compile_contracts: node is not installed")
    if not (REPO_ROOT / BEDROCK).is_dir() or not (REPO_ROOT / "node_modules" / "solc").is_dir():
        raise SystemExit("compile_contracts: run `npm install` first")
    target = SolcStandardJson(
        {"language": "Solidity", "settings": json.loads(json.dumps(SETTINGS))}
    )
    for source in harness_sources():
        target.add_source_file(source)
    compilation = CryticCompile(
        target,
        solc=str(WRAPPER),
        solc_working_dir=str(REPO_ROOT),
        cwd=str(REPO_ROOT),
    )
    export: dict[str, Any] = _relativize(generate_standard_export(compilation), str(REPO_ROOT))
    return export


def _serialize(export: dict[str, Any]) -> str:
    return json.dumps(export, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed export")
    args = parser.parse_args(argv)
    text = _serialize(build_export())
    if args.check:
        current = EXPORT_PATH.read_text() if EXPORT_PATH.exists() else ""
        if current != text:
            print(f"{EXPORT_PATH.relative_to(REPO_ROOT)} is stale", file=sys.stderr)
            return 1
        print(f"{EXPORT_PATH.relative_to(REPO_ROOT)} is up to date")
        return 0
    EXPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    EXPORT_PATH.write_text(text)
    print(f"wrote {EXPORT_PATH.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
