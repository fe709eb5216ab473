"""Import time: ``import ideogram_async`` against importing its dependencies alone.

Each sample is a fresh interpreter (``python -c``) that times its own import statement with
``time.perf_counter()``, so interpreter start-up is left out. The three kinds of sample (the
SDK, the dependencies ``httpx, attrs, cattrs, anyio`` together, and an empty statement for the
timer's own cost) take turns, so drift on the machine hits them alike; the medians are compared.

    python benchmarks/bench_import.py [--repeat 40] [--check] [--profile]

The target is an SDK/dependencies ratio of at most ``--target`` (1.3). With ``--check`` the
script exits 1 when the ratio is above it. ``--profile`` prints the modules that importing the
SDK adds on top of its dependencies, by their own import time (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

TARGETS = {
    "ideogram_async": "import ideogram_async",
    "httpx+attrs+cattrs+anyio": "import httpx, attrs, cattrs, anyio",
    "(nothing)": "pass",
}
_PROGRAM = "import time; t = time.perf_counter(); {statement}; print(repr(time.perf_counter() - t))"
_CACHE = os.path.join(tempfile.gettempdir(), "ideogram-async-bench-pycache")
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # Every module is timed from bytecode, as after an install: a private cache, filled by the
    # warm-up, so a tree without __pycache__ (or PYTHONDONTWRITEBYTECODE) does not time the
    # compiler, and the source tree is left untouched.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _CACHE
    return env


def _sample(statement: str) -> float:
    """Seconds one fresh interpreter spends on ``statement``."""
    out = subprocess.run(
        [sys.executable, "-c", _PROGRAM.format(statement=statement)],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    )
    return float(out.stdout.strip())


def _importtime(statement: str) -> dict[str, int]:
    """Each module's own import time in microseconds, from ``python -X importtime``."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    )
    times: dict[str, int] = {}
    for line in out.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match:
            times[match.group(4)] = int(match.group(1))
    return times


def _profile(repeat: int) -> None:
    """Print the modules the SDK adds to its dependencies' imports, slowest first."""
    runs = max(5, repeat // 4)
    sdk = [_importtime(TARGETS["ideogram_async"]) for _ in range(runs)]
    deps = _importtime(TARGETS["httpx+attrs+cattrs+anyio"])
    added = {name for name in sdk[0] if name not in deps}
    own = {name: statistics.median(run.get(name, 0) for run in sdk) for name in added}
    total = sum(own.values())
    print(f"modules imported by ideogram_async but not by its dependencies ({runs} runs):")
    print(f"{'self µs':>9}  module")
    for name, micros in sorted(own.items(), key=lambda item: -item[1])[:25]:
        print(f"{micros:>9.0f}  {name}")
    print(f"{total:>9.0f}  in all, over {len(added)} modules")


def main() -> int:
    """Measure, print the medians and the ratio, and judge them against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="fresh interpreters per target")
    parser.add_argument("--target", type=float, default=1.3, help="the highest ratio allowed")
    parser.add_argument("--check", action="store_true", help="exit 1 if the ratio is above target")
    parser.add_argument("--profile", action="store_true", help="also list the SDK's own modules")
    args = parser.parse_args()

    for statement in TARGETS.values():  # fill the bytecode cache and the OS file cache
        _sample(statement)
        _sample(statement)
    samples: dict[str, list[float]] = {name: [] for name in TARGETS}
    for _ in range(args.repeat):
        for name, statement in TARGETS.items():
            samples[name].append(_sample(statement))

    floor = statistics.median(samples["(nothing)"])
    sdk = statistics.median(samples["ideogram_async"]) - floor
    deps = statistics.median(samples["httpx+attrs+cattrs+anyio"]) - floor
    ratio = sdk / deps
    print(
        f"import time, median of {args.repeat} fresh interpreters each "
        f"(Python {sys.version.split()[0]})"
    )
    for name in ("ideogram_async", "httpx+attrs+cattrs+anyio"):
        values = sorted(samples[name])
        low, high = values[len(values) // 10], values[-1 - len(values) // 10]
        print(
            f"{name:<26} {statistics.median(values) * 1e3:7.1f} ms  "
            f"(p10 {low * 1e3:.1f}, p90 {high * 1e3:.1f})"
        )
    verdict = "ok" if ratio <= args.target else "FAIL"
    print(f"{'ratio':<26} {ratio:7.2f}x    (target <= {args.target}x)  {verdict}")
    if args.profile:
        print()
        _profile(args.repeat)
    return 1 if verdict == "FAIL" and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
