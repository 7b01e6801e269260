"""What a password costs: scrypt's time and memory at each cost, and a log-in on the REST function.

Each cost is measured in a fresh child process, so its peak memory (ru_maxrss) is its own. The
REST function's memory size comes from .chalice/config.json: Lambda gives a function CPU in
proportion to its memory, one full vCPU at 1,769 MB, and scrypt with p=1 uses one core, so the
time per hash there is the time here divided by that share (taking a Lambda core to be as fast
as this machine's; Graviton or an older Xeon can differ by tens of percent either way).

    .venv/bin/python -m bench.passwords            # N = 2^14 .. 2^17, 5 hashes each
    .venv/bin/python -m bench.passwords --repeats 10
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FULL_VCPU_MB = 1769  # Lambda: one vCPU's worth of CPU at this memory size
COSTS = (14, 15, 16, 17)


def measure(log2_n: int, repeats: int) -> dict[str, float]:
    """In this process: hash ``repeats`` times at N=2^log2_n through the product's own code."""
    os.environ["PASSWORD_SCRYPT_LOG2_N"] = str(log2_n)
    from chalicelib.accounts import passwords

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu, wall = [], []
    stored = ""
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        stored = passwords.hash_secret("tre-blå-elefanter")
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    c0 = time.process_time()
    assert passwords.check_secret("tre-blå-elefanter", stored)
    check_cpu = time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "log2_n": log2_n,
        "cpu_s": statistics.median(cpu),
        "wall_s": statistics.median(wall),
        "check_cpu_s": check_cpu,
        "peak_mib": peak / 1024,
        "added_mib": (peak - before) / 1024,
        "needs_mib": passwords.scrypt_memory(2**log2_n, passwords.R, passwords.P) / 2**20,
    }


def hmac_microseconds(repeats: int = 20_000) -> float:
    """A recovery code's check: one HMAC-SHA256 (the key derivation is another, per call)."""
    key, message = secrets.token_bytes(32), b"01HXYZABCDEFGHJKMNPQRSTVWX:ABCDEFGHJKLMNPQR"
    start = time.perf_counter()
    for _ in range(repeats):
        hmac.new(key, message, hashlib.sha256).hexdigest()
    return (time.perf_counter() - start) / repeats * 1e6


def in_child(log2_n: int, repeats: int) -> dict[str, float]:
    env = {**os.environ, "TOKEN_SECRET": "bench-secret-not-for-production-0123456789"}
    out = subprocess.run(
        [sys.executable, "-m", "bench.passwords", "--child", str(log2_n), "--repeats", str(repeats)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def rest_memory_mb() -> dict[str, int]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {
        stage: int(values["lambda_functions"]["api_handler"]["lambda_memory_size"])
        for stage, values in config["stages"].items()
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure(args.child, args.repeats)))
        return 0

    print(f"scrypt r=8 p=1 on this machine ({cpu_model()}, {os.cpu_count()} cores), median of {args.repeats}:\n")
    print(f"{'N':>6} {'hash CPU':>10} {'hash wall':>10} {'check CPU':>10} {'scrypt needs':>13} {'peak RSS':>10}")
    rows = [in_child(log2_n, args.repeats) for log2_n in COSTS]
    for row in rows:
        print(
            f"{'2^' + str(int(row['log2_n'])):>6} {row['cpu_s'] * 1000:>8.0f}ms {row['wall_s'] * 1000:>8.0f}ms "
            f"{row['check_cpu_s'] * 1000:>8.0f}ms {row['needs_mib']:>10.1f}MiB {row['peak_mib']:>7.0f}MiB"
        )
    chosen = rows[-1]
    print(f"\nA recovery code's HMAC: {hmac_microseconds():.1f} µs (no slow hash: the code is 80 random bits).")
    print("\nOn the REST function (api_handler) at N=2^17, from .chalice/config.json:")
    for stage, memory in rest_memory_mb().items():
        share = min(1.0, memory / FULL_VCPU_MB)
        per_hash = chosen["cpu_s"] / share
        room = memory - chosen["peak_mib"]
        print(
            f"  {stage}: {memory} MB → {share:.2f} vCPU; one hash ≈ {per_hash * 1000:.0f} ms. "
            f"Log-in ≈ {per_hash * 1000:.0f} ms of hashing (the first after a cost change "
            f"≈ {2 * per_hash * 1000:.0f} ms: check, then rehash); sign-up and recovery one hash, "
            f"a change of password two. Memory left beside scrypt's peak: {room:.0f} MB."
        )
        if room < memory / 2:
            print(f"  WARNING: scrypt takes more than half of {stage}'s {memory} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
