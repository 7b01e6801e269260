"""How big is the Lambda package and how long does a cold start spend importing the handler?

    .venv/bin/python bench/package.py                  # prod stage, both variants
    .venv/bin/python bench/package.py --runs 9 --importtime

For each variant it runs ``chalice package`` in a scratch copy of the project (so the
repository's ``.chalice/deployments`` cache is neither used nor changed), then prints:

* ``deployment.zip`` zipped and unzipped, and the ten largest top-level packages inside;
* the cold import time of ``app`` from the unzipped package, relative to ``import boto3`` alone:
  median of fresh ``python -S`` interpreters whose path is the package, then the runtime's SDK
  (boto3 and its dependencies, compiled, as the runtime ships them) and nothing else of the
  virtualenv, with ``PYTHONDONTWRITEBYTECODE=1`` — Lambda's /var/task is read-only and Chalice
  ships no ``.pyc``, so every cold start compiles the package's own modules.

Variants (see infra/bundle.py):

* ``bundled`` — pip resolves ``requirements.txt`` as usual: pynamodb pulls in botocore.
* ``runtime-sdk`` — ``PIP_NO_DEPS=1``: exactly the pinned lines of ``requirements.txt``; the
  runtime provides botocore.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from infra.bundle import chalice_package, lambda_env, runtime_sdk, scratch_project

ROOT = Path(__file__).resolve().parents[1]

VARIANTS = {"bundled": False, "runtime-sdk": True}  # name → slim
TIMER = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def sizes(archive: Path) -> tuple[int, int, int, list[tuple[str, int]]]:
    with zipfile.ZipFile(archive) as zipped:
        infos = [info for info in zipped.infolist() if not info.is_dir()]
    by_package: Counter[str] = Counter()
    for info in infos:
        top = info.filename.split("/", 1)[0]
        if top.endswith((".dist-info", ".egg-info")):
            top = top.split("-", 1)[0].lower() + " (metadata)"
        by_package[top] += info.file_size
    unzipped = sum(info.file_size for info in infos)
    return archive.stat().st_size, unzipped, len(infos), by_package.most_common(10)


def import_seconds(module: str, cwd: Path, env: dict[str, str]) -> float:
    result = subprocess.run(
        [sys.executable, "-S", "-c", TIMER.format(module=module)],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip())


def importtime_by_package(cwd: Path, env: dict[str, str], count: int = 10) -> list[tuple[int, str]]:
    """Self import time of ``import app`` summed by top-level package (``python -X importtime``)."""
    result = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", "-c", "import app"],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    by_package: Counter[str] = Counter()
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative_us, name = line[len("import time:") :].split("|")
        by_package[name.strip().split(".", 1)[0]] += int(self_us)
    return [(micros, name) for name, micros in by_package.most_common(count)]


def human(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1_000:.0f} kB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="prod")
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per import timing")
    parser.add_argument("--variant", choices=sorted(VARIANTS), action="append")
    parser.add_argument("--importtime", action="store_true", help="also break app's import time down by package")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="gruppechat-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        runtime = runtime_sdk(scratch)
        empty = scratch / "empty"
        empty.mkdir()
        env = lambda_env(args.stage, empty, runtime)
        import_seconds("boto3", empty, env)  # the first run pays for disk caches
        boto3 = statistics.median(import_seconds("boto3", empty, env) for _ in range(args.runs))
        print(f"import boto3 alone (the runtime's SDK): {boto3 * 1000:.0f} ms (median of {args.runs})\n")

        summary = []
        for variant in args.variant or list(VARIANTS):
            slim = VARIANTS[variant]
            work = scratch / variant
            project = scratch_project(work)
            archive = chalice_package(project, args.stage, work / "out", slim=slim) / "deployment.zip"
            zipped, unzipped, files, top = sizes(archive)
            task = work / "task"  # what Lambda unpacks into /var/task
            with zipfile.ZipFile(archive) as zipped_file:
                zipped_file.extractall(task)
            env = lambda_env(args.stage, task, runtime)
            import_seconds("app", task, env)
            app = statistics.median(import_seconds("app", task, env) for _ in range(args.runs))
            print(f"== {variant} ({args.stage}{', PIP_NO_DEPS=1' if slim else ''})")
            print(f"deployment.zip: {human(zipped)} zipped, {human(unzipped)} unzipped, {files} files")
            for name, size in top:
                print(f"  {human(size):>9}  {name}")
            print(f"cold import app: {app * 1000:.0f} ms = {app / boto3:.2f} × import boto3")
            if args.importtime:
                print("  import time by package (self, one run):")
                for micros, name in importtime_by_package(task, env):
                    print(f"  {micros / 1000:7.1f} ms  {name}")
            print()
            summary.append((variant, zipped, unzipped, app))

    if len(summary) > 1:
        print("| variant | zipped | unzipped | cold import of app | ratio to import boto3 |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for variant, zipped, unzipped, app in summary:
            print(f"| {variant} | {human(zipped)} | {human(unzipped)} | {app * 1000:.0f} ms | {app / boto3:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
