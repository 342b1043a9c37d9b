"""Where l2spec finds data that lives outside the Python package.

- the upstream known-answer vectors: ``$L2SPEC_VECTORS`` or ``../shared/vectors`` next to the
  checkout;
- the npm packages the project installs (``npm ci`` at the repository root):
  ``$L2SPEC_NODE_MODULES`` or the nearest ``node_modules`` above the current directory or above
  this file.
"""

from __future__ import annotations

import os
from pathlib import Path

from l2spec.errors import ArtifactError, VectorError

#: The repository root when running from a checkout (this file is ``<root>/l2spec/paths.py``).
SOURCE_ROOT = Path(__file__).resolve().parent.parent


def _ancestors(start: Path) -> list[Path]:
    start = start.resolve()
    return [start, *start.parents]


def vectors_dir() -> Path:
    """The directory holding upstream vectors (``opstack/``, ``polygon/``)."""
    env = os.environ.get("L2SPEC_VECTORS")
    candidates = [Path(env)] if env else []
    for base in (*_ancestors(Path.cwd()), SOURCE_ROOT):
        candidates.append(base / "shared" / "vectors")
        candidates.append(base.parent / "shared" / "vectors")
    for c in candidates:
        if (c / "README.md").is_file() or (c / "opstack").is_dir():
            return c
    raise VectorError(
        "cannot find the upstream vectors: set L2SPEC_VECTORS or keep ../shared/vectors beside "
        "the checkout"
    )


def node_modules_dir() -> Path:
    """The ``node_modules`` folder the project installed with ``npm ci``."""
    env = os.environ.get("L2SPEC_NODE_MODULES")
    if env:
        p = Path(env)
        if p.is_dir():
            return p
        raise ArtifactError(f"L2SPEC_NODE_MODULES={env} is not a directory")
    for base in (*_ancestors(Path.cwd()), *_ancestors(SOURCE_ROOT)):
        p = base / "node_modules"
        if (p / "@eth-optimism" / "contracts-bedrock").is_dir():
            return p
    raise ArtifactError(
        "@eth-optimism/contracts-bedrock is not installed: run `npm ci` at the repository root "
        "(tox does this for you) or set L2SPEC_NODE_MODULES"
    )
