"""The ``l2spec`` command line.

Every subcommand has ``--help`` and ``--json``; misuse ends with a one-line error and exit code 2,
never a traceback. Subcommands are registered in :data:`COMMANDS` and implemented in their own
modules so this file stays a table of contents.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console

from l2spec import __version__
from l2spec.errors import L2SpecError

#: name -> (module, help). The module defines ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("l2spec.commands.demo", "run an end-to-end story on the spec and print what happened"),
    "vectors": ("l2spec.commands.vectors", "check the spec against upstream known-answer vectors"),
    "prove": (
        "l2spec.commands.prove",
        "prove a STARK statement (fib, poseidon-chain) and write the proof file",
    ),
    "verify": ("l2spec.commands.verify", "verify a STARK proof file"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="l2spec",
        description="Executable reference spec of optimistic and ZK rollups, differentially fuzzed.",
    )
    parser.add_argument("--version", action="version", version=f"l2spec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def emit_json(data: Any) -> None:
    """Write one JSON document to stdout (the ``--json`` output of every command)."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args._run
    try:
        return run(args)
    except L2SpecError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {type(exc).__name__}: {exc}")
        return 2
    except KeyboardInterrupt:
        Console(stderr=True).print("[yellow]interrupted[/]")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
