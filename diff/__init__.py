"""Differential fuzzing of the spec against implementations (arrives with issue 5/6)."""
