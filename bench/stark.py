"""The STARK benchmark: the spec prover, the native prover and winterfell on one AIR and parameters.

The statement is winterfell's ``fib-small`` (2 columns, ``s0' = s0 + s1``, ``s1' = s1 + s0'``,
``s0[0] = 1``, ``s1[0] = 1``, ``s1[N − 1] = result``; ``spec/stark/airs/fib.py`` and
``bench/winterfell-fib``), the parameters the contract's ``"S-100"`` preset: blowup 8, 28 queries,
16 grinding bits, BLAKE3-256 Merkle trees and transcript, FRI folding 8 down to at most 256 values
(winterfell: remainder max degree 31), cubic extension ``x^3 − x − 1`` (winterfell's
``FieldExtension::Cubic`` is the same field). All three report 99 conjectured bits.

Series (each point is the median of ``repeat`` timed runs, in a fresh process per series and size):

- ``spec``: ``l2spec.spec.stark.prover.prove`` (pure Python, one core) and the spec verifier;
  sizes up to the ones it does within about a minute.
- ``native_t1``/``native_t2``: ``l2spec.impl.stark.prove`` with ``RAYON_NUM_THREADS`` 1 and 2,
  when that callable exists (verify time: ``l2spec.impl.stark.verify_proof`` when it exists); its
  proofs are also checked with the spec verifier and compared byte for byte with the spec's proof
  where both ran (the contract requires identical bytes). Otherwise the series is recorded as
  ``"native: not built yet"``. The native prove time includes converting the Python trace lists.
- ``winterfell_t1``/``winterfell_t2``: ``bench/winterfell-fib`` (``cargo build --release``),
  winterfell 0.13.1 with its ``concurrent`` feature, ``RAYON_NUM_THREADS`` 1 and 2.

Prove time excludes trace generation; verify time is one core. Proof sizes differ by design:
l2spec sends one Merkle path per query and layer (no multiproof), winterfell batches its openings.

Run it through ``bench/run.py`` (``tox -e bench``); ``python bench/stark.py --worker …`` is the
per-point child process.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WINTERFELL_DIR = HERE / "winterfell-fib"
WINTERFELL_BIN = WINTERFELL_DIR / "target" / "release" / "winterfell-fib"

PRESET = "S-100"
PARAMS = {
    "preset": PRESET,
    "air": "fib-small (2 columns, 2 degree-1 transitions, 3 assertions)",
    "blowup": 8,
    "queries": 28,
    "grinding_bits": 16,
    "hash": "blake3-256",
    "fri_folding": 8,
    "fri_remainder_max_size": 256,
    "winterfell_remainder_max_degree": 31,
    "extension": "cubic x^3 - x - 1",
    "conjectured_security_bits": 99,
}
WINTERFELL_ARGS = [
    "--blowup", "8", "--queries", "28", "--grinding", "16", "--extension", "3",
    "--folding", "8", "--remainder", "256",
]  # fmt: skip

NOT_BUILT = "native: not built yet"


# ------------------------------------------------------------------------------------------------
# Child process: one series at one size
# ------------------------------------------------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def worker(kind: str, log_rows: int, repeat: int) -> dict[str, Any]:
    """Prove (and verify) ``fib-small`` with ``2^log_rows`` rows ``repeat`` times in this process."""
    from l2spec.spec.stark import verifier
    from l2spec.spec.stark.airs.fib import FIB, fib_air, fib_trace
    from l2spec.spec.stark.params import conjectured_security, preset

    params = preset(PRESET)
    rows = 1 << log_rows
    trace_gen_s, trace = _timed(lambda: fib_trace(rows))
    air = fib_air(rows)
    prove: Callable[..., bytes]
    verify: Callable[..., Any] | None
    if kind == "spec":
        from l2spec.spec.stark import prover

        prove, verify = prover.prove, verifier.verify
    else:
        from l2spec.impl import stark as native

        prove, verify = vars(native)["prove"], vars(native).get("verify_proof")
    prove_samples: list[float] = []
    verify_samples: list[float] = []
    proof = b""
    for _ in range(repeat):
        seconds, proof = _timed(lambda: prove(air, trace, params))
        prove_samples.append(seconds)
        if verify is not None:
            t0 = time.perf_counter()
            verdict = verify(FIB, proof)
            verify_samples.append(time.perf_counter() - t0)
            if not verdict.ok:
                raise SystemExit(f"{kind} proof rejected by the {kind} verifier: {verdict.reason}")
    if kind != "spec":
        verdict = verifier.verify(FIB, proof)
        if not verdict.ok:
            raise SystemExit(f"{kind} proof rejected by the spec verifier: {verdict.reason}")
    return {
        "log_rows": log_rows,
        "rows": rows,
        "trace_gen_s": trace_gen_s,
        "prove_s": statistics.median(prove_samples),
        "verify_s": statistics.median(verify_samples) if verify_samples else None,
        "proof_bytes": len(proof),
        "proof_sha256": hashlib.sha256(proof).hexdigest(),
        "conjectured_security_bits": conjectured_security(params),
        "prove_samples_s": prove_samples,
        "verify_samples_s": verify_samples,
        "verified_by": "spec verifier" + ("" if kind == "spec" else f" and the {kind} verifier"),
    }


# ------------------------------------------------------------------------------------------------
# Parent: series, machine, ratios
# ------------------------------------------------------------------------------------------------


def _env(threads: int | None) -> dict[str, str]:
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    return env


def _run_json(cmd: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def native_status() -> str | None:
    """``None`` when ``l2spec.impl.stark.prove`` exists, else why the native series is absent."""
    try:
        from l2spec.impl import stark as native
    except Exception as exc:  # the extension module may be missing or stale
        return f"{NOT_BUILT} (l2spec.impl.stark does not import: {exc})"
    if not callable(getattr(native, "prove", None)):
        return f"{NOT_BUILT} (l2spec.impl.stark has no prove)"
    return None


def build_winterfell(log: Callable[[str], None]) -> str | None:
    """Build ``bench/winterfell-fib``; ``None`` on success, else why it is absent."""
    if shutil.which("cargo") is None:
        return "winterfell: cargo not found"
    log("building bench/winterfell-fib (cargo build --release) ...")
    env = _env(None)
    env["CARGO_TARGET_DIR"] = str(WINTERFELL_DIR / "target")
    done = subprocess.run(
        ["cargo", "build", "--release", "--locked", "--quiet"],
        cwd=WINTERFELL_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return f"winterfell: build failed: {done.stderr[-1000:]}"
    return None


def _series(
    name: str,
    sizes: list[int],
    point: Callable[[int], dict[str, Any]],
    limit_s: float,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Measure ``point`` at each size; stop before a size whose prove would exceed ``limit_s``
    (extrapolated ×(2^step + 0.5) from the last one) or after a failure."""
    rows: list[dict[str, Any]] = []
    note = ""
    for i, n in enumerate(sizes):
        if rows and i > 0:
            growth = 2 ** (n - sizes[i - 1]) + 0.5
            if rows[-1]["prove_s"] * growth > limit_s:
                note = f"stopped before 2^{n} rows (predicted prove > {limit_s:.0f} s)"
                break
        try:
            r = point(n)
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
            note = f"failed at 2^{n} rows: {exc}"
            log(f"  {name} 2^{n}: {note}")
            break
        rows.append(r)
        verify = f"{r['verify_s'] * 1e3:8.2f} ms" if r.get("verify_s") is not None else "     n/a"
        log(
            f"  {name:14} 2^{n:<2} prove {r['prove_s']:9.3f} s  verify {verify}  "
            f"proof {r['proof_bytes'] / 1024:7.1f} KB"
        )
    return {"status": "ok" if rows else (note or "no sizes"), "note": note, "points": rows}


