"""Implementations of the `l2spec` subcommands, one module each."""
