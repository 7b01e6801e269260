"""Fixtures for the deploy checks: the packaged stages, the infra template, the policies.

Everything here is offline: ``chalice package`` needs no credentials, cfn-lint reads files.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STAGES = ("dev", "prod")
TEMPLATE = ROOT / "infra" / "template.yaml"
REGION = "eu-north-1"


def chalice_config() -> dict[str, Any]:
    return json.loads((ROOT / ".chalice" / "config.json").read_text())


def stage_config(stage: str) -> dict[str, Any]:
    return chalice_config()["stages"][stage]


def load_policy(stage: str) -> dict[str, Any]:
    return json.loads((ROOT / ".chalice" / f"policy-{stage}.json").read_text())


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> dict[str, Path]:
    """``chalice package`` output folder of every stage (sam.json + deployment.zip), built as
    deployed: from a scratch copy of the project with ``PIP_NO_DEPS=1`` (infra/bundle.py)."""
    from infra.bundle import chalice_package, scratch_project

    base = tmp_path_factory.mktemp("packaged")
    project = scratch_project(base)
    return {stage: chalice_package(project, stage, base / stage) for stage in STAGES}


@pytest.fixture(scope="session")
def sam(packaged) -> dict[str, dict[str, Any]]:
    return {stage: json.loads((path / "sam.json").read_text()) for stage, path in packaged.items()}


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    from cfnlint.decode import decode

    parsed, problems = decode(str(TEMPLATE))
    assert not problems, problems
    return parsed


def lambda_functions(stage: str) -> dict[str, Any]:
    """Chalice's own view of the functions it deploys: {python name: LambdaFunction model}."""
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import models
    from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder

    config = CLIFactory(project_dir=str(ROOT)).create_config_obj(chalice_stage_name=stage)
    graph = ApplicationGraphBuilder().build(config, stage)
    return {
        resource.resource_name: resource
        for resource in DependencyBuilder().build_dependencies(graph)
        if isinstance(resource, models.LambdaFunction)
    }
