"""``l2spec verify``: verify a STARK proof file (see :mod:`l2spec.commands.stark`)."""

from __future__ import annotations

import argparse

from l2spec.commands.stark import add_verify_arguments, run_verify


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_verify_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return run_verify(args)
