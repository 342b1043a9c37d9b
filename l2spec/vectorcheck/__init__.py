"""Checkers of upstream vector families (Polygon zkEVM file layouts), one FAMILIES table per module."""
