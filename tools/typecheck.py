"""Run mypy --strict over the l2spec namespace as it is imported.

The architecture folders (spec/, impl/, diff/, invariants/) live at the top of the repository and are
mapped into ``l2spec.*`` by setup.py. mypy cannot follow that mapping (nor the editable-install
finder), so this script lays out a package-shaped tree of symbolic links under build/mypy-tree and
checks ``l2spec`` there, so cross-module types are real, not ``Any``.

Usage: ``python tools/typecheck.py [PACKAGE ...]`` (default: the whole l2spec namespace).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = ROOT / "build" / "mypy-tree"
MAPPING = {"spec": "spec", "impl": "impl", "diff": "diff", "invariants": "invariants"}


def build_tree() -> Path:
    pkg = TREE / "l2spec"
    pkg.mkdir(parents=True, exist_ok=True)
    for entry in (ROOT / "l2spec").iterdir():
        link = pkg / entry.name
        if not link.is_symlink() and not link.exists():
            link.symlink_to(entry)
    for name, folder in MAPPING.items():
        link = pkg / name
        if not link.is_symlink() and not link.exists():
            link.symlink_to(ROOT / folder)
    return TREE


def main(argv: list[str]) -> int:
    from mypy import api

    tree = build_tree()
    targets = argv or ["l2spec"]
    args = ["--config-file", str(ROOT / "pyproject.toml")]
    for t in targets:
        args += ["-p", t]
    os.environ["MYPYPATH"] = str(tree)
    os.chdir(tree)
    out, err, code = api.run(args)
    sys.stdout.write(out.replace(str(tree) + os.sep, ""))
    sys.stderr.write(err)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