def _by_size(series: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {p["log_rows"]: p for p in series.get("points", [])}


def ratios(series: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Prove-time ratios at equal sizes: native/winterfell per thread count, spec/native and
    spec/winterfell (one thread), and proof-size ratios; plus whether native bytes equal spec's."""
    idx = {k: _by_size(v) for k, v in series.items()}
    sizes = sorted({n for points in idx.values() for n in points})
    out = []

    def r(a: str, b: str, n: int, key: str = "prove_s") -> float | None:
        pa, pb = idx.get(a, {}).get(n), idx.get(b, {}).get(n)
        if pa is None or pb is None or not pb[key]:
            return None
        return float(pa[key]) / float(pb[key])

    for n in sizes:
        row: dict[str, Any] = {
            "log_rows": n,
            "native_over_winterfell_t1": r("native_t1", "winterfell_t1", n),
            "native_over_winterfell_t2": r("native_t2", "winterfell_t2", n),
            "spec_over_native_t1": r("spec", "native_t1", n),
            "spec_over_winterfell_t1": r("spec", "winterfell_t1", n),
            "proof_bytes_native_over_winterfell": r("native_t1", "winterfell_t1", n, "proof_bytes"),
            "proof_bytes_spec_over_winterfell": r("spec", "winterfell_t1", n, "proof_bytes"),
        }
        spec_point = idx.get("spec", {}).get(n)
        native_point = idx.get("native_t1", {}).get(n)
        if spec_point and native_point:
            row["native_bytes_equal_spec"] = (
                spec_point["proof_sha256"] == native_point["proof_sha256"]
            )
        out.append(row)
    return out


def toolchain() -> dict[str, str]:
    """rustc/cargo versions and RUSTFLAGS (both Rust provers use the default release flags)."""
    info = {"rustflags": os.environ.get("RUSTFLAGS", "")}
    for tool in ("rustc", "cargo"):
        try:
            done = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
            info[tool] = done.stdout.strip()
        except OSError:
            info[tool] = "not found"
    return info


def load() -> list[float]:
    """The 1/5/15-minute load averages (other work on the machine shows here)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def run(
    *,
    max_log_rows: int = 20,
    spec_max_log_rows: int = 14,
    quick: bool = False,
    repeat: int = 3,
    spec_limit_s: float = 60.0,
    limit_s: float = 120.0,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Every series; the ``"stark"`` entry of ``bench/results/latest.json``."""
    repeat = max(repeat, 3)
    if quick:
        spec_sizes = [n for n in (8, 10) if n <= max_log_rows]
        fast_sizes = [n for n in (10, 12) if n <= max_log_rows]
    else:
        spec_sizes = [n for n in range(6, spec_max_log_rows + 1, 2) if n <= max_log_rows]
        fast_sizes = [n for n in range(10, max_log_rows + 1, 2)]
    load_before = load()
    started = time.perf_counter()
    series: dict[str, dict[str, Any]] = {}

    def py_point(kind: str, threads: int | None) -> Callable[[int], dict[str, Any]]:
        def point(n: int) -> dict[str, Any]:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
            cmd += ["--log-rows", str(n), "--repeat", str(repeat)]
            return _run_json(cmd, _env(threads), timeout=limit_s * (repeat + 2))

        return point

    def wf_point(threads: int) -> Callable[[int], dict[str, Any]]:
        def point(n: int) -> dict[str, Any]:
            cmd = [str(WINTERFELL_BIN), "--log-rows", str(n), "--repeat", str(repeat)]
            return _run_json(cmd + WINTERFELL_ARGS, _env(threads), timeout=limit_s * (repeat + 2))

        return point

    log(f"stark: spec sizes 2^{spec_sizes}, native/winterfell sizes 2^{fast_sizes}, {repeat} runs")
    series["spec"] = _series("spec", spec_sizes, py_point("spec", 1), spec_limit_s, log)

    absent = native_status()
    for t in (1, 2):
        key = f"native_t{t}"
        if absent is None:
            series[key] = _series(key, fast_sizes, py_point("native", t), limit_s, log)
        else:
            series[key] = {"status": absent, "note": "", "points": []}
    if absent is not None:
        log(f"  {absent}")

    absent_wf = build_winterfell(log)
    for t in (1, 2):
        key = f"winterfell_t{t}"
        if absent_wf is None:
            series[key] = _series(key, fast_sizes, wf_point(t), limit_s, log)
        else:
            series[key] = {"status": absent_wf, "note": "", "points": []}
    if absent_wf is not None:
        log(f"  {absent_wf}")

    return {
        "parameters": PARAMS,
        "repeat": repeat,
        "toolchain": toolchain(),
        "load_average_before": load_before,
        "load_average_after": load(),
        "wall_s": time.perf_counter() - started,
        "note": (
            "prove_s excludes trace generation; medians of `repeat` runs in one process per "
            "series and size; verify_s is single-threaded; the spec series is pure Python on one "
            "core. The machine may be shared with other work: see the load averages."
        ),
        "series": series,
        "ratios": ratios(series),
    }


# ------------------------------------------------------------------------------------------------
# Plot and table
# ------------------------------------------------------------------------------------------------

LABELS = {
    "spec": ("spec (Python, 1 core)", "o-", "tab:blue"),
    "native_t1": ("native, 1 thread", "s-", "tab:red"),
    "native_t2": ("native, 2 threads", "s--", "tab:red"),
    "winterfell_t1": ("winterfell 0.13.1, 1 thread", "^-", "tab:green"),
    "winterfell_t2": ("winterfell 0.13.1, 2 threads", "^--", "tab:green"),
}
"""Series name → (legend label, line style, colour); the ``_t2`` series share their ``_t1`` colour."""


def plot(stark: dict[str, Any], cpu: str, path: Path) -> None:
    """Prove time, verify time and proof size against trace rows (log scales) into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    panels = (("prove_s", "prove (s, median)"), ("verify_s", "verify (s, median, 1 core)"))
    for ax, (key, ylabel) in zip(axes[:2], panels, strict=True):
        for name, (label, style, colour) in LABELS.items():
            if key == "verify_s" and name.endswith("_t2"):
                continue  # verifiers are single-threaded: one series each
            pts = [p for p in stark["series"][name]["points"] if p.get(key) is not None]
            if pts:
                xs, ys = [p["rows"] for p in pts], [p[key] for p in pts]
                ax.loglog(xs, ys, style, color=colour, label=label)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("trace rows N")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
    ax = axes[2]
    for name, (label, style, colour) in LABELS.items():
        pts = stark["series"][name]["points"]
        if pts and not name.endswith("_t2"):
            xs, ys = [p["rows"] for p in pts], [p["proof_bytes"] / 1024 for p in pts]
            ax.semilogx(xs, ys, style, color=colour, label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("trace rows N")
    ax.set_ylabel("proof size (KB)")
    ax.grid(True, which="both", alpha=0.3)
    absent = [s["status"] for s in stark["series"].values() if s["status"] != "ok"]
    for a in axes:
        a.legend(fontsize=8)
    title = f"STARK fib-small, S-100 (B 8, q 28, g 16, BLAKE3, fold 8, cubic ext.) on {cpu}" + (
        f"\n{'; '.join(sorted(set(absent)))}" if absent else ""
    )
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "–"
    if unit == "ms":
        return f"{x * 1e3:.1f}"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def markdown_table(stark: dict[str, Any]) -> str:
    """The README table: one row per size; prove s, verify ms, proof KB, ratios."""
    idx = {k: _by_size(v) for k, v in stark["series"].items()}
    rat = {r["log_rows"]: r for r in stark["ratios"]}
    head = (
        "| rows | spec prove s | native prove s (1t / 2t) | winterfell prove s (1t / 2t) "
        "| verify ms (spec / native / winterfell) | proof KB (spec / native / winterfell) "
        "| native/winterfell (1t / 2t) | spec/native (1t) | spec/winterfell (1t) |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for n in sorted(rat):

        def g(s: str, key: str, n: int = n) -> Any:
            return idx.get(s, {}).get(n, {}).get(key)

        def kb(s: str) -> str:
            b = g(s, "proof_bytes")
            return "–" if b is None else f"{b / 1024:.1f}"

        lines.append(
            f"| 2^{n} | {_fmt(g('spec', 'prove_s'))} "
            f"| {_fmt(g('native_t1', 'prove_s'))} / {_fmt(g('native_t2', 'prove_s'))} "
            f"| {_fmt(g('winterfell_t1', 'prove_s'))} / {_fmt(g('winterfell_t2', 'prove_s'))} "
            f"| {_fmt(g('spec', 'verify_s'), 'ms')} / {_fmt(g('native_t1', 'verify_s'), 'ms')} "
            f"/ {_fmt(g('winterfell_t1', 'verify_s'), 'ms')} "
            f"| {kb('spec')} / {kb('native_t1')} / {kb('winterfell_t1')} "
            f"| {_fmt(rat[n]['native_over_winterfell_t1'])} / "
            f"{_fmt(rat[n]['native_over_winterfell_t2'])} "
            f"| {_fmt(rat[n]['spec_over_native_t1'])} "
            f"| {_fmt(rat[n]['spec_over_winterfell_t1'])} |"
        )
    same = [r for r in stark["ratios"] if "native_bytes_equal_spec" in r]
    if same:
        equal = ", ".join(f"2^{r['log_rows']}" for r in same if r["native_bytes_equal_spec"])
        differ = ", ".join(f"2^{r['log_rows']}" for r in same if not r["native_bytes_equal_spec"])
        lines.append("")
        lines.append(
            f"Native proof bytes equal the spec's at: {equal or 'none'}"
            + (f"; they DIFFER at: {differ}" if differ else "")
            + "."
        )
    return "\n".join(lines)


def _main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", choices=("spec", "native"), required=True)
    parser.add_argument("--log-rows", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(worker(args.worker, args.log_rows, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
