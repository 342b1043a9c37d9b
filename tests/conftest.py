"""Test-wide setup: Hypothesis profiles (``ci`` under CI=true, ``dev`` locally, ``fuzz`` on demand)."""

from l2spec.hypothesis_profiles import register_profiles

PROFILE = register_profiles()


def pytest_report_header() -> str:
    return f"l2spec hypothesis profile: {PROFILE}"
