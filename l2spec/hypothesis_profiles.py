"""Hypothesis profiles shared by the test suite and (later) fuzzing campaigns.

- ``ci``: derandomized, no example database, no deadline — loaded automatically when ``CI`` is set.
- ``dev``: the default on a workstation; a small budget, a local database.
- ``fuzz``: a large budget (``L2SPEC_FUZZ_EXAMPLES``, default 2000 per test) with the example database under ``corpus/hypothesis-db`` so campaigns
  resume where they stopped. Failures found are also stored as explicit files by the harness,
  because database entries are tied to the Hypothesis version and the test source.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from l2spec.paths import SOURCE_ROOT

FUZZ_DB = Path(os.environ.get("L2SPEC_FUZZ_DB", SOURCE_ROOT / "corpus" / "hypothesis-db"))


def register_profiles() -> str:
    """Register ``ci``, ``dev`` and ``fuzz``, load the one that applies and return its name.

    ``L2SPEC_HYPOTHESIS_PROFILE`` wins; otherwise ``ci`` under ``CI`` and ``dev`` elsewhere.
    """
    settings.register_profile(
        "ci",
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        max_examples=60,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.register_profile(
        "fuzz",
        max_examples=int(os.environ.get("L2SPEC_FUZZ_EXAMPLES", "2000")),
        deadline=None,
        database=DirectoryBasedExampleDatabase(str(FUZZ_DB)),
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    name = os.environ.get("L2SPEC_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    settings.load_profile(name)
    return name
