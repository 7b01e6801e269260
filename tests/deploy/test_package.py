"""`chalice package` builds every stage offline, as Python 3.12, and cfn-lint finds no error."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from .conftest import BIN, ROOT, STAGES, TEMPLATE, load_policy, stage_config

FUNCTION = "AWS::Serverless::Function"


def functions(template: dict) -> dict[str, dict]:
    return {name: r["Properties"] for name, r in template["Resources"].items() if r["Type"] == FUNCTION}


def by_handler(template: dict) -> dict[str, dict]:
    """Function properties by Python handler name (``app.message`` → ``message``, ``app.app`` → REST)."""
    return {props["Handler"].split(".", 1)[1]: props for props in functions(template).values()}


@pytest.mark.parametrize("stage", STAGES)
def test_every_function_runs_python_3_12(sam, stage):
    runtimes = {name: props["Runtime"] for name, props in functions(sam[stage]).items()}
    assert runtimes and set(runtimes.values()) == {"python3.12"}, runtimes


@pytest.mark.parametrize("stage", STAGES)
def test_stage_settings_reach_the_template(sam, stage):
    settings = stage_config(stage)
    handlers = by_handler(sam[stage])
    configured = settings["lambda_functions"]
    # Chalice keys lambda_functions by its own names: the WebSocket handlers are
    # websocket_connect/_message/_disconnect, the REST handler api_handler, a schedule or an
    # authorizer its Python function name.
    names = {
        "app": "api_handler",
        "connect": "websocket_connect",
        "message": "websocket_message",
        "disconnect": "websocket_disconnect",
    }
    for handler, props in handlers.items():
        key = names.get(handler, handler)
        assert key in configured, f"{handler}: no lambda_functions.{key} in .chalice/config.json ({stage})"
        assert props["MemorySize"] == configured[key]["lambda_memory_size"], handler
        assert props["Timeout"] == configured[key]["lambda_timeout"], handler
        assert props["Environment"]["Variables"] == settings["environment_variables"]
        assert props.get("ReservedConcurrentExecutions") == configured[key].get("reserved_concurrency"), handler
    assert handlers["message"]["Timeout"] < 29, "API Gateway stops waiting after 29 s"
    assert handlers["app"]["Timeout"] < 29, "API Gateway stops waiting after 29 s"
    if "tick" in handlers:  # the minute schedule
        assert handlers["tick"]["Timeout"] < 60, "a tick must end before the next one starts"
        assert handlers["tick"]["Timeout"] != handlers["message"]["Timeout"]
        if stage == "prod":
            assert handlers["tick"]["ReservedConcurrentExecutions"] == 1


@pytest.mark.parametrize("stage", STAGES)
def test_every_role_carries_exactly_the_stage_policy(sam, stage):
    roles = [r for r in sam[stage]["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    assert roles
    for role in roles:
        [policy] = role["Properties"]["Policies"]
        assert policy["PolicyDocument"] == load_policy(stage)
        assert "ManagedPolicyArns" not in role["Properties"]


@pytest.mark.parametrize("stage", STAGES)
def test_api_stage_is_named_after_the_chalice_stage(sam, stage):
    # The policy's @connections ARN names the API Gateway stage (see docs/deploy.md).
    assert stage_config(stage)["api_gateway_stage"] == stage
    stages = [
        r["Properties"]["StageName"]
        for r in sam[stage]["Resources"].values()
        if r["Type"] == "AWS::ApiGatewayV2::Stage"
    ]
    assert stages == [stage]


def test_cfn_lint_finds_no_error_or_warning(packaged):
    templates = [str(path / "sam.json") for path in packaged.values()] + [str(TEMPLATE)]
    result = subprocess.run([str(BIN / "cfn-lint"), *templates], cwd=ROOT, capture_output=True, text=True, check=False)
    # cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    assert result.returncode & 6 == 0, result.stdout + result.stderr


def test_package_leaves_the_aws_sdk_to_the_runtime(packaged):
    from infra.bundle import RUNTIME_SDK

    with zipfile.ZipFile(packaged["prod"] / "deployment.zip") as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        unzipped = sum(info.file_size for info in archive.infolist())
    shipped = {
        top
        for top in tops
        if top.split("-")[0].lower() in {"boto3", "botocore", "s3transfer", "urllib3", "dateutil", "jmespath"}
    }
    assert not shipped, f"{shipped} ship although the runtime provides {RUNTIME_SDK}: package with PIP_NO_DEPS=1"
    assert {"app.py", "chalicelib", "pynamodb"} <= tops
    assert unzipped < 10_000_000, f"{unzipped} bytes unzipped"


def test_requirements_pin_every_dependency_but_the_runtime_sdk():
    # PIP_NO_DEPS=1 installs only what requirements.txt names: anything it forgets is missing in Lambda.
    from infra.bundle import missing_requirements

    assert missing_requirements() == {}, "pin these in requirements.txt (PIP_NO_DEPS=1 skips them)"


def test_the_package_imports_with_nothing_but_the_runtime_sdk(packaged, tmp_path):
    from infra.bundle import lambda_env, runtime_sdk

    task = tmp_path / "task"
    with zipfile.ZipFile(packaged["prod"] / "deployment.zip") as archive:
        archive.extractall(task)
    env = lambda_env("prod", task, runtime_sdk(tmp_path))
    result = subprocess.run(
        [sys.executable, "-S", "-c", "import app; print(sorted(app.app.handler_map))"],
        cwd=task,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "message" in result.stdout
