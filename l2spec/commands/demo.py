"""``l2spec demo``: run an end-to-end story on the reference spec and print what happened."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model",
        choices=["op", "zk"],
        help="which rollup's story to run (op: OP Stack; zk: Polygon zkEVM Etrog)",
    )
    parser.add_argument("--json", action="store_true", help="print the story as JSON")


def _emit(args: argparse.Namespace, story: Any) -> None:
    from l2spec.cli import emit_json

    emit_json(
        {
            "model": args.model,
            "success": story.success,
            "steps": [{**asdict(s), "as_expected": s.as_expected} for s in story.steps],
            "facts": story.facts,
        }
    )


def _table(title: str, story: Any) -> Table:
    table = Table(title=title)
    table.add_column("#", justify="right")
    table.add_column("where")
    table.add_column("what happened")
    table.add_column("protocol's answer")
    for s in story.steps:
        colour = "green" if s.as_expected else "bold red"
        table.add_row(str(s.number), s.layer, s.action, f"[{colour}]{s.outcome}[/]")
    return table


def _run_zk(args: argparse.Namespace) -> int:
    from l2spec.demos.zk import run_zk_demo

    console = Console(stderr=args.json)
    with console.status("running the Polygon zkEVM story on the spec…"):
        story = run_zk_demo()
    if args.json:
        _emit(args, story)
    else:
        console.print(
            _table("l2spec demo zk — the Polygon zkEVM (Etrog) story on the reference spec", story)
        )
        f = story.facts
        console.print(
            f"verified state root == executor's SMT root: "
            f"{f.get('verified_state_root') == f.get('executor_state_root')} "
            f"(batch #{f.get('verified_batch')}); L1 payout {f.get('l1_payout')} wei for an exit "
            f"of {f.get('exit_amount')} wei; every step as expected: {story.success}"
        )
    return 0 if story.success else 1


def run(args: argparse.Namespace) -> int:
    if args.model == "zk":
        return _run_zk(args)
    from l2spec.demos.op import run_op_demo

    console = Console(stderr=args.json)
    with console.status("running the OP Stack story on the spec…"):
        story = run_op_demo()
    if args.json:
        _emit(args, story)
    else:
        console.print(_table("l2spec demo op — the OP Stack story on the reference spec", story))
        f = story.facts
        console.print(
            f"derived chain == sequencer chain: {f.get('derived_equals_sequenced')} "
            f"({f.get('derived_blocks')} L2 blocks, safe head #{f.get('safe_head')}); "
            f"every step as expected: {story.success}"
        )
    return 0 if story.success else 1
