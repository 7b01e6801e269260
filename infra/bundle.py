"""Build the Lambda package without the AWS SDK the runtime already provides, and check it.

``chalice package``/``chalice deploy`` run ``pip download -r requirements.txt``, which pulls in
every dependency: pynamodb brings botocore (21 MB of the 25 MB unzipped). With ``PIP_NO_DEPS=1``
in the environment pip installs exactly the pinned lines of ``requirements.txt`` and nothing
else, so requirements.txt must pin every runtime dependency except the runtime's SDK
(``missing_requirements`` checks that). If ``PIP_NO_DEPS`` is forgotten, the package merely
grows back to ~18 MB: it still works.

Used by bench/package.py, tests/deploy and infra/deploy.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROJECT_FILES = ("app.py", "chalicelib", "requirements.txt", "vendor")
# What the python3.12 Lambda runtime puts on sys.path besides the function's code: boto3 and
# its dependencies (distribution names).
RUNTIME_SDK = ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3")
SLIM_ENV = {"PIP_NO_DEPS": "1"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(requirements: Path = ROOT / "requirements.txt") -> list[str]:
    names = []
    for raw in requirements.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(canonical(re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0]))
    return names


def missing_requirements(requirements: Path = ROOT / "requirements.txt") -> dict[str, list[str]]:
    """{requirement: its dependencies neither pinned nor in the runtime} (installed metadata)."""
    from packaging.requirements import Requirement

    have = set(pinned(requirements)) | {canonical(name) for name in RUNTIME_SDK}
    missing: dict[str, list[str]] = {}
    for name in pinned(requirements):
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            missing[name] = ["(not installed: cannot check its dependencies)"]
            continue
        for spec in requires:
            requirement = Requirement(spec)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue  # an extra, or not for this Python
            if canonical(requirement.name) not in have:
                missing.setdefault(name, []).append(requirement.name)
    return missing


def scratch_project(into: Path) -> Path:
    """A copy of what Chalice packages, so the repository's .chalice/deployments cache is untouched."""
    project = into / "project"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, project / name)
    (project / ".chalice").mkdir()
    for source in (ROOT / ".chalice").glob("*.json"):
        shutil.copy2(source, project / ".chalice" / source.name)
    return project


def chalice_package(project: Path, stage: str, out: Path, slim: bool = True) -> Path:
    """``chalice package --stage STAGE OUT`` offline (no credentials); returns OUT."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({"AWS_DEFAULT_REGION": "eu-north-1", **(SLIM_ENV if slim else {})})
    if not slim:
        env.pop("PIP_NO_DEPS", None)
    result = subprocess.run(
        [str(BIN / "chalice"), "package", "--stage", stage, str(out)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"chalice package --stage {stage} failed:\n{result.stdout}\n{result.stderr}")
    return out


def runtime_sdk(into: Path) -> Path:
    """A folder holding (links to) the SDK packages the Lambda runtime provides, and nothing else."""
    runtime = into / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_SDK:
        dist = distribution(name)
        tops = {
            f.parts[0]
            for f in dist.files or ()
            if not f.parts[0].endswith(("-info", "__pycache__")) and f.parts[0] != ".."
        }
        for top in tops:
            link = runtime / top
            if not link.exists():
                link.symlink_to(Path(dist.locate_file(top)))
    return runtime


def lambda_env(stage: str, task: Path, runtime: Path) -> dict[str, str]:
    """Environment of a Lambda-like interpreter (run it with ``python -S``): the stage's
    variables, ``/var/task`` then the runtime SDK on the path, no bytecode written (read-only
    /var/task), no credentials."""
    settings = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"][stage]
    return {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AWS_REGION": "eu-north-1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": f"{task}{os.pathsep}{runtime}",
        **settings.get("environment_variables", {}),
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m infra.bundle --stage prod --out build/prod``: package as deployed."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--bundled", action="store_true", help="let pip pull in botocore too")
    args = parser.parse_args(argv)
    missing = missing_requirements()
    if missing and not args.bundled:
        parser.error(f"requirements.txt must pin {missing}: PIP_NO_DEPS=1 would leave them out")
    out = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="gruppechat-package-") as scratch:
        chalice_package(scratch_project(Path(scratch)), args.stage, out, slim=not args.bundled)
    archive = out / "deployment.zip"
    print(f"{out / 'sam.json'}\n{archive} ({archive.stat().st_size / 1_000_000:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
