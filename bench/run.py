"""l2spec benchmarks (``tox -e bench``).

Each benchmark measures an implementation against a baseline *in the same run*, on the same machine,
and reports the ratio. Results go to ``bench/results/latest.json`` and ``bench/results/latest.png``.
Timings are medians of repeated runs (``time.perf_counter``); nothing here is asserted by the tests.

Benchmarks so far:
- ``goldilocks_mul_vec``: element-wise Goldilocks products, native (Rust core) vs. pure Python
  ``a * b % p``. At this granularity the cost is dominated by converting Python lists at the
  boundary; the prover (issue 3/6) keeps its data on the Rust side.
- ``stark`` (``bench/stark.py``): prove time, verify time and proof size of the fib-small STARK at
  the "S-100" parameters for the spec prover, the native prover (when built) and winterfell 0.13.1
  (``bench/winterfell-fib``), with 1 and 2 rayon threads; plot in ``bench/results/stark.png``.
  ``--stark-max-log-rows`` caps the trace size, ``--spec-max-log-rows`` the spec prover's,
  ``--no-stark`` skips it; ``--quick`` runs small sizes only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

P = 2**64 - 2**32 + 1
RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    cpuinfo: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if not key.strip():
                break  # the first processor's block is enough
            cpuinfo.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    cpu = cpuinfo.get("model name", cpu)
    return {
        "cpu": cpu,
        "cpu_family_model": f"family {cpuinfo.get('cpu family', '?')} model "
        f"{cpuinfo.get('model', '?')}",
        "cores": os.cpu_count(),
        "cpu_flags": cpu_flags(),
        "memory_gb": memory_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


SIMD_FLAGS = ("sse4_2", "avx", "avx2", "bmi1", "bmi2", "adx", "sha_ni", "avx512f", "avx512ifma")


def cpu_flags() -> list[str]:
    """The CPU flags that matter for field arithmetic and hashing (from /proc/cpuinfo)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                have = set(line.split(":", 1)[1].split())
                return [f for f in SIMD_FLAGS if f in have]
    except OSError:
        pass
    return []


def memory_gb() -> float | None:
    """Total memory in GiB (from /proc/meminfo)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except (OSError, ValueError):
        pass
    return None


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def bench_goldilocks(sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    from l2spec.impl import _native

    rng = random.Random(1)
    rows = []
    for n in sizes:
        a = [rng.randrange(P) for _ in range(n)]
        b = [rng.randrange(P) for _ in range(n)]
        assert _native.goldilocks_mul_vec(a, b) == [x * y % P for x, y in zip(a, b, strict=True)]
        t_native = median_seconds(lambda a=a, b=b: _native.goldilocks_mul_vec(a, b), repeat)
        t_python = median_seconds(
            lambda a=a, b=b: [x * y % P for x, y in zip(a, b, strict=True)], repeat
        )
        rows.append(
            {
                "n": n,
                "native_s": t_native,
                "python_baseline_s": t_python,
                "speedup_vs_python": t_python / t_native,
            }
        )
    return rows


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["benchmarks"]["goldilocks_mul_vec"]
    fig, ax = plt.subplots(figsize=(6, 4))
    ns = [r["n"] for r in rows]
    ax.loglog(ns, [r["native_s"] for r in rows], "o-", label="native (Rust core)")
    ax.loglog(ns, [r["python_baseline_s"] for r in rows], "s--", label="pure Python baseline")
    ax.set_xlabel("elements")
    ax.set_ylabel("seconds (median)")
    ax.set_title(f"Goldilocks mul_vec on {results['machine']['cpu']}", fontsize=8)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--json", action="store_true", help="print the results JSON to stdout")
    parser.add_argument(
        "--stark-max-log-rows", type=int, default=20, help="largest STARK trace: 2^this rows"
    )
    parser.add_argument(
        "--spec-max-log-rows", type=int, default=14, help="largest trace for the spec prover"
    )
    parser.add_argument("--no-stark", action="store_true", help="skip the STARK benchmark")
    args = parser.parse_args()

    sizes = [2**8, 2**12] if args.quick else [2**8, 2**12, 2**16, 2**18]
    results: dict[str, Any] = {
        "machine": machine(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "benchmarks": {"goldilocks_mul_vec": bench_goldilocks(sizes, args.repeat)},
    }

    def log(line: str) -> None:
        print(line, file=sys.stderr if args.json else sys.stdout)

    if not args.no_stark:
        import stark  # bench/stark.py, next to this file

        results["benchmarks"]["stark"] = stark.run(
            max_log_rows=args.stark_max_log_rows,
            spec_max_log_rows=args.spec_max_log_rows,
            quick=args.quick,
            repeat=max(args.repeat, 3),
            log=log,
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    plot(results, args.out / "latest.png")
    if "stark" in results["benchmarks"]:
        stark.plot(
            results["benchmarks"]["stark"], results["machine"]["cpu"], args.out / "stark.png"
        )
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"machine: {results['machine']['cpu']} ({results['machine']['cores']} cores)")
        for r in results["benchmarks"]["goldilocks_mul_vec"]:
            print(
                f"goldilocks_mul_vec n={r['n']:>7}: native {r['native_s'] * 1e3:8.3f} ms, "
                f"python {r['python_baseline_s'] * 1e3:8.3f} ms, x{r['speedup_vs_python']:.1f}"
            )
        if "stark" in results["benchmarks"]:
            print(stark.markdown_table(results["benchmarks"]["stark"]))
        print(f"wrote {args.out / 'latest.json'}, latest.png and stark.png in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
