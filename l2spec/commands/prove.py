"""``l2spec prove``: prove a STARK statement (see :mod:`l2spec.commands.stark`)."""

from __future__ import annotations

import argparse

from l2spec.commands.stark import add_prove_arguments, run_prove


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_prove_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return run_prove(args)
